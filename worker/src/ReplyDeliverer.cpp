//
// ReplyDeliverer.cpp
//

#include "ReplyDeliverer.h"
#include "SigpipeBlock.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include "Sygen/Foundation/ProcessSpawner.h"
#include <cerrno>
#include <csignal>
#include <cstring>
#include <unistd.h>

namespace Sygen {

ReplyDeliverer::ReplyDeliverer(const WorkerSettings& settings):
	_program(settings.deliverProgram),
	_arguments(settings.deliverArguments),
	_logger(Poco::Logger::get("Sygen.ReplyDeliverer"))
{
}

bool ReplyDeliverer::deliver(const DeliveryRequest& request) const
{
	if (_program.empty())
	{
		log(Poco::Message::PRIO_ERROR, request, "no sygen-webhook-deliver program configured");
		return false;
	}
	SpawnOptions options;
	options.executable = _program;
	options.argv = {_program};
	options.argv.insert(options.argv.end(), _arguments.begin(), _arguments.end());
	options.newProcessGroup = true;
	options.parentDeathSignal = SIGKILL;
	options.stdinMode = SpawnOptions::Input::PIPE;
	options.stdoutMode = SpawnOptions::Output::DEV_NULL;
	options.stderrMode = SpawnOptions::Output::INHERIT;
	SpawnedProcess child;
	try
	{
		child = ProcessSpawner::spawn(options);
	}
	catch (Poco::Exception& e)
	{
		log(Poco::Message::PRIO_ERROR, request, "cannot start " + _program + ": " + e.displayText());
		return false;
	}
	// The program reads all of its input before it does anything, so a plain
	// blocking write cannot deadlock; a program that died early gives EPIPE.
	bool written = write(child.stdinFd, JSONFields::compact(request.toJSON()));
	ProcessSpawner::closeDescriptor(child.stdinFd);
	ProcessStatus status;
	try
	{
		status = ProcessSpawner::wait(child.pid);
	}
	catch (Poco::Exception& e)
	{
		log(Poco::Message::PRIO_ERROR, request, "lost " + _program + ": " + e.displayText());
		return false;
	}
	if (status.success()) return true;
	// Exit 1 is "not delivered", already logged by the program with the reason.
	if (!(status.exited && status.exitCode == 1) || !written)
	{
		log(Poco::Message::PRIO_ERROR, request,
			_program + " ended with " + status.toString() + (written ? "" : " before reading the message"));
	}
	return false;
}

void ReplyDeliverer::log(Poco::Message::Priority prio, const DeliveryRequest& request, const std::string& text) const
{
	Logging::log(_logger, prio, text, {{LogFields::HOOK_ID, request.hookId}, {LogFields::JOB_ID, request.jobId}});
}

bool ReplyDeliverer::write(int fd, const std::string& data) const
{
	SigpipeBlock block;
	std::size_t done = 0;
	while (done < data.size())
	{
		ssize_t n = ::write(fd, data.data() + done, data.size() - done);
		if (n < 0)
		{
			if (errno == EINTR) continue;
			return false;
		}
		done += static_cast<std::size_t>(n);
	}
	return true;
}

} // namespace Sygen
