//
// ResultCallbackQueue.cpp
//

#include "results/ResultCallbackQueue.h"
#include "Sygen/Auth/StandardWebhooksAuthenticator.h"
#include "Sygen/Auth/WebhookSigner.h"
#include "Sygen/Foundation/AtomicFile.h"
#include "Sygen/Foundation/IsoTime.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/JSONWriter.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Object.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <cctype>
#include <chrono>
#include <sys/stat.h>
#include <vector>

namespace Sygen {

namespace {

const std::string SUFFIX = ".json";

bool isMessageId(const std::string& id)
{
	if (id.empty() || id.size() > 64) return false;
	for (char c: id)
	{
		if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
	}
	return true;
}

void ensureDirectory(const std::string& path)
{
	Poco::File dir(path);
	if (dir.exists()) return;
	dir.createDirectories();
	// Pending bodies hold result texts: private to the service user.
	::chmod(path.c_str(), 0700);
}

} // namespace

ResultCallbackQueue::ResultCallbackQueue(const Options& options, Clock& clock):
	_options(options),
	_clock(clock),
	_http(options.requestTimeout),
	_logger(Poco::Logger::get("Sygen.ResultCallbackQueue"))
{
	Config::ResultCallback settings;
	settings.url = options.url;
	settings.secret = options.secret;
	validate(settings);
	Logging::addSecret(_options.secret);
	if (_options.maxAttempts < 1) _options.maxAttempts = 1;
}

ResultCallbackQueue::~ResultCallbackQueue()
{
	stop();
}

void ResultCallbackQueue::validate(const Config::ResultCallback& settings)
{
	if (settings.url.empty()) return;
	bool ok = false;
	try
	{
		Poco::URI uri(settings.url);
		std::string scheme = Poco::toLower(uri.getScheme());
		ok = (scheme == "http" || scheme == "https") && !uri.getHost().empty();
	}
	catch (Poco::Exception&)
	{
	}
	if (!ok) throw ConfigError("webhooks.result_callback.url: expected an http:// or https:// URL with a host");
	if (settings.secret.empty()) return;
	try
	{
		StandardWebhooksAuthenticator::decodeSecret(settings.secret);
	}
	catch (Poco::Exception&)
	{
		throw ConfigError("webhooks.result_callback.secret: expected a Standard Webhooks secret (whsec_ followed by base64)");
	}
}

std::string ResultCallbackQueue::body(const WebhookResult& result)
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("hook_id", result.hookId);
	obj->set("hook_title", result.hookTitle);
	obj->set("mode", result.mode);
	obj->set("job_id", result.jobId);
	obj->set("status", result.status);
	obj->set("result_text", result.resultText);
	obj->set("duration_ms", static_cast<Poco::Int64>(result.durationMs));
	return JSONWriter::compact(obj);
}

std::string ResultCallbackQueue::pathOf(const std::string& messageId) const
{
	return _options.directory + "/" + messageId + SUFFIX;
}

void ResultCallbackQueue::persist(const Delivery& d) const
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	obj->set("message_id", d.messageId);
	obj->set("job_id", d.jobId);
	obj->set("hook_id", d.hookId);
	obj->set("attempts", d.attempts);
	obj->set("next_attempt_at", IsoTime::format(d.nextAttempt));
	obj->set("created_at", IsoTime::format(d.createdAt));
	obj->set("body", d.body);
	AtomicFile::write(pathOf(d.messageId), JSONWriter::file(obj), 0600);
}

void ResultCallbackQueue::remove(const Delivery& d) const
{
	try
	{
		Poco::File(pathOf(d.messageId)).remove();
	}
	catch (Poco::FileNotFoundException&)
	{
	}
	catch (Poco::Exception& exc)
	{
		// Left behind, it would be sent again after a restart: worth an error line.
		_logger.error("result callback: cannot remove %s: %s", pathOf(d.messageId), exc.displayText());
	}
}

void ResultCallbackQueue::load()
{
	ensureDirectory(_options.directory);
	std::map<std::string, Delivery> loaded;
	for (Poco::DirectoryIterator it(_options.directory), end; it != end; ++it)
	{
		const std::string name = it.name();
		if (name.size() <= SUFFIX.size() || name.compare(name.size() - SUFFIX.size(), SUFFIX.size(), SUFFIX) != 0) continue;
		try
		{
			std::string text;
			Poco::FileInputStream in(it->path());
			Poco::StreamCopier::copyToString(in, text);
			Poco::JSON::Object::Ptr obj = JSONFields::parseObject(text);
			Delivery d;
			d.messageId = JSONFields::requireString(*obj, "message_id");
			if (!isMessageId(d.messageId) || name != d.messageId + SUFFIX)
				throw Poco::DataFormatException("message_id does not match the file name");
			d.jobId = JSONFields::string(*obj, "job_id");
			d.hookId = JSONFields::string(*obj, "hook_id");
			d.body = JSONFields::requireString(*obj, "body");
			d.attempts = static_cast<int>(JSONFields::integer(*obj, "attempts", 0));
			d.nextAttempt = IsoTime::parse(JSONFields::requireString(*obj, "next_attempt_at"));
			d.createdAt = IsoTime::parse(JSONFields::requireString(*obj, "created_at"));
			loaded[d.messageId] = d;
		}
		catch (Poco::Exception& exc)
		{
			_logger.error("result callback: unreadable pending delivery %s (%s); renamed to *.bad", it->path(), exc.displayText());
			try
			{
				it->renameTo(it->path() + ".bad");
			}
			catch (Poco::Exception&)
			{
			}
		}
	}
	std::size_t count = loaded.size();
	{
		std::lock_guard<std::mutex> lock(_mutex);
		for (auto& entry: loaded) _pending.insert(entry);
	}
	if (count > 0) _logger.information("result callback: %s pending deliveries resumed", std::to_string(count));
	_changed.notify_all();
}

