//
// ServiceFixture.cpp
//

#include "ServiceFixture.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/ProcessSpawner.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NumberParser.h>
#include <Poco/StreamCopier.h>
#include <Poco/Thread.h>
#include <csignal>
#include <cstdlib>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {
namespace Test {

const std::string ServiceFixture::TOKEN = "test-global-token-0123456789abcdefghijklmnopq";

Poco::JSON::Object::Ptr HTTPReply::json() const
{
	return JSONFields::parseObject(body);
}

ServiceFixture::ServiceFixture()
{
	_config = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	Poco::JSON::Object::Ptr webhooks = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	webhooks->set("enabled", true);
	webhooks->set("host", "127.0.0.1");
	webhooks->set("port", 0);
	webhooks->set("token", TOKEN);
	webhooks->set("rate_limit_per_minute", 100000);
	webhooks->set("workers", 2);
	_config->set("webhooks", webhooks);
	_config->set("cli_timeout", 30);
	writeHooks("{\"hooks\": []}\n");
}

ServiceFixture::~ServiceFixture()
{
	if (_pid > 0 && !_reaped)
	{
		::kill(_pid, SIGKILL);
		ProcessSpawner::waitFor(_pid, Poco::Timespan(10, 0));
		// Workers die with their parent (parent-death signal); give them a moment.
		ProcessSpawner::killProcessGroup(_pid, SIGKILL);
	}
	if (_reader.joinable()) _reader.join();
}

Poco::JSON::Object::Ptr& ServiceFixture::config()
{
	return _config;
}

Poco::JSON::Object& ServiceFixture::webhooks()
{
	return *_config->getObject("webhooks");
}

void ServiceFixture::writeHooks(const std::string& json)
{
	writeFile(_home.file("webhooks.json"), json);
	// As an operator should keep it (the service warns about secrets others may read).
	::chmod(_home.file("webhooks.json").c_str(), 0600);
}

void ServiceFixture::writeConfig()
{
	writeFile(_home.file("config/config.json"), JSONFields::compact(_config) + "\n");
	::chmod(_home.file("config/config.json").c_str(), 0600);
}

std::string ServiceFixture::fakeCliDir() const
{
	return SYGEN_FAKE_CLI_DIR;
}

void ServiceFixture::addEnvironment(const std::string& name, const std::string& value)
{
	_extraEnv.push_back(name + "=" + value);
}

void ServiceFixture::setSearchPath(const std::string& path)
{
	_searchPath = path;
}

void ServiceFixture::start(const std::vector<std::string>& extraArgs, bool rewriteConfig)
{
	if (rewriteConfig) writeConfig();
	Poco::File previousAddress(stateDir() + "/http.address");
	if (previousAddress.exists()) previousAddress.remove();
	SpawnOptions options;
	options.executable = SYGEN_WEBHOOKD;
	options.argv = {SYGEN_WEBHOOKD, "--home", _home.path(), "--config", _home.file("config/config.json")};
	options.argv.insert(options.argv.end(), extraArgs.begin(), extraArgs.end());
	std::vector<std::string> env;
	const char* path = std::getenv("PATH");
	env.push_back("PATH=" + (!_searchPath.empty() ? _searchPath : fakeCliDir() + ":" + (path ? path : "/usr/bin:/bin")));
	env.push_back("HOME=" + _home.path());
	env.push_back("TZ=UTC");
	env.push_back("SYGEN_TEST_SECRET=do-not-leak-this-value");
	env.insert(env.end(), _extraEnv.begin(), _extraEnv.end());
	options.env = env;
	options.stdoutMode = SpawnOptions::Output::PIPE;
	options.stderrMode = SpawnOptions::Output::PIPE;
	options.newProcessGroup = true;
	SpawnedProcess process = ProcessSpawner::spawn(options);
	_pid = process.pid;
	_reaped = false;
	ProcessSpawner::closeDescriptor(process.stdoutFd);
	if (_reader.joinable()) _reader.join();
	int fd = process.stderrFd;
	_reader = std::thread([this, fd]() { collect(fd); });

	std::string addressFile = stateDir() + "/http.address";
	bool listening = waitFor([&]() {
		if (!running()) return true;
		return Poco::File(addressFile).exists();
	});
	if (!running()) throw Poco::RuntimeException("sygen-webhookd exited during start-up: " + log());
	if (!listening) throw Poco::TimeoutException("sygen-webhookd did not listen: " + log());
	std::string address = readFile(addressFile);
	_port = Poco::NumberParser::parse(address.substr(address.rfind(':') + 1, address.find('\n') - address.rfind(':') - 1));
}

int ServiceFixture::run(const std::vector<std::string>& args, std::string& output, Poco::Timespan timeout)
{
	return runProgram(SYGEN_WEBHOOKD, args, output, {"PATH=/usr/bin:/bin", "HOME=" + _home.path()}, timeout);
}

int ServiceFixture::ctl(const std::vector<std::string>& args, std::string& output)
{
	std::vector<std::string> all{"--home", _home.path()};
	all.insert(all.end(), args.begin(), args.end());
	return runProgram(SYGEN_CTL, all, output, {"PATH=/usr/bin:/bin", "HOME=" + _home.path()});
}

Poco::JSON::Array::Ptr ServiceFixture::workers()
{
	std::string output;
	int code = ctl({"workers", "list", "--json"}, output);
	if (code != 0) throw Poco::RuntimeException("workers list failed (" + std::to_string(code) + "): " + output);
	Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(output);
	if (parsed.type() == typeid(Poco::JSON::Array::Ptr)) return parsed.extract<Poco::JSON::Array::Ptr>();
	return parsed.extract<Poco::JSON::Object::Ptr>()->getArray("workers");
}

int ServiceFixture::workerPid(int workerId)
{
	Poco::JSON::Array::Ptr list = workers();
	for (std::size_t i = 0; i < list->size(); ++i)
	{
		Poco::JSON::Object::Ptr w = list->getObject(static_cast<unsigned>(i));
		if (w->getValue<int>("id") == workerId) return w->isNull("pid") ? 0 : w->getValue<int>("pid");
	}
	return 0;
}

int ServiceFixture::workerRunning(const std::string& jobId)
{
	Poco::JSON::Array::Ptr list = workers();
	for (std::size_t i = 0; i < list->size(); ++i)
	{
		Poco::JSON::Object::Ptr w = list->getObject(static_cast<unsigned>(i));
		if (!w->isNull("current_job") && w->getValue<std::string>("current_job") == jobId) return w->getValue<int>("id");
	}
	return 0;
}

int ServiceFixture::runProgram(const std::string& program, const std::vector<std::string>& args, std::string& output,
	const std::vector<std::string>& env, Poco::Timespan timeout)
{
	SpawnOptions options;
	options.executable = program;
	options.argv = {program};
	options.argv.insert(options.argv.end(), args.begin(), args.end());
	options.env = env;
	options.stdoutMode = SpawnOptions::Output::PIPE;
	options.stderrMode = SpawnOptions::Output::PIPE;
	SpawnedProcess process = ProcessSpawner::spawn(options);
	std::string err;
	std::thread errReader([&]() {
		char buffer[4096];
		ssize_t n;
		while ((n = ::read(process.stderrFd, buffer, sizeof(buffer))) > 0) err.append(buffer, static_cast<std::size_t>(n));
	});
	char buffer[4096];
	ssize_t n;
	output.clear();
	while ((n = ::read(process.stdoutFd, buffer, sizeof(buffer))) > 0) output.append(buffer, static_cast<std::size_t>(n));
	errReader.join();
	output += err;
	ProcessSpawner::closeDescriptor(process.stdoutFd);
	ProcessSpawner::closeDescriptor(process.stderrFd);
	std::optional<ProcessStatus> status = ProcessSpawner::waitFor(process.pid, timeout);
	if (!status)
	{
		::kill(process.pid, SIGKILL);
		ProcessSpawner::wait(process.pid);
		throw Poco::TimeoutException(program + " did not exit");
	}
	return status->code();
}

std::string ServiceFixture::taskFolder(const std::string& name, const std::string& fakeCliControl)
{
	std::string folder = _home.file("workspace/cron_tasks/" + name);
	writeFile(folder + "/fakecli.json", fakeCliControl);
	return folder;
}

Poco::JSON::Object::Ptr ServiceFixture::hookOnDisk(const std::string& id)
{
	Poco::JSON::Object::Ptr file = JSONFields::parseObject(readFile(_home.file("webhooks.json")));
	Poco::JSON::Array::Ptr hooks = file->getArray("hooks");
	for (std::size_t i = 0; hooks && i < hooks->size(); ++i)
	{
		Poco::JSON::Object::Ptr hook = hooks->getObject(static_cast<unsigned>(i));
		if (hook && hook->optValue<std::string>("id", "") == id) return hook;
	}
	return nullptr;
}

void ServiceFixture::collect(int fd)
{
	char buffer[4096];
	ssize_t n;
	while ((n = ::read(fd, buffer, sizeof(buffer))) > 0)
	{
		std::lock_guard<std::mutex> lock(_logMutex);
		_log.append(buffer, static_cast<std::size_t>(n));
	}
	::close(fd);
}

void ServiceFixture::stop(int signal)
{
	if (_pid <= 0 || _reaped) return;
	::kill(_pid, signal);
	std::optional<ProcessStatus> status = ProcessSpawner::waitFor(_pid, Poco::Timespan(60, 0));
	if (!status)
	{
		::kill(_pid, SIGKILL);
		status = ProcessSpawner::wait(_pid);
	}
	_reaped = true;
	_status = status->code();
	if (_reader.joinable()) _reader.join();
}

int ServiceFixture::exitCode() const
{
	return _status;
}

bool ServiceFixture::running()
{
	if (_pid <= 0 || _reaped) return false;
	std::optional<ProcessStatus> status = ProcessSpawner::tryWait(_pid);
	if (!status) return true;
	_reaped = true;
	_status = status->code();
	return false;
}

pid_t ServiceFixture::pid() const
{
	return _pid;
}

HTTPReply ServiceFixture::request(
	const std::string& method, const std::string& path, const std::string& body, const std::map<std::string, std::string>& headers)
{
	Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(_port));
	session.setTimeout(Poco::Timespan(30, 0));
	Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
	for (const auto& header: headers) request.set(header.first, header.second);
	if (method == "POST" || !body.empty()) request.setContentLength(static_cast<std::streamsize>(body.size()));
	std::ostream& out = session.sendRequest(request);
	out << body;
	Poco::Net::HTTPResponse response;
	std::istream& in = session.receiveResponse(response);
	HTTPReply reply;
	reply.status = response.getStatus();
	for (const auto& header: response) reply.headers.add(header.first, header.second);
	Poco::StreamCopier::copyToString(in, reply.body);
	return reply;
}

