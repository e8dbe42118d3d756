//
// CtlApp.cpp
//

#include "CtlApp.h"
#include "CtlError.h"
#include "DbCommands.h"
#include "HookCommands.h"
#include "InstanceLocator.h"
#include "Sygen/Foundation/Config.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/UnixSocket.h"
#include "Sygen/Protocol/WorkerChannel.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/NumberParser.h>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace Sygen {

namespace {

const Poco::Timespan REPLY_TIMEOUT(60, 0);

std::string text(const Poco::JSON::Object& obj, const std::string& key)
{
	if (!obj.has(key) || obj.isNull(key)) return "-";
	return obj.get(key).convert<std::string>();
}

std::string duration(double seconds)
{
	long long s = static_cast<long long>(seconds);
	char buffer[64];
	if (s >= 86400) std::snprintf(buffer, sizeof(buffer), "%lldd%02lldh", s / 86400, (s % 86400) / 3600);
	else if (s >= 3600) std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm", s / 3600, (s % 3600) / 60);
	else if (s >= 60) std::snprintf(buffer, sizeof(buffer), "%lldm%02llds", s / 60, s % 60);
	else std::snprintf(buffer, sizeof(buffer), "%llds", s);
	return buffer;
}

int workerNumber(const std::vector<std::string>& args, bool* now)
{
	int id = 0;
	bool haveId = false;
	for (const std::string& a: args)
	{
		if (a == "--now" && now) *now = true;
		else if (!haveId && Poco::NumberParser::tryParse(a, id) && id > 0) haveId = true;
		else throw UsageError("unexpected argument '" + a + "'");
	}
	if (!haveId) throw UsageError("a worker number is required");
	return id;
}

long long durationSeconds(const std::string& text)
{
	// "90", "90s", "30m", "2h", "1d".
	std::size_t digits = text.find_first_not_of("0123456789");
	Poco::Int64 count = 0;
	std::string number = text.substr(0, digits);
	std::string unit = digits == std::string::npos ? "" : text.substr(digits);
	if (number.empty() || number.size() > 9 || !Poco::NumberParser::tryParse64(number, count) || count < 1)
		throw UsageError("--since: not a duration '" + text + "' (e.g. 90s, 30m, 2h, 1d)");
	if (unit.empty() || unit == "s") return count;
	if (unit == "m") return count * 60;
	if (unit == "h") return count * 3600;
	if (unit == "d") return count * 86400;
	throw UsageError("--since: not a duration '" + text + "' (e.g. 90s, 30m, 2h, 1d)");
}

void printJob(std::ostream& out, const Poco::JSON::Object& j)
{
	for (const char* key: {"job_id", "hook_id", "dependency", "status", "worker_id", "queued_at", "started_at", "finished_at",
			 "duration_ms", "retry_of", "retried_by"})
		out << std::left << std::setw(13) << (std::string(key) + ":") << text(j, key) << "\n";
	if (j.has("result_text") && !j.isNull("result_text")) out << "result_text:\n" << j.getValue<std::string>("result_text") << "\n";
}

Poco::JSON::Object::Ptr request(const std::string& cmd);

Poco::JSON::Object::Ptr retryRequest(const std::vector<std::string>& args)
{
	Poco::JSON::Object::Ptr req = request("jobs.retry");
	std::string jobId, status;
	long long since = 0;
	for (std::size_t i = 0; i < args.size(); ++i)
	{
		if (args[i] == "--status" && i + 1 < args.size()) status = args[++i];
		else if (args[i] == "--since" && i + 1 < args.size()) since = durationSeconds(args[++i]);
		else if (jobId.empty() && !args[i].empty() && args[i][0] != '-') jobId = args[i];
		else throw UsageError("unexpected argument '" + args[i] + "'");
	}
	if (!jobId.empty() && (!status.empty() || since > 0)) throw UsageError("give a job id or --status/--since, not both");
	if (!jobId.empty())
	{
		req->set("job_id", jobId);
		return req;
	}
	if (status.empty() || since == 0) throw UsageError("a job id, or both --status PATTERN and --since DURATION, are required");
	req->set("status", status);
	req->set("since_seconds", since);
	return req;
}

Poco::JSON::Object::Ptr request(const std::string& cmd)
{
	Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	r->set("cmd", cmd);
	return r;
}

void printWorkers(std::ostream& out, const Poco::JSON::Array& workers)
{
	out << std::left << std::setw(4) << "ID" << std::setw(9) << "PID" << std::setw(10) << "STATE" << std::setw(38) << "JOB" << std::right
		<< std::setw(6) << "DONE" << std::setw(10) << "RESTARTS" << std::setw(9) << "UPTIME"
		<< "\n";
	for (std::size_t i = 0; i < workers.size(); ++i)
	{
		Poco::JSON::Object::Ptr w = workers.getObject(static_cast<unsigned>(i));
		double uptime = w->optValue<double>("uptime_seconds", 0.0);
		out << std::left << std::setw(4) << text(*w, "id") << std::setw(9) << text(*w, "pid") << std::setw(10) << text(*w, "state")
			<< std::setw(38) << text(*w, "current_job") << std::right << std::setw(6) << text(*w, "jobs_done") << std::setw(10)
			<< text(*w, "restarts") << std::setw(9) << (text(*w, "pid") == "-" ? std::string("-") : duration(uptime)) << "\n";
	}
}

void printWorker(std::ostream& out, const Poco::JSON::Object& w)
{
	out << "worker " << text(w, "id") << ": " << text(w, "state") << " (pid " << text(w, "pid") << ")\n";
}

} // namespace

