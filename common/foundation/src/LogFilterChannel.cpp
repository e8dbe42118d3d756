//
// LogFilterChannel.cpp
//

#include "Sygen/Foundation/LogFilterChannel.h"
#include "Sygen/Foundation/LogFields.h"
#include <Poco/RWLock.h>
#include <cctype>
#include <map>
#include <set>

namespace Sygen {

const std::size_t LogFilterChannel::MIN_SECRET_SIZE = 4;
const std::string LogFilterChannel::MASK("[redacted]");

namespace {

struct LongerFirst
/// Orders secrets longest first, so that a secret containing a shorter one is
/// masked whole.
{
	bool operator()(const std::string& a, const std::string& b) const { return a.size() != b.size() ? a.size() > b.size() : a < b; }
};

struct Registry
{
	Poco::RWLock lock;
	std::set<std::string, LongerFirst> secrets;
	std::map<std::string, std::string> fields;
};

Registry& registry()
{
	static Registry r;
	return r;
}

bool endsToken(char c)
{
	return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == ',' || c == ';';
}

void maskAfter(std::string& text, const std::string& marker, bool keepMarker)
/// Masks the token that follows each occurrence of marker (case-sensitive: a
/// lower-case "bearer" is prose like "auth_mode bearer", not a header), and the
/// marker too unless keepMarker.
{
	std::size_t pos = 0;
	const std::size_t markerSize = marker.size();
	while ((pos = text.find(marker, pos)) != std::string::npos)
	{
		std::size_t start = pos + markerSize;
		while (start < text.size() && text[start] == ' ') ++start;
		std::size_t end = start;
		while (end < text.size() && !endsToken(text[end])) ++end;
		if (end == start || text.compare(start, end - start, LogFilterChannel::MASK) == 0)
		{
			pos = end > pos + markerSize ? end : pos + markerSize;
			continue;
		}
		std::size_t from = keepMarker ? start : pos;
		text.replace(from, end - from, LogFilterChannel::MASK);
		pos = from + LogFilterChannel::MASK.size();
	}
}

} // namespace

LogFilterChannel::LogFilterChannel(Poco::Channel::Ptr next):
	_next(next)
{
}

LogFilterChannel::~LogFilterChannel() = default;

void LogFilterChannel::open()
{
	_next->open();
}

void LogFilterChannel::close()
{
	_next->close();
}

Poco::Channel::Ptr LogFilterChannel::next() const
{
	return _next;
}

void LogFilterChannel::log(const Poco::Message& msg)
{
	Poco::Message copy(msg);
	{
		Registry& r = registry();
		Poco::ScopedReadRWLock lock(r.lock);
		for (const auto& field: r.fields)
		{
			if (!copy.has(field.first)) copy.set(field.first, field.second);
		}
	}
	copy.setText(redact(copy.getText()));
	for (const std::string& name: LogFields::names())
	{
		if (copy.has(name)) copy.set(name, redact(copy.get(name)));
	}
	_next->log(copy);
}

void LogFilterChannel::setField(const std::string& name, const std::string& value)
{
	Registry& r = registry();
	Poco::ScopedWriteRWLock lock(r.lock);
	if (value.empty()) r.fields.erase(name);
	else r.fields[name] = value;
}

void LogFilterChannel::clearFields()
{
	Registry& r = registry();
	Poco::ScopedWriteRWLock lock(r.lock);
	r.fields.clear();
}

void LogFilterChannel::addSecret(const std::string& secret)
{
	if (secret.size() < MIN_SECRET_SIZE) return;
	Registry& r = registry();
	Poco::ScopedWriteRWLock lock(r.lock);
	r.secrets.insert(secret);
}

void LogFilterChannel::clearSecrets()
{
	Registry& r = registry();
	Poco::ScopedWriteRWLock lock(r.lock);
	r.secrets.clear();
}

std::string LogFilterChannel::redact(const std::string& text)
{
	std::string result(text);
	{
		Registry& r = registry();
		Poco::ScopedReadRWLock lock(r.lock);
		for (const std::string& secret: r.secrets)
		{
			std::size_t pos = 0;
			while ((pos = result.find(secret, pos)) != std::string::npos)
			{
				result.replace(pos, secret.size(), MASK);
				pos += MASK.size();
			}
		}
	}
	maskAfter(result, "Bearer ", true);
	maskAfter(result, "whsec_", false);
	return result;
}

} // namespace Sygen
