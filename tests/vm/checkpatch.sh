#!/bin/sh
# checkpatch.pl --strict on every vbus source file. The checkpatch of 6.12
# (the default test kernel) is the reference: 7.x's asks for helpers
# (kzalloc_obj) that 6.1 and 6.12 lack. Without a 6.12 tree, the newest
# cached one is used, and said, with that one check off (ALLOC_WITH_SIZEOF:
# the suggested helper does not exist on the kernels we build for).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${VBUS_CACHE:-$HOME/.cache/vbus}

cp=$cache/src/linux-source-6.12/scripts/checkpatch.pl
[ -f "$cp" ] || cp=$(ls -d "$cache"/src/linux-source-*/scripts/checkpatch.pl 2>/dev/null | sort -V | tail -n 1)
[ -z "$cp" ] || echo "checkpatch: $cp" >&2
if [ -z "$cp" ]; then
	"$here/kernel.sh" "${KVER:-6.12}" test >/dev/null
	cp=$(ls -d "$cache"/src/linux-source-*/scripts/checkpatch.pl | sort -V | tail -n 1)
fi
cd "$top"
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' ! -name '*.mod.c')
# shellcheck disable=SC2086
"$cp" --strict --no-tree --terse --show-types --ignore ALLOC_WITH_SIZEOF -f $files
