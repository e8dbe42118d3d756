//
// GlobalTokenStore.cpp
//

#include "Sygen/Auth/GlobalTokenStore.h"
#include "Sygen/Foundation/AtomicFile.h"
#include "Sygen/Foundation/JSONWriter.h"
#include "Sygen/Foundation/TokenGenerator.h"
#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {

namespace {

bool readText(const std::string& path, std::string& text)
{
	Poco::File file(path);
	if (!file.exists()) return false;
	Poco::FileInputStream in(path);
	text.clear();
	Poco::StreamCopier::copyToString(in, text);
	return true;
}

Poco::JSON::Object::Ptr parseConfig(const std::string& path, const std::string& text)
{
	Poco::Dynamic::Var doc;
	try
	{
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		doc = parser.parse(text);
	}
	catch (Poco::Exception& e)
	{
		throw ConfigError(path + ": invalid JSON: " + e.message());
	}
	if (doc.type() != typeid(Poco::JSON::Object::Ptr)) throw ConfigError(path + ": top level must be an object");
	return doc.extract<Poco::JSON::Object::Ptr>();
}

std::string tokenOf(const std::string& path, const Poco::JSON::Object& doc)
{
	Poco::JSON::Object::Ptr webhooks = doc.getObject("webhooks");
	if (!webhooks || !webhooks->has("token") || webhooks->isNull("token")) return "";
	Poco::Dynamic::Var token = webhooks->get("token");
	if (!token.isString()) throw ConfigError(path + ": webhooks.token: expected a string");
	return token.extract<std::string>();
}

void keepOwner(const std::string& path, const struct stat& before)
{
	// A root operator rotating the token must not leave a file the service user
	// can no longer read.
	if (::geteuid() == 0 && (before.st_uid != 0 || before.st_gid != 0))
	{
		if (::chown(path.c_str(), before.st_uid, before.st_gid) != 0) throw Poco::FileException(path + ": cannot restore its owner");
	}
}

} // namespace

GlobalTokenStore::GlobalTokenStore(const Config::Paths& paths):
	_paths(paths)
{
}

std::string GlobalTokenStore::readConfigToken() const
{
	std::string text;
	if (!readText(_paths.configFile, text)) return "";
	return tokenOf(_paths.configFile, *parseConfig(_paths.configFile, text));
}

std::string GlobalTokenStore::readStateToken() const
{
	std::string text;
	if (!readText(_paths.tokenFile, text)) return "";
	return Poco::trim(text);
}

GlobalTokenStore::Location GlobalTokenStore::locate() const
{
	if (!readConfigToken().empty()) return CONFIG_FILE;
	if (!readStateToken().empty()) return STATE_FILE;
	return NONE;
}

std::string GlobalTokenStore::path(Location location) const
{
	switch (location)
	{
	case CONFIG_FILE: return _paths.configFile;
	case STATE_FILE: return _paths.tokenFile;
	case NONE: break;
	}
	return "";
}

std::string GlobalTokenStore::read() const
{
	std::string token = readConfigToken();
	return token.empty() ? readStateToken() : token;
}

std::string GlobalTokenStore::rotate()
{
	const std::string token = TokenGenerator::generate();
	if (!readConfigToken().empty())
	{
		// Locked only when the config file is rewritten: its folder may not be
		// writable for the service (a packaged /etc config), and then the token
		// is in <state>/token anyway.
		AtomicFile::Lock lock(_paths.configFile);
		std::string text;
		if (!readText(_paths.configFile, text)) throw Poco::FileNotFoundException(_paths.configFile + ": disappeared");
		Poco::JSON::Object::Ptr doc = parseConfig(_paths.configFile, text);
		if (!tokenOf(_paths.configFile, *doc).empty())
		{
			doc->getObject("webhooks")->set("token", token);
			struct stat st;
			if (::stat(_paths.configFile.c_str(), &st) != 0) throw Poco::FileException(_paths.configFile + ": cannot stat");
			AtomicFile::write(_paths.configFile, JSONWriter::file(doc), st.st_mode & 0770);
			keepOwner(_paths.configFile, st);
			return token;
		}
	}
	Poco::File stateDir(_paths.stateDir);
	if (!stateDir.exists())
	{
		stateDir.createDirectories();
		::chmod(_paths.stateDir.c_str(), 0700);
	}
	AtomicFile::Lock lock(_paths.tokenFile);
	struct stat st;
	bool existed = ::stat(_paths.tokenFile.c_str(), &st) == 0;
	if (!existed && ::stat(_paths.stateDir.c_str(), &st) != 0) throw Poco::FileException(_paths.stateDir + ": cannot stat");
	AtomicFile::write(_paths.tokenFile, token + "\n", 0600);
	keepOwner(_paths.tokenFile, st);
	return token;
}

std::string GlobalTokenStore::fingerprint(const std::string& token)
{
	if (token.empty()) return "";
	Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
	sha.update(token);
	return "sha256:" + Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 12);
}

} // namespace Sygen
