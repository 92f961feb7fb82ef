#!/bin/sh
# checkpatch.pl --strict on every vbus source file, with the checkpatch of
# the cached test kernel source (any KVER fetched).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${VBUS_CACHE:-$HOME/.cache/vbus}

cp=$(ls -d "$cache"/src/linux-source-*/scripts/checkpatch.pl 2>/dev/null | sort -V | tail -n 1)
if [ -z "$cp" ]; then
	"$here/kernel.sh" "${KVER:-6.12}" test >/dev/null
	cp=$(ls -d "$cache"/src/linux-source-*/scripts/checkpatch.pl | sort -V | tail -n 1)
fi
cd "$top"
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' ! -name '*.mod.c')
# shellcheck disable=SC2086
"$cp" --strict --no-tree --terse --show-types -f $files
