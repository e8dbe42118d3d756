//
// main.cpp — sygen-webhook-worker
//

#include "WorkerApp.h"

POCO_APP_MAIN(Sygen::WorkerApp)
