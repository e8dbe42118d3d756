//
// SupervisorCore.cpp
//

#include "SupervisorCore.h"
#include "Sygen/Auth/Authenticator.h"
#include "Sygen/Auth/BearerAuthenticator.h"
#include "Sygen/Auth/RequestView.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include "Sygen/Foundation/PayloadParser.h"
#include "Sygen/Hooks/HookStore.h"
#include "Sygen/Hooks/TemplateRenderer.h"
#include "Sygen/Protocol/JobStatus.h"
#include "jobs/PostgresJobStore.h"
#include "jobs/SpoolJobStore.h"
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Net/IPAddress.h>
#include <sys/stat.h>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.SupervisorCore");
}

// Delivery ids longer than this are not a real sender's; they are ignored rather
// than stored.
const std::size_t MAX_DELIVERY_ID_LENGTH = 256;

const std::string STORE_UNREACHABLE_HOLD = "the job store cannot be reached (see the backend's error before this line)";

std::unique_ptr<JobStore> makeJobStore(const Config& config)
{
	const std::size_t history = static_cast<std::size_t>(config.webhooks.jobHistory);
	if (config.webhooks.backend.postgres())
	{
		// The DSN's password must never reach a log line, whatever prints it.
		Logging::addSecret(PostgresConnection::passwordOf(config.webhooks.backend.dsn));
		std::unique_ptr<PostgresJobStore> store(
			new PostgresJobStore(config.webhooks.backend, history, config.webhooks.dedupeWindowSeconds));
		store->setKeepsBodies(config.webhooks.keepPayloads);
		store->setBacklogFile(config.paths.stateDir + "/unwritten-results.json");
		return std::unique_ptr<JobStore>(store.release());
	}
	return std::unique_ptr<JobStore>(new SpoolJobStore(config.paths.stateDir + "/spool", history));
}

std::string clusterMetrics(const std::string& nodeId, std::size_t clusterQueue)
{
	std::string label;
	for (char c: nodeId)
	{
		if (c == '\\' || c == '"') label += '\\';
		if (c == '\n') label += "\\n";
		else label += c;
	}
	return "# HELP sygen_webhook_node_info This node of the cluster.\n# TYPE sygen_webhook_node_info gauge\n"
		   "sygen_webhook_node_info{node_id=\"" +
		label +
		"\"} 1\n"
		"# HELP sygen_webhook_cluster_queue_depth Jobs accepted by any node and not yet started.\n"
		"# TYPE sygen_webhook_cluster_queue_depth gauge\n"
		"sygen_webhook_cluster_queue_depth " +
		std::to_string(clusterQueue) + "\n";
}

bool isBearerMode(const Hook& hook)
{
	return hook.authMode != "hmac" && hook.authMode != "standard_webhooks";
}

} // namespace

SupervisorCore::SupervisorCore(const Config& config, Clock& clock):
	_config(config),
	_clock(clock),
	_rateLimiter(static_cast<int>(config.webhooks.rateLimitPerMinute), static_cast<int>(config.webhooks.rateLimitPerIpPerMinute)),
	_store(makeJobStore(config)),
	_payloads(config.paths.stateDir + "/spool/payloads", static_cast<std::size_t>(config.webhooks.jobHistory)),
	_dispatcher(*this, *this, static_cast<std::size_t>(config.webhooks.queueCapacity), clock)
{
	if (SpoolJobStore* spoolStore = dynamic_cast<SpoolJobStore*>(_store.get())) _spool = &spoolStore->spool();
	_postgres = dynamic_cast<PostgresJobStore*>(_store.get());
	if (!_postgres) _hooks.reset(new HookStore(config.paths.hooksFile, clock));
	if (_postgres)
	{
		std::unique_ptr<PostgresHookStore> hooks(new PostgresHookStore(_postgres->pool(), config.paths.hooksFile, clock));
		_cluster.reset(new ClusterShared(_postgres->pool(), *hooks, _config));
		_hooks = std::move(hooks);
		_feeder.reset(new ClusterFeeder(*_postgres, _dispatcher, config.webhooks.workers));
		_postgres->setWakeListener([this]() { _feeder->wake(); });
		_postgres->setLostJobListener([this](const JobInfo& job) {
			finishLost(job, "[Webhook job lost: its node stopped renewing its lease while it was running]");
		});
	}
}

