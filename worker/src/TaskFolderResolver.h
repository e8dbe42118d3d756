//
// TaskFolderResolver.h
//
// Library: Sygen/worker
//
// Maps a hook's task_folder onto <home>/workspace/cron_tasks/<task_folder>
// (SPEC §10 steps 1 and 4), refusing anything that would leave cron_tasks/.
//

#ifndef Sygen_TaskFolderResolver_INCLUDED
#define Sygen_TaskFolderResolver_INCLUDED

#include <optional>
#include <string>

namespace Sygen {

class TaskFolderResolver
/// Stateless apart from the cron_tasks folder; thread-safe.
{
public:
	struct Resolution
	{
		std::string status; ///< "" when usable, else "error:no_task_folder", "error:invalid_task_folder" or "error:folder_missing".
		std::string path;   ///< the folder's canonical path when usable.
	};

	explicit TaskFolderResolver(const std::string& cronTasksDir);
	/// cronTasksDir is Config::Paths::cronTasksDir, <home>/workspace/cron_tasks.

	Resolution resolve(const std::optional<std::string>& taskFolder) const;
	/// null or empty: error:no_task_folder. Absolute, or with a ".." component:
	/// error:invalid_task_folder. Not an existing directory: error:folder_missing.
	/// Existing but resolving (through symbolic links) outside cron_tasks/ or onto
	/// cron_tasks/ itself: error:invalid_task_folder.

private:
	static bool isLexicallySafe(const std::string& folder);

	std::string _cronTasksDir;
};

} // namespace Sygen

#endif // Sygen_TaskFolderResolver_INCLUDED
