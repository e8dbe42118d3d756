//
// ResultBacklog.cpp
//

#include "jobs/ResultBacklog.h"
#include "Sygen/Foundation/AtomicFile.h"
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StreamCopier.h>
#include <sstream>

namespace Sygen {

ResultBacklog::ResultBacklog(const std::string& path):
	_path(path)
{
}

const std::string& ResultBacklog::path() const
{
	return _path;
}

std::deque<WebhookResult> ResultBacklog::load() const
{
	std::deque<WebhookResult> results;
	if (!Poco::File(_path).exists()) return results;
	Poco::FileInputStream in(_path);
	std::string text;
	Poco::StreamCopier::copyToString(in, text);
	Poco::JSON::Array::Ptr array;
	try
	{
		array = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Array::Ptr>();
	}
	catch (Poco::Exception& exc)
	{
		throw Poco::DataFormatException(_path + ": not a result backlog: " + exc.message());
	}
	for (std::size_t i = 0; array && i < array->size(); ++i)
	{
		Poco::JSON::Object::Ptr object = array->getObject(static_cast<unsigned>(i));
		if (object) results.push_back(WebhookResult::fromJSON(*object));
	}
	return results;
}

void ResultBacklog::save(const std::deque<WebhookResult>& results) const
{
	if (results.empty())
	{
		Poco::File file(_path);
		if (file.exists()) file.remove();
		return;
	}
	Poco::JSON::Array array;
	for (const WebhookResult& result: results) array.add(result.toJSON());
	std::ostringstream text;
	array.stringify(text);
	AtomicFile::write(_path, text.str(), 0600);
}

} // namespace Sygen
