//
// Sandbox.cpp
//

#include "Sandbox.h"
#include "Landlock.h"
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <grp.h>
#include <map>
#include <memory>
#include <mutex>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

extern char** environ;

namespace Sygen {

namespace {

const char* const CREDENTIAL_VARIABLES[] = {
	"ANTHROPIC_API_KEY",
	"ANTHROPIC_AUTH_TOKEN",
	"CLAUDE_CODE_OAUTH_TOKEN",
	"CLAUDE_CONFIG_DIR",
	"OPENAI_API_KEY",
	"CODEX_API_KEY",
	"CODEX_HOME",
	"GEMINI_API_KEY",
	"GEMINI_CLI_HOME",
	"GOOGLE_API_KEY",
	"GOOGLE_GENAI_USE_VERTEXAI",
	"GOOGLE_GENAI_USE_GCA",
	"GOOGLE_CLOUD_PROJECT",
	"GOOGLE_CLOUD_LOCATION",
	"GOOGLE_APPLICATION_CREDENTIALS",
};

// A CLI behind a corporate proxy or TLS-inspecting gateway needs these to reach its
// API at all; they carry no credential of the service's own, and are passed when the
// service has them, without an env_file.
const char* const NETWORK_VARIABLES[] = {
	"HTTP_PROXY",
	"HTTPS_PROXY",
	"NO_PROXY",
	"ALL_PROXY",
	"http_proxy",
	"https_proxy",
	"no_proxy",
	"all_proxy",
	"NODE_EXTRA_CA_CERTS",
	"SSL_CERT_FILE",
	"SSL_CERT_DIR",
};

const char* const HOME_STATE_FOLDERS[] = {
	".claude",
	".codex",
	".gemini",
	".cache",
	".config",
	".npm",
	".local",
};

// Variables that move a CLI's state elsewhere; their folders stay writable.
const char* const STATE_DIR_VARIABLES[] = {"CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME"};

const char* const DEVICES[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/pts"};

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.Sandbox");
}

std::optional<Sandbox::Identity> lookUpUser(const std::string& name)
{
	std::vector<char> buf(16384);
	struct passwd pw;
	struct passwd* found = nullptr;
	if (::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found) return std::nullopt;
	Sandbox::Identity id;
	id.name = pw.pw_name;
	id.uid = pw.pw_uid;
	id.gid = pw.pw_gid;
	id.home = pw.pw_dir ? pw.pw_dir : "/";
	int count = 64;
	std::vector<gid_t> groups(static_cast<size_t>(count));
	if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) < 0)
	{
		groups.resize(static_cast<size_t>(count));
		::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count);
	}
	groups.resize(static_cast<size_t>(std::max(count, 0)));
	id.groups = groups;
	return id;
}

std::string unquote(const std::string& value)
{
	if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
	{
		return value.substr(1, value.size() - 2);
	}
	return value;
}

std::string trimmed(const std::string& s)
{
	size_t b = s.find_first_not_of(" \t\r");
	if (b == std::string::npos) return "";
	size_t e = s.find_last_not_of(" \t\r");
	return s.substr(b, e - b + 1);
}

ResourceLimit clampedLimit(int resource, rlim_t value)
{
	struct rlimit current;
	if (::getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY && (value == RLIM_INFINITY || value > current.rlim_max))
	{
		value = current.rlim_max;
	}
	return ResourceLimit{resource, value, value};
}

class RulesetCache
/// The Landlock ruleset of the last prepare(), reused while every writable path
/// still names the same file: building one is ~70 system calls (a ruleset, then
/// open, fstat, add_rule and close per path, and a mkdir per HOME state folder),
/// checking it one stat() per path. The ruleset holds a reference to each inode
/// it allows, so no other file can take over a (device, inode) pair it records.
/// A path that was missing and now exists, or was replaced, means a new ruleset.
{
public:
	struct Identity
	{
		bool exists = false;
		dev_t device = 0;
		ino_t inode = 0;

		bool operator==(const Identity& other) const { return exists == other.exists && device == other.device && inode == other.inode; }
	};

	static Identity identify(const std::string& path)
	{
		struct stat st;
		Identity id;
		if (::stat(path.c_str(), &st) != 0) return id;
		id.exists = true;
		id.device = st.st_dev;
		id.inode = st.st_ino;
		return id;
	}

	std::shared_ptr<Landlock> find(const std::vector<std::string>& paths)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_ruleset || paths != _paths) return nullptr;
		for (std::size_t i = 0; i < paths.size(); ++i)
		{
			if (!(identify(paths[i]) == _identities[i])) return nullptr;
		}
		return _ruleset;
	}

	void store(const std::vector<std::string>& paths, const std::vector<Identity>& identities, std::shared_ptr<Landlock> ruleset)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_paths = paths;
		_identities = identities;
		_ruleset = std::move(ruleset);
	}

