//
// SpoolJobStore.h
//
// The file spool as a JobStore: single-node mode.
//

#ifndef Sygen_SpoolJobStore_INCLUDED
#define Sygen_SpoolJobStore_INCLUDED

#include "jobs/JobSpool.h"
#include "jobs/JobStore.h"

namespace Sygen {

class SpoolJobStore: public JobStore
/// Forwards to a JobSpool (which it owns) unchanged: without a webhooks.backend
/// the service behaves exactly as before the seam. Delivery ids stay with the
/// node's ReplayGuard.
{
public:
	SpoolJobStore(const std::string& directory, std::size_t historyLimit);

	JobSpool& spool();

	std::string name() const override;
	void open() override;
	bool dedupesDeliveries() const override;
	JobAcceptance accept(const NewJob& job) override;
	void markStarted(const std::string& jobId, int workerId, Poco::Timestamp at) override;
	void markFinished(const WebhookResult& result) override;
	std::string readBody(const std::string& jobId) const override;
	std::optional<JobInfo> find(const std::string& jobId) const override;
	std::vector<JobInfo> list(std::size_t limit) const override;
	std::vector<JobInfo> pending() const override;
	std::vector<JobInfo> interrupted() const override;
	std::size_t unfinishedCount() const override;
	bool available() const override;

private:
	JobSpool _spool;
};

} // namespace Sygen

#endif // Sygen_SpoolJobStore_INCLUDED
