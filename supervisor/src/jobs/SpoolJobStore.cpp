//
// SpoolJobStore.cpp
//

#include "jobs/SpoolJobStore.h"

namespace Sygen {

BackendUnavailable::BackendUnavailable(const std::string& message):
	Poco::IOException(message)
{
}

SpoolJobStore::SpoolJobStore(const std::string& directory, std::size_t historyLimit):
	_spool(directory, historyLimit)
{
}

JobSpool& SpoolJobStore::spool()
{
	return _spool;
}

std::string SpoolJobStore::name() const
{
	return "spool";
}

void SpoolJobStore::open()
{
	_spool.open();
}

bool SpoolJobStore::dedupesDeliveries() const
{
	return false;
}

JobAcceptance SpoolJobStore::accept(const NewJob& job)
{
	_spool.accept(job.jobId, job.hookId, job.dependency, job.body, job.receivedAt, job.retryOf);
	return JobAcceptance{false, job.jobId};
}

void SpoolJobStore::markStarted(const std::string& jobId, int workerId, Poco::Timestamp at)
{
	_spool.markStarted(jobId, workerId, at);
}

void SpoolJobStore::markFinished(const WebhookResult& result)
{
	_spool.markFinished(result);
}

std::string SpoolJobStore::readBody(const std::string& jobId) const
{
	return _spool.readBody(jobId);
}

std::optional<JobInfo> SpoolJobStore::find(const std::string& jobId) const
{
	return _spool.find(jobId);
}

std::vector<JobInfo> SpoolJobStore::list(std::size_t limit) const
{
	return _spool.list(limit);
}

std::vector<JobInfo> SpoolJobStore::pending() const
{
	return _spool.pending();
}

std::vector<JobInfo> SpoolJobStore::interrupted() const
{
	return _spool.interrupted();
}

std::size_t SpoolJobStore::unfinishedCount() const
{
	return _spool.unfinishedCount();
}

bool SpoolJobStore::available() const
{
	return true;
}

} // namespace Sygen
