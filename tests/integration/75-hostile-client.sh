#!/bin/sh
# A hostile native client (tests/modules/vbus_hostile_client.c) attacks a
# venet device through its own shared rings: GSO types it never
# negotiated, a TX buffer outside its region, a TX index far ahead, empty
# RX buffers, random bytes over both rings. The device must drop what it
# cannot take, break the queue it cannot trust with a message naming it,
# keep the host responsive and not spin in softirq; the client unbinds
# and everything unloads without a leak. A slow client (small RX buffers,
# one a tick) gets every frame: the device holds a frame until enough
# buffers arrive instead of dropping it.
. "$(dirname "$0")/lib.sh"

D=$CFS/devices/venet
B=$CFS/buses/hb
t_check "modprobe vbus_venet vbus_native" \
	sh -c 'modprobe vbus_venet && modprobe vbus_native'
mkdir $D/hv0 $B
ln -s $D/hv0 $B/devices/hv0
ip netns add h
t_to_ns h hv0 10.95.0.1/24

rx_stat() {	# rx_stat FIELD: the host interface's counter
	ip netns exec h cat /sys/class/net/hv0/statistics/"$1"
}

softirq_ticks() {	# all CPUs' softirq time, in USER_HZ ticks
	awk '/^cpu / { print $8 }' /proc/stat
}

# host_sends [N [PAYLOAD]]: N (50) broadcast frames of PAYLOAD (46) bytes
# from the host to the client, so that it reads the client's RX ring.
host_sends() {
	ip netns exec h python3 -c '
import socket, sys
n, size = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("hv0", 0))
for _ in range(n):
    s.send(b"\xff" * 6 + b"\x02" + b"\x00" * 5 + b"\x08\x00" + b"\x00" * size)
' "${1:-50}" "${2:-46}"
}

attack() {	# attack NAME: the client attacks for 2 s; returns when it is done
	modprobe vbus_hostile_client attack="$1" seconds=2 || return 1
	put $B/connector native || return 1
	[ "$1" = rx-len ] && { sleep 0.5; host_sends; }
	sleep 3
}

stop_attack() {
	put $B/connector none && rmmod vbus_hostile_client
}

calm() {	# after an attack: the host still answers, softirq is quiet
	t_check "$1: the host interface still goes down and up" sh -c \
		"timeout 10 ip -n h link set hv0 down &&
		 timeout 10 ip -n h link set hv0 up"
	_s0=$(softirq_ticks)
	sleep 2
	_s1=$(softirq_ticks)
	# 2 s of 2 CPUs is 400 ticks: a spinning NAPI would take most.
	t_check "$1: softirq time over 2 s is small ($((_s1 - _s0)) ticks)" \
		test $((_s1 - _s0)) -lt 100
}

before=$(rx_stat rx_frame_errors)
_before=$(dmesg | wc -l)
t_check "gso: the client sends GSO types it never negotiated" attack gso
probe_said() {	# probe_said WHAT ERRNO: the client's API abuse was refused
	dmesg | tail -n +$((_before + 1)) | grep -q "$1: -$2\$"
}
t_check "open with features never offered is EINVAL" \
	probe_said "features never offered" 22
t_check "open twice is EBUSY" probe_said "open twice" 16
t_check "start before the rings is EINVAL" probe_said "start without rings" 22
t_check "a ring for a queue the device lacks is EINVAL" \
	probe_said "ring for a queue the device lacks" 22
t_check "registering a ring twice is EBUSY" \
	probe_said "ring registered twice" 16
after=$(rx_stat rx_frame_errors)
t_check "gso: the device dropped them as frame errors ($before -> $after)" \
	test "$after" -gt "$before"
t_check "gso: the good frames before them were received" \
	test "$(rx_stat rx_packets)" -gt 0
calm gso
t_check "gso: the client unbinds, the device resets" stop_attack

for a in tx-addr tx-index rx-len; do
	q=1
	[ $a = rx-len ] && q=0
	_before=$(dmesg | wc -l)
	t_check "$a: the client attacks" attack $a
	t_check "$a: the device broke queue hv0/$q, and said so" sh -c \
		"dmesg | tail -n +$((_before + 1)) | grep -q 'queue hv0/$q: malformed ring, stopped'"
	calm $a
	t_check "$a: the client unbinds, the device resets" stop_attack
done

t_check "scribble: random bytes over both rings" attack scribble
calm scribble
t_check "scribble: the client unbinds, the device resets" stop_attack

# 20 frames of 1514 bytes, each seven of the client's 256-byte buffers,
# which come one a tick (4 ms): the device must wait for them, not drop.
# The client counts for 8 s (python's start alone takes seconds here).
ip netns exec h sysctl -qw net.ipv6.conf.hv0.disable_ipv6=1
_before=$(dmesg | wc -l)
t_check "rx-slow: a client posts small RX buffers, one a tick" sh -c "
	modprobe vbus_hostile_client attack=rx-slow seconds=8 &&
	echo native > $B/connector"
drop0=$(rx_stat tx_dropped)
host_sends 20 1500
slow_done() { dmesg | tail -n +$((_before + 1)) | grep 'rx-slow done'; }
for _i in $(seq 30); do
	[ -z "$(slow_done)" ] || break
	sleep 0.5
done
t_eq "rx-slow: the host dropped none of the 20 frames" 0 \
	$(($(rx_stat tx_dropped) - drop0))
t_check "rx-slow: the client received all 20 frames, whole" sh -c \
	"dmesg | tail -n +$((_before + 1)) | grep -q 'attack rx-slow done, 0 frames sent, 20 received (30520 bytes)'"
t_diag "$(slow_done)"
t_check "rx-slow: the client unbinds, the device resets" stop_attack

t_check "a well-behaved client works on the same device afterwards" sh -c "
	modprobe vbus_venet_client && echo native > $B/connector &&
	c=\$(ls /sys/bus/vbus-proxy/devices/hv0/net) &&
	ip addr add 10.95.0.2/24 dev \$c && ip link set \$c up &&
	ping -c 2 -W 2 10.95.0.1"
put $B/connector none
ip netns del h
sleep 1
t_check "teardown" sh -c "rm $B/devices/hv0 && rmdir $D/hv0 $B"
t_check "every module unloads" t_unload
t_kmemleak "kmemleak finds nothing after the attacks"
t_done
