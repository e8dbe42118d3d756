//
// SupervisorCoreTest.cpp
//

#include "SupervisorCore.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::Hook;
using Sygen::QueuedJob;
using Sygen::SupervisorCore;
using Sygen::WorkOrder;

class SupervisorCoreTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SupervisorCoreTest);
	CPPUNIT_TEST(testOrderTakesTheDependencyTheDispatcherUsed);
	CPPUNIT_TEST(testDependencyRemovedSinceAcceptStaysRemovedAndViceVersa);
	CPPUNIT_TEST_SUITE_END();

public:
	void testOrderTakesTheDependencyTheDispatcherUsed()
	{
		QueuedJob job;
		job.jobId = "j1";
		job.hookId = "gh";
		job.dependency = "repo-a";
		Hook edited; // the hook as edited between accept and dispatch
		edited.id = "gh";
		edited.title = "GitHub";
		edited.mode = "cron_task";
		edited.dependency = std::string("repo-b");
		WorkOrder order = SupervisorCore::workOrder(job, edited, "prompt");
		CPPUNIT_ASSERT(order.spec.dependency.has_value());
		CPPUNIT_ASSERT_EQUAL(job.dependency, *order.spec.dependency);
		CPPUNIT_ASSERT_EQUAL(std::string("GitHub"), order.spec.title);
		CPPUNIT_ASSERT_EQUAL(std::string("j1"), order.jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("prompt"), order.prompt);
	}

	void testDependencyRemovedSinceAcceptStaysRemovedAndViceVersa()
	{
		QueuedJob job;
		job.jobId = "j2";
		Hook edited;
		edited.id = "gh";
		edited.mode = "wake";
		edited.dependency = std::string("added-later");
		CPPUNIT_ASSERT(!SupervisorCore::workOrder(job, edited, "p").spec.dependency);
		job.dependency = "kept";
		edited.dependency.reset();
		CPPUNIT_ASSERT_EQUAL(std::string("kept"), *SupervisorCore::workOrder(job, edited, "p").spec.dependency);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SupervisorCoreTest);
