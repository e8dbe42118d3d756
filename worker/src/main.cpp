//
// main.cpp — sygen-webhook-worker
//

#include "WorkerApp.h"

int main(int argc, char** argv)
{
	return Sygen::WorkerApp().run(argc, argv);
}
