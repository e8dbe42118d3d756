//
// WorkerPool.cpp
//

#include "workers/WorkerPool.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Protocol/WorkerExit.h"
#include "Sygen/Protocol/WorkerFrame.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <algorithm>
#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.WorkerPool");
}

std::string workerName(int id)
{
	return "worker " + std::to_string(id);
}

std::string firstLine(const std::string& path)
{
	std::ifstream in(path);
	std::string line;
	std::getline(in, line);
	return line;
}

} // namespace

const Poco::Timespan WorkerPool::LINGER(5, 0);

typedef WorkerPool::State S;
typedef WorkerPool::Event E;

const WorkerPool::Transition WorkerPool::TRANSITIONS[] = {
	// from          event                to
	{S::STOPPED, E::START, S::STARTING},
	{S::FAILED, E::START, S::STARTING},
	{S::FAILED, E::STOP, S::STOPPED},
	{S::BACKOFF, E::START, S::STARTING},
	{S::BACKOFF, E::BACKOFF_ELAPSED, S::STARTING},
	{S::BACKOFF, E::STOP, S::STOPPED},

	{S::STARTING, E::STOP, S::STOPPED}, // spawn still pending
	{S::STARTING, E::SPAWN_FAILED, S::FAILED},
	{S::STARTING, E::HELLO, S::IDLE},
	{S::STARTING, E::DRAIN, S::STOPPING}, // no job yet: nothing to drain
	{S::STARTING, E::TERMINATE, S::STOPPING},

	{S::IDLE, E::JOB_SENT, S::BUSY},
	{S::IDLE, E::DRAIN, S::DRAINING},
	{S::IDLE, E::TERMINATE, S::STOPPING},
	{S::BUSY, E::JOB_DONE, S::IDLE},
	{S::BUSY, E::DRAIN, S::DRAINING},
	{S::BUSY, E::TERMINATE, S::STOPPING},
	{S::DRAINING, E::JOB_DONE, S::DRAINING}, // the worker exits next
	{S::DRAINING, E::TERMINATE, S::STOPPING},
	{S::STOPPING, E::JOB_DONE, S::STOPPING}, // a result that beat SIGKILL still counts

	// A process ended (from any state that has one).
	{S::STARTING, E::EXIT_RESPAWN, S::BACKOFF},
	{S::STARTING, E::EXIT_RESTART, S::STARTING},
	{S::STARTING, E::EXIT_STOP, S::STOPPED},
	{S::STARTING, E::EXIT_FATAL, S::FAILED},
	{S::IDLE, E::EXIT_RESPAWN, S::BACKOFF},
	{S::IDLE, E::EXIT_RESTART, S::STARTING},
	{S::IDLE, E::EXIT_STOP, S::STOPPED},
	{S::IDLE, E::EXIT_FATAL, S::FAILED},
	{S::BUSY, E::EXIT_RESPAWN, S::BACKOFF},
	{S::BUSY, E::EXIT_RESTART, S::STARTING},
	{S::BUSY, E::EXIT_STOP, S::STOPPED},
	{S::BUSY, E::EXIT_FATAL, S::FAILED},
	{S::DRAINING, E::EXIT_RESPAWN, S::BACKOFF},
	{S::DRAINING, E::EXIT_RESTART, S::STARTING},
	{S::DRAINING, E::EXIT_STOP, S::STOPPED},
	{S::DRAINING, E::EXIT_FATAL, S::FAILED},
	{S::STOPPING, E::EXIT_RESPAWN, S::BACKOFF},
	{S::STOPPING, E::EXIT_RESTART, S::STARTING},
	{S::STOPPING, E::EXIT_STOP, S::STOPPED},
	{S::STOPPING, E::EXIT_FATAL, S::FAILED},
};

const std::size_t WorkerPool::TRANSITION_COUNT = sizeof(WorkerPool::TRANSITIONS) / sizeof(WorkerPool::TRANSITIONS[0]);

std::optional<WorkerPool::State> WorkerPool::nextState(State from, Event event)
{
	for (std::size_t i = 0; i < TRANSITION_COUNT; ++i)
	{
		if (TRANSITIONS[i].from == from && TRANSITIONS[i].event == event) return TRANSITIONS[i].to;
	}
	return std::nullopt;
}

