//
// JSONWriter.h
//
// Library: Sygen/Foundation
//
// JSON text exactly as the Python reference writes it, so files we rewrite
// (webhooks.json, config.json) stay byte-identical to what sygen produces.
//

#ifndef Sygen_Foundation_JSONWriter_INCLUDED
#define Sygen_Foundation_JSONWriter_INCLUDED

#include <Poco/Dynamic/Var.h>
#include <string>

namespace Sygen {

class JSONWriter
/// Serialises Poco::Dynamic::Var trees (Poco::JSON::Object[::Ptr],
/// Poco::JSON::Array[::Ptr], strings, integers, floating point, booleans,
/// empty Var = null).
///
/// - Object keys in the object's own order (objects built or parsed with
///   Poco::JSON_PRESERVE_KEY_ORDER / ParseHandler(true) keep insertion order;
///   others come out sorted, as Poco stores them).
/// - Strings: UTF-8 kept raw (ensure_ascii=False); escapes \" \\ \n \r \t \b \f,
///   other control characters as \u00xx (lowercase hex), like Python.
/// - Integers in decimal; other numbers as Python's repr(float)
///   (shortest round-trip: 1.5, 0.1, 2.0, 1e+100, 1e-05); NaN and
///   infinities as NaN / Infinity / -Infinity (Python's allow_nan default).
///
/// All methods are stateless and thread-safe. Values of other types throw
/// Poco::InvalidArgumentException.
{
public:
	static std::string pretty(const Poco::Dynamic::Var& value);
	/// Python json.dumps(value, indent=2, ensure_ascii=False): "key": value,
	/// items separated by ",\n", 2-space indent, [] and {} for empties.
	/// No trailing newline.

	static std::string file(const Poco::Dynamic::Var& value);
	/// pretty(value) + "\n": the content of a JSON file we write.

	static std::string compact(const Poco::Dynamic::Var& value);
	/// Compact form without any whitespace: {"a":1,"b":[1,2]}. (This is NOT
	/// Python's default json.dumps separators ", " / ": "; it is the form used
	/// where we choose the format, e.g. arrays/objects substituted into templates.)

	static std::string quote(const std::string& text);
	/// text as a JSON string literal, with the quotes.

	static std::string formatFloat(double value);
	/// Python's repr(float) for value.

private:
	static void writeValue(std::string& out, const Poco::Dynamic::Var& value, int indent, int depth);
};

} // namespace Sygen

#endif // Sygen_Foundation_JSONWriter_INCLUDED
