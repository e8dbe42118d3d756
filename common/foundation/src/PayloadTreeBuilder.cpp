//
// PayloadTreeBuilder.cpp
//

#include "Sygen/Foundation/PayloadTreeBuilder.h"
#include "Sygen/Foundation/JSONInteger.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace Sygen {

PayloadTreeBuilder::PayloadTreeBuilder(const std::set<std::size_t>& bigIntegers):
	_bigIntegers(bigIntegers)
{
}

void PayloadTreeBuilder::reset()
{
	_strings = 0;
	_stack = {};
	_key.clear();
	_result.empty();
}

void PayloadTreeBuilder::add(const Poco::Dynamic::Var& value)
{
	if (_stack.empty())
	{
		_result = value;
		return;
	}
	const Poco::Dynamic::Var& parent = _stack.top();
	if (parent.type() == typeid(Poco::JSON::Array::Ptr))
	{
		Poco::JSON::Array::Ptr array = parent.extract<Poco::JSON::Array::Ptr>();
		array->add(value);
	}
	else
	{
		Poco::JSON::Object::Ptr object = parent.extract<Poco::JSON::Object::Ptr>();
		object->set(_key, value);
		_key.clear();
	}
}

void PayloadTreeBuilder::startObject()
{
	// Key order is kept so that objects render in a template as the sender wrote them.
	Poco::JSON::Object::Ptr object = new Poco::JSON::Object(true);
	add(object);
	_stack.push(object);
}

void PayloadTreeBuilder::endObject()
{
	if (!_stack.empty()) _stack.pop();
}

void PayloadTreeBuilder::startArray()
{
	Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
	add(array);
	_stack.push(array);
}

void PayloadTreeBuilder::endArray()
{
	if (!_stack.empty()) _stack.pop();
}

void PayloadTreeBuilder::key(const std::string& k)
{
	++_strings;
	_key = k;
}

void PayloadTreeBuilder::null()
{
	add(Poco::Dynamic::Var());
}

void PayloadTreeBuilder::value(int v)
{
	add(v);
}

void PayloadTreeBuilder::value(unsigned v)
{
	add(v);
}

void PayloadTreeBuilder::value(Poco::Int64 v)
{
	add(v);
}

void PayloadTreeBuilder::value(Poco::UInt64 v)
{
	add(v);
}

void PayloadTreeBuilder::value(const std::string& s)
{
	if (_bigIntegers.count(_strings++)) add(JSONInteger(s));
	else add(s);
}

void PayloadTreeBuilder::value(double d)
{
	add(d);
}

void PayloadTreeBuilder::value(bool b)
{
	add(b);
}

Poco::Dynamic::Var PayloadTreeBuilder::asVar() const
{
	return _result;
}

} // namespace Sygen
