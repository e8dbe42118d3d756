//
// main.cpp — sygen-webhook-worker (to be replaced by WorkerApp, issue 3)
//

#include <cstring>
#include <iostream>

int main(int argc, char** argv)
{
	if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "--version") == 0))
	{
		std::cout << "sygen-webhook-worker " << SYGEN_VERSION << std::endl;
		return 0;
	}
	std::cerr << "sygen-webhook-worker: not implemented yet" << std::endl;
	return 78;
}
