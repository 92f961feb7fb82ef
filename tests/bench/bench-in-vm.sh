#!/bin/sh
# Runs inside the bench VM: the same measurements over veth (the anchor),
# venet on the native connector and venet on the virtio connector (served
# to virtio_net), between the same two network namespaces; and the pps of
# the kernel's vDPA simulator (vdpa_sim_net under virtio_net), the anchor
# for the virtio path; then DPDK's testpmd over the vhost connector against
# the same testpmd on vdpa_sim_net. Writes rows to $VBUS_OUT/bench.json.
set -u
# BENCH_* from make bench's environment (tests/bench/bench.sh).
# shellcheck disable=SC1091
[ -f "$VBUS_OUT/bench.env" ] && . "$VBUS_OUT/bench.env"
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

# pktgen_rate TX_NS TX_DEV DST RX_NS RX_DEV: 64-byte UDP frames sent with
# pktgen from TX_DEV to RX_DEV's MAC, counted where they arrive: packets
# per second received by RX_DEV in one run.
pktgen_rate() {
	mac=$(ip netns exec "$4" cat /sys/class/net/"$5"/address)
	rx=/sys/class/net/$5/statistics/rx_packets
	before=$(ip netns exec "$4" cat "$rx")
	ns=$(pktgen "$1" "$2" "$3" "$mac")
	sleep 1
	after=$(ip netns exec "$4" cat "$rx")
	echo $(((after - before) * 1000000000 / ns))
}

median() {	# median COUNT: the median of COUNT numbers on stdin
	sort -n | sed -n "$((($1 + 1) / 2))p"
}

# pktgen_pps: pktgen_rate's median of $RUNS runs (one run under TCG varies
# by a tenth either way).
pktgen_pps() {
	for _ in $(seq "$RUNS"); do
		pktgen_rate "$@"
	done | median "$RUNS"
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

# iperf3 pinned, client on CPU 0 and server on CPU 1, when there are two:
# unpinned, where the scheduler puts them moves one run by half.
PIN=
[ "$(nproc)" -ge 2 ] && PIN="-A 0,1"

# tcp H_ADDR: single-stream throughput, client to host, Mbit/s: the median
# of $RUNS runs.
tcp() {
	for _ in $(seq "$RUNS"); do
		ip netns exec h iperf3 -s -1 -D -p 5301 >/dev/null 2>&1
		sleep 1
		# shellcheck disable=SC2086 # $PIN is two words or none
		ip netns exec c iperf3 -c "$1" -p 5301 -t "$SECS" -O 1 $PIN -J |
			jq '.end.sum_received.bits_per_second / 1e6 | floor'
	done | median "$RUNS"
}

# rtt ADDR [NETNS]: "mean p50 p99" in microseconds over $RUNS rounds of
# 500 back-to-back pings (the mean moves with a few stalls of the TCG VM,
# the median does not).
rtt() {
	for _ in $(seq "$RUNS"); do
		${2:+ip netns exec "$2"} ping -c 500 -i 0 -W 1 "$1"
	done | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | sort -n |
		awk '{ v[NR] = $1 * 1000; s += v[NR] }
		     END { if (NR) printf "%d %d %d\n", s / NR,
				v[int(NR * 0.5 + 0.5)], v[int(NR * 0.99 + 0.5)] }'
}

measure() {	# measure PATH C_DEV H_DEV SUBNET [PPS]
	p=${5:-$(pps "$2" "$3" "$4.9")}
	t=$(tcp "$4.1")
	# shellcheck disable=SC2046 # rtt prints three words
	set -- "$1" "$p" "$t" $(rtt "$4.1" c)
	echo "bench: $1: pps_64=$2 tcp_mbps=$3 rtt_us_mean=$4 rtt_us_p50=$5 rtt_us_p99=$6"
	jq -cn --arg path "$1" --arg kver "$KVER" --argjson pps "${2:-0}" \
		--argjson tcp "${3:-0}" --argjson mean "${4:-0}" \
		--argjson p50 "${5:-0}" --argjson p99 "${6:-0}" \
		'{path: $path, kver: $kver, pps_64: $pps, tcp_mbps: $tcp,
		  rtt_us_mean: $mean, rtt_us_p50: $p50, rtt_us_p99: $p99}' >>"$rows"
}

