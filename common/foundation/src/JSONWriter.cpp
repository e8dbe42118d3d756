//
// JSONWriter.cpp
//

#include "Sygen/Foundation/JSONWriter.h"
#include "Sygen/Foundation/JSONInteger.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace Sygen {

namespace {

void appendEscaped(std::string& out, const std::string& text)
{
	out += '"';
	for (char c: text)
	{
		switch (c)
		{
		case '"': out += "\\\""; break;
		case '\\': out += "\\\\"; break;
		case '\n': out += "\\n"; break;
		case '\r': out += "\\r"; break;
		case '\t': out += "\\t"; break;
		case '\b': out += "\\b"; break;
		case '\f': out += "\\f"; break;
		default:
			if (static_cast<unsigned char>(c) < 0x20)
			{
				char buf[8];
				std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
				out += buf;
			}
			else
			{
				// Bytes >= 0x80 are UTF-8 and stay raw (ensure_ascii=False).
				out += c;
			}
		}
	}
	out += '"';
}

void newline(std::string& out, int indent, int depth)
{
	out += '\n';
	out.append(static_cast<std::size_t>(indent * depth), ' ');
}

} // namespace

std::string JSONWriter::pretty(const Poco::Dynamic::Var& value)
{
	std::string out;
	writeValue(out, value, 2, 0);
	return out;
}

std::string JSONWriter::file(const Poco::Dynamic::Var& value)
{
	return pretty(value) + "\n";
}

std::string JSONWriter::compact(const Poco::Dynamic::Var& value)
{
	std::string out;
	writeValue(out, value, -1, 0);
	return out;
}

std::string JSONWriter::quote(const std::string& text)
{
	std::string out;
	appendEscaped(out, text);
	return out;
}

std::string JSONWriter::formatFloat(double value)
{
	if (std::isnan(value)) return "NaN";
	if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";

	// to_chars gives the shortest digits that round-trip; Python's repr uses the
	// same digits and differs only in layout, which is rebuilt below.
	char buf[64];
	std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
	std::string sci(buf, r.ptr);
	std::string sign;
	if (!sci.empty() && sci[0] == '-')
	{
		sign = "-";
		sci.erase(0, 1);
	}
	std::size_t ePos = sci.find('e');
	std::string digits = sci.substr(0, ePos);
	if (digits.size() > 1) digits.erase(1, 1); // drop the '.'
	int exponent = std::atoi(sci.c_str() + ePos + 1);

	if (exponent < -4 || exponent >= 16)
	{
		std::string mantissa = digits.substr(0, 1);
		if (digits.size() > 1) mantissa += "." + digits.substr(1);
		char expBuf[16];
		std::snprintf(expBuf, sizeof(expBuf), "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
		return sign + mantissa + expBuf;
	}
	if (exponent < 0)
	{
		return sign + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
	}
	std::size_t intLength = static_cast<std::size_t>(exponent) + 1;
	if (digits.size() <= intLength) return sign + digits + std::string(intLength - digits.size(), '0') + ".0";
	return sign + digits.substr(0, intLength) + "." + digits.substr(intLength);
}

void JSONWriter::writeValue(std::string& out, const Poco::Dynamic::Var& value, int indent, int depth)
{
	const std::type_info& type = value.type();
	if (value.isEmpty())
	{
		out += "null";
	}
	else if (type == typeid(Poco::JSON::Object::Ptr) || type == typeid(Poco::JSON::Object))
	{
		Poco::JSON::Object::Ptr ptr = type == typeid(Poco::JSON::Object) ? new Poco::JSON::Object(value.extract<Poco::JSON::Object>())
																		 : value.extract<Poco::JSON::Object::Ptr>();
		if (!ptr)
		{
			out += "null";
			return;
		}
		std::vector<std::string> names = ptr->getNames();
		if (names.empty())
		{
			out += "{}";
			return;
		}
		out += '{';
		for (std::size_t i = 0; i < names.size(); ++i)
		{
			if (i > 0) out += ',';
			if (indent >= 0) newline(out, indent, depth + 1);
			appendEscaped(out, names[i]);
			out += indent >= 0 ? ": " : ":";
			writeValue(out, ptr->get(names[i]), indent, depth + 1);
		}
		if (indent >= 0) newline(out, indent, depth);
		out += '}';
	}
	else if (type == typeid(Poco::JSON::Array::Ptr) || type == typeid(Poco::JSON::Array))
	{
		Poco::JSON::Array::Ptr ptr = type == typeid(Poco::JSON::Array) ? new Poco::JSON::Array(value.extract<Poco::JSON::Array>())
																	   : value.extract<Poco::JSON::Array::Ptr>();
		if (!ptr)
		{
			out += "null";
			return;
		}
		if (ptr->size() == 0)
		{
			out += "[]";
			return;
		}
		out += '[';
		for (unsigned i = 0; i < ptr->size(); ++i)
		{
			if (i > 0) out += ',';
			if (indent >= 0) newline(out, indent, depth + 1);
			writeValue(out, ptr->get(i), indent, depth + 1);
		}
		if (indent >= 0) newline(out, indent, depth);
		out += ']';
	}
	else if (value.isBoolean())
	{
		// Checked before the numbers: Poco reports a bool as integer too.
		out += value.extract<bool>() ? "true" : "false";
	}
	else if (value.isString())
	{
		appendEscaped(out, value.convert<std::string>());
	}
	else if (type == typeid(JSONInteger))
	{
		out += value.extract<JSONInteger>().text();
	}
	else if (value.isInteger())
	{
		out += value.isSigned() ? std::to_string(value.convert<Poco::Int64>()) : std::to_string(value.convert<Poco::UInt64>());
	}
	else if (value.isNumeric())
	{
		out += formatFloat(value.convert<double>());
	}
	else
	{
		throw Poco::InvalidArgumentException(std::string("JSONWriter: unsupported value type ") + type.name());
	}
}

} // namespace Sygen
