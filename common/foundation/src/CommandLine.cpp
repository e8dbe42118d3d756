//
// CommandLine.cpp
//

#include "Sygen/Foundation/CommandLine.h"
#include <algorithm>
#include <set>
#include <sstream>

namespace Sygen {

POCO_IMPLEMENT_EXCEPTION(CommandLineException, Poco::InvalidArgumentException, "Bad command line")

namespace {

const std::size_t HELP_WIDTH = 78;

std::string optionText(const std::string& name, const std::string& shortName, const std::string& argument)
{
	std::string text = shortName.empty() ? "" : "-" + shortName + ", ";
	text += "--" + name;
	if (!argument.empty()) text += "=" + argument;
	return text;
}

void writeWrapped(std::ostream& out, const std::string& text, std::size_t indent, std::size_t column)
/// Words of text from column on, wrapped at HELP_WIDTH with lines after the
/// first indented by indent; ends the last line.
{
	std::istringstream words(text);
	std::string word;
	bool first = true;
	while (words >> word)
	{
		if (!first && column + 1 + word.size() > HELP_WIDTH)
		{
			out << '\n' << std::string(indent, ' ');
			column = indent;
			first = true;
		}
		if (!first)
		{
			out << ' ';
			++column;
		}
		out << word;
		column += word.size();
		first = false;
	}
	out << '\n';
}

} // namespace

CommandLine& CommandLine::add(
	const std::string& name, const std::string& shortName, const std::string& argument, const std::string& description, bool stops)
{
	_options.push_back({name, shortName, argument, description, stops});
	return *this;
}

const CommandLine::Option& CommandLine::find(const std::string& name, bool isShort) const
{
	const Option* match = nullptr;
	for (const Option& option: _options)
	{
		if (isShort ? option.shortName == name : option.name == name) return option;
		// A prefix of a long name is enough when no other long name has it.
		if (!isShort && !name.empty() && option.name.compare(0, name.size(), name) == 0)
		{
			if (match) throw CommandLineException("Ambiguous option specified: " + name);
			match = &option;
		}
	}
	if (!match) throw CommandLineException("Unknown option specified: " + name);
	return *match;
}

CommandLine::Values CommandLine::parse(const std::vector<std::string>& args) const
{
	Values values;
	std::set<std::string> seen;
	for (std::size_t i = 0; i < args.size(); ++i)
	{
		const std::string& arg = args[i];
		if (arg.size() < 2 || arg[0] != '-' || arg == "--") continue;
		bool isShort = arg[1] != '-';
		std::string name = arg.substr(isShort ? 1 : 2);
		std::string value;
		bool inlineValue = false;
		if (!isShort)
		{
			std::string::size_type sep = name.find_first_of("=:");
			if (sep != std::string::npos)
			{
				value = name.substr(sep + 1);
				name.erase(sep);
				inlineValue = true;
			}
		}
		else if (name.size() > 1)
		{
			value = name.substr(1);
			name.erase(1);
			inlineValue = true;
		}
		const Option& option = find(name, isShort);
		if (!seen.insert(option.name).second) throw CommandLineException("Option must not be given more than once: " + option.name);
		if (option.argument.empty())
		{
			if (inlineValue) throw CommandLineException("Unexpected option argument: " + option.name + " takes no argument");
		}
		else if (!inlineValue)
		{
			if (i + 1 >= args.size())
				throw CommandLineException("Missing option argument: " + option.name + " requires " + option.argument);
			value = args[++i];
		}
		values.emplace_back(option.name, value);
		if (option.stops) break;
	}
	return values;
}

CommandLine::Values CommandLine::parse(int argc, char** argv) const
{
	std::vector<std::string> args;
	for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
	return parse(args);
}

void CommandLine::printHelp(std::ostream& out, const std::string& command, const std::string& usage, const std::string& header) const
{
	out << "usage: " << command << ' ' << usage << '\n';
	writeWrapped(out, header, 0, 0);
	out << '\n';
	std::size_t width = 0;
	for (const Option& o: _options) width = std::max(width, optionText(o.name, o.shortName, o.argument).size());
	std::size_t indent = width + 2;
	for (const Option& o: _options)
	{
		std::string text = optionText(o.name, o.shortName, o.argument);
		out << text << std::string(indent - text.size(), ' ');
		writeWrapped(out, o.description, indent, indent);
	}
}

} // namespace Sygen
