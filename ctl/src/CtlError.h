//
// CtlError.h
//
// The exceptions of sygen-webhookctl that decide its exit code (CtlApp::run()).
//

#ifndef Sygen_CtlError_INCLUDED
#define Sygen_CtlError_INCLUDED

#include <Poco/Exception.h>
#include <string>

namespace Sygen {

class CtlError: public Poco::Exception
/// The supervisor answered with an error, or an operation failed (exit 1).
{
public:
	explicit CtlError(const std::string& message):
		Poco::Exception(message)
	{
	}
};

class UsageError: public Poco::Exception
/// The command line is wrong (exit 2).
{
public:
	explicit UsageError(const std::string& message):
		Poco::Exception(message)
	{
	}
};

class SupervisorUnreachable: public Poco::IOException
/// The admin socket exists but cannot be used, or the supervisor did not answer
/// (exit 69).
{
public:
	SupervisorUnreachable(const std::string& message, const std::string& detail = ""):
		Poco::IOException(message, detail)
	{
	}
};

class SupervisorNotRunning: public SupervisorUnreachable
/// Nobody listens on the admin socket (no socket file, or connection refused):
/// hook and token commands then work on the files themselves (exit 69 for the
/// commands that need a running supervisor).
{
public:
	SupervisorNotRunning(const std::string& message, const std::string& detail = ""):
		SupervisorUnreachable(message, detail)
	{
	}
};

} // namespace Sygen

#endif // Sygen_CtlError_INCLUDED
