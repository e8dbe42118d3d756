//
// GateConnectionFactory.cpp
//

#include "http/GateConnectionFactory.h"
#include "http/GateConnection.h"

namespace Sygen {

GateConnectionFactory::GateConnectionFactory(ConnectionGate& gate, Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory):
	_gate(gate),
	_params(params),
	_factory(factory)
{
}

Poco::Net::TCPServerConnection* GateConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
	return new GateConnection(socket, _gate, _params, _factory);
}

} // namespace Sygen
