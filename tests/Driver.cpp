//
// Driver.cpp
//
// Runs every registered CppUnit suite, or only those named on the command line.
// Exit code 0 when all pass.
//

#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <csignal>
#include <iostream>

int main(int argc, char** argv)
{
	// Tests write to sockets whose peer may be gone; that must be an error, not death.
	std::signal(SIGPIPE, SIG_IGN);

	CppUnit::Test* all = CppUnit::TestFactoryRegistry::getRegistry().makeTest();
	CppUnit::TestRunner runner;
	if (argc < 2)
	{
		runner.addTest(all);
	}
	else
	{
		for (int i = 1; i < argc; ++i)
		{
			try
			{
				runner.addTest(all->findTest(argv[i]));
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
	runner.run(controller);
	CppUnit::CompilerOutputter outputter(&result, std::cerr);
	outputter.write();
	return result.wasSuccessful() ? 0 : 1;
}
