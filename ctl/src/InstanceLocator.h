//
// InstanceLocator.h
//
// Which sygen-webhookd instance the ctl talks to: the one named by --home,
// --config or $SYGEN_HOME, else the installed system service, else ~/.sygen.
//

#ifndef Sygen_InstanceLocator_INCLUDED
#define Sygen_InstanceLocator_INCLUDED

#include <string>

namespace Sygen {

class InstanceLocator
/// The packages install the service with its config in
/// /etc/sygen-webhook/config.json and its home (state) in /var/lib/sygen-webhook,
/// the paths the systemd unit passes to sygen-webhookd. When neither --home,
/// --config nor $SYGEN_HOME names an instance and that config file exists, the
/// ctl uses the same two paths, so "sudo sygen-webhookctl workers list" finds
/// the installed service and its admin socket (webhooks.admin_socket).
///
/// $SYGEN_WEBHOOK_SYSTEM_ROOT (for tests only) is prepended to both system
/// paths, so the resolution can be tested without touching the real /etc.
{
public:
	struct Location
	{
		std::string home;    ///< --home value for Config::load ("" = its default).
		std::string config;  ///< --config value for Config::load ("" = its default).
		bool system = false; ///< true when the installed system service was chosen.
	};

	static const std::string SYSTEM_CONFIG_FILE; ///< /etc/sygen-webhook/config.json
	static const std::string SYSTEM_HOME;        ///< /var/lib/sygen-webhook

	static Location resolve(const std::string& homeOption, const std::string& configOption);
	/// The explicit options (or $SYGEN_HOME) when given, else the system
	/// instance when its config file exists, else empty options (~/.sygen).

	static std::string systemConfigFile();
	/// SYSTEM_CONFIG_FILE under $SYGEN_WEBHOOK_SYSTEM_ROOT.

	static std::string systemHome();
	/// SYSTEM_HOME under $SYGEN_WEBHOOK_SYSTEM_ROOT.
};

} // namespace Sygen

#endif // Sygen_InstanceLocator_INCLUDED
