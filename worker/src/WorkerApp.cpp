//
// WorkerApp.cpp
//

#include "WorkerApp.h"
#include "JobRunner.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include "Sygen/Foundation/UnixSocket.h"
#include "Sygen/Protocol/JobStatus.h"
#include "Sygen/Protocol/WorkerFrame.h"
#include "WakeRunner.h"
#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <atomic>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>
#include <unistd.h>


namespace Sygen {

namespace {

// Set by the handler on whichever thread the signal lands (the heartbeat thread,
// often), read by the main loop: a lock-free atomic, which is both async-signal-safe
// and a proper inter-thread flag (volatile sig_atomic_t is only the former; a data
// race found by ThreadSanitizer).
std::atomic<int> terminationRequested{0};
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler needs a lock-free flag");

extern "C" void onTerminate(int)
{
	terminationRequested = 1;
}

class JobRunnerHandler: public JobHandler
{
public:
	explicit JobRunnerHandler(const WorkerSettings& settings):
		_runner(settings)
	{
		_runner.setWakeHandler([settings](const WorkOrder& order) { return WakeRunner(settings).run(order); });
	}

	WebhookResult handle(const WorkOrder& order) override { return _runner.run(order); }

private:
	JobRunner _runner;
};

rlim_t limitOf(long long value)
{
	return value > 0 ? static_cast<rlim_t>(value) : RLIM_INFINITY;
}

} // namespace

WorkerApp::WorkerApp():
	WorkerApp(defaultHandlerFactory())
{
}

WorkerApp::WorkerApp(HandlerFactory factory):
	_factory(std::move(factory))
{
}

WorkerApp::HandlerFactory WorkerApp::defaultHandlerFactory()
{
	return [](const WorkerSettings& settings) -> std::unique_ptr<JobHandler> {
		return std::unique_ptr<JobHandler>(new JobRunnerHandler(settings));
	};
}

WorkerSettings WorkerApp::settingsFrom(const Config& config)
{
	WorkerSettings s;
	s.cliTimeoutSeconds = static_cast<int>(config.cliTimeout + 0.999);
	s.provider = config.provider;
	s.model = config.model;
	s.reasoningEffort = config.reasoningEffort;
	s.permissionMode = config.permissionMode;
	s.userTimezone = config.userTimezone;
	s.sandbox.user = config.webhooks.sandbox.user;
	s.sandbox.landlock = config.webhooks.sandbox.landlock;
	s.sandbox.cpuSeconds = limitOf(config.webhooks.sandbox.cpuSeconds);
	s.sandbox.openFiles = limitOf(config.webhooks.sandbox.maxOpenFiles);
	s.sandbox.fileSizeBytes = limitOf(config.webhooks.sandbox.maxFileSizeBytes);
	s.envPassthrough = config.webhooks.envPassthrough;
	s.envFile = config.webhooks.envFile;
	s.paths = config.paths;
	s.delivery = DeliverySettings::fromConfig(config);
	s.deliverProgram = siblingProgram("sygen-webhook-deliver");
	return s;
}

CommandLine WorkerApp::commandLine()
{
	CommandLine options;
	options.add("help", "h", "", "show this help and exit", true);
	options.add("version", "", "", "show the version and exit", true);
	options.add("home", "", "DIR", "sygen home folder (default $SYGEN_HOME, else ~/.sygen)");
	options.add("config", "", "FILE", "config file (default <home>/config/config.json)");
	options.add("socket", "", "PATH", "the supervisor's worker socket (default webhooks.worker_socket)");
	options.add("worker-id", "", "N", "this worker's slot number (default 1)");
	options.add("log", "", "TARGET", "log target: auto, journald or stderr (default auto)");
	options.add("log-level", "", "LEVEL", "log level (default information)");
	options.add("cli-group-file", "", "FILE", "record the running CLI's process group id in FILE (set by the supervisor)");
	return options;
}

bool WorkerApp::readOptions(int argc, char** argv, int& exitCode)
{
	CommandLine options = commandLine();
	try
	{
		for (const auto& option: options.parse(argc, argv))
		{
			const std::string& name = option.first;
			const std::string& value = option.second;
			if (name == "help")
			{
				options.printHelp(std::cout, Poco::Path(argc > 0 ? argv[0] : "sygen-webhook-worker").getFileName(), "[OPTIONS]",
					"Runs webhook jobs for sygen-webhookd, one at a time. Normally started by the supervisor.");
				exitCode = WorkerExit::OK;
				return false;
			}
			if (name == "version")
			{
				std::cout << "sygen-webhook-worker " << SYGEN_VERSION << std::endl;
				exitCode = WorkerExit::OK;
				return false;
			}
			if (name == "home") _home = value;
			else if (name == "config") _config = value;
			else if (name == "socket") _socket = value;
			else if (name == "worker-id")
			{
				int id = 0;
				if (!Poco::NumberParser::tryParse(value, id) || id < 1)
					throw CommandLineException("Invalid option argument: --worker-id must be a positive number: " + value);
				_workerId = id;
			}
			else if (name == "log") _logTarget = value;
			else if (name == "log-level") _logLevel = value;
			else if (name == "cli-group-file") _cliGroupFile = value;
		}
	}
	catch (CommandLineException& e)
	{
		// 78, not 64: the pool respawns a worker that exits 64, and a command line
		// the worker cannot read (a supervisor of another version) would not get better.
		std::cerr << "sygen-webhook-worker: " << e.message() << std::endl;
		exitCode = WorkerExit::CONFIG;
		return false;
	}
	return true;
}

int WorkerApp::run(int argc, char** argv)
{
	int exitCode = WorkerExit::OK;
	if (!readOptions(argc, argv, exitCode)) return exitCode;
	// What Poco::Util::Application::run() did around main().
	try
	{
		return main();
	}
	catch (Poco::Exception& e)
	{
		Poco::Logger::get("Sygen.WorkerApp").critical("unexpected failure: " + e.displayText());
	}
	catch (std::exception& e)
	{
		Poco::Logger::get("Sygen.WorkerApp").critical("unexpected failure: " + std::string(e.what()));
	}
	return WorkerExit::SOFTWARE;
}

std::string WorkerApp::siblingProgram(const std::string& name)
{
	// Installed (and built) next to this binary, as the worker is next to sygen-webhookd.
	char buffer[4096];
	ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
	if (n <= 0) return name;
	Poco::Path self(std::string(buffer, static_cast<std::size_t>(n)));
	return Poco::Path(self.parent(), name).toString();
}

void WorkerApp::installSignalHandlers()
{
	struct sigaction sa;
	std::memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onTerminate;
	sigemptyset(&sa.sa_mask);
	// SA_RESTART: the job in hand must not see EINTR because we were asked to stop.
	sa.sa_flags = SA_RESTART;
	::sigaction(SIGTERM, &sa, nullptr);
	::sigaction(SIGINT, &sa, nullptr);
	std::signal(SIGPIPE, SIG_IGN);
}

int WorkerApp::main()
{
	LogTarget logTarget;
	try
	{
		logTarget = Logging::resolve(Logging::parseTarget(_logTarget));
		Logging::configure("sygen-webhook-worker", logTarget, _logLevel);
	}
	catch (Poco::InvalidArgumentException& e)
	{
		std::cerr << "sygen-webhook-worker: " << e.message() << std::endl;
		return WorkerExit::USAGE;
	}
	Logging::setField(LogFields::WORKER_ID, std::to_string(_workerId));
	Poco::Logger& log = Poco::Logger::get("Sygen.WorkerApp");

	Config config;
	std::unique_ptr<JobHandler> handler;
	try
	{
		config = Config::load(_home, _config);
		WorkerSettings settings = settingsFrom(config);
		settings.cliGroupFile = _cliGroupFile;
		settings.deliverArguments = {
			"--log", Logging::targetName(logTarget), "--log-level", _logLevel, "--worker-id", std::to_string(_workerId)};
		handler = _factory(settings);
	}
	catch (ConfigError& e)
	{
		log.critical(e.message());
		return WorkerExit::CONFIG;
	}
	catch (Poco::Exception& e)
	{
		log.critical("cannot set up the job runner: " + e.displayText());
		return WorkerExit::CONFIG;
	}
	std::string socketPath = _socket.empty() ? config.paths.workerSocket : _socket;

	installSignalHandlers();

	// The supervisor listens before it spawns us; the retries are for workers
	// started by hand or by their own unit next to a supervisor that is starting.
	UnixSocket socket;
	Poco::Timestamp start;
	for (;;)
	{
		try
		{
			socket = UnixSocket::connect(socketPath);
			break;
		}
		catch (Poco::Exception& e)
		{
			bool transient = dynamic_cast<ConnectionRefusedException*>(&e) || dynamic_cast<Poco::FileNotFoundException*>(&e);
			if (!transient || start.isElapsed(Poco::Timespan(CONNECT_ATTEMPTS_SECONDS, 0).totalMicroseconds()))
			{
				log.critical("cannot connect to the worker socket " + socketPath + ": " + e.displayText());
				return WorkerExit::UNAVAILABLE;
			}
			if (terminationRequested) return WorkerExit::OK;
			std::this_thread::sleep_for(std::chrono::milliseconds(100));
		}
	}

	WorkerChannel channel(std::move(socket));
	Poco::Timespan heartbeatInterval(1, 0);
	try
	{
		WorkerFrame::Hello hello;
		hello.workerId = _workerId;
		hello.pid = static_cast<int>(::getpid());
		hello.version = SYGEN_VERSION;
		channel.send(*WorkerFrame::hello(hello));

		Poco::JSON::Object::Ptr answer = channel.receive(Poco::Timespan(WELCOME_TIMEOUT_SECONDS, 0));
		if (!answer)
		{
			log.critical("the supervisor did not answer the hello");
			return WorkerExit::SOFTWARE;
		}
		if (WorkerFrame::typeOf(*answer) != FrameType::WELCOME)
		{
			const std::string reason = WorkerFrame::decodeReject(*answer);
			log.critical("the supervisor refused this worker: " + (reason.empty() ? WorkerFrame::typeName(*answer) : reason));
			return WorkerExit::SOFTWARE;
		}
		Poco::Int64 ms = WorkerFrame::decodeWelcome(*answer);
		if (ms > 0) heartbeatInterval = Poco::Timespan(ms * 1000);
	}
	catch (Poco::Exception& e)
	{
		log.critical("handshake with the supervisor failed: " + e.displayText());
		return WorkerExit::SOFTWARE;
	}
	log.information("worker " + std::to_string(_workerId) + " connected to " + socketPath);
	return serve(channel, *handler, heartbeatInterval);
}

const Poco::Timespan WorkerApp::DRAIN_ACK_TIMEOUT(5, 0);

int WorkerApp::serve(WorkerChannel& channel, JobHandler& handler, Poco::Timespan heartbeatInterval)
{
	Poco::Logger& log = Poco::Logger::get("Sygen.WorkerApp");
	std::thread heartbeat(&WorkerApp::heartbeatLoop, this, std::ref(channel), heartbeatInterval);
	int rc = WorkerExit::OK;
	try
	{
		// On SIGTERM the worker does not simply leave: a job frame may already be on
		// its way. It announces "draining"; the supervisor then sends it nothing more
		// and answers "drain", which arrives after any job frame sent before. A job
		// read in between is run. Without an answer (an older supervisor) it leaves
		// after DRAIN_ACK_TIMEOUT.
		bool drainAnnounced = false;
		Poco::Timestamp announcedAt;
		for (;;)
		{
			if (terminationRequested && !drainAnnounced)
			{
				log.information("termination requested; draining");
				channel.send(*WorkerFrame::draining());
				drainAnnounced = true;
				announcedAt.update();
			}
			if (drainAnnounced && announcedAt.isElapsed(DRAIN_ACK_TIMEOUT.totalMicroseconds())) break;
			Poco::JSON::Object::Ptr frame;
			try
			{
				// Short waits so that a SIGTERM while idle is acted on promptly.
				frame = channel.receive(Poco::Timespan(0, 200000));
			}
			catch (FrameTooLargeException&)
			{
				throw;
			}
			catch (FrameException& e)
			{
				log.warning("bad frame from the supervisor ignored: " + e.displayText());
				continue;
			}
			if (!frame) continue;

			FrameType type = FrameType::UNKNOWN;
			try
			{
				type = WorkerFrame::typeOf(*frame);
			}
			catch (Poco::DataFormatException&)
			{
				// Logged below as an unknown type, like any frame this worker cannot use.
			}
			if (type == FrameType::DRAIN)
			{
				log.information("drain requested; exiting");
				break;
			}
			if (type != FrameType::JOB)
			{
				log.warning("unknown frame type '" + WorkerFrame::typeName(*frame) + "' ignored");
				continue;
			}

			WorkOrder order;
			try
			{
				order = WorkerFrame::decodeJob(*frame);
			}
			catch (Poco::Exception& e)
			{
				std::string jobId = WorkerFrame::jobIdOf(*frame);
				log.error("unreadable job " + jobId + ": " + e.displayText());
				if (jobId.empty()) continue;
				order.jobId = jobId;
				WebhookResult failure;
				failure.jobId = jobId;
				failure.status = JobStatus::ERROR_EXCEPTION;
				failure.finishedAt = IsoTime::format(Poco::Timestamp());
				channel.send(*WorkerFrame::result(failure));
				continue;
			}

			{
				std::lock_guard<std::mutex> lock(_mutex);
				_currentJob = order.jobId;
			}
			// No "started" frame: the supervisor records the start durably before it
			// sends the job and only logged the frame, which cost a send here and a
			// wake-up of its reader per job; heartbeats still name the running job.

			WebhookResult result = runJob(handler, order);

			channel.send(*WorkerFrame::result(result));
			{
				std::lock_guard<std::mutex> lock(_mutex);
				_currentJob.clear();
			}
		}
		if (terminationRequested) log.information("termination requested; exiting");
	}
	catch (ChannelClosedException& e)
	{
		log.error("lost the connection to the supervisor: " + e.displayText());
		rc = WorkerExit::SOFTWARE;
	}
	catch (Poco::Exception& e)
	{
		log.error("worker protocol failure: " + e.displayText());
		rc = WorkerExit::SOFTWARE;
	}
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopHeartbeat = true;
	}
	_wake.notify_all();
	heartbeat.join();
	channel.close();
	return rc;
}

WebhookResult WorkerApp::runJob(JobHandler& handler, const WorkOrder& order)
{
	return JobRunner::complete(order, [&] { return handler.handle(order); });
}

void WorkerApp::heartbeatLoop(WorkerChannel& channel, Poco::Timespan interval)
{
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_stopHeartbeat)
	{
		_wake.wait_for(lock, std::chrono::microseconds(interval.totalMicroseconds()));
		if (_stopHeartbeat) break;
		WorkerFrame::Heartbeat heartbeat;
		heartbeat.workerId = _workerId;
		heartbeat.busy = !_currentJob.empty();
		heartbeat.jobId = _currentJob;
		Poco::JSON::Object::Ptr beat = WorkerFrame::heartbeat(heartbeat);
		lock.unlock();
		try
		{
			channel.send(*beat);
		}
		catch (Poco::Exception& e)
		{
			// The main thread notices the broken connection itself.
			Poco::Logger::get("Sygen.WorkerApp").debug("heartbeat failed: " + e.displayText());
			return;
		}
		lock.lock();
	}
}

} // namespace Sygen
