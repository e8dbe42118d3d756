//
// FakeCli.cpp
//
// A stand-in for the claude, codex and gemini command-line tools, installed under
// those three names. It records how it was started and prints output of the real
// shapes (see tests/fixtures/cli-samples/), or misbehaves as a test asks.
//
// The sandbox gives the CLI a clean environment, so the test's instructions come
// from a control file that passes through the sandbox with the working directory:
// ./fakecli.json (the task folder), or the file named by $FAKE_CLI_CONTROL when set.
// Control keys (all optional):
//   "result": text of the answer (default "fake <name> answer")
//   "stdout", "stderr": exact text to print instead of the shaped output
//   "shape": "error" for the CLI's failure shape (claude: is_error, exit 1;
//            gemini: error object on stderr, exit 41; codex: error events)
//   "exit": exit code; "kill_self": signal to raise at the end
//   "sleep": seconds to sleep before printing
//   "grandchild": true: fork a child that sleeps 300 s (same process group)
//   "ignore_term": true: ignore SIGTERM (the grandchild too)
//   "write_outside": a path to create; the errno is recorded
//   "probe_lock": a lock file to test with flock(LOCK_NB); recorded as lock_held
//   "record": where to write the record (default ./fakecli-record.json)
//   "no_record": true: skip the record (a near no-op CLI for benchmarks)
//   "started_log": a file to which one line is appended at start, for latency
//            benchmarks: {"started_at_us": <epoch µs>, "argv": [...], "stdin": "..."}
// Wake sessions (SPEC §11):
//   "sequence": [{...}, ...]: run n (counted in ./fakecli-runs, next to the
//            control file) takes the keys of element n over the others
//   "new_sessions": true: a run that resumes nothing reports the new session
//            "<name>-session-<run>" (run counted from 1); a resumed run
//            (claude/gemini --resume <id>, codex exec ... resume <id>) always
//            reports the id it resumed
//   "unknown_sessions": [ids]: resuming one of them fails the way the real CLI
//            does when it no longer knows the session
//   "{session}" and "{run}" in "result" are replaced by the session id and run
// The record is a JSON object: name, argv, cwd, stdin, env, pid, pgid, uid, gid,
// umask, no_new_privs, fds, sig_blocked, sig_ignored, grandchild_pid,
// write_outside_errno, lock_held.
//

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

extern char** environ;

namespace {

std::string sessionId; ///< the session the output reports ("" = the fixed sample ids).

std::string sessionOr(const std::string& sample)
{
	return sessionId.empty() ? sample : sessionId;
}

std::string readAll(std::istream& in)
{
	std::ostringstream out;
	out << in.rdbuf();
	return out.str();
}

Poco::JSON::Object::Ptr loadControl()
{
	const char* path = std::getenv("FAKE_CLI_CONTROL");
	std::ifstream in(path && *path ? path : "fakecli.json");
	if (!in) return new Poco::JSON::Object;
	Poco::JSON::Parser parser;
	return parser.parse(readAll(in)).extract<Poco::JSON::Object::Ptr>();
}

std::string statusField(const std::string& key)
/// A line of /proc/self/status ("NoNewPrivs:\t1" gives "1").
{
	std::ifstream in("/proc/self/status");
	std::string line;
	while (std::getline(in, line))
	{
		if (line.compare(0, key.size() + 1, key + ":") == 0)
		{
			std::string value = line.substr(key.size() + 1);
			value.erase(0, value.find_first_not_of(" \t"));
			return value;
		}
	}
	return "";
}

Poco::JSON::Array::Ptr openDescriptors()
{
	Poco::JSON::Array::Ptr fds = new Poco::JSON::Array;
	DIR* dir = ::opendir("/proc/self/fd");
	if (!dir) return fds;
	int self = ::dirfd(dir);
	while (dirent* e = ::readdir(dir))
	{
		if (e->d_name[0] == '.') continue;
		int fd = std::atoi(e->d_name);
		if (fd != self) fds->add(fd);
	}
	::closedir(dir);
	return fds;
}

Poco::JSON::Object::Ptr environment()
{
	Poco::JSON::Object::Ptr env = new Poco::JSON::Object;
	for (char** e = environ; *e; ++e)
	{
		std::string entry(*e);
		size_t eq = entry.find('=');
		if (eq != std::string::npos) env->set(entry.substr(0, eq), entry.substr(eq + 1));
	}
	return env;
}

std::string currentDirectory()
{
	char buf[4096];
	return ::getcwd(buf, sizeof(buf)) ? std::string(buf) : std::string();
}

int currentUmask()
{
	mode_t m = ::umask(0);
	::umask(m);
	return static_cast<int>(m);
}

pid_t spawnGrandchild()
{
	pid_t pid = ::fork();
	if (pid == 0)
	{
		// Keep the pipes open, as a real CLI's helper process would.
		for (int i = 0; i < 300; ++i) ::sleep(1);
		::_exit(0);
	}
	return pid;
}

int tryWrite(const std::string& path)
{
	int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) return errno;
	::close(fd);
	return 0;
}

