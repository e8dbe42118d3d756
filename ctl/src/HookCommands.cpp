//
// HookCommands.cpp
//

#include "HookCommands.h"
#include "CtlApp.h"
#include "CtlError.h"
#include "Sygen/Admin/HookOperations.h"
#include "Sygen/Auth/GlobalTokenStore.h"
#include "Sygen/Foundation/AtomicFile.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Hooks/HookStore.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <grp.h>
#include <iomanip>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {

namespace {

Poco::JSON::Object::Ptr request(const std::string& cmd)
{
	Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	r->set("cmd", cmd);
	return r;
}

std::string text(const Poco::JSON::Object& obj, const std::string& key)
{
	if (!obj.has(key) || obj.isNull(key)) return "-";
	Poco::Dynamic::Var v = obj.get(key);
	if (v.type() == typeid(Poco::JSON::Array::Ptr) || v.type() == typeid(Poco::JSON::Object::Ptr)) return JSONFields::compact(v);
	std::string s = v.convert<std::string>();
	return s.empty() ? "\"\"" : s;
}

void dropToHomeOwner(const std::string& home)
/// A root operator working offline must not leave root-owned 0600 files the
/// service (running as the home's owner) cannot read.
{
	if (::geteuid() != 0) return;
	struct stat st;
	if (::stat(home.c_str(), &st) != 0 || st.st_uid == 0) return;
	if (::setgroups(0, nullptr) != 0 || ::setgid(st.st_gid) != 0 || ::setuid(st.st_uid) != 0)
		throw CtlError("cannot switch to the owner (uid " + std::to_string(st.st_uid) + ") of " + home);
}

void refuseOfflineInCluster(const Config& config)
/// In cluster mode the hooks and the global token live in PostgreSQL: editing the
/// files would change nothing the service reads, so only a running node may.
{
	if (!config.webhooks.backend.postgres()) return;
	throw SupervisorUnreachable("sygen-webhookd is not running here, and this instance keeps its hooks and global token in "
								"PostgreSQL (webhooks.backend): start it, or name a running node's socket with --admin-socket");
}

// ---- the command line of hooks add / edit --------------------------------------

enum class Kind
{
	TEXT,             ///< a string
	OPTIONAL_TEXT,    ///< a string; "" = null (back to the default)
	OPTIONAL_INTEGER, ///< an integer; "none" = null
	SECRET            ///< a string; "-" = one line read from standard input
};

struct FieldOption
{
	const char* flag;
	const char* field;
	Kind kind;
	const char* help;
};

const FieldOption FIELD_OPTIONS[] = {
	{"--title", "title", Kind::TEXT, "title shown in results (add: default NAME)"},
	{"--description", "description", Kind::TEXT, "free text"},
	{"--mode", "mode", Kind::TEXT, "cron_task or wake"},
	{"--prompt", "prompt_template", Kind::TEXT, "prompt template with {{field}} placeholders"},
	{"--task-folder", "task_folder", Kind::OPTIONAL_TEXT, "folder under workspace/cron_tasks/ (cron_task; scaffolded when missing)"},
	{"--auth", "auth_mode", Kind::TEXT, "bearer (default), hmac or standard_webhooks"},
	{"--hmac-secret", "hmac_secret", Kind::SECRET, "shared secret; \"-\" reads it from standard input (keeps it out of ps)"},
	{"--hmac-header", "hmac_header", Kind::TEXT, "header carrying the signature"},
	{"--hmac-algorithm", "hmac_algorithm", Kind::TEXT, "sha256 (default), sha1 or sha512"},
	{"--hmac-encoding", "hmac_encoding", Kind::TEXT, "hex (default) or base64"},
	{"--hmac-sig-prefix", "hmac_sig_prefix", Kind::TEXT, "prefix stripped from the signature (default \"sha256=\")"},
	{"--hmac-sig-regex", "hmac_sig_regex", Kind::TEXT, "group 1 is the signature"},
	{"--hmac-payload-prefix-regex", "hmac_payload_prefix_regex", Kind::TEXT, "group 1 + \".\" is signed before the body"},
	{"--hmac-tolerance", "hmac_tolerance_seconds", Kind::OPTIONAL_INTEGER, "max age in seconds of the signed timestamp (none = off)"},
	{"--dedupe-header", "dedupe_header", Kind::OPTIONAL_TEXT, "delivery-id header for replay protection (\"\" = off)"},
	{"--provider", "provider", Kind::OPTIONAL_TEXT, "claude, codex or gemini (\"\" = config default)"},
	{"--model", "model", Kind::OPTIONAL_TEXT, "model (\"\" = config default)"},
	{"--reasoning-effort", "reasoning_effort", Kind::OPTIONAL_TEXT, "codex effort (\"\" = config default)"},
	{"--dependency", "dependency", Kind::OPTIONAL_TEXT, "lock name: jobs sharing it run one at a time (\"\" = none)"},
	{"--max-concurrent", "max_concurrent", Kind::OPTIONAL_INTEGER, "jobs of this hook running at once (none = no limit)"},
};

const char* const OTHER_OPTIONS = "  --cli-param ARG           extra CLI argument (repeat for several)\n"
								  "  --no-cli-params           remove the extra CLI arguments\n"
								  "  --quiet START-END         quiet hours, e.g. 22-7 (none = never quiet)\n"
								  "  --enable, --disable       accept or refuse (403) requests\n"
								  "  --preset NAME             github, stripe, shopify or standard-webhooks (slack and\n"
								  "                            gitlab cannot be expressed yet and are refused)\n"
								  "  --global-token            bearer: use the global token instead of a token of its own\n";

std::string fieldOptionsHelp()
{
	std::ostringstream out;
	out << "Options:\n";
	for (const FieldOption& o: FIELD_OPTIONS)
	{
		std::string flag = std::string(o.flag) + (o.kind == Kind::OPTIONAL_INTEGER ? " N" : " VALUE");
		if (flag.size() >= 26) out << "  " << flag << "\n  " << std::setw(26) << "" << o.help << "\n";
		else out << "  " << std::left << std::setw(26) << flag << o.help << "\n";
	}
	out << OTHER_OPTIONS;
	return out.str();
}

struct HookArguments
{
	std::vector<std::string> positional;
	Poco::JSON::Object::Ptr fields = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	std::string preset;
	bool useGlobalToken = false;
};

int integerValue(const std::string& flag, const std::string& value)
{
	int n = 0;
	if (!Poco::NumberParser::tryParse(value, n)) throw UsageError(flag + ": expected a whole number, not '" + value + "'");
	return n;
}

std::string readSecretLine()
{
	std::string line;
	if (!std::getline(std::cin, line)) throw UsageError("--hmac-secret -: nothing on standard input");
	if (!line.empty() && line.back() == '\r') line.pop_back();
	return line;
}

HookArguments parseHookArguments(const std::vector<std::string>& args)
{
	HookArguments parsed;
	Poco::JSON::Array::Ptr cliParams;
	for (std::size_t i = 0; i < args.size(); ++i)
	{
		const std::string& a = args[i];
		std::string flag = a;
		std::string value;
		bool hasInlineValue = false;
		std::string::size_type eq = a.find('=');
		if (a.compare(0, 2, "--") == 0 && eq != std::string::npos)
		{
			flag = a.substr(0, eq);
			value = a.substr(eq + 1);
			hasInlineValue = true;
		}
		auto next = [&]() -> std::string {
			if (hasInlineValue) return value;
			if (i + 1 >= args.size()) throw UsageError(flag + " needs a value");
			return args[++i];
		};

		bool known = false;
		for (const FieldOption& o: FIELD_OPTIONS)
		{
			if (flag != o.flag) continue;
			known = true;
			std::string v = next();
			switch (o.kind)
			{
			case Kind::TEXT: parsed.fields->set(o.field, v); break;
			case Kind::OPTIONAL_TEXT:
				if (v.empty()) parsed.fields->set(o.field, Poco::Dynamic::Var());
				else parsed.fields->set(o.field, v);
				break;
			case Kind::OPTIONAL_INTEGER:
				if (v == "none") parsed.fields->set(o.field, Poco::Dynamic::Var());
				else parsed.fields->set(o.field, integerValue(flag, v));
				break;
			case Kind::SECRET: parsed.fields->set(o.field, v == "-" ? readSecretLine() : v); break;
			}
		}
		if (known) continue;

		if (flag == "--cli-param")
		{
			if (!cliParams) cliParams = new Poco::JSON::Array;
			cliParams->add(next());
		}
		else if (flag == "--no-cli-params") cliParams = new Poco::JSON::Array;
		else if (flag == "--quiet")
		{
			std::string v = next();
			if (v == "none")
			{
				parsed.fields->set("quiet_start", Poco::Dynamic::Var());
				parsed.fields->set("quiet_end", Poco::Dynamic::Var());
			}
			else
			{
				std::string::size_type dash = v.find('-');
				if (dash == std::string::npos) throw UsageError("--quiet: expected START-END, e.g. 22-7, or none");
				parsed.fields->set("quiet_start", integerValue(flag, v.substr(0, dash)));
				parsed.fields->set("quiet_end", integerValue(flag, v.substr(dash + 1)));
			}
		}
		else if (flag == "--enable") parsed.fields->set("enabled", true);
		else if (flag == "--disable") parsed.fields->set("enabled", false);
		else if (flag == "--preset") parsed.preset = next();
		else if (flag == "--global-token") parsed.useGlobalToken = true;
		else if (a.compare(0, 2, "--") == 0) throw UsageError("unknown option '" + flag + "'");
		else parsed.positional.push_back(a);
	}
	if (cliParams) parsed.fields->set("cli_parameters", cliParams);
	return parsed;
}

// ---- output ----------------------------------------------------------------------

std::string serviceUrl(CtlApp& app, const std::string& id)
{
	Config config = app.config();
	std::string address;
	try
	{
		Poco::FileInputStream in(config.paths.stateDir + "/http.address");
		std::getline(in, address);
		address = Poco::trim(address);
	}
	catch (Poco::Exception&)
	{
		// Not started yet: the configured address.
	}
	if (address.empty())
	{
		if (config.webhooks.port == 0) return "";
		address = config.webhooks.host + ":" + std::to_string(config.webhooks.port);
	}
	if (address.compare(0, 8, "0.0.0.0:") == 0) address = "127.0.0.1:" + address.substr(8);
	return "http://" + address + "/hooks/" + id;
}

std::string authOf(const Poco::JSON::Object& hook)
{
	std::string mode = text(hook, "auth_mode");
	if (mode == "hmac" || mode == "standard_webhooks") return mode;
	return text(hook, "token") == "set" ? "bearer" : "bearer(global)";
}

void printHookLines(std::ostream& out, const Poco::JSON::Object& hook)
{
	for (const std::string& key: hook.getNames())
	{
		if (hook.isNull(key)) continue;
		out << "  " << std::left << std::setw(27) << (key + ":") << text(hook, key) << "\n";
	}
}

void printSecrets(std::ostream& out, const Poco::JSON::Object& result)
{
	if (result.has("token"))
	{
		out << "token (shown once, store it now; senders send \"Authorization: Bearer <token>\"):\n"
			<< result.getValue<std::string>("token") << "\n";
	}
	if (result.has("hmac_secret"))
	{
		out << "signing secret (shown once, store it now; give it to the sender):\n" << result.getValue<std::string>("hmac_secret") << "\n";
	}
}

void printChange(CtlApp& app, const std::string& verb, const Poco::JSON::Object& result, bool offline)
{
	std::ostream& out = app.out();
	Poco::JSON::Object::Ptr hook = result.getObject("hook");
	const std::string id = hook->getValue<std::string>("id");
	out << verb << " hook '" << id << "' (" << text(*hook, "mode") << ", " << authOf(*hook)
		<< (hook->optValue<bool>("enabled", true) ? "" : ", disabled") << ")\n";
	std::string url = serviceUrl(app, id);
	if (!url.empty()) out << "url: " << url << "\n";
	if (result.has("task_folder"))
	{
		Poco::JSON::Object::Ptr folder = result.getObject("task_folder");
		Poco::JSON::Array::Ptr created = folder->getArray("created");
		out << "task folder: " << folder->getValue<std::string>("path");
		if (created && created->size() > 0)
		{
			out << " (created:";
			for (std::size_t i = 0; i < created->size(); ++i) out << " " << created->getElement<std::string>(static_cast<unsigned>(i));
			out << ")";
		}
		else out << " (exists; nothing created)";
		out << "\n";
	}
	printSecrets(out, result);
	if (offline) app.err() << "note: sygen-webhookd is not running; webhooks.json was changed directly\n";
}

void printHookTable(std::ostream& out, const Poco::JSON::Array& hooks)
{
	out << std::left << std::setw(24) << "ID" << std::setw(10) << "MODE" << std::setw(18) << "AUTH" << std::setw(8) << "SECRET"
		<< std::setw(9) << "ENABLED" << std::right << std::setw(8) << "RUNS"
		<< "  " << std::left << std::setw(22) << "LAST RUN"
		<< "TASK FOLDER\n";
	for (std::size_t i = 0; i < hooks.size(); ++i)
	{
		Poco::JSON::Object::Ptr h = hooks.getObject(static_cast<unsigned>(i));
		std::string auth = authOf(*h);
		std::string secret = auth == "bearer(global)" ? "-" : auth == "bearer" ? text(*h, "token") : text(*h, "hmac_secret");
		out << std::left << std::setw(24) << text(*h, "id") << std::setw(10) << text(*h, "mode") << std::setw(18) << auth << std::setw(8)
			<< secret << std::setw(9) << (h->optValue<bool>("enabled", true) ? "yes" : "no") << std::right << std::setw(8)
			<< text(*h, "trigger_count") << "  " << std::left << std::setw(22) << text(*h, "last_triggered_at") << text(*h, "task_folder")
			<< "\n";
	}
}

std::string locationText(const Poco::JSON::Object& result)
{
	std::string location = text(result, "location");
	if (location == "config") return text(result, "path") + " (webhooks.token)";
	if (location == "state") return text(result, "path");
	if (location == "database") return "PostgreSQL, shared by every node of the cluster";
	return "nowhere yet (sygen-webhookd generates it at its first start)";
}

// ---- handlers --------------------------------------------------------------------

void expectArguments(const std::vector<std::string>& args, std::size_t min, std::size_t max, const std::string& what)
{
	if (args.size() < min) throw UsageError(what + " is required");
	if (args.size() > max) throw UsageError("unexpected argument '" + args[max] + "'");
	for (const std::string& a: args)
	{
		if (a.compare(0, 2, "--") == 0) throw UsageError("unknown option '" + a + "'");
	}
}

Poco::JSON::Object::Ptr tokenRequest(CtlApp& app, const std::string& cmd, bool& offline)
{
	offline = false;
	try
	{
		return app.callResult(*request(cmd)).extract<Poco::JSON::Object::Ptr>();
	}
	catch (SupervisorNotRunning&)
	{
		offline = true;
	}
	Config config = app.config();
	refuseOfflineInCluster(config);
	dropToHomeOwner(config.paths.home);
	GlobalTokenStore store(config.paths);
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	std::string token;
	if (cmd == "token.rotate")
	{
		token = store.rotate();
		result->set("token", token);
	}
	else token = store.read();
	GlobalTokenStore::Location location = store.locate();
	if (cmd == "token.show") result->set("set", !token.empty());
	result->set("fingerprint", GlobalTokenStore::fingerprint(token));
	result->set("location",
		location == GlobalTokenStore::CONFIG_FILE      ? "config"
			: location == GlobalTokenStore::STATE_FILE ? "state"
													   : "none");
	result->set("path", store.path(location));
	if (cmd == "token.rotate") result->set("applied", false);
	return result;
}

int rotateGlobalToken(CtlApp& app)
{
	bool offline = false;
	Poco::JSON::Object::Ptr result = tokenRequest(app, "token.rotate", offline);
	if (app.json())
	{
		app.printJSON(result);
		return CtlApp::EXIT_OK;
	}
	std::ostream& out = app.out();
	out << "new global token (shown once, store it now):\n"
		<< result->getValue<std::string>("token") << "\n"
		<< "stored in: " << locationText(*result) << "\n";
	if (offline) out << "sygen-webhookd is not running; it uses the new token from its next start.\n";
	else if (text(*result, "location") == "database") out << "every node uses it within a second; the old token no longer works.\n";
	else out << "sygen-webhookd uses it now; the old token no longer works.\n";
	return CtlApp::EXIT_OK;
}

int sendHookChange(CtlApp& app, Poco::JSON::Object::Ptr req, const HookArguments& parsed, const std::string& done)
/// hooks add and hooks edit: the fields, preset and token choice, sent; the
/// changed hook printed.
{
	req->set("fields", parsed.fields);
	if (!parsed.preset.empty()) req->set("preset", parsed.preset);
	if (parsed.useGlobalToken) req->set("use_global_token", true);
	bool offline = false;
	Poco::Dynamic::Var result = HookCommands::hooksRequest(app, *req, &offline);
	if (app.json()) app.printJSON(result);
	else printChange(app, done, *result.extract<Poco::JSON::Object::Ptr>(), offline);
	return CtlApp::EXIT_OK;
}

int hooksAdd(CtlApp& app, const std::vector<std::string>& args)
{
	HookArguments parsed = parseHookArguments(args);
	expectArguments(parsed.positional, 1, 1, "a NAME");
	Poco::JSON::Object::Ptr req = request("hooks.add");
	req->set("name", parsed.positional[0]);
	return sendHookChange(app, req, parsed, "added");
}

int hooksEdit(CtlApp& app, const std::vector<std::string>& args)
{
	HookArguments parsed = parseHookArguments(args);
	expectArguments(parsed.positional, 1, 1, "a hook ID");
	if (parsed.fields->size() == 0 && parsed.preset.empty() && !parsed.useGlobalToken)
		throw UsageError("nothing to change (see hooks edit --help)");
	Poco::JSON::Object::Ptr req = request("hooks.update");
	req->set("id", parsed.positional[0]);
	return sendHookChange(app, req, parsed, "changed");
}

int hooksTest(CtlApp& app, const std::vector<std::string>& args)
{
	std::vector<std::string> positional;
	std::string payload = "{}";
	for (std::size_t i = 0; i < args.size(); ++i)
	{
		if (args[i] == "--payload" || args[i].compare(0, 10, "--payload=") == 0)
		{
			if (args[i] == "--payload")
			{
				if (i + 1 >= args.size()) throw UsageError("--payload needs a value");
				payload = args[++i];
			}
			else payload = args[i].substr(10);
			if (!payload.empty() && payload[0] == '@')
			{
				try
				{
					Poco::FileInputStream in(payload.substr(1));
					payload.clear();
					Poco::StreamCopier::copyToString(in, payload);
				}
				catch (Poco::Exception& e)
				{
					throw UsageError("--payload " + payload + ": " + e.message());
				}
			}
		}
		else positional.push_back(args[i]);
	}
	expectArguments(positional, 1, 1, "a hook ID");
	Poco::JSON::Object::Ptr req = request("hooks.test");
	req->set("id", positional[0]);
	req->set("payload", payload);
	// Needs the running service: it signs with the hook's secrets and POSTs to itself.
	Poco::JSON::Object::Ptr result = app.callResult(*req).extract<Poco::JSON::Object::Ptr>();
	int status = result->getValue<int>("status");
	if (app.json()) app.printJSON(result);
	else
	{
		std::ostream& out = app.out();
		out << "POST " << text(*result, "url") << "\n"
			<< "HTTP " << status << " " << text(*result, "reason") << "\n";
		if (!result->isNull("job_id")) out << "job_id: " << text(*result, "job_id") << "\n";
		out << JSONFields::compact(result->get("body")) << "\n";
	}
	return status >= 200 && status < 300 ? CtlApp::EXIT_OK : CtlApp::EXIT_FAILED;
}

std::string readDocument(const std::string& path)
/// FILE, or standard input for "-".
{
	std::string document;
	if (path == "-")
	{
		Poco::StreamCopier::copyToString(std::cin, document);
		return document;
	}
	try
	{
		Poco::FileInputStream in(path);
		Poco::StreamCopier::copyToString(in, document);
	}
	catch (Poco::Exception& e)
	{
		throw CtlError("cannot read " + path + ": " + e.message());
	}
	return document;
}

int hooksExport(CtlApp& app, const std::vector<std::string>& args)
{
	std::vector<std::string> positional;
	std::string output;
	for (std::size_t i = 0; i < args.size(); ++i)
	{
		if (args[i] == "--output" || args[i] == "-o")
		{
			if (i + 1 >= args.size()) throw UsageError(args[i] + " needs a FILE");
			output = args[++i];
		}
		else if (args[i].compare(0, 9, "--output=") == 0) output = args[i].substr(9);
		else positional.push_back(args[i]);
	}
	expectArguments(positional, 0, 0, "");
	bool offline = false;
	Poco::JSON::Object::Ptr result = HookCommands::hooksRequest(app, *request("hooks.export"), &offline).extract<Poco::JSON::Object::Ptr>();
	const std::string document = result->getValue<std::string>("document");
	if (output.empty() || output == "-")
	{
		if (app.json()) app.printJSON(result);
		else app.out() << document;
		return CtlApp::EXIT_OK;
	}
	try
	{
		// 0600: the document holds every hook's token and signing secret.
		AtomicFile::write(output, document, 0600);
	}
	catch (Poco::Exception& e)
	{
		throw CtlError("cannot write " + output + ": " + e.message());
	}
	if (app.json())
	{
		result->remove("document");
		result->set("output", output);
		app.printJSON(result);
	}
	else
		app.out() << "exported " << text(*result, "hooks") << " hooks from " << text(*result, "location") << " to " << output
				  << " (mode 0600: it holds their secrets)\n";
	return CtlApp::EXIT_OK;
}

int hooksImport(CtlApp& app, const std::vector<std::string>& args)
{
	if (args.size() == 1 && args[0] != "-" && args[0].compare(0, 1, "-") == 0) throw UsageError("unknown option '" + args[0] + "'");
	if (args.empty()) throw UsageError("a FILE is required (- reads standard input)");
	if (args.size() > 1) throw UsageError("unexpected argument '" + args[1] + "'");
	Poco::JSON::Object::Ptr req = request("hooks.import");
	req->set("document", readDocument(args[0]));
	bool offline = false;
	Poco::JSON::Object::Ptr result = HookCommands::hooksRequest(app, *req, &offline).extract<Poco::JSON::Object::Ptr>();
	if (app.json()) app.printJSON(result);
	else
	{
		app.out() << "imported " << result->getArray("ids")->size() << " hooks into " << text(*result, "location") << ": "
				  << text(*result, "added") << " added, " << text(*result, "replaced") << " replaced\n";
		if (offline) app.err() << "note: sygen-webhookd is not running; webhooks.json was changed directly\n";
	}
	return CtlApp::EXIT_OK;
}

} // namespace

