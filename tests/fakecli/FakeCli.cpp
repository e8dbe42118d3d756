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
#include <unistd.h>

extern char** environ;

namespace {

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
	return std::string("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":") + (error ? "true" : "false")
		+ ",\"duration_ms\":12,\"num_turns\":1,\"result\":" + jsonString(result)
		+ ",\"session_id\":\"00000000-0000-4000-8000-000000000001\",\"total_cost_usd\":0}\n";
}

std::string codexOutput(const std::string& result, bool error)
{
	std::string out = "{\"type\":\"thread.started\",\"thread_id\":\"00000000-0000-4000-8000-000000000002\"}\n"
		"{\"type\":\"turn.started\"}\n";
	if (error) return out + "{\"type\":\"error\",\"message\":\"Reconnecting... 2/5\"}\n";
	return out + "{\"type\":\"item.started\",\"item\":{\"id\":\"item_0\",\"type\":\"command_execution\",\"command\":\"ls\"}}\n"
		"{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"command_execution\",\"command\":\"ls\"}}\n"
		"{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"agent_message\",\"text\":" + jsonString(result) + "}}\n"
		"{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}\n";
}

std::string geminiOutput(const std::string& result)
{
	return "{\n  \"session_id\": \"00000000-0000-4000-8000-000000000003\",\n  \"response\": " + jsonString(result)
		+ ",\n  \"stats\": {}\n}\n";
}

std::string geminiErrorOutput(const std::string& message)
{
	return "YOLO mode is enabled. All tool calls will be automatically approved.\n"
		"{\n  \"session_id\": \"00000000-0000-4000-8000-000000000003\",\n  \"error\": {\n    \"type\": \"Error\",\n"
		"    \"message\": " + jsonString(message) + ",\n    \"code\": 41\n  }\n}\n";
}

std::string baseName(const char* arg0)
{
	std::string name(arg0);
	size_t slash = name.rfind('/');
	return slash == std::string::npos ? name : name.substr(slash + 1);
}

} // namespace

int main(int argc, char** argv)
{
	std::string name = baseName(argv[0]);
	Poco::JSON::Object::Ptr control = loadControl();
	std::string stdinText = readAll(std::cin);

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