SupervisorCore::~SupervisorCore()
{
	if (_cluster) _cluster->stop();
	_hooks->stopPolling();
	if (_postgres) _postgres->stopListening();
	_feeder.reset();
}

void SupervisorCore::open()
{
	Poco::File(_config.paths.stateDir).createDirectories();
	::chmod(_config.paths.stateDir.c_str(), 0700);
	// A cluster's hooks are in the database: it must be open (and migrated) first.
	if (_postgres) _store->open();
	_hooks->load();
	maskHookSecrets();
	_hooks->startPolling();
	_replay.reset(new ReplayGuard(_config.paths.stateDir + "/dedupe.log", _config.webhooks.dedupeWindowSeconds, _clock.now()));
	if (!_postgres) _store->open();
	if (_cluster) openCluster();
	if (_spool)
	{
		_payloads.open();
		// Retention turned off: what was kept before goes too.
		if (!_config.webhooks.keepPayloads) _payloads.clear();
	}
}

void SupervisorCore::recover()
{
	for (const JobInfo& job: _store->interrupted())
	{
		// It may have had effects already: never run it again (SPEC §13).
		finishLost(job, "[Webhook job lost: the service stopped while it was running]");
	}
	for (const std::string& jobId: _spool ? _spool->lostJobs() : std::vector<std::string>())
	{
		// Accepted, but its record was damaged: its body is gone, it cannot run. It
		// gets a result (GET /jobs/{id} answers instead of 404), never silence.
		WebhookResult result;
		result.jobId = jobId;
		result.status = JobStatus::ERROR_JOURNAL_DAMAGED;
		result.resultText = "[Webhook job lost: its journal record was damaged; the bytes are in the spool's quarantine folder]";
		result.finishedAt = IsoTime::format(_clock.now());
		jobFinished(result);
	}
	for (const JobInfo& job: _store->pending())
	{
		std::shared_ptr<const Hook> hook = findHook(job.hookId);
		int maxConcurrent = hook ? hook->maxConcurrent.value_or(0) : 0;
		_dispatcher.submit(QueuedJob{job.jobId, job.hookId, job.dependency, job.queuedAt, maxConcurrent});
	}
	if (_postgres)
	{
		_postgres->startReaping();
		_feeder->start();
	}
}

void SupervisorCore::finishLost(const JobInfo& job, const std::string& text)
{
	std::shared_ptr<const Hook> hook = findHook(job.hookId);
	WebhookResult result;
	result.jobId = job.jobId;
	result.hookId = job.hookId;
	result.hookTitle = hook ? hook->title : "";
	result.mode = hook ? hook->mode : "";
	result.status = JobStatus::ERROR_WORKER_LOST;
	result.resultText = text;
	if (job.startedAt) result.startedAt = IsoTime::format(*job.startedAt);
	result.finishedAt = IsoTime::format(_clock.now());
	jobFinished(result);
}

void SupervisorCore::setResultListener(ResultListener listener)
{
	_resultListener = std::move(listener);
}

void SupervisorCore::setGaugeSource(std::function<Metrics::Gauges()> source)
{
	_gauges = std::move(source);
}

Dispatcher& SupervisorCore::dispatcher()
{
	return _dispatcher;
}

HookRepository& SupervisorCore::hooks()
{
	return *_hooks;
}

ClusterShared* SupervisorCore::cluster()
{
	return _cluster.get();
}

void SupervisorCore::openCluster()
{
	std::string token = _cluster->open(
		_config.webhooks.token, [this](const std::string& rotated) { setGlobalToken(rotated); }, [this]() { maskHookSecrets(); });
	setGlobalToken(token);
}

JobStore& SupervisorCore::jobStore()
{
	return *_store;
}

JobSpool* SupervisorCore::spool()
{
	return _spool;
}

const Config& SupervisorCore::config() const
{
	return _config;
}

void SupervisorCore::reloadHooks()
{
	_hooks->load();
	maskHookSecrets();
}