CtlApp::CtlApp(std::ostream& out, std::ostream& err):
	_out(out),
	_err(err)
{
	addBuiltins();
	HookCommands::addTo(*this);
	DbCommands::addTo(*this);
}

void CtlApp::addCommand(const Command& command)
{
	_commands.push_back(command);
}

std::ostream& CtlApp::out()
{
	return _out;
}

std::ostream& CtlApp::err()
{
	return _err;
}

Config CtlApp::config()
{
	InstanceLocator::Location location = InstanceLocator::resolve(_home, _config);
	return Config::load(location.home, location.config);
}

bool CtlApp::json() const
{
	return _json;
}

void CtlApp::printJSON(const Poco::Dynamic::Var& value)
{
	Poco::JSON::Stringifier::stringify(value, _out, 2);
	_out << "\n";
}

const CtlApp::Command* CtlApp::find(const std::string& group, const std::string& name) const
{
	for (const Command& c: _commands)
	{
		if (c.group == group && c.name == name) return &c;
	}
	return nullptr;
}

std::string CtlApp::adminSocket()
{
	if (!_adminSocket.empty()) return _adminSocket;
	return config().paths.adminSocket;
}

Poco::JSON::Object::Ptr CtlApp::call(const Poco::JSON::Object& req)
{
	std::string path = adminSocket();
	UnixSocket socket;
	try
	{
		socket = UnixSocket::connect(path);
	}
	catch (ConnectionRefusedException& e)
	{
		throw SupervisorNotRunning("sygen-webhookd is not running (nobody listens on " + path + ")", e.displayText());
	}
	catch (Poco::FileNotFoundException& e)
	{
		throw SupervisorNotRunning("sygen-webhookd is not running (no socket " + path + ")", e.displayText());
	}
	catch (Poco::Exception& e)
	{
		throw SupervisorUnreachable("cannot reach sygen-webhookd at " + path, e.displayText());
	}
	Poco::JSON::Object::Ptr answer;
	try
	{
		WorkerChannel channel(std::move(socket));
		channel.send(req);
		answer = channel.receive(REPLY_TIMEOUT);
	}
	catch (Poco::IOException& e)
	{
		throw SupervisorUnreachable("lost the connection to sygen-webhookd at " + path, e.displayText());
	}
	if (!answer) throw SupervisorUnreachable("no answer from sygen-webhookd within " + std::to_string(REPLY_TIMEOUT.totalSeconds()) + " s");
	if (!JSONFields::boolean(*answer, "ok", false))
	{
		std::string code = JSONFields::string(*answer, "error", "failed");
		std::string message = JSONFields::string(*answer, "message", code);
		// The message alone, as the same operation run offline would print it; the
		// code only where it tells more than the message.
		if (code == "unknown_command") message += " (is sygen-webhookd older than this sygen-webhookctl?)";
		throw CtlError(message);
	}
	return answer;
}

Poco::Dynamic::Var CtlApp::callResult(const Poco::JSON::Object& req)
{
	Poco::JSON::Object::Ptr answer = call(req);
	return answer->get("result");
}

