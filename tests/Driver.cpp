//
// Driver.cpp
//
// Runs every registered CppUnit suite, or only those named on the command line.
// Exit code 0 when all pass.
//

#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/Test.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <csignal>
#include <iostream>
#include <memory>
#include <vector>

int main(int argc, char** argv)
{
	// Tests write to sockets whose peer may be gone; that must be an error, not death.
	std::signal(SIGPIPE, SIG_IGN);

	// The tree of all tests owns every test; the selected ones are run from it
	// directly, so that it can be deleted at the end (a CppUnit::TestRunner would
	// take ownership of a selected subtree and leave the rest to leak, which
	// LeakSanitizer reports at the exit of every test process).
	std::unique_ptr<CppUnit::Test> all(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
	std::vector<CppUnit::Test*> selected;
	if (argc < 2)
	{
		selected.push_back(all.get());
	}
	else
	{
		for (int i = 1; i < argc; ++i)
		{
			try
			{
				selected.push_back(all->findTest(argv[i]));
			}
			catch (std::invalid_argument&)
			{
				std::cerr << "no test named " << argv[i] << std::endl;
				return 2;
			}
		}
	}
	CppUnit::TestResult controller;
	CppUnit::TestResultCollector result;
	controller.addListener(&result);
	CppUnit::BriefTestProgressListener progress;
	controller.addListener(&progress);
	for (CppUnit::Test* test: selected) controller.runTest(test);
	CppUnit::CompilerOutputter outputter(&result, std::cerr);
	outputter.write();
	return result.wasSuccessful() ? 0 : 1;
}
