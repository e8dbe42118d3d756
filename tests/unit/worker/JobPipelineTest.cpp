//
// JobPipelineTest.cpp
//
// The gates cron_task and wake share, in their order, with a real dependency
// lock in a temp state folder. The CLI runs are JobRunnerTest's and WakeRunnerTest's.
//

#include "JobPipeline.h"
#include "DependencyLock.h"
#include "Sygen/Protocol/JobStatus.h"
#include "WorkerTestSupport.h"
#include <Poco/File.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::DependencyLock;
using Sygen::ExecutionConfig;
using Sygen::Hook;
using Sygen::JobOutcome;
using Sygen::JobPipeline;
using Sygen::JobSpec;
using Sygen::ManualClock;
using Sygen::TimeZone;
using Sygen::Test::CronFixture;

namespace {

// 2026-07-15 10:00:00 UTC
const Poco::Timestamp MORNING = Poco::Timestamp::fromEpochTime(1784109600);

struct Probe
/// What the gates and the body saw.
{
	int zoneReads = 0;
	int folderCalls = 0;
	int bodyCalls = 0;
	bool lockHeldInBody = false;
	std::string bodyFolder;
	std::string bodyProvider;
};

} // namespace

class JobPipelineTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JobPipelineTest);
	CPPUNIT_TEST(testAllGatesPassRunsTheBodyUnderTheLock);
	CPPUNIT_TEST(testQuietHoursStopBeforeTheFolderUnderTheLock);
	CPPUNIT_TEST(testFolderStatusStopsBeforeTheModelCheck);
	CPPUNIT_TEST(testInvalidModelStopsBeforeTheBody);
	CPPUNIT_TEST(testZoneIsResolvedOnlyWhenAnHourCanBeQuiet);
	CPPUNIT_TEST(testLocksLiveInTheConfiguredStateFolder);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_f.reset(new CronFixture);
		_probe = Probe();
	}

	void tearDown() override { _f.reset(); }

	void testAllGatesPassRunsTheBodyUnderTheLock()
	{
		Hook hook = CronFixture::cronHook("report");
		hook.dependency = std::string("db");
		hook.provider = std::string("codex");
		hook.model = std::string("gpt-5");
		JobOutcome out = run(hook, {"", "/the/folder"});
		CPPUNIT_ASSERT_EQUAL(std::string("body"), out.status);
		CPPUNIT_ASSERT_EQUAL(1, _probe.bodyCalls);
		CPPUNIT_ASSERT(_probe.lockHeldInBody);
		CPPUNIT_ASSERT_EQUAL(std::string("/the/folder"), _probe.bodyFolder);
		CPPUNIT_ASSERT_EQUAL(std::string("codex"), _probe.bodyProvider);
		CPPUNIT_ASSERT(!DependencyLock::isLocked(lockPath("db")));
	}

	void testQuietHoursStopBeforeTheFolderUnderTheLock()
	{
		Hook hook = CronFixture::cronHook("report");
		hook.dependency = std::string("db");
		hook.quietStart = 9;
		hook.quietEnd = 11;
		bool lockHeldAtZone = false;
		const std::string lock = lockPath("db");
		ManualClock clock(MORNING);
		JobPipeline pipeline(_f->settings, clock, [&] {
			lockHeldAtZone = DependencyLock::isLocked(lock);
			return TimeZone::utc();
		});
		JobOutcome out = pipeline.run(CronFixture::order(hook), folderGate({"", "/f"}), body());
		CPPUNIT_ASSERT_EQUAL(Sygen::JobStatus::SKIPPED_QUIET_HOURS, out.status);
		CPPUNIT_ASSERT(lockHeldAtZone);
		CPPUNIT_ASSERT_EQUAL(0, _probe.folderCalls);
		CPPUNIT_ASSERT_EQUAL(0, _probe.bodyCalls);
	}

	void testFolderStatusStopsBeforeTheModelCheck()
	{
		Hook hook = CronFixture::cronHook("report");
		hook.model = std::string("not-a-claude-model");
		JobOutcome out = run(hook, {Sygen::JobStatus::ERROR_FOLDER_MISSING, ""});
		CPPUNIT_ASSERT_EQUAL(Sygen::JobStatus::ERROR_FOLDER_MISSING, out.status);
		CPPUNIT_ASSERT_EQUAL(1, _probe.folderCalls);
		CPPUNIT_ASSERT_EQUAL(0, _probe.bodyCalls);
	}

	void testInvalidModelStopsBeforeTheBody()
	{
		Hook hook = CronFixture::cronHook("report");
		hook.provider = std::string("gemini");
		hook.model = std::string("opus");
		JobOutcome out = run(hook, {"", "/f"});
		CPPUNIT_ASSERT_EQUAL(Sygen::JobStatus::ERROR_INVALID_MODEL, out.status);
		CPPUNIT_ASSERT_EQUAL(0, _probe.bodyCalls);
	}

	void testZoneIsResolvedOnlyWhenAnHourCanBeQuiet()
	{
		// The shortcut once lived in the cron_task runner only; the pipeline is both modes' gate.
		Hook hook = CronFixture::cronHook("report");
		CPPUNIT_ASSERT_EQUAL(std::string("body"), run(hook, {"", "/f"}).status);
		hook.quietStart = 5;
		hook.quietEnd = 5;
		CPPUNIT_ASSERT_EQUAL(std::string("body"), run(hook, {"", "/f"}).status);
		CPPUNIT_ASSERT_EQUAL(0, _probe.zoneReads);
		hook.quietStart = 22;
		hook.quietEnd = 7;
		CPPUNIT_ASSERT_EQUAL(std::string("body"), run(hook, {"", "/f"}).status);
		CPPUNIT_ASSERT_EQUAL(1, _probe.zoneReads);
		for (const char* mode: {"cron_task", "wake"})
		{
			hook.mode = mode;
			hook.quietStart.reset();
			hook.quietEnd.reset();
			CPPUNIT_ASSERT_EQUAL(std::string("body"), run(hook, {"", "/f"}).status);
			CPPUNIT_ASSERT_EQUAL(1, _probe.zoneReads);
		}
	}

	void testLocksLiveInTheConfiguredStateFolder()
	{
		// Before, a runner given no state folder fell back to <home>/webhook-state on
		// its own, and the other did not: both now take Config::Paths.
		_f->settings.paths.stateDir = _f->home + "/elsewhere";
		ManualClock clock(MORNING);
		JobPipeline pipeline(_f->settings, clock);
		CPPUNIT_ASSERT_EQUAL(_f->home + "/elsewhere/locks", pipeline.locksDir());
		Hook hook = CronFixture::cronHook("report");
		hook.dependency = std::string("db");
		CPPUNIT_ASSERT_EQUAL(std::string("body"), run(hook, {"", "/f"}).status);
		CPPUNIT_ASSERT(_probe.lockHeldInBody);
		CPPUNIT_ASSERT(Poco::File(_f->home + "/elsewhere/locks/" + DependencyLock::fileName("db")).exists());
	}

