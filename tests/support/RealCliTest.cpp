//
// RealCliTest.cpp
//

#include "RealCliTest.h"

namespace Sygen {
namespace Test {

void RealCliTest::tearDown()
{
	_cli.reset(); // the service first: its CLIs still talk to the stub.
	_stub.reset();
}

void RealCliTest::testBypassPermissionsSucceeds()
{
	if (_cli) checkModelRequest(_cli->checkSuccess("bypassPermissions"));
}

void RealCliTest::testDefaultPermissionModeSucceeds()
{
	if (_cli) checkModelRequest(_cli->checkSuccess("default"));
}

void RealCliTest::testSecondWakeResumesTheFirstSession()
{
	if (_cli) _cli->checkWakeResumes();
}

}
} // namespace Sygen::Test
