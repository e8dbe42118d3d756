//
// WorkerFrame.h
//
// Library: Sygen/Protocol
//
// The frames between the supervisor and a worker: one encoder and one decoder
// per frame type (docs/ARCHITECTURE.md, "Worker protocol").
//

#ifndef Sygen_Protocol_WorkerFrame_INCLUDED
#define Sygen_Protocol_WorkerFrame_INCLUDED

#include "Sygen/Protocol/WebhookResult.h"
#include "Sygen/Protocol/WorkOrder.h"
#include <Poco/JSON/Object.h>
#include <Poco/Types.h>
#include <string>

namespace Sygen {

enum class FrameType
/// The "type" of a frame.
{
	HELLO,     ///< worker → supervisor: {worker_id, pid, version}, the first frame.
	WELCOME,   ///< supervisor → worker: {heartbeat_interval_ms}.
	REJECT,    ///< supervisor → worker: {reason}; the supervisor closes.
	HEARTBEAT, ///< worker → supervisor: {worker_id, busy, job_id?}.
	JOB,       ///< supervisor → worker: {order: WorkOrder}.
	STARTED,   ///< worker → supervisor: {job_id}; sent by earlier workers, ignored.
	RESULT,    ///< worker → supervisor: {result: WebhookResult}.
	DRAIN,     ///< supervisor → worker: finish the job in hand, then exit 0.
	DRAINING,  ///< worker → supervisor: it got SIGTERM; send it nothing more.
	UNKNOWN    ///< A type this version does not know (logged and ignored).
};

class WorkerFrame
/// Encodes and decodes the frames of the worker protocol. Every frame is a
/// JSON object with a "type"; the rest depends on the type. Decoders throw
/// Poco::DataFormatException when a required field is missing or of the
/// wrong type.
{
public:
	struct Hello
	{
		int workerId = 0;
		int pid = 0;
		std::string version;
	};

	struct Heartbeat
	{
		int workerId = 0;
		bool busy = false;
		std::string jobId; ///< Empty when idle.
	};

	static FrameType typeOf(const Poco::JSON::Object& frame);
	/// The frame's type; UNKNOWN for a type this version does not know.
	/// Throws Poco::DataFormatException when "type" is missing or not a string.

	static std::string typeName(const Poco::JSON::Object& frame);
	/// The "type" string as sent, or "" when missing (for log lines).

	static const char* nameOf(FrameType type);

	static Poco::JSON::Object::Ptr hello(const Hello& hello);
	static Hello decodeHello(const Poco::JSON::Object& frame);

	static Poco::JSON::Object::Ptr welcome(Poco::Int64 heartbeatIntervalMs);
	static Poco::Int64 decodeWelcome(const Poco::JSON::Object& frame);
	/// heartbeat_interval_ms (1000 when absent).

	static Poco::JSON::Object::Ptr reject(const std::string& reason);
	static std::string decodeReject(const Poco::JSON::Object& frame);

	static Poco::JSON::Object::Ptr heartbeat(const Heartbeat& beat);
	static Heartbeat decodeHeartbeat(const Poco::JSON::Object& frame);

	static Poco::JSON::Object::Ptr job(const WorkOrder& order);
	static WorkOrder decodeJob(const Poco::JSON::Object& frame);

	static std::string jobIdOf(const Poco::JSON::Object& frame);
	/// The job id of a job frame even when the rest of its order is
	/// unreadable; "" when there is none.

	static std::string decodeStarted(const Poco::JSON::Object& frame);
	/// job_id ("" when absent).

	static Poco::JSON::Object::Ptr result(const WebhookResult& result);
	static WebhookResult decodeResult(const Poco::JSON::Object& frame);

	static Poco::JSON::Object::Ptr drain();
	static Poco::JSON::Object::Ptr draining();

private:
	static Poco::JSON::Object::Ptr frameOf(FrameType type);
	static Poco::JSON::Object::Ptr body(const Poco::JSON::Object& frame, const std::string& key);
};

} // namespace Sygen

#endif // Sygen_Protocol_WorkerFrame_INCLUDED
