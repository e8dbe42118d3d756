//
// CliProvider.cpp
//

#include "CliProvider.h"

namespace Sygen {

bool CliProvider::searchesNvm() const
{
	return false;
}

void CliProvider::appendPrompt(CliCommand& command, const ExecutionConfig& config, const std::string& prompt)
{
	command.argv.insert(command.argv.end(), config.cliParameters.begin(), config.cliParameters.end());
	command.argv.push_back("--");
	command.argv.push_back(prompt);
}

bool CliProvider::hasPrefix(const std::string& s, const std::string& prefix)
{
	return s.size() > prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace Sygen
