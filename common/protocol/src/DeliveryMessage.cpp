//
// DeliveryMessage.cpp
//

#include "Sygen/Protocol/DeliveryMessage.h"
#include "Sygen/Foundation/MessageSplitter.h"
#include "Sygen/Protocol/JobStatus.h"
#include <cctype>

namespace Sygen {

const std::string DeliveryMessage::SILENT_MARKER = "[SILENT]";

namespace {

unsigned codePointAt(const std::string& text, std::size_t pos, std::size_t length)
{
	const unsigned char lead = static_cast<unsigned char>(text[pos]);
	if (length == 1) return lead;
	unsigned cp = lead & (0xFF >> (length + 1));
	for (std::size_t i = 1; i < length; ++i) cp = (cp << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
	return cp;
}

bool isUnicodeSpace(unsigned cp)
{
	// The code points for which Python's str.isspace() is true.
	return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
		(cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

} // namespace

bool DeliveryMessage::isSilent(const std::string& text)
{
	std::size_t pos = 0;
	while (pos < text.size())
	{
		std::size_t length = MessageSplitter::sequenceLength(text, pos);
		if (!isUnicodeSpace(codePointAt(text, pos, length))) break;
		pos += length;
	}
	if (text.size() - pos < SILENT_MARKER.size()) return false;
	for (std::size_t i = 0; i < SILENT_MARKER.size(); ++i)
	{
		if (std::toupper(static_cast<unsigned char>(text[pos + i])) != SILENT_MARKER[i]) return false;
	}
	return true;
}

bool DeliveryMessage::shouldBroadcast(const WebhookResult& result)
{
	if (result.mode == "wake" || result.delivered) return false;
	if (result.status == JobStatus::ERROR_EXCEPTION || result.status == JobStatus::ERROR_NOT_FOUND) return false;
	return !isSilent(result.resultText);
}

std::string DeliveryMessage::broadcastText(const WebhookResult& result)
{
	const std::string body = result.resultText.empty() ? "_" + result.status + "_" : result.resultText;
	return "**WEBHOOK (CRON TASK): " + result.hookTitle + "**\n\n" + body;
}

} // namespace Sygen
