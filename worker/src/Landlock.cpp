//
// Landlock.cpp
//

#include "Landlock.h"
#include <Poco/Exception.h>
#include <cerrno>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace Sygen {

namespace {

// Rights newer than the installed kernel headers.
const std::uint64_t ACCESS_FS_REFER = 1ULL << 13;    // ABI 2
const std::uint64_t ACCESS_FS_TRUNCATE = 1ULL << 14; // ABI 3

const std::uint64_t WRITE_RIGHTS_V1 = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;

const std::uint64_t FILE_RIGHTS = LANDLOCK_ACCESS_FS_WRITE_FILE | ACCESS_FS_TRUNCATE;

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

struct RulesetAttr
{
	std::uint64_t handledAccessFs;
};

struct PathBeneathAttr
{
	std::uint64_t allowedAccess;
	std::int32_t parentFd;
} __attribute__((packed));

} // namespace

int Landlock::abiVersion()
{
	long v = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return v < 0 ? 0 : static_cast<int>(v);
}

Landlock::Landlock():
	_fd(-1),
	_handled(0)
{
	int abi = abiVersion();
	if (abi < 1) throw Poco::NotImplementedException("Landlock is not available on this kernel");
	_handled = WRITE_RIGHTS_V1;
	if (abi >= 2) _handled |= ACCESS_FS_REFER;
	if (abi >= 3) _handled |= ACCESS_FS_TRUNCATE;
	RulesetAttr attr{_handled};
	long fd = ::syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0) throw Poco::SystemException("landlock_create_ruleset", errno);
	_fd = static_cast<int>(fd);
	::fcntl(_fd, F_SETFD, FD_CLOEXEC);
}

Landlock::~Landlock()
{
	if (_fd >= 0) ::close(_fd);
}

bool Landlock::allowWrites(const std::string& path)
{
	int target = ::open(path.c_str(), O_PATH | O_CLOEXEC);
	if (target < 0) return false;
	struct stat st;
	bool isDir = ::fstat(target, &st) == 0 && S_ISDIR(st.st_mode);
	// Rights on a file may only be those that apply to files.
	PathBeneathAttr rule{isDir ? _handled : (_handled & FILE_RIGHTS), target};
	long rc = ::syscall(SYS_landlock_add_rule, _fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	int error = errno;
	::close(target);
	if (rc != 0) throw Poco::SystemException("landlock_add_rule " + path, error);
	return true;
}

int Landlock::restrictSelf() const noexcept
{
	if (::syscall(SYS_landlock_restrict_self, _fd, 0) != 0) return errno;
	return 0;
}

} // namespace Sygen
