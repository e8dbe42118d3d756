//
// ResultSink.h
//
// Delivery of finished jobs (SPEC §12): the broadcast of non-wake results to
// every allowed Telegram chat and Matrix room, and the signed result callback.
//

#ifndef Sygen_ResultSink_INCLUDED
#define Sygen_ResultSink_INCLUDED

#include "Sygen/Delivery/MatrixTransport.h"
#include "Sygen/Delivery/TelegramTransport.h"
#include "Sygen/Foundation/Clock.h"
#include "Sygen/Foundation/Config.h"
#include "Sygen/Foundation/RetryPolicy.h"
#include "Sygen/Protocol/DeliverySettings.h"
#include "Sygen/Protocol/WebhookResult.h"
#include "results/ResultCallbackQueue.h"
#include <Poco/Logger.h>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace Sygen {

class ResultSink
/// submit() is what SupervisorCore's result listener calls for every finished
/// job. It never waits for the network: a broadcast goes into a bounded
/// in-memory queue served by the sink's own thread (chats in allowed_user_ids
/// order, then the Matrix rooms), and the callback into ResultCallbackQueue
/// (persisted, its own thread). A full broadcast queue drops the broadcast with
/// an error log rather than block the caller.
///
/// Broadcasts are not persisted: one lost in a crash is a chat notice, and the
/// result itself stays in the job history and goes to the callback.
///
/// Life cycle: construct, start(), submit()..., stop() (also in the destructor).
/// Thread-safe.
{
public:
	struct Options
	{
		std::size_t queueCapacity = 1000;
		RetryPolicy retry;
		/// Per message and chat; its sleep is replaced by a wait that stop() cuts short.
		Poco::Timespan httpTimeout = Poco::Timespan(15, 0);
		ResultCallbackQueue::Options callback;
		/// url empty: no callback.
	};

	static Options optionsFrom(const Config& config);
	/// Callback url, secret and directory (<state>/callbacks) from config.

	ResultSink(const DeliverySettings& delivery, const Options& options, Clock& clock = Clock::system());
	/// Throws ConfigError when the callback settings are invalid.

	explicit ResultSink(const Config& config, Clock& clock = Clock::system());
	/// DeliverySettings::fromConfig() and optionsFrom().

	~ResultSink();

	ResultSink(const ResultSink&) = delete;
	ResultSink& operator=(const ResultSink&) = delete;

	void start();
	/// Starts the broadcast thread and the callback queue (which resumes the
	/// deliveries persisted by an earlier run).

	void stop();
	/// Finishes the message in hand (a retry wait is cut short) and stops both
	/// threads; broadcasts still queued are logged and dropped, callbacks stay
	/// on disk.

	void submit(const WebhookResult& result);
	/// Queues the broadcast (when DeliveryMessage::shouldBroadcast() and a
	/// transport is configured) and the callback (every result). Never throws.

	bool waitIdle(Poco::Timespan timeout);
	/// Waits until no broadcast is queued or being sent (tests, shutdown).

	bool callbackEnabled() const;

private:
	struct Broadcast
	{
		WebhookResult result;
		std::string text;
	};

	void run();
	void deliver(const Broadcast& broadcast);
	bool cancellableWait(const Poco::Timespan& delay);
	bool stopping();

	DeliverySettings _delivery;
	Options _options;
	Poco::Logger& _logger;
	std::unique_ptr<TelegramTransport> _telegram;
	std::unique_ptr<MatrixTransport> _matrix;
	std::unique_ptr<ResultCallbackQueue> _callbacks;

	std::mutex _mutex;
	std::condition_variable _changed;
	std::deque<Broadcast> _queue;
	bool _busy = false;
	bool _stopping = false;
	std::thread _thread;
};

} // namespace Sygen

#endif // Sygen_ResultSink_INCLUDED
