//
// AdminServerTest.cpp
//
// The admin API on a real Unix socket, and the workers.* / jobs.* commands.
//

#include "admin/AdminServer.h"
#include "Sygen/Foundation/UnixSocket.h"
#include "Sygen/Protocol/WorkerChannel.h"
#include "TestSupport.h"
#include "admin/AdminCommands.h"
#include "jobs/Dispatcher.h"
#include "workers/WorkerPool.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>

using namespace Sygen;

namespace {

class NullPreparer: public JobPreparer
{
public:
	std::optional<WorkOrder> prepare(const QueuedJob& job, WebhookResult&) override
	{
		WorkOrder order;
		order.jobId = job.jobId;
		order.spec.id = job.hookId;
		order.spec.title = "T";
		order.spec.mode = "cron_task";
		order.prompt = "quick";
		return order;
	}
};

class NullObserver: public JobObserver
{
public:
	void jobStarted(const std::string&, int, Poco::Timestamp) override {}
	void jobFinished(const WebhookResult&) override {}
};

Poco::JSON::Object::Ptr req(const std::string& cmd)
{
	Poco::JSON::Object::Ptr r = new Poco::JSON::Object;
	r->set("cmd", cmd);
	return r;
}

} // namespace

class AdminServerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AdminServerTest);
	CPPUNIT_TEST(testSocketIsMode0600AndRemovedOnStop);
	CPPUNIT_TEST(testRunsRegisteredCommandOverSocket);
	CPPUNIT_TEST(testServesSeveralRequestsOnOneConnection);
	CPPUNIT_TEST(testUnknownCommandIsError);
	CPPUNIT_TEST(testMissingCmdIsBadRequest);
	CPPUNIT_TEST(testExceptionsMapToErrorCodes);
	CPPUNIT_TEST(testDuplicateCommandIsRefused);
	CPPUNIT_TEST(testHelpListsCommands);
	CPPUNIT_TEST(testGarbageFrameGetsBadRequestAndConnectionStaysUsable);
	CPPUNIT_TEST(testJobsListAndShow);
	CPPUNIT_TEST(testWorkersCommandsDriveThePool);
	CPPUNIT_TEST_SUITE_END();

