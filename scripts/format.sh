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

unformatted=0
for f in "${files[@]}"; do
	if ! "$FORMAT" "$f" | cmp -s - "$f"; then
		echo "not formatted: $f (run scripts/format.sh)"
		unformatted=1
	fi
done
exit "$unformatted"
