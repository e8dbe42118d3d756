//
// Config.cpp
//

#include "Sygen/Foundation/Config.h"
#include "Sygen/Foundation/AtomicFile.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/JSONWriter.h"
#include "Sygen/Foundation/TokenGenerator.h"
#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {

POCO_IMPLEMENT_EXCEPTION(ConfigError, Poco::DataException, "Configuration error")

namespace {

const long long NO_MAX = std::numeric_limits<long long>::max();

std::string oneLine(std::string text)
{
	for (char& c: text)
	{
		if (c == '\n' || c == '\r') c = ' ';
	}
	return text;
}

std::string stripTrailingSlashes(std::string path)
{
	while (path.size() > 1 && path.back() == '/') path.pop_back();
	return path;
}

std::string userHome()
/// $HOME like Python's Path.home(); Poco::Path::home() prefers the passwd entry.
{
	std::string home = Poco::Environment::get("HOME", "");
	return stripTrailingSlashes(home.empty() ? Poco::Path::home() : home);
}

std::string resolvePath(const std::string& path, const std::string& base)
/// Absolute form of path: "~" expands to $HOME, relative paths are taken from base.
{
	if (path == "~" || path.compare(0, 2, "~/") == 0) return stripTrailingSlashes(userHome() + "/" + path.substr(path.size() > 1 ? 2 : 1));
	if (!path.empty() && path[0] == '/') return stripTrailingSlashes(path);
	return stripTrailingSlashes(base + "/" + path);
}

class Section
/// Typed reads of one object of the config file; every error names the file and
/// the dotted key.
{
public:
	Section(const std::string& file, Poco::JSON::Object::Ptr obj, const std::string& prefix):
		_file(file),
		_obj(obj ? obj : Poco::JSON::Object::Ptr(new Poco::JSON::Object)),
		_prefix(prefix)
	{
	}

	[[noreturn]] void fail(const std::string& key, const std::string& what) const
	{
		throw ConfigError(_file + ": " + _prefix + key + ": " + what);
	}

	template <typename F>
	auto guarded(F read) const -> decltype(read())
	{
		try
		{
			return read();
		}
		catch (Poco::DataFormatException& e)
		{
			// JSONFields messages are "<key>: expected ..."; add the file and section.
			throw ConfigError(_file + ": " + _prefix + e.message());
		}
	}

	std::string string(const std::string& key, const std::string& deflt) const
	{
		return guarded([&] { return JSONFields::string(*_obj, key, deflt); });
	}

	bool boolean(const std::string& key, bool deflt) const
	{
		return guarded([&] { return JSONFields::boolean(*_obj, key, deflt); });
	}

	long long integer(const std::string& key, long long deflt, long long min, long long max = NO_MAX) const
	{
		long long v = guarded([&] { return JSONFields::integer(*_obj, key, deflt); });
		if (v < min || v > max)
		{
			if (max == NO_MAX) fail(key, "must be at least " + std::to_string(min));
			fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
		}
		return v;
	}

	double number(const std::string& key, double deflt, double min, bool allowMin) const
	{
		double v = guarded([&] { return JSONFields::number(*_obj, key, deflt); });
		if (v < min || (!allowMin && v == min)) fail(key, allowMin ? "must not be negative" : "must be greater than 0");
		return v;
	}

	std::vector<std::string> stringList(const std::string& key) const
	{
		return guarded([&] { return JSONFields::stringList(*_obj, key); });
	}

	std::vector<std::string> chatIds(const std::string& key) const
	/// Telegram chat ids: integers or strings of digits (negative for groups).
	{
		std::vector<std::string> ids;
		if (!JSONFields::isSet(*_obj, key)) return ids;
		Poco::JSON::Array::Ptr array = _obj->getArray(key);
		if (!array) fail(key, "expected an array of chat ids");
		for (unsigned i = 0; i < array->size(); ++i)
		{
			ids.push_back(chatId(key, array->get(i), i));
		}
		return ids;
	}

	Section section(const std::string& key) const
	{
		Poco::JSON::Object::Ptr nested = guarded([&] { return JSONFields::object(*_obj, key); });
		return Section(_file, nested, _prefix + key + ".");
	}

private:
	std::string chatId(const std::string& key, const Poco::Dynamic::Var& v, unsigned index) const
	{
		std::string where = key + "[" + std::to_string(index) + "]";
		if (v.isInteger() && !v.isBoolean())
		{
			return v.isSigned() ? std::to_string(v.convert<Poco::Int64>()) : std::to_string(v.convert<Poco::UInt64>());
		}
		if (v.isString())
		{
			std::string s = v.extract<std::string>();
			std::size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
			bool digits = s.size() > start && s.find_first_not_of("0123456789", start) == std::string::npos;
			if (digits) return s;
		}
		fail(where, "expected an integer or a string of digits");
	}

	std::string _file;
	Poco::JSON::Object::Ptr _obj;
	std::string _prefix;
};

void readTopLevel(Config& c, const Section& top)
{
	c.provider = top.string("provider", c.provider);
	c.model = top.string("model", c.model);
	c.reasoningEffort = top.string("reasoning_effort", c.reasoningEffort);
	c.permissionMode = top.string("permission_mode", c.permissionMode);
	c.cliTimeout = top.number("cli_timeout", c.cliTimeout, 0, false);
	// The reference strips the zone name (a hand-edited " Europe/Berlin" works there).
	c.userTimezone = Poco::trim(top.string("user_timezone", c.userTimezone));
	c.allowedUserIds = top.chatIds("allowed_user_ids");
	c.telegramToken = top.string("telegram_token", c.telegramToken);
}

void readReferenceWebhooks(Config::Webhooks& w, const Section& s)
{
	w.enabled = s.boolean("enabled", w.enabled);
	w.host = s.string("host", w.host);
	w.port = static_cast<int>(s.integer("port", w.port, 0, 65535));
	w.token = s.string("token", w.token);
	w.maxBodyBytes = s.integer("max_body_bytes", w.maxBodyBytes, 0);
	// Any value is valid: 0 or less rejects every request (SPEC §7).
	w.rateLimitPerMinute = s.integer("rate_limit_per_minute", w.rateLimitPerMinute, std::numeric_limits<long long>::min());
}

void readBackend(Config::Backend& b, const Section& s)
{
	b.type = s.string("type", b.type);
	if (b.type != "spool" && b.type != "postgres") s.fail("type", "must be \"spool\" or \"postgres\"");
	b.dsn = s.string("dsn", b.dsn);
	if (b.postgres() && b.dsn.empty()) s.fail("dsn", "required when type is \"postgres\"");
	b.nodeId = s.string("node_id", b.nodeId);
	if (b.nodeId.empty()) b.nodeId = Poco::Environment::nodeName();
	if (b.nodeId.size() > 128) s.fail("node_id", "must be at most 128 characters");
	b.leaseSeconds = static_cast<int>(s.integer("lease_seconds", b.leaseSeconds, 5, 3600));
	b.poolSize = static_cast<int>(s.integer("pool_size", b.poolSize, 1, 64));
}

void readBeyondWebhooks(Config::Webhooks& w, const Section& s)
{
	w.workers = static_cast<int>(s.integer("workers", w.workers, 0, 1024));
	w.ingress = s.boolean("ingress", w.ingress);
	w.queueCapacity = s.integer("queue_capacity", w.queueCapacity, 1);
	w.rateLimitPerIpPerMinute = s.integer("rate_limit_per_ip_per_minute", w.rateLimitPerIpPerMinute, 0);
	w.jobHistory = s.integer("job_history", w.jobHistory, 0);
	w.keepPayloads = s.boolean("keep_payloads", w.keepPayloads);
	w.dedupeWindowSeconds = s.integer("dedupe_window_seconds", w.dedupeWindowSeconds, 0);
	w.telegramApiBase = s.string("telegram_api_base", w.telegramApiBase);
	w.envFile = s.string("env_file", w.envFile);
	w.envPassthrough = s.stringList("env_passthrough");
	w.readTimeoutSeconds = s.number("read_timeout_seconds", w.readTimeoutSeconds, 0, false);
	w.shutdownGraceSeconds = s.number("shutdown_grace_seconds", w.shutdownGraceSeconds, 0, true);

	Section matrix = s.section("matrix");
	w.matrix.homeserver = matrix.string("homeserver", "");
	w.matrix.accessToken = matrix.string("access_token", "");
	w.matrix.roomIds = matrix.stringList("room_ids");

	Section callback = s.section("result_callback");
	w.resultCallback.url = callback.string("url", "");
	w.resultCallback.secret = callback.string("secret", "");

	readBackend(w.backend, s.section("backend"));
	// Node roles only make sense in a cluster: a lone node must take hooks and run them.
	if (w.workers == 0 && !w.backend.postgres()) s.fail("workers", "must be between 1 and 1024");
	if (!w.ingress && !w.backend.postgres()) s.fail("ingress", "false needs a postgres backend (a worker host of a cluster)");
	Section sandbox = s.section("sandbox");
	w.sandbox.user = sandbox.string("user", w.sandbox.user);
	w.sandbox.cpuSeconds = sandbox.integer("cpu_seconds", w.sandbox.cpuSeconds, 0);
	w.sandbox.maxOpenFiles = sandbox.integer("max_open_files", w.sandbox.maxOpenFiles, 0);
	w.sandbox.maxFileSizeBytes = sandbox.integer("max_file_size_bytes", w.sandbox.maxFileSizeBytes, 0);
	w.sandbox.landlock = sandbox.boolean("landlock", w.sandbox.landlock);
}

Poco::JSON::Object::Ptr parseConfigText(const std::string& file, const std::string& text)
{
	Poco::Dynamic::Var doc;
	try
	{
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		doc = parser.parse(text);
	}
	catch (Poco::Exception& e)
	{
		throw ConfigError(file + ": invalid JSON: " + oneLine(e.message()));
	}
	if (doc.type() != typeid(Poco::JSON::Object::Ptr)) throw ConfigError(file + ": top level must be an object");
	return doc.extract<Poco::JSON::Object::Ptr>();
}

bool readText(const std::string& path, std::string& text)
/// false when the file does not exist; ConfigError when it exists but cannot be read.
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
	{
		if (errno == ENOENT) return false;
		throw ConfigError(path + ": cannot read: " + std::strerror(errno));
	}
	char buf[16384];
	ssize_t n;
	while ((n = ::read(fd, buf, sizeof(buf))) != 0)
	{
		if (n > 0)
		{
			text.append(buf, static_cast<std::size_t>(n));
		}
		else if (errno != EINTR)
		{
			int err = errno;
			::close(fd);
			throw ConfigError(path + ": cannot read: " + std::strerror(err));
		}
	}
	::close(fd);
	return true;
}

