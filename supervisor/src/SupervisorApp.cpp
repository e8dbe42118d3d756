//
// SupervisorApp.cpp
//

#include "SupervisorApp.h"
#include "SdNotify.h"
#include "SecretFilePermissions.h"
#include "SupervisorCore.h"
#include "Sygen/Foundation/AtomicFile.h"
#include "Sygen/Foundation/Config.h"
#include "Sygen/Foundation/Logging.h"
#include "admin/AdminCommands.h"
#include "admin/AdminServer.h"
#include "admin/HookAdminCommands.h"
#include "admin/JobActionCommands.h"
#include "http/HTTPAcceptor.h"
#include "http/RequestHandlerFactory.h"
#include "jobs/SchemaMigrator.h"
#include "results/ResultSink.h"
#include "workers/WorkerPool.h"
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Path.h>
#include <Poco/ThreadPool.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <algorithm>
#include <csignal>
#include <iostream>
#include <memory>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

using Poco::Util::Option;
using Poco::Util::OptionSet;

namespace Sygen {

namespace {

sigset_t controlSignals()
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGHUP);
	return set;
}

// Every client connection is a descriptor, and the connection gate holds
// thousands of idle ones by design: take the hard limit, which the packaged
// unit sets (LimitNOFILE). Returns the soft limit now in force.
rlim_t raiseDescriptorLimit()
{
	rlimit limit{};
	if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
	if (limit.rlim_cur < limit.rlim_max)
	{
		rlimit raised = limit;
		if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) return raised.rlim_cur;
	}
	return limit.rlim_cur;
}

} // namespace

SupervisorApp::SupervisorApp()
{
	// Options are ours alone: the default --daemon/--pidfile handling is kept by
	// ServerApplication, but no configuration file is loaded behind our back.
	setUnixOptions(true);
}

void SupervisorApp::defineOptions(OptionSet& options)
{
	ServerApplication::defineOptions(options);
	options.addOption(Option("help", "h", "show this help and exit"));
	options.addOption(Option("version", "", "print the version and exit"));
	options.addOption(Option("home", "", "home folder (default: $SYGEN_HOME, else ~/.sygen)").argument("DIR"));
	options.addOption(Option("config", "", "config file (default: <home>/config/config.json)").argument("FILE"));
	options.addOption(Option("check-config", "", "validate the config file and exit (0 valid, 78 invalid)"));
	options.addOption(Option("log", "", "log target: auto (journald under systemd, else stderr), journald, stderr").argument("TARGET"));
	options.addOption(
		Option("log-level", "", "fatal, critical, error, warning, notice, information (default), debug, trace").argument("LEVEL"));
}

void SupervisorApp::handleOption(const std::string& name, const std::string& value)
{
	ServerApplication::handleOption(name, value);
	if (name == "help")
	{
		_helpRequested = true;
		stopOptionsProcessing();
	}
	else if (name == "version") _versionRequested = true;
	else if (name == "home") _home = value;
	else if (name == "config") _config = value;
	else if (name == "check-config") _checkConfig = true;
	else if (name == "log") _logTarget = value;
	else if (name == "log-level") _logLevel = value;
}

void SupervisorApp::showHelp() const
{
	Poco::Util::HelpFormatter help(options());
	help.setCommand("sygen-webhookd");
	help.setUsage("[OPTIONS]");
	help.setHeader("HTTP ingress for webhook triggers that wake AI agents. Accepts POST /hooks/{id}, "
				   "answers 202 and runs the hook's job in a pool of sandboxed worker processes.");
	help.setFooter(
		"Signals: SIGTERM/SIGINT stop gracefully (running jobs finish within "
		"webhooks.shutdown_grace_seconds, queued jobs stay spooled); SIGHUP reloads webhooks.json. "
		"Exit codes: 0 ok or webhooks disabled, 78 bad or missing configuration (or a database schema newer than this binary), 70 internal error.");
	help.format(std::cout);
}

