//
// JSONFields.h
//
// Library: Sygen/Foundation
//
// Typed access to the fields of a Poco JSON object with the project's rules:
// JSON null or a missing key means "use the default"; a value of the wrong type
// throws Poco::DataFormatException whose message names the key.
//

#ifndef Sygen_Foundation_JSONFields_INCLUDED
#define Sygen_Foundation_JSONFields_INCLUDED

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <optional>
#include <string>
#include <vector>

namespace Sygen {

class JSONFields
{
public:
	static bool isSet(const Poco::JSON::Object& obj, const std::string& key);
	/// True when the key exists and is not JSON null.

	static std::string string(const Poco::JSON::Object& obj, const std::string& key, const std::string& deflt = "");
	static std::string requireString(const Poco::JSON::Object& obj, const std::string& key);
	/// Throws DataFormatException "<key>: missing" when absent or null.
	static std::optional<std::string> optionalString(const Poco::JSON::Object& obj, const std::string& key);

	static long long integer(const Poco::JSON::Object& obj, const std::string& key, long long deflt);
	/// Accepts JSON integers only (not 1.5, not "1", not true).
	static std::optional<long long> optionalInteger(const Poco::JSON::Object& obj, const std::string& key);

	static std::optional<int> optionalInt(const Poco::JSON::Object& obj, const std::string& key);
	/// As optionalInteger(); Poco::DataFormatException when the value does not fit an int.

	static Poco::Dynamic::Var orNull(const std::optional<std::string>& value);
	static Poco::Dynamic::Var orNull(const std::optional<int>& value);
	/// The value, or JSON null when unset.

	static double number(const Poco::JSON::Object& obj, const std::string& key, double deflt);
	/// Accepts integers and floating point numbers.

	static bool boolean(const Poco::JSON::Object& obj, const std::string& key, bool deflt);

	static std::vector<std::string> stringList(const Poco::JSON::Object& obj, const std::string& key);
	/// An array of strings; missing or null gives an empty list.

	static Poco::JSON::Object::Ptr object(const Poco::JSON::Object& obj, const std::string& key);
	/// A nested object, or null when missing or JSON null.

	static std::string compact(const Poco::Dynamic::Var& value);
	/// Compact JSON text of any value, UTF-8 kept unescaped.

	static std::string compact(const Poco::JSON::Object::Ptr& obj);

	static Poco::JSON::Object::Ptr parseObject(const std::string& text);
	/// Parses text whose top level must be an object. Throws Poco::JSON::JSONException
	/// or Poco::DataFormatException ("top level is not an object").
};

} // namespace Sygen

#endif // Sygen_Foundation_JSONFields_INCLUDED
