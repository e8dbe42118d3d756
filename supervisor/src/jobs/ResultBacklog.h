//
// ResultBacklog.h
//
// Results a cluster node could not write to PostgreSQL, kept on its disk.
//

#ifndef Sygen_ResultBacklog_INCLUDED
#define Sygen_ResultBacklog_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include <deque>
#include <string>

namespace Sygen {

class ResultBacklog
/// One file (a JSON array of results, mode 0600) that holds the results finished
/// while the database was unreachable, so that neither an outage nor a restart
/// during it loses one. Rewritten atomically (AtomicFile) on every change; removed
/// when empty. Outages are rare and short, so whole-file rewrites stay small.
/// Not thread-safe: the owner serialises calls.
{
public:
	explicit ResultBacklog(const std::string& path);

	const std::string& path() const;

	std::deque<WebhookResult> load() const;
	/// What the last run left; empty when there is no file. Throws
	/// Poco::DataFormatException when the file is not a backlog.

	void save(const std::deque<WebhookResult>& results) const;
	/// Replaces the file with results (removes it when empty). Throws
	/// Poco::FileException.

private:
	std::string _path;
};

} // namespace Sygen

#endif // Sygen_ResultBacklog_INCLUDED
