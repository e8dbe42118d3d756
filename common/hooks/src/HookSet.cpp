//
// HookSet.cpp
//

#include "Sygen/Hooks/HookSet.h"

namespace Sygen {

HookSet::HookSet(std::vector<HookPtr> hooks):
	_hooks(std::move(hooks))
{
	_index.reserve(_hooks.size());
	for (std::size_t i = 0; i < _hooks.size(); ++i)
	{
		_index.emplace(_hooks[i]->id, i);
	}
}

const Hook* HookSet::find(const std::string& id) const
{
	auto it = _index.find(id);
	return it == _index.end() ? nullptr : _hooks[it->second].get();
}

HookSet::HookPtr HookSet::findPtr(const std::string& id) const
{
	auto it = _index.find(id);
	return it == _index.end() ? nullptr : _hooks[it->second];
}

const std::vector<HookSet::HookPtr>& HookSet::hooks() const
{
	return _hooks;
}

std::size_t HookSet::size() const
{
	return _hooks.size();
}

bool HookSet::empty() const
{
	return _hooks.empty();
}

} // namespace Sygen