bool isLockHeld(const std::string& path)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) return false;
	bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	::close(fd);
	return held;
}

std::string jsonString(const std::string& s)
{
	Poco::JSON::Array a;
	a.add(s);
	std::ostringstream out;
	a.stringify(out);
	std::string text = out.str();
	return text.substr(1, text.size() - 2);
}

std::string claudeOutput(const std::string& result, bool error)
{
	return std::string("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":") + (error ? "true" : "false") +
		",\"duration_ms\":12,\"num_turns\":1,\"result\":" + jsonString(result) + ",\"session_id\":\"" +
		sessionOr("00000000-0000-4000-8000-000000000001") + "\",\"total_cost_usd\":0}\n";
}

std::string codexOutput(const std::string& result, bool error)
{
	std::string out = "{\"type\":\"thread.started\",\"thread_id\":\"" + sessionOr("00000000-0000-4000-8000-000000000002") +
		"\"}\n"
		"{\"type\":\"turn.started\"}\n";
	if (error) return out + "{\"type\":\"error\",\"message\":\"Reconnecting... 2/5\"}\n";
	return out +
		"{\"type\":\"item.started\",\"item\":{\"id\":\"item_0\",\"type\":\"command_execution\",\"command\":\"ls\"}}\n"
		"{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"command_execution\",\"command\":\"ls\"}}\n"
		"{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"agent_message\",\"text\":" +
		jsonString(result) +
		"}}\n"
		"{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}\n";
}

std::string geminiOutput(const std::string& result)
{
	return "{\n  \"session_id\": \"" + sessionOr("00000000-0000-4000-8000-000000000003") + "\",\n  \"response\": " + jsonString(result) +
		",\n  \"stats\": {}\n}\n";
}

std::string geminiErrorOutput(const std::string& message)
{
	return "YOLO mode is enabled. All tool calls will be automatically approved.\n"
		   "{\n  \"session_id\": \"" +
		sessionOr("00000000-0000-4000-8000-000000000003") +
		"\",\n  \"error\": {\n    \"type\": \"Error\",\n"
		"    \"message\": " +
		jsonString(message) + ",\n    \"code\": 41\n  }\n}\n";
}

std::string baseName(const char* arg0)
{
	std::string name(arg0);
	size_t slash = name.rfind('/');
	return slash == std::string::npos ? name : name.substr(slash + 1);
}

void appendStartedLine(const std::string& path, long long startedAtUs, int argc, char** argv, const std::string& stdinText)
/// One write(2) with O_APPEND, so that concurrent CLIs never interleave lines.
{
	Poco::JSON::Object line;
	Poco::JSON::Array::Ptr args = new Poco::JSON::Array;
	for (int i = 0; i < argc; ++i) args->add(std::string(argv[i]));
	line.set("started_at_us", startedAtUs);
	line.set("argv", args);
	line.set("stdin", stdinText);
	std::ostringstream out;
	line.stringify(out);
	std::string text = out.str() + "\n";
	int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) return;
	ssize_t n = ::write(fd, text.data(), text.size());
	(void)n;
	::close(fd);
}

int nextRun()
/// 0 for the first run in this folder, then 1, 2, ... (flock'd counter file).
{
	const char* path = std::getenv("FAKE_CLI_CONTROL");
	std::string dir = path && *path ? std::string(path) : std::string("fakecli.json");
	std::size_t slash = dir.rfind('/');
	std::string counter = (slash == std::string::npos ? std::string(".") : dir.substr(0, slash)) + "/fakecli-runs";
	int fd = ::open(counter.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) return 0;
	::flock(fd, LOCK_EX);
	char buf[32] = {0};
	ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
	int run = n > 0 ? std::atoi(buf) : 0;
	std::string next = std::to_string(run + 1);
	if (::lseek(fd, 0, SEEK_SET) == 0 && ::ftruncate(fd, 0) == 0)
	{
		ssize_t w = ::write(fd, next.data(), next.size());
		(void)w;
	}
	::close(fd);
	return run;
}

std::string resumedSession(const std::string& name, int argc, char** argv)
{
	for (int i = 1; i + 1 < argc; ++i)
	{
		std::string arg(argv[i]);
		if (arg == "--") break;
		if (name == "codex" ? arg == "resume" : arg == "--resume") return argv[i + 1];
	}
	return "";
}

void replaceAll(std::string& text, const std::string& what, const std::string& with)
{
	for (std::size_t pos = 0; (pos = text.find(what, pos)) != std::string::npos; pos += with.size()) text.replace(pos, what.size(), with);
}

} // namespace

