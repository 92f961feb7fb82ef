#!/bin/sh
# Runs in a nested guest (tests/vm/guest.sh): the guest's half of
# tests/integration/85-guest.sh. It configures eth0 and exchanges traffic
# with the test VM at HOST; each line it prints is "key value...", read
# by the test VM's half.
#
#   peer.sh HOST ADDR/LEN MTU traffic BYTES [iperf]
#       pings, BYTES each way, iperf3; then, with iperf, iperf3 to HOST
#       until killed
#   peer.sh HOST ADDR/LEN MTU boot
#       only boots: eth0 up, its driver printed (a control guest)
host=$1 addr=$2 mtu=$3 mode=$4 bytes=${5:-0} then=${6:-}
xfer="python3 $(dirname "$0")/../tools/xfer.py"

ip link set eth0 mtu "$mtu" && ip addr add "$addr" dev eth0 &&
	ip link set eth0 up || exit 1
echo "boot $(cut -d' ' -f1 /proc/uptime)"
echo "driver $(ethtool -i eth0 | sed -n 's/^driver: //p')"
[ "$mode" != boot ] || exit 0
# MSI-X interrupts of eth0's queues (virtioN-input.0, -output.0).
irqs() {
	awk '/virtio[0-9]+-(input|output)/ { s += $2 } END { print s + 0 }' \
		/proc/interrupts
}
reach() {
	for _i in $(seq 30); do
		ping -c 1 -W 1 "$host" >/dev/null 2>&1 && return 0
	done
	return 1
}
# Made before the test VM's half starts waiting: under nested TCG, 32 MiB
# of urandom and its sha256 take tens of seconds.
if [ "$mode" = traffic ]; then
	head -c "$bytes" /dev/urandom >/tmp/payload
	echo "tx_want $(wc -c </tmp/payload) $(sha256sum </tmp/payload | cut -d' ' -f1)"
fi
reach || { echo "reach no"; exit 1; }
echo "reach yes"

echo "irqs_before $(irqs)"
ping -c 5 -i 0.2 -W 2 -q "$host" >/dev/null && echo "ping ok"
ping -M do -s $((mtu - 28)) -c 3 -i 0.2 -W 2 -q "$host" >/dev/null &&
	echo "dfping ok"
ping -M do -s $((mtu - 27)) -c 1 -W 2 -q "$host" >/dev/null 2>&1 ||
	echo "dfping_over refused"

# BYTES each way, checked by sha256 on the receiving side.
$xfer recv 0.0.0.0 7002 300 >/tmp/rx &
rx=$!
echo "rx_ready"
if ! wait $rx; then
	echo "diag rx failed at $(cut -d' ' -f1 /proc/uptime) s"
	ip -s -s link show eth0 | sed 's/^/diag /'
fi
echo "rx $(cat /tmp/rx)"
for _i in $(seq 40); do
	$xfer send "$host" 7001 /tmp/payload 2>/dev/null && break
	sleep 0.5
done

for dir in up down; do
	r=
	[ $dir = down ] && r=-R
	bps=$(iperf3 -c "$host" -t 3 $r -J |
		python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
	echo "iperf_$dir ${bps:-0}"
done
echo "irqs_after $(irqs)"
echo "done $(cut -d' ' -f1 /proc/uptime)"
# Done: the test VM takes its measurements, then lets the guest end.
$xfer recv 0.0.0.0 7003 >/dev/null
# (Not "[ ... ] && exec": its false test was the script's exit status.)
if [ "$then" = iperf ]; then
	exec iperf3 -c "$host" -t 600 >/dev/null
fi
exit 0
