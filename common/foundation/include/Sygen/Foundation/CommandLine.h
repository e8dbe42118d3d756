//
// CommandLine.h
//
// Library: Sygen/Foundation
//
// Long options read the way Poco::Util's OptionProcessor reads them, for the
// programs that do not link Poco::Util.
//

#ifndef Sygen_Foundation_CommandLine_INCLUDED
#define Sygen_Foundation_CommandLine_INCLUDED

#include <Poco/Exception.h>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace Sygen {

POCO_DECLARE_EXCEPTION(, CommandLineException, Poco::InvalidArgumentException)
/// A command line parse() rejects; message() is the line to show the user.

class CommandLine
/// The options of sygen-webhook-worker and sygen-webhook-deliver. Poco::Util
/// would load libPocoUtil and, through it, libPocoXML into every worker, about
/// 1 MiB of RSS each (docs/DECISIONS.md, "The worker loads no TLS"), for
/// nothing more than this.
///
/// Accepted, as Poco's Unix style does: --name VALUE, --name=VALUE and
/// --name:VALUE, a unique prefix of a long name (--vers), and -x for an option
/// with a short name. Arguments not starting with '-' (and a lone "-" or "--")
/// are ignored. An option declared as stopping (--help, --version) ends the
/// parse: what follows it is not looked at.
///
/// parse() throws CommandLineException with Poco's wording: "Unknown option
/// specified: x", "Ambiguous option specified: h", "Missing option argument:
/// home requires DIR", "Option must not be given more than once: home".
/// Not thread-safe to modify; parse() and printHelp() are const.
{
public:
	typedef std::vector<std::pair<std::string, std::string>> Values;
	/// (long name, value) in command line order; the value is empty for an
	/// option without an argument.

	CommandLine& add(const std::string& name, const std::string& shortName, const std::string& argument, const std::string& description,
		bool stops = false);
	/// Declares --name (and -shortName unless empty). argument: the value's
	/// name in the help ("DIR"); empty for an option taking none.

	Values parse(const std::vector<std::string>& args) const;
	/// args: the command line without the program name.

	Values parse(int argc, char** argv) const;
	/// The same for main()'s arguments (argv[0] is skipped).

	void printHelp(std::ostream& out, const std::string& command, const std::string& usage, const std::string& header) const;
	/// "usage: <command> <usage>", the header, then one line per option,
	/// wrapped at 78 columns like Poco's HelpFormatter.

private:
	struct Option
	{
		std::string name;
		std::string shortName;
		std::string argument;
		std::string description;
		bool stops = false;
	};

	const Option& find(const std::string& name, bool isShort) const;

	std::vector<Option> _options;
};

} // namespace Sygen

#endif // Sygen_Foundation_CommandLine_INCLUDED