const char* WorkerPool::stateName(State state)
{
	switch (state)
	{
	case S::STOPPED: return "stopped";
	case S::BACKOFF: return "backoff";
	case S::STARTING: return "starting";
	case S::IDLE: return "idle";
	case S::BUSY: return "busy";
	case S::DRAINING: return "draining";
	case S::STOPPING: return "stopping";
	case S::FAILED: return "failed";
	}
	return "unknown";
}

const char* WorkerPool::eventName(Event event)
{
	switch (event)
	{
	case E::START: return "start";
	case E::BACKOFF_ELAPSED: return "backoff_elapsed";
	case E::STOP: return "stop";
	case E::SPAWN_FAILED: return "spawn_failed";
	case E::HELLO: return "hello";
	case E::JOB_SENT: return "job_sent";
	case E::JOB_DONE: return "job_done";
	case E::DRAIN: return "drain";
	case E::TERMINATE: return "terminate";
	case E::EXIT_RESPAWN: return "exit_respawn";
	case E::EXIT_RESTART: return "exit_restart";
	case E::EXIT_STOP: return "exit_stop";
	case E::EXIT_FATAL: return "exit_fatal";
	}
	return "unknown";
}

WorkerPool::WorkerPool(const WorkerPoolOptions& options, WorkerEvents& events):
	_options(options),
	_events(events)
{
	for (int id = 1; id <= options.workers; ++id)
	{
		Slot slot;
		slot.id = id;
		_slots[id] = slot;
	}
}

WorkerPool::~WorkerPool()
{
	shutdown(Poco::Timespan(0));
}

const std::string& WorkerPool::socketPath() const
{
	return _options.socketPath;
}

void WorkerPool::start()
{
	Notices notices;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_started) return;
		_listener = UnixSocket::listen(_options.socketPath);
		if (!_options.cliGroupDir.empty()) Poco::File(_options.cliGroupDir).createDirectories();
		_started = true;
		for (auto& entry: _slots)
		{
			entry.second.wantRunning = true;
			fire(entry.second, E::START, notices);
		}
	}
	_monitorThread = std::thread(&WorkerPool::monitorLoop, this);
	_acceptThread = std::thread(&WorkerPool::acceptLoop, this);
	deliver(notices);
}

void WorkerPool::shutdown(Poco::Timespan grace)
{
	Notices notices;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_started || _stopping) return;
		for (auto& entry: _slots)
		{
			Slot& slot = entry.second;
			slot.wantRunning = false;
			slot.restartRequested = false;
			if (slot.state == S::BACKOFF || slot.state == S::FAILED || (slot.state == S::STARTING && slot.pid == 0))
				fire(slot, E::STOP, notices);
			else fire(slot, E::DRAIN, notices);
		}
	}
	deliver(notices);

	auto allGone = [](const std::vector<WorkerInfo>& workers) {
		return std::all_of(workers.begin(), workers.end(), [](const WorkerInfo& w) { return w.pid == 0; });
	};
	if (!waitUntil(allGone, grace))
	{
		notices.clear();
		{
			std::lock_guard<std::mutex> lock(_mutex);
			for (auto& entry: _slots)
			{
				if (entry.second.pid > 0)
				{
					logger().warning(workerName(entry.first) + " still running after the shutdown grace period; terminating it");
					fire(entry.second, E::TERMINATE, notices);
				}
			}
		}
		deliver(notices);
		if (!waitUntil(allGone, _options.killGrace + Poco::Timespan(2, 0))) logger().error("some workers did not exit after SIGKILL");
	}

	{
		// Let readers finish the connections of exited workers: their last
		// results may still be buffered (the monitor gives up after LINGER).
		std::unique_lock<std::mutex> lock(_mutex);
		auto noneLingering = [this] {
			for (const auto& entry: _slots)
			{
				if (entry.second.lingering) return false;
			}
			return true;
		};
		_changed.wait_for(lock, std::chrono::microseconds((LINGER + Poco::Timespan(1, 0)).totalMicroseconds()), noneLingering);
		_stopping = true;
		_changed.notify_all();
		_monitorWake.notify_all();
	}
	_listener.shutdown();
	if (_acceptThread.joinable()) _acceptThread.join();
	if (_monitorThread.joinable()) _monitorThread.join();

	std::list<std::shared_ptr<Connection>> connections;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		connections.swap(_connections);
	}
	for (auto& connection: connections)
	{
		connection->channel->close();
		if (connection->thread.joinable()) connection->thread.join();
	}
	_listener.close();
	::unlink(_options.socketPath.c_str());
}

