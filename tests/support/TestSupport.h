//
// TestSupport.h
//
// Fixtures shared by the test suites.
//

#ifndef Sygen_TestSupport_INCLUDED
#define Sygen_TestSupport_INCLUDED

#include <string>

namespace Sygen {
namespace Test {

class TempDir
/// A fresh folder under $TMPDIR (or /tmp), removed with everything in it on destruction.
{
public:
	TempDir();
	~TempDir();
	TempDir(const TempDir&) = delete;
	TempDir& operator=(const TempDir&) = delete;

	const std::string& path() const { return _path; }
	std::string file(const std::string& relative) const;
	/// path() + "/" + relative.

private:
	std::string _path;
};

void writeFile(const std::string& path, const std::string& content);
/// Writes content to path, creating parent folders. Throws on failure.

std::string readFile(const std::string& path);
/// Returns the whole file. Throws Poco::FileNotFoundException when missing.

class EnvGuard
/// Restores an environment variable of this (single-threaded) test process when
/// the guard goes out of scope.
{
public:
	explicit EnvGuard(const char* name);
	/// Saves the variable; the test may then change it.
	EnvGuard(const char* name, const char* value);
	/// Saves the variable, then sets it to value, or unsets it for nullptr.
	~EnvGuard();
	EnvGuard(const EnvGuard&) = delete;
	EnvGuard& operator=(const EnvGuard&) = delete;

private:
	std::string _name;
	std::string _old;
	bool _had = false;
};

bool processGone(int pid);
/// No such process, or only its zombie (whose new parent, init in some
/// containers, may never reap it). True for pid <= 0.

}
} // namespace Sygen::Test

#endif // Sygen_TestSupport_INCLUDED

#ifndef Sygen_TestHmac_INCLUDED
#define Sygen_TestHmac_INCLUDED

#include <string>

namespace Sygen {
namespace Test {

class TestHmac
/// An HMAC written from RFC 2104 on top of Poco's SHA engines, independent of
/// the service's own code, to sign requests in tests.
{
public:
	static std::string raw(const std::string& algorithm, const std::string& key, const std::string& message);
	/// algorithm: "sha1", "sha256" or "sha512". Returns the digest bytes.
	static std::string hex(const std::string& algorithm, const std::string& key, const std::string& message);
	static std::string base64(const std::string& algorithm, const std::string& key, const std::string& message);
};

}
} // namespace Sygen::Test

#endif // Sygen_TestHmac_INCLUDED
