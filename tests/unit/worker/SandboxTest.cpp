//
// SandboxTest.cpp
//

#include "Sandbox.h"
#include "Landlock.h"
#include "WorkerTestSupport.h"
#include <Poco/File.h>
#include <algorithm>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>
#include <unistd.h>

using Sygen::ResourceLimit;
using Sygen::Sandbox;
using Sygen::SpawnOptions;
using Sygen::WorkerSettings;
using Sygen::Test::ScopedEnv;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s)
{
	return std::find(v.begin(), v.end(), s) != v.end();
}

bool hasName(const std::vector<std::string>& env, const std::string& name)
{
	return std::any_of(env.begin(), env.end(), [&](const std::string& e) { return e.compare(0, name.size() + 1, name + "=") == 0; });
}

} // namespace

class SandboxTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SandboxTest);
	CPPUNIT_TEST(testEnvironmentKeepsOnlyTheAllowlist);
	CPPUNIT_TEST(testPassthroughNamesAndPrefixes);
	CPPUNIT_TEST(testProxyAndCAVariablesPassWithoutConfiguration);
	CPPUNIT_TEST(testEnvFileAddsAndOverrides);
	CPPUNIT_TEST(testMissingEnvFileIsSkipped);
	CPPUNIT_TEST(testPathIsTheSearchPathWithExtraDirFirst);
	CPPUNIT_TEST(testLimitsNeverIncludeAddressSpace);
	CPPUNIT_TEST(testPrepareConfinesTheProcess);
	CPPUNIT_TEST(testLandlockCanBeSwitchedOff);
	CPPUNIT_TEST(testWritablePathsCoverTaskFolderStateFoldersAndDevices);
	CPPUNIT_TEST(testMissingStateFoldersAreCreatedForLandlock);
	CPPUNIT_TEST(testRulesetIsReusedOnlyWhileItsPathsAreUnchanged);
	CPPUNIT_TEST(testStateFolderVariablesPassAndStayWritable);
	CPPUNIT_TEST(testUnknownSandboxUserIsAnError);
	CPPUNIT_TEST(testRootSwitchesToSandboxUser);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEnvironmentKeepsOnlyTheAllowlist()
	{
		ScopedEnv env;
		env.set("SYGEN_TEST_SECRET", "hunter2");
		env.set("AWS_SECRET_ACCESS_KEY", "x");
		env.set("LANG", "C.UTF-8");
		env.set("LC_TIME", "de_DE.UTF-8");
		env.set("ANTHROPIC_API_KEY", "sk-ant");
		env.set("GEMINI_API_KEY", "g");
		std::vector<std::string> e = Sandbox(WorkerSettings()).environment();
		CPPUNIT_ASSERT(!hasName(e, "SYGEN_TEST_SECRET"));
		CPPUNIT_ASSERT(!hasName(e, "AWS_SECRET_ACCESS_KEY"));
		CPPUNIT_ASSERT(contains(e, "LANG=C.UTF-8"));
		CPPUNIT_ASSERT(contains(e, "LC_TIME=de_DE.UTF-8"));
		CPPUNIT_ASSERT(contains(e, "ANTHROPIC_API_KEY=sk-ant"));
		CPPUNIT_ASSERT(contains(e, "GEMINI_API_KEY=g"));
		CPPUNIT_ASSERT(Sandbox::isAllowlisted("OPENAI_API_KEY"));
		CPPUNIT_ASSERT(!Sandbox::isAllowlisted("LD_PRELOAD"));
		CPPUNIT_ASSERT(!Sandbox::isAllowlisted("SYGEN_HOME"));
	}

	void testPassthroughNamesAndPrefixes()
	{
		ScopedEnv env;
		env.set("MYAPP_SOLO", "s");
		env.set("MYAPP_ONE", "1");
		env.set("MYAPP_TWO", "2");
		env.set("MYAPPX", "no");
		WorkerSettings s;
		s.envPassthrough = {"MYAPP_SOLO", "MYAPP_*"};
		std::vector<std::string> e = Sandbox(s).environment();
		CPPUNIT_ASSERT(contains(e, "MYAPP_SOLO=s"));
		CPPUNIT_ASSERT(contains(e, "MYAPP_ONE=1"));
		CPPUNIT_ASSERT(contains(e, "MYAPP_TWO=2"));
		CPPUNIT_ASSERT(!hasName(e, "MYAPPX"));
	}

	void testProxyAndCAVariablesPassWithoutConfiguration()
	{
		const std::vector<std::string> names = {"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
			"no_proxy", "all_proxy", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR"};
		ScopedEnv env;
		for (const std::string& name: names) env.set(name, "value-of-" + name);
		env.set("FTP_PROXY", "not-listed");
		std::vector<std::string> e = Sandbox(WorkerSettings()).environment();
		for (const std::string& name: names)
		{
			CPPUNIT_ASSERT_MESSAGE(name, contains(e, name + "=value-of-" + name));
			CPPUNIT_ASSERT_MESSAGE(name, Sandbox::isAllowlisted(name));
		}
		CPPUNIT_ASSERT(!hasName(e, "FTP_PROXY"));
	}

	void testEnvFileAddsAndOverrides()
	{
		Sygen::Test::TempDir dir;
		Sygen::Test::writeFile(
			dir.file("env"), "# comment\n\nexport TOKEN=abc\nQUOTED=\"a b\"\nSINGLE='c'\nLANG=en_US.UTF-8\nnot a pair\n");
		ScopedEnv env;
		env.set("LANG", "C");
		WorkerSettings s;
		s.envFile = dir.file("env");
		std::vector<std::string> e = Sandbox(s).environment();
		CPPUNIT_ASSERT(contains(e, "TOKEN=abc"));
		CPPUNIT_ASSERT(contains(e, "QUOTED=a b"));
		CPPUNIT_ASSERT(contains(e, "SINGLE=c"));
		CPPUNIT_ASSERT(contains(e, "LANG=en_US.UTF-8"));
		CPPUNIT_ASSERT(!hasName(e, "not a pair"));
	}

	void testMissingEnvFileIsSkipped()
	{
		WorkerSettings s;
		s.envFile = "/nonexistent/env";
		CPPUNIT_ASSERT(hasName(Sandbox(s).environment(), "PATH"));
		CPPUNIT_ASSERT_THROW(Sandbox::readEnvFile("/nonexistent/env"), Poco::FileNotFoundException);
	}

	void testPathIsTheSearchPathWithExtraDirFirst()
	{
		WorkerSettings s;
		s.searchPath = "/opt/bin:/usr/bin";
		CPPUNIT_ASSERT(contains(Sandbox(s).environment(), "PATH=/opt/bin:/usr/bin"));
		CPPUNIT_ASSERT(contains(Sandbox(s).environment("/home/u/.nvm/versions/node/v22.1.0/bin"),
			"PATH=/home/u/.nvm/versions/node/v22.1.0/bin:/opt/bin:/usr/bin"));
	}

	void testLimitsNeverIncludeAddressSpace()
	{
		WorkerSettings s;
		s.cliTimeoutSeconds = 100;
		s.sandbox.openFiles = 512;
		s.sandbox.fileSizeBytes = 1 << 20;
		std::vector<ResourceLimit> limits = Sandbox(s).limits();
		bool cpu = false, nofile = false, fsize = false, core = false;
		for (const ResourceLimit& l: limits)
		{
			CPPUNIT_ASSERT(l.resource != RLIMIT_AS);
			CPPUNIT_ASSERT_EQUAL(l.soft, l.hard);
			if (l.resource == RLIMIT_CPU) cpu = l.soft == 400;
			if (l.resource == RLIMIT_NOFILE) nofile = l.soft == 512;
			if (l.resource == RLIMIT_FSIZE) fsize = l.soft == (1 << 20);
			if (l.resource == RLIMIT_CORE) core = l.soft == 0;
		}
		CPPUNIT_ASSERT(cpu && nofile && fsize && core);
	}

	void testPrepareConfinesTheProcess()
	{
		Sygen::Test::TempDir dir;
		SpawnOptions o = Sandbox(WorkerSettings()).prepare({"claude", "-p"}, "/usr/bin/claude", dir.path());
		CPPUNIT_ASSERT_EQUAL(std::string("/usr/bin/claude"), o.executable);
		CPPUNIT_ASSERT_EQUAL(dir.path(), o.cwd);
		CPPUNIT_ASSERT(o.env.has_value());
		CPPUNIT_ASSERT(o.newProcessGroup);
		CPPUNIT_ASSERT(o.noNewPrivileges);
		CPPUNIT_ASSERT_EQUAL(SIGKILL, o.parentDeathSignal);
		CPPUNIT_ASSERT_EQUAL(mode_t(077), o.umask.value());
		CPPUNIT_ASSERT_EQUAL(Sygen::Landlock::abiVersion() >= 1, static_cast<bool>(o.preExec));
	}

	void testLandlockCanBeSwitchedOff()
	{
		Sygen::Test::TempDir dir;
		WorkerSettings s;
		s.sandbox.landlock = false;
		CPPUNIT_ASSERT(!Sandbox(s).prepare({"claude"}, "/usr/bin/claude", dir.path()).preExec);
	}

	void testWritablePathsCoverTaskFolderStateFoldersAndDevices()
	{
		ScopedEnv env;
		env.set("HOME", "/home/svc");
		std::vector<std::string> paths = Sandbox(WorkerSettings()).writablePaths("/srv/task");
		for (const char* p:
			{"/srv/task", "/home/svc/.claude", "/home/svc/.claude.json", "/home/svc/.codex", "/home/svc/.gemini", "/tmp", "/dev/null"})
		{
			CPPUNIT_ASSERT_MESSAGE(p, contains(paths, p));
		}
		CPPUNIT_ASSERT(!contains(paths, "/home/svc"));
	}

	void testMissingStateFoldersAreCreatedForLandlock()
	{
		if (Sygen::Landlock::abiVersion() < 1) return;
		Sygen::Test::TempDir home;
		ScopedEnv env;
		env.set("HOME", home.path());
		Sandbox(WorkerSettings()).prepare({"codex"}, "/usr/bin/codex", home.path());
		struct stat st;
		CPPUNIT_ASSERT_EQUAL(0, ::stat(home.file(".codex").c_str(), &st));
		CPPUNIT_ASSERT(S_ISDIR(st.st_mode));
		CPPUNIT_ASSERT_EQUAL(0700, static_cast<int>(st.st_mode & 0777));
		CPPUNIT_ASSERT_EQUAL(0, ::stat(home.file(".claude").c_str(), &st));
	}

	void testRulesetIsReusedOnlyWhileItsPathsAreUnchanged()
	{
		if (Sygen::Landlock::abiVersion() < 1) return;
		Sygen::Test::TempDir home;
		ScopedEnv env;
		env.set("HOME", home.path());
		std::string task = home.file("task");
		Poco::File(task).createDirectories();
		WorkerSettings settings;
		settings.sandbox.writablePaths.clear(); // the temporary folder is under /tmp
		auto run = [&](const std::string& script) {
			SpawnOptions o = Sandbox(settings).prepare({"sh", "-c", script}, "/bin/sh", task);
			o.stdoutMode = SpawnOptions::Output::DEV_NULL;
			o.stderrMode = SpawnOptions::Output::DEV_NULL;
			return Sygen::ProcessSpawner::wait(Sygen::ProcessSpawner::spawn(o).pid).code();
		};
		// The second and third runs reuse the first one's ruleset: still confined.
		for (int i = 0; i < 3; ++i)
		{
			CPPUNIT_ASSERT_EQUAL(0, run("echo x > in-" + std::to_string(i)));
			CPPUNIT_ASSERT(run("echo x > '" + home.file("outside") + "'") != 0);
		}
		CPPUNIT_ASSERT(!Poco::File(home.file("outside")).exists());
		// A task folder replaced by a new one (another inode) is writable at once.
		Poco::File(task).remove(true);
		Poco::File(task).createDirectories();
		CPPUNIT_ASSERT_EQUAL(0, run("echo x > again"));
		CPPUNIT_ASSERT(Poco::File(task + "/again").exists());
		// A state folder that appears (here: removed, then made by hand) is allowed too.
		Poco::File(home.file(".codex")).remove(true);
		CPPUNIT_ASSERT_EQUAL(0, run("true"));
		CPPUNIT_ASSERT(Poco::File(home.file(".codex")).exists());
		CPPUNIT_ASSERT_EQUAL(0, run("echo x > '" + home.file(".codex/state") + "'"));
	}

	void testStateFolderVariablesPassAndStayWritable()
	{
		ScopedEnv env;
		env.set("CLAUDE_CONFIG_DIR", "/srv/claude-state");
		env.set("CODEX_HOME", "/srv/codex-state");
		env.set("GEMINI_CLI_HOME", "/srv/gemini-state");
		Sandbox sandbox{WorkerSettings()};
		std::vector<std::string> e = sandbox.environment();
		CPPUNIT_ASSERT(contains(e, "CLAUDE_CONFIG_DIR=/srv/claude-state"));
		CPPUNIT_ASSERT(contains(e, "CODEX_HOME=/srv/codex-state"));
		CPPUNIT_ASSERT(contains(e, "GEMINI_CLI_HOME=/srv/gemini-state"));
		std::vector<std::string> paths = sandbox.writablePaths("/srv/task");
		CPPUNIT_ASSERT(contains(paths, "/srv/claude-state"));
		CPPUNIT_ASSERT(contains(paths, "/srv/codex-state"));
		CPPUNIT_ASSERT(contains(paths, "/srv/gemini-state"));
	}

	void testUnknownSandboxUserIsAnError()
	{
		WorkerSettings s;
		s.sandbox.user = "no-such-user-sygen";
		CPPUNIT_ASSERT_THROW(Sandbox sandbox(s), Poco::NotFoundException);
	}

	void testRootSwitchesToSandboxUser()
	{
		if (::geteuid() != 0) return; // only a root worker switches accounts
		WorkerSettings s;
		s.sandbox.user = "nobody";
		Sandbox sandbox(s);
		CPPUNIT_ASSERT(sandbox.identity().has_value());
		SpawnOptions o = sandbox.prepare({"claude"}, "/usr/bin/claude", "/tmp");
		CPPUNIT_ASSERT_EQUAL(uid_t(65534), o.uid.value());
		CPPUNIT_ASSERT_EQUAL(gid_t(65534), o.gid.value());
		CPPUNIT_ASSERT(o.groups.has_value());
		CPPUNIT_ASSERT(contains(*o.env, "USER=nobody"));
		CPPUNIT_ASSERT(contains(*o.env, "HOME=" + sandbox.cliHome()));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SandboxTest);
