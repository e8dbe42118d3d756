//
// HookFileFuzz.cpp
//
// Input: the bytes of webhooks.json (hand-edited by operators, so anything goes).
// They go through HookStore::load() from a real file, as the service reads it, and
// each entry of a parsed "hooks" array through Hook::fromJSON.
//
// Properties: load() never throws (bad content is logged); fromJSON throws only
// Poco::DataFormatException; a loaded hook survives toJSON/fromJSON unchanged.
//

#include "FuzzSupport.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Hooks/Hook.h"
#include "Sygen/Hooks/HookStore.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <fstream>
#include <unistd.h>

using Sygen::Hook;
using Sygen::HookStore;
using Sygen::JSONFields;

namespace {

std::string hooksPath;

void checkRoundTrip(const Hook& hook)
{
	std::string first = JSONFields::compact(hook.toJSON());
	Hook again = Hook::fromJSON(*hook.toJSON());
	if (JSONFields::compact(again.toJSON()) != first) Sygen::Fuzz::fail("toJSON/fromJSON changed a hook");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
	Sygen::Fuzz::silenceLogging();
	char dir[] = "/tmp/sygen-hookfile-fuzz-XXXXXX";
	if (!mkdtemp(dir)) Sygen::Fuzz::fail("mkdtemp");
	hooksPath = std::string(dir) + "/webhooks.json";
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	std::string content(reinterpret_cast<const char*>(data), size);
	{
		std::ofstream out(hooksPath, std::ios::binary | std::ios::trunc);
		out << content;
	}
	{
		HookStore store(hooksPath);
		store.load();
		for (const Hook& hook: store.list()) checkRoundTrip(hook);
	}

	Poco::Dynamic::Var document;
	try
	{
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		document = parser.parse(content);
	}
	catch (std::exception&)
	{
		return 0; // Not JSON: HookStore's business, covered above.
	}
	if (document.type() != typeid(Poco::JSON::Object::Ptr)) return 0;
	Poco::JSON::Object::Ptr top = document.extract<Poco::JSON::Object::Ptr>();
	Poco::JSON::Array::Ptr hooks = top->getArray("hooks");
	if (!hooks) return 0;
	for (std::size_t i = 0; i < hooks->size(); ++i)
	{
		Poco::JSON::Object::Ptr entry = hooks->getObject(static_cast<unsigned>(i));
		if (!entry) continue;
		try
		{
			checkRoundTrip(Hook::fromJSON(*entry));
		}
		catch (Poco::DataFormatException&)
		{
		}
	}
	return 0;
}
