//
// DeliveryMessage.h
//
// Library: Sygen/Protocol
//
// What a finished job says in the chats (SPEC §12): which results are broadcast
// and the exact text of the broadcast.
//

#ifndef Sygen_Protocol_DeliveryMessage_INCLUDED
#define Sygen_Protocol_DeliveryMessage_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include <string>

namespace Sygen {

class DeliveryMessage
/// Stateless; thread-safe.
{
public:
	static const std::string SILENT_MARKER; ///< "[SILENT]"

	static bool isSilent(const std::string& text);
	/// True when text, after leading whitespace (Unicode white space, as
	/// Python's str.lstrip() sees it), starts with [SILENT] in any letter case.

	static bool shouldBroadcast(const WebhookResult& result);
	/// False for wake results (wake delivers its own replies, never a second
	/// time) and results marked delivered, for error:exception and
	/// error:not_found, and for silent text; true otherwise.

	static std::string broadcastText(const WebhookResult& result);
	/// "**WEBHOOK (CRON TASK): <title>**" + "\n\n" + the result text, or
	/// "_<status>_" in place of an empty text. Plain text: the transports send
	/// it without a parse mode, so the asterisks arrive as written.
};

} // namespace Sygen

#endif // Sygen_Protocol_DeliveryMessage_INCLUDED