namespace {

void printJournalWarnings(CtlApp& app)
{
	// Damage and a refusing journal are what an operator must not miss under the list.
	Poco::JSON::Object::Ptr journal;
	try
	{
		journal = app.callResult(*request("journal.status")).extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception&)
	{
		return; // an older supervisor
	}
	std::ostream& out = app.out();
	if (!JSONFields::boolean(*journal, "writable", true))
		out << "WARNING: the job journal cannot be written (" << JSONFields::string(*journal, "last_write_error")
			<< "): new jobs get 503\n";
	long long unwritten = JSONFields::integer(*journal, "unwritten_results", 0);
	if (unwritten > 0) out << "WARNING: " << unwritten << " results are kept in memory until the journal takes them\n";
	Poco::JSON::Array::Ptr damage = journal->getArray("damage");
	for (std::size_t i = 0; damage && i < damage->size(); ++i)
	{
		Poco::JSON::Object::Ptr d = damage->getObject(static_cast<unsigned>(i));
		std::string ids;
		Poco::JSON::Array::Ptr list = d->getArray("job_ids");
		for (std::size_t k = 0; list && k < list->size(); ++k)
			ids += (ids.empty() ? "" : " ") + list->getElement<std::string>(static_cast<unsigned>(k));
		out << "DAMAGED journal record at offset " << JSONFields::integer(*d, "offset", 0) << " (" << JSONFields::integer(*d, "length", 0)
			<< " bytes) quarantined in " << JSONFields::string(*d, "quarantine_file") << "; jobs: " << (ids.empty() ? "none legible" : ids)
			<< "\n";
	}
}

} // namespace

