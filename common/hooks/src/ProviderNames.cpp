//
// ProviderNames.cpp
//

#include "Sygen/Hooks/ProviderNames.h"
#include <algorithm>

namespace Sygen {

const std::vector<std::string>& ProviderNames::all()
{
	static const std::vector<std::string> names = {"claude", "codex", "gemini"};
	return names;
}

bool ProviderNames::isKnown(const std::string& name)
{
	return std::find(all().begin(), all().end(), name) != all().end();
}

std::string ProviderNames::listed()
{
	std::string text;
	const std::vector<std::string>& names = all();
	for (std::size_t i = 0; i < names.size(); ++i)
	{
		if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
		text += names[i];
	}
	return text;
}

} // namespace Sygen
