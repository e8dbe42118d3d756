//
// WorkerFrameTest.cpp
//

#include "Sygen/Protocol/WorkerFrame.h"
#include "Sygen/Foundation/Config.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Protocol/JobStatus.h"
#include "Sygen/Protocol/WorkerExit.h"
#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::FrameType;
using Sygen::JobStatus;
using Sygen::JSONFields;
using Sygen::WorkerFrame;

namespace {

// Every frame goes through the wire text, as it does between the processes.
Poco::JSON::Object::Ptr wire(const Poco::JSON::Object::Ptr& frame)
{
	return JSONFields::parseObject(JSONFields::compact(frame));
}

} // namespace

class WorkerFrameTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(WorkerFrameTest);
	CPPUNIT_TEST(testEveryTypeHasItsNameOnTheWire);
	CPPUNIT_TEST(testHelloWelcomeRejectRoundTrip);
	CPPUNIT_TEST(testHeartbeatRoundTrip);
	CPPUNIT_TEST(testJobAndResultRoundTrip);
	CPPUNIT_TEST(testUnknownTypeAndMissingType);
	CPPUNIT_TEST(testJobIdOfAnUnreadableOrder);
	CPPUNIT_TEST(testStatusHelpersAndExitCodes);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEveryTypeHasItsNameOnTheWire()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("drain"), JSONFields::string(*wire(WorkerFrame::drain()), "type"));
		CPPUNIT_ASSERT_EQUAL(std::string("draining"), JSONFields::string(*wire(WorkerFrame::draining()), "type"));
		for (FrameType t: {FrameType::HELLO, FrameType::WELCOME, FrameType::REJECT, FrameType::HEARTBEAT, FrameType::JOB,
				 FrameType::STARTED, FrameType::RESULT, FrameType::DRAIN, FrameType::DRAINING})
		{
			Poco::JSON::Object frame;
			frame.set("type", std::string(WorkerFrame::nameOf(t)));
			CPPUNIT_ASSERT(WorkerFrame::typeOf(frame) == t);
		}
	}

	void testHelloWelcomeRejectRoundTrip()
	{
		WorkerFrame::Hello hello;
		hello.workerId = 3;
		hello.pid = 4242;
		hello.version = "1.2.3";
		Poco::JSON::Object::Ptr h = wire(WorkerFrame::hello(hello));
		CPPUNIT_ASSERT(WorkerFrame::typeOf(*h) == FrameType::HELLO);
		WorkerFrame::Hello back = WorkerFrame::decodeHello(*h);
		CPPUNIT_ASSERT_EQUAL(3, back.workerId);
		CPPUNIT_ASSERT_EQUAL(4242, back.pid);
		CPPUNIT_ASSERT_EQUAL(std::string("1.2.3"), back.version);

		Poco::JSON::Object::Ptr w = wire(WorkerFrame::welcome(250));
		CPPUNIT_ASSERT(WorkerFrame::typeOf(*w) == FrameType::WELCOME);
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(250), WorkerFrame::decodeWelcome(*w));

		Poco::JSON::Object::Ptr r = wire(WorkerFrame::reject("pid mismatch"));
		CPPUNIT_ASSERT(WorkerFrame::typeOf(*r) == FrameType::REJECT);
		CPPUNIT_ASSERT_EQUAL(std::string("pid mismatch"), WorkerFrame::decodeReject(*r));
	}

	void testHeartbeatRoundTrip()
	{
		WorkerFrame::Heartbeat beat;
		beat.workerId = 2;
		beat.busy = true;
		beat.jobId = "j9";
		WorkerFrame::Heartbeat back = WorkerFrame::decodeHeartbeat(*wire(WorkerFrame::heartbeat(beat)));
		CPPUNIT_ASSERT_EQUAL(2, back.workerId);
		CPPUNIT_ASSERT(back.busy);
		CPPUNIT_ASSERT_EQUAL(std::string("j9"), back.jobId);

		Poco::JSON::Object::Ptr idle = wire(WorkerFrame::heartbeat(WorkerFrame::Heartbeat()));
		CPPUNIT_ASSERT(!idle->has("job_id"));
		CPPUNIT_ASSERT(!WorkerFrame::decodeHeartbeat(*idle).busy);
	}

	void testJobAndResultRoundTrip()
	{
		Sygen::WorkOrder order;
		order.jobId = "j1";
		order.spec.id = "gh";
		order.spec.mode = "wake";
		order.prompt = "p";
		Poco::JSON::Object::Ptr job = wire(WorkerFrame::job(order));
		CPPUNIT_ASSERT(WorkerFrame::typeOf(*job) == FrameType::JOB);
		CPPUNIT_ASSERT_EQUAL(std::string("j1"), WorkerFrame::decodeJob(*job).jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("gh"), WorkerFrame::decodeJob(*job).spec.id);

		Sygen::WebhookResult result;
		result.jobId = "j1";
		result.hookId = "gh";
		result.status = JobStatus::SUCCESS;
		Poco::JSON::Object::Ptr res = wire(WorkerFrame::result(result));
		CPPUNIT_ASSERT(WorkerFrame::typeOf(*res) == FrameType::RESULT);
		CPPUNIT_ASSERT_EQUAL(JobStatus::SUCCESS, WorkerFrame::decodeResult(*res).status);

		Poco::JSON::Object noBody;
		noBody.set("type", std::string("result"));
		CPPUNIT_ASSERT_THROW(WorkerFrame::decodeResult(noBody), Poco::DataFormatException);
		noBody.set("type", std::string("job"));
		CPPUNIT_ASSERT_THROW(WorkerFrame::decodeJob(noBody), Poco::DataFormatException);
	}

	void testUnknownTypeAndMissingType()
	{
		Poco::JSON::Object frame;
		frame.set("type", std::string("telepathy"));
		CPPUNIT_ASSERT(WorkerFrame::typeOf(frame) == FrameType::UNKNOWN);
		CPPUNIT_ASSERT_EQUAL(std::string("telepathy"), WorkerFrame::typeName(frame));
		Poco::JSON::Object untyped;
		CPPUNIT_ASSERT_THROW(WorkerFrame::typeOf(untyped), Poco::DataFormatException);
		CPPUNIT_ASSERT_EQUAL(std::string(), WorkerFrame::typeName(untyped));
	}

	void testJobIdOfAnUnreadableOrder()
	{
		Poco::JSON::Object::Ptr frame = JSONFields::parseObject("{\"type\":\"job\",\"order\":{\"job_id\":\"j7\",\"spec\":5}}");
		CPPUNIT_ASSERT_THROW(WorkerFrame::decodeJob(*frame), Poco::Exception);
		CPPUNIT_ASSERT_EQUAL(std::string("j7"), WorkerFrame::jobIdOf(*frame));
		CPPUNIT_ASSERT_EQUAL(std::string(), WorkerFrame::jobIdOf(*JSONFields::parseObject("{\"type\":\"job\"}")));
	}

	void testStatusHelpersAndExitCodes()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("error:exit_3"), JobStatus::exitCode(3));
		CPPUNIT_ASSERT_EQUAL(std::string("error:cli_not_found_codex"), JobStatus::cliNotFound("codex"));
		CPPUNIT_ASSERT_EQUAL(std::string("error:unknown_mode_x"), JobStatus::unknownMode("x"));
		CPPUNIT_ASSERT(JobStatus::isSkipped(JobStatus::SKIPPED_QUIET_HOURS));
		CPPUNIT_ASSERT(!JobStatus::isSkipped(JobStatus::SUCCESS));
		CPPUNIT_ASSERT_EQUAL(78, Sygen::WorkerExit::CONFIG);
		CPPUNIT_ASSERT_EQUAL(int(Sygen::Config::EXIT_CONFIG), Sygen::WorkerExit::CONFIG);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(WorkerFrameTest);