int main(int argc, char** argv)
{
	timeval startedAt;
	::gettimeofday(&startedAt, nullptr);
	std::string name = baseName(argv[0]);
	Poco::JSON::Object::Ptr control = loadControl();
	std::string stdinText = readAll(std::cin);
	std::string startedLog = control->optValue<std::string>("started_log", "");
	if (!startedLog.empty())
		appendStartedLine(startedLog, static_cast<long long>(startedAt.tv_sec) * 1000000 + startedAt.tv_usec, argc, argv, stdinText);
	int run = 0;
	if (control->has("sequence") || control->optValue("new_sessions", false))
	{
		run = nextRun();
		Poco::JSON::Array::Ptr sequence = control->getArray("sequence");
		Poco::JSON::Object::Ptr step =
			sequence && run < static_cast<int>(sequence->size()) ? sequence->getObject(static_cast<unsigned>(run)) : nullptr;
		if (step)
		{
			for (const auto& member: *step) control->set(member.first, member.second);
		}
	}
	std::string resumed = resumedSession(name, argc, argv);
	if (!resumed.empty()) sessionId = resumed;
	else if (control->optValue("new_sessions", false)) sessionId = name + "-session-" + std::to_string(run + 1);
	Poco::JSON::Array::Ptr unknown = control->getArray("unknown_sessions");
	for (std::size_t i = 0; !resumed.empty() && unknown && i < unknown->size(); ++i)
	{
		if (unknown->getElement<std::string>(static_cast<unsigned>(i)) != resumed) continue;
		if (name == "codex")
		{
			std::cerr << "Error: thread/resume: thread/resume failed: no rollout found for thread id " << resumed << " (code -32600)\n";
			return 1;
		}
		if (name == "gemini")
		{
			std::cerr << "Error resuming session: Invalid session identifier \"" << resumed << "\".\n";
			return 42;
		}
		std::cerr << "No conversation found with session ID: " << resumed << "\n";
		return 1;
	}
	if (control->optValue("no_record", false))
	{
		std::cout << claudeOutput(control->optValue<std::string>("result", "fake " + name + " answer"), false);
		return 0;
	}

	if (control->optValue("ignore_term", false)) std::signal(SIGTERM, SIG_IGN);

	Poco::JSON::Object record;
	Poco::JSON::Array::Ptr args = new Poco::JSON::Array;
	for (int i = 0; i < argc; ++i) args->add(std::string(argv[i]));
	record.set("name", name);
	record.set("argv", args);
	record.set("cwd", currentDirectory());
	record.set("stdin", stdinText);
	record.set("env", environment());
	record.set("pid", static_cast<int>(::getpid()));
	record.set("pgid", static_cast<int>(::getpgrp()));
	record.set("uid", static_cast<int>(::getuid()));
	record.set("gid", static_cast<int>(::getgid()));
	record.set("umask", currentUmask());
	record.set("no_new_privs", statusField("NoNewPrivs"));
	record.set("sig_blocked", statusField("SigBlk"));
	record.set("sig_ignored", statusField("SigIgn"));
	record.set("fds", openDescriptors());
	if (control->optValue("grandchild", false)) record.set("grandchild_pid", static_cast<int>(spawnGrandchild()));
	std::string outside = control->optValue<std::string>("write_outside", "");
	if (!outside.empty()) record.set("write_outside_errno", tryWrite(outside));
	std::string lock = control->optValue<std::string>("probe_lock", "");
	if (!lock.empty()) record.set("lock_held", isLockHeld(lock));

	{
		std::ofstream out(control->optValue<std::string>("record", "fakecli-record.json"));
		record.stringify(out);
	}

	double sleepSeconds = control->optValue("sleep", 0.0);
	if (sleepSeconds > 0) ::usleep(static_cast<useconds_t>(sleepSeconds * 1e6));

	bool error = control->optValue<std::string>("shape", "") == "error";
	std::string result = control->optValue<std::string>("result", "fake " + name + " answer");
	replaceAll(result, "{session}", sessionId);
	replaceAll(result, "{run}", std::to_string(run + 1));
	if (control->has("stdout") || control->has("stderr"))
	{
		std::cout << control->optValue<std::string>("stdout", "");
		std::cerr << control->optValue<std::string>("stderr", "");
	}
	else if (name == "codex")
	{
		std::cout << codexOutput(result, error);
	}
	else if (name == "gemini")
	{
		if (error) std::cerr << geminiErrorOutput(result);
		else std::cout << geminiOutput(result);
	}
	else
	{
		std::cout << claudeOutput(result, error);
	}
	std::cout.flush();
	std::cerr.flush();

	int killSelf = control->optValue("kill_self", 0);
	if (killSelf) ::raise(killSelf);
	int defaultExit = !error ? 0 : name == "gemini" ? 41 : name == "claude" ? 1 : 0;
	return control->optValue("exit", defaultExit);
}
