//
// HTTPConnectionFactory.h
//

#ifndef Sygen_HTTPConnectionFactory_INCLUDED
#define Sygen_HTTPConnectionFactory_INCLUDED

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace Sygen {

class HTTPAcceptor;

class HTTPConnectionFactory: public Poco::Net::TCPServerConnectionFactory
/// Creates a HTTPConnection for each connection the HTTPAcceptor hands to
/// the dispatcher (the counterpart of Poco's HTTPServerConnectionFactory).
/// Thread-safe.
{
public:
	HTTPConnectionFactory(HTTPAcceptor& gate, Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory);

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

private:
	HTTPAcceptor& _gate;
	Poco::Net::HTTPServerParams::Ptr _params;
	Poco::Net::HTTPRequestHandlerFactory::Ptr _factory;
};

} // namespace Sygen

#endif // Sygen_HTTPConnectionFactory_INCLUDED
