//
// JobReplayTest.cpp
//
// Replay and cancel through the ctl and the admin socket of the real supervisor,
// with the fake CLIs of tests/fakecli: `jobs retry ID` (a new job with the same
// hook and payload, linked both ways in the admin API and in GET /jobs, across a
// restart), `jobs retry --status --since` for a batch, `jobs cancel` of a queued
// job and of a running one (its CLI's process group is gone, it ends cancelled and
// never runs again after a restart), `jobs show --payload`, the payload files'
// mode, and webhooks.keep_payloads: false.
//

#include "ServiceFixture.h"
#include "Sygen/Foundation/JSONFields.h"
#include "TestSupport.h"
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <cerrno>
#include <cppunit/extensions/HelperMacros.h>
#include <csignal>
#include <fstream>
#include <memory>
#include <sys/stat.h>
#include <vector>

using Sygen::JSONFields;
using Sygen::Test::HTTPReply;
using Sygen::Test::processGone;
using Sygen::Test::ServiceFixture;

namespace {

const std::string PAYLOAD = R"({"event": "deploy", "n": 7})";

std::string hookJson(const std::string& id)
{
	return R"({"id": ")" + id + R"(", "title": "Hook )" + id +
		R"(", "mode": "cron_task", "prompt_template": "Event {{event}}", "task_folder": ")" + id +
		R"(", "provider": "claude", "model": "haiku"})";
}

std::string hooksFile(const std::vector<std::string>& ids)
{
	std::string text = "{\"hooks\": [";
	for (std::size_t i = 0; i < ids.size(); ++i) text += (i ? ", " : "") + hookJson(ids[i]);
	return text + "]}\n";
}

bool groupGone(int pgid)
{
	return ::kill(-pgid, 0) != 0 && errno == ESRCH;
}

std::size_t lines(const std::string& path)
{
	std::ifstream in(path);
	std::size_t count = 0;
	for (std::string line; std::getline(in, line);) ++count;
	return count;
}

} // namespace

class JobReplayTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JobReplayTest);
	CPPUNIT_TEST(testRetryRunsTheSamePayloadAndLinksBothJobs);
	CPPUNIT_TEST(testBatchRetryTakesMatchingStatusesOnly);
	CPPUNIT_TEST(testCancelQueuedAndRunningJobs);
	CPPUNIT_TEST(testPayloadRetentionOff);
	CPPUNIT_TEST(testUsageErrors);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_service.reset(new ServiceFixture);
		_service->config()->set("user_timezone", "UTC");
	}

	void tearDown() override
	{
		_service.reset();
		for (int pid: _strays)
		{
			if (pid > 0) ::kill(pid, SIGKILL);
		}
		_strays.clear();
	}

	void testRetryRunsTheSamePayloadAndLinksBothJobs()
	{
		_service->writeHooks(hooksFile({"replay"}));
		std::string folder = _service->taskFolder("replay", R"({"result": "done", "started_log": "started.log"})");
		_service->start();
		std::string original = accepted(_service->postHook("replay", PAYLOAD));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(original)->getValue<std::string>("status"));

		Poco::JSON::Object::Ptr retry = ctlJSON({"jobs", "retry", original});
		std::string retryId = retry->getValue<std::string>("job_id");
		CPPUNIT_ASSERT(retryId != original);
		CPPUNIT_ASSERT_EQUAL(original, retry->getValue<std::string>("retry_of"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(retryId)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), lines(folder + "/started.log"));

		// The same payload reached the CLI: the prompt rendered from it is the same.
		CPPUNIT_ASSERT_EQUAL(PAYLOAD, ctlJSON({"jobs", "show", retryId, "--payload"})->getValue<std::string>("payload"));
		CPPUNIT_ASSERT_EQUAL(PAYLOAD, ctlJSON({"jobs", "show", original, "--payload"})->getValue<std::string>("payload"));
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat((_service->stateDir() + "/spool/payloads/" + original).c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));

		assertLinked(original, retryId);
		_service->stop();
		_service->start({}, false);
		assertLinked(original, retryId);
		// Still retryable after a restart: the payload outlives the journal's copy.
		std::string second = ctlJSON({"jobs", "retry", original})->getValue<std::string>("job_id");
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(second)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(second, jobJSON(original)->getValue<std::string>("retried_by"));

		std::string text;
		CPPUNIT_ASSERT_EQUAL(0, _service->ctl({"jobs", "show", original, "--payload"}, text));
		CPPUNIT_ASSERT_MESSAGE(text, text.find("retried_by:  " + second) != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(text, text.find("payload:\n" + PAYLOAD) != std::string::npos);

		// A job that has not finished cannot be retried; an unknown one is named.
		CPPUNIT_ASSERT_EQUAL(1, _service->ctl({"jobs", "retry", "0000-unknown"}, text));
		CPPUNIT_ASSERT_MESSAGE(text, text.find("no job 0000-unknown") != std::string::npos);
	}

	void testBatchRetryTakesMatchingStatusesOnly()
	{
		_service->writeHooks(hooksFile({"good", "bad"}));
		_service->taskFolder("good", R"({"result": "fine"})");
		std::string bad = _service->taskFolder("bad", R"({"shape": "error", "started_log": "started.log"})");
		_service->start();
		std::string goodJob = accepted(_service->postHook("good", PAYLOAD));
		std::string badJob = accepted(_service->postHook("bad", PAYLOAD));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(goodJob)->getValue<std::string>("status"));
		std::string failedStatus = _service->waitForJob(badJob)->getValue<std::string>("status");
		CPPUNIT_ASSERT(failedStatus.compare(0, 6, "error:") == 0);

		Poco::JSON::Object::Ptr batch = ctlJSON({"jobs", "retry", "--status", "error:*", "--since", "1h"});
		Poco::JSON::Array::Ptr retried = batch->getArray("retried");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), retried->size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), batch->getArray("failed")->size());
		CPPUNIT_ASSERT_EQUAL(badJob, retried->getObject(0)->getValue<std::string>("job_id"));
		std::string retryId = retried->getObject(0)->getValue<std::string>("retry_id");
		CPPUNIT_ASSERT_EQUAL(failedStatus, _service->waitForJob(retryId)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), lines(bad + "/started.log"));
		CPPUNIT_ASSERT(!jobJSON(goodJob)->has("retried_by"));

		// Retried before: the original is skipped; its retry (failed too) is not.
		batch = ctlJSON({"jobs", "retry", "--status", "error:*", "--since", "1h"});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), batch->getArray("retried")->size());
		CPPUNIT_ASSERT_EQUAL(retryId, batch->getArray("retried")->getObject(0)->getValue<std::string>("job_id"));
		CPPUNIT_ASSERT_EQUAL(
			std::size_t(0), ctlJSON({"jobs", "retry", "--status", "skipped:*", "--since", "1h"})->getArray("retried")->size());
	}

	void testCancelQueuedAndRunningJobs()
	{
		_service->config()->set("cli_timeout", 3600);
		_service->webhooks().set("workers", 1);
		_service->writeHooks(hooksFile({"slow", "next"}));
		std::string slow = _service->taskFolder("slow", R"({"sleep": 600, "grandchild": true, "started_log": "started.log"})");
		std::string next = _service->taskFolder("next", R"({"result": "ran", "started_log": "started.log"})");
		_service->start();

		std::string running = accepted(_service->postHook("slow", PAYLOAD));
		Poco::JSON::Object::Ptr record = recordOf(slow);
		int cli = record->getValue<int>("pid");
		int grandchild = record->getValue<int>("grandchild_pid");
		_strays.push_back(grandchild);
		CPPUNIT_ASSERT_EQUAL(cli, record->getValue<int>("pgid"));
		std::string queued = accepted(_service->postHook("next", PAYLOAD));
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), jobJSON(queued)->getValue<std::string>("status"));

		std::string text;
		CPPUNIT_ASSERT_EQUAL(0, _service->ctl({"jobs", "cancel", queued}, text));
		CPPUNIT_ASSERT_MESSAGE(text, text.find(queued + ": cancelled") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), jobJSON(queued)->getValue<std::string>("status"));

		CPPUNIT_ASSERT(!processGone(grandchild));
		Poco::JSON::Object::Ptr cancelled = ctlJSON({"jobs", "cancel", running});
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), _service->waitForJob(running)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_MESSAGE("the cancelled CLI still runs", _service->waitFor([&]() { return processGone(cli); }));
		CPPUNIT_ASSERT_MESSAGE("the cancelled CLI's grandchild still runs", _service->waitFor([&]() { return processGone(grandchild); }));
		CPPUNIT_ASSERT_MESSAGE("the CLI's process group still exists", _service->waitFor([&]() { return groupGone(cli); }));

		// A finished job cannot be cancelled again.
		CPPUNIT_ASSERT_EQUAL(1, _service->ctl({"jobs", "cancel", running}, text));
		CPPUNIT_ASSERT_MESSAGE(text, text.find("only queued or running jobs can be cancelled") != std::string::npos);

		// After a restart neither runs again: a fresh job of "next" runs, and is its first start.
		_service->stop();
		_service->start({}, false);
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), jobJSON(running)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), jobJSON(queued)->getValue<std::string>("status"));
		std::string fresh = accepted(_service->postHook("next", PAYLOAD));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(fresh)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), lines(next + "/started.log"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), lines(slow + "/started.log"));
	}

	void testPayloadRetentionOff()
	{
		_service->webhooks().set("keep_payloads", false);
		_service->writeHooks(hooksFile({"private"}));
		_service->taskFolder("private", R"({"result": "done"})");
		_service->start();
		std::string job = accepted(_service->postHook("private", PAYLOAD));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), _service->waitForJob(job)->getValue<std::string>("status"));
		CPPUNIT_ASSERT(!Poco::File(_service->stateDir() + "/spool/payloads/" + job).exists());
		std::string text;
		CPPUNIT_ASSERT_EQUAL(1, _service->ctl({"jobs", "retry", job}, text));
		CPPUNIT_ASSERT_MESSAGE(text, text.find("payload retention is off (webhooks.keep_payloads is false)") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(1, _service->ctl({"jobs", "show", job, "--payload"}, text));
		CPPUNIT_ASSERT_MESSAGE(text, text.find("payload retention is off") != std::string::npos);
	}

	void testUsageErrors()
	{
		_service->writeHooks(hooksFile({"any"}));
		_service->start();
		std::string text;
		CPPUNIT_ASSERT_EQUAL(2, _service->ctl({"jobs", "retry"}, text));
		CPPUNIT_ASSERT_EQUAL(2, _service->ctl({"jobs", "retry", "--status", "error:*"}, text));
		CPPUNIT_ASSERT_EQUAL(2, _service->ctl({"jobs", "retry", "--status", "error:*", "--since", "5x"}, text));
		CPPUNIT_ASSERT_MESSAGE(text, text.find("not a duration '5x'") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(2, _service->ctl({"jobs", "retry", "abc", "--status", "error:*", "--since", "1h"}, text));
		CPPUNIT_ASSERT_EQUAL(2, _service->ctl({"jobs", "cancel"}, text));
		CPPUNIT_ASSERT_EQUAL(2, _service->ctl({"jobs", "show", "--payload"}, text));
		CPPUNIT_ASSERT_EQUAL(1, _service->ctl({"jobs", "cancel", "0000-unknown"}, text));
		CPPUNIT_ASSERT_MESSAGE(text, text.find("no job 0000-unknown") != std::string::npos);
	}

private:
	std::string accepted(const HTTPReply& reply)
	{
		CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 202, reply.status);
		return reply.json()->getValue<std::string>("job_id");
	}

	Poco::JSON::Object::Ptr ctlJSON(std::vector<std::string> args)
	{
		args.insert(args.begin(), "--json");
		std::string output;
		int code = _service->ctl(args, output);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, code);
		return JSONFields::parseObject(output);
	}

	Poco::JSON::Object::Ptr jobJSON(const std::string& jobId)
	{
		HTTPReply reply = _service->request("GET", "/jobs/" + jobId, "", {{"Authorization", "Bearer " + ServiceFixture::TOKEN}});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 200, reply.status);
		return reply.json();
	}

	void assertLinked(const std::string& original, const std::string& retryId)
	{
		CPPUNIT_ASSERT_EQUAL(retryId, jobJSON(original)->getValue<std::string>("retried_by"));
		CPPUNIT_ASSERT_EQUAL(original, jobJSON(retryId)->getValue<std::string>("retry_of"));
		CPPUNIT_ASSERT_EQUAL(retryId, ctlJSON({"jobs", "show", original})->getValue<std::string>("retried_by"));
		CPPUNIT_ASSERT_EQUAL(original, ctlJSON({"jobs", "show", retryId})->getValue<std::string>("retry_of"));
	}

	Poco::JSON::Object::Ptr recordOf(const std::string& folder)
	{
		Poco::JSON::Object::Ptr record;
		bool found = _service->waitFor(
			[&]() {
				try
				{
					record = JSONFields::parseObject(Sygen::Test::readFile(folder + "/fakecli-record.json"));
					return true;
				}
				catch (Poco::Exception&)
				{
					return false;
				}
			},
			Poco::Timespan(60, 0));
		if (!found) CPPUNIT_FAIL("no fake CLI record in " + folder + "; log: " + _service->log());
		return record;
	}

	std::unique_ptr<ServiceFixture> _service;
	std::vector<int> _strays;
};

CPPUNIT_TEST_SUITE_REGISTRATION(JobReplayTest);
