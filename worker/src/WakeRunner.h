//
// WakeRunner.h
//
// Library: Sygen/worker
//
// One wake job (SPEC §11): for each chat in order, the agent continues that
// chat's session in the main workspace and its reply is delivered to the chat.
//

#ifndef Sygen_WakeRunner_INCLUDED
#define Sygen_WakeRunner_INCLUDED

#include "CliCommand.h"
#include "CliRunner.h"
#include "ExecutionConfig.h"
#include "JobOutcome.h"
#include "Sygen/Foundation/Clock.h"
#include "Sygen/Foundation/RetryPolicy.h"
#include "Sygen/Protocol/DeliverySettings.h"
#include "Sygen/Protocol/WorkOrder.h"
#include "WorkerSettings.h"
#include <Poco/Logger.h>
#include <optional>
#include <string>
#include <vector>

namespace Sygen {


class WakeRunner
/// The chats are the allowed_user_ids, in order, when a Telegram bot token is
/// set, then each configured Matrix room ([beyond]: one session per room, the
/// room being a chat of its own). For each chat:
///   1. the per-chat OS lock <state>/locks/chat-<id>.lock (matrix rooms:
///      chat-matrix-<room id>, percent-encoded as DependencyLock does), so two
///      wakes never interleave in one conversation;
///   2. the resolved provider (hook's or config's, as for cron_task) runs in
///      paths.workspaceDir with the cron_task sandbox (the workspace is its
///      writable folder), given the wrapped prompt and the chat's session from
///      SessionStore (<state>/sessions.json, keyed "telegram:<id>" /
///      "matrix:<room>" and provider); a resume the CLI rejects as unknown is
///      forgotten and the turn rerun once without it;
///   3. on exit 0 the session id the CLI reports is stored and a non-empty reply
///      is delivered to that chat by sygen-webhook-deliver (ReplyDeliverer; the
///      retry policy travels with it, its sleep function does not), still under
///      the chat lock (a reply starting with [SILENT] counts as a reply but is
///      not sent). Any failure (exit, timeout, CLI missing,
///      delivery) is logged with the hook and job ids and the next chat runs.
///
/// Before the chats: no transport configured gives error:no_wake_handler; then
/// the JobPipeline gates cron_task passes too: the hook's dependency lock, its
/// quiet hours (skipped:quiet_hours), a missing workspace (error:folder_missing)
/// and an invalid model (error:invalid_model).
///
/// Result: success with the non-empty replies joined by a blank line, else
/// error:no_response (also when there is no chat). delivered is always true: a
/// wake result is never broadcast again. Thread-safe (no shared state).
{
public:
	WakeRunner(const WorkerSettings& settings, const Clock& clock = Clock::system(), const RetryPolicy& retry = RetryPolicy());

	JobOutcome run(const WorkOrder& order) const;
	/// Throws only on unexpected failures before the chats (the caller maps them
	/// to error:exception).

	struct Chat
	{
		std::string transport; ///< "telegram" or "matrix".
		std::string id;        ///< chat id or room id.
		std::string key;       ///< "<transport>:<id>", the session key.
		std::string lockName;  ///< "chat-<id>" or "chat-matrix-<room id>".
	};

	std::vector<Chat> chats() const;
	/// The chats of the delivery settings, in order.

private:
	struct Turn
	{
		bool ok = false;
		std::string reply;
		std::string sessionId;
		std::string failure; ///< for the log.
		bool unknownSession = false;
	};

	JobOutcome runChats(const WorkOrder& order, const ExecutionConfig& config, const std::string& workspace) const;
	std::optional<std::string> runChat(
		const WorkOrder& order, const ExecutionConfig& config, const Chat& chat, const std::string& workspace) const;
	Turn runTurn(const CliCommand& command, const std::string& workspace) const;
	bool deliver(const WorkOrder& order, const Chat& chat, const std::string& reply) const;
	void log(Poco::Message::Priority prio, const WorkOrder& order, const std::string& text) const;

	WorkerSettings _settings;
	const Clock& _clock;
	RetryPolicy _retry;
	Poco::Logger& _logger;
};

} // namespace Sygen

#endif // Sygen_WakeRunner_INCLUDED
