//
// LogCapture.h
//
// Records what named Poco loggers write (text and structured fields), straight
// from the logger, before any masking channel: a secret found here was really
// written by the code under test.
//

#ifndef Sygen_LogCapture_INCLUDED
#define Sygen_LogCapture_INCLUDED

#include "Sygen/Foundation/LogFields.h"
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <mutex>
#include <string>
#include <vector>

namespace Sygen {
namespace Test {

class LogCapture
/// Header-only. Thread-safe. Restores the loggers' channels and levels on destruction.
{
public:
	explicit LogCapture(const std::vector<std::string>& loggerNames):
		_channel(new Recorder)
	{
		for (const std::string& name: loggerNames)
		{
			Poco::Logger& logger = Poco::Logger::get(name);
			_saved.push_back({&logger, logger.getChannel(), logger.getLevel()});
			logger.setChannel(_channel);
			logger.setLevel(Poco::Message::PRIO_TRACE);
		}
	}

	~LogCapture()
	{
		for (Saved& s: _saved)
		{
			s.logger->setChannel(s.channel);
			s.logger->setLevel(s.level);
		}
	}

	std::string text() const
	/// Every line so far, each with its fields, joined by newlines.
	{
		return _channel->text();
	}

	bool contains(const std::string& needle) const { return text().find(needle) != std::string::npos; }

private:
	class Recorder: public Poco::Channel
	{
	public:
		void log(const Poco::Message& msg) override
		{
			std::string line = msg.getText();
			for (const std::string& name: LogFields::names())
			{
				if (msg.has(name)) line += " " + name + "=" + msg.get(name);
			}
			std::lock_guard<std::mutex> lock(_mutex);
			_text += line + "\n";
		}

		std::string text() const
		{
			std::lock_guard<std::mutex> lock(_mutex);
			return _text;
		}

	private:
		mutable std::mutex _mutex;
		std::string _text;
	};

	struct Saved
	{
		Poco::Logger* logger;
		Poco::AutoPtr<Poco::Channel> channel;
		int level;
	};

	Poco::AutoPtr<Recorder> _channel;
	std::vector<Saved> _saved;
};

}
} // namespace Sygen::Test

#endif // Sygen_LogCapture_INCLUDED
