//
// WakeRunner.cpp
//

#include "WakeRunner.h"
#include "CliLauncher.h"
#include "CliProviders.h"
#include "DependencyLock.h"
#include "JobPipeline.h"
#include "ReplyDeliverer.h"
#include "SessionStore.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include "Sygen/Protocol/DeliveryMessage.h"
#include "Sygen/Protocol/JobStatus.h"
#include <Poco/File.h>

namespace Sygen {

namespace {

std::string tail(const std::string& text)
{
	// Enough of stderr to see why, without flooding the journal.
	return text.size() <= 500 ? text : "..." + text.substr(text.size() - 500);
}

} // namespace

WakeRunner::WakeRunner(const WorkerSettings& settings, const Clock& clock, const RetryPolicy& retry):
	_settings(settings),
	_clock(clock),
	_retry(retry),
	_logger(Poco::Logger::get("Sygen.WakeRunner"))
{
}

std::vector<WakeRunner::Chat> WakeRunner::chats() const
{
	std::vector<Chat> out;
	const DeliverySettings& d = _settings.delivery;
	if (d.telegramConfigured())
	{
		for (const std::string& id: d.allowedUserIds) out.push_back({"telegram", id, "telegram:" + id, "chat-" + id});
	}
	if (d.matrixConfigured())
	{
		for (const std::string& room: d.matrixRoomIds) out.push_back({"matrix", room, "matrix:" + room, "chat-matrix-" + room});
	}
	return out;
}

void WakeRunner::log(Poco::Message::Priority prio, const WorkOrder& order, const std::string& text) const
{
	Logging::log(_logger, prio, text, {{LogFields::HOOK_ID, order.spec.id}, {LogFields::JOB_ID, order.jobId}});
}

JobOutcome WakeRunner::run(const WorkOrder& order) const
{
	if (!_settings.delivery.telegramConfigured() && !_settings.delivery.matrixConfigured())
	{
		log(Poco::Message::PRIO_WARNING, order, "wake: no transport configured (telegram_token, webhooks.matrix)");
		return {JobStatus::ERROR_NO_WAKE_HANDLER, "", true};
	}
	JobPipeline::FolderGate workspace = [this, &order](const JobSpec&) {
		const std::string& path = _settings.paths.workspaceDir;
		Poco::File folder(path);
		if (folder.exists() && folder.isDirectory()) return JobPipeline::Folder{"", path};
		log(Poco::Message::PRIO_ERROR, order, "wake: workspace " + path + " is missing");
		return JobPipeline::Folder{JobStatus::ERROR_FOLDER_MISSING, ""};
	};
	JobOutcome outcome = JobPipeline(_settings, _clock).run(order, workspace, [&](const std::string& path, const ExecutionConfig& config) {
		return runChats(order, config, path);
	});
	// Replies went to the chats: a wake result is never broadcast again.
	outcome.delivered = true;
	return outcome;
}

JobOutcome WakeRunner::runChats(const WorkOrder& order, const ExecutionConfig& config, const std::string& workspace) const
{
	std::vector<std::string> replies;
	for (const Chat& chat: chats())
	{
		std::optional<std::string> reply;
		try
		{
			reply = runChat(order, config, chat, workspace);
		}
		catch (Poco::Exception& exc)
		{
			log(Poco::Message::PRIO_ERROR, order, "wake: " + chat.key + " failed: " + exc.displayText());
		}
		catch (std::exception& exc)
		{
			log(Poco::Message::PRIO_ERROR, order, "wake: " + chat.key + " failed: " + exc.what());
		}
		if (reply) replies.push_back(*reply);
	}
	if (replies.empty()) return {JobStatus::ERROR_NO_RESPONSE, ""};
	std::string text;
	for (const std::string& reply: replies) text += (text.empty() ? "" : "\n\n") + reply;
	return {JobStatus::SUCCESS, text};
}

std::optional<std::string> WakeRunner::runChat(
	const WorkOrder& order, const ExecutionConfig& config, const Chat& chat, const std::string& workspace) const
{
	DependencyLock lock(JobPipeline(_settings, _clock).locksDir(), chat.lockName);
	SessionStore sessions(_settings.paths.stateDir + "/sessions.json", _clock);
	const CliProvider& cli = config.cliProvider();
	const std::string provider = cli.name();
	std::optional<std::string> session = sessions.get(chat.key, provider);

	Turn turn = runTurn(cli.wakeCommand(config, order.prompt, session.value_or("")), workspace);
	if (!turn.ok && session && turn.unknownSession)
	{
		log(Poco::Message::PRIO_WARNING, order,
			"wake: " + provider + " no longer knows session " + *session + " of " + chat.key + "; starting a new one");
		sessions.forget(chat.key, provider);
		turn = runTurn(cli.wakeCommand(config, order.prompt, ""), workspace);
	}
	if (!turn.ok)
	{
		log(Poco::Message::PRIO_WARNING, order, "wake: " + chat.key + ": " + turn.failure);
		return std::nullopt;
	}
	if (!turn.sessionId.empty() && turn.sessionId != session.value_or(""))
	{
		sessions.set(chat.key, provider, turn.sessionId);
	}
	else if (turn.sessionId.empty())
	{
		log(Poco::Message::PRIO_WARNING, order,
			"wake: " + provider + " reported no session id for " + chat.key + "; the next wake starts a new conversation");
	}
	if (turn.reply.empty())
	{
		log(Poco::Message::PRIO_INFORMATION, order, "wake: " + chat.key + ": empty reply");
		return std::nullopt;
	}
	if (DeliveryMessage::isSilent(turn.reply))
	{
		log(Poco::Message::PRIO_INFORMATION, order, "wake: " + chat.key + ": [SILENT] reply, not sent");
	}
	else if (!deliver(order, chat, turn.reply))
	{
		log(Poco::Message::PRIO_ERROR, order, "wake: reply to " + chat.key + " not delivered");
	}
	return turn.reply;
}

bool WakeRunner::deliver(const WorkOrder& order, const Chat& chat, const std::string& reply) const
{
	DeliveryRequest request;
	request.transport = chat.transport;
	request.chatId = chat.id;
	request.text = reply;
	request.hookId = order.spec.id;
	request.jobId = order.jobId;
	request.delivery = _settings.delivery;
	request.retry = _retry;
	return ReplyDeliverer(_settings).deliver(request);
}

WakeRunner::Turn WakeRunner::runTurn(const CliCommand& command, const std::string& workspace) const
{
	Turn turn;
	CliLaunch launch = CliLauncher(_settings).launch(command, workspace);
	if (!launch.found)
	{
		turn.failure = command.provider + " CLI not found";
		return turn;
	}
	const CliOutcome& outcome = launch.outcome;
	const CliProvider& cli = CliProviders::find(command.provider);
	if (outcome.timedOut)
	{
		turn.failure =
			command.provider + " timed out after " + std::to_string(_settings.cliTimeoutSeconds) + "s; stderr: " + tail(outcome.stderrTail);
		return turn;
	}
	if (!outcome.status.success())
	{
		turn.unknownSession = cli.isUnknownSession(outcome.stdoutText, outcome.stderrTail);
		turn.failure = command.provider + " ended with " + outcome.status.toString() + "; stderr: " + tail(outcome.stderrTail);
		return turn;
	}
	turn.ok = true;
	turn.reply = cli.parseOutput(outcome.stdoutText, outcome.stderrTail, outcome.status.code());
	turn.sessionId = cli.sessionId(outcome.stdoutText, outcome.stderrTail);
	return turn;
}

} // namespace Sygen
