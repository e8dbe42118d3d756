//
// GeminiProvider.cpp
//

#include "GeminiProvider.h"
#include "OutputParser.h"
#include <Poco/JSON/Array.h>

namespace Sygen {

namespace {

std::string errorMessage(const Poco::JSON::Object& obj)
{
	Poco::JSON::Object::Ptr error = obj.getObject("error");
	if (!error || !error->has("message")) return "";
	return OutputParser::textOf(error->get("message"));
}

bool isObject(const Poco::Dynamic::Var& v)
{
	return v.type() == typeid(Poco::JSON::Object::Ptr);
}

bool startsWith(const std::string& s, const std::string& prefix)
{
	return s.size() > prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

std::string GeminiProvider::name() const
{
	return "gemini";
}

CliCommand GeminiProvider::command(const ExecutionConfig& config, const std::string& prompt) const
{
	CliCommand c;
	c.provider = name();
	c.argv = {"gemini", "-p", "", "--output-format", "json", "--include-directories", "."};
	if (!config.model.empty())
	{
		c.argv.push_back("--model");
		c.argv.push_back(config.model);
	}
	if (config.permissionMode == "bypassPermissions")
	{
		c.argv.push_back("--approval-mode");
		c.argv.push_back("yolo");
		// gemini turns yolo back into "default" in a folder it does not trust, and a
		// headless run cannot answer its approval prompts. The operator chose the task
		// folder and bypassPermissions; this variable trusts the folder for this run only.
		c.environment.push_back("GEMINI_CLI_TRUST_WORKSPACE=true");
	}
	c.argv.insert(c.argv.end(), config.cliParameters.begin(), config.cliParameters.end());
	c.stdinText = prompt;
	return c;
}

CliCommand GeminiProvider::wakeCommand(const ExecutionConfig& config, const std::string& prompt, const std::string& sessionId) const
{
	CliCommand c = command(config, prompt);
	if (!sessionId.empty()) c.argv.insert(c.argv.end(), {"--resume", sessionId});
	return c;
}

std::string GeminiProvider::parseOutput(const std::string& stdoutBytes, const std::string& stderrBytes, int exitCode) const
{
	return parse(stdoutBytes, stderrBytes, exitCode);
}

std::string GeminiProvider::parse(const std::string& stdoutBytes, const std::string& stderrBytes, int exitCode)
{
	std::string text = fromStdout(OutputParser::clean(stdoutBytes));
	if (!text.empty() || exitCode == 0) return text;
	return fromStderr(OutputParser::clean(stderrBytes));
}

std::string GeminiProvider::textOfObject(const Poco::JSON::Object& obj)
{
	for (const char* key: {"result", "response", "content", "output"})
	{
		if (obj.has(key) && !obj.isNull(key)) return OutputParser::textOf(obj.get(key));
	}
	return errorMessage(obj);
}

std::string GeminiProvider::fromStdout(const std::string& text)
{
	Poco::Dynamic::Var json = OutputParser::parseJson(text);
	std::string result;
	if (isObject(json))
	{
		result = textOfObject(*json.extract<Poco::JSON::Object::Ptr>());
	}
	else if (json.type() == typeid(Poco::JSON::Array::Ptr))
	{
		Poco::JSON::Array::Ptr items = json.extract<Poco::JSON::Array::Ptr>();
		for (size_t i = 0; i < items->size(); ++i)
		{
			Poco::JSON::Object::Ptr obj = items->getObject(static_cast<unsigned>(i));
			std::string part = obj ? OutputParser::trim(textOfObject(*obj)) : "";
			if (part.empty()) continue;
			if (!result.empty()) result += "\n\n";
			result += part;
		}
	}
	result = OutputParser::trim(result);
	if (result.empty()) return OutputParser::firstCharacters(text, OutputParser::RAW_TEXT_LIMIT);
	return result;
}

std::string GeminiProvider::fromStderr(const std::string& text)
{
	// The error object follows plain warning lines; try each line that opens an object.
	size_t pos = 0;
	while (pos < text.size())
	{
		if (text[pos] == '{')
		{
			Poco::Dynamic::Var json = OutputParser::parseJson(OutputParser::trim(text.substr(pos)));
			if (isObject(json))
			{
				std::string message = OutputParser::trim(errorMessage(*json.extract<Poco::JSON::Object::Ptr>()));
				if (!message.empty()) return message;
			}
		}
		size_t newline = text.find('\n', pos);
		if (newline == std::string::npos) break;
		pos = newline + 1;
	}
	return OutputParser::lastCharacters(text, OutputParser::RAW_TEXT_LIMIT);
}

std::string GeminiProvider::sessionId(const std::string& stdoutBytes, const std::string& stderrBytes) const
{
	std::string id = OutputParser::sessionIdOfObject(stdoutBytes);
	return id.empty() ? OutputParser::sessionIdOfObject(stderrBytes) : id;
}

bool GeminiProvider::isUnknownSession(const std::string& stdoutBytes, const std::string& stderrBytes) const
{
	return OutputParser::containsIgnoringCase(stdoutBytes + "\n" + stderrBytes, "Error resuming session");
}

bool GeminiProvider::isModelValid(const std::string& model) const
{
	return model == "auto" || model == "pro" || model == "flash" || model == "flash-lite"
		|| startsWith(model, "gemini-") || startsWith(model, "auto-gemini-");
}

bool GeminiProvider::searchesNvm() const
{
	return true;
}

} // namespace Sygen
