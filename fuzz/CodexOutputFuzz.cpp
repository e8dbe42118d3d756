//
// CodexOutputFuzz.cpp
//
// Input: what `codex exec --json` printed on stdout: JSON lines of events, mixed
// with whatever else the CLI or a crash left there.
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
	std::string out(reinterpret_cast<const char*>(data), size);
	std::string text = CliProviders::find("codex").parseOutput(out, "", 0);
	if (CliProviders::find("codex").parseOutput(out, "", 0) != text) Sygen::Fuzz::fail("CliProviders::find(codex).parseOutput differs");
	return 0;
}