void WorkerPool::restart(int workerId, bool now)
{
	Notices notices;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		Slot& slot = slotFor(workerId);
		slot.wantRunning = true;
		switch (slot.state)
		{
		case S::STOPPED:
		case S::FAILED:
		case S::BACKOFF:
			slot.quickFailures = 0;
			fire(slot, E::START, notices);
			break;
		case S::STARTING:
			if (slot.pid == 0) break; // about to be spawned anyway
			slot.restartRequested = true;
			fire(slot, E::TERMINATE, notices);
			break;
		case S::IDLE:
		case S::BUSY:
		case S::DRAINING:
			slot.restartRequested = true;
			fire(slot, now ? E::TERMINATE : E::DRAIN, notices);
			break;
		case S::STOPPING: slot.restartRequested = true; break;
		}
		logger().information(workerName(workerId) + ": restart requested" + (now ? " (now)" : ""));
	}
	deliver(notices);
}

void WorkerPool::stop(int workerId, bool now)
{
	Notices notices;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		Slot& slot = slotFor(workerId);
		slot.wantRunning = false;
		slot.restartRequested = false;
		switch (slot.state)
		{
		case S::STOPPED:
		case S::STOPPING: break;
		case S::FAILED:
		case S::BACKOFF: fire(slot, E::STOP, notices); break;
		case S::STARTING: fire(slot, slot.pid == 0 ? E::STOP : E::TERMINATE, notices); break;
		case S::IDLE:
		case S::BUSY:
		case S::DRAINING: fire(slot, now ? E::TERMINATE : E::DRAIN, notices); break;
		}
		logger().information(workerName(workerId) + ": stop requested" + (now ? " (now)" : ""));
	}
	deliver(notices);
}

void WorkerPool::startWorker(int workerId)
{
	Notices notices;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		Slot& slot = slotFor(workerId);
		slot.wantRunning = true;
		switch (slot.state)
		{
		case S::STOPPED:
		case S::FAILED:
		case S::BACKOFF:
			slot.quickFailures = 0;
			fire(slot, E::START, notices);
			break;
		case S::DRAINING:
		case S::STOPPING:
			// Being stopped: bring it back once the old process is gone.
			slot.restartRequested = true;
			break;
		case S::STARTING:
		case S::IDLE:
		case S::BUSY: break;
		}
	}
	deliver(notices);
}

std::vector<WorkerInfo> WorkerPool::list() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	std::vector<WorkerInfo> result;
	for (const auto& entry: _slots)
	{
		const Slot& slot = entry.second;
		WorkerInfo info;
		info.id = slot.id;
		info.pid = slot.pid;
		info.state = stateName(slot.state);
		info.currentJob = slot.currentJob;
		info.jobsDone = slot.jobsDone;
		info.restarts = slot.restarts;
		info.uptimeSeconds = slot.pid > 0 ? double(slot.spawnedAt.elapsed()) / double(Poco::Clock::resolution()) : 0.0;
		info.lastExit = slot.lastExit;
		info.version = slot.version;
		result.push_back(info);
	}
	return result;
}

bool WorkerPool::waitUntil(const std::function<bool(const std::vector<WorkerInfo>&)>& condition, Poco::Timespan timeout) const
{
	Poco::Clock start;
	for (;;)
	{
		if (condition(list())) return true;
		Poco::Clock::ClockDiff left = timeout.totalMicroseconds() - start.elapsed();
		if (left <= 0) return false;
		std::unique_lock<std::mutex> lock(_mutex);
		// Bounded wait: a change between list() and here is caught on the next round.
		_changed.wait_for(lock, std::chrono::microseconds(std::min<Poco::Clock::ClockDiff>(left, 50000)));
	}
}

int WorkerPool::idleWorker()
{
	std::lock_guard<std::mutex> lock(_mutex);
	for (const auto& entry: _slots)
	{
		if (entry.second.state == S::IDLE && entry.second.connection) return entry.first;
	}
	return 0;
}

bool WorkerPool::sendJob(int workerId, const WorkOrder& order)
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _slots.find(workerId);
	if (it == _slots.end()) return false;
	Slot& slot = it->second;
	if (slot.state != S::IDLE || !slot.connection) return false;

	Poco::JSON::Object::Ptr frame = WorkerFrame::job(order);
	try
	{
		slot.connection->channel->send(*frame);
	}
	catch (Poco::Exception& e)
	{
		// The reader thread sees the closed channel and handles the worker.
		logger().warning(workerName(workerId) + ": cannot send job " + order.jobId + ": " + e.displayText());
		slot.connection->channel->close();
		return false;
	}
	slot.currentJob = order.jobId;
	Notices notices;
	fire(slot, E::JOB_SENT, notices);
	return true;
}

