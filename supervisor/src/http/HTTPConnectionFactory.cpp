//
// HTTPConnectionFactory.cpp
//

#include "http/HTTPConnectionFactory.h"
#include "http/HTTPConnection.h"

namespace Sygen {

HTTPConnectionFactory::HTTPConnectionFactory(
	HTTPAcceptor& gate, Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory):
	_gate(gate),
	_params(params),
	_factory(factory)
{
}

Poco::Net::TCPServerConnection* HTTPConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
	return new HTTPConnection(socket, _gate, _params, _factory);
}

} // namespace Sygen
