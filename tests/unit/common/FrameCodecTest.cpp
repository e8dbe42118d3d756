//
// FrameCodecTest.cpp
//

#include "Sygen/Protocol/FrameCodec.h"
#include <Poco/JSON/Object.h>
#include <cppunit/extensions/HelperMacros.h>

using Sygen::FrameCodec;
using Sygen::FrameException;
using Sygen::FrameTooLargeException;

namespace {

std::string header(std::size_t n)
{
	std::string h;
	h.push_back(static_cast<char>((n >> 24) & 0xFF));
	h.push_back(static_cast<char>((n >> 16) & 0xFF));
	h.push_back(static_cast<char>((n >> 8) & 0xFF));
	h.push_back(static_cast<char>(n & 0xFF));
	return h;
}

std::string rawFrame(const std::string& payload)
{
	return header(payload.size()) + payload;
}

Poco::JSON::Object::Ptr object(const std::string& key, const std::string& value)
{
	Poco::JSON::Object::Ptr obj = new Poco::JSON::Object;
	obj->set(key, value);
	return obj;
}

} // namespace

class FrameCodecTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(FrameCodecTest);
	CPPUNIT_TEST(testEncodesBigEndianLengthAndCompactJson);
	CPPUNIT_TEST(testRoundTripKeepsUtf8);
	CPPUNIT_TEST(testDecodesFramesFedOneByteAtATime);
	CPPUNIT_TEST(testDecodesSeveralFramesFromOneChunk);
	CPPUNIT_TEST(testTruncatedFrameIsPartialAndNotReturned);
	CPPUNIT_TEST(testRejectsOversizedHeaderBeforePayloadArrives);
	CPPUNIT_TEST(testStaysBrokenAfterOversizedFrame);
	CPPUNIT_TEST(testAcceptsFrameOfExactlyMaximumSize);
	CPPUNIT_TEST(testEncodeRefusesOversizedObject);
	CPPUNIT_TEST(testGarbageFrameIsSkippedAndNextFrameDecodes);
	CPPUNIT_TEST(testRejectsArrayAndScalarFrames);
	CPPUNIT_TEST(testRejectsEmptyFrame);
	CPPUNIT_TEST(testResetClearsError);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEncodesBigEndianLengthAndCompactJson()
	{
		FrameCodec codec;
		std::string frame = codec.encode(*object("a", "b"));
		CPPUNIT_ASSERT_EQUAL(header(9) + "{\"a\":\"b\"}", frame);
	}

	void testRoundTripKeepsUtf8()
	{
		FrameCodec codec;
		codec.feed(codec.encode(*object("text", "grüße ✓")));
		Poco::JSON::Object::Ptr obj = codec.next();
		CPPUNIT_ASSERT(obj);
		CPPUNIT_ASSERT_EQUAL(std::string("grüße ✓"), obj->getValue<std::string>("text"));
		CPPUNIT_ASSERT(!codec.next());
		CPPUNIT_ASSERT(!codec.hasPartialFrame());
	}

	void testDecodesFramesFedOneByteAtATime()
	{
		FrameCodec codec;
		std::string bytes = codec.encode(*object("k", "v1")) + codec.encode(*object("k", "v2"));
		std::vector<std::string> got;
		for (char c: bytes)
		{
			codec.feed(&c, 1);
			while (Poco::JSON::Object::Ptr obj = codec.next()) got.push_back(obj->getValue<std::string>("k"));
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
		CPPUNIT_ASSERT_EQUAL(std::string("v1"), got[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("v2"), got[1]);
	}

	void testDecodesSeveralFramesFromOneChunk()
	{
		FrameCodec codec;
		std::string bytes;
		for (int i = 0; i < 100; ++i) bytes += codec.encode(*object("i", std::to_string(i)));
		codec.feed(bytes);
		for (int i = 0; i < 100; ++i)
		{
			Poco::JSON::Object::Ptr obj = codec.next();
			CPPUNIT_ASSERT(obj);
			CPPUNIT_ASSERT_EQUAL(std::to_string(i), obj->getValue<std::string>("i"));
		}
		CPPUNIT_ASSERT(!codec.next());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), codec.bufferedBytes());
	}

	void testTruncatedFrameIsPartialAndNotReturned()
	{
		FrameCodec codec;
		std::string frame = codec.encode(*object("a", "b"));
		codec.feed(frame.substr(0, frame.size() - 1));
		CPPUNIT_ASSERT(!codec.next());
		CPPUNIT_ASSERT(codec.hasPartialFrame());

		FrameCodec headerOnly;
		headerOnly.feed(frame.substr(0, 2));
		CPPUNIT_ASSERT(!headerOnly.next());
		CPPUNIT_ASSERT(headerOnly.hasPartialFrame());
	}

	void testRejectsOversizedHeaderBeforePayloadArrives()
	{
		FrameCodec codec(1024);
		CPPUNIT_ASSERT_THROW(codec.feed(header(1025)), FrameTooLargeException);

		FrameCodec huge;
		CPPUNIT_ASSERT_THROW(huge.feed(header(0xFFFFFFFFu)), FrameTooLargeException);
	}

	void testStaysBrokenAfterOversizedFrame()
	{
		FrameCodec codec(16);
		CPPUNIT_ASSERT_THROW(codec.feed(header(17)), FrameTooLargeException);
		CPPUNIT_ASSERT_THROW(codec.next(), FrameTooLargeException);
		CPPUNIT_ASSERT_THROW(codec.feed(rawFrame("{}")), FrameTooLargeException);
	}

	void testAcceptsFrameOfExactlyMaximumSize()
	{
		std::string payload = "{\"k\":\"" + std::string(100, 'x') + "\"}";
		FrameCodec codec(payload.size());
		codec.feed(rawFrame(payload));
		Poco::JSON::Object::Ptr obj = codec.next();
		CPPUNIT_ASSERT(obj);
		CPPUNIT_ASSERT_EQUAL(std::string(100, 'x'), obj->getValue<std::string>("k"));
	}

	void testEncodeRefusesOversizedObject()
	{
		FrameCodec codec(8);
		CPPUNIT_ASSERT_THROW(codec.encode(*object("key", "a long value")), FrameTooLargeException);
	}

	void testGarbageFrameIsSkippedAndNextFrameDecodes()
	{
		FrameCodec codec;
		codec.feed(rawFrame("not json at all") + rawFrame("{\"ok\":true}"));
		CPPUNIT_ASSERT_THROW(codec.next(), FrameException);
		Poco::JSON::Object::Ptr obj = codec.next();
		CPPUNIT_ASSERT(obj);
		CPPUNIT_ASSERT(obj->getValue<bool>("ok"));
	}

	void testRejectsArrayAndScalarFrames()
	{
		FrameCodec codec;
		codec.feed(rawFrame("[1,2]") + rawFrame("42") + rawFrame("\"s\"") + rawFrame("{\"a\":"));
		for (int i = 0; i < 4; ++i) CPPUNIT_ASSERT_THROW(codec.next(), FrameException);
		CPPUNIT_ASSERT(!codec.next());
	}

	void testRejectsEmptyFrame()
	{
		FrameCodec codec;
		codec.feed(header(0));
		CPPUNIT_ASSERT_THROW(codec.next(), FrameException);
		CPPUNIT_ASSERT(!codec.hasPartialFrame());
	}

	void testResetClearsError()
	{
		FrameCodec codec(16);
		CPPUNIT_ASSERT_THROW(codec.feed(header(100)), FrameTooLargeException);
		codec.reset();
		codec.feed(rawFrame("{}"));
		CPPUNIT_ASSERT(codec.next());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(FrameCodecTest);