WorkerPool::Slot& WorkerPool::slotFor(int workerId)
{
	auto it = _slots.find(workerId);
	if (it == _slots.end()) throw Poco::NotFoundException("no worker " + std::to_string(workerId));
	return it->second;
}

void WorkerPool::setDeadline(Slot& slot, Poco::Timespan fromNow)
{
	slot.deadline.update();
	slot.deadline += fromNow.totalMicroseconds();
}

void WorkerPool::fire(Slot& slot, Event event, Notices& notices)
{
	std::optional<State> to = nextState(slot.state, event);
	if (!to)
	{
		logger().debug(workerName(slot.id) + ": " + eventName(event) + " ignored in state " + stateName(slot.state));
		return;
	}
	State previous = slot.state;
	slot.state = *to;
	logger().debug(workerName(slot.id) + ": " + stateName(previous) + " --" + eventName(event) + "--> " + stateName(*to));
	if (*to != previous || event == E::EXIT_RESTART) enter(slot, previous, notices);
	_changed.notify_all();
	// A job sent or done leaves the monitor nothing to do (its heartbeat check is
	// periodic). Waking it for them cost two context switches per job, and it
	// then queued on _mutex behind the thread that woke it (perf/strace of the
	// e2e drain, bench/README.md).
	if (event != E::JOB_SENT && event != E::JOB_DONE) _monitorWake.notify_all();
}

void WorkerPool::enter(Slot& slot, State previous, Notices& notices)
{
	switch (slot.state)
	{
	case S::STARTING:
		// Spawned by the monitor thread (see the class comment).
		slot.spawnPending = true;
		break;
	case S::IDLE:
		if (previous == S::STARTING)
		{
			Notice n{Notice::IDLE, slot.id, "", WebhookResult()};
			notices.push_back(n);
		}
		break;
	case S::DRAINING:
		if (slot.connection)
		{
			try
			{
				slot.connection->channel->send(*WorkerFrame::drain());
			}
			catch (Poco::Exception& e)
			{
				logger().warning(workerName(slot.id) + ": cannot send drain: " + e.displayText());
				slot.connection->channel->close();
			}
		}
		break;
	case S::STOPPING:
		slot.sigkillSent = false;
		setDeadline(slot, _options.killGrace);
		if (slot.pid > 0) ::kill(slot.pid, SIGTERM);
		break;
	case S::BACKOFF:
	{
		Poco::Timespan::TimeDiff delay = _options.backoffInitial.totalMicroseconds();
		for (unsigned i = 1; i < slot.quickFailures && delay < _options.backoffMax.totalMicroseconds(); ++i) delay *= 2;
		delay = std::min(delay, _options.backoffMax.totalMicroseconds());
		setDeadline(slot, Poco::Timespan(delay));
		logger().information(workerName(slot.id) + ": respawning in " + std::to_string(delay / 1000) + " ms");
		break;
	}
	case S::FAILED: logger().error(workerName(slot.id) + " failed (" + slot.lastExit + "); not respawned until started again"); break;
	case S::STOPPED: logger().information(workerName(slot.id) + " stopped"); break;
	case S::BUSY: break;
	}
}

void WorkerPool::takeJob(Slot& slot, Notices& notices)
{
	if (slot.currentJob.empty()) return;
	Notice n{Notice::LOST, slot.id, slot.currentJob, WebhookResult()};
	notices.push_back(n);
	slot.currentJob.clear();
}

void WorkerPool::deliver(const Notices& notices)
{
	for (const Notice& n: notices)
	{
		try
		{
			switch (n.kind)
			{
			case Notice::IDLE: _events.workerIdle(n.workerId); break;
			case Notice::FINISHED: _events.jobFinished(n.workerId, n.result); break;
			case Notice::LOST: _events.jobLost(n.workerId, n.jobId); break;
			}
		}
		catch (Poco::Exception& e)
		{
			logger().error(workerName(n.workerId) + ": handling a worker event failed: " + e.displayText());
		}
	}
}

