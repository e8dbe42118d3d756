//
// DeliverApp.cpp
//

#include "DeliverApp.h"
#include "Sygen/Delivery/MatrixTransport.h"
#include "Sygen/Delivery/TelegramTransport.h"
#include "Sygen/Foundation/CommandLine.h"
#include "Sygen/Foundation/JSONFields.h"
#include "Sygen/Foundation/LogFields.h"
#include "Sygen/Foundation/Logging.h"
#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <csignal>
#include <iostream>

namespace Sygen {

int DeliverApp::run(int argc, char** argv)
{
	CommandLine options;
	options.add("help", "h", "", "show this help and exit", true);
	options.add("version", "", "", "show the version and exit", true);
	options.add("log", "", "TARGET", "log target: auto, journald or stderr (default auto)");
	options.add("log-level", "", "LEVEL", "log level (default information)");
	options.add("worker-id", "", "N", "the worker this runs for, shown in its log lines");
	std::string logTarget = "auto";
	std::string logLevel = "information";
	std::string workerId;
	try
	{
		for (const auto& option: options.parse(argc, argv))
		{
			if (option.first == "help")
			{
				options.printHelp(std::cout, Poco::Path(argc > 0 ? argv[0] : "sygen-webhook-deliver").getFileName(), "[OPTIONS] < REQUEST",
					"Sends one message to a Telegram chat or a Matrix room: the JSON request on standard input "
					"(see the manual page). Started by sygen-webhook-worker for each wake reply.");
				return EXIT_OK;
			}
			if (option.first == "version")
			{
				std::cout << "sygen-webhook-deliver " << SYGEN_VERSION << std::endl;
				return EXIT_OK;
			}
			if (option.first == "log") logTarget = option.second;
			else if (option.first == "log-level") logLevel = option.second;
			else if (option.first == "worker-id")
			{
				int id = 0;
				if (!Poco::NumberParser::tryParse(option.second, id) || id < 1)
					throw CommandLineException("Invalid option argument: --worker-id must be a positive number: " + option.second);
				workerId = option.second;
			}
		}
		Logging::configure("sygen-webhook-deliver", Logging::parseTarget(logTarget), logLevel);
	}
	catch (Poco::InvalidArgumentException& e)
	{
		std::cerr << "sygen-webhook-deliver: " << e.message() << std::endl;
		return EXIT_USAGE;
	}
	if (!workerId.empty()) Logging::setField(LogFields::WORKER_ID, workerId);
	// A closed connection must be an error of the write, not the end of the program.
	std::signal(SIGPIPE, SIG_IGN);
	try
	{
		return deliver(std::cin);
	}
	catch (Poco::Exception& e)
	{
		Poco::Logger::get("Sygen.DeliverApp").critical("unexpected failure: " + e.displayText());
	}
	catch (std::exception& e)
	{
		Poco::Logger::get("Sygen.DeliverApp").critical("unexpected failure: " + std::string(e.what()));
	}
	return EXIT_SOFTWARE;
}

int DeliverApp::deliver(std::istream& in)
{
	Poco::Logger& log = Poco::Logger::get("Sygen.DeliverApp");
	// All of the input first: the worker writes it with a blocking write.
	std::string text;
	char buffer[65536];
	while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0)
	{
		text.append(buffer, static_cast<std::size_t>(in.gcount()));
		if (text.size() > MAX_REQUEST_BYTES)
		{
			log.error("request longer than " + std::to_string(MAX_REQUEST_BYTES) + " bytes refused");
			return EXIT_DATAERR;
		}
	}
	DeliveryRequest request;
	try
	{
		request = DeliveryRequest::fromJSON(*JSONFields::parseObject(text));
	}
	catch (Poco::Exception& e)
	{
		// Not the text itself: it holds a token.
		log.error("unreadable request: " + e.displayText());
		return EXIT_DATAERR;
	}
	Logging::addSecret(request.delivery.telegramToken);
	Logging::addSecret(request.delivery.matrixAccessToken);
	return send(request) ? EXIT_OK : EXIT_NOT_DELIVERED;
}

bool DeliverApp::send(const DeliveryRequest& request)
{
	const DeliverySettings& d = request.delivery;
	if (request.transport == "matrix")
	{
		return MatrixTransport(d.matrixHomeserver, d.matrixAccessToken, request.retry)
			.send(request.chatId, request.text, request.hookId, request.jobId);
	}
	return TelegramTransport(d.telegramApiBase, d.telegramToken, request.retry)
		.send(request.chatId, request.text, request.hookId, request.jobId);
}

} // namespace Sygen
