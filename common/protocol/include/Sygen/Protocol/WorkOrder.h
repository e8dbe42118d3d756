//
// WorkOrder.h
//
// Library: Sygen/Protocol
//
// What the supervisor sends a worker for one job (the "job" frame's body).
//

#ifndef Sygen_Protocol_WorkOrder_INCLUDED
#define Sygen_Protocol_WorkOrder_INCLUDED

#include "Sygen/Protocol/JobSpec.h"
#include <Poco/JSON/Object.h>
#include <string>

namespace Sygen {

struct WorkOrder
/// Everything a worker needs to run one job besides its own configuration:
/// the job spec taken from the hook at dispatch time (no secrets) and the
/// already rendered and wrapped prompt (SPEC §9 steps 1-3). Workers are stateless between orders.
{
	std::string jobId;
	JobSpec spec;
	std::string prompt;   ///< Wrapped text of SPEC §9 step 3 (no enrichment block yet).
	std::string queuedAt; ///< ISO-8601 UTC, when the request was accepted.

	Poco::JSON::Object::Ptr toJSON() const;
	static WorkOrder fromJSON(const Poco::JSON::Object& obj);
	/// Throws Poco::DataFormatException when a field is missing or of the wrong type.
};

} // namespace Sygen

#endif // Sygen_Protocol_WorkOrder_INCLUDED
