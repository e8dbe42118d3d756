//
// WorkerFrame.cpp
//

#include "Sygen/Protocol/WorkerFrame.h"
#include "Sygen/Foundation/JSONFields.h"
#include <Poco/Exception.h>
#include <utility>

namespace Sygen {

namespace {

// The one table of type names: both ends encode and decode through it.
const std::pair<FrameType, const char*> TYPE_NAMES[] = {
	{FrameType::HELLO, "hello"},
	{FrameType::WELCOME, "welcome"},
	{FrameType::REJECT, "reject"},
	{FrameType::HEARTBEAT, "heartbeat"},
	{FrameType::JOB, "job"},
	{FrameType::STARTED, "started"},
	{FrameType::RESULT, "result"},
	{FrameType::DRAIN, "drain"},
	{FrameType::DRAINING, "draining"},
};

} // namespace

FrameType WorkerFrame::typeOf(const Poco::JSON::Object& frame)
{
	const std::string type = JSONFields::requireString(frame, "type");
	for (const auto& entry: TYPE_NAMES)
		if (type == entry.second) return entry.first;
	return FrameType::UNKNOWN;
}

std::string WorkerFrame::typeName(const Poco::JSON::Object& frame)
{
	try
	{
		return JSONFields::string(frame, "type", "");
	}
	catch (Poco::DataFormatException&)
	{
		return "";
	}
}

const char* WorkerFrame::nameOf(FrameType type)
{
	for (const auto& entry: TYPE_NAMES)
		if (type == entry.first) return entry.second;
	return "unknown";
}

Poco::JSON::Object::Ptr WorkerFrame::frameOf(FrameType type)
{
	Poco::JSON::Object::Ptr frame = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	frame->set("type", std::string(nameOf(type)));
	return frame;
}

Poco::JSON::Object::Ptr WorkerFrame::body(const Poco::JSON::Object& frame, const std::string& key)
{
	Poco::JSON::Object::Ptr obj = JSONFields::object(frame, key);
	if (!obj) throw Poco::DataFormatException(key + ": missing");
	return obj;
}

Poco::JSON::Object::Ptr WorkerFrame::hello(const Hello& hello)
{
	Poco::JSON::Object::Ptr frame = frameOf(FrameType::HELLO);
	frame->set("worker_id", hello.workerId);
	frame->set("pid", hello.pid);
	frame->set("version", hello.version);
	return frame;
}

WorkerFrame::Hello WorkerFrame::decodeHello(const Poco::JSON::Object& frame)
{
	Hello hello;
	hello.workerId = static_cast<int>(JSONFields::integer(frame, "worker_id", 0));
	hello.pid = static_cast<int>(JSONFields::integer(frame, "pid", 0));
	hello.version = JSONFields::string(frame, "version");
	return hello;
}

Poco::JSON::Object::Ptr WorkerFrame::welcome(Poco::Int64 heartbeatIntervalMs)
{
	Poco::JSON::Object::Ptr frame = frameOf(FrameType::WELCOME);
	frame->set("heartbeat_interval_ms", heartbeatIntervalMs);
	return frame;
}

Poco::Int64 WorkerFrame::decodeWelcome(const Poco::JSON::Object& frame)
{
	return JSONFields::integer(frame, "heartbeat_interval_ms", 1000);
}

Poco::JSON::Object::Ptr WorkerFrame::reject(const std::string& reason)
{
	Poco::JSON::Object::Ptr frame = frameOf(FrameType::REJECT);
	frame->set("reason", reason);
	return frame;
}

std::string WorkerFrame::decodeReject(const Poco::JSON::Object& frame)
{
	return JSONFields::string(frame, "reason", "");
}

Poco::JSON::Object::Ptr WorkerFrame::heartbeat(const Heartbeat& beat)
{
	Poco::JSON::Object::Ptr frame = frameOf(FrameType::HEARTBEAT);
	frame->set("worker_id", beat.workerId);
	frame->set("busy", beat.busy);
	if (!beat.jobId.empty()) frame->set("job_id", beat.jobId);
	return frame;
}

WorkerFrame::Heartbeat WorkerFrame::decodeHeartbeat(const Poco::JSON::Object& frame)
{
	Heartbeat beat;
	beat.workerId = static_cast<int>(JSONFields::integer(frame, "worker_id", 0));
	beat.busy = JSONFields::boolean(frame, "busy", false);
	beat.jobId = JSONFields::string(frame, "job_id", "");
	return beat;
}

Poco::JSON::Object::Ptr WorkerFrame::job(const WorkOrder& order)
{
	Poco::JSON::Object::Ptr frame = frameOf(FrameType::JOB);
	frame->set("order", order.toJSON());
	return frame;
}

WorkOrder WorkerFrame::decodeJob(const Poco::JSON::Object& frame)
{
	return WorkOrder::fromJSON(*body(frame, "order"));
}

std::string WorkerFrame::jobIdOf(const Poco::JSON::Object& frame)
{
	try
	{
		Poco::JSON::Object::Ptr order = JSONFields::object(frame, "order");
		return order ? JSONFields::string(*order, "job_id", "") : "";
	}
	catch (Poco::DataFormatException&)
	{
		return "";
	}
}

std::string WorkerFrame::decodeStarted(const Poco::JSON::Object& frame)
{
	return JSONFields::string(frame, "job_id", "");
}

Poco::JSON::Object::Ptr WorkerFrame::result(const WebhookResult& result)
{
	Poco::JSON::Object::Ptr frame = frameOf(FrameType::RESULT);
	frame->set("result", result.toJSON());
	return frame;
}

WebhookResult WorkerFrame::decodeResult(const Poco::JSON::Object& frame)
{
	return WebhookResult::fromJSON(*body(frame, "result"));
}

Poco::JSON::Object::Ptr WorkerFrame::drain()
{
	return frameOf(FrameType::DRAIN);
}

Poco::JSON::Object::Ptr WorkerFrame::draining()
{
	return frameOf(FrameType::DRAINING);
}

} // namespace Sygen
