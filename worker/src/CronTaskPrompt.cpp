//
// CronTaskPrompt.cpp
//

#include "CronTaskPrompt.h"

namespace Sygen {

std::string CronTaskPrompt::build(const std::string& wrappedPayload, const std::string& taskFolder)
{
	// Byte for byte the reference's text; the dash in the fourth bullet is U+2014.
	return wrappedPayload +
		"\n\n"
		"IMPORTANT:\n"
		"- Read the " +
		taskFolder +
		"_MEMORY.md file (it contains important information!)\n"
		"- When finished, update " +
		taskFolder +
		"_MEMORY.md with DATE + TIME and what you have done.\n"
		"- The final answer is delivered to Telegram automatically by sygen.\n"
		"- If TASK_DESCRIPTION.md tells you to return script output verbatim, do exactly that \xE2\x80\x94 "
		"paste the full output, no summaries.\n"
		"- Do not include transport/debug/tool confirmations (for example: \"Message sent successfully\").";
}

} // namespace Sygen
