//
// DependencyLock.h
//
// Library: Sygen/worker
//
// The OS side of a hook's `dependency` (SPEC §10 step 2): an exclusive flock on
// <state>/locks/<name>.lock held while the job runs. The dispatcher already
// serialises jobs per name; the file lock also covers workers of another
// supervisor instance and jobs still running after a supervisor restart.
//

#ifndef Sygen_DependencyLock_INCLUDED
#define Sygen_DependencyLock_INCLUDED

#include <string>

namespace Sygen {

class DependencyLock
/// Holds the lock from construction to destruction (RAII). Not copyable.
{
public:
	DependencyLock(const std::string& locksDir, const std::string& name);
	/// Creates locksDir (0700) and the lock file (0600) when missing, then waits
	/// for the exclusive lock. Throws Poco::FileException / Poco::SystemException.

	~DependencyLock();
	/// Releases the lock (closing the descriptor). The file stays.

	DependencyLock(const DependencyLock&) = delete;
	DependencyLock& operator=(const DependencyLock&) = delete;

	const std::string& path() const { return _path; }

	static std::string fileName(const std::string& name);
	/// The lock file name for a dependency name: bytes outside [A-Za-z0-9._-] and a
	/// leading '.' are percent-encoded, so any name maps to one safe file in locksDir.

	static bool isLocked(const std::string& path);
	/// True when another open file description holds the lock (tests, diagnostics).

private:
	std::string _path;
	int _fd;
};

} // namespace Sygen

#endif // Sygen_DependencyLock_INCLUDED
