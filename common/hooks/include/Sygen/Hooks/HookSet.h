//
// HookSet.h
//
// Library: Sygen/Hooks
//

#ifndef Sygen_Hooks_HookSet_INCLUDED
#define Sygen_Hooks_HookSet_INCLUDED

#include "Sygen/Hooks/Hook.h"
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace Sygen {

class HookSet
/// An immutable snapshot of the loaded hooks, in file order, with O(1) lookup
/// by id. HookStore publishes a new HookSet on every change, so a reader may keep
/// one (and pointers into it) for as long as it likes. Thread-safe (immutable).
{
public:
	using HookPtr = std::shared_ptr<const Hook>;

	HookSet() = default;
	/// An empty set.

	explicit HookSet(std::vector<HookPtr> hooks);
	/// Takes the hooks in file order. Ids must be unique (the first wins otherwise).

	const Hook* find(const std::string& id) const;
	/// Returns the hook with exactly this id (case-sensitive), or nullptr.

	HookPtr findPtr(const std::string& id) const;
	/// Like find(), but shares ownership of the hook.

	const std::vector<HookPtr>& hooks() const;
	/// All hooks in file order.

	std::size_t size() const;
	bool empty() const;

private:
	std::vector<HookPtr> _hooks;
	std::unordered_map<std::string, std::size_t> _index;
};

} // namespace Sygen

#endif // Sygen_Hooks_HookSet_INCLUDED