bool isWritable(const std::string& path)
{
	return ::access(path.c_str(), W_OK) == 0;
}

} // namespace

bool Config::Matrix::configured() const
{
	return !homeserver.empty() && !accessToken.empty() && !roomIds.empty();
}

std::string Config::resolveHome(const std::string& homeOption)
{
	std::string cwd = stripTrailingSlashes(Poco::Path::current());
	if (!homeOption.empty()) return resolvePath(homeOption, cwd);
	std::string env = Poco::Environment::get("SYGEN_HOME", "");
	if (!env.empty()) return resolvePath(env, cwd);
	return resolvePath("~/.sygen", cwd);
}

Config Config::load(const std::string& homeOption, const std::string& configOption)
{
	Paths base;
	base.home = resolveHome(homeOption);
	base.configFile =
		configOption.empty() ? base.home + "/config/config.json" : resolvePath(configOption, stripTrailingSlashes(Poco::Path::current()));
	std::string text;
	if (!readText(base.configFile, text))
	{
		return fromJSON(Poco::JSON::Object(), base);
	}
	Config config = fromJSON(*parseConfigText(base.configFile, text), base);
	config.fileExists = true;
	return config;
}

Config::Paths Config::Paths::underHome(const std::string& home)
{
	Paths p;
	p.home = home;
	p.configFile = home + "/config/config.json";
	p.hooksFile = home + "/webhooks.json";
	p.workspaceDir = home + "/workspace";
	p.cronTasksDir = p.workspaceDir + "/cron_tasks";
	p.stateDir = home + "/webhook-state";
	p.workerSocket = p.stateDir + "/worker.sock";
	p.adminSocket = p.stateDir + "/admin.sock";
	p.tokenFile = p.stateDir + "/token";
	return p;
}