HTTPReply ServiceFixture::postHook(const std::string& hookId, const std::string& body, const std::string& token)
{
	std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
	if (!token.empty()) headers["Authorization"] = "Bearer " + token;
	return request("POST", "/hooks/" + hookId, body, headers);
}

Poco::JSON::Object::Ptr ServiceFixture::waitForJob(const std::string& jobId, Poco::Timespan timeout)
{
	Poco::JSON::Object::Ptr job;
	bool done = waitFor(
		[&]() {
			HTTPReply reply = request("GET", "/jobs/" + jobId, "", {{"Authorization", "Bearer " + TOKEN}});
			if (reply.status != 200) return false;
			job = reply.json();
			std::string status = job->getValue<std::string>("status");
			return status != "queued" && status != "running";
		},
		timeout);
	if (!done) throw Poco::TimeoutException("job " + jobId + " did not finish; log: " + log());
	return job;
}

bool ServiceFixture::waitFor(const std::function<bool()>& condition, Poco::Timespan timeout)
{
	Poco::Timestamp start;
	while (!condition())
	{
		if (start.elapsed() > timeout.totalMicroseconds()) return false;
		Poco::Thread::sleep(20);
	}
	return true;
}

std::string ServiceFixture::log()
{
	std::lock_guard<std::mutex> lock(_logMutex);
	return _log;
}

const std::string& ServiceFixture::home() const
{
	return _home.path();
}

std::string ServiceFixture::stateDir() const
{
	return _home.path() + "/webhook-state";
}

int ServiceFixture::port() const
{
	return _port;
}

}
} // namespace Sygen::Test
