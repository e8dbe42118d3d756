//
// PostgresHookStore.cpp
//

#include "cluster/PostgresHookStore.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/JSONWriter.h"
#include "Sygen/Hooks/HookStore.h"
#include "cluster/PostgresTransaction.h"
#include "jobs/JobStore.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

namespace Sygen {

namespace {

Poco::Logger& logger()
{
	return Poco::Logger::get("Sygen.HookStore");
}

using Params = std::vector<PostgresConnection::Param>;

const long long HOOKS_LOCK_KEY = 0x5967656e486f6f6bLL; // "SygenHook"
const char* const HOOK_COLUMNS = "hook_id, definition, trigger_count, last_triggered_at, last_error";
const char* const UPSERT = "INSERT INTO sygen_hooks (hook_id, definition, trigger_count, last_triggered_at, last_error, updated_us)"
						   " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hook_id) DO UPDATE SET definition = EXCLUDED.definition,"
						   " trigger_count = EXCLUDED.trigger_count, last_triggered_at = EXCLUDED.last_triggered_at,"
						   " last_error = EXCLUDED.last_error, updated_us = EXCLUDED.updated_us RETURNING (xmax = 0)";
// Every change of a definition: the revision other nodes compare, the mark that the
// cluster has hooks of its own now (no import from a file after this), the wake-up.
const char* const CHANGED = "UPDATE sygen_settings SET value = (value::bigint + 1)::text WHERE name = 'hooks_revision';"
							"INSERT INTO sygen_settings (name, value) VALUES ('hooks_imported', 'edited') ON CONFLICT (name) DO NOTHING;"
							"NOTIFY sygen_hooks";

PostgresConnection::Param optionalText(const std::optional<std::string>& value)
{
	return value ? PostgresConnection::Param(*value) : std::nullopt;
}

std::optional<std::string> optionalColumn(const PostgresResult& rows, int row, int column)
{
	if (rows.isNull(row, column)) return std::nullopt;
	return rows.text(row, column);
}

Params rowOf(const Hook& hook)
{
	// The telemetry in the definition is ignored when read: the columns hold it.
	return {hook.id, JSONWriter::compact(hook.toJSON()), std::to_string(hook.triggerCount), optionalText(hook.lastTriggeredAt),
		optionalText(hook.lastError), std::to_string(Poco::Timestamp().epochMicroseconds())};
}

Hook hookFromRow(const PostgresResult& rows, int row)
{
	Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
	Poco::Dynamic::Var entry = parser.parse(rows.text(row, 1));
	if (entry.type() != typeid(Poco::JSON::Object::Ptr)) throw Poco::DataFormatException("expected an object");
	Hook hook = Hook::fromJSON(*entry.extract<Poco::JSON::Object::Ptr>());
	hook.triggerCount = rows.integer(row, 2);
	hook.lastTriggeredAt = optionalColumn(rows, row, 3);
	hook.lastError = optionalColumn(rows, row, 4);
	return hook;
}

bool sameTelemetry(const Hook& hook, long long count, const std::optional<std::string>& at, const std::optional<std::string>& error)
{
	return hook.triggerCount == count && hook.lastTriggeredAt == at && hook.lastError == error;
}

} // namespace

const char* const PostgresHookStore::CHANNEL = "sygen_hooks";

PostgresHookStore::PostgresHookStore(PostgresPool& pool, const std::string& importFile, Clock& clock):
	_pool(pool),
	_importFile(importFile),
	_clock(clock),
	_snapshot(std::make_shared<const HookSet>())
{
}

PostgresHookStore::~PostgresHookStore()
{
	stopPolling();
}

std::string PostgresHookStore::location() const
{
	return "PostgreSQL";
}

std::shared_ptr<const HookSet> PostgresHookStore::snapshot() const
{
	return std::atomic_load(&_snapshot);
}

std::optional<Hook> PostgresHookStore::get(const std::string& id) const
{
	std::optional<Hook> hook = HookRepository::get(id);
	if (hook) return hook;
	// A re-read changes only what snapshot() shows, as a notification would.
	const_cast<PostgresHookStore*>(this)->reload();
	return HookRepository::get(id);
}

std::string PostgresHookStore::problem() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_loaded) return "";
	return "the hooks were not read from PostgreSQL yet (unreachable since the start; the jobs run once it is back)";
}

