//
// RequestHeadTest.cpp
//

#include "http/RequestHead.h"
#include <cppunit/extensions/HelperMacros.h>
#include <string>

using Sygen::RequestHead;

namespace {

RequestHead::Scan scan(const std::string& bytes, std::size_t headLimit = 1024, std::size_t handOffLimit = 2048)
{
	return RequestHead::scan(bytes.data(), bytes.size(), headLimit, handOffLimit);
}

} // namespace

class RequestHeadTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RequestHeadTest);
	CPPUNIT_TEST(testCompleteHeadIsReady);
	CPPUNIT_TEST(testPartialHeadIsIncomplete);
	CPPUNIT_TEST(testBareLineFeedsEndTheHead);
	CPPUNIT_TEST(testLeadingBlankLinesAreSkipped);
	CPPUNIT_TEST(testHeadOverTheLimitIsTooLarge);
	CPPUNIT_TEST(testHeadOfExactlyTheLimitIsReady);
	CPPUNIT_TEST(testNonTokenMethodIsMalformedAtOnce);
	CPPUNIT_TEST(testControlBytesAreMalformed);
	CPPUNIT_TEST(testBodyStillOnItsWayIsPending);
	CPPUNIT_TEST(testNonAsciiHeaderValueIsAllowed);
	CPPUNIT_TEST(testSmallAnnouncedBodyIsAwaited);
	CPPUNIT_TEST(testLargeOrChunkedBodyIsLeftToThePool);
	CPPUNIT_TEST(testExpectContinueIsNotAwaited);
	CPPUNIT_TEST_SUITE_END();

public:
	void testCompleteHeadIsReady()
	{
		RequestHead::Scan s = scan("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(s.state));
		CPPUNIT_ASSERT_EQUAL(std::size_t(33), s.headSize);
	}

	void testPartialHeadIsIncomplete()
	{
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::INCOMPLETE), int(scan("GET /health HTTP/1.1\r\nHost: x\r\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::INCOMPLETE), int(scan("GE").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::INCOMPLETE), int(scan("").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::INCOMPLETE), int(scan("GET /health HTTP/1.1\r\n\r").state));
	}

	void testBareLineFeedsEndTheHead()
	{
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(scan("GET / HTTP/1.0\n\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(scan("GET / HTTP/1.0\nHost: x\n\r\n").state));
	}

	void testLeadingBlankLinesAreSkipped()
	{
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(scan("\r\n\r\nGET / HTTP/1.1\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::INCOMPLETE), int(scan("\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::TOO_LARGE), int(scan(std::string(2000, '\n')).state));
	}

	void testHeadOverTheLimitIsTooLarge()
	{
		std::string head = "GET /" + std::string(1100, 'a');
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::TOO_LARGE), int(scan(head).state));
		std::string headers = "GET / HTTP/1.1\r\nX-A: " + std::string(1100, 'a') + "\r\n\r\n";
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::TOO_LARGE), int(scan(headers).state));
	}

	void testHeadOfExactlyTheLimitIsReady()
	{
		std::string prefix = "GET / HTTP/1.1\r\nX-A: ";
		std::string head = prefix + std::string(1024 - prefix.size() - 4, 'a') + "\r\n\r\n";
		CPPUNIT_ASSERT_EQUAL(std::size_t(1024), head.size());
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(scan(head).state));
		std::string longer = prefix + std::string(1024 - prefix.size() - 3, 'a') + "\r\n\r\n";
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::TOO_LARGE), int(scan(longer).state));
	}

	void testNonTokenMethodIsMalformedAtOnce()
	{
		// A TLS ClientHello on the plain port.
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::MALFORMED), int(scan(std::string("\x16\x03\x01\x02\x00", 5)).state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::MALFORMED), int(scan(" GET / HTTP/1.1\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::MALFORMED), int(scan("GE(T / HTTP/1.1\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::MALFORMED), int(scan(std::string(40, 'A') + " / HTTP/1.1\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::MALFORMED), int(scan(std::string(40, 'A')).state));
	}

	void testControlBytesAreMalformed()
	{
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::MALFORMED), int(scan(std::string("GET /he\0alth HTTP/1.1\r\n\r\n", 26)).state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::MALFORMED), int(scan("GET / HTTP/1.1\r\nX: a\x01\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::MALFORMED), int(scan("GET / HTTP/1.1\r\nX: a\x7f").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(scan("GET / HTTP/1.1\r\nX: a\tb\r\n\r\n").state));
	}

	void testNonAsciiHeaderValueIsAllowed()
	{
		// obs-text: the handlers answer it (401 from auth), not the gate.
		CPPUNIT_ASSERT_EQUAL(
			int(RequestHead::READY), int(scan("POST /hooks/a HTTP/1.1\r\nAuthorization: Bearer \xc3\xa9\xff\r\n\r\n").state));
	}

	void testSmallAnnouncedBodyIsAwaited()
	{
		std::string head = "POST /hooks/a HTTP/1.1\r\ncontent-LENGTH:  5 \r\n\r\n";
		RequestHead::Scan s = scan(head + "{}");
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::INCOMPLETE), int(s.state));
		CPPUNIT_ASSERT_EQUAL(head.size(), s.headSize);
		CPPUNIT_ASSERT_EQUAL(head.size() + 5, s.needed);
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(scan(head + "{\"a\"}").state));
	}

	void testLargeOrChunkedBodyIsLeftToThePool()
	{
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(scan("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(scan("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(
			int(RequestHead::READY), int(scan("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(scan("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(int(RequestHead::READY), int(scan("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n").state));
		CPPUNIT_ASSERT_EQUAL(
			int(RequestHead::READY), int(scan("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n").state));
	}

	void testBodyStillOnItsWayIsPending()
	{
		// What the gate rations: a body the pool would have to wait for.
		CPPUNIT_ASSERT(scan("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n").bodyPending);
		CPPUNIT_ASSERT(scan("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n").bodyPending);
		CPPUNIT_ASSERT(!scan("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").bodyPending);
		CPPUNIT_ASSERT(!scan("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x')).bodyPending);
		CPPUNIT_ASSERT(!scan("GET / HTTP/1.1\r\nHost: x\r\n\r\n").bodyPending);
		CPPUNIT_ASSERT(!scan("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").bodyPending);
		// A small body is awaited by the gate itself: never pending once READY.
		CPPUNIT_ASSERT(!scan("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}").bodyPending);
	}

	void testExpectContinueIsNotAwaited()
	{
		// The client waits for 100 Continue, which only the pool sends.
		CPPUNIT_ASSERT_EQUAL(
			int(RequestHead::READY), int(scan("POST / HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n").state));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestHeadTest);
