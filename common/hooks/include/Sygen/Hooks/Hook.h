//
// Hook.h
//
// Library: Sygen/Hooks
//
// One entry of webhooks.json (SPEC §3).
//

#ifndef Sygen_Hooks_Hook_INCLUDED
#define Sygen_Hooks_Hook_INCLUDED

#include "Sygen/Hooks/HookExecution.h"
#include <Poco/JSON/Object.h>
#include <optional>
#include <string>
#include <vector>

namespace Sygen {

struct Hook: HookExecution
/// A hook definition. Field names and defaults follow SPEC §3; optional values
/// that are unset in the file are std::nullopt. Keys this version does not know
/// are kept in `extra` and written back unchanged.
{
	std::string id;
	std::string title;
	std::string description;
	std::string mode; ///< "wake" or "cron_task"; anything else fails at dispatch.
	std::string promptTemplate;
	bool enabled = true;
	std::optional<std::string> taskFolder;
	std::string authMode = "bearer"; ///< "bearer", "hmac", "standard_webhooks"; unknown = bearer.
	std::string token;
	std::string hmacSecret;
	std::string hmacHeader;
	std::string hmacAlgorithm = "sha256";
	std::string hmacEncoding = "hex";
	std::string hmacSigPrefix = "sha256=";
	std::string hmacSigRegex;
	std::string hmacPayloadPrefixRegex;
	std::string createdAt;
	long long triggerCount = 0;
	std::optional<std::string> lastTriggeredAt;
	std::optional<std::string> lastError;
	// provider … dependency: HookExecution.

	// [beyond] optional fields, written only when set.
	std::optional<long long> hmacToleranceSeconds;
	std::optional<std::string> dedupeHeader;
	std::optional<int> maxConcurrent;
	std::vector<std::string> runOn; ///< Cluster mode: the node ids that may run its jobs; empty = any.

	Poco::JSON::Object::Ptr extra; ///< Unknown keys, kept on rewrite. May be null.

	static Hook fromJSON(const Poco::JSON::Object& obj);
	/// Builds a hook from a JSON object. JSON null in a typed field means the default.
	/// Throws Poco::DataFormatException whose message starts with the field name
	/// ("title: missing", "enabled: expected true or false") when a required field
	/// (id, title, mode, prompt_template) is missing or a field has the wrong type.
	/// Keys that are not hook fields are kept in `extra` in their order.

	Poco::JSON::Object::Ptr toJSON() const;
	/// Returns the entry with all 27 reference fields in SPEC order (unset optionals
	/// as null), then the set [beyond] fields, then the unknown keys.
	/// The returned object preserves insertion order.

	static bool isField(const std::string& name);
	/// True for the 27 reference fields and the [beyond] fields.
};

} // namespace Sygen

#endif // Sygen_Hooks_Hook_INCLUDED