void WorkerPool::acceptLoop()
{
	for (;;)
	{
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (_stopping) return;
		}
		UnixSocket socket;
		try
		{
			socket = _listener.accept(Poco::Timespan(0, 200000));
		}
		catch (Poco::Exception& e)
		{
			logger().error("worker socket: accept failed: " + e.displayText());
			std::this_thread::sleep_for(std::chrono::milliseconds(200));
			continue;
		}
		reapConnections();
		if (!socket.valid()) continue;
		try
		{
			if (!socket.peerIsTrusted())
			{
				logger().warning("worker socket: refused a connection from uid " + std::to_string(socket.peerCredentials().uid));
				continue;
			}
			auto connection = std::make_shared<Connection>();
			connection->channel = std::make_shared<WorkerChannel>(std::move(socket), _options.maxFrameSize);
			std::lock_guard<std::mutex> lock(_mutex);
			_connections.push_back(connection);
			connection->thread = std::thread(&WorkerPool::readLoop, this, connection);
		}
		catch (Poco::Exception& e)
		{
			logger().error("worker socket: cannot set up a connection: " + e.displayText());
		}
	}
}

void WorkerPool::reapConnections()
{
	std::list<std::shared_ptr<Connection>> done;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		for (auto it = _connections.begin(); it != _connections.end();)
		{
			if ((*it)->finished)
			{
				done.push_back(*it);
				it = _connections.erase(it);
			}
			else ++it;
		}
	}
	for (auto& connection: done)
	{
		if (connection->thread.joinable()) connection->thread.join();
	}
}

void WorkerPool::readLoop(std::shared_ptr<Connection> connection)
{
	std::shared_ptr<WorkerChannel> channel = connection->channel;
	Notices notices;
	try
	{
		Poco::JSON::Object::Ptr hello = channel->receive(_options.helloTimeout);
		if (!hello) throw Poco::TimeoutException("no hello");
		std::string reason;
		bool accepted;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			accepted = handleHello(connection, *hello, reason, notices);
		}
		if (!accepted)
		{
			logger().warning("worker socket: refused a worker: " + reason);
			channel->send(*WorkerFrame::reject(reason));
			channel->close();
			connection->finished = true;
			return;
		}
		deliver(notices);

		for (;;)
		{
			Poco::JSON::Object::Ptr frame;
			try
			{
				frame = channel->receive();
			}
			catch (FrameTooLargeException&)
			{
				throw;
			}
			catch (FrameException& e)
			{
				logger().warning(workerName(connection->slotId) + ": bad frame ignored: " + e.displayText());
				continue;
			}
			notices.clear();
			{
				std::lock_guard<std::mutex> lock(_mutex);
				handleFrame(connection, *frame, notices);
			}
			deliver(notices);
		}
	}
	catch (ChannelClosedException& e)
	{
		logger().debug(workerName(connection->slotId) + ": connection closed: " + e.displayText());
	}
	catch (Poco::Exception& e)
	{
		logger().warning(workerName(connection->slotId) + ": connection dropped: " + e.displayText());
	}
	notices.clear();
	{
		std::lock_guard<std::mutex> lock(_mutex);
		connectionLost(connection, notices);
	}
	deliver(notices);
	connection->finished = true;
}

bool WorkerPool::handleHello(
	const std::shared_ptr<Connection>& connection, const Poco::JSON::Object& hello, std::string& reason, Notices& notices)
{
	try
	{
		if (WorkerFrame::typeOf(hello) != FrameType::HELLO)
		{
			reason = "first frame is not a hello";
			return false;
		}
		const WorkerFrame::Hello fields = WorkerFrame::decodeHello(hello);
		const int id = fields.workerId;
		pid_t peerPid = connection->channel->peerCredentials().pid;
		auto it = _slots.find(id);
		if (it == _slots.end())
		{
			reason = "unknown worker id " + std::to_string(id);
			return false;
		}
		Slot& slot = it->second;
		// Only the process spawned for this slot may take it: a stray or hand-started
		// worker with the same id must not steal jobs meant for ours.
		if (slot.state != S::STARTING || slot.pid <= 0 || slot.connection)
		{
			reason = workerName(slot.id) + " is not waiting for a worker (" + stateName(slot.state) + ")";
			return false;
		}
		if (slot.pid != peerPid)
		{
			reason = workerName(slot.id) + " expects pid " + std::to_string(slot.pid) + ", not " + std::to_string(peerPid);
			return false;
		}
		connection->channel->send(*WorkerFrame::welcome(_options.heartbeatInterval.totalMilliseconds()));

		connection->slotId = slot.id;
		slot.connection = connection;
		slot.version = fields.version;
		slot.lastSeen.update();
		logger().information(workerName(slot.id) + " ready (pid " + std::to_string(slot.pid) + ")");
		fire(slot, E::HELLO, notices);
		return true;
	}
	catch (Poco::Exception& e)
	{
		reason = "bad hello: " + e.displayText();
		return false;
	}
}

