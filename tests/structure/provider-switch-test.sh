#!/usr/bin/env bash
# No file outside the CLI provider classes compares a string with a provider name
# (issue: what differs between the CLIs lives in one class per CLI, picked through
# the CliProviders table). Fails listing the offending lines.
# Usage: provider-switch-test.sh <repository root>
set -euo pipefail
root="${1:?usage: provider-switch-test.sh <repository root>}"
cd "$root"
names='claude|codex|gemini'
pattern="[!=]=[[:space:]]*\"($names)\"|\"($names)\"[[:space:]]*[!=]=|case[[:space:]]+\"($names)\""
# The provider classes themselves and the table may name their own CLI.
exclude='/(Claude|Codex|Gemini)Provider\.(h|cpp)$|/CliProviders\.(h|cpp)$|/ProviderNames\.(h|cpp)$'
hits=$(grep -rnE "$pattern" worker supervisor common ctl deliver --include='*.cpp' --include='*.h' \
	| grep -vE "^[^:]*($exclude)" || true)
# Self-check: the pattern must find what it is meant to find.
probe='if (provider == "codex") return 1;'
if ! grep -qE "$pattern" <<<"$probe"; then
	echo "provider-switch-test: the pattern no longer matches a provider comparison" >&2
	exit 2
fi
if [[ -n "$hits" ]]; then
	echo "provider-name comparisons outside the provider classes (use CliProviders):" >&2
	echo "$hits" >&2
	exit 1
fi
echo "no provider-name comparison outside the provider classes"
