//
// QuietHours.cpp
//

#include "QuietHours.h"

namespace Sygen {

QuietHours::QuietHours(std::optional<int> start, std::optional<int> end):
	_configured(start.has_value() || end.has_value()),
	_start(start.value_or(0)),
	_end(end.value_or(0))
{
}

bool QuietHours::isQuietAtHour(int hour) const
{
	if (!_configured || _start == _end) return false;
	if (_start < _end) return _start <= hour && hour < _end;
	return hour >= _start || hour < _end;
}

bool QuietHours::canBeQuiet() const
{
	return _configured && _start != _end;
}

bool QuietHours::isQuiet(const Poco::Timestamp& now, const TimeZone& zone) const
{
	if (!_configured) return false;
	return isQuietAtHour(zone.localHour(now));
}

} // namespace Sygen
