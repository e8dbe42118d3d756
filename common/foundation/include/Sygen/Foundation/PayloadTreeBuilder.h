//
// PayloadTreeBuilder.h
//
// Library: Sygen/Foundation
//
// Builds the payload tree from Poco's JSON parser events, big integers included.
//

#ifndef Sygen_Foundation_PayloadTreeBuilder_INCLUDED
#define Sygen_Foundation_PayloadTreeBuilder_INCLUDED

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Handler.h>
#include <set>
#include <stack>
#include <string>

namespace Sygen {

class PayloadTreeBuilder: public Poco::JSON::Handler
/// Poco::JSON::ParseHandler's tree (objects keep their key order), except that
/// the string literals whose ordinals (0-based, keys and values counted in
/// document order) are in bigIntegers become JSONInteger values. PayloadParser
/// rewrites the integers Poco's parser cannot hold into such strings first.
{
public:
	explicit PayloadTreeBuilder(const std::set<std::size_t>& bigIntegers);

	void reset() override;
	void startObject() override;
	void endObject() override;
	void startArray() override;
	void endArray() override;
	void key(const std::string& k) override;
	void null() override;
	void value(int v) override;
	void value(unsigned v) override;
	void value(Poco::Int64 v) override;
	void value(Poco::UInt64 v) override;
	void value(const std::string& s) override;
	void value(double d) override;
	void value(bool b) override;
	Poco::Dynamic::Var asVar() const override;
	/// The top-level value built.

private:
	void add(const Poco::Dynamic::Var& value);

	std::set<std::size_t> _bigIntegers;
	std::size_t _strings = 0;
	std::stack<Poco::Dynamic::Var> _stack;
	std::string _key;
	Poco::Dynamic::Var _result;
};

} // namespace Sygen

#endif // Sygen_Foundation_PayloadTreeBuilder_INCLUDED