void WorkerPool::handleFrame(const std::shared_ptr<Connection>& connection, const Poco::JSON::Object& frame, Notices& notices)
{
	auto it = _slots.find(connection->slotId);
	if (it == _slots.end()) return;
	Slot& slot = it->second;
	if (slot.lingering && slot.lingering == connection)
	{
		handleLingeringFrame(slot, frame, notices);
		return;
	}
	if (slot.connection != connection) return;
	slot.lastSeen.update();

	FrameType type;
	try
	{
		type = WorkerFrame::typeOf(frame);
	}
	catch (Poco::DataFormatException& e)
	{
		logger().warning(workerName(slot.id) + ": frame without a type ignored");
		return;
	}
	if (type == FrameType::HEARTBEAT) return;
	if (type == FrameType::DRAINING)
	{
		// The worker was told to stop (SIGTERM to it): send it nothing more. Entering
		// DRAINING answers "drain", which reaches the worker after any job frame sent
		// before this point, so that job is run, not lost. It is replaced at once.
		logger().information(workerName(slot.id) + " is draining (asked to stop)");
		if (slot.state == S::IDLE || slot.state == S::BUSY)
		{
			slot.restartRequested = true;
			fire(slot, E::DRAIN, notices);
		}
		else if (slot.state == S::STOPPING)
		{
			// We sent the SIGTERM (stop or restart --now, no hello, silence) and send
			// no job in this state, so nothing can be on its way: let it go at once.
			// Unanswered, it waited WorkerApp::DRAIN_ACK_TIMEOUT (5 s) and was then
			// SIGKILLed at killGrace: `workers stop --now` took 5 s and every e2e
			// benchmark drain began with that wait (bench/README.md).
			try
			{
				connection->channel->send(*WorkerFrame::drain());
			}
			catch (Poco::Exception& e)
			{
				logger().debug(workerName(slot.id) + ": cannot answer its draining: " + e.displayText());
			}
		}
		return;
	}
	if (type == FrameType::STARTED)
	{
		logger().debug(workerName(slot.id) + " started job " + WorkerFrame::decodeStarted(frame));
		return;
	}
	if (type == FrameType::RESULT)
	{
		WebhookResult result;
		try
		{
			result = WorkerFrame::decodeResult(frame);
		}
		catch (Poco::Exception& e)
		{
			// The job ran but its outcome is unknown: report it lost rather than guess.
			logger().error(workerName(slot.id) + ": unreadable result: " + e.displayText());
			takeJob(slot, notices);
			fire(slot, E::JOB_DONE, notices);
			return;
		}
		if (slot.currentJob.empty() || result.jobId != slot.currentJob)
		{
			logger().warning(workerName(slot.id) + ": result for job " + result.jobId + ", which it was not running; ignored");
			return;
		}
		slot.currentJob.clear();
		++slot.jobsDone;
		Notice n{Notice::FINISHED, slot.id, result.jobId, result};
		notices.push_back(n);
		fire(slot, E::JOB_DONE, notices);
		return;
	}
	logger().warning(workerName(slot.id) + ": unknown frame type '" + WorkerFrame::typeName(frame) + "' ignored");
}

void WorkerPool::handleLingeringFrame(Slot& slot, const Poco::JSON::Object& frame, Notices& notices)
{
	if (WorkerFrame::typeName(frame) != WorkerFrame::nameOf(FrameType::RESULT) || slot.lingeringJob.empty()) return;
	if (!JSONFields::object(frame, "result")) return;
	WebhookResult result = WorkerFrame::decodeResult(frame);
	if (result.jobId != slot.lingeringJob) return;
	slot.lingeringJob.clear();
	++slot.jobsDone;
	Notice n{Notice::FINISHED, slot.id, result.jobId, result};
	notices.push_back(n);
}

