#!/bin/sh
# Runs inside the bench VM: the same measurements over veth (the anchor),
# venet on the native connector and venet on the virtio connector (served
# to virtio_net), between the same two network namespaces; and the pps of
# the kernel's vDPA simulator (vdpa_sim_net under virtio_net), the anchor
# for the virtio path; then DPDK's testpmd over the vhost connector against
# the same testpmd on vdpa_sim_net. Writes rows to $VBUS_OUT/bench.json.
set -u
KVER=$(uname -r)
CFS=/sys/kernel/config/vbus
PKTS=${BENCH_PKTS:-300000}
SECS=${BENCH_SECS:-5}
RUNS=${BENCH_RUNS:-3}
rows=$VBUS_OUT/bench.rows
: >"$rows"

ns_pair() {	# ns_pair H_DEV C_DEV SUBNET
	ip link set "$1" netns h && ip link set "$2" netns c &&
		ip -n h addr add "$3.1/24" dev "$1" &&
		ip -n c addr add "$3.2/24" dev "$2" &&
		ip -n h link set "$1" up && ip -n c link set "$2" up
}

# pktgen NS DEV DST DST_MAC: $PKTS 64-byte UDP frames from DEV; prints
# the nanoseconds pktgen took.
pktgen() {
	ip netns exec "$1" sh -c "
		echo rem_device_all >/proc/net/pktgen/kpktgend_0
		echo add_device $2 >/proc/net/pktgen/kpktgend_0
		echo count $PKTS >/proc/net/pktgen/$2
		echo pkt_size 60 >/proc/net/pktgen/$2
		echo delay 0 >/proc/net/pktgen/$2
		echo dst $3 >/proc/net/pktgen/$2
		echo dst_mac $4 >/proc/net/pktgen/$2
		start=\$(date +%s%N)
		echo start >/proc/net/pktgen/pgctrl
		end=\$(date +%s%N)
		echo \$((end - start))"
}

# pktgen_pps TX_NS TX_DEV DST RX_NS RX_DEV: 64-byte UDP frames sent with
# pktgen from TX_DEV to RX_DEV's MAC, counted where they arrive: packets
# per second received by RX_DEV, the median of $RUNS runs (one run under
# TCG varies by a tenth either way).
pktgen_pps() {
	mac=$(ip netns exec "$4" cat /sys/class/net/"$5"/address)
	rx=/sys/class/net/$5/statistics/rx_packets
	for _ in $(seq "$RUNS"); do
		before=$(ip netns exec "$4" cat "$rx")
		ns=$(pktgen "$1" "$2" "$3" "$mac")
		sleep 1
		after=$(ip netns exec "$4" cat "$rx")
		echo $(((after - before) * 1000000000 / ns))
	done | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

# From the client side to the host-side netdev. The frames carry the
# host's MAC but an IP address nobody in namespace h owns: its stack drops
# each after one route lookup (forwarding is off), the fate of
# vdpa_sim_net's looped frames below, instead of answering every one with
# a rate-limited ICMP port unreachable (a sixth of the cycles in a
# profile).
pps() {	# pps C_DEV H_DEV UNOWNED_ADDR
	pktgen_pps c "$1" "$3" h "$2"
}

tcp() {	# tcp H_ADDR: single-stream throughput, client to host, Mbit/s
	ip netns exec h iperf3 -s -1 -D -p 5301 >/dev/null 2>&1
	sleep 1
	ip netns exec c iperf3 -c "$1" -p 5301 -t "$SECS" -O 1 -J |
		jq '.end.sum_received.bits_per_second / 1e6 | floor'
}

rtt() {	# rtt H_ADDR: "mean p99" in microseconds, 500 back-to-back pings
	ip netns exec c ping -c 500 -i 0 -W 1 "$1" |
		sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | sort -n |
		awk '{ v[NR] = $1 * 1000; s += v[NR] }
		     END { if (NR) printf "%d %d\n", s / NR, v[int(NR * 0.99 + 0.5)] }'
}

measure() {	# measure PATH C_DEV H_DEV SUBNET
	p=$(pps "$2" "$3" "$4.9")
	t=$(tcp "$4.1")
	set -- "$1" "$p" "$t" $(rtt "$4.1")
	echo "bench: $1: pps_64=$2 tcp_mbps=$3 rtt_us_mean=$4 rtt_us_p99=$5"
	jq -cn --arg path "$1" --arg kver "$KVER" --argjson pps "${2:-0}" \
		--argjson tcp "${3:-0}" --argjson mean "${4:-0}" --argjson p99 "${5:-0}" \
		'{path: $path, kver: $kver, pps_64: $pps, tcp_mbps: $tcp,
		  rtt_us_mean: $mean, rtt_us_p99: $p99}' >>"$rows"
}

modprobe pktgen
modprobe veth
ip netns add h
ip netns add c
ip -n h link set lo up
ip -n c link set lo up

ip link add vh type veth peer name vc
ns_pair vh vc 10.98.0
measure veth vc vh 10.98.0