void CtlApp::addBuiltins()
{
	addCommand({"workers", "list", "", "list the workers (id, pid, state, current job, jobs done, restarts, uptime)",
		[](CtlApp& app, const std::vector<std::string>& args) {
			if (!args.empty()) throw UsageError("unexpected argument '" + args[0] + "'");
			Poco::Dynamic::Var result = app.callResult(*request("workers.list"));
			if (app.json()) app.printJSON(result);
			else printWorkers(app.out(), *result.extract<Poco::JSON::Array::Ptr>());
			return EXIT_OK;
		}});
	auto workerAction = [](const std::string& cmd, bool allowNow) {
		return [cmd, allowNow](CtlApp& app, const std::vector<std::string>& args) {
			bool now = false;
			int id = workerNumber(args, allowNow ? &now : nullptr);
			Poco::JSON::Object::Ptr req = request(cmd);
			req->set("id", id);
			if (allowNow) req->set("now", now);
			Poco::Dynamic::Var result = app.callResult(*req);
			if (app.json()) app.printJSON(result);
			else printWorker(app.out(), *result.extract<Poco::JSON::Object::Ptr>());
			return EXIT_OK;
		};
	};
	addCommand({"workers", "restart", "N [--now]", "restart worker N after its current job; --now: terminate it at once",
		workerAction("workers.restart", true)});
	addCommand({"workers", "stop", "N [--now]", "stop worker N after its current job and keep it stopped; --now: at once",
		workerAction("workers.stop", true)});
	addCommand({"workers", "start", "N", "start a stopped or failed worker N", workerAction("workers.start", false)});

	addCommand({"jobs", "list", "[--limit N]", "list unfinished and recent jobs", [](CtlApp& app, const std::vector<std::string>& args) {
					Poco::JSON::Object::Ptr req = request("jobs.list");
					for (std::size_t i = 0; i < args.size(); ++i)
					{
						int limit = 0;
						if (args[i] == "--limit" && i + 1 < args.size() && Poco::NumberParser::tryParse(args[i + 1], limit) && limit > 0)
						{
							req->set("limit", limit);
							++i;
						}
						else throw UsageError("unexpected argument '" + args[i] + "'");
					}
					Poco::Dynamic::Var result = app.callResult(*req);
					if (app.json())
					{
						app.printJSON(result);
						return EXIT_OK;
					}
					Poco::JSON::Array::Ptr jobs = result.extract<Poco::JSON::Array::Ptr>();
					std::ostream& out = app.out();
					out << std::left << std::setw(38) << "JOB" << std::setw(24) << "HOOK" << std::setw(22) << "STATUS" << std::setw(8)
						<< "WORKER"
						<< "QUEUED"
						<< "\n";
					for (std::size_t i = 0; i < jobs->size(); ++i)
					{
						Poco::JSON::Object::Ptr j = jobs->getObject(static_cast<unsigned>(i));
						out << std::left << std::setw(38) << text(*j, "job_id") << std::setw(24) << text(*j, "hook_id") << std::setw(22)
							<< text(*j, "status") << std::setw(8) << text(*j, "worker_id") << text(*j, "queued_at") << "\n";
					}
					printJournalWarnings(app);
					return EXIT_OK;
				}});
	addCommand({"jobs", "show", "ID [--payload]", "show one job and its result; --payload: also the payload it was accepted with",
		[](CtlApp& app, const std::vector<std::string>& args) {
			std::string jobId;
			bool withPayload = false;
			for (const std::string& a: args)
			{
				if (a == "--payload") withPayload = true;
				else if (jobId.empty() && !a.empty() && a[0] != '-') jobId = a;
				else throw UsageError("unexpected argument '" + a + "'");
			}
			if (jobId.empty()) throw UsageError("exactly one job id is required");
			Poco::JSON::Object::Ptr req = request("jobs.show");
			req->set("job_id", jobId);
			Poco::JSON::Object::Ptr j = app.callResult(*req).extract<Poco::JSON::Object::Ptr>();
			if (withPayload)
			{
				Poco::JSON::Object::Ptr payloadReq = request("jobs.payload");
				payloadReq->set("job_id", jobId);
				Poco::JSON::Object::Ptr p = app.callResult(*payloadReq).extract<Poco::JSON::Object::Ptr>();
				j->set("payload", p->get("payload"));
			}
			if (app.json())
			{
				app.printJSON(j);
				return EXIT_OK;
			}
			printJob(app.out(), *j);
			if (withPayload) app.out() << "payload:\n" << j->getValue<std::string>("payload") << "\n";
			return EXIT_OK;
		}});
	addCommand({"jobs", "retry", "ID | --status PATTERN --since DURATION",
		"run a finished job again (same hook and payload), or every job whose status matches PATTERN (e.g. 'error:*') that finished within DURATION (90s, 30m, 2h, 1d)",
		[](CtlApp& app, const std::vector<std::string>& args) {
			Poco::JSON::Object::Ptr req = retryRequest(args);
			Poco::Dynamic::Var result = app.callResult(*req);
			if (app.json())
			{
				app.printJSON(result);
				return EXIT_OK;
			}
			Poco::JSON::Object::Ptr r = result.extract<Poco::JSON::Object::Ptr>();
			if (req->has("job_id"))
			{
				app.out() << "job " << text(*r, "retry_of") << " retried as job " << text(*r, "job_id") << "\n";
				return EXIT_OK;
			}
			Poco::JSON::Array::Ptr retried = r->getArray("retried");
			Poco::JSON::Array::Ptr failed = r->getArray("failed");
			for (std::size_t i = 0; i < retried->size(); ++i)
			{
				Poco::JSON::Object::Ptr item = retried->getObject(static_cast<unsigned>(i));
				app.out() << "job " << text(*item, "job_id") << " retried as job " << text(*item, "retry_id") << "\n";
			}
			for (std::size_t i = 0; i < failed->size(); ++i)
			{
				Poco::JSON::Object::Ptr item = failed->getObject(static_cast<unsigned>(i));
				app.err() << "job " << text(*item, "job_id") << " not retried: " << text(*item, "error") << "\n";
			}
			app.out() << retried->size() << " retried, " << failed->size() << " failed\n";
			return failed->size() == 0 ? EXIT_OK : EXIT_FAILED;
		}});
	addCommand({"jobs", "cancel", "ID", "cancel a queued job, or terminate a running one (its CLI's process group) and end it as cancelled",
		[](CtlApp& app, const std::vector<std::string>& args) {
			if (args.size() != 1 || args[0].empty() || args[0][0] == '-') throw UsageError("exactly one job id is required");
			Poco::JSON::Object::Ptr req = request("jobs.cancel");
			req->set("job_id", args[0]);
			Poco::Dynamic::Var result = app.callResult(*req);
			if (app.json())
			{
				app.printJSON(result);
				return EXIT_OK;
			}
			Poco::JSON::Object::Ptr j = result.extract<Poco::JSON::Object::Ptr>();
			app.out() << "job " << text(*j, "job_id") << ": " << text(*j, "status") << "\n";
			return EXIT_OK;
		}});
}

