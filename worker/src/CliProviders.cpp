//
// CliProviders.cpp
//

#include "CliProviders.h"

namespace Sygen {

// Each defined in its own <Name>Provider.cpp.
const CliProvider& claudeProvider();
const CliProvider& codexProvider();
const CliProvider& geminiProvider();

namespace {

const std::vector<const CliProvider*>& table()
{
	// The first entry is the fallback for unknown names.
	static const std::vector<const CliProvider*> providers = {
		&claudeProvider(),
		&codexProvider(),
		&geminiProvider(),
	};
	return providers;
}

} // namespace

const CliProvider& CliProviders::find(const std::string& name)
{
	const CliProvider* provider = lookup(name);
	return provider ? *provider : *table().front();
}

const CliProvider* CliProviders::lookup(const std::string& name)
{
	for (const CliProvider* provider: table())
	{
		if (provider->name() == name) return provider;
	}
	return nullptr;
}

std::vector<std::string> CliProviders::names()
{
	std::vector<std::string> out;
	for (const CliProvider* provider: table()) out.push_back(provider->name());
	return out;
}

} // namespace Sygen