Poco::Dynamic::Var HookCommands::hooksRequest(CtlApp& app, const Poco::JSON::Object& req, bool* offline)
{
	if (offline) *offline = false;
	try
	{
		return app.callResult(req);
	}
	catch (SupervisorNotRunning&)
	{
		// Fall through: the same operation on the files.
	}
	if (offline) *offline = true;
	Config config = app.config();
	refuseOfflineInCluster(config);
	dropToHomeOwner(config.paths.home);
	HookStore store(config.paths.hooksFile);
	store.load();
	HookOperations operations(store, config.paths.cronTasksDir);
	return operations.execute(req.getValue<std::string>("cmd"), req);
}

void HookCommands::addTo(CtlApp& app)
{
	const std::string fieldHelp = fieldOptionsHelp();

	app.addCommand(
		{"hooks", "list", "", "list the hooks (secrets only as set/unset)", [](CtlApp& app, const std::vector<std::string>& args) {
			 expectArguments(args, 0, 0, "");
			 Poco::Dynamic::Var result = hooksRequest(app, *request("hooks.list"));
			 if (app.json()) app.printJSON(result);
			 else printHookTable(app.out(), *result.extract<Poco::JSON::Array::Ptr>());
			 return CtlApp::EXIT_OK;
		 }});
	app.addCommand(
		{"hooks", "show", "ID", "show one hook (secrets only as set/unset)", [](CtlApp& app, const std::vector<std::string>& args) {
			 expectArguments(args, 1, 1, "a hook ID");
			 Poco::JSON::Object::Ptr req = request("hooks.get");
			 req->set("id", args[0]);
			 Poco::Dynamic::Var result = hooksRequest(app, *req);
			 if (app.json()) app.printJSON(result);
			 else
			 {
				 std::string url = serviceUrl(app, args[0]);
				 app.out() << "hook " << args[0] << (url.empty() ? "" : " (" + url + ")") << "\n";
				 printHookLines(app.out(), *result.extract<Poco::JSON::Object::Ptr>());
			 }
			 return CtlApp::EXIT_OK;
		 }});
	app.addCommand(
		{"hooks", "add", "NAME --mode MODE --prompt TEXT [OPTIONS]", "add a hook; NAME becomes its id (lowercase, [a-z0-9-])", hooksAdd,
			"A bearer hook gets a fresh token of its own (printed once) unless --global-token.\n"
			"A cron_task hook needs --task-folder; the folder is created under workspace/cron_tasks/\n"
			"with CLAUDE.md, AGENTS.md, TASK_DESCRIPTION.md, <folder>_MEMORY.md and scripts/ when missing.\n"
			"An hmac hook needs --hmac-secret and --hmac-header (or a --preset). A standard_webhooks\n"
			"hook gets a fresh whsec_ secret (printed once) unless --hmac-secret is given.\n\n" +
				fieldHelp});
	app.addCommand({"hooks", "edit", "ID [OPTIONS]", "change the named fields of a hook", hooksEdit,
		"Only the options given are changed. A cron_task's new task folder is scaffolded like\n"
		"in hooks add. Tokens change with hooks rotate-token, not here.\n\n" +
			fieldHelp});
	app.addCommand(
		{"hooks", "remove", "ID", "remove a hook (its task folder is kept)", [](CtlApp& app, const std::vector<std::string>& args) {
			 expectArguments(args, 1, 1, "a hook ID");
			 Poco::JSON::Object::Ptr req = request("hooks.remove");
			 req->set("id", args[0]);
			 bool offline = false;
			 Poco::Dynamic::Var result = hooksRequest(app, *req, &offline);
			 if (app.json()) app.printJSON(result);
			 else
			 {
				 Poco::JSON::Object::Ptr r = result.extract<Poco::JSON::Object::Ptr>();
				 app.out() << "removed hook '" << args[0] << "'\n";
				 if (!r->isNull("task_folder")) app.out() << "task folder kept: " << text(*r, "task_folder") << "\n";
				 if (offline) app.err() << "note: sygen-webhookd is not running; webhooks.json was changed directly\n";
			 }
			 return CtlApp::EXIT_OK;
		 }});
	app.addCommand({"hooks", "rotate-token", "[ID]", "new token for a hook (without ID: the global token), printed once",
		[](CtlApp& app, const std::vector<std::string>& args) {
			expectArguments(args, 0, 1, "");
			if (args.empty()) return rotateGlobalToken(app);
			Poco::JSON::Object::Ptr req = request("hooks.rotate_token");
			req->set("id", args[0]);
			bool offline = false;
			Poco::Dynamic::Var result = hooksRequest(app, *req, &offline);
			if (app.json())
			{
				app.printJSON(result);
				return CtlApp::EXIT_OK;
			}
			app.out() << "rotated the " << (result.extract<Poco::JSON::Object::Ptr>()->has("token") ? "token" : "secret") << " of hook '"
					  << args[0] << "'; the old one no longer works\n";
			printSecrets(app.out(), *result.extract<Poco::JSON::Object::Ptr>());
			if (offline) app.err() << "note: sygen-webhookd is not running; webhooks.json was changed directly\n";
			return CtlApp::EXIT_OK;
		},
		"A bearer hook gets a new token, a standard_webhooks hook a new whsec_ secret. An hmac\n"
		"hook's secret is agreed with its sender: change it with hooks edit ID --hmac-secret -.\n"
		"Without ID the global token is rotated where it is kept (config.json webhooks.token,\n"
		"else <state>/token) and a running sygen-webhookd switches to it at once.\n"});
	app.addCommand({"hooks", "test", "ID [--payload JSON|@FILE]",
		"sign a payload (default {}) like the hook's sender and POST it to the running service", hooksTest,
		"sygen-webhookd signs the request itself (the secrets never leave it), with a fresh\n"
		"delivery id when the hook has a dedupe header, and POSTs it to its own address.\n"
		"Prints the HTTP status, the job id and the answer; exits 1 unless the status is 2xx.\n"});

	app.addCommand(
		{"hooks", "export", "[--output FILE]", "write every hook, secrets and telemetry included, in the webhooks.json format", hooksExport,
			"Writes the document to standard output, or atomically to FILE (mode 0600: it holds\n"
			"every hook's token and signing secret). The format is the reference's webhooks.json,\n"
			"so the file can be imported elsewhere (hooks import) or used as a single node's\n"
			"webhooks.json. In cluster mode (webhooks.backend postgres) the hooks come from\n"
			"PostgreSQL through any running node.\n\n"
			"Options:\n"
			"  --output FILE, -o FILE    write to FILE instead of standard output\n"});
	app.addCommand({"hooks", "import", "FILE", "add or replace hooks from a webhooks.json document (- reads standard input)", hooksImport,
		"Every entry must be a valid hook (the first invalid one refuses the whole file, nothing\n"
		"is changed). Hooks whose id is already known are replaced whole (telemetry included),\n"
		"the others added; hooks not in FILE are kept. Task folders are not created. In cluster\n"
		"mode the change goes to PostgreSQL through any running node and is live on every node\n"
		"within a second; on a single node it is written to webhooks.json.\n"});

	app.addCommand({"token", "show", "", "where the global token is kept and its fingerprint (never the token)",
		[](CtlApp& app, const std::vector<std::string>& args) {
			expectArguments(args, 0, 0, "");
			bool offline = false;
			Poco::JSON::Object::Ptr result = tokenRequest(app, "token.show", offline);
			if (app.json())
			{
				app.printJSON(result);
				return CtlApp::EXIT_OK;
			}
			std::ostream& out = app.out();
			bool set = result->optValue<bool>("set", false);
			out << "global token: " << (set ? "set (" + text(*result, "fingerprint") + ")" : std::string("unset")) << "\n"
				<< "stored in: " << locationText(*result) << "\n";
			if (result->has("stored_matches") && !result->optValue<bool>("stored_matches", true))
				out << (text(*result, "location") == "database"
						? "note: this node has not picked up the database's token yet\n"
						: "note: the file holds another token; sygen-webhookd uses it after a restart\n");
			out << "The token itself is never printed: read it from that file, or make a new one\n"
				   "with sygen-webhookctl token rotate (printed once).\n";
			return CtlApp::EXIT_OK;
		}});
	app.addCommand({"token", "rotate", "", "new global token, printed once (same as hooks rotate-token)",
		[](CtlApp& app, const std::vector<std::string>& args) {
			expectArguments(args, 0, 0, "");
			return rotateGlobalToken(app);
		}});

	app.addCommand(
		{"reload", "", "", "make sygen-webhookd re-read webhooks.json now", [](CtlApp& app, const std::vector<std::string>& args) {
			 expectArguments(args, 0, 0, "");
			 Poco::Dynamic::Var result = app.callResult(*request("reload"));
			 if (app.json()) app.printJSON(result);
			 else
			 {
				 // A cluster's hooks are in the database, not in this node's webhooks.json.
				 Poco::JSON::Object::Ptr answer = result.extract<Poco::JSON::Object::Ptr>();
				 bool database = text(*answer, "location") == "PostgreSQL";
				 app.out() << (database ? "reloaded the hooks from PostgreSQL: " : "reloaded webhooks.json: ") << text(*answer, "hooks")
						   << " hooks\n";
			 }
			 return CtlApp::EXIT_OK;
		 }});
}

} // namespace Sygen
