//
// DeliverApp.h
//
// Library: Sygen/deliver
//
// The sygen-webhook-deliver application.
//

#ifndef Sygen_DeliverApp_INCLUDED
#define Sygen_DeliverApp_INCLUDED

#include "Sygen/Protocol/DeliveryRequest.h"
#include <istream>
#include <string>

namespace Sygen {

class DeliverApp
/// Reads one DeliveryRequest (a JSON object) from standard input to its end,
/// sends the text with TelegramTransport or MatrixTransport under the
/// request's retry policy, and exits. Started by a worker for each wake reply
/// (ReplyDeliverer): the worker links no TLS, this program does, and lives
/// only as long as one message (docs/DECISIONS.md, "The worker loads no TLS").
///
/// Exit codes: 0 delivered (every part accepted); 1 not delivered (each
/// failure is logged with the hook and job ids, secrets masked); 64 usage
/// (unknown option, bad --log or --log-level); 65 the request is unreadable;
/// 70 an unexpected failure.
///
/// Options: --help, --version, --log auto|journald|stderr (default auto),
/// --log-level LEVEL (default information), --worker-id N (the WORKER_ID
/// field of its log lines). Log lines carry the identifier
/// sygen-webhook-deliver.
{
public:
	enum ExitCode
	{
		EXIT_OK = 0,
		EXIT_NOT_DELIVERED = 1,
		EXIT_USAGE = 64,
		EXIT_DATAERR = 65,
		EXIT_SOFTWARE = 70
	};

	static constexpr std::size_t MAX_REQUEST_BYTES = 16u << 20;
	/// A longer input is refused (65): a reply is at most the CLI's stdout limit.

	int run(int argc, char** argv);
	/// Never throws.

	static bool send(const DeliveryRequest& request);
	/// Sends request with its transport; never throws.

private:
	int deliver(std::istream& in);
};

} // namespace Sygen

#endif // Sygen_DeliverApp_INCLUDED
