//
// CliProviders.cpp
//

#include "CliProviders.h"
#include "ClaudeProvider.h"
#include "CodexProvider.h"
#include "GeminiProvider.h"
#include <memory>

namespace Sygen {

namespace {

using Table = std::vector<std::unique_ptr<const CliProvider>>;

const Table& table()
{
	// The first entry is the fallback for unknown names.
	static const Table providers = [] {
		Table t;
		t.emplace_back(new ClaudeProvider);
		t.emplace_back(new CodexProvider);
		t.emplace_back(new GeminiProvider);
		return t;
	}();
	return providers;
}

} // namespace

bool CliProvider::searchesNvm() const
{
	return false;
}

const CliProvider& CliProviders::find(const std::string& name)
{
	const CliProvider* provider = lookup(name);
	return provider ? *provider : *table().front();
}

const CliProvider* CliProviders::lookup(const std::string& name)
{
	for (const auto& provider: table())
	{
		if (provider->name() == name) return provider.get();
	}
	return nullptr;
}

std::vector<std::string> CliProviders::names()
{
	std::vector<std::string> out;
	for (const auto& provider: table()) out.push_back(provider->name());
	return out;
}

} // namespace Sygen
