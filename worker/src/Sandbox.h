//
// Sandbox.h
//
// Library: Sygen/worker
//
// How a CLI is confined (SPEC §14): clean environment from an allowlist plus
// env_passthrough and env_file; other descriptors closed, signals reset,
// no_new_privs, parent-death signal, own process group, rlimits (never
// RLIMIT_AS: node reserves a large address space), umask 077, Landlock write
// confinement where the kernel has it, and a switch away from root.
//

#ifndef Sygen_Sandbox_INCLUDED
#define Sygen_Sandbox_INCLUDED

#include "Sygen/Foundation/ProcessSpawner.h"
#include "WorkerSettings.h"
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace Sygen {

class Sandbox
/// Turns a command line into SpawnOptions. Immutable after construction and
/// thread-safe; reads the worker's environment and env_file on each prepare().
/// The Landlock ruleset of the last prepare() is reused (process-wide) while its
/// writable paths are the same and each still names the same file (or is still
/// missing); otherwise the state folders are created and a new one is built.
{
public:
	struct Identity
	/// The account a root worker switches to.
	{
		std::string name;
		uid_t uid = 0;
		gid_t gid = 0;
		std::vector<gid_t> groups;
		std::string home;
	};

	explicit Sandbox(const WorkerSettings& settings);
	/// Resolves sandbox.user when the worker runs as root. Throws
	/// Poco::NotFoundException when that account does not exist.

	SpawnOptions prepare(const std::vector<std::string>& argv, const std::string& executable, const std::string& workDir,
		const std::string& extraPathDir = "") const;
	/// Complete options to run argv from executable in workDir (the only
	/// project folder it may write, besides the CLI state folders and
	/// sandbox.writablePaths). extraPathDir, when set, is put first on the
	/// CLI's PATH (the nvm folder gemini was found in: its node lives there).

	std::vector<std::string> environment(const std::string& extraPathDir = "") const;
	/// The CLI's "KEY=VALUE" environment.

	const std::optional<Identity>& identity() const { return _identity; }
	/// Set when CLIs run as another account.

	std::string cliHome() const;
	/// HOME as the CLI sees it.

	std::vector<ResourceLimit> limits() const;
	/// CPU, open files (soft = hard), file size, core 0; each clamped to the
	/// worker's own hard limit so that an unprivileged worker can apply them.

	std::vector<std::string> writablePaths(const std::string& workDir) const;
	/// What Landlock leaves writable for a run in workDir: workDir, the CLI state
	/// folders of HOME (.claude, .codex, .gemini, .cache, .config, .npm, .local)
	/// and the file ~/.claude.json, $CLAUDE_CONFIG_DIR, $CODEX_HOME and
	/// $GEMINI_CLI_HOME when set, sandbox.writablePaths and a few devices
	/// (/dev/null, /dev/tty, ...).

	static bool isAllowlisted(const std::string& name);
	/// PATH, HOME, LANG, LANGUAGE, LC_*, TZ, USER, the providers' credential
	/// variables (ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY, ...) and
	/// their state-folder variables (CLAUDE_CONFIG_DIR, CODEX_HOME,
	/// GEMINI_CLI_HOME), and the proxy and CA variables (HTTP_PROXY, HTTPS_PROXY,
	/// NO_PROXY, ALL_PROXY and their lowercase forms, NODE_EXTRA_CA_CERTS,
	/// SSL_CERT_FILE, SSL_CERT_DIR).

	static std::vector<std::pair<std::string, std::string>> readEnvFile(const std::string& path);
	/// KEY=VALUE lines; blank lines, '#' comments and an "export " prefix are
	/// ignored, one pair of surrounding quotes is removed. Throws
	/// Poco::FileNotFoundException when the file cannot be read.

private:
	void createStateFolders() const;
	/// Creates the missing HOME state folders (0700, owned by the CLI's
	/// account) so that Landlock can leave them writable.

	bool isPassedThrough(const std::string& name) const;
	std::string searchPath() const;

	WorkerSettings _settings;
	std::optional<Identity> _identity;
};

} // namespace Sygen

#endif // Sygen_Sandbox_INCLUDED
