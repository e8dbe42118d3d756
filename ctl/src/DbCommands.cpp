//
// DbCommands.cpp
//

#include "DbCommands.h"
#include "CtlApp.h"
#include "CtlError.h"
#include <Poco/JSON/Array.h>
#include <iomanip>
#include <sstream>

namespace Sygen {

namespace {

std::string seconds(double value)
{
	std::ostringstream text;
	text << std::fixed << std::setprecision(1) << value << " s";
	return text.str();
}

void printStatus(std::ostream& out, const Poco::JSON::Object& status)
{
	out << "database:       " << status.getValue<std::string>("dsn") << "\n"
		<< "schema version: " << status.getValue<int>("schema_version")
		<< " (this binary: " << status.getValue<int>("binary_schema_version") << ")\n"
		<< "queue:          " << status.getValue<Poco::UInt64>("queued") << " queued, " << status.getValue<Poco::UInt64>("running")
		<< " running\n"
		<< "asked node:     " << status.getValue<std::string>("node_id") << " (lease " << status.getValue<int>("lease_seconds")
		<< " s)\n\n";
	out << std::left << std::setw(24) << "NODE" << std::setw(12) << "LEASE AGE" << std::setw(7) << "ALIVE" << std::setw(9) << "INGRESS"
		<< std::setw(9) << "WORKERS"
		<< "STARTED\n";
	Poco::JSON::Array::Ptr nodes = status.getArray("nodes");
	for (std::size_t i = 0; nodes && i < nodes->size(); ++i)
	{
		Poco::JSON::Object::Ptr node = nodes->getObject(static_cast<unsigned>(i));
		out << std::left << std::setw(24) << node->getValue<std::string>("node_id") << std::setw(12)
			<< seconds(node->getValue<double>("lease_age_seconds")) << std::setw(7) << (node->getValue<bool>("alive") ? "yes" : "no")
			<< std::setw(9) << (node->getValue<bool>("ingress") ? "yes" : "no") << std::setw(9) << node->getValue<int>("workers")
			<< node->getValue<std::string>("started_at") << "\n";
	}
}

int dbStatus(CtlApp& app, const std::vector<std::string>& args)
{
	if (!args.empty()) throw UsageError((args[0].compare(0, 1, "-") == 0 ? "unknown option '" : "unexpected argument '") + args[0] + "'");
	if (!app.config().webhooks.backend.postgres())
		throw CtlError("this instance keeps its jobs in the file spool (webhooks.backend is not \"postgres\"): it has no database");
	Poco::JSON::Object request;
	request.set("cmd", "db.status");
	Poco::Dynamic::Var result = app.callResult(request);
	if (app.json()) app.printJSON(result);
	else printStatus(app.out(), *result.extract<Poco::JSON::Object::Ptr>());
	return CtlApp::EXIT_OK;
}

} // namespace

void DbCommands::addTo(CtlApp& app)
{
	app.addCommand({"db", "status", "", "the cluster's database: schema version, nodes (lease age, roles), queue depth", dbStatus,
		"Asks a running node (cluster mode, webhooks.backend postgres) what PostgreSQL holds:\n"
		"the schema version of the database and the one this binary writes, every node with the\n"
		"age of its lease (alive while younger than lease_seconds), whether it takes webhooks\n"
		"(ingress) and its workers, and the jobs queued and running in the whole cluster.\n"
		"Exits 1 on an instance that uses the file spool, 69 when no node runs here.\n"});
}

} // namespace Sygen
