//
// StderrChannel.cpp
//

#include "Sygen/Foundation/StderrChannel.h"
#include "Sygen/Foundation/LogFields.h"
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <cerrno>
#include <unistd.h>

namespace Sygen {

const std::string StderrChannel::PROP_IDENTIFIER("identifier");

StderrChannel::StderrChannel(const std::string& identifier, int fd):
	_identifier(identifier),
	_fd(fd)
{
}

StderrChannel::~StderrChannel() = default;

void StderrChannel::log(const Poco::Message& msg)
{
	const std::string line = format(msg, _identifier);
	const char* p = line.data();
	std::size_t left = line.size();
	while (left > 0)
	{
		ssize_t n = ::write(_fd, p, left);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) return;
		p += n;
		left -= static_cast<std::size_t>(n);
	}
}

void StderrChannel::setProperty(const std::string& name, const std::string& value)
{
	if (name == PROP_IDENTIFIER) _identifier = value;
	else Channel::setProperty(name, value);
}

std::string StderrChannel::getProperty(const std::string& name) const
{
	if (name == PROP_IDENTIFIER) return _identifier;
	return Channel::getProperty(name);
}

std::string StderrChannel::format(const Poco::Message& msg, const std::string& identifier)
{
	std::string line = Poco::DateTimeFormatter::format(msg.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ");
	line += ' ';
	line += levelName(msg.getPriority());
	line += ' ';
	line += identifier.empty() ? msg.getSource() : identifier;
	line += '[';
	line += std::to_string(msg.getPid() > 0 ? msg.getPid() : static_cast<long>(::getpid()));
	line += "]: ";
	const std::string& text = msg.getText();
	for (char c: text)
	{
		line += c;
		if (c == '\n') line += "    ";
	}
	for (const std::string& name: LogFields::names())
	{
		if (!msg.has(name)) continue;
		line += ' ';
		line += name;
		line += '=';
		line += quote(msg.get(name));
	}
	line += '\n';
	return line;
}

std::string StderrChannel::levelName(Poco::Message::Priority prio)
{
	switch (prio)
	{
	case Poco::Message::PRIO_TRACE: return "TRACE";
	case Poco::Message::PRIO_DEBUG: return "DEBUG";
	case Poco::Message::PRIO_INFORMATION: return "INFO";
	case Poco::Message::PRIO_NOTICE: return "NOTICE";
	case Poco::Message::PRIO_WARNING: return "WARN";
	case Poco::Message::PRIO_ERROR: return "ERROR";
	case Poco::Message::PRIO_CRITICAL: return "CRIT";
	case Poco::Message::PRIO_FATAL: return "FATAL";
	}
	return "INFO";
}

std::string StderrChannel::quote(const std::string& value)
{
	bool plain = !value.empty();
	for (unsigned char c: value)
	{
		if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f)
		{
			plain = false;
			break;
		}
	}
	if (plain) return value;
	std::string result("\"");
	for (char c: value)
	{
		switch (c)
		{
		case '"': result += "\\\""; break;
		case '\\': result += "\\\\"; break;
		case '\n': result += "\\n"; break;
		case '\r': result += "\\r"; break;
		case '\t': result += "\\t"; break;
		default: result += c;
		}
	}
	result += '"';
	return result;
}

} // namespace Sygen
