//
// ResultSink.cpp
//

#include "results/ResultSink.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include "Sygen/Protocol/DeliveryMessage.h"
#include <chrono>

namespace Sygen {

ResultSink::Options ResultSink::optionsFrom(const Config& config)
{
	Options options;
	options.callback.url = config.webhooks.resultCallback.url;
	options.callback.secret = config.webhooks.resultCallback.secret;
	options.callback.directory = config.paths.stateDir + "/callbacks";
	return options;
}

ResultSink::ResultSink(const Config& config, Clock& clock):
	ResultSink(DeliverySettings::fromConfig(config), optionsFrom(config), clock)
{
}

ResultSink::ResultSink(const DeliverySettings& delivery, const Options& options, Clock& clock):
	_delivery(delivery),
	_options(options),
	_logger(Poco::Logger::get("Sygen.ResultSink"))
{
	RetryPolicy retry = _options.retry;
	if (!retry.sleep) retry.sleep = [this](const Poco::Timespan& delay) { return cancellableWait(delay); };
	HTTPClient http(_options.httpTimeout);
	if (_delivery.telegramConfigured())
	{
		_telegram.reset(new TelegramTransport(_delivery.telegramApiBase, _delivery.telegramToken, retry, http));
	}
	if (_delivery.matrixConfigured())
	{
		_matrix.reset(new MatrixTransport(_delivery.matrixHomeserver, _delivery.matrixAccessToken, retry, http));
	}
	if (!_options.callback.url.empty())
	{
		_callbacks.reset(new ResultCallbackQueue(_options.callback, clock));
	}
}

ResultSink::~ResultSink()
{
	stop();
}

bool ResultSink::callbackEnabled() const
{
	return _callbacks != nullptr;
}

void ResultSink::start()
{
	if (!_telegram && !_delivery.allowedUserIds.empty())
	{
		_logger.warning("telegram_token is not set: results are not broadcast to the %s chats of allowed_user_ids",
			std::to_string(_delivery.allowedUserIds.size()));
	}
	if (_telegram && _delivery.allowedUserIds.empty()) _logger.information("allowed_user_ids is empty: no Telegram broadcasts");
	if (_callbacks) _callbacks->start();
	std::lock_guard<std::mutex> lock(_mutex);
	if (_thread.joinable()) return;
	_stopping = false;
	_thread = std::thread([this] { run(); });
}

void ResultSink::stop()
{
	std::size_t dropped = 0;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
		dropped = _queue.size();
		_queue.clear();
	}
	_changed.notify_all();
	if (_thread.joinable()) _thread.join();
	if (_callbacks) _callbacks->stop();
	if (dropped > 0) _logger.warning("stopping: %s queued broadcasts not sent", std::to_string(dropped));
}

void ResultSink::submit(const WebhookResult& result)
{
	const std::initializer_list<Logging::Field> fields{{LogFields::HOOK_ID, result.hookId}, {LogFields::JOB_ID, result.jobId}};
	try
	{
		if (_callbacks) _callbacks->enqueue(result);
	}
	catch (Poco::Exception& exc)
	{
		Logging::log(_logger, Poco::Message::PRIO_ERROR, "result callback not queued: " + exc.displayText(), fields);
	}
	const bool hasTarget = (_telegram && !_delivery.allowedUserIds.empty()) || _matrix;
	if (!hasTarget || !DeliveryMessage::shouldBroadcast(result)) return;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_stopping && _queue.size() < _options.queueCapacity)
		{
			_queue.push_back({result, DeliveryMessage::broadcastText(result)});
			_changed.notify_all();
			return;
		}
	}
	Logging::log(_logger, Poco::Message::PRIO_ERROR, "broadcast dropped: delivery queue full or stopping", fields);
}

bool ResultSink::waitIdle(Poco::Timespan timeout)
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()), [this] { return _queue.empty() && !_busy; });
}

bool ResultSink::stopping()
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _stopping;
}

bool ResultSink::cancellableWait(const Poco::Timespan& delay)
{
	std::unique_lock<std::mutex> lock(_mutex);
	return !_changed.wait_for(lock, std::chrono::microseconds(delay.totalMicroseconds()), [this] { return _stopping; });
}

void ResultSink::run()
{
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		_changed.wait(lock, [this] { return _stopping || !_queue.empty(); });
		if (_stopping) break;
		Broadcast next = std::move(_queue.front());
		_queue.pop_front();
		_busy = true;
		lock.unlock();
		deliver(next);
		lock.lock();
		_busy = false;
		_changed.notify_all();
	}
}

void ResultSink::deliver(const Broadcast& b)
{
	const WebhookResult& r = b.result;
	std::size_t sent = 0;
	std::size_t failed = 0;
	if (_telegram)
	{
		for (const std::string& chat: _delivery.allowedUserIds)
		{
			if (stopping()) return;
			if (_telegram->send(chat, b.text, r.hookId, r.jobId)) ++sent;
			else ++failed;
		}
	}
	if (_matrix)
	{
		for (const std::string& room: _delivery.matrixRoomIds)
		{
			if (stopping()) return;
			if (_matrix->send(room, b.text, r.hookId, r.jobId)) ++sent;
			else ++failed;
		}
	}
	Logging::log(_logger, failed ? Poco::Message::PRIO_WARNING : Poco::Message::PRIO_INFORMATION,
		"result broadcast to " + std::to_string(sent) + " of " + std::to_string(sent + failed) + " chats",
		{{LogFields::HOOK_ID, r.hookId}, {LogFields::JOB_ID, r.jobId}, {LogFields::STATUS, r.status}});
}

} // namespace Sygen