# Round trips are only as fine as the clock: one run here had 0 and 4 ms
# pings only (mean 32 us, median 0): a coarse clock, its source unseen.
echo "bench: clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
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
ip link set sim0 netns c
ip -n c link set sim0 up
sleep 1

# venet over virtio against vdpa_sim_net, run for run in turn: the ratio
# of each pair, taken seconds apart, does not see the slow spells of the
# TCG host that move one path's runs against the other's by a third.
PAIRS=${BENCH_PAIRS:-5}
pairs=$(for _ in $(seq "$PAIRS"); do
	echo "$(pktgen_rate c "$client" 10.97.0.9 h bench0)" \
		"$(pktgen_rate c sim0 10.95.0.1 c sim0)"
done)
# shellcheck disable=SC2086 # the pairs on one line
echo "bench: venet-virtio vs vdpa_sim_net pps, pair by pair:" $pairs
vp=$(echo "$pairs" | cut -d' ' -f1 | median "$PAIRS")
sp=$(echo "$pairs" | cut -d' ' -f2 | median "$PAIRS")
ratio=$(echo "$pairs" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }' |
	median "$PAIRS")
measure venet-virtio "$client" bench0 10.97.0 "$vp"
echo "bench: vdpa_sim_net: pps_64=$sp; venet-virtio/vdpa_sim_net, median of $PAIRS pairs: $ratio"
jq -cn --arg kver "$KVER" --argjson pps "${sp:-0}" --argjson r "${ratio:-0}" \
	'{path: "vdpa_sim_net", kver: $kver, pps_64: $pps, tcp_mbps: null,
	  rtt_us_mean: null, rtt_us_p99: null, venet_virtio_pps_ratio: $r}' >>"$rows"

# BENCH_LOCAL=1: the paths above only (no DPDK, no nested guests), a few
# minutes a run, for comparing one change over several runs.
if [ "${BENCH_LOCAL:-0}" = 1 ]; then
	jq -s . "$rows" >"$VBUS_OUT/bench.json"
	exit 0
fi

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
	modprobe vhost_vdpa max_iotlb_entries=262144
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

