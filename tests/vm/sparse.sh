#!/bin/sh
# Run sparse (C=2) on every vbus source file. Debian 12's sparse (0.6.4) is
# too old for 7.x kernels (their checker-valid.sh needs __typeof_unqual__),
# so sparse runs against Debian's stock 6.1 headers always, and against the
# test kernel of KVER when that is a 6.x kernel; a skip is said plainly.
set -eu
kver=${1:-6.12}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
status=0

run_sparse() {	# run_sparse KDIR LABEL
	log=$(mktemp)
	make -s -C "$1" M="$top" C=2 CHECK=sparse modules >"$log" 2>&1 || status=1
	if grep -E 'warning:|error:' "$log"; then
		echo "sparse ($2): warnings above"
		status=1
	else
		echo "sparse ($2): clean"
	fi
	rm -f "$log"
}

stock=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$stock" ]; then
	run_sparse "$stock" "stock $(basename "$stock")"
else
	echo "sparse: no stock linux-headers-amd64 installed" >&2
	status=1
fi
case $kver in
6.*) run_sparse "$("$here/kernel.sh" "$kver" test)" "test kernel $kver" ;;
*) echo "sparse: SKIPPED for $kver: Debian 12's sparse $(sparse --version 2>/dev/null) is too old for this kernel (needs __typeof_unqual__)" ;;
esac
# Leave objects built for the test kernel, not for the last sparse target.
make -s -C "$top" clean >/dev/null 2>&1 || true
exit $status