std::string SupervisorCore::globalToken() const
{
	std::shared_ptr<const std::string> swapped = std::atomic_load(&_globalToken);
	return swapped ? *swapped : _config.webhooks.token;
}

void SupervisorCore::setGlobalToken(const std::string& token)
{
	std::atomic_store(&_globalToken, std::make_shared<const std::string>(token));
}

void SupervisorCore::maskHookSecrets()
{
	std::lock_guard<std::mutex> lock(_maskMutex);
	std::shared_ptr<const HookSet> snapshot = _hooks->snapshot();
	if (snapshot == _maskedSnapshot) return;
	for (const HookSet::HookPtr& hook: snapshot->hooks())
	{
		Logging::addSecret(hook->token);
		Logging::addSecret(hook->hmacSecret);
	}
	_maskedSnapshot = snapshot;
}

RateLimiter::Decision SupervisorCore::admit(const std::string& clientAddress)
{
	// A cluster: this node's share of the cluster's room first, then its own window.
	if (_cluster) return _cluster->admit(clientAddress, [&]() { return _rateLimiter.check(clientAddress, _clock.now()); });
	return _rateLimiter.check(clientAddress, _clock.now());
}

std::size_t SupervisorCore::maxBodyBytes() const
{
	return static_cast<std::size_t>(_config.webhooks.maxBodyBytes);
}

std::shared_ptr<const Hook> SupervisorCore::findHook(const std::string& id) const
{
	return _hooks->snapshot()->findPtr(id);
}

bool SupervisorCore::authenticate(const Hook& hook, const Poco::Net::NameValueCollection& headers, const std::string& body) const
{
	RequestView view(headers, body, globalToken(), _clock.now());
	return Authenticator::authenticate(hook, view);
}

EnqueueOutcome SupervisorCore::enqueue(const Hook& hook, const Poco::Net::NameValueCollection& headers, const std::string& body)
{
	EnqueueOutcome outcome;
	if (!_dispatcher.hasRoom())
	{
		outcome.kind = EnqueueOutcome::QUEUE_FULL;
		outcome.retryAfterSeconds = QUEUE_FULL_RETRY_SECONDS;
		return outcome;
	}
	std::string jobId = JobSpool::newJobId();
	std::string deliveryId;
	if (hook.dedupeHeader && !hook.dedupeHeader->empty() && headers.has(*hook.dedupeHeader)) deliveryId = headers.get(*hook.dedupeHeader);
	if (deliveryId.empty() || deliveryId.size() > MAX_DELIVERY_ID_LENGTH) deliveryId.clear();
	if (deliveryId.empty() || _store->dedupesDeliveries())
	{
		spool(hook, jobId, deliveryId, body, outcome);
		return outcome;
	}

	Poco::Timestamp now = _clock.now();
	ReplayGuard::Result seen = _replay->reserve(hook.id, deliveryId, jobId, now);
	if (seen.outcome == ReplayGuard::DUPLICATE)
	{
		logger().information("duplicate delivery for hook %s: already accepted as job %s", hook.id, seen.jobId);
		outcome.kind = EnqueueOutcome::DUPLICATE;
		outcome.jobId = seen.jobId;
		return outcome;
	}
	if (seen.outcome == ReplayGuard::IN_FLIGHT)
	{
		outcome.kind = EnqueueOutcome::BUSY;
		outcome.jobId = seen.jobId;
		outcome.retryAfterSeconds = 1;
		return outcome;
	}
	try
	{
		spool(hook, jobId, deliveryId, body, outcome);
	}
	catch (...)
	{
		_replay->rollback(hook.id, deliveryId);
		throw;
	}
	try
	{
		_replay->confirm(hook.id, deliveryId, now);
		if (_replayLogFailing.exchange(false)) logger().notice("replay log written again");
	}
	catch (Poco::Exception& exc)
	{
		// The job is safely spooled; only its replay protection could not be saved.
		// Once per episode: a full disk must not turn every request into a log line.
		if (!_replayLogFailing.exchange(true))
			logger().error("replay log not written (hook %s); logged once until it works again: %s", hook.id, exc.displayText());
	}
	return outcome;
}

