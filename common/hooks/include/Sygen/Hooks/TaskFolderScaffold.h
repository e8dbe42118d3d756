//
// TaskFolderScaffold.h
//
// Library: Sygen/Hooks
//
// The folder a cron_task hook runs in, created by sygen-webhookctl (SPEC §17).
//

#ifndef Sygen_Hooks_TaskFolderScaffold_INCLUDED
#define Sygen_Hooks_TaskFolderScaffold_INCLUDED

#include <string>
#include <vector>

namespace Sygen {

class TaskFolderScaffold
/// Creates <cron_tasks>/<folder>/ with what a task run expects:
///
///   CLAUDE.md, AGENTS.md   the fixed rules of a task run (the same text: claude
///                          reads CLAUDE.md, codex AGENTS.md)
///   TASK_DESCRIPTION.md    what the task is; the operator edits it
///   <folder>_MEMORY.md     "# <folder> Memory", the run's memory (SPEC §10 step 6)
///   scripts/               helpers of the task
///
/// Only what is missing is created; an existing file is never changed, and
/// nothing is ever deleted. Files are created exclusively (O_EXCL), so a
/// concurrent creator cannot be overwritten either.
{
public:
	static void validateName(const std::string& folder);
	/// A task folder created by the ctl is one path segment of letters, digits,
	/// ".", "_" and "-", starting with a letter or digit (so never "..", never
	/// absolute, never outside cron_tasks/). Throws Poco::InvalidArgumentException.

	static std::vector<std::string> create(
		const std::string& cronTasksDir, const std::string& folder, const std::string& title, const std::string& description);
	/// Creates what is missing (cronTasksDir too) and returns the names created,
	/// in the order above ("scripts/" for the folder). title and description go
	/// into a new TASK_DESCRIPTION.md. Throws Poco::InvalidArgumentException for an
	/// invalid name, Poco::FileException when something cannot be created.

	static std::string memoryFileName(const std::string& folder);
	/// "<folder>_MEMORY.md".
};

} // namespace Sygen

#endif // Sygen_Hooks_TaskFolderScaffold_INCLUDED
