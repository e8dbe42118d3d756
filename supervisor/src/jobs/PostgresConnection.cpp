//
// PostgresConnection.cpp
//

#include "jobs/PostgresConnection.h"
#include <Poco/NumberParser.h>
#include <libpq-fe.h>

namespace Sygen {

namespace {

bool succeeded(pg_result* result)
/// A statement's result that carries no error (PQresultStatus of nullptr is a fatal error).
{
	ExecStatusType status = PQresultStatus(result);
	return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

std::string trimmed(const char* message)
{
	std::string text = message ? message : "";
	while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
	return text;
}

// The first words of a statement, for error messages: enough to tell which one failed,
// never its parameters.
std::string statementName(const std::string& sql)
{
	std::string head = sql.substr(0, 60);
	for (char& c: head)
	{
		if (c == '\n' || c == '\t') c = ' ';
	}
	return sql.size() > head.size() ? head + "..." : head;
}

} // namespace

PostgresError::PostgresError(const std::string& message, const std::string& sqlState):
	Poco::IOException(message),
	_sqlState(sqlState)
{
}

const std::string& PostgresError::sqlState() const
{
	return _sqlState;
}

bool PostgresError::connectionLost() const
{
	return _sqlState.empty() || _sqlState.compare(0, 2, "08") == 0 || _sqlState.compare(0, 3, "57P") == 0;
}

PostgresResult::PostgresResult(pg_result* result):
	_result(result)
{
}

PostgresResult::PostgresResult(PostgresResult&& other) noexcept:
	_result(other._result)
{
	other._result = nullptr;
}

PostgresResult& PostgresResult::operator=(PostgresResult&& other) noexcept
{
	if (this != &other)
	{
		if (_result) PQclear(_result);
		_result = other._result;
		other._result = nullptr;
	}
	return *this;
}

PostgresResult::~PostgresResult()
{
	if (_result) PQclear(_result);
}

int PostgresResult::rows() const
{
	return _result ? PQntuples(_result) : 0;
}

bool PostgresResult::isNull(int row, int column) const
{
	return PQgetisnull(_result, row, column) != 0;
}

std::string PostgresResult::text(int row, int column) const
{
	if (isNull(row, column)) return std::string();
	return std::string(PQgetvalue(_result, row, column), static_cast<std::size_t>(PQgetlength(_result, row, column)));
}

long long PostgresResult::integer(int row, int column) const
{
	Poco::Int64 value = 0;
	if (!Poco::NumberParser::tryParse64(text(row, column), value))
		throw PostgresError("column " + std::to_string(column) + " is not an integer");
	return value;
}

std::string PostgresResult::bytes(int row, int column) const
{
	if (isNull(row, column)) return std::string();
	std::size_t length = 0;
	unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(_result, row, column)), &length);
	if (!raw) throw PostgresError("cannot decode a bytea value");
	std::string value(reinterpret_cast<const char*>(raw), length);
	PQfreemem(raw);
	return value;
}

int PostgresResult::affected() const
{
	const char* count = _result ? PQcmdTuples(_result) : "";
	return count && *count ? std::atoi(count) : 0;
}

PostgresConnection::PostgresConnection(const std::string& dsn):
	_conn(PQconnectdb(dsn.c_str()))
{
	if (!_conn) throw PostgresError("cannot allocate a PostgreSQL connection");
	if (PQstatus(_conn) != CONNECTION_OK)
	{
		std::string message = trimmed(PQerrorMessage(_conn));
		PQfinish(_conn);
		_conn = nullptr;
		// libpq's message names hosts and users, never the password; the DSN is masked.
		throw PostgresError("cannot connect to PostgreSQL (" + maskDSN(dsn) + "): " + message);
	}
}

PostgresConnection::~PostgresConnection()
{
	if (_conn) PQfinish(_conn);
}

PostgresResult PostgresConnection::query(const std::string& sql, const std::vector<Param>& params)
{
	return run(sql, params, nullptr);
}

PostgresResult PostgresConnection::queryBinary(const std::string& sql, const std::vector<Param>& params, const std::vector<bool>& binary)
{
	return run(sql, params, &binary);
}

PostgresResult PostgresConnection::run(const std::string& sql, const std::vector<Param>& params, const std::vector<bool>* binary)
{
	std::vector<const char*> values(params.size());
	std::vector<int> lengths(params.size());
	std::vector<int> formats(params.size());
	for (std::size_t i = 0; i < params.size(); ++i)
	{
		values[i] = params[i] ? params[i]->data() : nullptr;
		lengths[i] = params[i] ? static_cast<int>(params[i]->size()) : 0;
		formats[i] = binary && i < binary->size() && (*binary)[i] ? 1 : 0;
	}
	int count = static_cast<int>(params.size());
	const std::string* name = preparedName(sql, count);
	pg_result* result = name ? PQexecPrepared(_conn, name->c_str(), count, values.data(), lengths.data(), formats.data(), 0)
							 : PQexecParams(_conn, sql.c_str(), count, nullptr, values.data(), lengths.data(), formats.data(), 0);
	if (name && !succeeded(result) && forgetPrepared(result, sql) && PQtransactionStatus(_conn) == PQTRANS_IDLE)
	{
		// Outside a transaction nothing was lost with it: run the text itself.
		PQclear(result);
		result = PQexecParams(_conn, sql.c_str(), count, nullptr, values.data(), lengths.data(), formats.data(), 0);
	}
	if (!succeeded(result)) fail(result, sql);
	return PostgresResult(result);
}

