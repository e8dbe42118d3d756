//
// TimeZone.cpp
//

#include "TimeZone.h"
#include "CivilDate.h"
#include <Poco/Logger.h>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace Sygen {

namespace {

class Reader
/// Big-endian fields of a TZif file, with bounds checks.
{
public:
	Reader(const std::string& data, size_t pos):
		_data(data),
		_pos(pos)
	{
	}

	bool has(size_t n) const { return _pos + n <= _data.size(); }
	size_t pos() const { return _pos; }
	void skip(size_t n) { _pos += n; }

	std::int64_t integer(int width)
	{
		std::uint64_t v = 0;
		for (int i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(_data[_pos++]);
		if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
		return static_cast<std::int64_t>(v);
	}

	unsigned char byte() { return static_cast<unsigned char>(_data[_pos++]); }

private:
	const std::string& _data;
	size_t _pos;
};

struct Counts
{
	std::int64_t isut, isstd, leap, time, type, chars;

	size_t blockSize(int timeWidth) const { return time * timeWidth + time + type * 6 + chars + leap * (timeWidth + 4) + isstd + isut; }
};

bool readHeader(Reader& r, char& version, Counts& c)
{
	if (!r.has(44)) return false;
	if (r.byte() != 'T' || r.byte() != 'Z' || r.byte() != 'i' || r.byte() != 'f') return false;
	version = static_cast<char>(r.byte());
	r.skip(15);
	c.isut = r.integer(4);
	c.isstd = r.integer(4);
	c.leap = r.integer(4);
	c.time = r.integer(4);
	c.type = r.integer(4);
	c.chars = r.integer(4);
	return c.isut >= 0 && c.isstd >= 0 && c.leap >= 0 && c.time >= 0 && c.type > 0 && c.chars >= 0;
}

bool isPlainZoneName(const std::string& name)
{
	if (name.empty() || name[0] == '/' || name.size() > 255) return false;
	std::istringstream parts(name);
	std::string part;
	while (std::getline(parts, part, '/'))
	{
		if (part.empty() || part == "." || part == "..") return false;
	}
	return name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-+") == std::string::npos;
}

} // namespace

TimeZone TimeZone::utc()
{
	return TimeZone();
}

std::optional<TimeZone> TimeZone::load(const std::string& ianaName, const std::string& zoneinfoDir)
{
	if (!isPlainZoneName(ianaName)) return std::nullopt;
	return fromFile(zoneinfoDir + "/" + ianaName, ianaName);
}

std::optional<TimeZone> TimeZone::fromFile(const std::string& path, const std::string& name)
{
	std::ifstream in(path, std::ios::binary);
	if (!in) return std::nullopt;
	std::ostringstream data;
	data << in.rdbuf();
	return fromTZif(data.str(), name);
}

std::optional<TimeZone> TimeZone::fromTZif(const std::string& data, const std::string& name)
{
	Reader r(data, 0);
	char version = 0;
	Counts c;
	if (!readHeader(r, version, c)) return std::nullopt;
	int timeWidth = 4;
	if (version >= '2')
	{
		// Skip the 32-bit block; the 64-bit one after the second header is authoritative.
		if (!r.has(c.blockSize(4))) return std::nullopt;
		r.skip(c.blockSize(4));
		if (!readHeader(r, version, c)) return std::nullopt;
		timeWidth = 8;
	}
	if (!r.has(c.blockSize(timeWidth))) return std::nullopt;

	TimeZone zone;
	zone._name = name;
	std::vector<int> indices;
	for (std::int64_t i = 0; i < c.time; ++i) zone._transitions.push_back(r.integer(timeWidth));
	for (std::int64_t i = 0; i < c.time; ++i) indices.push_back(r.byte());
	std::vector<int> typeOffsets;
	for (std::int64_t i = 0; i < c.type; ++i)
	{
		typeOffsets.push_back(static_cast<int>(r.integer(4)));
		r.skip(2);
	}
	for (int index: indices)
	{
		if (index >= static_cast<int>(typeOffsets.size())) return std::nullopt;
		zone._offsets.push_back(typeOffsets[index]);
	}
	zone._initialOffset = typeOffsets[0];
	r.skip(c.chars + c.leap * (timeWidth + 4) + c.isstd + c.isut);

	if (timeWidth == 8 && r.has(2) && data[r.pos()] == '\n')
	{
		size_t end = data.find('\n', r.pos() + 1);
		if (end != std::string::npos && end > r.pos() + 1)
		{
			zone._footer = PosixTimeZoneRule::parse(data.substr(r.pos() + 1, end - r.pos() - 1));
		}
	}
	return zone;
}

std::optional<TimeZone> TimeZone::fromPosixRule(const std::string& rule)
{
	std::optional<PosixTimeZoneRule> parsed = PosixTimeZoneRule::parse(rule);
	if (!parsed) return std::nullopt;
	TimeZone zone;
	zone._name = rule;
	zone._footer = parsed;
	return zone;
}

std::optional<TimeZone> TimeZone::fromTZVariable(const std::string& value, const std::string& zoneinfoDir)
{
	std::string v = !value.empty() && value[0] == ':' ? value.substr(1) : value;
	if (v.empty()) return std::nullopt;
	if (v[0] == '/') return fromFile(v, v);
	std::optional<TimeZone> zone = load(v, zoneinfoDir);
	if (zone) return zone;
	return fromPosixRule(v);
}

TimeZone TimeZone::resolve(const std::string& userTimezone)
{
	const char* tz = std::getenv("TZ");
	const char* tzdir = std::getenv("TZDIR");
	return resolve(userTimezone, tz ? tz : "", DEFAULT_HOST_ZONE_FILE, tzdir && *tzdir ? tzdir : DEFAULT_ZONEINFO_DIR);
}

TimeZone TimeZone::resolve(
	const std::string& userTimezone, const std::string& tzVariable, const std::string& hostZoneFile, const std::string& zoneinfoDir)
{
	Poco::Logger& logger = Poco::Logger::get("Sygen.TimeZone");
	if (!userTimezone.empty())
	{
		std::optional<TimeZone> zone = load(userTimezone, zoneinfoDir);
		if (zone) return *zone;
		logger.warning("user_timezone \"%s\" is not a known time zone; trying $TZ", userTimezone);
	}
	if (!tzVariable.empty())
	{
		std::optional<TimeZone> zone = fromTZVariable(tzVariable, zoneinfoDir);
		if (zone) return *zone;
		logger.warning("$TZ \"%s\" is not a usable time zone; trying the host zone", tzVariable);
	}
	std::optional<TimeZone> host = fromFile(hostZoneFile, "localtime");
	if (host) return *host;
	return utc();
}

int TimeZone::utcOffsetSeconds(const Poco::Timestamp& t) const
{
	std::int64_t seconds = CivilDate::floorDiv(t.epochMicroseconds(), 1000000);
	if (_transitions.empty() || seconds >= _transitions.back())
	{
		if (_footer) return _footer->utcOffsetAt(seconds);
		return _transitions.empty() ? _initialOffset : _offsets.back();
	}
	if (seconds < _transitions.front()) return _initialOffset;
	auto it = std::upper_bound(_transitions.begin(), _transitions.end(), seconds);
	return _offsets[static_cast<size_t>(it - _transitions.begin()) - 1];
}

int TimeZone::localHour(const Poco::Timestamp& t) const
{
	std::int64_t local = CivilDate::floorDiv(t.epochMicroseconds(), 1000000) + utcOffsetSeconds(t);
	std::int64_t secondOfDay = local - CivilDate::floorDiv(local, 86400) * 86400;
	return static_cast<int>(secondOfDay / 3600);
}

} // namespace Sygen
