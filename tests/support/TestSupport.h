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

} } // namespace Sygen::Test

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

} } // namespace Sygen::Test

#endif // Sygen_TestHmac_INCLUDED
