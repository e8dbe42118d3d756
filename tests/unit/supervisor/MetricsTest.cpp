//
// MetricsTest.cpp
//

#include "Metrics.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::Metrics;

class MetricsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MetricsTest);
	CPPUNIT_TEST(testResponsesAreCountedByRouteAndStatus);
	CPPUNIT_TEST(testRateLimitedTotalSumsThe429s);
	CPPUNIT_TEST(testExitStatusesAreFoldedIntoOneSeries);
	CPPUNIT_TEST(testDurationHistogramIsCumulative);
	CPPUNIT_TEST(testGaugesAreRendered);
	CPPUNIT_TEST_SUITE_END();

public:
	void testResponsesAreCountedByRouteAndStatus()
	{
		Metrics m;
		m.countResponse("hooks", 202);
		m.countResponse("hooks", 202);
		m.countResponse("jobs", 404);
		std::string text = m.render(Metrics::Gauges());
		CPPUNIT_ASSERT(text.find("sygen_webhook_http_responses_total{route=\"hooks\",status=\"202\"} 2\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_http_responses_total{route=\"jobs\",status=\"404\"} 1\n") != std::string::npos);
	}

	void testRateLimitedTotalSumsThe429s()
	{
		Metrics m;
		m.countResponse("hooks", 429);
		m.countResponse("hooks", 429);
		m.countResponse("hooks", 202);
		CPPUNIT_ASSERT(m.render(Metrics::Gauges()).find("sygen_webhook_rate_limited_total 2\n") != std::string::npos);
	}

	void testExitStatusesAreFoldedIntoOneSeries()
	{
		Metrics m;
		m.countJob("error:exit_1", 10);
		m.countJob("error:exit_-9", 10);
		m.countJob("error:unknown_mode_x", 10);
		m.countJob("success", 10);
		std::string text = m.render(Metrics::Gauges());
		CPPUNIT_ASSERT(text.find("sygen_webhook_jobs_total{status=\"error:exit\"} 2\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_jobs_total{status=\"error:unknown_mode\"} 1\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_jobs_total{status=\"success\"} 1\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("exit_1") == std::string::npos);
	}

	void testDurationHistogramIsCumulative()
	{
		Metrics m;
		m.countJob("success", 50);      // 0.05 s
		m.countJob("success", 2000);    // 2 s
		m.countJob("success", 7200000); // 2 h: only +Inf
		std::string text = m.render(Metrics::Gauges());
		CPPUNIT_ASSERT(text.find("sygen_webhook_job_duration_seconds_bucket{le=\"0.1\"} 1\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_job_duration_seconds_bucket{le=\"5\"} 2\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_job_duration_seconds_bucket{le=\"3600\"} 2\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_job_duration_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_job_duration_seconds_count 3\n") != std::string::npos);
	}

	void testGaugesAreRendered()
	{
		Metrics m;
		Metrics::Gauges g;
		g.queueDepth = 7;
		g.workersBusy = 1;
		g.workersIdle = 2;
		g.workersRestarting = 3;
		g.queueCapacity = 250;
		g.workerRestarts = 12;
		std::string text = m.render(g);
		CPPUNIT_ASSERT(text.find("sygen_webhook_queue_depth 7\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_queue_capacity 250\n") != std::string::npos);
		CPPUNIT_ASSERT(
			text.find("# TYPE sygen_webhook_worker_restarts_total counter\nsygen_webhook_worker_restarts_total 12\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_workers{state=\"busy\"} 1\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_workers{state=\"idle\"} 2\n") != std::string::npos);
		CPPUNIT_ASSERT(text.find("sygen_webhook_workers{state=\"restarting\"} 3\n") != std::string::npos);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsTest);
