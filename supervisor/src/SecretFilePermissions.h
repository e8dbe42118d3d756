//
// SecretFilePermissions.h
//
// Warns about secrets kept in files that other users may read.
//

#ifndef Sygen_SecretFilePermissions_INCLUDED
#define Sygen_SecretFilePermissions_INCLUDED

#include "Sygen/Foundation/Config.h"
#include <string>
#include <vector>

namespace Sygen {

class SecretFilePermissions
/// Judges the files that hold secrets the way sshd judges its key files: a
/// file with a secret must not be accessible by others, nor by a group other
/// than the service's own (the packages install the config root:sygen-webhook
/// 0640). Unlike sshd this only warns (the service still starts): the config
/// file (when it holds webhooks.token, the Telegram or Matrix token or the
/// result-callback secret), webhooks.json (when a hook holds a token or an
/// HMAC secret) and <state>/token.
{
public:
	static std::vector<std::string> warnings(const Config& config);
	/// One line per file that is too open, naming it, its mode and the fix.

	static std::string check(const std::string& path, const std::string& what);
	/// The warning for path when it exists and others (or a group not the
	/// process's effective group) may access it, else empty.
};

} // namespace Sygen

#endif // Sygen_SecretFilePermissions_INCLUDED