void SupervisorCore::spool(
	const Hook& hook, const std::string& jobId, const std::string& deliveryId, const std::string& body, EnqueueOutcome& outcome)
{
	Poco::Timestamp now = _clock.now();
	std::string dependency = hook.dependency.value_or("");
	NewJob job = newJob(hook, jobId, body, now);
	job.deliveryId = deliveryId;
	JobAcceptance acceptance;
	try
	{
		acceptance = _store->accept(job);
	}
	catch (BackendUnavailable&)
	{
		// No commit, no 202 (CLUSTER.md): the sender retries after the outage.
		outcome.kind = EnqueueOutcome::BACKEND_UNAVAILABLE;
		outcome.retryAfterSeconds = BACKEND_RETRY_SECONDS;
		return;
	}
	if (acceptance.duplicate)
	{
		logger().information("duplicate delivery for hook %s: already accepted as job %s", hook.id, acceptance.jobId);
		outcome.kind = EnqueueOutcome::DUPLICATE;
		outcome.jobId = acceptance.jobId;
		return;
	}
	outcome.kind = EnqueueOutcome::ACCEPTED;
	outcome.jobId = jobId;
	outcome.job = QueuedJob{jobId, hook.id, dependency, now, hook.maxConcurrent.value_or(0)};
}

NewJob SupervisorCore::newJob(const Hook& hook, const std::string& jobId, const std::string& body, Poco::Timestamp receivedAt)
{
	NewJob job;
	job.jobId = jobId;
	job.hookId = hook.id;
	job.dependency = hook.dependency.value_or("");
	job.maxConcurrent = hook.maxConcurrent.value_or(0);
	job.body = body;
	job.receivedAt = receivedAt;
	job.runOn = hook.runOn;
	// A wake continues the chats' sessions of its provider, kept by the node that ran
	// the last one: the cluster sends it there (CLUSTER.md, wake affinity).
	if (hook.mode == "wake") job.sessionKey = "wake:" + hook.provider.value_or("");
	return job;
}

void SupervisorCore::dispatch(const EnqueueOutcome& accepted)
{
	if (accepted.kind != EnqueueOutcome::ACCEPTED || accepted.job.jobId.empty()) return;
	// Cluster mode: the job is in the cluster's queue; whichever node is free claims it.
	if (_feeder) _feeder->wake();
	else _dispatcher.submit(accepted.job);
}

std::optional<JobInfo> SupervisorCore::findJob(const std::string& jobId) const
{
	return _store->find(jobId);
}

bool SupervisorCore::mayReadJob(const JobInfo& job, const Poco::Net::NameValueCollection& headers) const
{
	static const std::string noBody;
	const std::string token = globalToken();
	RequestView view(headers, noBody, token, _clock.now());
	std::shared_ptr<const Hook> hook = job.hookId.empty() ? nullptr : findHook(job.hookId);
	if (hook && isBearerMode(*hook)) return BearerAuthenticator::authenticate(*hook, view);
	// HMAC senders hold no bearer token: the operator's global token reads their jobs.
	return !token.empty() && BearerAuthenticator::authenticateToken(view, token);
}

std::string SupervisorCore::metricsText() const
{
	Metrics::Gauges gauges = _gauges ? _gauges() : Metrics::Gauges();
	gauges.queueDepth = _dispatcher.queuedCount();
	gauges.queueCapacity = _dispatcher.capacity();
	if (_spool)
	{
		gauges.journalWritable = _spool->writable();
		gauges.journalWriteFailures = _spool->writeFailures();
		gauges.journalDamagedRecords = _spool->damage().size();
		gauges.unwrittenResults = _spool->unwrittenResults();
	}
	gauges.jobsHeld = !_dispatcher.holdReason().empty();
	std::string text = _metrics.render(gauges);
	if (_postgres) text += clusterMetrics(_postgres->nodeId(), _postgres->queuedInCluster());
	return text;
}

