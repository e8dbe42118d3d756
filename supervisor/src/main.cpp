//
// main.cpp — sygen-webhookd
//

#include "WebhookServer.h"
#include <iostream>

POCO_SERVER_MAIN(Sygen::WebhookServer)
