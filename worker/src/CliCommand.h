//
// CliCommand.h
//
// Library: Sygen/worker
//
// One command line for a provider CLI: argv only, never a shell string.
//

#ifndef Sygen_CliCommand_INCLUDED
#define Sygen_CliCommand_INCLUDED

#include <optional>
#include <string>
#include <vector>

namespace Sygen {

struct CliCommand
{
	std::string provider;          ///< the CliProvider's name: names the binary and the parser.
	std::vector<std::string> argv; ///< argv[0] is the program name as looked up on PATH.
	std::optional<std::string> stdinText;
	/// Written to the CLI's stdin, which is then closed; std::nullopt: /dev/null.
	std::vector<std::string> environment;
	/// "KEY=VALUE" entries added to the sandbox's clean environment.

	std::vector<std::string>::iterator promptSeparator()
	/// The "--" before the prompt when argv ends with "--", <prompt>; else argv.end().
	/// A cli_parameter could be "--" too: only the last but one counts.
	{
		if (argv.size() >= 2 && argv[argv.size() - 2] == "--") return argv.end() - 2;
		return argv.end();
	}
};

} // namespace Sygen

#endif // Sygen_CliCommand_INCLUDED
