#!/usr/bin/env bash
# Formats the C++ sources that git tracks with the repository's .clang-format.
#
#     scripts/format.sh            rewrite the files in place
#     scripts/format.sh --check    list the files that differ from their formatted
#                                  form and exit 1 if there are any (changes nothing)
#
# Needs clang-format 14 (Debian 12's; scripts/install-deps.sh installs it): another
# version may format some constructs differently.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
	-h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	""|--check) ;;
	*) echo "format.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

FORMAT="$(command -v clang-format-14 || command -v clang-format || true)"
[ -n "$FORMAT" ] || { echo "format.sh: clang-format is not installed (scripts/install-deps.sh)" >&2; exit 2; }

mapfile -d '' files < <(git ls-files -z -- '*.cpp' '*.h' '*.c')
if [ "${1:-}" != --check ]; then
	printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$FORMAT" -i
	exit 0
fi

# One clang-format per 50 files (--dry-run --Werror reports each file that would
# change): a process per file took minutes on a loaded CI machine.
status=0
report="$(printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$FORMAT" --dry-run --Werror 2>&1)" || status=$?
unformatted="$(grep -o '^[^:]*:[0-9]*:[0-9]*: error: code should be clang-formatted' <<<"$report" | cut -d: -f1 | sort -u || true)"
if [ -n "$unformatted" ]; then
	sed 's/$/ (run scripts\/format.sh)/; s/^/not formatted: /' <<<"$unformatted"
	exit 1
fi
if [ "$status" -ne 0 ]; then
	echo "format.sh: clang-format failed:" >&2
	echo "$report" >&2
	exit 2
fi
exit 0
