//
// WorkerPool.h
//
// Keeps `webhooks.workers` sygen-webhook-worker processes running and talks to
// them over the worker socket.
//

#ifndef Sygen_WorkerPool_INCLUDED
#define Sygen_WorkerPool_INCLUDED

#include "Sygen/Foundation/ProcessSpawner.h"
#include "Sygen/Foundation/UnixSocket.h"
#include "Sygen/Protocol/FrameCodec.h"
#include "Sygen/Protocol/WorkerChannel.h"
#include "workers/WorkerEvents.h"
#include "workers/WorkerPort.h"
#include <Poco/Clock.h>
#include <Poco/Timespan.h>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace Sygen {

struct WorkerPoolOptions
{
	std::string workerExecutable; ///< Path of sygen-webhook-worker.
	std::vector<std::string> workerArguments;
	/// Passed after "--socket PATH --worker-id N" (e.g. --home, --config).
	std::string socketPath; ///< Worker socket, created 0600.
	int workers = 2;        ///< Slots 1..workers.
	Poco::Timespan heartbeatInterval = Poco::Timespan(1, 0);
	/// Told to each worker in the welcome frame.
	Poco::Timespan heartbeatTimeout = Poco::Timespan(10, 0);
	/// A connected worker silent this long is killed and respawned.
	Poco::Timespan helloTimeout = Poco::Timespan(10, 0);
	/// A spawned worker that has not said hello by then is killed and respawned.
	Poco::Timespan killGrace = Poco::Timespan(5, 0);
	/// Between SIGTERM and SIGKILL when a worker is terminated.
	Poco::Timespan backoffInitial = Poco::Timespan(0, 250000);
	Poco::Timespan backoffMax = Poco::Timespan(30, 0);
	/// Respawn delay after an unexpected exit: doubles per consecutive quick
	/// failure, from backoffInitial up to backoffMax.
	Poco::Timespan stableUptime = Poco::Timespan(10, 0);
	/// A worker that ran this long resets the backoff.
	std::size_t maxFrameSize = FrameCodec::DEFAULT_MAX_FRAME_SIZE;
	std::string cliGroupDir;
	/// When set, each worker is told to record its running CLI's process group
	/// in <cliGroupDir>/<id>.pgid (--cli-group-file), and the pool kills that
	/// group (SIGKILL) when the worker has died, and before a slot is spawned
	/// (a worker of a crashed supervisor): the workers' parent-death signal
	/// reaches their CLIs but not the processes those CLIs started.
};

struct WorkerInfo
/// One worker slot, for `workers list`.
{
	int id = 0;
	pid_t pid = 0;          ///< 0 when no process runs.
	std::string state;      ///< WorkerPool::stateName().
	std::string currentJob; ///< Empty when none.
	std::uint64_t jobsDone = 0;
	unsigned restarts = 0;    ///< Processes started after the first one.
	double uptimeSeconds = 0; ///< Since the current process was spawned; 0 when none.
	std::string lastExit;     ///< "exit 0", "signal 9", "exec failed: ...", or empty.
	std::string version;      ///< From the worker's hello.
};