int SupervisorApp::main(const std::vector<std::string>&)
{
	if (_helpRequested)
	{
		showHelp();
		return EXIT_OK;
	}
	if (_versionRequested)
	{
		std::cout << "sygen-webhookd " << SYGEN_VERSION << std::endl;
		return EXIT_OK;
	}
	// Before any thread exists, so that every thread inherits the mask and only
	// the main loop below ever sees these signals.
	sigset_t signals = controlSignals();
	pthread_sigmask(SIG_BLOCK, &signals, nullptr);
	std::signal(SIGPIPE, SIG_IGN);
	try
	{
		Logging::configure("sygen-webhookd", Logging::parseTarget(_logTarget), _logLevel);
	}
	catch (Poco::Exception& exc)
	{
		std::cerr << "sygen-webhookd: " << exc.message() << std::endl;
		return EXIT_USAGE;
	}

	Config config;
	try
	{
		config = Config::load(_home, _config);
	}
	catch (ConfigError& exc)
	{
		logger().critical(exc.message());
		return EXIT_CONFIG;
	}
	if (!config.fileExists && (!_config.empty() || !config.webhooks.enabled))
	{
		// Named but absent, or absent and thus "disabled": either way an exit 0 would
		// look like success to systemd while nothing listens.
		logger().critical("config file %s does not exist%s", config.paths.configFile,
			std::string(_config.empty() ? " (webhooks are disabled without it)" : ""));
		return EXIT_CONFIG;
	}
	for (const std::string& warning: SecretFilePermissions::warnings(config))
	{
		logger().warning(warning);
		if (_checkConfig) std::cout << "warning: " << warning << std::endl;
	}
	if (_checkConfig)
	{
		std::cout << "config OK: " << config.paths.configFile << std::endl;
		return EXIT_OK;
	}
	if (!config.webhooks.enabled)
	{
		logger().information("webhooks disabled in config");
		return EXIT_OK;
	}
	try
	{
		Config::TokenSource source = config.ensureGlobalToken();
		Logging::addSecret(config.webhooks.token);
		Logging::addSecret(config.telegramToken);
		Logging::addSecret(config.webhooks.matrix.accessToken);
		Logging::addSecret(config.webhooks.resultCallback.secret);
		logger().information("global token: %s", config.describe(source));
		SupervisorCore service(config);
		service.open();
		return serve(service);
	}
	catch (ConfigError& exc)
	{
		logger().critical(exc.message());
		return EXIT_CONFIG;
	}
	catch (SchemaTooNewError& exc)
	{
		// Not this binary's database to touch: an operator must upgrade the node.
		logger().critical("cannot start: %s", exc.message());
		return EXIT_CONFIG;
	}
	catch (Poco::Exception& exc)
	{
		logger().critical("cannot start: %s", exc.displayText());
		return EXIT_SOFTWARE;
	}
}

std::string SupervisorApp::workerExecutable()
{
	// The worker is installed (and built) next to this binary.
	char buffer[4096];
	ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
	if (n <= 0) return "sygen-webhook-worker";
	Poco::Path self(std::string(buffer, static_cast<std::size_t>(n)));
	return Poco::Path(self.parent(), "sygen-webhook-worker").toString();
}

int SupervisorApp::serve(SupervisorCore& service)
{
	const Config& config = service.config();

	WorkerPoolOptions poolOptions;
	poolOptions.workerExecutable = workerExecutable();
	// Resolved here: a worker's cleaned environment could not tell it is under systemd.
	std::string workerLog = Logging::targetName(Logging::resolve(Logging::parseTarget(_logTarget)));
	poolOptions.workerArguments = {
		"--home", config.paths.home, "--config", config.paths.configFile, "--log", workerLog, "--log-level", _logLevel};
	poolOptions.socketPath = config.paths.workerSocket;
	poolOptions.cliGroupDir = config.paths.stateDir + "/running";
	poolOptions.workers = config.webhooks.workers;
	// Delivery (SPEC §12) before recover(): jobs finished as error:worker_lost there
	// are delivered too. Declared before the pool, so it outlives every result.
	ResultSink sink(config);
	sink.start();
	service.setResultListener([&sink](const WebhookResult& result) { sink.submit(result); });
	// Gone after the pool and before the sink, however this function is left: results
	// the job store still writes in the background (cluster mode) reach the sink.
	std::unique_ptr<SupervisorCore, void (*)(SupervisorCore*)> resultsFlushed(&service, [](SupervisorCore* core) { core->flushResults(); });
	WorkerPool pool(poolOptions, service.dispatcher());
	service.setGaugeSource([&pool]() { return gaugesOf(pool); });
	service.recover();
	service.dispatcher().setWorkers(&pool);
	pool.start();

	AdminServer admin(config.paths.adminSocket);
	AdminCommands::addWorkerCommands(admin, pool);
	JobStore& store = service.jobStore();
	// A single node answers from its spool, journal status included; a cluster node from PostgreSQL.
	AdminCommands::JobQueries queries;
	if (service.spool()) queries = AdminCommands::queriesOf(*service.spool());
	else
	{
		queries.find = [&store](const std::string& jobId) { return store.find(jobId); };
		queries.list = [&store](std::size_t limit) { return store.list(limit); };
	}
	AdminCommands::addJobCommands(admin, service.dispatcher(), queries);
	JobActionCommands::add(admin, service, pool);
	HookAdminCommands::GlobalToken tokenAccess;
	tokenAccess.get = [&service]() { return service.globalToken(); };
	tokenAccess.set = [&service](const std::string& token) { service.setGlobalToken(token); };
	if (ClusterShared* cluster = service.cluster())
	{
		tokenAccess.stored = [cluster]() { return cluster->token().read(); };
		tokenAccess.rotate = [cluster]() { return cluster->token().rotate(); };
	}
	HookAdminCommands::add(admin, service.hooks(), config.paths, tokenAccess);
	admin.addCommand("db.status", "the cluster's database: schema version, nodes, queue", [&service](const Poco::JSON::Object&) {
		if (!service.cluster())
			throw Poco::IllegalStateException(
				"this instance keeps its jobs in the file spool (webhooks.backend is not \"postgres\"): it has no database");
		return Poco::Dynamic::Var(service.cluster()->status());
	});
	admin.addCommand("reload", "re-read webhooks.json now", [&service](const Poco::JSON::Object&) {
		service.reloadHooks();
		Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
		result->set("hooks", static_cast<Poco::UInt64>(service.hooks().snapshot()->size()));
		result->set("location", service.hooks().location());
		return Poco::Dynamic::Var(result);
	});
	admin.start();

	Poco::Net::SocketAddress address(config.webhooks.host, static_cast<Poco::UInt16>(config.webhooks.port));
	Poco::Net::ServerSocket socket(address, 1024);
	Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
	params->setServerName("sygen-webhookd");
	params->setSoftwareVersion("sygen-webhookd/" SYGEN_VERSION);
	params->setTimeout(Poco::Timespan(static_cast<long>(config.webhooks.readTimeoutSeconds * 1e6)));
	params->setKeepAliveTimeout(Poco::Timespan(5, 0));
	params->setMaxKeepAliveRequests(1000);
	params->setMaxThreads(64);
	params->setMaxQueued(256);
	Poco::ThreadPool threads("http", 4, 64);
	// Idle and slow clients wait in the gate, not on the pool (DESIGN: Poco's
	// HTTPServer is thread-per-connection).
	const rlim_t descriptors = raiseDescriptorLimit();
	HTTPAcceptor::Options gateOptions;
	gateOptions.headTimeout = params->getTimeout();
	gateOptions.keepAliveTimeout = params->getKeepAliveTimeout();
	// Room for the pool's connections, workers, spool and log files.
	gateOptions.maxConnections = descriptors > 1024 ? std::min<std::size_t>(10000, descriptors - 512) : descriptors / 2;
	HTTPAcceptor server(socket, new RequestHandlerFactory(service), threads, params, gateOptions);
	server.start();
	logger().information(
		"open files limit %s: up to %s waiting HTTP connections", std::to_string(descriptors), std::to_string(gateOptions.maxConnections));

	std::string bound = socket.address().toString();
	// Tests and tools that start the service on port 0 learn the real port here.
	AtomicFile::write(config.paths.stateDir + "/http.address", bound + "\n", 0600);
	logger().information("listening on http://%s with %d workers (hooks: %s, state: %s)", bound, config.webhooks.workers,
		config.paths.hooksFile, config.paths.stateDir);
	SdNotify::ready(statusLine(service, pool));

	waitForSignals(service, pool);

	SdNotify::stopping("stopping: running jobs may finish");
	server.stop();
	admin.stop();
	service.dispatcher().pause();
	pool.shutdown(Poco::Timespan(static_cast<long>(config.webhooks.shutdownGraceSeconds * 1e6)));
	service.dispatcher().setWorkers(nullptr);
	service.flushResults();
	// A few seconds for broadcasts still queued; pending callbacks stay on disk.
	sink.waitIdle(Poco::Timespan(5, 0));
	sink.stop();
	service.hooks().flushTelemetry();
	logger().information("stopped; %s unfinished jobs stay in the %s", std::to_string(store.unfinishedCount()),
		std::string(store.name() == "spool" ? "spool" : "database"));
	return EXIT_OK;
}

