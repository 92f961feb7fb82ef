#!/bin/sh
# make check: static checks on the host, then every KUnit suite and every
# integration script in one boot of the debug test VM. All results are
# KTAP, parsed with the kernel's kunit.py. The last line is
# "N passed, M failed"; the exit status is non-zero when M > 0 or N = 0.
set -u
kver=${1:-6.12}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${VBUS_CACHE:-$HOME/.cache/vbus}
export VBUS_CACHE=$cache

sh "$here/install-deps.sh" || exit 1
kdir=$("$here/kernel.sh" "$kver" test) || { echo "0 passed, 1 failed"; exit 1; }
kunit=$(ls -d "$cache"/src/linux-source-*/tools/testing/kunit/kunit.py | sort -V | tail -n 1)

work=$(mktemp -d "$cache/check.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/out/ktap"
static=$work/static.ktap
: >"$static.body"
n=0
step() {	# step NAME CMD...: one static check, as one KTAP result
	name=$1
	shift
	n=$((n + 1))
	echo "=== $name"
	if "$@" >"$work/log" 2>&1; then
		echo "ok $n $name" >>"$static.body"
		tail -n 3 "$work/log"
	else
		echo "not ok $n $name" >>"$static.body"
		cat "$work/log"
	fi
}

cd "$top" || exit 1
werror=KCFLAGS=-Werror
step "build against Debian's stock headers, W=1" sh "$here/stock-build.sh"
step "sparse C=2" sh "$here/sparse.sh" "$kver"
step "checkpatch --strict" sh "$here/checkpatch.sh"
step "kernel-doc -Wall clean" sh "$here/kerneldoc.sh"
step "Documentation/*.rst is valid reStructuredText" \
	python3 "$here/rstcheck.py" "$top"/Documentation/*.rst
step "vbusctl parses under sh, bash and busybox sh" sh -c \
	"sh -n configfs-scripts/vbusctl && bash -n configfs-scripts/vbusctl && busybox sh -n configfs-scripts/vbusctl"
step "dpkg-buildpackage: vbus-dkms and vbus-utils, lintian without errors" \
	sh "$here/deb-build.sh" "$work/out/deb"
step "DKMS on Debian's stock headers (no vDPA): six modules, the reason in make.log" \
	sh -c "sh '$here/dkms-host.sh' '$work'/out/deb/vbus-dkms_*.deb"
step "build against the $kver test kernel, W=1" \
	make -C "$kdir" M="$top" W=1 $werror modules
built=$(tail -n 1 "$static.body")
step "DKMS against the $kver test kernel: seven modules, a binary tarball for the VM" \
	sh -c "sh '$here/dkms-host.sh' '$work'/out/deb/vbus-dkms_*.deb '$kdir' '$work/out/dkms'"
n=$((n + 1))
echo "=== debug VM run: KUnit and integration tests"
if [ "${built#not ok}" != "$built" ]; then
	echo "not ok $n debug VM run # the modules did not build" >>"$static.body"
elif VBUS_OUT="$work/out" sh "$here/run.sh" "$kver" test "$here/check-in-vm.sh"; then
	echo "ok $n debug VM run: no splat, no leak" >>"$static.body"
else
	echo "not ok $n debug VM run: no splat, no leak" >>"$static.body"
fi
{ echo "KTAP version 1"; echo "1..$n"; cat "$static.body"; } >"$static"
cp "$static" "$work/out/ktap/static.ktap"

# Keep the last run's results for a look afterwards.
rm -rf "$cache/last-check"
cp -r "$work/out" "$cache/last-check"

passed=0
failed=0
for f in "$work"/out/ktap/*.ktap; do
	name=$(basename "$f" .ktap)
	python3 "$kunit" parse --json="$f.json" "$f" >"$f.log" 2>&1
	rc=$?
	if [ -s "$f.json" ]; then
		p=$(jq '[.. | .test_cases? // empty | .[] | select(.status == "PASS")] | length' "$f.json")
		x=$(jq '[.. | .test_cases? // empty | .[] | select(.status != "PASS" and .status != "SKIP")] | length' "$f.json")
	else
		p=0 x=0
	fi
	# A document that did not parse, or failed without a failing case,
	# counts as one failure.
	if [ "$rc" != 0 ] && [ "$x" = 0 ]; then
		x=1
	fi
	if [ "$p" = 0 ] && [ "$x" = 0 ]; then
		x=1
	fi
	[ "$x" = 0 ] || { echo "--- $name:"; grep -v '^\[' "$f.log" | tail -n 40; }
	echo "$name: $p passed, $x failed"
	passed=$((passed + p))
	failed=$((failed + x))
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
