//
// CronTaskPrompt.h
//
// Library: Sygen/worker
//
// The prompt a cron_task CLI receives (SPEC §10 step 6).
//

#ifndef Sygen_CronTaskPrompt_INCLUDED
#define Sygen_CronTaskPrompt_INCLUDED

#include <string>

namespace Sygen {

class CronTaskPrompt
{
public:
	static std::string build(const std::string& wrappedPayload, const std::string& taskFolder);
	/// wrappedPayload (SPEC §9 step 3), a blank line, then the fixed IMPORTANT
	/// block naming <taskFolder>_MEMORY.md. No trailing newline.
};

} // namespace Sygen

#endif // Sygen_CronTaskPrompt_INCLUDED
