//
// HookOperations.cpp
//

#include "Sygen/Admin/HookOperations.h"
#include "Sygen/Admin/HookPreset.h"
#include "Sygen/Auth/HMACDigest.h"
#include "Sygen/Auth/StandardWebhooksAuthenticator.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/TokenGenerator.h"
#include "Sygen/Hooks/HookIdSanitizer.h"
#include "Sygen/Hooks/ProviderNames.h"
#include "Sygen/Hooks/TaskFolderScaffold.h"
#include <Poco/Exception.h>
#include <Poco/RegularExpression.h>
#include <Poco/String.h>
#include <cerrno>
#include <cstring>
#include <sys/random.h>

namespace Sygen {

namespace {

bool isBearer(const Hook& hook)
{
	// SPEC §3: an unknown auth_mode is treated as bearer.
	return hook.authMode != "hmac" && hook.authMode != "standard_webhooks";
}

std::string randomBytes(std::size_t count)
{
	std::string bytes(count, '\0');
	std::size_t filled = 0;
	while (filled < count)
	{
		ssize_t n = ::getrandom(&bytes[filled], count - filled, 0);
		if (n < 0)
		{
			if (errno == EINTR) continue;
			throw Poco::SystemException(std::string("getrandom: ") + std::strerror(errno), errno);
		}
		filled += static_cast<std::size_t>(n);
	}
	return bytes;
}

int capturingGroups(const std::string& pattern)
/// Counts "(" that open a capturing group: not escaped, not in a character
/// class, not "(?" unless a named group "(?<name>", "(?P<name>" or "(?'name'".
{
	int groups = 0;
	bool inClass = false;
	for (std::size_t i = 0; i < pattern.size(); ++i)
	{
		char c = pattern[i];
		if (c == '\\')
		{
			++i;
			continue;
		}
		if (inClass)
		{
			if (c == ']') inClass = false;
			continue;
		}
		if (c == '[')
		{
			inClass = true;
			continue;
		}
		if (c != '(') continue;
		if (i + 1 < pattern.size() && pattern[i + 1] == '?')
		{
			std::string after = pattern.substr(i + 2, 2);
			bool named = (!after.empty() && after[0] == '<' && after.size() > 1 && after[1] != '=' && after[1] != '!') ||
				(!after.empty() && after[0] == '\'') || after == "P<";
			if (named) ++groups;
		}
		else ++groups;
	}
	return groups;
}

void checkRegex(const std::string& field, const std::string& pattern)
{
	if (pattern.empty()) return;
	try
	{
		Poco::RegularExpression re(pattern);
	}
	catch (Poco::RegularExpressionException& e)
	{
		throw Poco::InvalidArgumentException(field + ": invalid regular expression: " + e.message());
	}
	if (capturingGroups(pattern) < 1) throw Poco::InvalidArgumentException(field + ": needs a capturing group (group 1 is used)");
}

void checkHour(const std::string& field, const std::optional<int>& hour)
{
	if (hour && (*hour < 0 || *hour > 23)) throw Poco::InvalidArgumentException(field + ": must be an hour from 0 to 23");
}

Poco::JSON::Object::Ptr copyOf(const Poco::JSON::Object& obj)
{
	Poco::JSON::Object::Ptr copy = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	for (const std::string& name: obj.getNames()) copy->set(name, obj.get(name));
	return copy;
}

Poco::JSON::Object::Ptr fieldsOf(const Poco::JSON::Object& request)
{
	Poco::JSON::Object::Ptr fields = JSONFields::object(request, "fields");
	if (fields) return fields;
	if (JSONFields::isSet(request, "fields")) throw Poco::DataFormatException("fields: expected an object");
	return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

} // namespace

HookOperations::HookOperations(HookRepository& store, const std::string& cronTasksDir):
	_store(store),
	_cronTasksDir(cronTasksDir)
{
}

const std::vector<std::pair<std::string, std::string>>& HookOperations::commands()
{
	static const std::vector<std::pair<std::string, std::string>> COMMANDS = {
		{"hooks.list", "list the hooks (secrets as set/unset)"},
		{"hooks.get", "show one hook {id} (secrets as set/unset)"},
		{"hooks.add", "add a hook {name, fields, preset, use_global_token}"},
		{"hooks.update", "change named fields of a hook {id, fields, preset, use_global_token}"},
		{"hooks.remove", "remove a hook {id}; its task folder is kept"},
		{"hooks.rotate_token", "new token (bearer) or secret (standard_webhooks) for a hook {id}"},
		{"hooks.export", "every hook, secrets and telemetry included, in the webhooks.json format"},
		{"hooks.import", "add or replace the hooks of a webhooks.json document {document}"},
	};
	return COMMANDS;
}

Poco::Dynamic::Var HookOperations::execute(const std::string& command, const Poco::JSON::Object& request)
{
	if (command == "hooks.list") return list();
	if (command == "hooks.get") return get(JSONFields::requireString(request, "id"));
	if (command == "hooks.add")
	{
		return add(JSONFields::requireString(request, "name"), *fieldsOf(request), JSONFields::string(request, "preset"),
			JSONFields::boolean(request, "use_global_token", false));
	}
	if (command == "hooks.update")
	{
		return update(JSONFields::requireString(request, "id"), *fieldsOf(request), JSONFields::string(request, "preset"),
			JSONFields::boolean(request, "use_global_token", false));
	}
	if (command == "hooks.remove") return remove(JSONFields::requireString(request, "id"));
	if (command == "hooks.rotate_token") return rotateToken(JSONFields::requireString(request, "id"));
	if (command == "hooks.export") return exportHooks();
	if (command == "hooks.import") return importHooks(JSONFields::requireString(request, "document"));
	throw Poco::NotFoundException("unknown command " + command);
}

Poco::JSON::Object::Ptr HookOperations::redacted(const Hook& hook)
{
	Poco::JSON::Object::Ptr obj = hook.toJSON();
	obj->set("token", std::string(hook.token.empty() ? "unset" : "set"));
	obj->set("hmac_secret", std::string(hook.hmacSecret.empty() ? "unset" : "set"));
	return obj;
}

Poco::JSON::Array::Ptr HookOperations::list() const
{
	Poco::JSON::Array::Ptr hooks = new Poco::JSON::Array;
	for (const Hook& hook: _store.list()) hooks->add(redacted(hook));
	return hooks;
}

Poco::JSON::Object::Ptr HookOperations::get(const std::string& id) const
{
	std::optional<Hook> hook = _store.get(id);
	if (!hook) throw Poco::NotFoundException("Hook '" + id + "' not found");
	return redacted(*hook);
}

void HookOperations::checkFields(const Poco::JSON::Object& fields)
{
	static const std::set<std::string> FORBIDDEN = {"id", "token", "created_at", "trigger_count", "last_triggered_at", "last_error"};
	for (const std::string& name: fields.getNames())
	{
		if (!Hook::isField(name)) throw Poco::InvalidArgumentException("unknown hook field '" + name + "'");
		if (FORBIDDEN.count(name))
		{
			throw Poco::InvalidArgumentException("field '" + name + "' cannot be set here" +
				(name == "token" ? std::string(" (hooks rotate-token makes a new one)") : std::string()));
		}
	}
}

void HookOperations::validate(const Hook& hook, bool checkTaskFolderName)
{
	if (hook.id.empty()) throw Poco::InvalidArgumentException("id: empty");
	if (Poco::trim(hook.title).empty()) throw Poco::InvalidArgumentException("title: empty");
	if (hook.mode != "wake" && hook.mode != "cron_task")
		throw Poco::InvalidArgumentException("mode: must be wake or cron_task, not '" + hook.mode + "'");
	if (Poco::trim(hook.promptTemplate).empty()) throw Poco::InvalidArgumentException("prompt_template: empty (--prompt)");
	if (hook.mode == "cron_task" && hook.taskFolder.value_or("").empty())
		throw Poco::InvalidArgumentException("a cron_task hook needs a task folder (--task-folder NAME)");
	if (checkTaskFolderName && hook.taskFolder && !hook.taskFolder->empty()) TaskFolderScaffold::validateName(*hook.taskFolder);

	if (hook.authMode == "hmac")
	{
		if (hook.hmacSecret.empty()) throw Poco::InvalidArgumentException("an hmac hook needs a secret (--hmac-secret)");
		if (hook.hmacHeader.empty()) throw Poco::InvalidArgumentException("an hmac hook needs the signature header (--hmac-header)");
		if (!HMACDigest::isSupported(hook.hmacAlgorithm))
			throw Poco::InvalidArgumentException("hmac_algorithm: must be sha256, sha1 or sha512, not '" + hook.hmacAlgorithm + "'");
		std::string encoding = Poco::toLower(hook.hmacEncoding);
		if (encoding != "hex" && encoding != "base64")
			throw Poco::InvalidArgumentException("hmac_encoding: must be hex or base64, not '" + hook.hmacEncoding + "'");
		checkRegex("hmac_sig_regex", hook.hmacSigRegex);
		checkRegex("hmac_payload_prefix_regex", hook.hmacPayloadPrefixRegex);
		if (hook.hmacToleranceSeconds.value_or(0) > 0 && hook.hmacPayloadPrefixRegex.empty())
			throw Poco::InvalidArgumentException("hmac_tolerance_seconds needs hmac_payload_prefix_regex (where the timestamp is)");
	}
	else if (hook.authMode == "standard_webhooks")
	{
		try
		{
			StandardWebhooksAuthenticator::decodeSecret(hook.hmacSecret);
		}
		catch (Poco::DataFormatException&)
		{
			throw Poco::InvalidArgumentException("hmac_secret: a Standard Webhooks secret is whsec_ followed by base64");
		}
	}
	else if (hook.authMode != "bearer")
	{
		throw Poco::InvalidArgumentException("auth_mode: must be bearer, hmac or standard_webhooks, not '" + hook.authMode + "'");
	}
	if (hook.hmacToleranceSeconds && *hook.hmacToleranceSeconds < 0)
		throw Poco::InvalidArgumentException("hmac_tolerance_seconds: must not be negative");
	checkHour("quiet_start", hook.quietStart);
	checkHour("quiet_end", hook.quietEnd);
	if (hook.maxConcurrent && *hook.maxConcurrent < 1) throw Poco::InvalidArgumentException("max_concurrent: must be at least 1");
	for (const std::string& node: hook.runOn)
	{
		if (node.empty()) throw Poco::InvalidArgumentException("run_on: a node id must not be empty");
	}
	if (hook.provider && !ProviderNames::isKnown(*hook.provider))
		throw Poco::InvalidArgumentException("provider: must be " + ProviderNames::listed() + ", not '" + *hook.provider + "'");
}

std::string HookOperations::newStandardWebhooksSecret()
{
	return "whsec_" + HMACDigest::toBase64(randomBytes(32));
}

Poco::JSON::Object::Ptr HookOperations::scaffold(const Hook& hook)
{
	Poco::JSON::Object::Ptr folder = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	folder->set("path", _cronTasksDir + "/" + *hook.taskFolder);
	Poco::JSON::Array::Ptr created = new Poco::JSON::Array;
	for (const std::string& name: TaskFolderScaffold::create(_cronTasksDir, *hook.taskFolder, hook.title, hook.description))
		created->add(name);
	folder->set("created", created);
	return folder;
}

Poco::JSON::Object::Ptr HookOperations::add(
	const std::string& name, const Poco::JSON::Object& fields, const std::string& preset, bool useGlobalToken)
{
	checkFields(fields);
	Poco::JSON::Object::Ptr entry = copyOf(fields);
	if (!preset.empty()) HookPreset::apply(preset, *entry);
	const std::string id = HookIdSanitizer::sanitize(name);
	entry->set("id", id);
	if (!JSONFields::isSet(*entry, "title")) entry->set("title", Poco::trim(name));
	Hook hook = Hook::fromJSON(*entry);

	Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	if (isBearer(hook) && !useGlobalToken)
	{
		hook.token = TokenGenerator::generate();
		result->set("token", hook.token);
	}
	if (hook.authMode == "standard_webhooks" && hook.hmacSecret.empty())
	{
		hook.hmacSecret = newStandardWebhooksSecret();
		result->set("hmac_secret", hook.hmacSecret);
	}
	validate(hook, true);
	// Checked before the folder is scaffolded, so a refused add leaves no trace;
	// The store checks again under its lock.
	if (_store.get(id)) throw Poco::ExistsException("Hook '" + id + "' already exists");
	Poco::JSON::Object::Ptr folder;
	if (hook.mode == "cron_task") folder = scaffold(hook);

	Hook stored = _store.add(hook);
	result->set("hook", redacted(stored));
	if (folder) result->set("task_folder", folder);
	return result;
}

Poco::JSON::Object::Ptr HookOperations::update(
	const std::string& id, const Poco::JSON::Object& fields, const std::string& preset, bool useGlobalToken)
{
	checkFields(fields);
	Poco::JSON::Object::Ptr changes = copyOf(fields);
	if (!preset.empty()) HookPreset::apply(preset, *changes);
	if (changes->size() == 0 && !useGlobalToken) throw Poco::InvalidArgumentException("nothing to change");
	std::optional<Hook> current = _store.get(id);
	if (!current) throw Poco::NotFoundException("Hook '" + id + "' not found");

	Poco::JSON::Object::Ptr merged = current->toJSON();
	for (const std::string& name: changes->getNames()) merged->set(name, changes->get(name));
	Hook hook = Hook::fromJSON(*merged);

	Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	if (isBearer(hook) && useGlobalToken)
	{
		hook.token.clear();
		changes->set("token", std::string());
	}
	else if (useGlobalToken)
	{
		throw Poco::InvalidArgumentException("--global-token applies to bearer hooks only");
	}
	else if (isBearer(hook) && !isBearer(*current) && hook.token.empty())
	{
		hook.token = TokenGenerator::generate();
		changes->set("token", hook.token);
		result->set("token", hook.token);
	}
	if (hook.authMode == "standard_webhooks" && hook.hmacSecret.empty())
	{
		hook.hmacSecret = newStandardWebhooksSecret();
		changes->set("hmac_secret", hook.hmacSecret);
		result->set("hmac_secret", hook.hmacSecret);
	}
	bool folderChanged = changes->has("task_folder") || changes->has("mode");
	validate(hook, changes->has("task_folder"));
	Poco::JSON::Object::Ptr folder;
	if (folderChanged && hook.mode == "cron_task") folder = scaffold(hook);

	Hook stored = _store.update(id, *changes);
	result->set("hook", redacted(stored));
	if (folder) result->set("task_folder", folder);
	return result;
}

Poco::JSON::Object::Ptr HookOperations::remove(const std::string& id)
{
	std::optional<Hook> current = _store.get(id);
	_store.remove(id);
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	result->set("id", id);
	result->set("removed", true);
	// Never deleted: it holds the task's memory and scripts.
	if (current && current->taskFolder && !current->taskFolder->empty())
		result->set("task_folder", _cronTasksDir + "/" + *current->taskFolder);
	else result->set("task_folder", Poco::Dynamic::Var());
	return result;
}

Poco::JSON::Object::Ptr HookOperations::exportHooks() const
{
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	result->set("location", _store.location());
	result->set("hooks", static_cast<Poco::UInt64>(_store.snapshot()->size()));
	result->set("document", _store.exportDocument());
	return result;
}

Poco::JSON::Object::Ptr HookOperations::importHooks(const std::string& document)
{
	std::vector<Hook> hooks = HookRepository::parseDocument(document);
	// As a load would give them: an entry without created_at is created now.
	const std::string now = IsoTime::format(Poco::Timestamp());
	for (Hook& hook: hooks)
	{
		if (hook.createdAt.empty()) hook.createdAt = now;
	}
	HookRepository::ImportCount count = _store.importHooks(hooks);
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	result->set("location", _store.location());
	result->set("added", static_cast<Poco::UInt64>(count.added));
	result->set("replaced", static_cast<Poco::UInt64>(count.replaced));
	Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
	for (const Hook& hook: hooks) ids->add(hook.id);
	result->set("ids", ids);
	return result;
}

Poco::JSON::Object::Ptr HookOperations::rotateToken(const std::string& id)
{
	std::optional<Hook> current = _store.get(id);
	if (!current) throw Poco::NotFoundException("Hook '" + id + "' not found");
	Poco::JSON::Object::Ptr changes = new Poco::JSON::Object;
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	if (current->authMode == "hmac")
	{
		throw Poco::InvalidArgumentException("hook '" + id +
			"' uses hmac: its secret is agreed with the sender; "
			"set the new one with: hooks edit " +
			id + " --hmac-secret -");
	}
	std::string secret;
	if (current->authMode == "standard_webhooks")
	{
		secret = newStandardWebhooksSecret();
		changes->set("hmac_secret", secret);
		result->set("hmac_secret", secret);
	}
	else
	{
		secret = TokenGenerator::generate();
		changes->set("token", secret);
		result->set("token", secret);
	}
	Hook stored = _store.update(id, *changes);
	result->set("hook", redacted(stored));
	return result;
}

} // namespace Sygen
