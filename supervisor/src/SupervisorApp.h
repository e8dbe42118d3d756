//
// SupervisorApp.h
//
// The sygen-webhookd application: options, start-up, signals, shutdown.
//

#ifndef Sygen_SupervisorApp_INCLUDED
#define Sygen_SupervisorApp_INCLUDED

#include "Metrics.h"
#include <Poco/Util/ServerApplication.h>
#include <string>

namespace Sygen {

class SupervisorCore;
class WorkerPool;

class SupervisorApp: public Poco::Util::ServerApplication
/// Start-up order: config (exit 78 on error), disabled check (exit 0), global
/// token, state (hooks, replay log, spool), worker pool, spool recovery, HTTP.
///
/// Signals are blocked in every thread and taken by the main loop with
/// sigtimedwait(), so a handler never runs in the middle of anything:
/// SIGTERM/SIGINT/SIGQUIT shut down gracefully, SIGHUP reloads the hooks.
{
public:
	SupervisorApp();

protected:
	void defineOptions(Poco::Util::OptionSet& options) override;
	void handleOption(const std::string& name, const std::string& value) override;
	int main(const std::vector<std::string>& args) override;

private:
	void showHelp() const;
	int serve(SupervisorCore& service);
	void waitForSignals(SupervisorCore& service, WorkerPool& pool);
	static std::string statusLine(SupervisorCore& service, WorkerPool& pool);
	static Metrics::Gauges gaugesOf(const WorkerPool& pool);
	static std::string workerExecutable();

	bool _helpRequested = false;
	bool _versionRequested = false;
	bool _checkConfig = false;
	std::string _home;
	std::string _config;
	std::string _logTarget = "auto";
	std::string _logLevel = "information";
};

} // namespace Sygen

#endif // Sygen_SupervisorApp_INCLUDED
