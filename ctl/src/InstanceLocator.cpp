//
// InstanceLocator.cpp
//

#include "InstanceLocator.h"
#include <Poco/Environment.h>
#include <sys/stat.h>

namespace Sygen {

const std::string InstanceLocator::SYSTEM_CONFIG_FILE = "/etc/sygen-webhook/config.json";
const std::string InstanceLocator::SYSTEM_HOME = "/var/lib/sygen-webhook";

namespace {

std::string underRoot(const std::string& path)
{
	std::string root = Poco::Environment::get("SYGEN_WEBHOOK_SYSTEM_ROOT", "");
	while (root.size() > 1 && root.back() == '/') root.pop_back();
	if (root == "/") root.clear();
	return root + path;
}

} // namespace

std::string InstanceLocator::systemConfigFile()
{
	return underRoot(SYSTEM_CONFIG_FILE);
}

std::string InstanceLocator::systemHome()
{
	return underRoot(SYSTEM_HOME);
}

InstanceLocator::Location InstanceLocator::resolve(const std::string& homeOption, const std::string& configOption)
{
	Location location;
	location.home = homeOption;
	location.config = configOption;
	if (!homeOption.empty() || !configOption.empty()) return location;
	if (!Poco::Environment::get("SYGEN_HOME", "").empty()) return location;
	// stat, not access(): the file is 0640 root:sygen-webhook, so a user outside
	// the group must still be pointed at the system instance (and be told that it
	// cannot read its config) rather than silently at an empty ~/.sygen.
	struct stat st;
	std::string config = systemConfigFile();
	if (::stat(config.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return location;
	location.home = systemHome();
	location.config = config;
	location.system = true;
	return location;
}

} // namespace Sygen
