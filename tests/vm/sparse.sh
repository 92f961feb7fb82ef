#!/bin/sh
# Run sparse (C=2) on every vbus source file, against Debian's stock 6.1
# headers and against the test kernel of KVER. Debian 12's sparse (0.6.4)
# is too old for 7.x kernels (their checker-valid.sh needs
# __typeof_unqual__): for those, sparse-build.sh builds Debian's newer one.
set -eu
kver=${1:-6.12}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
status=0

run_sparse() {	# run_sparse KDIR LABEL [SPARSE]
	log=$(mktemp)
	make -s -C "$1" M="$top" C=2 CHECK="${3:-sparse}" modules >"$log" 2>&1 || status=1
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
*)
	kdir=$("$here/kernel.sh" "$kver" test)
	if newer=$(sh "$here/sparse-build.sh"); then
		run_sparse "$kdir" "test kernel $kver, $newer" "$newer"
	else
		echo "sparse: could not build a sparse for $kver" >&2
		status=1
	fi
	;;
esac
# Leave objects built for the test kernel, not for the last sparse target.
make -s -C "$top" clean >/dev/null 2>&1 || true
exit $status