void ResultCallbackQueue::enqueue(const WebhookResult& result)
{
	Delivery d;
	d.messageId = WebhookSigner::newMessageId();
	d.jobId = result.jobId;
	d.hookId = result.hookId;
	d.body = body(result);
	d.createdAt = _clock.now();
	d.nextAttempt = d.createdAt;
	ensureDirectory(_options.directory);
	persist(d);
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_pending[d.messageId] = d;
	}
	_changed.notify_all();
}

bool ResultCallbackQueue::attempt(const Delivery& d, std::string& failure) const
{
	try
	{
		Poco::Net::NameValueCollection headers;
		if (_options.secret.empty())
		{
			headers.set("webhook-id", d.messageId);
			headers.set("webhook-timestamp", std::to_string(_clock.now().epochTime()));
		}
		else
		{
			headers = WebhookSigner::signStandardWebhooks(_options.secret, d.messageId, d.body, _clock.now());
		}
		HTTPClient::Response response = _http.send("POST", _options.url, d.body, headers);
		if (response.status >= 200 && response.status < 300) return true;
		failure = "HTTP " + std::to_string(response.status);
	}
	catch (Poco::Exception& exc)
	{
		// Transport errors name the origin only; the secret is never part of a message.
		failure = exc.message();
	}
	return false;
}

std::size_t ResultCallbackQueue::processDue()
{
	std::vector<Delivery> due;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		const Poco::Timestamp now = _clock.now();
		for (const auto& entry: _pending)
		{
			if (entry.second.nextAttempt <= now) due.push_back(entry.second);
		}
	}
	for (Delivery& d: due)
	{
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (_stopping) break;
		}
		std::string failure;
		const bool delivered = attempt(d, failure);
		++d.attempts;
		const std::initializer_list<Logging::Field> fields{{LogFields::HOOK_ID, d.hookId}, {LogFields::JOB_ID, d.jobId}};
		if (delivered)
		{
			Logging::log(
				_logger, Poco::Message::PRIO_DEBUG, "result callback delivered (attempt " + std::to_string(d.attempts) + ")", fields);
			remove(d);
			std::lock_guard<std::mutex> lock(_mutex);
			_pending.erase(d.messageId);
			continue;
		}
		if (d.attempts >= _options.maxAttempts)
		{
			Logging::log(_logger, Poco::Message::PRIO_ERROR,
				"result callback given up after " + std::to_string(d.attempts) + " attempts: " + failure, fields);
			remove(d);
			std::lock_guard<std::mutex> lock(_mutex);
			_pending.erase(d.messageId);
			continue;
		}
		Poco::Timespan::TimeDiff delay = _options.initialDelay.totalMicroseconds();
		for (int i = 1; i < d.attempts && delay < _options.maxDelay.totalMicroseconds(); ++i) delay *= 2;
		if (delay > _options.maxDelay.totalMicroseconds()) delay = _options.maxDelay.totalMicroseconds();
		d.nextAttempt = _clock.now() + delay;
		Logging::log(_logger, Poco::Message::PRIO_WARNING,
			"result callback failed (attempt " + std::to_string(d.attempts) + "): " + failure + "; next attempt in " +
				std::to_string(delay / 1000000) + " s",
			fields);
		try
		{
			persist(d);
		}
		catch (Poco::Exception& exc)
		{
			// Still retried from memory; only a restart would lose the updated count.
			_logger.error("result callback: cannot update %s: %s", pathOf(d.messageId), exc.displayText());
		}
		std::lock_guard<std::mutex> lock(_mutex);
		_pending[d.messageId] = d;
	}
	return due.size();
}

void ResultCallbackQueue::start()
{
	load();
	std::lock_guard<std::mutex> lock(_mutex);
	if (_thread.joinable()) return;
	_stopping = false;
	_thread = std::thread([this] { run(); });
}

void ResultCallbackQueue::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_changed.notify_all();
	if (_thread.joinable()) _thread.join();
}

void ResultCallbackQueue::run()
{
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_stopping)
	{
		std::optional<Poco::Timestamp> due;
		for (const auto& entry: _pending)
		{
			if (!due || entry.second.nextAttempt < *due) due = entry.second.nextAttempt;
		}
		if (!due)
		{
			_changed.wait(lock);
			continue;
		}
		Poco::Timespan::TimeDiff wait = *due - _clock.now();
		if (wait > 0)
		{
			// Capped, so that a wall-clock jump cannot park the queue for hours.
			_changed.wait_for(lock, std::chrono::microseconds(std::min<Poco::Timespan::TimeDiff>(wait, 60000000)));
			continue;
		}
		lock.unlock();
		try
		{
			processDue();
		}
		catch (Poco::Exception& exc)
		{
			_logger.error("result callback: %s", exc.displayText());
		}
		catch (std::exception& exc)
		{
			_logger.error("result callback: %s", std::string(exc.what()));
		}
		lock.lock();
	}
}

std::size_t ResultCallbackQueue::pending() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _pending.size();
}

std::optional<Poco::Timestamp> ResultCallbackQueue::nextDue() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	std::optional<Poco::Timestamp> due;
	for (const auto& entry: _pending)
	{
		if (!due || entry.second.nextAttempt < *due) due = entry.second.nextAttempt;
	}
	return due;
}

} // namespace Sygen
