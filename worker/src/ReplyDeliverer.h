//
// ReplyDeliverer.h
//
// Library: Sygen/worker
//
// Sends a wake reply to its chat by running sygen-webhook-deliver.
//

#ifndef Sygen_ReplyDeliverer_INCLUDED
#define Sygen_ReplyDeliverer_INCLUDED

#include "Sygen/Protocol/DeliveryRequest.h"
#include "WorkerSettings.h"
#include <Poco/Logger.h>
#include <string>
#include <vector>

namespace Sygen {

class ReplyDeliverer
/// Runs settings.deliverProgram with settings.deliverArguments, writes the
/// DeliveryRequest to its standard input and waits for it. The program sends
/// the message with the Telegram or Matrix transport (retries, 429 waits,
/// message splitting, logging with the hook and job ids) and exits 0 when
/// every part was accepted, 1 when not.
///
/// Why a program: TLS (libssl, libcrypto, Poco NetSSL, Crypto, Net) is about
/// 3.5 MiB of RSS, loaded for good by the first HTTPS request. A worker that
/// mostly idles should not carry it for the odd wake reply
/// (docs/DECISIONS.md, "The worker loads no TLS").
///
/// The program runs with the worker's identity and environment, in its own
/// process group (a signal meant for the worker's group does not cut a
/// message in half), and dies with the worker (parent-death signal). Its
/// standard error is the worker's, so its log lines go where the worker's go.
/// Thread-safe (no shared state).
{
public:
	explicit ReplyDeliverer(const WorkerSettings& settings);

	bool deliver(const DeliveryRequest& request) const;
	/// True when the program reported the message delivered. Never throws: a
	/// program that cannot be started or dies is logged and gives false.

private:
	bool write(int fd, const std::string& data) const;
	void log(Poco::Message::Priority prio, const DeliveryRequest& request, const std::string& text) const;

	std::string _program;
	std::vector<std::string> _arguments;
	Poco::Logger& _logger;
};

} // namespace Sygen

#endif // Sygen_ReplyDeliverer_INCLUDED
