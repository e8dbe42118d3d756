//
// DeliverySettings.h
//
// Library: Sygen/Protocol
//
// Where chat messages go (SPEC §2, §11, §12): the Telegram chats of
// allowed_user_ids through the bot, and the configured Matrix rooms.
//

#ifndef Sygen_Protocol_DeliverySettings_INCLUDED
#define Sygen_Protocol_DeliverySettings_INCLUDED

#include "Sygen/Foundation/Config.h"
#include <string>
#include <vector>

namespace Sygen {

struct DeliverySettings
/// Plain value; copy freely. Holds secrets (bot token, access token): never log it.
{
	std::vector<std::string> allowedUserIds; ///< Telegram chat ids, in config order.
	std::string telegramToken;
	std::string telegramApiBase = "https://api.telegram.org";
	std::string matrixHomeserver;
	std::string matrixAccessToken;
	std::vector<std::string> matrixRoomIds;

	static DeliverySettings fromConfig(const Config& config);
	/// allowed_user_ids, telegram_token, webhooks.telegram_api_base and webhooks.matrix.

	bool telegramConfigured() const;
	/// A bot token is set.

	bool matrixConfigured() const;
	/// Homeserver, access token and at least one room are set.
};

} // namespace Sygen

#endif // Sygen_Protocol_DeliverySettings_INCLUDED
