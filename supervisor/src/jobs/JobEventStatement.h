//
// JobEventStatement.h
//
// The one statement that records a batch of job starts and results.
//

#ifndef Sygen_JobEventStatement_INCLUDED
#define Sygen_JobEventStatement_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include "jobs/PostgresConnection.h"
#include <Poco/Timestamp.h>
#include <string>
#include <vector>

namespace Sygen {

class JobEventStatement
/// Builds an UPDATE of sygen_jobs for a JobEventWriter batch: the starts and the
/// results each in a data-modifying CTE fed by a VALUES list, so that a batch is
/// one round trip and one (implicit) transaction. The result rows are
/// ("s" or "r", job_id) for every job a start or a result changed.
///
/// A start changes its job only while this node holds it (claimed or running
/// here): a claim handed to another node while this one was presumed dead
/// (lease expired), or taken to cancel it, must not run here. A result changes
/// its job only while this node holds it and it is unfinished: the first final
/// status stands (a survivor may have ended it worker_lost while this node was
/// cut off). Two results for one job in one batch (never sent by the
/// dispatcher) would leave either.
{
public:
	JobEventStatement(const std::string& nodeId, bool keepBodies);

	void addStart(const std::string& jobId, int workerId, Poco::Timestamp at);
	void addResult(const WebhookResult& result);

	std::string text() const;
	const std::vector<PostgresConnection::Param>& params() const;

private:
	std::string bind(const std::string& value, const std::string& cast = "");
	static void addRow(std::string& rows, const std::string& row);

	bool _keepBodies;
	std::string _keepBodiesParam; ///< Bound with the first result (an unused parameter has no type).
	std::vector<PostgresConnection::Param> _params;
	std::string _starts;  ///< VALUES rows (job_id, worker_id, started_us).
	std::string _results; ///< VALUES rows (job_id, status, finished_us, result).
};

} // namespace Sygen

#endif // Sygen_JobEventStatement_INCLUDED
