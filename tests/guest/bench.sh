#!/bin/sh
# Runs in a nested guest (tests/vm/guest.sh): the guest's half of make
# bench's guest rows (tests/bench/bench-in-vm.sh). Each line it prints is
# "key value".
#
#   bench.sh HOST ADDR/LEN HOST_MAC SECS PKTS
#       waits for the test VM's go on port 7003 (it measures round trips
#       first), iperf3 to HOST for SECS each way (the median of three),
#       another go, PKTS 64-byte
#       UDP frames with pktgen to HOST_MAC, a last go
#   bench.sh - ADDR/LEN - SECS PKTS
#       no host behind eth0 (vdpa_sim_net loops frames back): pktgen to
#       eth0's own MAC, counted on eth0's receive side
host=$1 addr=$2 dmac=$3 secs=$4 pkts=$5
go="python3 $(dirname "$0")/../tools/xfer.py recv 0.0.0.0 7003 600"
rx=/sys/class/net/eth0/statistics/rx_packets

ip addr add "$addr" dev eth0 && ip link set eth0 up || exit 1
echo "boot $(cut -d' ' -f1 /proc/uptime)"
modprobe pktgen || exit 1

# pktgen DST DST_MAC: $pkts frames from eth0, the nanoseconds they took.
pktgen() {
	pg=/proc/net/pktgen
	echo rem_device_all >$pg/kpktgend_0
	echo add_device eth0 >$pg/kpktgend_0
	for c in "count $pkts" "pkt_size 60" "delay 0" "dst $1" "dst_mac $2"; do
		echo "$c" >$pg/eth0
	done
	start=$(date +%s%N)
	echo start >$pg/pgctrl
	echo $(($(date +%s%N) - start))
}

if [ "$host" = - ]; then
	sleep 1
	rx0=$(cat $rx)
	ns=$(pktgen 10.93.0.9 "$(cat /sys/class/net/eth0/address)")
	sleep 1
	echo "pktgen_ns $ns"
	echo "self_rx $(($(cat $rx) - rx0))"
	echo "done"
	exit 0
fi

$go >/dev/null || exit 1
# The median of three runs each way: one run under nested TCG varies by
# 2 to 3 times from one to the next (measured).
for dir in up down; do
	r=
	[ $dir = down ] && r=-R
	runs=$(for _i in 1 2 3; do
		iperf3 -c "$host" -p 5302 -t "$secs" -O 1 $r -J |
			jq '.end.sum_received.bits_per_second | floor'
	done | sort -n | paste -sd ' ')
	echo "tcp_${dir}_runs $runs"
	set -- $runs
	echo "tcp_$dir ${2:-0}"
done
$go >/dev/null || exit 1
# The test VM reads its receive counter now.
sleep 2
# An address nobody owns: the host drops each frame after a route lookup.
echo "pktgen_ns $(pktgen "${host%.*}.9" "$dmac")"
echo "done"
exec $go >/dev/null
