//
// LogFields.cpp
//

#include "Sygen/Foundation/LogFields.h"

namespace Sygen {

const std::string LogFields::HOOK_ID("hook_id");
const std::string LogFields::JOB_ID("job_id");
const std::string LogFields::WORKER_ID("worker_id");
const std::string LogFields::STATUS("status");
const std::string LogFields::PROVIDER("provider");
const std::string LogFields::DURATION_MS("duration_ms");
const std::string LogFields::CLIENT_IP("client_ip");
const std::string LogFields::HTTP_STATUS("http_status");

const std::vector<std::string>& LogFields::names()
{
	// A function-local static: the constants above may not be initialised yet when
	// another translation unit's static initialiser logs.
	static const std::vector<std::string> all{
		"hook_id", "job_id", "worker_id", "status", "provider", "duration_ms", "client_ip", "http_status"};
	return all;
}

std::string LogFields::journalName(const std::string& name)
{
	if (name.empty() || name.size() > 64) return std::string();
	std::string result;
	result.reserve(name.size());
	for (char c: name)
	{
		if (c >= 'a' && c <= 'z') result += static_cast<char>(c - 'a' + 'A');
		else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) result += c;
		else result += '_';
	}
	if (result[0] == '_' || (result[0] >= '0' && result[0] <= '9')) return std::string();
	return result;
}

} // namespace Sygen
