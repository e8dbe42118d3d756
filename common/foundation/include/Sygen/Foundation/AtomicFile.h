//
// AtomicFile.h
//
// Library: Sygen/Foundation
//
// Crash-safe replacement of small files (webhooks.json, config.json, token,
// state files) and the advisory lock that serialises writers across processes.
//

#ifndef Sygen_Foundation_AtomicFile_INCLUDED
#define Sygen_Foundation_AtomicFile_INCLUDED

#include <string>
#include <sys/types.h>

namespace Sygen {

class AtomicFile
/// Replaces a file atomically: a reader sees either the old or the new content,
/// never a mix, and after a crash the file is either the old or the new version.
{
public:
	static void write(const std::string& path, const std::string& content, mode_t mode = 0600);
	/// Writes content to a temporary file in path's folder, sets its mode
	/// (not subject to the umask), fsyncs it, renames it over path and fsyncs the
	/// folder. The temporary file is removed when any step fails.
	/// Throws Poco::FileException (or a subclass) naming the path and the
	/// system error. Thread-safe: concurrent writers to the same path each
	/// produce a complete file; the last rename wins (use Lock to serialise
	/// read-modify-write cycles).

	static void syncDirectory(const std::string& dir);
	/// fsyncs a folder so that a rename or create inside it is durable.
	/// Throws Poco::FileException.

	static std::string lockPath(const std::string& path);
	/// Returns path + ".lock", the file Lock uses.

	class Lock
	/// An exclusive flock(2) on "<path>.lock" (created with mode 0600 when missing),
	/// held for the lifetime of the object. flock locks conflict between
	/// separate opens, so two Lock objects in the same process exclude each other
	/// just like two processes do. Not copyable; not thread-safe itself.
	{
	public:
		explicit Lock(const std::string& path);
		/// Blocks until the lock is held. Throws Poco::FileException when the
		/// lock file cannot be opened or locked.

		Lock(const std::string& path, bool wait);
		/// With wait == false, returns at once; locked() tells whether the lock
		/// is held (false: another holder has it).

		~Lock();
		/// Releases the lock.

		bool locked() const;
		/// True while this object holds the lock.

		void unlock();
		/// Releases the lock early. Idempotent.

		Lock(const Lock&) = delete;
		Lock& operator=(const Lock&) = delete;

	private:
		void acquire(const std::string& path, bool wait);

		int _fd = -1;
	};
};

} // namespace Sygen

#endif // Sygen_Foundation_AtomicFile_INCLUDED
