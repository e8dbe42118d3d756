//
// main.cpp — sygen-webhookctl
//

#include "CtlApp.h"
#include "Sygen/Foundation/Logging.h"
#include <iostream>

int main(int argc, char** argv)
{
	// Warnings of the shared code (e.g. a skipped entry while webhooks.json is read
	// offline) go to stderr; nothing else is logged.
	Sygen::Logging::configure("sygen-webhookctl", Sygen::LogTarget::Stderr, "warning");
	return Sygen::CtlApp(std::cout, std::cerr).run(std::vector<std::string>(argv + 1, argv + argc));
}
