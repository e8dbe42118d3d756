//
// ExecutableFinder.h
//
// Library: Sygen/worker
//
// PATH lookup for the CLIs (SPEC §10 step 7), done before spawning because exec
// in the child must not search (execvp is not async-signal-safe).
//

#ifndef Sygen_ExecutableFinder_INCLUDED
#define Sygen_ExecutableFinder_INCLUDED

#include <optional>
#include <string>
#include <vector>

namespace Sygen {

class ExecutableFinder
/// Stateless; thread-safe.
{
public:
	static std::optional<std::string> find(
		const std::string& name, const std::string& searchPath, const std::vector<std::string>& extraDirs = {});
	/// The first executable regular file <dir>/<name> for dir in searchPath
	/// (colon-separated; empty and relative entries are ignored), then in
	/// extraDirs. std::nullopt when there is none.

	static std::optional<std::string> newestNvmBin(const std::string& home);
	/// <home>/.nvm/versions/node/<newest version>/bin, comparing versions
	/// numerically (v20.10.0 > v20.9.1); std::nullopt when there is none.
};

} // namespace Sygen

#endif // Sygen_ExecutableFinder_INCLUDED