void WorkerPool::connectionLost(const std::shared_ptr<Connection>& connection, Notices& notices)
{
	connection->channel->close();
	auto it = _slots.find(connection->slotId);
	if (it == _slots.end()) return;
	Slot& slot = it->second;
	if (slot.lingering && slot.lingering == connection)
	{
		if (!slot.lingeringJob.empty())
		{
			Notice n{Notice::LOST, slot.id, slot.lingeringJob, WebhookResult()};
			notices.push_back(n);
		}
		slot.lingering.reset();
		slot.lingeringJob.clear();
		_changed.notify_all();
		return;
	}
	if (slot.connection != connection) return;
	slot.connection.reset();
	takeJob(slot, notices);
	if (slot.pid > 0 && !_stopping)
	{
		// A worker without its connection can never get another job; make sure the
		// process goes too (it usually already has: this is how a crash shows first).
		fire(slot, E::TERMINATE, notices);
	}
}

void WorkerPool::monitorLoop()
{
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_stopping)
	{
		Notices notices;
		monitorOnce(notices);
		if (!notices.empty())
		{
			lock.unlock();
			deliver(notices);
			lock.lock();
			continue;
		}
		_monitorWake.wait_for(lock, std::chrono::milliseconds(50));
	}
}

void WorkerPool::monitorOnce(Notices& notices)
{
	Poco::Clock now;
	for (auto& entry: _slots)
	{
		Slot& slot = entry.second;
		if (slot.lingering && slot.lingeringSince.isElapsed(LINGER.totalMicroseconds()))
		{
			// The reader reports the job lost when it sees the channel closed.
			slot.lingering->channel->close();
		}
		if (slot.pid > 0)
		{
			std::optional<ProcessStatus> status;
			try
			{
				status = ProcessSpawner::tryWait(slot.pid);
			}
			catch (Poco::SystemException& e)
			{
				// Someone else reaped it (ECHILD): it is gone, how is unknown.
				logger().warning(workerName(slot.id) + ": cannot wait for pid " + std::to_string(slot.pid) + ": " + e.displayText());
				status = ProcessStatus();
				status->exited = false;
				status->signal = 0;
			}
			if (status)
			{
				reapExit(slot, *status, notices);
			}
		}
		switch (slot.state)
		{
		case S::STARTING:
			if (slot.spawnPending)
			{
				spawn(slot, notices);
			}
			else if (slot.pid > 0 && !slot.connection && now >= slot.deadline)
			{
				logger().warning(workerName(slot.id) + ": no hello within " + std::to_string(_options.helloTimeout.totalSeconds()) +
					" s; terminating it");
				fire(slot, E::TERMINATE, notices);
			}
			break;
		case S::IDLE:
		case S::BUSY:
		case S::DRAINING:
			if (slot.lastSeen.isElapsed(_options.heartbeatTimeout.totalMicroseconds()))
			{
				logger().warning(workerName(slot.id) + ": silent for " + std::to_string(_options.heartbeatTimeout.totalSeconds()) +
					" s; terminating it");
				fire(slot, E::TERMINATE, notices);
			}
			break;
		case S::STOPPING:
			if (!slot.sigkillSent && slot.pid > 0 && now >= slot.deadline)
			{
				logger().warning(workerName(slot.id) + ": did not exit after SIGTERM; sending SIGKILL");
				::kill(slot.pid, SIGKILL);
				slot.sigkillSent = true;
			}
			break;
		case S::BACKOFF:
			if (now >= slot.deadline) fire(slot, E::BACKOFF_ELAPSED, notices);
			break;
		case S::STOPPED:
		case S::FAILED: break;
		}
	}
}