void PostgresHookStore::load()
{
	try
	{
		_pool.with([this](PostgresConnection& connection) {
			importFileOnce(connection);
			return 0;
		});
	}
	catch (Poco::Exception& exc)
	{
		if (!dynamic_cast<BackendUnavailable*>(&exc))
			logger().error("importing %s into PostgreSQL failed: %s", _importFile, exc.displayText());
	}
	reload();
}

void PostgresHookStore::importFileOnce(PostgresConnection& connection)
{
	PostgresTransaction transaction(connection);
	transaction.lock(HOOKS_LOCK_KEY);
	bool imported = connection.query("SELECT 1 FROM sygen_settings WHERE name = 'hooks_imported'").rows() > 0;
	bool empty = connection.query("SELECT NOT EXISTS (SELECT 1 FROM sygen_hooks)").text(0, 0) == "t";
	bool fileThere = Poco::File(_importFile).exists();
	if (imported || !empty || !fileThere)
	{
		bool firstLoad = !problem().empty();
		if (fileThere && firstLoad)
			logger().information(
				"hooks are kept in PostgreSQL: %s is not read (sygen-webhookctl hooks import adds its hooks)", _importFile);
		return;
	}
	// Read as a single node reads it: a broken entry is logged and skipped, not fatal.
	HookStore file(_importFile, _clock);
	file.load();
	std::vector<Hook> hooks = file.list();
	for (const Hook& hook: hooks) connection.query(UPSERT, rowOf(hook));
	connection.query("INSERT INTO sygen_settings (name, value) VALUES ('hooks_imported', $1)",
		{_importFile + " (" + std::to_string(hooks.size()) + " hooks)"});
	connection.execute(CHANGED);
	transaction.commit();
	logger().notice("imported %s hooks from %s into PostgreSQL (the cluster's first start); they are kept there from now on",
		std::to_string(hooks.size()), _importFile);
}

long long PostgresHookStore::revision(PostgresConnection& connection) const
{
	PostgresResult row = connection.query("SELECT value::bigint FROM sygen_settings WHERE name = 'hooks_revision'");
	return row.rows() ? row.integer(0, 0) : 0;
}

std::vector<Hook> PostgresHookStore::readHooks(PostgresConnection& connection) const
{
	PostgresResult rows = connection.query(std::string("SELECT ") + HOOK_COLUMNS + " FROM sygen_hooks ORDER BY ordinal");
	std::vector<Hook> hooks;
	hooks.reserve(static_cast<std::size_t>(rows.rows()));
	for (int row = 0; row < rows.rows(); ++row)
	{
		try
		{
			hooks.push_back(hookFromRow(rows, row));
		}
		catch (Poco::Exception& e)
		{
			// Written by a node of another version, or by hand: the others still load.
			logger().error("hook %s in PostgreSQL skipped: %s", rows.text(row, 0), e.message());
		}
	}
	return hooks;
}

bool PostgresHookStore::reload()
{
	std::lock_guard<std::mutex> serial(_reloadMutex);
	long long current = 0;
	std::vector<Hook> hooks;
	try
	{
		_pool.with([&](PostgresConnection& connection) {
			// The revision first: the rows read after it are at least that new.
			current = revision(connection);
			hooks = readHooks(connection);
			return 0;
		});
	}
	catch (Poco::Exception& exc)
	{
		if (!dynamic_cast<BackendUnavailable*>(&exc)) logger().error("reading the hooks from PostgreSQL failed: %s", exc.displayText());
		return false;
	}
	std::vector<HookSet::HookPtr> shared;
	shared.reserve(hooks.size());
	for (Hook& hook: hooks) shared.push_back(std::make_shared<const Hook>(std::move(hook)));
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_revision = current;
		_loaded = true;
	}
	publish(std::move(shared));
	return true;
}

