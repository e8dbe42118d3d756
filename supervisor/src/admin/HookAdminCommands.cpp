//
// HookAdminCommands.cpp
//

#include "admin/HookAdminCommands.h"
#include "Sygen/Admin/HookOperations.h"
#include "Sygen/Auth/GlobalTokenStore.h"
#include "Sygen/Auth/WebhookSigner.h"
#include "Sygen/Delivery/HTTPClient.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/Logging.h"
#include <Poco/Exception.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <memory>

namespace Sygen {

namespace {

const Poco::Timespan TEST_TIMEOUT(30, 0);

void maskSecretsOf(HookRepository& hooks, const std::string& id)
{
	std::optional<Hook> hook = hooks.get(id);
	if (!hook) return;
	Logging::addSecret(hook->token);
	Logging::addSecret(hook->hmacSecret);
}

std::string ownAddress(const std::string& stateDir)
/// The address the HTTP server bound, as a host:port a client can connect to.
{
	const std::string path = stateDir + "/http.address";
	std::string address;
	try
	{
		Poco::FileInputStream in(path);
		std::getline(in, address);
	}
	catch (Poco::Exception& e)
	{
		throw Poco::IllegalStateException("the HTTP address is not known yet (" + path + "): " + e.message());
	}
	address = Poco::trim(address);
	if (address.empty()) throw Poco::IllegalStateException(path + " is empty");
	// A wildcard bind is reached through loopback.
	if (address.compare(0, 8, "0.0.0.0:") == 0) address = "127.0.0.1:" + address.substr(8);
	else if (address.compare(0, 5, "[::]:") == 0) address = "[::1]:" + address.substr(5);
	return address;
}

Poco::Dynamic::Var bodyValue(const std::string& body)
{
	try
	{
		Poco::JSON::Parser parser;
		return parser.parse(body);
	}
	catch (Poco::Exception&)
	{
		return body;
	}
}

std::string locationName(GlobalTokenStore::Location location)
{
	switch (location)
	{
	case GlobalTokenStore::CONFIG_FILE: return "config";
	case GlobalTokenStore::STATE_FILE: return "state";
	case GlobalTokenStore::NONE: break;
	}
	return "none";
}

Poco::JSON::Object::Ptr clusterTokenAnswer(const std::string& current, const std::string& stored)
/// token.show's answer in cluster mode: the token is kept in the database.
{
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	result->set("set", !current.empty());
	result->set("fingerprint", GlobalTokenStore::fingerprint(current));
	result->set("location", std::string("database"));
	result->set("path", std::string("PostgreSQL (sygen_settings)"));
	result->set("stored_matches", stored == current);
	return result;
}

} // namespace

void HookAdminCommands::add(AdminServer& server, HookRepository& hooks, const Config::Paths& paths, const GlobalToken& token)
{
	auto operations = std::make_shared<HookOperations>(hooks, paths.cronTasksDir);
	for (const auto& command: HookOperations::commands())
	{
		const std::string name = command.first;
		server.addCommand(name, command.second, [operations, name, &hooks](const Poco::JSON::Object& request) {
			Poco::Dynamic::Var result = operations->execute(name, request);
			if (name == "hooks.add" || name == "hooks.update" || name == "hooks.rotate_token")
			{
				Poco::JSON::Object::Ptr hook = result.extract<Poco::JSON::Object::Ptr>()->getObject("hook");
				if (hook) maskSecretsOf(hooks, hook->getValue<std::string>("id"));
			}
			if (name == "hooks.import")
			{
				Poco::JSON::Array::Ptr ids = result.extract<Poco::JSON::Object::Ptr>()->getArray("ids");
				for (std::size_t i = 0; ids && i < ids->size(); ++i)
					maskSecretsOf(hooks, ids->getElement<std::string>(static_cast<unsigned>(i)));
			}
			return result;
		});
	}

	const std::string stateDir = paths.stateDir;
	server.addCommand("hooks.test", "sign {payload} like the hook's sender and POST it to this service {id, payload}",
		[&hooks, stateDir, token](const Poco::JSON::Object& request) {
			const std::string id = JSONFields::requireString(request, "id");
			const std::string body = JSONFields::string(request, "payload", "{}");
			std::optional<Hook> hook = hooks.get(id);
			if (!hook) throw Poco::NotFoundException("Hook '" + id + "' not found");
			Poco::Net::NameValueCollection headers = WebhookSigner::sign(*hook, body, token.get(), Poco::Timestamp());
			// A real sender gives every delivery its own id; without one a second test
			// would be answered as a replay.
			if (hook->dedupeHeader && !hook->dedupeHeader->empty() && !headers.has(*hook->dedupeHeader))
				headers.set(*hook->dedupeHeader, WebhookSigner::newMessageId());
			std::string path;
			Poco::URI::encode(id, "/?#%", path);
			const std::string url = "http://" + ownAddress(stateDir) + "/hooks/" + path;
			HTTPClient::Response response = HTTPClient(TEST_TIMEOUT).send("POST", url, body, headers);

			Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
			result->set("url", url);
			result->set("status", response.status);
			result->set("reason", response.reason);
			Poco::Dynamic::Var parsed = bodyValue(response.body);
			result->set("body", parsed);
			Poco::Dynamic::Var jobId;
			if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
			{
				Poco::JSON::Object::Ptr obj = parsed.extract<Poco::JSON::Object::Ptr>();
				if (obj->has("job_id")) jobId = obj->get("job_id");
			}
			result->set("job_id", jobId);
			return Poco::Dynamic::Var(result);
		});

	const Config::Paths tokenPaths = paths;
	server.addCommand("token.show", "where the global token is kept and its fingerprint (never the token)",
		[tokenPaths, token](const Poco::JSON::Object&) {
			if (token.stored) return Poco::Dynamic::Var(clusterTokenAnswer(token.get(), token.stored()));
			GlobalTokenStore store(tokenPaths);
			GlobalTokenStore::Location location = store.locate();
			const std::string current = token.get();
			Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
			result->set("set", !current.empty());
			result->set("fingerprint", GlobalTokenStore::fingerprint(current));
			result->set("location", locationName(location));
			result->set("path", store.path(location));
			// False after a hand edit of the file: the service uses the new one only after a restart.
			result->set("stored_matches", store.read() == current);
			return Poco::Dynamic::Var(result);
		});
	server.addCommand(
		"token.rotate", "generate a new global token, store it and use it at once", [tokenPaths, token](const Poco::JSON::Object&) {
			if (token.rotate)
			{
				std::string fresh = token.rotate();
				Logging::addSecret(fresh);
				token.set(fresh);
				Poco::JSON::Object::Ptr result = clusterTokenAnswer(fresh, fresh);
				result->set("token", fresh);
				result->set("applied", true);
				return Poco::Dynamic::Var(result);
			}
			GlobalTokenStore store(tokenPaths);
			std::string fresh = store.rotate();
			Logging::addSecret(fresh);
			token.set(fresh);
			GlobalTokenStore::Location location = store.locate();
			Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
			result->set("token", fresh);
			result->set("fingerprint", GlobalTokenStore::fingerprint(fresh));
			result->set("location", locationName(location));
			result->set("path", store.path(location));
			result->set("applied", true);
			return Poco::Dynamic::Var(result);
		});
}

} // namespace Sygen
