//
// TestSupport.cpp
//

#include "TestSupport.h"
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <cstdlib>
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

} } // namespace Sygen::Test
