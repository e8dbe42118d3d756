//
// GateConnectionFactory.h
//

#ifndef Sygen_GateConnectionFactory_INCLUDED
#define Sygen_GateConnectionFactory_INCLUDED

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace Sygen {

class ConnectionGate;

class GateConnectionFactory: public Poco::Net::TCPServerConnectionFactory
	/// Creates a GateConnection for each connection the ConnectionGate hands to
	/// the dispatcher (the counterpart of Poco's HTTPServerConnectionFactory).
	/// Thread-safe.
{
public:
	GateConnectionFactory(ConnectionGate& gate, Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory);

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

private:
	ConnectionGate& _gate;
	Poco::Net::HTTPServerParams::Ptr _params;
	Poco::Net::HTTPRequestHandlerFactory::Ptr _factory;
};

} // namespace Sygen

#endif // Sygen_GateConnectionFactory_INCLUDED
