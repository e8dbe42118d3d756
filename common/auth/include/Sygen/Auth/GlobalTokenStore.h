//
// GlobalTokenStore.h
//
// Library: Sygen/Auth
//
// Where the global bearer token is kept, and its rotation (SPEC §2, §17).
//

#ifndef Sygen_Auth_GlobalTokenStore_INCLUDED
#define Sygen_Auth_GlobalTokenStore_INCLUDED

#include "Sygen/Foundation/Config.h"
#include <string>

namespace Sygen {

class GlobalTokenStore
/// The global token lives in the config file's webhooks.token when that is set,
/// else in <state>/token (SPEC §2: the service generates it at its first start).
/// This class reads both files as they are on disk now (not the Config the
/// process loaded) and rotates the token where it is kept.
///
/// Not thread-safe itself; rotate() serialises writers across processes with
/// AtomicFile::Lock on the file it rewrites.
{
public:
	enum Location
	{
		NONE,        ///< Neither file holds a token (the service generates one at start).
		CONFIG_FILE, ///< config.json webhooks.token.
		STATE_FILE   ///< <state>/token.
	};

	explicit GlobalTokenStore(const Config::Paths& paths);

	Location locate() const;
	/// Where the token is kept now. Throws ConfigError when the config file
	/// cannot be parsed.

	std::string path(Location location) const;
	/// The file of a location ("" for NONE).

	std::string read() const;
	/// The token as stored now ("" when none). Throws ConfigError.

	std::string rotate();
	/// Generates a new token (TokenGenerator) and stores it where the current one
	/// is kept: CONFIG_FILE rewrites config.json atomically (every other key and
	/// the key order kept, mode kept minus "other" permissions, owner kept when
	/// run as root); STATE_FILE and NONE write <state>/token (0600, state folder
	/// created 0700). Returns the new token; it is never logged.
	/// Throws ConfigError when the config file cannot be parsed and
	/// Poco::FileException when the file cannot be written (nothing changed then).

	static std::string fingerprint(const std::string& token);
	/// "sha256:" + the first 12 hex digits of SHA-256(token): tells tokens apart
	/// in output without revealing them. "" for an empty token.

private:
	std::string readConfigToken() const;
	std::string readStateToken() const;

	Config::Paths _paths;
};

} // namespace Sygen

#endif // Sygen_Auth_GlobalTokenStore_INCLUDED
