//
// JobStore.h
//
// The backend seam: where accepted jobs, their history and delivery ids live.
//

#ifndef Sygen_JobStore_INCLUDED
#define Sygen_JobStore_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include "jobs/JobSpool.h"
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace Sygen {

class BackendUnavailable: public Poco::IOException
/// The store cannot be reached now (database down): the request gets 503
/// backend_unavailable with Retry-After, never a 202.
{
public:
	explicit BackendUnavailable(const std::string& message);
};

struct NewJob
/// One job to record at the 202.
{
	std::string jobId;
	std::string hookId;
	std::string dependency;
	int maxConcurrent = 0;
	std::string body;
	Poco::Timestamp receivedAt;
	std::string deliveryId;         ///< The hook's dedupe header value; "" when none.
	std::string retryOf;            ///< The finished job this one replays (jobs retry); "" when none.
	std::vector<std::string> runOn; ///< Cluster mode: the nodes that may run it (hook run_on); empty = any.
	std::string sessionKey;         ///< Cluster mode: wake jobs follow the node holding this session; "" = none.
};

struct JobAcceptance
{
	bool duplicate = false; ///< The delivery id was accepted before: jobId is that job.
	std::string jobId;
};

class JobStore
/// What the request path, the dispatcher and the result sink need from the place
/// jobs live: the file spool on one node (SpoolJobStore), PostgreSQL in a cluster
/// (PostgresJobStore), chosen by webhooks.backend. Every call that changes state
/// returns only once the change is durable. Thread-safe.
{
public:
	virtual ~JobStore() = default;

	virtual std::string name() const = 0;
	/// "spool" or "postgres" (/health, logs).

	virtual void open() = 0;
	/// Opens the store and finds what the last run left (pending(), interrupted()).

	virtual bool dedupesDeliveries() const = 0;
	/// true: accept() enforces delivery-id uniqueness itself (cluster-wide); false:
	/// the caller keeps the node's ReplayGuard.

	virtual JobAcceptance accept(const NewJob& job) = 0;
	/// Records the job durably, or reports the earlier job of the same delivery id.
	/// Throws BackendUnavailable when the store cannot be reached, Poco::IOException
	/// when the record could not be written.

	virtual void markStarted(const std::string& jobId, int workerId, Poco::Timestamp at) = 0;
	virtual void markFinished(const WebhookResult& result) = 0;

	virtual void markFinishedThen(const WebhookResult& result, const std::function<void()>& recorded)
	/// markFinished, then recorded() once the result is durable (or kept on disk
	/// for later), so that what reports it to the outside never runs before. A
	/// store that writes results in the background (PostgreSQL) returns at once
	/// and calls recorded() on its writer's thread. When this throws, recorded()
	/// was not called.
	{
		markFinished(result);
		recorded();
	}

	virtual void flushResults() {}
	/// Returns once every result handed to markFinishedThen is recorded and its
	/// recorded() has returned (shutdown, before delivery stops).


	virtual std::string readBody(const std::string& jobId) const = 0;
	/// The raw body of an unfinished job. Throws Poco::NotFoundException.

	virtual std::optional<JobInfo> find(const std::string& jobId) const = 0;
	virtual std::vector<JobInfo> list(std::size_t limit) const = 0;
	virtual std::vector<JobInfo> pending() const = 0;
	/// Jobs accepted and never started that this node should queue, in arrival order.
	virtual std::vector<JobInfo> interrupted() const = 0;
	/// Jobs this node had started before it last stopped, never finished.
	virtual std::size_t unfinishedCount() const = 0;

	virtual bool available() const = 0;
	/// false while the store cannot be reached (/health answers 503).
};

} // namespace Sygen

#endif // Sygen_JobStore_INCLUDED
