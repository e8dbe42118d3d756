//
// CommandLineTest.cpp
//
// The option reading of the worker and the deliverer: what Poco::Util's Unix
// style accepted, the worker accepts still (the supervisor's --name VALUE pairs,
// --name=VALUE, prefixes), and it refuses what Poco refused.
//

#include "Sygen/Foundation/CommandLine.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>

using Sygen::CommandLine;
using Sygen::CommandLineException;

namespace {

CommandLine workerLike()
{
	CommandLine options;
	options.add("help", "h", "", "show this help and exit", true);
	options.add("version", "", "", "show the version and exit", true);
	options.add("home", "", "DIR", "sygen home folder");
	options.add("log", "", "TARGET", "log target");
	options.add("log-level", "", "LEVEL", "log level");
	return options;
}

std::string failure(const std::vector<std::string>& args)
{
	try
	{
		workerLike().parse(args);
	}
	catch (CommandLineException& e)
	{
		return e.message();
	}
	return "";
}

} // namespace

class CommandLineTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CommandLineTest);
	CPPUNIT_TEST(testValueInTheNextArgumentOrAfterEquals);
	CPPUNIT_TEST(testUniquePrefixSelectsTheOption);
	CPPUNIT_TEST(testExactNameWinsOverLongerOnes);
	CPPUNIT_TEST(testAmbiguousPrefixIsRefused);
	CPPUNIT_TEST(testUnknownOptionIsRefused);
	CPPUNIT_TEST(testMissingValueIsRefused);
	CPPUNIT_TEST(testRepeatedOptionIsRefused);
	CPPUNIT_TEST(testShortName);
	CPPUNIT_TEST(testStoppingOptionEndsTheParse);
	CPPUNIT_TEST(testPlainArgumentsAreIgnored);
	CPPUNIT_TEST(testHelpListsEveryOption);
	CPPUNIT_TEST_SUITE_END();

public:
	void testValueInTheNextArgumentOrAfterEquals()
	{
		CommandLine::Values v = workerLike().parse({"--home", "/h", "--log=stderr", "--log-level:debug"});
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), v.size());
		CPPUNIT_ASSERT(v[0] == std::make_pair(std::string("home"), std::string("/h")));
		CPPUNIT_ASSERT(v[1] == std::make_pair(std::string("log"), std::string("stderr")));
		CPPUNIT_ASSERT(v[2] == std::make_pair(std::string("log-level"), std::string("debug")));
		// The first '=' splits: a value may hold more of them.
		CPPUNIT_ASSERT_EQUAL(std::string("/a=b:c"), workerLike().parse({"--home=/a=b:c"})[0].second);
	}

	void testUniquePrefixSelectsTheOption()
	{
		CommandLine::Values v = workerLike().parse({"--vers"});
		CPPUNIT_ASSERT_EQUAL(std::string("version"), v.at(0).first);
		CPPUNIT_ASSERT_EQUAL(std::string("home"), workerLike().parse({"--ho", "x"}).at(0).first);
	}

	void testExactNameWinsOverLongerOnes()
	{
		// "log" is also a prefix of "log-level".
		CommandLine::Values v = workerLike().parse({"--log", "stderr"});
		CPPUNIT_ASSERT_EQUAL(std::string("log"), v.at(0).first);
	}

	void testAmbiguousPrefixIsRefused() { CPPUNIT_ASSERT_EQUAL(std::string("Ambiguous option specified: h"), failure({"--h"})); }

	void testUnknownOptionIsRefused()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("Unknown option specified: bogus"), failure({"--bogus"}));
		CPPUNIT_ASSERT_EQUAL(std::string("Unknown option specified: x"), failure({"-x"}));
	}

	void testMissingValueIsRefused()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("Missing option argument: home requires DIR"), failure({"--home"}));
	}

	void testRepeatedOptionIsRefused()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("Option must not be given more than once: home"), failure({"--home", "a", "--home", "b"}));
	}

	void testShortName() { CPPUNIT_ASSERT_EQUAL(std::string("help"), workerLike().parse({"-h"}).at(0).first); }

	void testStoppingOptionEndsTheParse()
	{
		CommandLine::Values v = workerLike().parse({"--help", "--bogus", "--home"});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), v.size());
		CPPUNIT_ASSERT_EQUAL(std::string("help"), v[0].first);
	}

	void testPlainArgumentsAreIgnored()
	{
		CommandLine::Values v = workerLike().parse({"positional", "-", "--", "--version"});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), v.size());
		CPPUNIT_ASSERT_EQUAL(std::string("version"), v[0].first);
	}

	void testHelpListsEveryOption()
	{
		std::ostringstream out;
		workerLike().printHelp(out, "prog", "[OPTIONS]", "Does things.");
		const std::string help = out.str();
		CPPUNIT_ASSERT_EQUAL(std::string::size_type(0), help.find("usage: prog [OPTIONS]\nDoes things.\n"));
		CPPUNIT_ASSERT(help.find("-h, --help") != std::string::npos);
		CPPUNIT_ASSERT(help.find("--home=DIR") != std::string::npos);
		CPPUNIT_ASSERT(help.find("--log-level=LEVEL") != std::string::npos);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CommandLineTest);
