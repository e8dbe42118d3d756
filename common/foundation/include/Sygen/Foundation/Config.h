//
// Config.h
//
// Library: Sygen/Foundation
//
// config.json and the paths derived from it (SPEC §1, §2).
//

#ifndef Sygen_Foundation_Config_INCLUDED
#define Sygen_Foundation_Config_INCLUDED

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <string>
#include <vector>

namespace Sygen {

POCO_DECLARE_EXCEPTION(, ConfigError, Poco::DataException)
/// A config file that cannot be parsed or holds a value of the wrong type or out
/// of range. message() is one line naming the file and the key, e.g.
/// "/home/u/.sygen/config/config.json: webhooks.port: expected an integer".
/// Callers print message() and exit with 78 (EX_CONFIG).

struct Config
/// All settings, with the defaults of SPEC §2 for every key that is missing
/// or JSON null. Relative paths in the file are resolved against the home folder.
/// A Config is a value; it is not changed after load() except by
/// ensureGlobalToken(). Not thread-safe while being modified.
{
	static constexpr int EXIT_CONFIG = 78;

	struct Paths
	{
		std::string home;         ///< --home, else $SYGEN_HOME, else ~/.sygen (absolute).
		std::string configFile;   ///< --config, else <home>/config/config.json.
		std::string hooksFile;    ///< <home>/webhooks.json
		std::string workspaceDir; ///< <home>/workspace
		std::string cronTasksDir; ///< <home>/workspace/cron_tasks
		std::string stateDir;     ///< webhooks.state_dir, else <home>/webhook-state
		std::string workerSocket; ///< webhooks.worker_socket, else <state>/worker.sock
		std::string adminSocket;  ///< webhooks.admin_socket, else <state>/admin.sock
		std::string tokenFile;    ///< <state>/token

		static Paths underHome(const std::string& home);
		/// Every path at its default under home (no config file read): what a
		/// config without webhooks.state_dir and the socket keys gives.
	};

	struct Matrix
	{
		std::string homeserver;
		std::string accessToken;
		std::vector<std::string> roomIds;
		bool configured() const; ///< homeserver, token and at least one room set.
	};

	struct ResultCallback
	{
		std::string url;
		std::string secret;
	};

	struct Sandbox
	{
		std::string user;                          ///< "" = run as the service user.
		long long cpuSeconds = 7200;               ///< RLIMIT_CPU; 0 = unlimited.
		long long maxOpenFiles = 4096;             ///< RLIMIT_NOFILE (soft = hard); 0 = unchanged.
		long long maxFileSizeBytes = 1073741824LL; ///< RLIMIT_FSIZE; 0 = unlimited.
		bool landlock = true;
	};

	struct Backend
	/// webhooks.backend: where jobs, history and delivery ids live (CLUSTER.md).
	{
		std::string type = "spool"; ///< "spool" (one node, the default) or "postgres".
		std::string dsn;            ///< libpq connection string or URI; required for postgres.
		std::string nodeId;         ///< Unique in the cluster; default: the host name.
		int leaseSeconds = 30;      ///< 5-3600: a node silent this long is dead.
		int poolSize = 4;           ///< 1-64 database connections.
		bool postgres() const { return type == "postgres"; }
	};

	struct Webhooks
	{
		// Reference keys.
		bool enabled = false;
		std::string host = "127.0.0.1";
		int port = 8742;                   ///< 0-65535 (0 = any free port).
		std::string token;                 ///< Global token; "" until ensureGlobalToken().
		long long maxBodyBytes = 262144;   ///< >= 0
		long long rateLimitPerMinute = 30; ///< 0 or less rejects every request.
		// [beyond]
		int workers = 2;                       ///< >= 1; 0 (an ingress-only node) with a postgres backend
		bool ingress = true;                   ///< false: a worker host (no POST /hooks; cluster mode)
		long long queueCapacity = 1000;        ///< >= 1
		long long rateLimitPerIpPerMinute = 0; ///< >= 0; 0 = off
		long long jobHistory = 1000;           ///< >= 0
		bool keepPayloads = true;              ///< Keep finished jobs' payloads (0600) for jobs retry / show --payload.
		long long dedupeWindowSeconds = 86400; ///< >= 0
		std::string telegramApiBase = "https://api.telegram.org";
		Matrix matrix;
		ResultCallback resultCallback;
		Sandbox sandbox;
		std::string envFile; ///< "" = none (resolved against home).
		std::vector<std::string> envPassthrough;
		double readTimeoutSeconds = 10;   ///< > 0
		double shutdownGraceSeconds = 30; ///< >= 0
		Backend backend;
	};

	// Top-level reference keys.
	std::string provider = "claude";
	std::string model = "opus";
	std::string reasoningEffort = "medium";
	std::string permissionMode = "bypassPermissions";
	double cliTimeout = 3600; ///< seconds, > 0
	std::string userTimezone;
	std::vector<std::string> allowedUserIds; ///< Telegram chat ids as decimal strings.
	std::string telegramToken;

	Webhooks webhooks;
	Paths paths;
	bool fileExists = false; ///< false: config file missing, all defaults.

	static Config load(const std::string& homeOption = "", const std::string& configOption = "");
	/// Resolves the paths (empty option = not given) and reads the config file.
	/// A missing file gives all defaults. Throws ConfigError.

	static Config fromJSON(const Poco::JSON::Object& obj, const Paths& basePaths);
	/// Settings from a parsed config object; basePaths must have home and
	/// configFile set (the others are derived here). Throws ConfigError.

	static std::string resolveHome(const std::string& homeOption);
	/// --home, else $SYGEN_HOME (when non-empty), else $HOME/.sygen; made absolute.

	enum TokenSource
	{
		TOKEN_FROM_CONFIG,       ///< webhooks.token was set in the config file.
		TOKEN_FROM_STATE_FILE,   ///< reused from <state>/token.
		TOKEN_WRITTEN_TO_CONFIG, ///< generated and saved into the config file.
		TOKEN_WRITTEN_TO_STATE   ///< generated and saved into <state>/token (0600).
	};

	TokenSource ensureGlobalToken();
	/// Makes webhooks.token non-empty (SPEC §2). When empty: reuses <state>/token
	/// when present, else generates one (TokenGenerator) and stores it in the
	/// config file's webhooks.token (atomic rewrite keeping every other key and the
	/// key order; mode kept minus "other" permissions) when the file and its folder
	/// are writable, else in <state>/token with mode 0600 (state folder created
	/// 0700). Returns where the token came from / went. The token is never logged.
	/// Throws ConfigError when the config file changed into something unparsable,
	/// Poco::FileException on I/O errors.

	std::string describe(TokenSource source) const;
	/// Human text for a log line, e.g. "generated and saved to /x/webhook-state/token".
};

} // namespace Sygen

#endif // Sygen_Foundation_Config_INCLUDED