Config Config::fromJSON(const Poco::JSON::Object& obj, const Paths& basePaths)
{
	Config c;
	Section top(basePaths.configFile, new Poco::JSON::Object(obj), "");
	readTopLevel(c, top);
	Section webhooks = top.section("webhooks");
	readReferenceWebhooks(c.webhooks, webhooks);
	readBeyondWebhooks(c.webhooks, webhooks);

	Paths& p = c.paths;
	p = Paths::underHome(basePaths.home);
	p.configFile = basePaths.configFile;
	p.stateDir = resolvePath(webhooks.string("state_dir", "webhook-state"), p.home);
	p.workerSocket = resolvePath(webhooks.string("worker_socket", p.stateDir + "/worker.sock"), p.home);
	p.adminSocket = resolvePath(webhooks.string("admin_socket", p.stateDir + "/admin.sock"), p.home);
	p.tokenFile = p.stateDir + "/token";
	if (!c.webhooks.envFile.empty()) c.webhooks.envFile = resolvePath(c.webhooks.envFile, p.home);
	return c;
}

Config::TokenSource Config::ensureGlobalToken()
{
	if (!webhooks.token.empty()) return TOKEN_FROM_CONFIG;

	std::string stored;
	if (readText(paths.tokenFile, stored)) stored = Poco::trim(stored);
	if (!stored.empty())
	{
		webhooks.token = stored;
		return TOKEN_FROM_STATE_FILE;
	}

	std::string token = TokenGenerator::generate();
	std::string folder = Poco::Path(paths.configFile).parent().toString();
	if (fileExists && isWritable(paths.configFile) && isWritable(folder))
	{
		std::string text;
		if (!readText(paths.configFile, text)) throw ConfigError(paths.configFile + ": disappeared while saving the token");
		Poco::JSON::Object::Ptr doc = parseConfigText(paths.configFile, text);
		Poco::JSON::Object::Ptr section = doc->getObject("webhooks");
		if (!section)
		{
			section = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
			doc->set("webhooks", section);
		}
		section->set("token", token);
		struct stat st;
		// The file now holds a secret: keep its mode, minus any access for others.
		mode_t mode = ::stat(paths.configFile.c_str(), &st) == 0 ? (st.st_mode & 0770) : 0600;
		AtomicFile::write(paths.configFile, JSONWriter::file(doc), mode);
		webhooks.token = token;
		return TOKEN_WRITTEN_TO_CONFIG;
	}

	Poco::File stateDir(paths.stateDir);
	if (!stateDir.exists())
	{
		stateDir.createDirectories();
		::chmod(paths.stateDir.c_str(), 0700);
	}
	AtomicFile::write(paths.tokenFile, token + "\n", 0600);
	webhooks.token = token;
	return TOKEN_WRITTEN_TO_STATE;
}

std::string Config::describe(TokenSource source) const
{
	switch (source)
	{
	case TOKEN_FROM_CONFIG: return "global token from " + paths.configFile;
	case TOKEN_FROM_STATE_FILE: return "global token from " + paths.tokenFile;
	case TOKEN_WRITTEN_TO_CONFIG: return "generated a global token and saved it to " + paths.configFile;
	case TOKEN_WRITTEN_TO_STATE: return "generated a global token and saved it to " + paths.tokenFile;
	}
	return "global token";
}

} // namespace Sygen
