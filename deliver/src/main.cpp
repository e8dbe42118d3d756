//
// main.cpp — sygen-webhook-deliver
//

#include "DeliverApp.h"

int main(int argc, char** argv)
{
	return Sygen::DeliverApp().run(argc, argv);
}
