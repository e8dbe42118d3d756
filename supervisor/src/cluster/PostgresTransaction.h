//
// PostgresTransaction.h
//
// BEGIN now, ROLLBACK unless commit() was reached.
//

#ifndef Sygen_PostgresTransaction_INCLUDED
#define Sygen_PostgresTransaction_INCLUDED

#include "jobs/PostgresConnection.h"

namespace Sygen {

class PostgresTransaction
/// A transaction for a scope: rolled back when the scope is left by an exception
/// (a broken connection is left to the pool, which drops it).
{
public:
	explicit PostgresTransaction(PostgresConnection& connection):
		_connection(connection)
	{
		_connection.execute("BEGIN");
	}

	~PostgresTransaction()
	{
		if (_committed || !_connection.ok()) return;
		try
		{
			_connection.execute("ROLLBACK");
		}
		catch (...)
		{
			// The pool drops the connection if it broke.
		}
	}

	PostgresTransaction(const PostgresTransaction&) = delete;
	PostgresTransaction& operator=(const PostgresTransaction&) = delete;

	void commit()
	{
		_connection.execute("COMMIT");
		_committed = true;
	}

	void lock(long long key)
	/// pg_advisory_xact_lock(key): held until the end of the transaction.
	{
		_connection.query("SELECT pg_advisory_xact_lock($1)", {std::to_string(key)});
	}

private:
	PostgresConnection& _connection;
	bool _committed = false;
};

} // namespace Sygen

#endif // Sygen_PostgresTransaction_INCLUDED