private:
	std::mutex _mutex;
	std::vector<std::string> _paths;
	std::vector<Identity> _identities;
	std::shared_ptr<Landlock> _ruleset;
};

RulesetCache& rulesetCache()
{
	static RulesetCache cache;
	return cache;
}

} // namespace

Sandbox::Sandbox(const WorkerSettings& settings):
	_settings(settings)
{
	const std::string& user = settings.sandbox.user;
	bool root = ::geteuid() == 0;
	if (user.empty())
	{
		static std::once_flag warned;
		if (root)
		{
			std::call_once(warned, [] {
				logger().warning("worker runs as root and sandbox.user is not set: CLIs run as root "
								 "(claude refuses bypassPermissions as root)");
			});
		}
		return;
	}
	std::optional<Identity> id = lookUpUser(user);
	if (!id) throw Poco::NotFoundException("sandbox.user: no such account", user);
	if (root)
	{
		_identity = id;
	}
	else if (id->uid != ::geteuid())
	{
		static std::once_flag warned;
		std::call_once(
			warned, [&] { logger().warning("sandbox.user %s ignored: the worker is not root and cannot switch accounts", user); });
	}
}

SpawnOptions Sandbox::prepare(
	const std::vector<std::string>& argv, const std::string& executable, const std::string& workDir, const std::string& extraPathDir) const
{
	SpawnOptions o;
	o.executable = executable;
	o.argv = argv;
	o.env = environment(extraPathDir);
	o.cwd = workDir;
	o.newProcessGroup = true;
	o.limits = limits();
	o.umask = 077;
	if (_identity)
	{
		o.uid = _identity->uid;
		o.gid = _identity->gid;
		o.groups = _identity->groups;
	}
	o.noNewPrivileges = true;
	o.parentDeathSignal = SIGKILL;
	if (_settings.sandbox.landlock)
	{
		if (Landlock::abiVersion() >= 1)
		{
			std::vector<std::string> paths = writablePaths(workDir);
			std::shared_ptr<Landlock> ruleset = rulesetCache().find(paths);
			if (!ruleset)
			{
				createStateFolders();
				// Identities first: a path replaced between the two steps then only
				// costs a rebuild on the next run, never a ruleset taken for current.
				std::vector<RulesetCache::Identity> identities;
				for (const std::string& path: paths) identities.push_back(RulesetCache::identify(path));
				ruleset = std::make_shared<Landlock>();
				for (const std::string& path: paths) ruleset->allowWrites(path);
				rulesetCache().store(paths, identities, ruleset);
			}
			o.preExec = [ruleset]() { return ruleset->restrictSelf(); };
		}
		else
		{
			static std::once_flag logged;
			std::call_once(logged,
				[] { logger().warning("Landlock is not available on this kernel: CLI writes are not confined to the task folder"); });
		}
	}
	return o;
}

std::vector<std::string> Sandbox::environment(const std::string& extraPathDir) const
{
	std::map<std::string, std::string> env;
	for (char** e = environ; *e; ++e)
	{
		std::string entry(*e);
		size_t eq = entry.find('=');
		if (eq == std::string::npos) continue;
		std::string name = entry.substr(0, eq);
		if (isAllowlisted(name) || isPassedThrough(name)) env[name] = entry.substr(eq + 1);
	}
	std::string path = searchPath();
	env["PATH"] = extraPathDir.empty() ? path : extraPathDir + ":" + path;
	if (_identity)
	{
		env["HOME"] = _identity->home;
		env["USER"] = _identity->name;
	}
	if (!_settings.envFile.empty())
	{
		try
		{
			for (const auto& kv: readEnvFile(_settings.envFile)) env[kv.first] = kv.second;
		}
		catch (Poco::Exception& exc)
		{
			logger().warning("env_file %s not used: %s", _settings.envFile, exc.displayText());
		}
	}
	std::vector<std::string> out;
	for (const auto& kv: env) out.push_back(kv.first + "=" + kv.second);
	return out;
}

