//
// Logging.cpp
//

#include "Sygen/Foundation/Logging.h"
#include "Sygen/Foundation/LogFilterChannel.h"
#include "Sygen/Foundation/StderrChannel.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/NumberParser.h>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace Sygen {

void Logging::configure(const std::string& identifier, LogTarget target, const std::string& level, const std::string& journalSocket)
{
	const int prio = parseLevel(level);
	Poco::Channel::Ptr sink;
	if (resolve(target, journalSocket) == LogTarget::Journald) sink = new JournaldChannel(identifier, journalSocket);
	else sink = new StderrChannel(identifier);
	Poco::Channel::Ptr front(new LogFilterChannel(sink));

	// Logger::setChannel("") reaches every logger created so far (including
	// Application's); loggers created later copy the root's channel and level.
	Poco::Logger::root().setChannel(front);
	Poco::Logger::root().setLevel(prio);
	Poco::Logger::setChannel("", front);
	Poco::Logger::setLevel("", prio);
}

LogTarget Logging::resolve(LogTarget target, const std::string& journalSocket)
{
	if (target != LogTarget::Auto) return target;
	if (!underSystemd()) return LogTarget::Stderr;
	try
	{
		return Poco::File(journalSocket).exists() ? LogTarget::Journald : LogTarget::Stderr;
	}
	catch (Poco::Exception&)
	{
		return LogTarget::Stderr;
	}
}

bool Logging::underSystemd()
{
	const char* stream = std::getenv("JOURNAL_STREAM");
	if (stream && *stream)
	{
		const std::string value(stream);
		const std::string::size_type colon = value.find(':');
		struct stat st;
		Poco::UInt64 dev = 0;
		Poco::UInt64 ino = 0;
		if (colon != std::string::npos && Poco::NumberParser::tryParseUnsigned64(value.substr(0, colon), dev) &&
			Poco::NumberParser::tryParseUnsigned64(value.substr(colon + 1), ino) && ::fstat(STDERR_FILENO, &st) == 0 &&
			static_cast<Poco::UInt64>(st.st_dev) == dev && static_cast<Poco::UInt64>(st.st_ino) == ino)
		{
			return true;
		}
	}
	const char* invocation = std::getenv("INVOCATION_ID");
	return invocation && *invocation && !::isatty(STDERR_FILENO);
}

LogTarget Logging::parseTarget(const std::string& name)
{
	if (name == "auto") return LogTarget::Auto;
	if (name == "journald") return LogTarget::Journald;
	if (name == "stderr") return LogTarget::Stderr;
	throw Poco::InvalidArgumentException("log target must be auto, journald or stderr", name);
}

std::string Logging::targetName(LogTarget target)
{
	switch (target)
	{
	case LogTarget::Auto: return "auto";
	case LogTarget::Journald: return "journald";
	case LogTarget::Stderr: return "stderr";
	}
	return "auto";
}

int Logging::parseLevel(const std::string& level)
{
	if (level == "info") return Poco::Message::PRIO_INFORMATION;
	if (level == "warn") return Poco::Message::PRIO_WARNING;
	if (level == "err") return Poco::Message::PRIO_ERROR;
	if (level == "crit") return Poco::Message::PRIO_CRITICAL;
	// Poco::Logger::parseLevel accepts the names and 1-8.
	return Poco::Logger::parseLevel(level);
}

void Logging::setField(const std::string& name, const std::string& value)
{
	LogFilterChannel::setField(name, value);
}

void Logging::addSecret(const std::string& secret)
{
	LogFilterChannel::addSecret(secret);
}

void Logging::log(Poco::Logger& logger, Poco::Message::Priority prio, const std::string& text, std::initializer_list<Field> fields,
	const char* file, int line)
{
	if (!logger.is(prio)) return;
	Poco::Message msg(logger.name(), text, prio);
	for (const Field& field: fields)
	{
		if (!field.second.empty()) msg.set(field.first, field.second);
	}
	if (file)
	{
		msg.setSourceFile(file);
		msg.setSourceLine(line);
	}
	logger.log(msg);
}

} // namespace Sygen
