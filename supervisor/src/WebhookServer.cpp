#include "WebhookServer.h"

namespace Sygen {

int WebhookServer::main(const std::vector<std::string>&)
{
	return EXIT_OK;
}

} // namespace Sygen
