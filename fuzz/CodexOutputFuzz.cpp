//
// CodexOutputFuzz.cpp
//
// Input: what `codex exec --json` printed on stdout: JSON lines of events, mixed
// with whatever else the CLI or a crash left there.
//
// Properties: never throws; the dispatcher by provider gives the same text.
//

#include "FuzzSupport.h"
#include "CodexOutputParser.h"
#include "OutputParser.h"

using Sygen::CodexOutputParser;
using Sygen::OutputParser;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
	Sygen::Fuzz::silenceLogging();
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	std::string out(reinterpret_cast<const char*>(data), size);
	std::string text = CodexOutputParser::parse(out);
	if (OutputParser::parse("codex", out, "", 0) != text) Sygen::Fuzz::fail("OutputParser::parse(codex) differs");
	return 0;
}
