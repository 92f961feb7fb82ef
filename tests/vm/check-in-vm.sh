#!/bin/sh
# Runs inside the test VM for `make check`: load every KUnit module, then
# run every integration script; each leaves one KTAP document in
# $VBUS_OUT/ktap/ for the host to parse. STRESS=1 (make stress) runs the
# long versions: 10,000 fuzzed rings per suite, every fault point, minutes
# of races; of the integration scripts only those that have a long
# version (they read $STRESS), since the others would repeat make check.
ktap=$VBUS_OUT/ktap
fuzz=
[ "${STRESS:-0}" = 1 ] && fuzz="fuzz_cases=10000"
mkdir -p "$ktap"

for ko in "$VBUS_SRC"/*_kunit.ko; do
	[ -e "$ko" ] || continue
	name=$(basename "$ko" .ko)
	echo "=== KUnit: $name"
	before=$(dmesg | wc -l)
	# shellcheck disable=SC2086
	modprobe "$name" $fuzz || echo "check: modprobe $name failed"
	dmesg | tail -n +"$((before + 1))" >"$ktap/$name.ktap"
	# Suites, and the fuzz cases' counts (quoted in closing notes).
	grep -E '^\[[ 0-9.]+\][[:space:]]+(# Subtest|(not )?ok [0-9]+ vbus|# [a-z_]+: [0-9]+ random rings)' "$ktap/$name.ktap" |
		sed 's/^\[[ 0-9.]*\][[:space:]]*//' || true
	modprobe -r "$name"
done

for t in "$VBUS_SRC"/tests/integration/[0-9]*.sh; do
	[ "${STRESS:-0}" = 1 ] && ! grep -q STRESS "$t" && continue
	name=$(basename "$t" .sh)
	echo "=== integration: $name"
	# Each script cleans up after itself (lib.sh's t_teardown, on exit).
	start=$(date +%s)
	VBUS_KTAP=$ktap/integration-$name.ktap "$t"
	echo "=== integration: $name took $(($(date +%s) - start)) s"
done
exit 0
