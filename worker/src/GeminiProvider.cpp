//
// GeminiProvider.cpp
//
// Google Gemini CLI (gemini 0.61), see docs/CLI-NOTES.md. The class is private to this file: the
// worker reaches it through CliProviders, whose table lists geminiProvider().
//

#include "CliProviders.h"
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

class GeminiProvider: public CliProvider
{
public:
	std::string name() const override
	/// "gemini"
	{
		return "gemini";
	}

	CliCommand command(const ExecutionConfig& config, const std::string& prompt) const override
	/// gemini -p "" --output-format json --include-directories ., then --model <m>
	/// when non-empty, --approval-mode yolo when bypassPermissions, then
	/// <cli_parameters…>; the prompt goes to stdin (argv stays short and the
	/// prompt stays out of the process list).
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
		}
		// gemini 0.61 refuses a headless run in a folder it does not trust (exit 55), and
		// turns yolo back into "default" there. The operator chose the folder (task folder
		// or workspace); this variable trusts it for this run only, in either mode.
		c.environment.push_back("GEMINI_CLI_TRUST_WORKSPACE=true");
		c.argv.insert(c.argv.end(), config.cliParameters.begin(), config.cliParameters.end());
		c.stdinText = prompt;
		return c;
	}

	CliCommand wakeCommand(const ExecutionConfig& config, const std::string& prompt, const std::string& sessionId) const override
	/// command() with "--resume <id>" at the end (the prompt goes to stdin).
	{
		CliCommand c = command(config, prompt);
		if (!sessionId.empty()) c.argv.insert(c.argv.end(), {"--resume", sessionId});
		return c;
	}

	std::string parseOutput(const std::string& stdoutBytes, const std::string& stderrBytes, int exitCode) const override
	/// From a JSON object: the first non-null of result, response, content,
	/// output, else error.message; from a JSON array: those texts of each object
	/// joined by a blank line; no text or not JSON: the cleaned stdout cut to
	/// 2000 characters. When that leaves nothing and exitCode is non-zero:
	/// error.message of the JSON object on stderr (gemini prints its failures
	/// there), else the last 2000 characters of stderr.
	{
		std::string text = fromStdout(OutputParser::clean(stdoutBytes));
		if (!text.empty() || exitCode == 0) return text;
		return fromStderr(OutputParser::clean(stderrBytes));
	}

	std::string sessionId(const std::string& stdoutBytes, const std::string& stderrBytes) const override
	/// "session_id" of the JSON object on stdout, else of the error object gemini
	/// prints on stderr.
	{
		std::string id = OutputParser::sessionIdOfObject(stdoutBytes);
		return id.empty() ? OutputParser::sessionIdOfObject(stderrBytes) : id;
	}

	bool isUnknownSession(const std::string& stdoutBytes, const std::string& stderrBytes) const override
	/// "Error resuming session" in either stream.
	{
		return OutputParser::containsIgnoringCase(stdoutBytes + "\n" + stderrBytes, "Error resuming session");
	}

	bool isModelValid(const std::string& model) const override
	/// auto, pro, flash, flash-lite, "gemini-…" or "auto-gemini-…".
	{
		return model == "auto" || model == "pro" || model == "flash" || model == "flash-lite" || hasPrefix(model, "gemini-") ||
			hasPrefix(model, "auto-gemini-");
	}

	bool searchesNvm() const override
	/// True: gemini is commonly installed with npm under nvm.
	{
		return true;
	}

private:
	static std::string textOfObject(const Poco::JSON::Object& obj)
	{
		for (const char* key: {"result", "response", "content", "output"})
		{
			if (obj.has(key) && !obj.isNull(key)) return OutputParser::textOf(obj.get(key));
		}
		return errorMessage(obj);
	}

	static std::string fromStdout(const std::string& text)
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

	static std::string fromStderr(const std::string& text)
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
};

} // namespace

const CliProvider& geminiProvider()
{
	static const GeminiProvider provider;
	return provider;
}

} // namespace Sygen
