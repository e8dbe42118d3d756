//
// main.cpp — sygen-webhookctl
//

#include "CtlApp.h"
#include <iostream>

int main(int argc, char** argv)
{
	return Sygen::CtlApp(std::cout, std::cerr).run(std::vector<std::string>(argv + 1, argv + argc));
}
