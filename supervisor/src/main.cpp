//
// main.cpp — sygen-webhookd
//

#include "SupervisorApp.h"
#include <iostream>

POCO_SERVER_MAIN(Sygen::SupervisorApp)
