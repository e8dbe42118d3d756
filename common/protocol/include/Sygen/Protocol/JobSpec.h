//
// JobSpec.h
//
// Library: Sygen/Protocol
//
// The part of a hook a worker reads to run one job (the "spec" of a job frame).
//

#ifndef Sygen_Protocol_JobSpec_INCLUDED
#define Sygen_Protocol_JobSpec_INCLUDED

#include "Sygen/Hooks/Hook.h"
#include <Poco/JSON/Object.h>
#include <optional>
#include <string>
#include <vector>

namespace Sygen {

struct JobSpec: HookExecution
/// The hook fields a job needs, copied from the hook at dispatch time: never
/// its bearer token, HMAC settings, prompt template or telemetry, so that no
/// secret travels to, or lives in, the sandboxed worker. The JSON keys are the
/// hook file's. Plain value; copy freely.
{
	std::string id;
	std::string title;
	std::string mode; ///< "wake" or "cron_task".
	std::optional<std::string> taskFolder;
	// provider … dependency: HookExecution.

	static JobSpec fromHook(const Hook& hook);
	/// Copies the fields above and the hook's HookExecution.

	Poco::JSON::Object::Ptr toJSON() const;
	/// Unset optional fields are null.

	static JobSpec fromJSON(const Poco::JSON::Object& obj);
	/// Throws Poco::DataFormatException when id or mode is missing or a field
	/// has the wrong type.
};

} // namespace Sygen

#endif // Sygen_Protocol_JobSpec_INCLUDED
