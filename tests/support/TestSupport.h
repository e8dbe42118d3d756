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
