//
// main.cpp — sygen-webhookctl (to be replaced by CtlApp, issue 6)
//

#include <cstring>
#include <iostream>

int main(int argc, char** argv)
{
	if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "--version") == 0))
	{
		std::cout << "sygen-webhookctl " << SYGEN_VERSION << std::endl;
		return 0;
	}
	std::cerr << "sygen-webhookctl: not implemented yet" << std::endl;
	return 78;
}