class WorkerPool: public WorkerPort
/// Supervises worker processes, s6-style: each slot is a small state machine
/// whose complete set of transitions is TRANSITIONS below; every state change
/// goes through it (and is logged at debug level), so what the pool can do is
/// visible in one place.
///
/// Processes are spawned with ProcessSpawner from the pool's monitor thread, a
/// long-lived thread, because the workers' parent-death signal (SIGKILL: a
/// worker whose supervisor died cannot report anything, and must not hold
/// dependency locks against the next supervisor) fires when the spawning thread
/// exits. The monitor thread also reaps exits, enforces hello/heartbeat/kill
/// deadlines and ends backoff. Each connection has a reader thread.
///
/// Protocol (frames of FrameCodec; worker → pool: hello, heartbeat, result,
/// draining; pool → worker: welcome, reject, job, drain):
///   hello {worker_id, pid, version} → welcome {heartbeat_interval_ms}
///   job {order: WorkOrder} → result {result: WebhookResult} (a "started" {job_id}
///   in between, sent by earlier workers, is accepted and ignored)
///   drain → the worker finishes its job and exits 0.
/// A hello is accepted only for a slot waiting for a worker, from the process
/// the pool spawned for that slot (pid checked with SO_PEERCRED), from a peer
/// running as our uid or root.
///
/// A job is lost (WorkerEvents::jobLost) when its worker's connection breaks
/// without its result; when the process exit is seen first, the connection is
/// still read to its end (for a result sent just before the exit), for at most
/// LINGER. Each job is reported once.
///
/// Exit code 78 (EX_CONFIG) and exec failures put the slot in "failed": it is
/// not respawned until started again by an operator.
///
/// Thread-safe. WorkerEvents are called without the pool's lock held.
{
public:
	enum class State
	{
		STOPPED,  ///< No process and none wanted.
		BACKOFF,  ///< No process; respawn when the delay ends.
		STARTING, ///< Spawn pending or spawned; waiting for hello.
		IDLE,     ///< Connected, ready for a job.
		BUSY,     ///< Running a job.
		DRAINING, ///< Told to finish its job (if any) and exit.
		STOPPING, ///< SIGTERM sent; SIGKILL after killGrace.
		FAILED    ///< Exited 78 or could not be executed; not respawned.
	};

	enum class Event
	{
		START, ///< Operator start, restart of a stopped slot, pool start.
		BACKOFF_ELAPSED,
		STOP,         ///< Operator stop of a slot without a process.
		SPAWN_FAILED, ///< exec failed (ProcessSpawner's error pipe).
		HELLO,
		JOB_SENT,
		JOB_DONE,
		DRAIN,        ///< Graceful restart or stop, pool shutdown.
		TERMINATE,    ///< Immediate restart or stop, silence, no hello, lost connection.
		EXIT_RESPAWN, ///< Exited, not asked to: respawn after backoff.
		EXIT_RESTART, ///< Exited after an operator restart: respawn now.
		EXIT_STOP,    ///< Exited and not wanted any more.
		EXIT_FATAL    ///< Exited with 78.
	};

	struct Transition
	{
		State from;
		Event event;
		State to;
	};

	static const Transition TRANSITIONS[];
	static const std::size_t TRANSITION_COUNT;

	static std::optional<State> nextState(State from, Event event);
	/// The table's target, or nullopt when the event does not apply in that state.

	static const char* stateName(State state);
	static const char* eventName(Event event);

	static const Poco::Timespan LINGER;

	WorkerPool(const WorkerPoolOptions& options, WorkerEvents& events);
	~WorkerPool();
	/// Calls shutdown() with no grace if still running.

	WorkerPool(const WorkerPool&) = delete;
	WorkerPool& operator=(const WorkerPool&) = delete;

	void start();
	/// Listens on the socket and starts every slot. Throws what
	/// UnixSocket::listen() throws.

	void shutdown(Poco::Timespan grace);
	/// Drains every worker (running jobs may finish), waits up to grace, then
	/// terminates what is left, reports their jobs lost, and removes the socket.
	/// Idempotent.

	void restart(int workerId, bool now);
	/// Replaces one worker: gracefully (it finishes its job first) or now
	/// (SIGTERM, SIGKILL after killGrace). A stopped, failed or backing-off slot
	/// is started. Throws Poco::NotFoundException for an unknown id.

	void stop(int workerId, bool now);
	/// Stops one worker and keeps it stopped. Throws Poco::NotFoundException.

	void startWorker(int workerId);
	/// Starts a stopped or failed slot (or ends a backoff). No effect on a
	/// running one. Throws Poco::NotFoundException.

	std::vector<WorkerInfo> list() const;

	bool waitUntil(const std::function<bool(const std::vector<WorkerInfo>&)>& condition, Poco::Timespan timeout) const;
	/// Waits until condition(list()) holds or timeout passes; returns the last
	/// result. For tests and shutdown; woken on every state change.

	const std::string& socketPath() const;

	// WorkerPort
	int idleWorker() override;
	bool sendJob(int workerId, const WorkOrder& order) override;

private:
	struct Connection;

	struct Slot
	{
		int id = 0;
		State state = State::STOPPED;
		bool wantRunning = false;
		bool restartRequested = false;
		pid_t pid = 0;
		bool spawnPending = false;
		bool sigkillSent = false;
		std::shared_ptr<Connection> connection;
		std::string currentJob;
		std::shared_ptr<Connection> lingering;
		///< The connection of a process that has exited, still being read: a result
		///< it sent just before exiting may not have been read yet.
		std::string lingeringJob;
		Poco::Clock lingeringSince;
		std::string version;
		std::uint64_t jobsDone = 0;
		unsigned restarts = 0;
		unsigned quickFailures = 0;
		bool everSpawned = false;
		Poco::Clock spawnedAt;
		Poco::Clock lastSeen;
		Poco::Clock deadline; ///< hello, kill or backoff deadline by state.
		std::string lastExit;
	};

	struct Connection
	{
		std::shared_ptr<WorkerChannel> channel;
		std::thread thread;
		std::atomic<bool> finished{false};
		int slotId = 0;
	};

	struct Notice
	{
		enum Kind
		{
			IDLE,
			FINISHED,
			LOST
		} kind;
		int workerId;
		std::string jobId;
		WebhookResult result;
	};
	typedef std::vector<Notice> Notices;

	void fire(Slot& slot, Event event, Notices& notices);
	void enter(Slot& slot, State previous, Notices& notices);
	void takeJob(Slot& slot, Notices& notices);
	void deliver(const Notices& notices);
	Slot& slotFor(int workerId);

	void acceptLoop();
	void readLoop(std::shared_ptr<Connection> connection);
	bool handleHello(const std::shared_ptr<Connection>& connection, const Poco::JSON::Object& hello, std::string& reason, Notices& notices);
	void handleFrame(const std::shared_ptr<Connection>& connection, const Poco::JSON::Object& frame, Notices& notices);
	void handleLingeringFrame(Slot& slot, const Poco::JSON::Object& frame, Notices& notices);
	void connectionLost(const std::shared_ptr<Connection>& connection, Notices& notices);

	void monitorLoop();
	void monitorOnce(Notices& notices);
	void spawn(Slot& slot, Notices& notices);
	static void setDeadline(Slot& slot, Poco::Timespan fromNow);
	void reapExit(Slot& slot, const ProcessStatus& status, Notices& notices);
	std::string cliGroupFile(const Slot& slot) const;
	void killOrphanedCli(const Slot& slot);
	void reapConnections();

	const WorkerPoolOptions _options;
	WorkerEvents& _events;

	mutable std::mutex _mutex;
	mutable std::condition_variable _changed;
	///< Every state change: waitUntil() and shutdown() wait here.
	std::condition_variable _monitorWake;
	///< State changes the monitor thread acts on (not a job sent or done).
	std::map<int, Slot> _slots;
	std::list<std::shared_ptr<Connection>> _connections;
	UnixSocket _listener;
	std::thread _acceptThread;
	std::thread _monitorThread;
	bool _started = false;
	bool _stopping = false; ///< Threads asked to end.
};

} // namespace Sygen

#endif // Sygen_WorkerPool_INCLUDED
