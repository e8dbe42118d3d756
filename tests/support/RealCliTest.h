//
// RealCliTest.h
//
// The base of the realcli suites (RealClaudeTest, RealCodexTest, RealGeminiTest):
// the tests every real CLI passes the same way. A subclass's setUp creates _stub and
// _cli (or neither, when its CLI is not installed: then every test returns at once,
// after RealCliFixture::missing printed why) and adds its error tests.
//

#ifndef Sygen_RealCliTest_INCLUDED
#define Sygen_RealCliTest_INCLUDED

#include "ModelAPIStub.h"
#include "RealCliFixture.h"
#include <cppunit/extensions/HelperMacros.h>
#include <memory>

namespace Sygen {
namespace Test {

class RealCliTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RealCliTest);
	CPPUNIT_TEST(testBypassPermissionsSucceeds);
	CPPUNIT_TEST(testDefaultPermissionModeSucceeds);
	CPPUNIT_TEST(testSecondWakeResumesTheFirstSession);
	CPPUNIT_TEST_SUITE_END_ABSTRACT();

public:
	void tearDown() override;

	void testBypassPermissionsSucceeds();
	void testDefaultPermissionModeSucceeds();
	void testSecondWakeResumesTheFirstSession();

protected:
	virtual void checkModelRequest(const RecordedRequest& request) = 0;
	/// What the CLI's model request must also carry (its key, its endpoint).

	std::unique_ptr<ModelAPIStub> _stub;
	std::unique_ptr<RealCliFixture> _cli;
};

}
} // namespace Sygen::Test

#endif // Sygen_RealCliTest_INCLUDED
