//
// PostgresConnection.h
//
// One libpq connection: parameterised queries, clear errors, no secret in a message.
//

#ifndef Sygen_PostgresConnection_INCLUDED
#define Sygen_PostgresConnection_INCLUDED

#include <Poco/Exception.h>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct pg_conn;
struct pg_result;

namespace Sygen {

class PostgresError: public Poco::IOException
/// A failed connection or statement. sqlState() is the SQLSTATE of a statement
/// the server rejected ("23505" unique violation, ...), empty when the connection
/// itself failed (then the connection is unusable: see PostgresConnection::ok()).
{
public:
	PostgresError(const std::string& message, const std::string& sqlState = "");
	const std::string& sqlState() const;
	bool connectionLost() const;
	/// No SQLSTATE, or class 08 (connection exception) / 57P (operator intervention):
	/// the statement may not have run and the connection must be replaced.

private:
	std::string _sqlState;
};

class PostgresResult
/// The rows of one statement. Owns its PGresult.
{
public:
	explicit PostgresResult(pg_result* result);
	PostgresResult(PostgresResult&&) noexcept;
	PostgresResult& operator=(PostgresResult&&) noexcept;
	~PostgresResult();

	int rows() const;
	bool isNull(int row, int column) const;
	std::string text(int row, int column) const;
	/// The value in text form ("" when NULL).
	long long integer(int row, int column) const;
	/// The value as an integer; throws PostgresError when it is not one.
	std::string bytes(int row, int column) const;
	/// A bytea column: its bytes (the query must ask for text results; hex decoded).
	int affected() const;
	/// Rows an INSERT / UPDATE / DELETE touched.

private:
	pg_result* _result = nullptr;
};

class PostgresConnection
/// A blocking libpq connection. The DSN is a libpq connection string or URI,
/// including several hosts and target_session_attrs (libpq tries them in turn).
/// Statements take their values as parameters only ($1, $2, ...), never spliced
/// into the SQL text. Not thread-safe: one user at a time.
///
/// A statement text with at most MAX_PREPARED_PARAMETERS parameters, run a second
/// time, is prepared on the server (up to MAX_PREPARED texts per connection) and
/// run as a prepared statement from then on: the server parses and plans it once
/// instead of at every run, which was most of PostgreSQL's own CPU per job in the
/// cluster benchmark (the claim, the start and result batches are the same few
/// texts every time). Behind a pooler in transaction mode this needs its support
/// for prepared statements (docs/OPERATIONS.md, "Cluster mode").
{
public:
	using Param = std::optional<std::string>; ///< nullopt: SQL NULL.

	explicit PostgresConnection(const std::string& dsn);
	/// Connects. Throws PostgresError (the DSN masked by maskDSN()) when it cannot.
	~PostgresConnection();

	PostgresConnection(const PostgresConnection&) = delete;
	PostgresConnection& operator=(const PostgresConnection&) = delete;

	PostgresResult query(const std::string& sql, const std::vector<Param>& params = {});
	/// Runs one statement. Throws PostgresError with the server's message and SQLSTATE.
	PostgresResult queryBinary(const std::string& sql, const std::vector<Param>& params, const std::vector<bool>& binary);
	/// As query(), with the parameters flagged in binary sent as raw bytes (bytea).

	void execute(const std::string& sql);
	/// Runs SQL text without parameters (several statements allowed: migrations).

	bool ok() const;
	/// Whether the connection is still usable.

	int socket() const;
	/// Its file descriptor, for poll() on notifications.

	std::vector<std::string> notifications();
	/// Reads what arrived on the socket and returns the channels of the
	/// notifications received since the last call. Non-blocking.

	std::string server() const;
	/// "host:port" connected to (the password never appears).

	static std::string maskDSN(const std::string& dsn);
	/// The DSN with its password replaced by "***" (key=value form and URI form).
	static std::string passwordOf(const std::string& dsn);
	/// The password in the DSN, "" when none (to register it with the log filter).

private:
	static constexpr std::size_t MAX_PREPARED = 64;
	static constexpr std::size_t MAX_SEEN_ONCE = 256;
	static constexpr int MAX_PREPARED_PARAMETERS = 32;

	PostgresResult run(const std::string& sql, const std::vector<Param>& params, const std::vector<bool>* binary);
	const std::string* preparedName(const std::string& sql, int parameterCount);
	/// The server-side name of sql's prepared statement, preparing it now if it was
	/// run once before and there is room; nullptr: run it unprepared.
	bool forgetPrepared(pg_result* result, const std::string& sql);
	/// Drops sql's entry and returns true when the server no longer has that
	/// statement (a pooler gave another session) or its plan no longer fits the
	/// table; it is prepared again later.
	[[noreturn]] void fail(pg_result* result, const std::string& sql);

	pg_conn* _conn = nullptr;
	std::unordered_map<std::string, std::string> _prepared; ///< SQL text -> statement name.
	std::unordered_set<std::string> _seenOnce;              ///< texts run once, unprepared.
	std::size_t _preparedCount = 0;
};

} // namespace Sygen

#endif // Sygen_PostgresConnection_INCLUDED
