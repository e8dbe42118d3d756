//
// JSONFields.cpp
//

#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JSONString.h>
#include <limits>
#include <sstream>

namespace Sygen {

namespace {

[[noreturn]] void wrongType(const std::string& key, const char* expected)
{
	throw Poco::DataFormatException(key + ": expected " + expected);
}

} // namespace

bool JSONFields::isSet(const Poco::JSON::Object& obj, const std::string& key)
{
	return obj.has(key) && !obj.isNull(key);
}

std::string JSONFields::string(const Poco::JSON::Object& obj, const std::string& key, const std::string& deflt)
{
	if (!isSet(obj, key)) return deflt;
	Poco::Dynamic::Var v = obj.get(key);
	if (!v.isString()) wrongType(key, "a string");
	return v.extract<std::string>();
}

std::string JSONFields::requireString(const Poco::JSON::Object& obj, const std::string& key)
{
	if (!isSet(obj, key)) throw Poco::DataFormatException(key + ": missing");
	return string(obj, key);
}

std::optional<std::string> JSONFields::optionalString(const Poco::JSON::Object& obj, const std::string& key)
{
	if (!isSet(obj, key)) return std::nullopt;
	return string(obj, key);
}

long long JSONFields::integer(const Poco::JSON::Object& obj, const std::string& key, long long deflt)
{
	std::optional<long long> v = optionalInteger(obj, key);
	return v ? *v : deflt;
}

std::optional<long long> JSONFields::optionalInteger(const Poco::JSON::Object& obj, const std::string& key)
{
	if (!isSet(obj, key)) return std::nullopt;
	Poco::Dynamic::Var v = obj.get(key);
	if (!v.isInteger() || v.isBoolean()) wrongType(key, "an integer");
	try
	{
		return v.convert<Poco::Int64>();
	}
	catch (Poco::RangeException&)
	{
		wrongType(key, "an integer in range");
	}
}

double JSONFields::number(const Poco::JSON::Object& obj, const std::string& key, double deflt)
{
	if (!isSet(obj, key)) return deflt;
	Poco::Dynamic::Var v = obj.get(key);
	if (!v.isNumeric() || v.isBoolean()) wrongType(key, "a number");
	return v.convert<double>();
}

bool JSONFields::boolean(const Poco::JSON::Object& obj, const std::string& key, bool deflt)
{
	if (!isSet(obj, key)) return deflt;
	Poco::Dynamic::Var v = obj.get(key);
	if (!v.isBoolean()) wrongType(key, "true or false");
	return v.extract<bool>();
}

std::vector<std::string> JSONFields::stringList(const Poco::JSON::Object& obj, const std::string& key)
{
	std::vector<std::string> result;
	if (!isSet(obj, key)) return result;
	Poco::JSON::Array::Ptr arr = obj.getArray(key);
	if (!arr) wrongType(key, "an array of strings");
	for (std::size_t i = 0; i < arr->size(); ++i)
	{
		Poco::Dynamic::Var v = arr->get(static_cast<unsigned>(i));
		if (!v.isString()) wrongType(key, "an array of strings");
		result.push_back(v.extract<std::string>());
	}
	return result;
}

Poco::JSON::Object::Ptr JSONFields::object(const Poco::JSON::Object& obj, const std::string& key)
{
	if (!isSet(obj, key)) return nullptr;
	Poco::JSON::Object::Ptr nested = obj.getObject(key);
	if (!nested) wrongType(key, "an object");
	return nested;
}

std::string JSONFields::compact(const Poco::Dynamic::Var& value)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(value, out);
	return out.str();
}

std::string JSONFields::compact(const Poco::JSON::Object::Ptr& obj)
{
	return compact(Poco::Dynamic::Var(obj));
}

Poco::JSON::Object::Ptr JSONFields::parseObject(const std::string& text)
{
	Poco::JSON::Parser parser;
	Poco::Dynamic::Var v = parser.parse(text);
	if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw Poco::DataFormatException("top level is not an object");
	return v.extract<Poco::JSON::Object::Ptr>();
}

std::optional<int> JSONFields::optionalInt(const Poco::JSON::Object& obj, const std::string& key)
{
	std::optional<long long> v = optionalInteger(obj, key);
	if (!v) return std::nullopt;
	if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max())
		throw Poco::DataFormatException(key + ": expected an integer in range");
	return static_cast<int>(*v);
}

Poco::Dynamic::Var JSONFields::orNull(const std::optional<std::string>& value)
{
	return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var JSONFields::orNull(const std::optional<int>& value)
{
	return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

} // namespace Sygen