const std::string* PostgresConnection::preparedName(const std::string& sql, int parameterCount)
{
	auto found = _prepared.find(sql);
	if (found != _prepared.end()) return &found->second;
	if (_prepared.size() >= MAX_PREPARED) return nullptr;
	// A statement with many parameters carries many rows (a group commit's insert of
	// accepted jobs): its text changes with the batch size, and its parse is shared by
	// the rows. Preparing each size cost the accepted path about a fifth of its rate.
	if (parameterCount > MAX_PREPARED_PARAMETERS) return nullptr;
	// A text run once may be a one-off (an operator's command): it waits for its second run.
	if (_seenOnce.insert(sql).second)
	{
		if (_seenOnce.size() > MAX_SEEN_ONCE) _seenOnce.clear();
		return nullptr;
	}
	std::string name = "sygen_" + std::to_string(++_preparedCount);
	pg_result* result = PQprepare(_conn, name.c_str(), sql.c_str(), parameterCount, nullptr);
	if (PQresultStatus(result) != PGRES_COMMAND_OK) fail(result, sql);
	PQclear(result);
	_seenOnce.erase(sql);
	return &_prepared.emplace(sql, name).first->second;
}

bool PostgresConnection::forgetPrepared(pg_result* result, const std::string& sql)
{
	const char* code = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
	std::string state = code ? code : "";
	// 26000: no such prepared statement; 0A000: "cached plan must not change result type".
	if (state != "26000" && state != "0A000") return false;
	_prepared.erase(sql);
	_seenOnce.insert(sql); // prepared again at its next run
	return true;
}

void PostgresConnection::execute(const std::string& sql)
{
	pg_result* result = PQexec(_conn, sql.c_str());
	if (!succeeded(result)) fail(result, sql);
	PQclear(result);
}

void PostgresConnection::fail(pg_result* result, const std::string& sql)
{
	std::string state;
	std::string message;
	if (result)
	{
		const char* code = PQresultErrorField(result, PG_DIAG_SQLSTATE);
		state = code ? code : "";
		message = trimmed(PQresultErrorMessage(result));
		PQclear(result);
	}
	if (message.empty()) message = trimmed(PQerrorMessage(_conn));
	if (PQstatus(_conn) != CONNECTION_OK) state.clear();
	throw PostgresError("PostgreSQL statement failed (" + statementName(sql) + "): " + message, state);
}

bool PostgresConnection::ok() const
{
	return _conn && PQstatus(_conn) == CONNECTION_OK;
}

int PostgresConnection::socket() const
{
	return PQsocket(_conn);
}

std::vector<std::string> PostgresConnection::notifications()
{
	std::vector<std::string> channels;
	if (!PQconsumeInput(_conn)) throw PostgresError("PostgreSQL connection lost: " + trimmed(PQerrorMessage(_conn)));
	while (PGnotify* notify = PQnotifies(_conn))
	{
		channels.emplace_back(notify->relname);
		PQfreemem(notify);
	}
	return channels;
}

std::string PostgresConnection::server() const
{
	const char* host = PQhost(_conn);
	const char* port = PQport(_conn);
	return std::string(host ? host : "") + ":" + (port ? port : "");
}

std::string PostgresConnection::passwordOf(const std::string& dsn)
{
	char* error = nullptr;
	PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
	if (error) PQfreemem(error);
	if (!options) return std::string();
	std::string password;
	for (PQconninfoOption* option = options; option->keyword; ++option)
	{
		if (std::string(option->keyword) == "password" && option->val) password = option->val;
	}
	PQconninfoFree(options);
	return password;
}

std::string PostgresConnection::maskDSN(const std::string& dsn)
{
	std::string masked = dsn;
	std::string password = passwordOf(dsn);
	if (!password.empty())
	{
		// Covers both forms: password=... and postgresql://user:...@host.
		for (std::size_t at = masked.find(password); at != std::string::npos; at = masked.find(password, at + 3))
			masked.replace(at, password.size(), "***");
	}
	// A URI's user:password@ (also percent-encoded, which the parser decoded above).
	std::size_t scheme = masked.find("://");
	if (scheme != std::string::npos)
	{
		std::size_t authority = scheme + 3;
		std::size_t at = masked.find('@', authority);
		std::size_t slash = masked.find('/', authority);
		std::size_t colon = masked.find(':', authority);
		if (at != std::string::npos && (slash == std::string::npos || at < slash) && colon != std::string::npos && colon < at)
			masked.replace(colon + 1, at - colon - 1, "***");
	}
	// An unparseable DSN may still carry one: cut whatever follows a password key.
	for (std::size_t at = masked.find("password="); at != std::string::npos; at = masked.find("password=", at + 1))
	{
		std::size_t start = at + 9;
		std::size_t end = masked.find_first_of(" &", start);
		masked.replace(start, end == std::string::npos ? std::string::npos : end - start, "***");
	}
	return masked;
}

} // namespace Sygen
