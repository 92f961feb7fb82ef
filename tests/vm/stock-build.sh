#!/bin/sh
# Build the modules against Debian's stock kernel headers
# (linux-headers-amd64), as a distro user would, with W=1.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
stock=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$stock" ] || { echo "stock: linux-headers-amd64 is not installed" >&2; exit 1; }
echo "stock: building against $stock"
log=$(mktemp)
status=0
make -C "$stock" M="$top" W=1 KCFLAGS=-Werror modules >"$log" 2>&1 || status=1
# What the build left out, and why (vbus_virtio without CONFIG_VHOST_RING).
grep '^vbus:' "$log" | sort -u
grep -E 'warning:|error:' "$log" && status=1
[ $status = 0 ] || tail -30 "$log"
rm -f "$log"
make -s -C "$top" clean >/dev/null 2>&1 || true
exit $status