void SupervisorApp::waitForSignals(SupervisorCore& service, WorkerPool& pool)
{
	sigset_t signals = controlSignals();
	Poco::Timespan ping = SdNotify::watchdogPingInterval();
	Poco::Timestamp lastStatus;
	for (;;)
	{
		timespec tick{1, 0};
		if (ping.totalMicroseconds() > 0 && ping.totalMicroseconds() < 1000000)
		{
			tick.tv_sec = 0;
			tick.tv_nsec = static_cast<long>(ping.totalMicroseconds() * 1000);
		}
		int sig = ::sigtimedwait(&signals, nullptr, &tick);
		if (sig == SIGHUP)
		{
			SdNotify::reloading("reloading hooks");
			logger().information("SIGHUP: reloading hooks (config changes need a restart)");
			service.reloadHooks();
			SdNotify::ready(statusLine(service, pool));
		}
		else if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT)
		{
			logger().information("signal %d: shutting down", sig);
			return;
		}
		SdNotify::watchdog();
		service.maskHookSecrets();
		if (lastStatus.isElapsed(5 * Poco::Timestamp::resolution()))
		{
			SdNotify::status(statusLine(service, pool));
			lastStatus.update();
		}
	}
}

std::string SupervisorApp::statusLine(SupervisorCore& service, WorkerPool& pool)
{
	Metrics::Gauges gauges = gaugesOf(pool);
	return "queue " + std::to_string(service.dispatcher().queuedCount()) + ", workers busy " + std::to_string(gauges.workersBusy) + "/" +
		std::to_string(pool.list().size());
}

Metrics::Gauges SupervisorApp::gaugesOf(const WorkerPool& pool)
{
	Metrics::Gauges gauges;
	for (const WorkerInfo& worker: pool.list())
	{
		gauges.workerRestarts += worker.restarts;
		if (worker.state == "busy") ++gauges.workersBusy;
		else if (worker.state == "idle") ++gauges.workersIdle;
		else if (worker.state != "stopped" && worker.state != "failed") ++gauges.workersRestarting;
	}
	return gauges;
}

} // namespace Sygen