std::vector<std::pair<std::string, std::string>> SupervisorCore::healthProblems() const
{
	std::vector<std::pair<std::string, std::string>> problems;
	if (_spool && !_spool->writable())
		problems.emplace_back("journal", "the job journal cannot be written (" + _spool->lastWriteError() + "): new jobs get 503");
	std::size_t unwritten = _spool ? _spool->unwrittenResults() : 0;
	if (unwritten > 0)
		problems.emplace_back("unwritten_results", std::to_string(unwritten) + " results are kept in memory until the journal takes them");
	std::string held = _dispatcher.holdReason();
	if (!held.empty()) problems.emplace_back("jobs_held", "queued jobs wait: " + held);
	return problems;
}

bool SupervisorCore::mayReadMetrics(const std::string& clientAddress, const Poco::Net::NameValueCollection& headers) const
{
	Poco::Net::IPAddress address;
	if (Poco::Net::IPAddress::tryParse(clientAddress, address) && address.isLoopback()) return true;
	static const std::string noBody;
	const std::string token = globalToken();
	RequestView view(headers, noBody, token, _clock.now());
	return !token.empty() && BearerAuthenticator::authenticateToken(view, token);
}

void SupervisorCore::countResponse(const std::string& route, int status)
{
	_metrics.countResponse(route, status);
}

bool SupervisorCore::acceptsHooks() const
{
	return _config.webhooks.ingress;
}

std::string SupervisorCore::unavailableBackend() const
{
	return _store->available() ? std::string() : _store->name();
}

std::optional<WorkOrder> SupervisorCore::prepare(const QueuedJob& job, WebhookResult& failure)
{
	std::optional<Hook> hook = _hooks->get(job.hookId);
	if (!hook)
	{
		// Not found in a file that cannot be trusted: the hook may well exist. Wait.
		std::string problem = _hooks->problem();
		if (!problem.empty()) throw JobNotReadyException(problem);
		failure.jobId = job.jobId;
		failure.hookId = job.hookId;
		failure.status = JobStatus::ERROR_NOT_FOUND;
		failure.finishedAt = IsoTime::format(_clock.now());
		return std::nullopt;
	}
	Poco::JSON::Object::Ptr payload;
	if (PayloadParser::parse(readBodyOrWait(job.jobId), payload) != PayloadParser::OK)
		throw Poco::DataFormatException("spooled body of job " + job.jobId + " is no longer a JSON object");
	return workOrder(job, *hook, TemplateRenderer::renderPrompt(*payload, hook->promptTemplate));
}

std::string SupervisorCore::readBodyOrWait(const std::string& jobId) const
{
	try
	{
		return _store->readBody(jobId);
	}
	catch (BackendUnavailable&)
	{
		// The database is down: the job waits for it, like a job behind a broken hook
		// file; it never fails for a passing problem. The outage is logged by the pool.
		throw JobNotReadyException(STORE_UNREACHABLE_HOLD);
	}
	catch (PostgresError& e)
	{
		// A lost connection (no SQLSTATE) passes too; a rejected statement does not.
		if (!e.sqlState().empty()) throw;
		throw JobNotReadyException(STORE_UNREACHABLE_HOLD);
	}
}

WorkOrder SupervisorCore::workOrder(const QueuedJob& job, const Hook& hook, const std::string& prompt)
{
	WorkOrder order;
	order.jobId = job.jobId;
	order.spec = JobSpec::fromHook(hook);
	order.spec.dependency = job.dependency.empty() ? std::nullopt : std::optional<std::string>(job.dependency);
	order.prompt = prompt;
	order.queuedAt = IsoTime::format(job.queuedAt);
	return order;
}

void SupervisorCore::keepPayload(const std::string& jobId)
{
	// Before the finished record: afterwards the journal may compact the body away.
	try
	{
		_payloads.keep(jobId, _spool->readBody(jobId));
	}
	catch (Poco::NotFoundException&)
	{
		// A job lost to journal damage has no body left to keep.
	}
	catch (Poco::Exception& exc)
	{
		logger().error("job %s: its payload could not be kept for a retry: %s", jobId, exc.displayText());
	}
}

bool SupervisorCore::cancelInCluster(const std::string& jobId)
{
	if (!_postgres || !_postgres->claimOne(jobId)) return false;
	// Claimed by this node, so no other takes it; its result ends it like a local cancel.
	std::optional<JobInfo> job = _store->find(jobId);
	WebhookResult result;
	result.jobId = jobId;
	result.hookId = job ? job->hookId : "";
	std::shared_ptr<const Hook> hook = findHook(result.hookId);
	result.hookTitle = hook ? hook->title : "";
	result.mode = hook ? hook->mode : "";
	result.status = JobStatus::CANCELLED;
	result.finishedAt = IsoTime::format(_clock.now());
	jobFinished(result);
	return true;
}

