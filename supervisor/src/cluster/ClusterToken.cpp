//
// ClusterToken.cpp
//

#include "cluster/ClusterToken.h"
#include "Sygen/Foundation/TokenGenerator.h"
#include "cluster/PostgresTransaction.h"

namespace Sygen {

const char* const ClusterToken::CHANNEL = "sygen_token";

ClusterToken::ClusterToken(PostgresPool& pool):
	_pool(pool)
{
}

std::string ClusterToken::establish(const std::string& offered)
{
	return _pool.with([&](PostgresConnection& connection) {
		// ON CONFLICT DO NOTHING and read back: the first commit wins on every node.
		connection.query("INSERT INTO sygen_settings (name, value) VALUES ('global_token', $1) ON CONFLICT (name) DO NOTHING", {offered});
		return connection.query("SELECT value FROM sygen_settings WHERE name = 'global_token'").text(0, 0);
	});
}

std::string ClusterToken::read()
{
	return _pool.with([](PostgresConnection& connection) {
		PostgresResult row = connection.query("SELECT value FROM sygen_settings WHERE name = 'global_token'");
		return row.rows() ? row.text(0, 0) : std::string();
	});
}

std::string ClusterToken::rotate()
{
	std::string fresh = TokenGenerator::generate();
	_pool.with([&](PostgresConnection& connection) {
		PostgresTransaction transaction(connection);
		connection.query("INSERT INTO sygen_settings (name, value) VALUES ('global_token', $1)"
						 " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
			{fresh});
		connection.execute("NOTIFY sygen_token");
		transaction.commit();
		return 0;
	});
	return fresh;
}

} // namespace Sygen
