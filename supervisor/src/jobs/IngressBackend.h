//
// IngressBackend.h
//
// What the HTTP handlers need from the rest of the supervisor, and nothing more,
// so that they can be tested without the application.
//

#ifndef Sygen_IngressBackend_INCLUDED
#define Sygen_IngressBackend_INCLUDED

#include "Sygen/Auth/RequestView.h"
#include "Sygen/Hooks/Hook.h"
#include "http/RateLimiter.h"
#include "jobs/JobSpool.h"
#include "jobs/QueuedJob.h"
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Sygen {

struct EnqueueOutcome
/// The answer of IngressBackend::enqueue().
{
	enum Kind
	{
		ACCEPTED,           ///< Spooled durably as jobId.
		DUPLICATE,          ///< Same delivery id accepted before as jobId; not run again.
		QUEUE_FULL,         ///< No room: retry after retryAfterSeconds.
		BUSY,               ///< The same delivery is being accepted right now: retry shortly.
		BACKEND_UNAVAILABLE ///< The job store (PostgreSQL) cannot be reached: nothing recorded.
	};
	Kind kind = ACCEPTED;
	std::string jobId;
	int retryAfterSeconds = 0;
	QueuedJob job; ///< ACCEPTED: what dispatch() queues once the 202 is out.
};

class IngressBackend
/// Implementations must be thread-safe: handlers call them concurrently.
{
public:
	virtual ~IngressBackend() = default;

	virtual RateLimiter::Decision admit(const std::string& clientAddress) = 0;
	/// Rate limits (SPEC §7): records the request when allowed.

	virtual std::size_t maxBodyBytes() const = 0;

	virtual std::shared_ptr<const Hook> findHook(const std::string& id) const = 0;
	/// The current definition, or null.

	virtual bool authenticate(const Hook& hook, const Poco::Net::NameValueCollection& headers, const std::string& body) const = 0;
	/// SPEC §6. Never throws.

	virtual EnqueueOutcome enqueue(const Hook& hook, const Poco::Net::NameValueCollection& headers, const std::string& body) = 0;
	/// Checks room and replay protection and spools the job durably.
	/// Throws Poco::Exception when the spool cannot be written.

	virtual void dispatch(const EnqueueOutcome& accepted) = 0;
	/// Queues an ACCEPTED job for the workers. The handler calls it after the 202
	/// is sent (and also when sending fails), so the caller never waits for the
	/// dispatch work (a durable "started" record when a worker is idle).

	virtual std::optional<JobInfo> findJob(const std::string& jobId) const = 0;

	virtual bool mayReadJob(const JobInfo& job, const Poco::Net::NameValueCollection& headers) const = 0;
	/// Whether the request presents credentials the job's hook accepts
	/// (bearer hooks: its token; others: the global token).

	virtual std::string metricsText() const = 0;

	virtual std::vector<std::pair<std::string, std::string>> healthProblems() const { return {}; }
	/// What GET /health reports as degraded (name, explanation); empty when all is well.
	/// Prometheus text exposition.

	virtual bool mayReadMetrics(const std::string& clientAddress, const Poco::Net::NameValueCollection& headers) const = 0;
	/// Loopback clients, or the global token.

	virtual void countResponse(const std::string& route, int status) = 0;
	/// Request metrics.

	virtual bool acceptsHooks() const { return true; }
	/// false on a worker host of a cluster (webhooks.ingress false): POST /hooks/...
	/// answers 404 there; /health, /metrics and /jobs stay.

	virtual std::string unavailableBackend() const { return std::string(); }
	/// The name of the job store when it cannot be reached now ("postgres"),
	/// "" while it can: /health answers 503 then.
};

} // namespace Sygen

#endif // Sygen_IngressBackend_INCLUDED
