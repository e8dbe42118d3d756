//
// WebhookServer.h
//
// The sygen-webhookd application: start-up, signals, shutdown.
//

#ifndef Sygen_WebhookServer_INCLUDED
#define Sygen_WebhookServer_INCLUDED

#include <Poco/Util/ServerApplication.h>

namespace Sygen {

class WebhookServer: public Poco::Util::ServerApplication
{
protected:
	int main(const std::vector<std::string>& args) override;
};

} // namespace Sygen

#endif // Sygen_WebhookServer_INCLUDED
