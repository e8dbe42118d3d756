//
// ExecutableFinder.cpp
//

#include "ExecutableFinder.h"
#include <dirent.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {

namespace {

bool isExecutableFile(const std::string& path)
{
	struct stat st;
	return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::vector<long> versionNumbers(const std::string& name)
/// "v20.10.0" gives {20, 10, 0}; an empty vector when name is not a version.
{
	std::string digits = !name.empty() && name[0] == 'v' ? name.substr(1) : name;
	std::vector<long> numbers;
	std::istringstream parts(digits);
	std::string part;
	while (std::getline(parts, part, '.'))
	{
		if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return {};
		numbers.push_back(std::stol(part.substr(0, 9)));
	}
	return numbers;
}

} // namespace

std::optional<std::string> ExecutableFinder::find(
	const std::string& name, const std::string& searchPath, const std::vector<std::string>& extraDirs)
{
	if (name.empty() || name.find('/') != std::string::npos) return std::nullopt;
	std::vector<std::string> dirs;
	std::istringstream entries(searchPath);
	std::string dir;
	while (std::getline(entries, dir, ':'))
	{
		// An empty or relative entry would search the task folder, which the CLI may write.
		if (!dir.empty() && dir[0] == '/') dirs.push_back(dir);
	}
	dirs.insert(dirs.end(), extraDirs.begin(), extraDirs.end());
	for (const std::string& d: dirs)
	{
		std::string candidate = d + "/" + name;
		if (isExecutableFile(candidate)) return candidate;
	}
	return std::nullopt;
}

std::optional<std::string> ExecutableFinder::newestNvmBin(const std::string& home)
{
	if (home.empty()) return std::nullopt;
	std::string base = home + "/.nvm/versions/node";
	DIR* dir = ::opendir(base.c_str());
	if (!dir) return std::nullopt;
	std::vector<long> best;
	std::string bestName;
	while (dirent* e = ::readdir(dir))
	{
		std::vector<long> v = versionNumbers(e->d_name);
		if (!v.empty() && v > best)
		{
			best = v;
			bestName = e->d_name;
		}
	}
	::closedir(dir);
	if (bestName.empty()) return std::nullopt;
	return base + "/" + bestName + "/bin";
}

} // namespace Sygen