void WorkerPool::spawn(Slot& slot, Notices& notices)
{
	slot.spawnPending = false;
	SpawnOptions options;
	options.executable = _options.workerExecutable;
	options.argv = {_options.workerExecutable, "--socket", _options.socketPath, "--worker-id", std::to_string(slot.id)};
	options.argv.insert(options.argv.end(), _options.workerArguments.begin(), _options.workerArguments.end());
	if (!_options.cliGroupDir.empty())
	{
		// What a previous worker of this slot left running (its supervisor crashed).
		killOrphanedCli(slot);
		options.argv.push_back("--cli-group-file");
		options.argv.push_back(cliGroupFile(slot));
	}
	options.newProcessGroup = true;
	options.parentDeathSignal = SIGKILL;
	options.stdinMode = SpawnOptions::Input::DEV_NULL;
	try
	{
		SpawnedProcess process = ProcessSpawner::spawn(options);
		slot.pid = process.pid;
	}
	catch (SpawnException& e)
	{
		slot.lastExit = "spawn failed at " + e.stage() + ": " + e.displayText();
		logger().error(workerName(slot.id) + ": " + slot.lastExit);
		if (e.stage() == "fork" || e.stage() == "pipe")
		{
			// Out of processes or descriptors: may pass, so retry with backoff.
			++slot.quickFailures;
			fire(slot, E::EXIT_RESPAWN, notices);
		}
		else
		{
			fire(slot, E::SPAWN_FAILED, notices);
		}
		return;
	}
	if (slot.everSpawned) ++slot.restarts;
	slot.everSpawned = true;
	slot.spawnedAt.update();
	slot.lastSeen.update();
	slot.sigkillSent = false;
	setDeadline(slot, _options.helloTimeout);
	logger().information(workerName(slot.id) + " spawned (pid " + std::to_string(slot.pid) + ")");
}

void WorkerPool::reapExit(Slot& slot, const ProcessStatus& status, Notices& notices)
{
	pid_t pid = slot.pid;
	slot.pid = 0;
	slot.lastExit = status.toString();
	killOrphanedCli(slot);
	if (slot.lingering)
	{
		// Only one connection lingers per slot; an older one is given up.
		slot.lingering->channel->close();
		if (!slot.lingeringJob.empty())
		{
			Notice n{Notice::LOST, slot.id, slot.lingeringJob, WebhookResult()};
			notices.push_back(n);
		}
		slot.lingering.reset();
		slot.lingeringJob.clear();
	}
	if (slot.connection)
	{
		// The process is gone, so its end of the socket is closed: the reader reaches
		// end of stream right after any result still buffered, and reports the job
		// finished or lost then.
		slot.lingering = slot.connection;
		slot.lingeringJob = slot.currentJob;
		slot.lingeringSince.update();
		slot.connection.reset();
		slot.currentJob.clear();
	}
	else
	{
		takeJob(slot, notices);
	}

	Event event;
	if (status.exited && status.exitCode == WorkerExit::CONFIG) event = E::EXIT_FATAL;
	else if (!slot.wantRunning) event = E::EXIT_STOP;
	else if (slot.restartRequested) event = E::EXIT_RESTART;
	else event = E::EXIT_RESPAWN;
	slot.restartRequested = false;

	if (event == E::EXIT_RESPAWN)
	{
		if (slot.spawnedAt.isElapsed(_options.stableUptime.totalMicroseconds())) slot.quickFailures = 0;
		++slot.quickFailures;
		logger().warning(workerName(slot.id) + " (pid " + std::to_string(pid) + ") exited unexpectedly: " + slot.lastExit);
	}
	else
	{
		logger().information(workerName(slot.id) + " (pid " + std::to_string(pid) + ") exited: " + slot.lastExit);
	}
	fire(slot, event, notices);
}

std::string WorkerPool::cliGroupFile(const Slot& slot) const
{
	return _options.cliGroupDir + "/" + std::to_string(slot.id) + ".pgid";
}

void WorkerPool::killOrphanedCli(const Slot& slot)
{
	if (_options.cliGroupDir.empty()) return;
	std::string path = cliGroupFile(slot);
	if (::access(path.c_str(), F_OK) != 0) return;
	// "<pgid> <boot id>", written by the worker's CliRunner while its CLI runs and
	// "0 <boot id>" between runs (it keeps the file): a group is named here only
	// when the worker died during a run.
	std::istringstream record(firstLine(path));
	long pgid = 0;
	std::string bootId;
	record >> pgid >> bootId;
	// A record from before a reboot names a group id that may have been reused.
	bool thisBoot = bootId.empty() || bootId == firstLine("/proc/sys/kernel/random/boot_id");
	if (pgid > 1 && thisBoot)
	{
		try
		{
			if (ProcessSpawner::killProcessGroup(static_cast<pid_t>(pgid), SIGKILL))
				logger().warning(workerName(slot.id) + ": killed the process group " + std::to_string(pgid) + " its CLI left behind");
		}
		catch (Poco::Exception& e)
		{
			logger().error(workerName(slot.id) + ": cannot kill the process group " + std::to_string(pgid) + ": " + e.displayText());
		}
	}
	::unlink(path.c_str());
}

} // namespace Sygen
