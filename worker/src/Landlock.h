//
// Landlock.h
//
// Library: Sygen/worker
//
// A Landlock ruleset (Linux 5.13+) that confines *writes* to a set of folders
// (SPEC §14): reading and executing stay unrestricted, so the CLIs find their
// runtimes and the files they are asked to read. Raw system calls, with the ABI
// version detected at run time (rights the kernel does not know are not asked for).
//

#ifndef Sygen_Landlock_INCLUDED
#define Sygen_Landlock_INCLUDED

#include <cstdint>
#include <string>

namespace Sygen {

class Landlock
/// Built in the parent; restrictSelf() is called in the child between fork and
/// exec. Not copyable; the ruleset descriptor is closed on destruction.
{
public:
	static int abiVersion();
	/// The kernel's Landlock ABI version; 0 when Landlock is unavailable
	/// (not built in, disabled at boot, or blocked by seccomp).

	Landlock();
	/// Creates a ruleset that handles every write right of the running ABI.
	/// Throws Poco::NotImplementedException when Landlock is unavailable,
	/// Poco::SystemException on other failures.

	~Landlock();

	Landlock(const Landlock&) = delete;
	Landlock& operator=(const Landlock&) = delete;

	bool allowWrites(const std::string& path);
	/// Allows writing beneath path (a folder: creating, removing, renaming
	/// inside it; a file: writing and truncating it). Returns false when path
	/// does not exist. Throws Poco::SystemException when the kernel refuses the rule.

	int restrictSelf() const noexcept;
	/// Applies the ruleset to the calling thread and its future children.
	/// Async-signal-safe; needs PR_SET_NO_NEW_PRIVS (or CAP_SYS_ADMIN) first.
	/// Returns 0 or an errno value.

	std::uint64_t handledRights() const { return _handled; }

private:
	int _fd;
	std::uint64_t _handled;
};

} // namespace Sygen

#endif // Sygen_Landlock_INCLUDED