JobInfo SupervisorCore::retry(const std::string& jobId)
{
	std::optional<JobInfo> original = _store->find(jobId);
	if (!original) throw Poco::NotFoundException("no job " + jobId);
	if (!original->result)
		throw Poco::IllegalStateException(
			"job " + jobId + " is " + original->status + ": only finished jobs can be retried (cancel it first)");
	std::string body = payload(jobId);
	std::shared_ptr<const Hook> hook = findHook(original->hookId);
	if (!hook) throw Poco::NotFoundException("hook " + original->hookId + " of job " + jobId + " no longer exists");
	if (!_dispatcher.hasRoom()) throw Poco::IllegalStateException("the queue is full: try again later");
	std::string newId = JobSpool::newJobId();
	Poco::Timestamp now = _clock.now();
	std::string dependency = hook->dependency.value_or("");
	NewJob job = newJob(*hook, newId, body, now);
	job.retryOf = jobId;
	_store->accept(job);
	if (_feeder) _feeder->wake();
	else _dispatcher.submit(QueuedJob{newId, hook->id, dependency, now, hook->maxConcurrent.value_or(0)});
	logger().notice("job %s: retried by an operator as job %s", jobId, newId);
	std::optional<JobInfo> created = _store->find(newId);
	if (created) return *created;
	JobInfo info;
	info.jobId = newId;
	info.hookId = hook->id;
	info.status = "queued";
	info.queuedAt = now;
	info.retryOf = jobId;
	return info;
}

std::string SupervisorCore::payload(const std::string& jobId) const
{
	std::optional<JobInfo> job = _store->find(jobId);
	if (!job) throw Poco::NotFoundException("no job " + jobId);
	if (!job->result) return _store->readBody(jobId);
	if (!_config.webhooks.keepPayloads)
		throw Poco::IllegalStateException(
			"payload retention is off (webhooks.keep_payloads is false): the payload of job " + jobId + " was not kept");
	// PostgreSQL keeps a finished job's body in its row for as long as the row (job_history).
	std::optional<std::string> body = _postgres ? _postgres->keptBody(jobId) : _payloads.read(jobId);
	if (!body) throw Poco::NotFoundException("the payload of job " + jobId + " is no longer kept");
	return *body;
}

void SupervisorCore::jobStarted(const std::string& jobId, int workerId, Poco::Timestamp at)
{
	_store->markStarted(jobId, workerId, at);
}

void SupervisorCore::jobFinished(const WebhookResult& result)
{
	if (_spool && _config.webhooks.keepPayloads) keepPayload(result.jobId);
	// PostgreSQL writes it in the background (the worker goes back to work): the rest,
	// delivery above all, runs once it is durable.
	try
	{
		_store->markFinishedThen(result, [this, result]() { resultRecorded(result); });
	}
	catch (Poco::Exception& exc)
	{
		logger().critical("job %s: result not recorded in the spool: %s", result.jobId, exc.displayText());
		resultRecorded(result);
	}
}

void SupervisorCore::resultRecorded(const WebhookResult& result)
{
	if (result.status != JobStatus::ERROR_NOT_FOUND)
	{
		_hooks->recordTrigger(result.hookId, result.status, _clock.now());
	}
	_metrics.countJob(result.status, result.durationMs);
	Logging::log(logger(), Poco::Message::PRIO_INFORMATION,
		"job " + result.jobId + " of hook " + result.hookId + " finished: " + result.status + " (" + std::to_string(result.durationMs) +
			" ms)",
		{{LogFields::HOOK_ID, result.hookId}, {LogFields::JOB_ID, result.jobId}, {LogFields::STATUS, result.status}});
	if (_resultListener) _resultListener(result);
	if (_feeder) _feeder->wake();
}

void SupervisorCore::flushResults()
{
	_store->flushResults();
}

} // namespace Sygen