void PostgresHookStore::publish(std::vector<HookSet::HookPtr> hooks)
{
	std::atomic_store(&_snapshot, std::shared_ptr<const HookSet>(std::make_shared<const HookSet>(std::move(hooks))));
}

template <typename Change>
void PostgresHookStore::write(Change change)
{
	_pool.with([&](PostgresConnection& connection) {
		PostgresTransaction transaction(connection);
		transaction.lock(HOOKS_LOCK_KEY);
		change(connection);
		connection.execute(CHANGED);
		transaction.commit();
		return 0;
	});
	// The answer shows the change: read it back now rather than on the notification.
	reload();
}

Hook PostgresHookStore::add(Hook hook)
{
	if (hook.id.empty()) throw Poco::InvalidArgumentException("hook id is empty");
	if (hook.createdAt.empty()) hook.createdAt = IsoTime::format(_clock.now());
	write([&hook](PostgresConnection& connection) {
		if (connection.query("SELECT 1 FROM sygen_hooks WHERE hook_id = $1", {hook.id}).rows() > 0)
			throw Poco::ExistsException("Hook '" + hook.id + "' already exists");
		connection.query(UPSERT, rowOf(hook));
	});
	return hook;
}

void PostgresHookStore::remove(const std::string& id)
{
	write([&id](PostgresConnection& connection) {
		if (connection.query("DELETE FROM sygen_hooks WHERE hook_id = $1", {id}).affected() == 0)
			throw Poco::NotFoundException("Hook '" + id + "' not found");
	});
}

Hook PostgresHookStore::update(const std::string& id, const Poco::JSON::Object& changes)
{
	checkChanges(id, changes);
	Hook updated;
	write([&](PostgresConnection& connection) {
		// FOR UPDATE: another node's telemetry increment waits instead of being overwritten.
		PostgresResult row =
			connection.query(std::string("SELECT ") + HOOK_COLUMNS + " FROM sygen_hooks WHERE hook_id = $1 FOR UPDATE", {id});
		if (row.rows() == 0) throw Poco::NotFoundException("Hook '" + id + "' not found");
		updated = changed(hookFromRow(row, 0), changes);
		connection.query(UPSERT, rowOf(updated));
	});
	return updated;
}

HookRepository::ImportCount PostgresHookStore::importHooks(const std::vector<Hook>& hooks)
{
	ImportCount count;
	write([&](PostgresConnection& connection) {
		count = ImportCount();
		for (const Hook& hook: hooks)
		{
			bool inserted = connection.query(UPSERT, rowOf(hook)).text(0, 0) == "t";
			++(inserted ? count.added : count.replaced);
		}
	});
	return count;
}

std::string PostgresHookStore::exportDocument() const
{
	std::vector<Hook> hooks = _pool.with([this](PostgresConnection& connection) { return readHooks(connection); });
	Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
	for (const Hook& hook: hooks) array->add(hook.toJSON());
	Poco::JSON::Object::Ptr top = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	top->set("hooks", array);
	return JSONWriter::file(top);
}

bool PostgresHookStore::recordTrigger(const std::string& id, const std::string& status, const Poco::Timestamp& when)
{
	if (!snapshot()->find(id)) return false;
	std::lock_guard<std::mutex> lock(_mutex);
	Telemetry& telemetry = _pending[id];
	telemetry.count += 1;
	telemetry.lastTriggeredAt = IsoTime::format(when);
	telemetry.lastError = status == "success" ? std::nullopt : std::optional<std::string>(status);
	return true;
}

