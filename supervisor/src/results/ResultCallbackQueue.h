//
// ResultCallbackQueue.h
//
// The signed result callback ([beyond] SPEC §12): every finished job is POSTed as
// JSON to result_callback.url with Standard Webhooks headers, retried with
// exponential backoff, and kept on disk until delivered or given up.
//

#ifndef Sygen_ResultCallbackQueue_INCLUDED
#define Sygen_ResultCallbackQueue_INCLUDED

#include "Sygen/Delivery/HTTPClient.h"
#include "Sygen/Foundation/Clock.h"
#include "Sygen/Foundation/Config.h"
#include "Sygen/Protocol/WebhookResult.h"
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace Sygen {

class ResultCallbackQueue
/// Each pending delivery is one file, <directory>/<message id>.json (0600,
/// written atomically): the exact body, the hook and job ids, the attempts so
/// far and the time of the next one. A file is removed when the receiver answers
/// 2xx or when the delivery is given up (after maxAttempts tries, logged as an
/// error). After a restart, load() picks the files up again, so a callback
/// survives a crash or a stop between attempts.
///
/// Every attempt carries the same webhook-id (the message id, so the receiver
/// can drop duplicates) and a fresh webhook-timestamp and webhook-signature
/// ("v1,<base64 HMAC-SHA256 of id.timestamp.body>" with the base64-decoded
/// "whsec_" secret): receivers reject stale timestamps, so a retry an hour later
/// must be signed anew. Any non-2xx answer or a transport failure is retried.
///
/// Delivery runs on the queue's own thread (start()); enqueue() only writes the
/// file. Thread-safe.
{
public:
	struct Options
	{
		std::string url;
		std::string secret;    ///< "whsec_<base64>" (or bare base64); "" = unsigned.
		std::string directory; ///< <state>/callbacks
		int maxAttempts = 12;
		Poco::Timespan initialDelay = Poco::Timespan(2, 0); ///< before the second attempt, then doubled...
		Poco::Timespan maxDelay = Poco::Timespan(3600, 0);  ///< ...up to this (12 attempts span about 70 minutes).
		Poco::Timespan requestTimeout = Poco::Timespan(15, 0);
	};

	ResultCallbackQueue(const Options& options, Clock& clock = Clock::system());
	/// Throws ConfigError (see validate()).
	~ResultCallbackQueue();
	/// stop().

	ResultCallbackQueue(const ResultCallbackQueue&) = delete;
	ResultCallbackQueue& operator=(const ResultCallbackQueue&) = delete;

	static void validate(const Config::ResultCallback& settings);
	/// Throws ConfigError naming webhooks.result_callback.url (not an http(s)
	/// URL with a host) or webhooks.result_callback.secret (not "whsec_"+base64
	/// or base64). An empty url means "off" and is valid.

	static std::string body(const WebhookResult& result);
	/// The JSON posted: hook_id, hook_title, mode, job_id, status, result_text,
	/// duration_ms, in that order.

	void load();
	/// Reads the pending deliveries from the directory (created 0700 when
	/// missing). A file that cannot be read is logged and renamed to *.bad.
	/// Throws Poco::FileException when the directory cannot be created.

	void enqueue(const WebhookResult& result);
	/// Persists a delivery due now and wakes the thread. Throws
	/// Poco::FileException when it cannot be written (the caller logs it).

	std::size_t processDue();
	/// Makes one attempt for every delivery that is due at clock.now() and
	/// returns how many were attempted. Called by the thread; tests call it
	/// directly with a ManualClock.

	void start();
	/// load(), then delivers on a thread of its own until stop().

	void stop();
	/// Ends the thread after the attempt in hand; pending deliveries stay on disk.

	std::size_t pending() const;
	std::optional<Poco::Timestamp> nextDue() const;

private:
	struct Delivery
	{
		std::string messageId;
		std::string jobId;
		std::string hookId;
		std::string body;
		int attempts = 0;
		Poco::Timestamp nextAttempt;
		Poco::Timestamp createdAt;
	};

	bool attempt(const Delivery& delivery, std::string& failure) const;
	void persist(const Delivery& delivery) const;
	void remove(const Delivery& delivery) const;
	std::string pathOf(const std::string& messageId) const;
	void run();

	Options _options;
	Clock& _clock;
	HTTPClient _http;
	Poco::Logger& _logger;
	mutable std::mutex _mutex;
	std::condition_variable _changed;
	std::map<std::string, Delivery> _pending; ///< by message id
	bool _stopping = false;
	std::thread _thread;
};

} // namespace Sygen

#endif // Sygen_ResultCallbackQueue_INCLUDED
