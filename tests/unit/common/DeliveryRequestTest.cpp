//
// DeliveryRequestTest.cpp
//

#include "Sygen/Protocol/DeliveryRequest.h"
#include "Sygen/Foundation/JSONFields.h"
#include <cppunit/extensions/HelperMacros.h>

using Sygen::DeliveryRequest;
using Sygen::JSONFields;

class DeliveryRequestTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(DeliveryRequestTest);
	CPPUNIT_TEST(testTelegramRoundTrip);
	CPPUNIT_TEST(testMatrixCarriesOnlyItsOwnSecrets);
	CPPUNIT_TEST(testUnknownTransportIsRefused);
	CPPUNIT_TEST(testMissingTextIsRefused);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTelegramRoundTrip()
	{
		DeliveryRequest r;
		r.transport = "telegram";
		r.chatId = "1001";
		r.text = "hello";
		r.hookId = "h";
		r.jobId = "j";
		r.delivery.telegramApiBase = "http://127.0.0.1:1";
		r.delivery.telegramToken = "42:token";
		r.delivery.matrixAccessToken = "matrix-secret";
		r.retry.maxAttempts = 2;
		r.retry.initialDelay = Poco::Timespan(0, 5000);
		DeliveryRequest back = DeliveryRequest::fromJSON(*JSONFields::parseObject(JSONFields::compact(r.toJSON())));
		CPPUNIT_ASSERT_EQUAL(std::string("telegram"), back.transport);
		CPPUNIT_ASSERT_EQUAL(std::string("1001"), back.chatId);
		CPPUNIT_ASSERT_EQUAL(std::string("hello"), back.text);
		CPPUNIT_ASSERT_EQUAL(std::string("h"), back.hookId);
		CPPUNIT_ASSERT_EQUAL(std::string("j"), back.jobId);
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:1"), back.delivery.telegramApiBase);
		CPPUNIT_ASSERT_EQUAL(std::string("42:token"), back.delivery.telegramToken);
		CPPUNIT_ASSERT(back.delivery.telegramConfigured());
		CPPUNIT_ASSERT(back.delivery.matrixAccessToken.empty());
		CPPUNIT_ASSERT_EQUAL(2, back.retry.maxAttempts);
		CPPUNIT_ASSERT_EQUAL(Poco::Timespan::TimeDiff(5000), back.retry.initialDelay.totalMicroseconds());
	}

	void testMatrixCarriesOnlyItsOwnSecrets()
	{
		DeliveryRequest r;
		r.transport = "matrix";
		r.chatId = "!room:example.org";
		r.text = "hi";
		r.delivery.telegramToken = "42:token";
		r.delivery.matrixHomeserver = "https://matrix.example.org";
		r.delivery.matrixAccessToken = "syt_secret";
		const std::string json = JSONFields::compact(r.toJSON());
		CPPUNIT_ASSERT(json.find("42:token") == std::string::npos);
		DeliveryRequest back = DeliveryRequest::fromJSON(*JSONFields::parseObject(json));
		CPPUNIT_ASSERT_EQUAL(std::string("syt_secret"), back.delivery.matrixAccessToken);
		CPPUNIT_ASSERT(back.delivery.matrixConfigured());
	}

	void testUnknownTransportIsRefused()
	{
		CPPUNIT_ASSERT_THROW(DeliveryRequest::fromJSON(*JSONFields::parseObject(R"({"transport":"irc","chat_id":"1","text":"x"})")),
			Poco::DataFormatException);
	}

	void testMissingTextIsRefused()
	{
		CPPUNIT_ASSERT_THROW(DeliveryRequest::fromJSON(*JSONFields::parseObject(
								 R"({"transport":"telegram","chat_id":"1","telegram_api_base":"http://x","telegram_token":"t"})")),
			Poco::DataFormatException);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(DeliveryRequestTest);
