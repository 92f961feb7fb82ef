#!/bin/sh
# Runs inside the test VM for `make check`: load every KUnit module, then
# run every integration script; each leaves one KTAP document in
# $VBUS_OUT/ktap/ for the host to parse.
ktap=$VBUS_OUT/ktap
mkdir -p "$ktap"

for ko in "$VBUS_SRC"/*_kunit.ko; do
	[ -e "$ko" ] || continue
	name=$(basename "$ko" .ko)
	echo "=== KUnit: $name"
	before=$(dmesg | wc -l)
	modprobe "$name" || echo "check: modprobe $name failed"
	dmesg | tail -n +"$((before + 1))" >"$ktap/$name.ktap"
	grep -E '^\[[ 0-9.]+\] +(# Subtest|(not )?ok [0-9]+ vbus)' "$ktap/$name.ktap" |
		sed 's/^\[[ 0-9.]*\] *//' || true
	modprobe -r "$name"
done

for t in "$VBUS_SRC"/tests/integration/[0-9]*.sh; do
	name=$(basename "$t" .sh)
	echo "=== integration: $name"
	VBUS_KTAP=$ktap/integration-$name.ktap "$t"
	# Leave nothing loaded for the next script.
	modprobe -r virtio_net vbus_venet_client vbus_ref_client vbus_native \
		vbus_virtio vbus_venet vbus_testconn vbus_ref vbus 2>/dev/null
done
exit 0