modprobe vbus_venet
modprobe vbus_native
modprobe vbus_venet_client
mkdir $CFS/devices/venet/bench0 $CFS/buses/bench
ln -s $CFS/devices/venet/bench0 $CFS/buses/bench/devices/bench0
echo native >$CFS/buses/bench/connector
client=$(ls /sys/bus/vbus-proxy/devices/bench0/net)
ns_pair bench0 "$client" 10.97.0
measure venet-native "$client" bench0 10.97.0

# The same device and host netdev, now served to virtio_net.
echo none >$CFS/buses/bench/connector
modprobe vbus_virtio
modprobe virtio_net
echo virtio >$CFS/buses/bench/connector
client=$(ls /sys/bus/vdpa/devices/bench0/virtio*/net)
ip link set "$client" netns c
ip -n c addr add 10.97.0.2/24 dev "$client"
ip -n c link set "$client" up
sleep 1
measure venet-virtio "$client" bench0 10.97.0

# vdpa_sim_net loops frames sent to its own MAC back to its receive queue:
# pktgen to that MAC measures its data path, counted on virtio_net's rx.
# Physical-address mode (use_va=0), the one that serves anonymous memory
# (QEMU's, DPDK's) below; no IOTLB limit of its own (DPDK without
# hugepages maps every page apart).
modprobe vdpa_sim use_va=0 max_iotlb_entries=131072
modprobe vdpa_sim_net
modprobe virtio_vdpa
vdpa dev add name vdpa0 mgmtdev vdpasim_net mac 02:00:00:00:00:aa
sleep 1
ip link set "$(ls /sys/bus/vdpa/devices/vdpa0/virtio*/net)" name sim0
sim=sim0
ip link set "$sim" netns c
ip -n c link set "$sim" up
p=$(pktgen_pps c "$sim" 10.95.0.1 c "$sim")
echo "bench: vdpa_sim_net: pps_64=$p"
jq -cn --arg kver "$KVER" --argjson pps "${p:-0}" \
	'{path: "vdpa_sim_net", kver: $kver, pps_64: $pps, tcp_mbps: null,
	  rtt_us_mean: null, rtt_us_p99: null}' >>"$rows"

# DPDK's testpmd over vhost-vdpa: txonly into venet's host netdev, and
# pktgen from the host netdev into testpmd (rxonly); the anchor, the same
# testpmd txonly on vdpa_sim_net. Each rate is read where the frames are
# completed, by the device's own `vdpa dev vstats` on the queue.
. "$VBUS_SRC/tests/lib/testpmd.sh"
# txonly_pps DEV NAME: testpmd's TX queue (1) completions per second.
txonly_pps() {
	tp_start txonly || return 1
	sleep 2
	a=$(vq_stat "$1" 1 "$2")
	sleep "$SECS"
	b=$(vq_stat "$1" 1 "$2")
	tp_quit
	echo $(((b - a) / SECS))
}
if modinfo -p vhost_vdpa | grep -q '^max_iotlb_entries'; then
	modprobe vhost_vdpa max_iotlb_entries=131072
else
	modprobe vhost_vdpa
fi
echo none >$CFS/buses/bench/connector
echo vhost >$CFS/buses/bench/connector
TP_DEV=/dev/$(basename "$(ls -d /sys/bus/vdpa/devices/bench0/vhost-vdpa-*)")
tx=$(txonly_pps bench0 completed_desc)
rx=
if tp_start rxonly; then
	a=$(vq_stat bench0 0 completed_desc)
	ns=$(pktgen h bench0 10.97.0.2 "$TP_MAC")
	sleep 1
	b=$(vq_stat bench0 0 completed_desc)
	tp_quit
	rx=$(((b - a) * 1000000000 / ns))
fi
echo "bench: dpdk-venet-vhost: pps_64 (testpmd txonly)=$tx pps_64_rx (pktgen to testpmd)=$rx"
vdpa dev add name sim1 mgmtdev vdpasim_net mac 02:00:00:00:00:bb
sleep 1
echo sim1 >/sys/bus/vdpa/drivers/virtio_vdpa/unbind
echo sim1 >/sys/bus/vdpa/drivers/vhost_vdpa/bind
TP_DEV=/dev/$(basename "$(ls -d /sys/bus/vdpa/devices/sim1/vhost-vdpa-*)")
stx=$(txonly_pps sim1 "tx packets")
echo "bench: dpdk-vdpa_sim_net: pps_64 (testpmd txonly)=$stx"
jq -cn --arg kver "$KVER" --argjson tx "${tx:-0}" --argjson rx "${rx:-0}" \
	'{path: "dpdk-venet-vhost", kver: $kver, pps_64: $tx, pps_64_rx: $rx,
	  tcp_mbps: null, rtt_us_mean: null, rtt_us_p99: null}' >>"$rows"
jq -cn --arg kver "$KVER" --argjson tx "${stx:-0}" \
	'{path: "dpdk-vdpa_sim_net", kver: $kver, pps_64: $tx, tcp_mbps: null,
	  rtt_us_mean: null, rtt_us_p99: null}' >>"$rows"

jq -s . "$rows" >"$VBUS_OUT/bench.json"
