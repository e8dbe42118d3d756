//
// SupervisorCore.h
//
// The supervisor's state and the glue between its parts.
//

#ifndef Sygen_SupervisorCore_INCLUDED
#define Sygen_SupervisorCore_INCLUDED

#include "Metrics.h"
#include "Sygen/Foundation/Clock.h"
#include "Sygen/Foundation/Config.h"
#include "Sygen/Hooks/HookRepository.h"
#include "cluster/ClusterShared.h"
#include "http/RateLimiter.h"
#include "http/ReplayGuard.h"
#include "jobs/ClusterFeeder.h"
#include "jobs/Dispatcher.h"
#include "jobs/IngressBackend.h"
#include "jobs/JobObserver.h"
#include "jobs/JobPreparer.h"
#include "jobs/JobSpool.h"
#include "jobs/JobStore.h"
#include "jobs/PayloadStore.h"
#include "jobs/PostgresJobStore.h"
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace Sygen {

class SupervisorCore: public IngressBackend, public JobPreparer, public JobObserver
/// Owns the hook store, rate limiter, replay guard, job spool, dispatcher and
/// metrics, and implements what the HTTP handlers (IngressBackend) and the
/// dispatcher (JobPreparer, JobObserver) need from them.
///
/// Life cycle: construct, open() (loads hooks, replays the spool, finishes
/// interrupted jobs as error:worker_lost, queues pending ones), then attach a
/// worker pool to dispatcher(). Thread-safe after open().
{
public:
	using ResultListener = std::function<void(const WebhookResult&)>;

	SupervisorCore(const Config& config, Clock& clock = Clock::system());
	~SupervisorCore() override;

	void open();
	/// Creates the state folder, loads the hooks (and starts polling the file),
	/// opens the replay log and replays the spool.
	/// Throws Poco::Exception when the state folder, spool or replay log cannot be used.

	void recover();
	/// After the result listener is set: finishes the jobs that were running when
	/// the service last stopped as error:worker_lost, and queues the pending ones
	/// in arrival order.

	void setResultListener(ResultListener listener);
	/// Called for every finished job after it is recorded (delivery goes here);
	/// in cluster mode on the job store's writer thread, after the commit.

	void flushResults();
	/// Returns once every finished job handed to the store is recorded and has
	/// reached the result listener (shutdown: before delivery stops).

	Dispatcher& dispatcher();
	HookRepository& hooks();
	/// webhooks.json on a single node, PostgreSQL in a cluster.
	ClusterShared* cluster();
	/// What the nodes share besides the jobs (token, rate limit, status); null on a single node.
	JobStore& jobStore();
	/// Where jobs live: the spool, or PostgreSQL (webhooks.backend).
	JobSpool* spool();
	/// The spool behind jobStore() on a single node; null in cluster mode.
	const Config& config() const;

	bool cancelInCluster(const std::string& jobId);
	/// Cluster mode: cancels a job still waiting in the cluster's queue (claimed
	/// by no node), which ends "cancelled" and never runs. false when it is not
	/// waiting there (or on a single node, where Dispatcher::cancel() does it all).

	JobInfo retry(const std::string& jobId);
	/// Accepts a new job with the payload and hook of the finished job jobId,
	/// linked to it (retry_of / retried_by), and queues it. Throws
	/// Poco::NotFoundException (unknown job, payload or hook no longer kept),
	/// Poco::IllegalStateException (not finished yet, payload retention off, the
	/// queue full) or Poco::IOException (the journal refuses the record).

	std::string payload(const std::string& jobId) const;
	/// The raw body the job was accepted with. Throws Poco::NotFoundException
	/// or Poco::IllegalStateException (payload retention off).

	void reloadHooks();
	/// SIGHUP: re-reads webhooks.json (in a cluster: PostgreSQL) now.

	std::string globalToken() const;
	/// The global bearer token requests are checked against now. Thread-safe.

	void setGlobalToken(const std::string& token);
	/// Swaps the global token (token.rotate): requests judged afterwards need the
	/// new one. Thread-safe; the caller has stored it and registered it as a secret.

	void maskHookSecrets();
	/// Registers every hook's token and HMAC secret with the log filter, so that
	/// no log line can ever show one. Cheap when the hooks did not change; the
	/// application calls it after every (re)load and on its periodic tick, a
	/// cluster also when another node changed the hooks. Thread-safe.

	void setGaugeSource(std::function<Metrics::Gauges()> source);
	/// Where /metrics reads worker states from.

	// IngressBackend
	RateLimiter::Decision admit(const std::string& clientAddress) override;
	std::size_t maxBodyBytes() const override;
	std::shared_ptr<const Hook> findHook(const std::string& id) const override;
	bool authenticate(const Hook& hook, const Poco::Net::NameValueCollection& headers, const std::string& body) const override;
	EnqueueOutcome enqueue(const Hook& hook, const Poco::Net::NameValueCollection& headers, const std::string& body) override;
	void dispatch(const EnqueueOutcome& accepted) override;
	std::optional<JobInfo> findJob(const std::string& jobId) const override;
	bool mayReadJob(const JobInfo& job, const Poco::Net::NameValueCollection& headers) const override;
	std::string metricsText() const override;
	std::vector<std::pair<std::string, std::string>> healthProblems() const override;
	bool mayReadMetrics(const std::string& clientAddress, const Poco::Net::NameValueCollection& headers) const override;
	void countResponse(const std::string& route, int status) override;
	std::string unavailableBackend() const override;
	bool acceptsHooks() const override;

	// JobPreparer
	std::optional<WorkOrder> prepare(const QueuedJob& job, WebhookResult& failure) override;

	// JobObserver
	void jobStarted(const std::string& jobId, int workerId, Poco::Timestamp at) override;
	void jobFinished(const WebhookResult& result) override;

	std::string readBodyOrWait(const std::string& jobId) const;
	/// The job's body; JobNotReadyException while the database cannot be reached.
	static WorkOrder workOrder(const QueuedJob& job, const Hook& hook, const std::string& prompt);
	/// The order for job: the spec from hook as it is at dispatch time, except
	/// the dependency, which is the one recorded when the job was accepted, the
	/// value the dispatcher serialized it by. The worker's dependency lock must
	/// take the same name, also when the hook was edited in between.

	static constexpr int QUEUE_FULL_RETRY_SECONDS = 5;
	static constexpr int BACKEND_RETRY_SECONDS = 5;

private:
	void recoverSpool();
	static NewJob newJob(const Hook& hook, const std::string& jobId, const std::string& body, Poco::Timestamp receivedAt);
	void keepPayload(const std::string& jobId);
	void finishLost(const JobInfo& job, const std::string& text);
	void resultRecorded(const WebhookResult& result);
	void openCluster();
	void spool(const Hook& hook, const std::string& jobId, const std::string& deliveryId, const std::string& body, EnqueueOutcome& outcome);

	Config _config;
	Clock& _clock;
	RateLimiter _rateLimiter;
	std::unique_ptr<ReplayGuard> _replay;
	std::atomic<bool> _replayLogFailing{false};
	std::unique_ptr<JobStore> _store;
	std::unique_ptr<HookRepository> _hooks; ///< After _store: in a cluster it uses the store's connections.
	std::unique_ptr<ClusterShared> _cluster;
	PayloadStore _payloads; ///< Single node only: PostgreSQL keeps the bodies itself.
	Dispatcher _dispatcher;
	Metrics _metrics;
	ResultListener _resultListener;
	std::function<Metrics::Gauges()> _gauges;
	std::shared_ptr<const HookSet> _maskedSnapshot; ///< Guarded by _maskMutex.
	std::mutex _maskMutex;
	std::shared_ptr<const std::string> _globalToken; // std::atomic_load / atomic_store only
	JobSpool* _spool = nullptr;                      ///< The spool of _store on a single node, else null.
	PostgresJobStore* _postgres = nullptr;           ///< _store in cluster mode, else null.
	std::unique_ptr<ClusterFeeder> _feeder;          ///< Cluster mode: claims jobs for the dispatcher.
};

} // namespace Sygen

#endif // Sygen_SupervisorCore_INCLUDED
