//
// HookRepository.cpp
//

#include "Sygen/Hooks/HookRepository.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <set>

namespace Sygen {

std::optional<Hook> HookRepository::get(const std::string& id) const
{
	std::shared_ptr<const HookSet> set = snapshot();
	const Hook* hook = set->find(id);
	if (!hook) return std::nullopt;
	return *hook;
}

std::vector<Hook> HookRepository::list() const
{
	std::shared_ptr<const HookSet> set = snapshot();
	std::vector<Hook> result;
	result.reserve(set->size());
	for (const HookSet::HookPtr& hook: set->hooks()) result.push_back(*hook);
	return result;
}

void HookRepository::checkChanges(const std::string& id, const Poco::JSON::Object& changes)
{
	for (const std::string& name: changes.getNames())
	{
		if (!Hook::isField(name)) throw Poco::InvalidArgumentException("unknown hook field '" + name + "'");
		if (name == "id" && !(changes.get(name).isString() && changes.get(name).extract<std::string>() == id))
			throw Poco::InvalidArgumentException("id cannot be changed");
	}
}

Hook HookRepository::changed(const Hook& hook, const Poco::JSON::Object& changes)
{
	Poco::JSON::Object::Ptr merged = hook.toJSON();
	for (const std::string& name: changes.getNames()) merged->set(name, changes.get(name));
	return Hook::fromJSON(*merged);
}

std::vector<Hook> HookRepository::parseDocument(const std::string& text)
{
	Poco::Dynamic::Var doc;
	try
	{
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		doc = parser.parse(text);
	}
	catch (Poco::Exception& e)
	{
		throw Poco::DataFormatException("not valid JSON: " + e.message());
	}
	if (doc.type() != typeid(Poco::JSON::Object::Ptr) || !doc.extract<Poco::JSON::Object::Ptr>()->isArray("hooks"))
		throw Poco::DataFormatException("the top level must be an object with a \"hooks\" array");
	Poco::JSON::Array::Ptr array = doc.extract<Poco::JSON::Object::Ptr>()->getArray("hooks");
	std::vector<Hook> hooks;
	std::set<std::string> seen;
	for (unsigned i = 0; i < array->size(); ++i)
	{
		const std::string entry = "hook entry " + std::to_string(i) + ": ";
		Poco::Dynamic::Var raw = array->get(i);
		if (raw.type() != typeid(Poco::JSON::Object::Ptr)) throw Poco::DataFormatException(entry + "expected an object");
		try
		{
			hooks.push_back(Hook::fromJSON(*raw.extract<Poco::JSON::Object::Ptr>()));
		}
		catch (Poco::DataFormatException& e)
		{
			throw Poco::DataFormatException(entry + e.message());
		}
		if (hooks.back().id.empty()) throw Poco::DataFormatException(entry + "id: empty");
		if (!seen.insert(hooks.back().id).second) throw Poco::DataFormatException(entry + "id: duplicate '" + hooks.back().id + "'");
	}
	return hooks;
}

} // namespace Sygen
