//
// PayloadStore.cpp
//

#include "jobs/PayloadStore.h"
#include "Sygen/Foundation/AtomicFile.h"
#include <Poco/DirectoryIterator.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace Sygen {

PayloadStore::PayloadStore(const std::string& directory, std::size_t limit):
	_directory(directory),
	_limit(std::max<std::size_t>(limit, 1))
{
}

bool PayloadStore::validJobId(const std::string& jobId)
{
	if (jobId.empty() || jobId.size() > 64) return false;
	return jobId.find_first_not_of("0123456789abcdefABCDEF-") == std::string::npos;
}

std::string PayloadStore::pathOf(const std::string& jobId) const
{
	return _directory + "/" + jobId;
}

void PayloadStore::open()
{
	if (::mkdir(_directory.c_str(), 0700) != 0 && errno != EEXIST)
		throw Poco::CreateFileException(_directory + ": " + std::strerror(errno));
	std::vector<std::pair<Poco::Timestamp, std::string>> found;
	for (Poco::DirectoryIterator it(_directory), end; it != end; ++it)
	{
		// Temporary files of an interrupted write and anything foreign stay unnamed.
		if (validJobId(it.name()) && it->isFile()) found.emplace_back(it->getLastModified(), it.name());
	}
	std::sort(found.begin(), found.end());
	std::lock_guard<std::mutex> lock(_mutex);
	_order.clear();
	for (const auto& f: found) _order.push_back(f.second);
}

void PayloadStore::keep(const std::string& jobId, const std::string& body)
{
	if (!validJobId(jobId)) throw Poco::InvalidArgumentException("not a job id: " + jobId);
	AtomicFile::write(pathOf(jobId), body, 0600);
	std::lock_guard<std::mutex> lock(_mutex);
	_order.push_back(jobId);
	while (_order.size() > _limit)
	{
		::unlink(pathOf(_order.front()).c_str());
		_order.pop_front();
	}
}

std::optional<std::string> PayloadStore::read(const std::string& jobId) const
{
	if (!validJobId(jobId)) return std::nullopt;
	std::ifstream in(pathOf(jobId), std::ios::binary);
	if (!in) return std::nullopt;
	std::ostringstream body;
	body << in.rdbuf();
	return body.str();
}

void PayloadStore::discard(const std::string& jobId)
{
	if (!validJobId(jobId)) return;
	std::lock_guard<std::mutex> lock(_mutex);
	::unlink(pathOf(jobId).c_str());
	_order.erase(std::remove(_order.begin(), _order.end(), jobId), _order.end());
}

void PayloadStore::clear()
{
	std::lock_guard<std::mutex> lock(_mutex);
	for (const std::string& jobId: _order) ::unlink(pathOf(jobId).c_str());
	_order.clear();
}

} // namespace Sygen
