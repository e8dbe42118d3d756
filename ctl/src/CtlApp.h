//
// CtlApp.h
//
// sygen-webhookctl: the operators' command line, talking to the supervisor's
// admin API (SPEC §17).
//

#ifndef Sygen_CtlApp_INCLUDED
#define Sygen_CtlApp_INCLUDED

#include "Sygen/Foundation/Config.h"
#include <Poco/JSON/Object.h>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace Sygen {

class CtlApp
/// Commands live in one table (group, name, usage, summary, handler); a command
/// with an empty name is one word ("reload"). The hooks, token and reload
/// commands are added by HookCommands, the db ones by DbCommands.
///
/// Global options, accepted anywhere on the line: --admin-socket PATH,
/// --home DIR, --config FILE (the socket is then webhooks.admin_socket, by
/// default <state>/admin.sock), --json, --help/-h, --version. Without --home,
/// --config and $SYGEN_HOME the instance is found by InstanceLocator.
///
/// Exit codes: 0 success; 1 the supervisor answered with an error or the
/// operation failed; 2 usage error; 69 the supervisor cannot be reached (for
/// commands that need it); 78 invalid config file.
{
public:
	static constexpr int EXIT_OK = 0;
	static constexpr int EXIT_FAILED = 1;
	static constexpr int EXIT_USAGE = 2;
	static constexpr int EXIT_UNAVAILABLE = 69;
	static constexpr int EXIT_CONFIG = 78;

	typedef std::function<int(CtlApp& app, const std::vector<std::string>& args)> Handler;
	/// args are the words after the command name (flags included), global
	/// options removed. Returns the exit code; may throw (see run()).

	struct Command
	{
		std::string group;   ///< "workers", "jobs", ...
		std::string name;    ///< "list", "restart", ...
		std::string usage;   ///< Arguments, e.g. "N [--now]".
		std::string summary; ///< One line.
		Handler handler;
		std::string details = ""; ///< More help (options), printed by "COMMAND --help".
	};

	CtlApp(std::ostream& out, std::ostream& err);
	/// Registers the built-in commands.

	void addCommand(const Command& command);

	int run(const std::vector<std::string>& args);
	/// Parses args (without the program name) and runs the command. Never throws:
	/// errors are printed to err as one line and mapped to the exit codes.

	Poco::JSON::Object::Ptr call(const Poco::JSON::Object& request);
	/// Sends one request to the admin API and returns its "result" wrapped as
	/// {"result": ...}. Throws CtlError (exit 1) for an error answer,
	/// SupervisorNotRunning when nobody listens on the socket and
	/// SupervisorUnreachable for other connection failures (both exit 69).

	Poco::Dynamic::Var callResult(const Poco::JSON::Object& request);
	/// call() and return the result value.

	std::ostream& out();
	std::ostream& err();

	Config config();
	/// The config from --home/--config, else $SYGEN_HOME, else the installed
	/// service's, else ~/.sygen (InstanceLocator). Throws ConfigError.
	bool json() const;
	/// --json was given: print the raw JSON result.

	void printJSON(const Poco::Dynamic::Var& value);

	std::string adminSocket();
	/// The socket path from the options or the config. Throws ConfigError.

private:
	void printHelp(const std::string& group);
	void printCommandHelp(const Command& command);
	const Command* find(const std::string& group, const std::string& name) const;
	void addBuiltins();

	std::ostream& _out;
	std::ostream& _err;
	std::vector<Command> _commands;
	std::string _adminSocket;
	std::string _home;
	std::string _config;
	bool _json = false;
};

} // namespace Sygen

#endif // Sygen_CtlApp_INCLUDED