# Nested KVM guests (tests/vm/guest.sh) with a stock virtio-net-pci and
# virtio_net: on a venet device over vhost-vdpa, on tap + vhost-net (the
# peer users pick), on vdpa_sim_net (use_va=0; it loops frames back to the
# guest, so pps only, counted on the guest's own receive side). TCP both
# ways; 64-byte pps with pktgen in the guest, counted where the frames
# arrive (the host netdev) over the guest's pktgen time (kvm-clock);
# round trips pinged from the test VM. One guest at a time.
GPKTS=${BENCH_GUEST_PKTS:-50000}
. "$VBUS_SRC/tests/lib/guest.sh"
# guest_row PATH BACKEND HOSTIF HOST_ADDR GUEST_ADDR [MAC]: HOSTIF and
# HOST_ADDR "-" when nothing is behind the guest's eth0.
guest_row() {
	_o=$VBUS_OUT/$1.out _pidf=/tmp/$1.pid _rx=/sys/class/net/$3/statistics/rx_packets
	_mac=-
	[ "$3" = - ] || _mac=$(cat /sys/class/net/"$3"/address)
	GUEST_TIMEOUT=900 GUEST_PIDFILE=$_pidf GUEST_OUT=$VBUS_OUT/guest-$1 \
		GUEST_MAC=${6:-52:54:00:12:34:56} \
		sh "$VBUS_SRC/tests/vm/guest.sh" "$2" "$VBUS_SRC/tests/guest/bench.sh" \
		"$4" "$5/24" "$_mac" "$SECS" "$GPKTS" >"$_o" 2>&1 &
	_gpid=$!
	_n=0 _rtt= _drop=
	# Frames the host netdev dropped on their way to the guest (venet:
	# no room in its RX ring), a lead when a row falls short.
	[ "$3" = - ] || _drop=$(cat /sys/class/net/"$3"/statistics/tx_dropped)
	if [ "$4" = - ]; then
		wait $_gpid
		_n=$(guest_val "$_o" self_rx)
	elif guest_up $_gpid "$5" && _rtt=$(rtt "$5") && guest_go $_gpid "$5" &&
		guest_go $_gpid "$5"; then
		# The guest waits 2 s after this go before its pktgen starts.
		_rx0=$(cat "$_rx")
		if guest_go $_gpid "$5"; then
			_n=$(($(cat "$_rx") - _rx0))
		fi
		kill -9 "$(cat "$_pidf")" 2>/dev/null
		wait $_gpid
	fi
	[ -z "$_drop" ] ||
		_drop=$(($(cat /sys/class/net/"$3"/statistics/tx_dropped) - _drop))
	_ns=$(guest_val "$_o" pktgen_ns)
	_pps=0
	[ "${_ns:-0}" -gt 0 ] && _pps=$((${_n:-0} * 1000000000 / _ns))
	_up=$(guest_val "$_o" tcp_up) _down=$(guest_val "$_o" tcp_down)
	set -- "$1" "$_pps" "${_up:-0}" "${_down:-0}" $_rtt
	echo "bench: $1: pps_64=$2 tcp_bps=$3 tcp_bps_down=$4 rtt_us_mean=${5:-} rtt_us_p50=${6:-} rtt_us_p99=${7:-} (guest booted in $(guest_val "$_o" boot) s; TCP runs up $(guest_val "$_o" tcp_up_runs), down $(guest_val "$_o" tcp_down_runs); host tx_dropped ${_drop:--})"
	# A guest killed after its last go leaves only its console (CRLF).
	tr -d '\r' <"$_o" | grep -qx done ||
		{ echo "bench: $1: the guest did not finish:"; cat "$_o"; }
	# Mbit/s with two decimals: a nested guest under TCG moves a few.
	jq -cn --arg path "$1" --arg kver "$KVER" --argjson pps "$2" \
		--argjson tcp "$3" --argjson down "$4" \
		--argjson mean "${5:-null}" --argjson p50 "${6:-null}" \
		--argjson p99 "${7:-null}" \
		'def mbps: . / 10000 | floor / 100;
		{path: $path, kver: $kver, pps_64: $pps, tcp_mbps: ($tcp | mbps),
		 tcp_mbps_down: ($down | mbps), rtt_us_mean: $mean, rtt_us_p50: $p50,
		 rtt_us_p99: $p99}' >>"$rows"
}
if modprobe kvm_amd 2>/dev/null || modprobe kvm_intel 2>/dev/null; then
	modprobe vhost_net
	iperf3 -s -p 5302 -D >/dev/null 2>&1
	mkdir $CFS/devices/venet/gbench0 $CFS/buses/gbench
	echo gbh0 >$CFS/devices/venet/gbench0/hostif
	ln -s $CFS/devices/venet/gbench0 $CFS/buses/gbench/devices/gbench0
	echo vhost >$CFS/buses/gbench/connector
	ip addr add 10.94.0.1/24 dev gbh0
	ip link set gbh0 up
	guest_row guest-venet \
		"/dev/$(basename "$(ls -d /sys/bus/vdpa/devices/gbench0/vhost-vdpa-*)")" \
		gbh0 10.94.0.1 10.94.0.2
	ip tuntap add dev gtap0 mode tap
	ip addr add 10.93.0.1/24 dev gtap0
	ip link set gtap0 up
	guest_row guest-vhost-net tap:gtap0 gtap0 10.93.0.1 10.93.0.2
	ip link del gtap0
	guest_row guest-vdpa-sim \
		"/dev/$(basename "$(ls -d /sys/bus/vdpa/devices/sim1/vhost-vdpa-*)")" \
		- - 10.92.0.2 02:00:00:00:00:bb
	pkill iperf3
else
	echo "bench: no KVM in the bench VM: no guest rows"
fi

jq -s . "$rows" >"$VBUS_OUT/bench.json"
