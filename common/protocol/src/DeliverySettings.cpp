//
// DeliverySettings.cpp
//

#include "Sygen/Protocol/DeliverySettings.h"

namespace Sygen {

DeliverySettings DeliverySettings::fromConfig(const Config& config)
{
	DeliverySettings s;
	s.allowedUserIds = config.allowedUserIds;
	s.telegramToken = config.telegramToken;
	s.telegramApiBase = config.webhooks.telegramApiBase;
	s.matrixHomeserver = config.webhooks.matrix.homeserver;
	s.matrixAccessToken = config.webhooks.matrix.accessToken;
	s.matrixRoomIds = config.webhooks.matrix.roomIds;
	return s;
}

bool DeliverySettings::telegramConfigured() const
{
	return !telegramToken.empty();
}

bool DeliverySettings::matrixConfigured() const
{
	return !matrixHomeserver.empty() && !matrixAccessToken.empty() && !matrixRoomIds.empty();
}

} // namespace Sygen
