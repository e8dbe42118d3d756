//
// TaskFolderResolver.cpp
//

#include "TaskFolderResolver.h"
#include "Sygen/Protocol/JobStatus.h"
#include <climits>
#include <cstdlib>
#include <sstream>
#include <sys/stat.h>

namespace Sygen {

namespace {

std::optional<std::string> realPath(const std::string& path)
{
	char buf[PATH_MAX];
	if (!::realpath(path.c_str(), buf)) return std::nullopt;
	return std::string(buf);
}

bool isDirectory(const std::string& path)
{
	struct stat st;
	return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

} // namespace

TaskFolderResolver::TaskFolderResolver(const std::string& cronTasksDir):
	_cronTasksDir(cronTasksDir)
{
}

TaskFolderResolver::Resolution TaskFolderResolver::resolve(const std::optional<std::string>& taskFolder) const
{
	if (!taskFolder || taskFolder->empty()) return {JobStatus::ERROR_NO_TASK_FOLDER, ""};
	if (!isLexicallySafe(*taskFolder)) return {JobStatus::ERROR_INVALID_TASK_FOLDER, ""};

	std::string candidate = _cronTasksDir + "/" + *taskFolder;
	if (!isDirectory(candidate)) return {JobStatus::ERROR_FOLDER_MISSING, ""};

	std::optional<std::string> root = realPath(_cronTasksDir);
	std::optional<std::string> target = realPath(candidate);
	if (!root || !target) return {JobStatus::ERROR_FOLDER_MISSING, ""};
	// A symbolic link inside cron_tasks/ must not lead the CLI elsewhere.
	if (target->size() <= root->size() + 1 || target->compare(0, root->size() + 1, *root + "/") != 0)
	{
		return {JobStatus::ERROR_INVALID_TASK_FOLDER, ""};
	}
	return {"", *target};
}

bool TaskFolderResolver::isLexicallySafe(const std::string& folder)
{
	if (folder[0] == '/' || folder.find('\0') != std::string::npos) return false;
	std::istringstream parts(folder);
	std::string part;
	bool any = false;
	while (std::getline(parts, part, '/'))
	{
		if (part == "..") return false;
		if (!part.empty() && part != ".") any = true;
	}
	// "." or "./" would be cron_tasks/ itself.
	return any;
}

} // namespace Sygen
