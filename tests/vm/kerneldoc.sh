#!/bin/sh
# kernel-doc -Wall on every vbus source file, with 6.12's kernel-doc (the
# reference, as for checkpatch: 6.1's has no -Wall). Prints what it finds;
# fails if it finds anything.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${VBUS_CACHE:-$HOME/.cache/vbus}
kd=$cache/src/linux-source-6.12/scripts/kernel-doc
flags=-Wall
if [ ! -f "$kd" ]; then
	kd=$(ls -d "$cache"/src/linux-source-*/scripts/kernel-doc | sort -V | tail -n 1)
	flags=
	echo "kernel-doc: no 6.12 tree, using $kd without -Wall" >&2
fi
cd "$top"
# shellcheck disable=SC2046
out=$("$kd" -none $flags $(git ls-files '*.c' '*.h') 2>&1)
[ -z "$out" ] || { echo "$out"; exit 1; }
