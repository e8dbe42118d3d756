//
// SessionStore.cpp
//

#include "SessionStore.h"
#include "Sygen/Foundation/AtomicFile.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/JSONWriter.h"
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>

namespace Sygen {

namespace {

Poco::JSON::Object::Ptr readFile(const std::string& path)
{
	Poco::JSON::Object::Ptr root;
	if (!Poco::File(path).exists()) return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	try
	{
		std::string text;
		Poco::FileInputStream in(path);
		Poco::StreamCopier::copyToString(in, text);
		root = JSONFields::parseObject(text);
		if (root->has("sessions") && !root->getObject("sessions")) throw Poco::DataFormatException("\"sessions\" is not an object");
	}
	catch (Poco::Exception& exc)
	{
		Poco::Logger::get("Sygen.SessionStore").error("%s is unreadable (%s); wake sessions start afresh", path, exc.displayText());
		root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	}
	return root;
}

Poco::JSON::Object::Ptr childObject(Poco::JSON::Object::Ptr parent, const std::string& key)
{
	Poco::JSON::Object::Ptr child;
	if (parent->has(key)) child = parent->getObject(key);
	if (!child)
	{
		child = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		parent->set(key, child);
	}
	return child;
}

void ensureFolder(const std::string& path)
{
	Poco::File folder(Poco::Path(path).parent());
	if (!folder.exists()) folder.createDirectories();
}

} // namespace

SessionStore::SessionStore(const std::string& path, const Clock& clock):
	_path(path),
	_clock(clock)
{
}

std::optional<std::string> SessionStore::get(const std::string& chatKey, const std::string& provider) const
{
	ensureFolder(_path);
	AtomicFile::Lock lock(_path);
	Poco::JSON::Object::Ptr root = readFile(_path);
	try
	{
		Poco::JSON::Object::Ptr sessions = root->getObject("sessions");
		Poco::JSON::Object::Ptr chat = sessions ? sessions->getObject(chatKey) : nullptr;
		Poco::JSON::Object::Ptr entry = chat ? chat->getObject(provider) : nullptr;
		std::string id = entry ? JSONFields::string(*entry, "id") : std::string();
		if (!id.empty()) return id;
	}
	catch (Poco::Exception&)
	{
		// A hand-edited entry of the wrong shape: no session.
	}
	return std::nullopt;
}

void SessionStore::set(const std::string& chatKey, const std::string& provider, const std::string& sessionId) const
{
	ensureFolder(_path);
	AtomicFile::Lock lock(_path);
	Poco::JSON::Object::Ptr root = readFile(_path);
	Poco::JSON::Object::Ptr chat = childObject(childObject(root, "sessions"), chatKey);
	Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	entry->set("id", sessionId);
	entry->set("updated_at", IsoTime::format(_clock.now()));
	chat->set(provider, entry);
	AtomicFile::write(_path, JSONWriter::file(root), 0600);
}

void SessionStore::forget(const std::string& chatKey, const std::string& provider) const
{
	ensureFolder(_path);
	AtomicFile::Lock lock(_path);
	Poco::JSON::Object::Ptr root = readFile(_path);
	Poco::JSON::Object::Ptr sessions = root->getObject("sessions");
	Poco::JSON::Object::Ptr chat = sessions ? sessions->getObject(chatKey) : nullptr;
	if (!chat || !chat->has(provider)) return;
	chat->remove(provider);
	AtomicFile::write(_path, JSONWriter::file(root), 0600);
}

} // namespace Sygen