std::string Sandbox::cliHome() const
{
	if (_identity) return _identity->home;
	const char* home = std::getenv("HOME");
	return home ? home : "";
}

std::vector<ResourceLimit> Sandbox::limits() const
{
	const SandboxSettings& s = _settings.sandbox;
	rlim_t cpu = s.cpuSeconds != 0 ? s.cpuSeconds : static_cast<rlim_t>(std::max(_settings.cliTimeoutSeconds, 1)) * 4;
	return {
		clampedLimit(RLIMIT_CPU, cpu),
		clampedLimit(RLIMIT_NOFILE, s.openFiles),
		clampedLimit(RLIMIT_FSIZE, s.fileSizeBytes),
		ResourceLimit{RLIMIT_CORE, 0, 0},
	};
}

std::vector<std::string> Sandbox::writablePaths(const std::string& workDir) const
{
	std::vector<std::string> paths{workDir};
	std::string home = cliHome();
	if (!home.empty() && home != "/")
	{
		for (const char* folder: HOME_STATE_FOLDERS) paths.push_back(home + "/" + folder);
		// In-place writes only: claude updates it by temp file + rename in HOME,
		// which Landlock refuses: operators set CLAUDE_CONFIG_DIR (env_file) to keep
		// that file inside a writable folder.
		paths.push_back(home + "/.claude.json");
	}
	for (const char* variable: STATE_DIR_VARIABLES)
	{
		const char* dir = std::getenv(variable);
		if (dir && dir[0] == '/') paths.push_back(dir);
	}
	paths.insert(paths.end(), _settings.sandbox.writablePaths.begin(), _settings.sandbox.writablePaths.end());
	paths.insert(paths.end(), std::begin(DEVICES), std::end(DEVICES));
	return paths;
}

bool Sandbox::isAllowlisted(const std::string& name)
{
	if (name == "PATH" || name == "HOME" || name == "LANG" || name == "LANGUAGE" || name == "TZ" || name == "USER") return true;
	if (name.compare(0, 3, "LC_") == 0) return true;
	for (const char* v: CREDENTIAL_VARIABLES)
	{
		if (name == v) return true;
	}
	for (const char* v: NETWORK_VARIABLES)
	{
		if (name == v) return true;
	}
	return false;
}

std::vector<std::pair<std::string, std::string>> Sandbox::readEnvFile(const std::string& path)
{
	std::ifstream in(path);
	if (!in) throw Poco::FileNotFoundException(path);
	std::vector<std::pair<std::string, std::string>> pairs;
	std::string line;
	while (std::getline(in, line))
	{
		std::string t = trimmed(line);
		if (t.empty() || t[0] == '#') continue;
		if (t.compare(0, 7, "export ") == 0) t = trimmed(t.substr(7));
		size_t eq = t.find('=');
		if (eq == std::string::npos || eq == 0) continue;
		pairs.emplace_back(trimmed(t.substr(0, eq)), unquote(trimmed(t.substr(eq + 1))));
	}
	return pairs;
}

void Sandbox::createStateFolders() const
{
	// A Landlock rule needs an existing folder: a CLI's first run must still be
	// able to create its state folder (codex makes ~/.codex on first start).
	std::string home = cliHome();
	struct stat st;
	if (home.empty() || home == "/" || ::stat(home.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return;
	for (const char* folder: HOME_STATE_FOLDERS)
	{
		std::string path = home + "/" + folder;
		if (::mkdir(path.c_str(), 0700) != 0) continue;
		if (_identity && ::chown(path.c_str(), _identity->uid, _identity->gid) != 0)
		{
			logger().warning("cannot hand %s to %s", path, _identity->name);
		}
	}
}

bool Sandbox::isPassedThrough(const std::string& name) const
{
	for (const std::string& pattern: _settings.envPassthrough)
	{
		if (!pattern.empty() && pattern.back() == '*')
		{
			if (name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0) return true;
		}
		else if (name == pattern)
		{
			return true;
		}
	}
	return false;
}

std::string Sandbox::searchPath() const
{
	if (!_settings.searchPath.empty()) return _settings.searchPath;
	const char* path = std::getenv("PATH");
	return path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
}

} // namespace Sygen