void CtlApp::printHelp(const std::string& group)
{
	_out << "Usage: sygen-webhookctl [OPTIONS] " << (group.empty() ? "COMMAND" : group + " COMMAND") << " [ARGS]\n\n";
	if (group.empty())
	{
		_out << "Operates sygen-webhookd through its admin socket. The hooks and token commands\n"
				"also work while it is not running: they then change the files themselves, under\n"
				"the same file locks.\n\n";
	}
	_out << "Commands:\n";
	for (const Command& c: _commands)
	{
		if (!group.empty() && c.group != group) continue;
		std::string line = c.group + (c.name.empty() ? "" : " " + c.name) + (c.usage.empty() ? "" : " " + c.usage);
		if (line.size() > 30) _out << "  " << line << "\n  " << std::setw(31) << "" << c.summary << "\n";
		else _out << "  " << std::left << std::setw(30) << line << " " << c.summary << "\n";
	}
	_out << "\nOptions:\n"
		 << "  --admin-socket PATH   the admin socket (default: webhooks.admin_socket, else <state>/admin.sock)\n"
		 << "  --home DIR            sygen home (default $SYGEN_HOME, else the installed service\n"
		 << "                        when /etc/sygen-webhook/config.json exists, else ~/.sygen)\n"
		 << "  --config FILE         config file (default <home>/config/config.json; for the\n"
		 << "                        installed service /etc/sygen-webhook/config.json)\n"
		 << "  --json                print JSON instead of text\n"
		 << "  --help, -h            show help (also after a command)\n"
		 << "  --version             show the version\n";
}

void CtlApp::printCommandHelp(const Command& c)
{
	_out << "Usage: sygen-webhookctl [OPTIONS] " << c.group << (c.name.empty() ? "" : " " + c.name)
		 << (c.usage.empty() ? "" : " " + c.usage) << "\n\n"
		 << c.summary << "\n";
	if (!c.details.empty()) _out << "\n" << c.details;
	_out << "\nSee sygen-webhookctl --help for the global options (--json, --home, ...).\n";
}

int CtlApp::run(const std::vector<std::string>& args)
{
	std::vector<std::string> words;
	bool help = false;
	try
	{
		for (std::size_t i = 0; i < args.size(); ++i)
		{
			const std::string& a = args[i];
			auto value = [&](const std::string& option) -> std::string {
				if (i + 1 >= args.size()) throw UsageError(option + " needs a value");
				return args[++i];
			};
			if (a == "--help" || a == "-h") help = true;
			else if (a == "--version")
			{
				_out << "sygen-webhookctl " << SYGEN_VERSION << "\n";
				return EXIT_OK;
			}
			else if (a == "--json") _json = true;
			else if (a == "--admin-socket") _adminSocket = value(a);
			else if (a == "--home") _home = value(a);
			else if (a == "--config") _config = value(a);
			else if (a.compare(0, 15, "--admin-socket=") == 0) _adminSocket = a.substr(15);
			else if (a.compare(0, 7, "--home=") == 0) _home = a.substr(7);
			else if (a.compare(0, 9, "--config=") == 0) _config = a.substr(9);
			else words.push_back(a);
		}

		if (words.empty())
		{
			printHelp("");
			return help ? EXIT_OK : EXIT_USAGE;
		}
		bool groupKnown = false;
		for (const Command& c: _commands) groupKnown = groupKnown || c.group == words[0];
		if (!groupKnown) throw UsageError("unknown command '" + words[0] + "' (see --help)");
		// A command of one word ("reload") takes every later word as an argument.
		if (const Command* single = find(words[0], ""))
		{
			if (help)
			{
				printCommandHelp(*single);
				return EXIT_OK;
			}
			return single->handler(*this, std::vector<std::string>(words.begin() + 1, words.end()));
		}
		if (words.size() < 2)
		{
			printHelp(words[0]);
			return help ? EXIT_OK : EXIT_USAGE;
		}
		const Command* command = find(words[0], words[1]);
		if (!command) throw UsageError("unknown command '" + words[0] + " " + words[1] + "' (see " + words[0] + " --help)");
		if (help)
		{
			printCommandHelp(*command);
			return EXIT_OK;
		}
		return command->handler(*this, std::vector<std::string>(words.begin() + 2, words.end()));
	}
	catch (UsageError& e)
	{
		_err << "sygen-webhookctl: " << e.message() << "\n";
		return EXIT_USAGE;
	}
	catch (CtlError& e)
	{
		_err << "sygen-webhookctl: " << e.message() << "\n";
		return EXIT_FAILED;
	}
	catch (ConfigError& e)
	{
		_err << "sygen-webhookctl: " << e.message() << "\n";
		return EXIT_CONFIG;
	}
	catch (SupervisorUnreachable& e)
	{
		_err << "sygen-webhookctl: " << e.message() << "\n";
		return EXIT_UNAVAILABLE;
	}
	catch (Poco::Exception& e)
	{
		// message() alone for our own texts; the exception name helps for the rest.
		_err << "sygen-webhookctl: " << (e.message().empty() ? e.displayText() : e.message()) << "\n";
		return EXIT_FAILED;
	}
}

} // namespace Sygen
