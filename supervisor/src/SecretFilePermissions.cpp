//
// SecretFilePermissions.cpp
//

#include "SecretFilePermissions.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {

namespace {

bool hooksHoldSecrets(const std::string& path)
{
	// Read for this check only: a broken file is the hook store's to report.
	std::ifstream in(path);
	if (!in) return false;
	std::stringstream text;
	text << in.rdbuf();
	try
	{
		Poco::JSON::Object::Ptr top = JSONFields::parseObject(text.str());
		Poco::JSON::Array::Ptr hooks = top->getArray("hooks");
		for (std::size_t i = 0; hooks && i < hooks->size(); ++i)
		{
			Poco::JSON::Object::Ptr hook = hooks->getObject(static_cast<unsigned>(i));
			if (hook && (!JSONFields::string(*hook, "token").empty() || !JSONFields::string(*hook, "hmac_secret").empty())) return true;
		}
	}
	catch (Poco::Exception&)
	{
	}
	return false;
}

} // namespace

std::string SecretFilePermissions::check(const std::string& path, const std::string& what)
{
	struct stat st;
	if (::stat(path.c_str(), &st) != 0) return "";
	// Others never; the group only when it is the service's own (the packaged
	// layout: root-owned, 0640, group sygen-webhook), as a group of other users
	// would read the secret too.
	const bool others = (st.st_mode & 007) != 0;
	const bool foreignGroup = (st.st_mode & 070) != 0 && st.st_gid != ::getegid();
	if (!others && !foreignGroup) return "";
	char mode[8];
	std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
	return path + " holds " + what + " but is accessible by its group or others (mode " + std::string(mode) + "): run chmod 600 " + path;
}

std::vector<std::string> SecretFilePermissions::warnings(const Config& config)
{
	std::vector<std::string> found;
	const Config::Webhooks& w = config.webhooks;
	if (config.fileExists &&
		(!w.token.empty() || !config.telegramToken.empty() || !w.matrix.accessToken.empty() || !w.resultCallback.secret.empty()))
	{
		std::string warning = check(config.paths.configFile, "secrets (tokens)");
		if (!warning.empty()) found.push_back(warning);
	}
	if (hooksHoldSecrets(config.paths.hooksFile))
	{
		std::string warning = check(config.paths.hooksFile, "hook tokens or HMAC secrets");
		if (!warning.empty()) found.push_back(warning);
	}
	std::string warning = check(config.paths.tokenFile, "the global token");
	if (!warning.empty()) found.push_back(warning);
	return found;
}

} // namespace Sygen