private:
	std::string lockPath(const std::string& dependency) const
	{
		return _f->settings.paths.stateDir + "/locks/" + DependencyLock::fileName(dependency);
	}

	JobPipeline::FolderGate folderGate(JobPipeline::Folder answer)
	{
		return [this, answer](const JobSpec&) {
			++_probe.folderCalls;
			return answer;
		};
	}

	JobPipeline::Body body()
	{
		return [this](const std::string& folder, const ExecutionConfig& config) {
			++_probe.bodyCalls;
			_probe.bodyFolder = folder;
			_probe.bodyProvider = config.provider;
			_probe.lockHeldInBody = DependencyLock::isLocked(_lock);
			return JobOutcome{"body", ""};
		};
	}

	JobOutcome run(const Hook& hook, JobPipeline::Folder folder)
	{
		_lock = hook.dependency ? lockPath(*hook.dependency) : "";
		ManualClock clock(MORNING);
		JobPipeline pipeline(_f->settings, clock, [this] {
			++_probe.zoneReads;
			return TimeZone::utc();
		});
		return pipeline.run(CronFixture::order(hook), folderGate(folder), body());
	}

	std::unique_ptr<CronFixture> _f;
	Probe _probe;
	std::string _lock;
};

CPPUNIT_TEST_SUITE_REGISTRATION(JobPipelineTest);