bool PostgresHookStore::flushTelemetry()
{
	std::map<std::string, Telemetry> pending;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		pending.swap(_pending);
	}
	if (pending.empty()) return false;
	std::map<std::string, Telemetry> totals;
	try
	{
		_pool.with([&](PostgresConnection& connection) {
			PostgresTransaction transaction(connection);
			for (const auto& entry: pending)
			{
				// Increments: every node adds its own runs to the same row.
				PostgresResult row = connection.query(
					"UPDATE sygen_hooks SET trigger_count = trigger_count + $2, last_triggered_at = $3,"
					" last_error = $4 WHERE hook_id = $1 RETURNING trigger_count, last_triggered_at, last_error",
					{entry.first, std::to_string(entry.second.count), entry.second.lastTriggeredAt, optionalText(entry.second.lastError)});
				if (row.rows() > 0) totals[entry.first] = Telemetry{row.integer(0, 0), row.text(0, 1), optionalColumn(row, 0, 2)};
			}
			transaction.commit();
			return 0;
		});
	}
	catch (Poco::Exception& exc)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		for (const auto& entry: pending)
		{
			// Runs recorded meanwhile are newer: they keep their time and status.
			Telemetry& kept = _pending[entry.first];
			bool newer = kept.count > 0;
			kept.count += entry.second.count;
			if (!newer)
			{
				kept.lastTriggeredAt = entry.second.lastTriggeredAt;
				kept.lastError = entry.second.lastError;
			}
		}
		if (!_flushFailing && !dynamic_cast<BackendUnavailable*>(&exc))
			logger().warning("hook telemetry kept in memory, not written: %s", exc.displayText());
		_flushFailing = true;
		return false;
	}
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_flushFailing) logger().information("pending hook telemetry written to PostgreSQL");
		_flushFailing = false;
	}
	applyTelemetry(totals);
	return true;
}

void PostgresHookStore::applyTelemetry(const std::map<std::string, Telemetry>& totals)
{
	std::lock_guard<std::mutex> serial(_reloadMutex);
	std::shared_ptr<const HookSet> current = snapshot();
	std::vector<HookSet::HookPtr> hooks = current->hooks();
	bool changedAny = false;
	for (HookSet::HookPtr& hook: hooks)
	{
		auto total = totals.find(hook->id);
		if (total == totals.end()) continue;
		std::optional<std::string> at =
			total->second.lastTriggeredAt.empty() ? std::nullopt : std::optional<std::string>(total->second.lastTriggeredAt);
		if (sameTelemetry(*hook, total->second.count, at, total->second.lastError)) continue;
		Hook copy = *hook;
		copy.triggerCount = total->second.count;
		copy.lastTriggeredAt = at;
		copy.lastError = total->second.lastError;
		hook = std::make_shared<const Hook>(std::move(copy));
		changedAny = true;
	}
	if (changedAny) publish(std::move(hooks));
}

void PostgresHookStore::refreshTelemetry()
{
	std::map<std::string, Telemetry> totals;
	_pool.with([&](PostgresConnection& connection) {
		PostgresResult rows = connection.query("SELECT hook_id, trigger_count, last_triggered_at, last_error FROM sygen_hooks");
		for (int row = 0; row < rows.rows(); ++row)
			totals[rows.text(row, 0)] = Telemetry{rows.integer(row, 1), rows.text(row, 2), optionalColumn(rows, row, 3)};
		return 0;
	});
	applyTelemetry(totals);
}

void PostgresHookStore::poll()
{
	long long current = _pool.with([this](PostgresConnection& connection) { return revision(connection); });
	long long known;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		known = _revision;
	}
	// A changed revision whose notification was lost: read everything; otherwise
	// only the other nodes' telemetry.
	if (current != known) reload();
	else refreshTelemetry();
}

void PostgresHookStore::startPolling(Poco::Timespan reloadInterval, Poco::Timespan flushInterval)
{
	PollingThread::Steps steps;
	steps.often = [this] { flushTelemetry(); };
	steps.occasionally = [this] { poll(); };
	steps.failed = [](const std::exception& exc) {
		// Unreachable: the pool logged it once; the next tick tries again.
		if (dynamic_cast<const BackendUnavailable*>(&exc)) return;
		auto* poco = dynamic_cast<const Poco::Exception*>(&exc);
		logger().error("hook poll failed: %s", poco ? poco->displayText() : std::string(exc.what()));
	};
	_polling.start(flushInterval, reloadInterval, steps);
}

void PostgresHookStore::stopPolling()
{
	_polling.stop();
	flushTelemetry();
}

} // namespace Sygen
