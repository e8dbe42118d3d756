//
// JobEventStatement.cpp
//

#include "jobs/JobEventStatement.h"
#include "Sygen/Foundation/JSONFields.h"

namespace Sygen {

JobEventStatement::JobEventStatement(const std::string& nodeId, bool keepBodies):
	_keepBodies(keepBodies)
{
	bind(nodeId); // $1
}

std::string JobEventStatement::bind(const std::string& value, const std::string& cast)
{
	_params.emplace_back(value);
	return "$" + std::to_string(_params.size()) + cast;
}

void JobEventStatement::addRow(std::string& rows, const std::string& row)
{
	rows += (rows.empty() ? "(" : ",(") + row + ")";
}

void JobEventStatement::addStart(const std::string& jobId, int workerId, Poco::Timestamp at)
{
	addRow(_starts,
		bind(jobId) + "," + bind(std::to_string(workerId), "::integer") + "," + bind(std::to_string(at.epochMicroseconds()), "::bigint"));
}

void JobEventStatement::addResult(const WebhookResult& result)
{
	// webhooks.keep_payloads false: the body goes with the job's end, as on a single node.
	if (_keepBodiesParam.empty()) _keepBodiesParam = bind(_keepBodies ? "true" : "false", "::boolean");
	addRow(_results,
		bind(result.jobId) + "," + bind(result.status) + "," + bind(std::to_string(Poco::Timestamp().epochMicroseconds()), "::bigint") +
			"," + bind(JSONFields::compact(result.toJSON()), "::jsonb"));
}

std::string JobEventStatement::text() const
{
	std::vector<std::string> parts;
	std::vector<std::string> outputs;
	if (!_starts.empty())
	{
		parts.push_back("s(job_id, worker_id, started_us) AS (VALUES " + _starts + ")");
		parts.push_back("started AS (UPDATE sygen_jobs j SET status = 'running', worker_id = s.worker_id, started_us = s.started_us"
						" FROM s WHERE j.job_id = s.job_id AND j.node_id = $1 AND j.status IN ('claimed', 'running') RETURNING j.job_id)");
		outputs.push_back("SELECT 's', job_id FROM started");
	}
	if (!_results.empty())
	{
		parts.push_back("r(job_id, status, finished_us, result) AS (VALUES " + _results + ")");
		parts.push_back("finished AS (UPDATE sygen_jobs j SET status = r.status, finished_us = r.finished_us, result = r.result,"
						" body = CASE WHEN " +
			_keepBodiesParam +
			" THEN j.body ELSE ''::bytea END"
			" FROM r WHERE j.job_id = r.job_id AND j.node_id = $1 AND j.finished_us IS NULL RETURNING j.job_id)");
		outputs.push_back("SELECT 'r', job_id FROM finished");
	}
	std::string text = "WITH ";
	for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? ", " : "") + parts[i];
	for (std::size_t i = 0; i < outputs.size(); ++i) text += (i ? " UNION ALL " : " ") + outputs[i];
	return text;
}

const std::vector<PostgresConnection::Param>& JobEventStatement::params() const
{
	return _params;
}

} // namespace Sygen
