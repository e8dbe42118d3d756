//
// PostgresHookStore.h
//
// The cluster's hook definitions and telemetry, in PostgreSQL.
//

#ifndef Sygen_PostgresHookStore_INCLUDED
#define Sygen_PostgresHookStore_INCLUDED

#include "Sygen/Foundation/Clock.h"
#include "Sygen/Foundation/PollingThread.h"
#include "Sygen/Hooks/HookRepository.h"
#include "jobs/PostgresPool.h"
#include <atomic>
#include <map>
#include <mutex>

namespace Sygen {

class PostgresHookStore: public HookRepository
/// The HookRepository of a cluster (webhooks.backend postgres): one row per hook
/// in sygen_hooks (its webhooks.json entry as text, the telemetry in columns of
/// their own so that nodes add to the counts instead of overwriting each other).
///
/// Edits run in one transaction under a cluster-wide advisory lock, bump the
/// revision in sygen_settings and NOTIFY sygen_hooks; every node re-reads the
/// definitions when notified (PostgresNotifier calls reload()), so an edit made
/// through any node's admin socket is live everywhere within a round trip. The
/// poll thread checks the revision every reloadInterval as well (a notification
/// lost to a broken connection), refreshes the other nodes' telemetry, and writes
/// this node's coalesced telemetry every flushInterval as increments.
///
/// The first load() of a cluster whose table is empty, and that never imported,
/// imports importFile (webhooks.json, read as a single node reads it). While the
/// database cannot be reached the hooks in memory stay in use; edits throw
/// BackendUnavailable. Thread-safe.
{
public:
	static const char* const CHANNEL;
	/// "sygen_hooks": NOTIFYed on every change of a definition.

	PostgresHookStore(PostgresPool& pool, const std::string& importFile, Clock& clock = Clock::system());
	~PostgresHookStore() override;
	/// Stops polling and flushes pending telemetry.

	PostgresHookStore(const PostgresHookStore&) = delete;
	PostgresHookStore& operator=(const PostgresHookStore&) = delete;

	void load() override;
	/// Imports importFile on the cluster's first start (see above), then reads
	/// every hook. Logs and keeps the hooks in memory when the database cannot
	/// be reached.

	bool reload();
	/// Reads every hook now; false (logged by the pool) when unreachable.

	std::shared_ptr<const HookSet> snapshot() const override;
	std::optional<Hook> get(const std::string& id) const override;
	/// As snapshot()->find(), but an id not found is looked up in the database
	/// once (a hook added on another node a moment ago whose job this node claimed).
	std::string problem() const override;
	Hook add(Hook hook) override;
	void remove(const std::string& id) override;
	Hook update(const std::string& id, const Poco::JSON::Object& changes) override;
	ImportCount importHooks(const std::vector<Hook>& hooks) override;
	std::string exportDocument() const override;
	/// Read from the database, with every node's telemetry.
	bool recordTrigger(const std::string& id, const std::string& status, const Poco::Timestamp& when) override;
	bool flushTelemetry() override;
	void startPolling(Poco::Timespan reloadInterval = Poco::Timespan(5, 0), Poco::Timespan flushInterval = Poco::Timespan(1, 0)) override;
	void stopPolling() override;
	std::string location() const override;
	/// "PostgreSQL".

private:
	struct Telemetry
	{
		long long count = 0;
		std::string lastTriggeredAt;
		std::optional<std::string> lastError;
	};

	template <typename Change>
	void write(Change change);
	void importFileOnce(PostgresConnection& connection);
	std::vector<Hook> readHooks(PostgresConnection& connection) const;
	long long revision(PostgresConnection& connection) const;
	void publish(std::vector<HookSet::HookPtr> hooks);
	void refreshTelemetry();
	void applyTelemetry(const std::map<std::string, Telemetry>& totals);
	void poll();

	PostgresPool& _pool;
	const std::string _importFile;
	Clock& _clock;

	mutable std::mutex _mutex; // guards everything below except _snapshot
	std::map<std::string, Telemetry> _pending;
	long long _revision = -1;
	bool _loaded = false;
	bool _flushFailing = false;

	std::mutex _reloadMutex;                  // one publication at a time: an older read never replaces a newer one
	std::shared_ptr<const HookSet> _snapshot; // std::atomic_load / atomic_store only

	PollingThread _polling;
};

} // namespace Sygen

#endif // Sygen_PostgresHookStore_INCLUDED
