//
// TestWorker.cpp — sygen-test-worker
//
// The real WorkerApp (protocol, heartbeats, drain, signals) with a scripted job
// handler instead of JobRunner, so pool tests control how long a job takes and
// how a worker dies. The job's prompt is the script:
//   "sleep MS"   sleep, then succeed
//   "exit CODE"  _exit(CODE) in the middle of the job
//   "hang"       stop heartbeating and never answer (SIGSTOP self)
//   anything else: succeed at once
// The result text is "<start µs> <end µs> <pid>".
//

#include "WorkerApp.h"
#include <Poco/Timestamp.h>
#include <csignal>
#include <iostream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace {

class ScriptHandler: public Sygen::JobHandler
{
public:
	Sygen::WebhookResult handle(const Sygen::WorkOrder& order) override
	{
		Poco::Timestamp start;
		std::istringstream in(order.prompt);
		std::string command;
		in >> command;
		if (command == "sleep")
		{
			int ms = 0;
			in >> ms;
			std::this_thread::sleep_for(std::chrono::milliseconds(ms));
		}
		else if (command == "exit")
		{
			int code = 0;
			in >> code;
			::_exit(code);
		}
		else if (command == "hang")
		{
			::raise(SIGSTOP);
		}
		Sygen::WebhookResult result;
		result.status = "success";
		result.resultText = std::to_string(start.epochMicroseconds()) + " " + std::to_string(Poco::Timestamp().epochMicroseconds()) + " " +
			std::to_string(::getpid());
		return result;
	}
};

} // namespace

int main(int argc, char** argv)
{
	Sygen::WorkerApp app([](const Sygen::WorkerSettings&) { return std::unique_ptr<Sygen::JobHandler>(new ScriptHandler); });
	return app.run(argc, argv);
}
