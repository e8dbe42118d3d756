//
// FaultInjectionTest.cpp
//
// What a hostile operator's week does to the real binaries: a flipped byte in the
// job journal, a full disk (a small tmpfs under the spool), a broken hook file at
// start, kill -9 at chosen points. Nothing answered 202 may be lost or failed by a
// broken file, nothing may run twice, and the queue must resume by itself.
//

#include "ServiceFixture.h"
#include "Sygen/Foundation/JSONFields.h"
#include "TestSupport.h"
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>
#include <cerrno>
#include <cppunit/extensions/HelperMacros.h>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <map>
#include <set>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

using Sygen::JSONFields;
using Sygen::Test::HTTPReply;
using Sygen::Test::ServiceFixture;

namespace {

// Jobs of one dependency run one at a time: while "blocker" runs, the others queue.
const char* HOOKS = R"json({"hooks": [
  {"id": "blocker", "title": "Blocker", "mode": "cron_task", "prompt_template": "Block", "task_folder": "slow", "dependency": "d"},
  {"id": "serial", "title": "Serial", "mode": "cron_task", "prompt_template": "Item#{{n}}#", "task_folder": "quick", "dependency": "d"},
  {"id": "parked", "title": "Parked", "mode": "cron_task", "prompt_template": "Parked", "task_folder": "quick", "dependency": "d"}
]}
)json";

const long PAGE = 4096;

std::string jobIdOf(const HTTPReply& reply)
{
	CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, 202, reply.status);
	return reply.json()->getValue<std::string>("job_id");
}

class TmpfsMount
/// A small tmpfs on a folder, detached again on destruction.
{
public:
	explicit TmpfsMount(const std::string& path, const std::string& size):
		_path(path)
	{
		Poco::File(path).createDirectories();
		std::string options = "size=" + size + ",mode=0700";
		_mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) == 0;
		if (!_mounted) _error = std::strerror(errno);
	}

	~TmpfsMount()
	{
		if (_mounted) ::umount2(_path.c_str(), MNT_DETACH);
	}

	bool mounted() const { return _mounted; }
	const std::string& error() const { return _error; }

private:
	std::string _path;
	bool _mounted = false;
	std::string _error;
};

long freePages(const std::string& path)
{
	struct statvfs vfs;
	if (::statvfs(path.c_str(), &vfs) != 0) return -1;
	return static_cast<long>(vfs.f_bavail * vfs.f_frsize / PAGE);
}

void setFillerSize(const std::string& filler, off_t size)
{
	int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	CPPUNIT_ASSERT(fd >= 0);
	CPPUNIT_ASSERT_EQUAL(0, ::ftruncate(fd, size));
	::close(fd);
}

off_t fillCompletely(const std::string& filler)
{
	// tmpfs allocates pages on write: write page after page until ENOSPC.
	int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CPPUNIT_ASSERT(fd >= 0);
	std::string page(PAGE, 'f');
	off_t size = 0;
	while (::pwrite(fd, page.data(), page.size(), size) == static_cast<ssize_t>(page.size())) size += PAGE;
	::close(fd);
	setFillerSize(filler, size);
	return size;
}

std::size_t acceptedRecordLength(std::size_t bodyLength)
{
	// JobSpool's accepted record for hook "parked", dependency "d" (see its layout).
	std::string meta = "{\"dependency\":\"d\",\"hook_id\":\"parked\",\"job_id\":\"" + std::string(36, 'x') +
		"\",\"queued_at\":" + std::string(16, '1') + "}";
	std::string header = "A " + std::to_string(meta.size()) + " " + std::to_string(bodyLength) + " 12345678\n";
	return header.size() + meta.size() + bodyLength + 1;
}

long long metric(ServiceFixture& service, const std::string& name)
{
	HTTPReply reply = service.request("GET", "/metrics");
	Poco::StringTokenizer lines(reply.body, "\n");
	for (const std::string& line: lines)
	{
		if (line.compare(0, name.size() + 1, name + " ") == 0) return Poco::NumberParser::parse64(line.substr(name.size() + 1));
	}
	CPPUNIT_FAIL("metric " + name + " not in: " + reply.body);
	return -1;
}

std::size_t count(const std::string& text, const std::string& what)
{
	std::size_t n = 0;
	for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
	return n;
}

} // namespace

class FaultInjectionTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(FaultInjectionTest);
	CPPUNIT_TEST(testDamagedJournalRecordsCostThemselvesAlone);
	CPPUNIT_TEST(testFullDiskRefusesWith503AndLosesNothing);
	CPPUNIT_TEST(testKillNineWithAnUnwrittenResultNeverRunsTheJobTwice);
	CPPUNIT_TEST(testEmptyHookFileAtStartHoldsQueuedJobs);
	CPPUNIT_TEST(testDeepestAcceptedBodyStillRunsAtDispatch);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_service.reset(new ServiceFixture);
		_service->writeHooks(HOOKS);
		_slowFolder = _service->taskFolder("slow", R"({"result": "slow done", "sleep": 4, "started_log": "started.log"})");
		_quickFolder = _service->taskFolder("quick", R"({"result": "quick done", "started_log": "started.log"})");
	}

	void tearDown() override { _service.reset(); }

	std::string status(const std::string& jobId)
	{
		HTTPReply reply = _service->request("GET", "/jobs/" + jobId, "", {{"Authorization", "Bearer " + ServiceFixture::TOKEN}});
		if (reply.status == 404) return "(404)";
		return reply.json()->getValue<std::string>("status");
	}

	Poco::JSON::Object::Ptr job(const std::string& jobId)
	{
		return _service->request("GET", "/jobs/" + jobId, "", {{"Authorization", "Bearer " + ServiceFixture::TOKEN}}).json();
	}

	bool waitForStatus(const std::string& jobId, const std::string& wanted, Poco::Timespan timeout = Poco::Timespan(30, 0))
	{
		return _service->waitFor([&]() { return status(jobId) == wanted; }, timeout);
	}

	std::map<std::string, int> runsByPrompt(const std::string& folder)
	{
		// One line per CLI start; the prompt is the CLI's last argument.
		std::map<std::string, int> runs;
		if (!Poco::File(folder + "/started.log").exists()) return runs;
		Poco::StringTokenizer lines(Sygen::Test::readFile(folder + "/started.log"), "\n", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
		for (const std::string& line: lines)
		{
			Poco::JSON::Object::Ptr record = JSONFields::parseObject(line);
			Poco::JSON::Array::Ptr argv = record->getArray("argv");
			std::string all;
			for (unsigned i = 0; i < argv->size(); ++i) all += argv->getElement<std::string>(i) + " ";
			std::size_t at = all.find("Item#");
			std::string key = at == std::string::npos ? std::string("other") : all.substr(at, all.find('#', at + 5) + 1 - at);
			++runs[key];
		}
		return runs;
	}

	void flipByteBefore(const std::string& path, const std::string& marker, int occurrence, std::size_t back)
	{
		std::string journal = Sygen::Test::readFile(path);
		std::size_t pos = std::string::npos;
		for (int i = 0; i <= occurrence; ++i) pos = journal.find(marker, pos == std::string::npos ? 0 : pos + 1);
		CPPUNIT_ASSERT_MESSAGE("marker not in the journal: " + marker, pos != std::string::npos && pos >= back);
		journal[pos - back] = static_cast<char>(journal[pos - back] ^ 0x01);
		Sygen::Test::writeFile(path, journal);
	}

	std::string fillDiskExactly(const std::string& spool, const std::string& filler)
	{
		// Fill the disk to the last byte: the filler takes every free page but enough
		// for one accepted record ("parked", queued behind the blocker) that ends
		// exactly at a page boundary. Then the next journal record is refused.
		off_t full = fillCompletely(filler);
		const std::uint64_t journalSize = static_cast<std::uint64_t>(Poco::File(spool + "/journal").getSize());
		std::size_t want = static_cast<std::size_t>((PAGE - static_cast<long>(journalSize % PAGE)) % PAGE);
		std::size_t bodyLength = 16;
		for (;;)
		{
			// A length whose digit count changes can be skipped: then one page more.
			while (want < acceptedRecordLength(16)) want += PAGE;
			while (acceptedRecordLength(bodyLength) < want) ++bodyLength;
			if (acceptedRecordLength(bodyLength) == want) break;
			want += PAGE;
		}
		long pagesNeeded = static_cast<long>((journalSize + want + PAGE - 1) / PAGE - (journalSize + PAGE - 1) / PAGE);
		setFillerSize(filler, full - pagesNeeded * PAGE);
		CPPUNIT_ASSERT_EQUAL(pagesNeeded, freePages(spool));
		std::string padding = "{\"p\":\"" + std::string(bodyLength - 8, 'x') + "\"}";
		std::string parked = jobIdOf(_service->postHook("parked", padding));
		CPPUNIT_ASSERT_EQUAL(0L, freePages(spool));
		return parked;
	}

	void testDamagedJournalRecordsCostThemselvesAlone()
	{
		// Item 1: before, one flipped bit cut every record after it (22-46 of 50 jobs gone).
		_service->start();
		std::string blocker = jobIdOf(_service->postHook("blocker", "{}"));
		CPPUNIT_ASSERT(waitForStatus(blocker, "running"));
		std::vector<std::string> serial;
		for (int n = 1; n <= 8; ++n) serial.push_back(jobIdOf(_service->postHook("serial", "{\"n\": " + std::to_string(n) + "}")));
		CPPUNIT_ASSERT(_service->waitFor([&]() { return runsByPrompt(_slowFolder)["other"] == 1; }));
		_service->stop(SIGKILL);

		const std::string journal = _service->stateDir() + "/spool/journal";
		// The accepted record of job 4 (its meta), and the blocker's "started" record
		// (the second record naming it): a damaged start must not make it run twice.
		flipByteBefore(journal, "\"job_id\":\"" + serial[3] + "\"", 0, 5);
		flipByteBefore(journal, "\"job_id\":\"" + blocker + "\"", 1, 3);

		_service->start();
		for (std::size_t i = 0; i < serial.size(); ++i)
		{
			if (i == 3) continue;
			CPPUNIT_ASSERT_MESSAGE(
				"job " + std::to_string(i + 1) + ": " + status(serial[i]) + "\n" + _service->log(), waitForStatus(serial[i], "success"));
		}
		CPPUNIT_ASSERT_EQUAL(std::string("error:journal_damaged"), status(serial[3]));
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), status(blocker));

		// Nothing ran twice: the blocker once (before the kill), each other job once.
		std::map<std::string, int> slowRuns = runsByPrompt(_slowFolder);
		CPPUNIT_ASSERT_EQUAL(1, slowRuns["other"]);
		std::map<std::string, int> quickRuns = runsByPrompt(_quickFolder);
		CPPUNIT_ASSERT_EQUAL(std::size_t(7), quickRuns.size());
		for (const auto& run: quickRuns) CPPUNIT_ASSERT_EQUAL_MESSAGE(run.first, 1, run.second);
		CPPUNIT_ASSERT_EQUAL(0, quickRuns.count("Item#4#") ? 1 : 0);

		// Loud: an error line per damaged stretch, a metric, the ctl, a quarantine copy.
		std::string log = _service->log();
		CPPUNIT_ASSERT_EQUAL_MESSAGE(log, std::size_t(2), count(log, "damaged record at offset"));
		CPPUNIT_ASSERT_EQUAL(2LL, metric(*_service, "sygen_webhook_journal_damaged_records"));
		std::string output;
		CPPUNIT_ASSERT_EQUAL(0, _service->ctl({"jobs", "list"}, output));
		CPPUNIT_ASSERT_MESSAGE(output, output.find("DAMAGED journal record") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(output, output.find(serial[3]) != std::string::npos);
		std::string quarantined;
		for (Poco::DirectoryIterator it(_service->stateDir() + "/spool/quarantine"), end; it != end; ++it)
			quarantined += Sygen::Test::readFile(it->path());
		CPPUNIT_ASSERT(quarantined.find(serial[3]) != std::string::npos);
		CPPUNIT_ASSERT(quarantined.find(blocker) != std::string::npos);

		// The journal was rewritten without the damage: the next start finds none.
		_service->stop();
		_service->start();
		CPPUNIT_ASSERT_EQUAL(0LL, metric(*_service, "sygen_webhook_journal_damaged_records"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), status(serial[7]));
		CPPUNIT_ASSERT_EQUAL(std::string("error:journal_damaged"), status(serial[3]));
	}

	void testFullDiskRefusesWith503AndLosesNothing()
	{
		// Items 3, 4 and 5 on a real full disk: a 1 MiB tmpfs under the spool.
		const std::string spool = _service->stateDir() + "/spool";
		TmpfsMount tmpfs(spool, "1m");
		if (!tmpfs.mounted())
		{
			std::cerr << "\nSKIPPED FaultInjectionTest::testFullDiskRefusesWith503AndLosesNothing: cannot mount a tmpfs (" << tmpfs.error()
					  << "); run as root\n";
			return;
		}
		_service->start();
		std::string blocker = jobIdOf(_service->postHook("blocker", "{}"));
		CPPUNIT_ASSERT(waitForStatus(blocker, "running"));
		std::string serial = jobIdOf(_service->postHook("serial", "{\"n\": 1}"));

		const std::string filler = spool + "/filler";
		std::string parked = fillDiskExactly(spool, filler);
		CPPUNIT_ASSERT_EQUAL_MESSAGE("the blocker finished before the disk was full; the machine is too slow for this test",
			std::string("running"), status(blocker));

		// Item 5: not accepted, 503 with Retry-After, one log line for the episode.
		for (int i = 0; i < 5; ++i)
		{
			HTTPReply refused = _service->postHook("serial", "{\"n\": 99}");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 503, refused.status);
			CPPUNIT_ASSERT(refused.headers.has("Retry-After"));
			CPPUNIT_ASSERT(refused.body.find("journal_unavailable") != std::string::npos);
		}
		CPPUNIT_ASSERT_EQUAL(0LL, metric(*_service, "sygen_webhook_journal_writable"));
		Poco::JSON::Object::Ptr health = _service->request("GET", "/health").json();
		CPPUNIT_ASSERT_EQUAL(std::string("degraded"), health->getValue<std::string>("status"));
		CPPUNIT_ASSERT(health->getObject("problems")->has("journal"));

		// Item 4: the blocker's result cannot be written; it is kept and shown.
		CPPUNIT_ASSERT_MESSAGE(_service->log(), waitForStatus(blocker, "success"));
		CPPUNIT_ASSERT(_service->waitFor([&]() { return metric(*_service, "sygen_webhook_unwritten_results") == 1; }));
		// Item 3: the next job cannot be recorded as started: it stays queued, in
		// GET /jobs as in the ctl, and the jobs wait (health, metric).
		CPPUNIT_ASSERT(_service->waitFor([&]() { return metric(*_service, "sygen_webhook_jobs_held") == 1; }));
		CPPUNIT_ASSERT_EQUAL(std::string("queued"), status(serial));
		std::string output;
		CPPUNIT_ASSERT_EQUAL(0, _service->ctl({"jobs", "show", serial, "--json"}, output));
		CPPUNIT_ASSERT_MESSAGE(output, output.find("\"queued\"") != std::string::npos);
		std::string log = _service->log();
		CPPUNIT_ASSERT_EQUAL_MESSAGE(log, std::size_t(1), count(log, "job journal: cannot write"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(log, std::size_t(0), count(log, "request failed"));

		// Space returns: the queue resumes by itself (no new request), the result is written.
		Poco::File(filler).remove();
		CPPUNIT_ASSERT_MESSAGE(_service->log(), waitForStatus(serial, "success"));
		CPPUNIT_ASSERT(waitForStatus(parked, "success"));
		CPPUNIT_ASSERT(_service->waitFor([&]() { return metric(*_service, "sygen_webhook_unwritten_results") == 0; }));
		CPPUNIT_ASSERT_EQUAL(1LL, metric(*_service, "sygen_webhook_journal_writable"));
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), _service->request("GET", "/health").json()->getValue<std::string>("status"));

		// Nothing lost at a restart, nothing ran twice.
		_service->stop();
		_service->start();
		Poco::JSON::Object::Ptr kept = job(blocker);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), kept->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("slow done"), kept->getValue<std::string>("result_text"));
		CPPUNIT_ASSERT_EQUAL(std::string("success"), status(serial));
		CPPUNIT_ASSERT_EQUAL(1, runsByPrompt(_quickFolder)["Item#1#"]);
		CPPUNIT_ASSERT_EQUAL(1, runsByPrompt(_slowFolder)["other"]);
		_service->stop();
	}

	void testKillNineWithAnUnwrittenResultNeverRunsTheJobTwice()
	{
		// The one loss left: a kill -9 while a result waits for disk space. The job
		// must then end error:worker_lost, and never run again.
		const std::string spool = _service->stateDir() + "/spool";
		TmpfsMount tmpfs(spool, "1m");
		if (!tmpfs.mounted())
		{
			std::cerr << "\nSKIPPED FaultInjectionTest::testKillNineWithAnUnwrittenResultNeverRunsTheJobTwice: cannot mount a tmpfs ("
					  << tmpfs.error() << "); run as root\n";
			return;
		}
		_service->start();
		std::string blocker = jobIdOf(_service->postHook("blocker", "{}"));
		CPPUNIT_ASSERT(waitForStatus(blocker, "running"));
		const std::string filler = spool + "/filler";
		std::string parked = fillDiskExactly(spool, filler);
		CPPUNIT_ASSERT(waitForStatus(blocker, "success"));
		CPPUNIT_ASSERT(_service->waitFor([&]() { return metric(*_service, "sygen_webhook_unwritten_results") == 1; }));
		_service->stop(SIGKILL);
		Poco::File(filler).remove();
		_service->start();
		CPPUNIT_ASSERT_EQUAL(std::string("error:worker_lost"), status(blocker));
		CPPUNIT_ASSERT(waitForStatus(parked, "success"));
		CPPUNIT_ASSERT_EQUAL(1, runsByPrompt(_slowFolder)["other"]);
	}

	void testEmptyHookFileAtStartHoldsQueuedJobs()
	{
		// Item 2: a 0-byte webhooks.json (a crashed editor) used to fail every queued job.
		// Likewise a file cut in half, and a missing one.
		const std::string hooksFile = _service->home() + "/webhooks.json";
		const std::string whole = HOOKS;
		const std::vector<std::string> variants = {"empty", "cut in half", "missing"};
		for (const std::string& variant: variants)
		{
			_service->start();
			std::string blocker = jobIdOf(_service->postHook("blocker", "{}"));
			CPPUNIT_ASSERT(waitForStatus(blocker, "running"));
			std::vector<std::string> serial;
			for (int n = 1; n <= 3; ++n) serial.push_back(jobIdOf(_service->postHook("serial", "{\"n\": " + std::to_string(n) + "}")));
			_service->stop(SIGKILL);
			if (variant == "empty") _service->writeHooks("");
			else if (variant == "cut in half") _service->writeHooks(whole.substr(0, whole.size() / 2));
			else Poco::File(hooksFile).remove();

			_service->start();
			CPPUNIT_ASSERT_MESSAGE(
				variant + "\n" + _service->log(), _service->waitFor([&]() { return metric(*_service, "sygen_webhook_jobs_held") == 1; }));
			for (const std::string& id: serial) CPPUNIT_ASSERT_EQUAL_MESSAGE(variant, std::string("queued"), status(id));
			Poco::JSON::Object::Ptr health = _service->request("GET", "/health").json();
			CPPUNIT_ASSERT_EQUAL(std::string("degraded"), health->getValue<std::string>("status"));
			CPPUNIT_ASSERT(health->getObject("problems")->getValue<std::string>("jobs_held").find("webhooks.json") != std::string::npos);
			CPPUNIT_ASSERT(_service->log().find("queued jobs wait") != std::string::npos);

			// The file is repaired: the jobs run without anything else happening.
			_service->writeHooks(HOOKS);
			for (const std::string& id: serial)
				CPPUNIT_ASSERT_MESSAGE(
					variant + ": " + status(id) + "\n" + _service->log(), waitForStatus(id, "success", Poco::Timespan(60, 0)));
			CPPUNIT_ASSERT_EQUAL(0LL, metric(*_service, "sygen_webhook_jobs_held"));
			_service->stop();
		}
	}

	void testDeepestAcceptedBodyStillRunsAtDispatch()
	{
		// Item 6: 512 levels got 202, then error:exception at dispatch (Poco stops at 128).
		_service->start();
		for (const std::string& key: {std::string("a"), std::string("\xc3\xa9")})
		{
			std::string deepest;
			for (int i = 1; i < 512; ++i) deepest += "{\"" + key + "\":";
			deepest += "{}" + std::string(511, '}');
			std::string id = jobIdOf(_service->postHook("serial", deepest));
			CPPUNIT_ASSERT_MESSAGE(status(id) + "\n" + _service->log(), waitForStatus(id, "success"));
			HTTPReply refused = _service->postHook("serial", "{\"" + key + "\":" + deepest + "}");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 400, refused.status);
			CPPUNIT_ASSERT(refused.body.find("invalid_json") != std::string::npos);
		}
	}

private:
	std::unique_ptr<ServiceFixture> _service;
	std::string _slowFolder;
	std::string _quickFolder;
};

CPPUNIT_TEST_SUITE_REGISTRATION(FaultInjectionTest);