public:
	void testSocketIsMode0600AndRemovedOnStop()
	{
		Test::TempDir dir;
		AdminServer server(dir.file("admin.sock"));
		server.start();
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat(dir.file("admin.sock").c_str(), &st));
		CPPUNIT_ASSERT_EQUAL(0600, static_cast<int>(st.st_mode & 0777));
		server.stop();
		CPPUNIT_ASSERT(::stat(dir.file("admin.sock").c_str(), &st) != 0);
	}

	void testRunsRegisteredCommandOverSocket()
	{
		Test::TempDir dir;
		AdminServer server(dir.file("admin.sock"));
		server.addCommand("echo", "echo the text", [](const Poco::JSON::Object& r) { return r.get("text"); });
		server.start();
		WorkerChannel client(UnixSocket::connect(server.socketPath()));
		Poco::JSON::Object::Ptr r = req("echo");
		r->set("text", "hi");
		client.send(*r);
		Poco::JSON::Object::Ptr answer = client.receive(Poco::Timespan(10, 0));
		CPPUNIT_ASSERT(answer);
		CPPUNIT_ASSERT(answer->getValue<bool>("ok"));
		CPPUNIT_ASSERT_EQUAL(std::string("hi"), answer->getValue<std::string>("result"));
	}

	void testServesSeveralRequestsOnOneConnection()
	{
		Test::TempDir dir;
		AdminServer server(dir.file("admin.sock"));
		int counter = 0;
		server.addCommand("count", "", [&counter](const Poco::JSON::Object&) { return Poco::Dynamic::Var(++counter); });
		server.start();
		WorkerChannel client(UnixSocket::connect(server.socketPath()));
		for (int i = 1; i <= 3; ++i)
		{
			client.send(*req("count"));
			Poco::JSON::Object::Ptr answer = client.receive(Poco::Timespan(10, 0));
			CPPUNIT_ASSERT(answer);
			CPPUNIT_ASSERT_EQUAL(i, answer->getValue<int>("result"));
		}
	}

	void testUnknownCommandIsError()
	{
		AdminServer server("/nonexistent/admin.sock");
		Poco::JSON::Object::Ptr answer = server.handle(*req("nope"));
		CPPUNIT_ASSERT(!answer->getValue<bool>("ok"));
		CPPUNIT_ASSERT_EQUAL(std::string("unknown_command"), answer->getValue<std::string>("error"));
	}

	void testMissingCmdIsBadRequest()
	{
		AdminServer server("/nonexistent/admin.sock");
		Poco::JSON::Object empty;
		CPPUNIT_ASSERT_EQUAL(std::string("bad_request"), server.handle(empty)->getValue<std::string>("error"));
	}

	void testExceptionsMapToErrorCodes()
	{
		AdminServer server("/nonexistent/admin.sock");
		server.addCommand(
			"nf", "", [](const Poco::JSON::Object&) -> Poco::Dynamic::Var { throw Poco::NotFoundException("no such thing"); });
		server.addCommand(
			"bad", "", [](const Poco::JSON::Object&) -> Poco::Dynamic::Var { throw Poco::InvalidArgumentException("bad id"); });
		server.addCommand("io", "", [](const Poco::JSON::Object&) -> Poco::Dynamic::Var { throw Poco::IOException("disk"); });
		Poco::JSON::Object::Ptr nf = server.handle(*req("nf"));
		CPPUNIT_ASSERT_EQUAL(std::string("not_found"), nf->getValue<std::string>("error"));
		CPPUNIT_ASSERT(nf->getValue<std::string>("message").find("no such thing") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("bad_request"), server.handle(*req("bad"))->getValue<std::string>("error"));
		CPPUNIT_ASSERT_EQUAL(std::string("failed"), server.handle(*req("io"))->getValue<std::string>("error"));
	}

	void testDuplicateCommandIsRefused()
	{
		AdminServer server("/nonexistent/admin.sock");
		server.addCommand("x", "", [](const Poco::JSON::Object&) { return Poco::Dynamic::Var(1); });
		CPPUNIT_ASSERT_THROW(
			server.addCommand("x", "", [](const Poco::JSON::Object&) { return Poco::Dynamic::Var(2); }), Poco::ExistsException);
		CPPUNIT_ASSERT(server.hasCommand("x"));
	}

	void testHelpListsCommands()
	{
		AdminServer server("/nonexistent/admin.sock");
		server.addCommand("workers.list", "list", [](const Poco::JSON::Object&) { return Poco::Dynamic::Var(1); });
		Poco::JSON::Object::Ptr answer = server.handle(*req("help"));
		Poco::JSON::Array::Ptr list = answer->getArray("result");
		CPPUNIT_ASSERT(list);
		bool found = false;
		for (std::size_t i = 0; i < list->size(); ++i)
			found = found || list->getObject(static_cast<unsigned>(i))->getValue<std::string>("cmd") == "workers.list";
		CPPUNIT_ASSERT(found);
	}

	void testGarbageFrameGetsBadRequestAndConnectionStaysUsable()
	{
		Test::TempDir dir;
		AdminServer server(dir.file("admin.sock"));
		server.start();
		UnixSocket raw = UnixSocket::connect(server.socketPath());
		std::string garbage("\0\0\0\x03"
							"abc",
			7);
		CPPUNIT_ASSERT_EQUAL(ssize_t(7), ::send(raw.fd(), garbage.data(), garbage.size(), MSG_NOSIGNAL));
		WorkerChannel client(std::move(raw));
		Poco::JSON::Object::Ptr answer = client.receive(Poco::Timespan(10, 0));
		CPPUNIT_ASSERT(answer);
		CPPUNIT_ASSERT_EQUAL(std::string("bad_request"), answer->getValue<std::string>("error"));
		client.send(*req("help"));
		answer = client.receive(Poco::Timespan(10, 0));
		CPPUNIT_ASSERT(answer);
		CPPUNIT_ASSERT(answer->getValue<bool>("ok"));
	}

	void testJobsListAndShow()
	{
		NullPreparer preparer;
		NullObserver observer;
		Dispatcher dispatcher(preparer, observer, 10);
		QueuedJob q;
		q.jobId = "queued-1";
		q.hookId = "h";
		dispatcher.submit(q);

		JobInfo done;
		done.jobId = "done-1";
		done.hookId = "h";
		done.status = "success";
		WebhookResult result;
		result.jobId = "done-1";
		result.status = "success";
		result.resultText = "all good";
		result.durationMs = 42;
		done.result = result;

		AdminCommands::JobQueries queries;
		queries.find = [done](const std::string& id) -> std::optional<JobInfo> {
			if (id == done.jobId) return done;
			return std::nullopt;
		};
		queries.list = [done](std::size_t) { return std::vector<JobInfo>{done}; };

		AdminServer server("/nonexistent/admin.sock");
		AdminCommands::addJobCommands(server, dispatcher, queries);

		Poco::JSON::Object::Ptr list = server.handle(*req("jobs.list"));
		CPPUNIT_ASSERT(list->getValue<bool>("ok"));
		Poco::JSON::Array::Ptr jobs = list->getArray("result");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), jobs->size());
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), jobs->getObject(0)->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("done-1"), jobs->getObject(1)->getValue<std::string>("job_id"));

		Poco::JSON::Object::Ptr show = req("jobs.show");
		show->set("job_id", "done-1");
		Poco::JSON::Object::Ptr shown = server.handle(*show)->getObject("result");
		CPPUNIT_ASSERT(shown);
		CPPUNIT_ASSERT_EQUAL(std::string("all good"), shown->getValue<std::string>("result_text"));
		CPPUNIT_ASSERT_EQUAL(42, shown->getValue<int>("duration_ms"));

		show->set("job_id", "queued-1");
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), server.handle(*show)->getObject("result")->getValue<std::string>("status"));

		show->set("job_id", "nope");
		CPPUNIT_ASSERT_EQUAL(std::string("not_found"), server.handle(*show)->getValue<std::string>("error"));
		CPPUNIT_ASSERT_EQUAL(std::string("bad_request"), server.handle(*req("jobs.show"))->getValue<std::string>("error"));
	}

	void testWorkersCommandsDriveThePool()
	{
		Test::TempDir dir;
		NullPreparer preparer;
		NullObserver observer;
		Dispatcher dispatcher(preparer, observer, 10);
		WorkerPoolOptions o;
		o.workerExecutable = SYGEN_TEST_WORKER;
		o.workerArguments = {"--home", dir.path(), "--log", "stderr", "--log-level", "warning"};
		o.socketPath = dir.file("worker.sock");
		o.workers = 2;
		o.heartbeatInterval = Poco::Timespan(0, 100000);
		WorkerPool pool(o, dispatcher);
		dispatcher.setWorkers(&pool);
		pool.start();
		AdminServer server(dir.file("admin.sock"));
		AdminCommands::addWorkerCommands(server, pool);

		auto allIdle = [](const std::vector<WorkerInfo>& ws) {
			for (const WorkerInfo& w: ws)
				if (w.state != "idle") return false;
			return true;
		};
		CPPUNIT_ASSERT(pool.waitUntil(allIdle, Poco::Timespan(20, 0)));
		Poco::JSON::Array::Ptr workers = server.handle(*req("workers.list"))->getArray("result");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), workers->size());
		Poco::JSON::Object::Ptr w2 = workers->getObject(1);
		CPPUNIT_ASSERT_EQUAL(2, w2->getValue<int>("id"));
		CPPUNIT_ASSERT_EQUAL(std::string("idle"), w2->getValue<std::string>("state"));
		CPPUNIT_ASSERT(w2->isNull("current_job"));
		int pid1 = workers->getObject(0)->getValue<int>("pid");
		int pid2 = w2->getValue<int>("pid");

		Poco::JSON::Object::Ptr restart = req("workers.restart");
		restart->set("id", 2);
		CPPUNIT_ASSERT(server.handle(*restart)->getValue<bool>("ok"));
		CPPUNIT_ASSERT(pool.waitUntil(
			[pid2](const std::vector<WorkerInfo>& ws) { return ws[1].state == "idle" && ws[1].pid != pid2 && ws[1].pid > 0; },
			Poco::Timespan(20, 0)));
		CPPUNIT_ASSERT_EQUAL(pid_t(pid1), pool.list()[0].pid);

		Poco::JSON::Object::Ptr stop = req("workers.stop");
		stop->set("id", 1);
		stop->set("now", true);
		CPPUNIT_ASSERT(server.handle(*stop)->getValue<bool>("ok"));
		CPPUNIT_ASSERT(pool.waitUntil([](const std::vector<WorkerInfo>& ws) { return ws[0].state == "stopped"; }, Poco::Timespan(20, 0)));

		Poco::JSON::Object::Ptr start = req("workers.start");
		start->set("id", 1);
		CPPUNIT_ASSERT(server.handle(*start)->getValue<bool>("ok"));
		CPPUNIT_ASSERT(pool.waitUntil(allIdle, Poco::Timespan(20, 0)));

		start->set("id", 9);
		CPPUNIT_ASSERT_EQUAL(std::string("not_found"), server.handle(*start)->getValue<std::string>("error"));
		start->set("id", "two");
		CPPUNIT_ASSERT_EQUAL(std::string("bad_request"), server.handle(*start)->getValue<std::string>("error"));

		pool.shutdown(Poco::Timespan(5, 0));
		dispatcher.setWorkers(nullptr);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminServerTest);
