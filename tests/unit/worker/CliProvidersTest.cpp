//
// CliProvidersTest.cpp
//

#include "CliProviders.h"
#include "Sygen/Hooks/ProviderNames.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::CliProvider;
using Sygen::CliProviders;
using Sygen::ProviderNames;

class CliProvidersTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CliProvidersTest);
	CPPUNIT_TEST(testEachNameFindsItsProvider);
	CPPUNIT_TEST(testUnknownNamesRunAsTheFirstProvider);
	CPPUNIT_TEST(testHookValidationKnowsTheSameNames);
	CPPUNIT_TEST(testOnlyGeminiSearchesNvm);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEachNameFindsItsProvider()
	{
		for (const std::string& name: CliProviders::names())
		{
			CPPUNIT_ASSERT(CliProviders::lookup(name));
			CPPUNIT_ASSERT_EQUAL(name, CliProviders::find(name).name());
			CPPUNIT_ASSERT_EQUAL(name, CliProviders::lookup(name)->name());
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), CliProviders::names().size());
	}

	void testUnknownNamesRunAsTheFirstProvider()
	{
		CPPUNIT_ASSERT(!CliProviders::lookup("mistral"));
		CPPUNIT_ASSERT(!CliProviders::lookup(""));
		CPPUNIT_ASSERT(!CliProviders::lookup("Claude"));
		CPPUNIT_ASSERT_EQUAL(std::string("claude"), CliProviders::find("mistral").name());
		CPPUNIT_ASSERT_EQUAL(std::string("claude"), CliProviders::find("").name());
	}

	void testHookValidationKnowsTheSameNames()
	{
		// The admin library validates hooks without linking the worker: its list
		// must follow the table.
		CPPUNIT_ASSERT(ProviderNames::all() == CliProviders::names());
		CPPUNIT_ASSERT_EQUAL(std::string("claude, codex or gemini"), ProviderNames::listed());
		CPPUNIT_ASSERT(ProviderNames::isKnown("codex"));
		CPPUNIT_ASSERT(!ProviderNames::isKnown("mistral"));
	}

	void testOnlyGeminiSearchesNvm()
	{
		CPPUNIT_ASSERT(CliProviders::find("gemini").searchesNvm());
		CPPUNIT_ASSERT(!CliProviders::find("claude").searchesNvm());
		CPPUNIT_ASSERT(!CliProviders::find("codex").searchesNvm());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CliProvidersTest);
