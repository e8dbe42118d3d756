//
// TemplateRendererFuzz.cpp
//
// Input: template bytes, a NUL, then the payload body (JSON). The payload goes
// through PayloadParser as the ingress does; when it is an object, the template is
// rendered plainly and as the wrapped prompt (SPEC §4, §9 step 3).
//
// Properties: rendering never throws; the prompt is exactly BEGIN "\n" ... "\n" END;
// and when the template itself contains no "#--", nothing a payload value
// contributes can produce "#--" in the wrapped text, so the end marker cannot be forged;
// the prompt never holds a NUL (it travels as one argv string).
//

#include "FuzzSupport.h"
#include "Sygen/Foundation/PayloadParser.h"
#include "Sygen/Hooks/TemplateRenderer.h"

using Sygen::PayloadParser;
using Sygen::TemplateRenderer;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
	Sygen::Fuzz::silenceLogging();
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	std::vector<std::string> parts = Sygen::Fuzz::split(data, size, 2);
	if (parts.size() < 2) return 0;
	const std::string& tmpl = parts[0];
	Poco::JSON::Object::Ptr payload;
	if (PayloadParser::parse(parts[1], payload) != PayloadParser::OK) return 0;

	TemplateRenderer::render(*payload, tmpl);
	std::string prompt = TemplateRenderer::renderPrompt(*payload, tmpl);

	const std::string& begin = TemplateRenderer::PAYLOAD_BEGIN;
	const std::string& end = TemplateRenderer::PAYLOAD_END;
	if (prompt.size() < begin.size() + end.size() + 2 || prompt.compare(0, begin.size() + 1, begin + "\n") != 0 ||
		prompt.compare(prompt.size() - end.size() - 1, end.size() + 1, "\n" + end) != 0)
		Sygen::Fuzz::fail("prompt is not wrapped in the payload markers");
	if (prompt.find('\0') != std::string::npos) Sygen::Fuzz::fail("the prompt holds a NUL, which would cut the CLI's argv");
	if (tmpl.find("#--") == std::string::npos)
	{
		std::string inner = prompt.substr(begin.size() + 1, prompt.size() - begin.size() - end.size() - 2);
		if (inner.find("#--") != std::string::npos)
			Sygen::Fuzz::fail("payload values produced \"#--\" inside the wrapped prompt (end marker forgeable)");
	}
	return 0;
}
