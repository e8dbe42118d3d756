//
// HookRepository.h
//
// Library: Sygen/Hooks
//
// The seam between the hooks' users (request path, dispatcher, admin commands)
// and where the definitions and their telemetry live.
//

#ifndef Sygen_Hooks_HookRepository_INCLUDED
#define Sygen_Hooks_HookRepository_INCLUDED

#include "Sygen/Hooks/Hook.h"
#include "Sygen/Hooks/HookSet.h"
#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace Sygen {

class HookRepository
/// The hook definitions and their telemetry: webhooks.json on one node
/// (HookStore), PostgreSQL in a cluster (the supervisor's PostgresHookStore),
/// chosen by webhooks.backend. Readers take an immutable snapshot(); writers
/// change one hook at a time and every change is durable when the call returns.
/// Implementations are thread-safe.
{
public:
	struct ImportCount
	/// What importHooks() did.
	{
		std::size_t added = 0;    ///< Ids that were not there.
		std::size_t replaced = 0; ///< Ids whose definition the import replaced.
	};

	virtual ~HookRepository() = default;

	virtual void load() = 0;
	/// Reads the definitions now. Never throws for content problems; they are logged.

	virtual std::shared_ptr<const HookSet> snapshot() const = 0;
	/// The current hooks. Lock-free; never null.

	virtual std::optional<Hook> get(const std::string& id) const;
	/// A copy of the hook with this id, if any (from snapshot()).

	virtual std::vector<Hook> list() const;
	/// Copies of all hooks in order (from snapshot()).

	virtual std::string problem() const = 0;
	/// Empty when the hooks in memory are known good; otherwise why not. A job
	/// whose hook is not found waits while there is a problem instead of failing.

	virtual Hook add(Hook hook) = 0;
	/// Appends a hook; created_at set to now when empty. Throws
	/// Poco::InvalidArgumentException (empty id), Poco::ExistsException
	/// "Hook '<id>' already exists", and the implementation's I/O errors.

	virtual void remove(const std::string& id) = 0;
	/// Throws Poco::NotFoundException "Hook '<id>' not found", and as add().

	virtual Hook update(const std::string& id, const Poco::JSON::Object& changes) = 0;
	/// Changes only the fields named in changes (JSON null = back to the default);
	/// throws as changed(), Poco::NotFoundException, and as add().

	virtual ImportCount importHooks(const std::vector<Hook>& hooks) = 0;
	/// Replaces the hooks with these ids by these definitions (telemetry included)
	/// and appends the others, all in one durable change. Hooks not named are kept.

	virtual std::string exportDocument() const = 0;
	/// Every hook, telemetry included, in the reference's webhooks.json format
	/// ({"hooks": [...]}, JSONWriter::file): secrets included.

	virtual bool recordTrigger(const std::string& id, const std::string& status, const Poco::Timestamp& when) = 0;
	/// Telemetry of one run: trigger_count + 1, last_triggered_at = when,
	/// last_error = status (null for "success"). Coalesced: written by the next
	/// flushTelemetry(). Returns false when no hook has this id.

	virtual bool flushTelemetry() = 0;
	/// Writes pending telemetry, if any; true when it wrote. Never throws.

	virtual void startPolling(
		Poco::Timespan reloadInterval = Poco::Timespan(5, 0), Poco::Timespan flushInterval = Poco::Timespan(1, 0)) = 0;
	/// Starts picking up changes made elsewhere and flushing telemetry. Idempotent.

	virtual void stopPolling() = 0;
	/// Stops it and flushes pending telemetry. Idempotent.

	virtual std::string location() const = 0;
	/// Where the hooks are kept, for messages (the webhooks.json path, "PostgreSQL").

	static void checkChanges(const std::string& id, const Poco::JSON::Object& changes);
	/// Throws Poco::InvalidArgumentException for an unknown field name or an
	/// attempt to change "id".

	static Hook changed(const Hook& hook, const Poco::JSON::Object& changes);
	/// hook with the fields of changes applied. Throws Poco::DataFormatException
	/// for a wrong type (the message names the field).

	static std::vector<Hook> parseDocument(const std::string& text);
	/// The hooks of a webhooks.json document. Strict, for imports: throws
	/// Poco::DataFormatException naming the entry and field of the first problem
	/// (not JSON, no "hooks" array, an invalid entry, a duplicate id).
};

} // namespace Sygen

#endif // Sygen_Hooks_HookRepository_INCLUDED
