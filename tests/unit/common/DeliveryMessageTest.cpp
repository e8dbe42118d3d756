//
// DeliveryMessageTest.cpp
//

#include "Sygen/Protocol/DeliveryMessage.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::DeliveryMessage;
using Sygen::WebhookResult;

namespace {

WebhookResult cronResult(const std::string& status, const std::string& text)
{
	WebhookResult r;
	r.jobId = "job-1";
	r.hookId = "nightly";
	r.hookTitle = "Nightly report";
	r.mode = "cron_task";
	r.status = status;
	r.resultText = text;
	return r;
}

} // namespace

class DeliveryMessageTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(DeliveryMessageTest);
	CPPUNIT_TEST(testBroadcastTextHasTheExactHeader);
	CPPUNIT_TEST(testEmptyTextShowsTheStatusInUnderscores);
	CPPUNIT_TEST(testSilentMarkerAnyCaseAfterWhitespace);
	CPPUNIT_TEST(testSilentMarkerMustLeadTheText);
	CPPUNIT_TEST(testSilentMarkerAfterUnicodeWhitespace);
	CPPUNIT_TEST(testExceptionAndNotFoundAreNeverBroadcast);
	CPPUNIT_TEST(testWakeResultsAreNotBroadcastAgain);
	CPPUNIT_TEST(testErrorsAndSkipsAreBroadcast);
	CPPUNIT_TEST_SUITE_END();

public:
	void testBroadcastTextHasTheExactHeader()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("**WEBHOOK (CRON TASK): Nightly report**\n\nAll green."),
			DeliveryMessage::broadcastText(cronResult("success", "All green.")));
	}

	void testEmptyTextShowsTheStatusInUnderscores()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("**WEBHOOK (CRON TASK): Nightly report**\n\n_error:timeout_"),
			DeliveryMessage::broadcastText(cronResult("error:timeout", "")));
		CPPUNIT_ASSERT_EQUAL(
			std::string("**WEBHOOK (CRON TASK): Nightly report**\n\n_success_"), DeliveryMessage::broadcastText(cronResult("success", "")));
	}

	void testSilentMarkerAnyCaseAfterWhitespace()
	{
		CPPUNIT_ASSERT(DeliveryMessage::isSilent("[SILENT]"));
		CPPUNIT_ASSERT(DeliveryMessage::isSilent("[silent] nothing new"));
		CPPUNIT_ASSERT(DeliveryMessage::isSilent("  \n\t[Silent]done"));
		CPPUNIT_ASSERT(!DeliveryMessage::shouldBroadcast(cronResult("success", "\n[SILENT] no changes")));
	}

	void testSilentMarkerMustLeadTheText()
	{
		CPPUNIT_ASSERT(!DeliveryMessage::isSilent(""));
		CPPUNIT_ASSERT(!DeliveryMessage::isSilent("Report [SILENT]"));
		CPPUNIT_ASSERT(!DeliveryMessage::isSilent("[SILENT"));
		CPPUNIT_ASSERT(!DeliveryMessage::isSilent("SILENT"));
		CPPUNIT_ASSERT(!DeliveryMessage::isSilent("[S1LENT]"));
	}

	void testSilentMarkerAfterUnicodeWhitespace()
	{
		// NO-BREAK SPACE and IDEOGRAPHIC SPACE are stripped by Python's lstrip().
		CPPUNIT_ASSERT(DeliveryMessage::isSilent("\xC2\xA0\xE3\x80\x80[SILENT]"));
		// ZERO WIDTH SPACE is not white space there.
		CPPUNIT_ASSERT(!DeliveryMessage::isSilent("\xE2\x80\x8B[SILENT]"));
	}

	void testExceptionAndNotFoundAreNeverBroadcast()
	{
		CPPUNIT_ASSERT(!DeliveryMessage::shouldBroadcast(cronResult("error:exception", "")));
		CPPUNIT_ASSERT(!DeliveryMessage::shouldBroadcast(cronResult("error:exception", "boom")));
		CPPUNIT_ASSERT(!DeliveryMessage::shouldBroadcast(cronResult("error:not_found", "")));
	}

	void testWakeResultsAreNotBroadcastAgain()
	{
		WebhookResult wake = cronResult("success", "hello");
		wake.mode = "wake";
		CPPUNIT_ASSERT(!DeliveryMessage::shouldBroadcast(wake));
		wake.status = "error:no_response";
		wake.resultText = "";
		CPPUNIT_ASSERT(!DeliveryMessage::shouldBroadcast(wake));
		WebhookResult delivered = cronResult("success", "x");
		delivered.delivered = true;
		CPPUNIT_ASSERT(!DeliveryMessage::shouldBroadcast(delivered));
	}

	void testErrorsAndSkipsAreBroadcast()
	{
		CPPUNIT_ASSERT(DeliveryMessage::shouldBroadcast(cronResult("success", "done")));
		CPPUNIT_ASSERT(DeliveryMessage::shouldBroadcast(cronResult("success", "")));
		CPPUNIT_ASSERT(DeliveryMessage::shouldBroadcast(cronResult("error:timeout", "[Webhook cron_task timed out after 5s]")));
		CPPUNIT_ASSERT(DeliveryMessage::shouldBroadcast(cronResult("skipped:quiet_hours", "")));
		CPPUNIT_ASSERT(DeliveryMessage::shouldBroadcast(cronResult("error:worker_lost", "")));
		WebhookResult unknown = cronResult("error:unknown_mode_poll", "");
		unknown.mode = "poll";
		CPPUNIT_ASSERT(DeliveryMessage::shouldBroadcast(unknown));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(DeliveryMessageTest);
