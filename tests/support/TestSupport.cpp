//
// TestSupport.cpp
//

#include "TestSupport.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace Sygen {
namespace Test {

TempDir::TempDir()
{
	const char* base = std::getenv("TMPDIR");
	std::string tmpl = std::string(base && *base ? base : "/tmp") + "/sygen-test-XXXXXX";
	if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
	_path = tmpl;
}

TempDir::~TempDir()
{
	try
	{
		Poco::File(_path).remove(true);
	}
	catch (Poco::Exception&)
	{
		// A test that left a read-only file behind must not abort the run.
	}
}

std::string TempDir::file(const std::string& relative) const
{
	return _path + "/" + relative;
}

void writeFile(const std::string& path, const std::string& content)
{
	Poco::File(Poco::Path(path).parent()).createDirectories();
	Poco::FileOutputStream out(path);
	out << content;
	out.close();
	if (!out.good()) throw Poco::WriteFileException(path);
}

std::string readFile(const std::string& path)
{
	if (!Poco::File(path).exists()) throw Poco::FileNotFoundException(path);
	Poco::FileInputStream in(path);
	std::string content;
	Poco::StreamCopier::copyToString(in, content);
	return content;
}

EnvGuard::EnvGuard(const char* name):
	_name(name)
{
	const char* old = std::getenv(name);
	_had = old != nullptr;
	if (_had) _old = old;
}

EnvGuard::EnvGuard(const char* name, const char* value):
	EnvGuard(name)
{
	if (value) ::setenv(name, value, 1);
	else ::unsetenv(name);
}

EnvGuard::~EnvGuard()
{
	if (_had) ::setenv(_name.c_str(), _old.c_str(), 1);
	else ::unsetenv(_name.c_str());
}

bool processGone(int pid)
{
	if (pid <= 0) return true;
	if (::kill(pid, 0) != 0) return errno == ESRCH;
	std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
	std::string stat;
	std::getline(in, stat);
	std::size_t close = stat.rfind(')');
	return close != std::string::npos && close + 2 < stat.size() && (stat[close + 2] == 'Z' || stat[close + 2] == 'X');
}

}
} // namespace Sygen::Test

#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/SHA2Engine.h>
#include <memory>
#include <sstream>

namespace Sygen {
namespace Test {

namespace {

std::unique_ptr<Poco::DigestEngine> engineFor(const std::string& algorithm, std::size_t& blockSize)
{
	blockSize = 64;
	if (algorithm == "sha1") return std::make_unique<Poco::SHA1Engine>();
	if (algorithm == "sha256") return std::make_unique<Poco::SHA2Engine>(Poco::SHA2Engine::SHA_256);
	if (algorithm == "sha512")
	{
		blockSize = 128;
		return std::make_unique<Poco::SHA2Engine>(Poco::SHA2Engine::SHA_512);
	}
	throw std::invalid_argument("unknown algorithm " + algorithm);
}

std::string digestOf(Poco::DigestEngine& engine, const std::string& data)
{
	engine.reset();
	engine.update(data);
	const Poco::DigestEngine::Digest& d = engine.digest();
	return std::string(d.begin(), d.end());
}

} // namespace

std::string TestHmac::raw(const std::string& algorithm, const std::string& key, const std::string& message)
{
	std::size_t blockSize = 0;
	std::unique_ptr<Poco::DigestEngine> engine = engineFor(algorithm, blockSize);
	std::string k = key.size() > blockSize ? digestOf(*engine, key) : key;
	k.resize(blockSize, '\0');
	std::string inner(blockSize, '\0'), outer(blockSize, '\0');
	for (std::size_t i = 0; i < blockSize; ++i)
	{
		inner[i] = static_cast<char>(k[i] ^ 0x36);
		outer[i] = static_cast<char>(k[i] ^ 0x5c);
	}
	return digestOf(*engine, outer + digestOf(*engine, inner + message));
}

std::string TestHmac::hex(const std::string& algorithm, const std::string& key, const std::string& message)
{
	std::string bytes = raw(algorithm, key, message);
	Poco::DigestEngine::Digest digest(bytes.begin(), bytes.end());
	return Poco::DigestEngine::digestToHex(digest);
}

std::string TestHmac::base64(const std::string& algorithm, const std::string& key, const std::string& message)
{
	std::ostringstream out;
	Poco::Base64Encoder encoder(out);
	encoder.rdbuf()->setLineLength(0);
	encoder << raw(algorithm, key, message);
	encoder.close();
	return out.str();
}

}
} // namespace Sygen::Test
