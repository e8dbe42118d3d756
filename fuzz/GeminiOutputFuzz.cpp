//
// GeminiOutputFuzz.cpp
//
// Input: byte 0 is the exit code (0 to 255), then stdout, NUL, stderr of a
// `gemini --output-format json` run. Gemini prints failures as JSON on stderr, so
// both streams are parsed.
//
// Properties: never throws; the dispatcher by provider gives the same text.
//

#include "CliProviders.h"
#include "FuzzSupport.h"

using Sygen::CliProviders;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
	Sygen::Fuzz::silenceLogging();
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	if (size < 1) return 0;
	const int exitCode = data[0];
	std::vector<std::string> parts = Sygen::Fuzz::split(data + 1, size - 1, 2);
	parts.resize(2);
	std::string text = CliProviders::find("gemini").parseOutput(parts[0], parts[1], exitCode);
	if (CliProviders::find("gemini").parseOutput(parts[0], parts[1], exitCode) != text)
		Sygen::Fuzz::fail("CliProviders::find(gemini).parseOutput differs");
	return 0;
}
