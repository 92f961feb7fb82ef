#!/bin/sh
# venet over the "vhost" connector: the device bound to vhost_vdpa, its
# char device, vdpa dev show, vbusctl show, a reconnect; then driven from
# userspace through /dev/vhost-vdpa-N by DPDK's virtio_user (testpmd
# answering ARP and ping): its MAC written into the config space, the
# per-queue counters of vdpa dev vstats. The host pings it; frames are
# counted exactly both ways; a disconnect while testpmd holds the device
# open is refused; kill -9 under traffic, three times (50 in make
# stress), leaves the device usable by the next process and nothing
# pinned; an unlink while it is open does not hang, and the device
# leaves vDPA when the process goes.
. "$(dirname "$0")/lib.sh"

D=$CFS/devices/venet
B=$CFS/buses/vh

t_vhost_vdpa
t_check "modprobe vbus_venet vbus_virtio" sh -c \
	'modprobe vbus_venet && modprobe vbus_virtio'
mkdir $D/vh0 $B
put $D/vh0/mac 02:00:00:00:00:05
put $D/vh0/hostif vhh0
ln -s $D/vh0 $B/devices/vh0
t_check "connect vhost" put $B/connector vhost
t_eq "vh0 is bound to vhost_vdpa" vhost_vdpa \
	"$(basename "$(readlink /sys/bus/vdpa/devices/vh0/driver)")"
cdev=$(basename "$(ls -d /sys/bus/vdpa/devices/vh0/vhost-vdpa-* 2>/dev/null)")
t_check "its char device /dev/$cdev" test -c "/dev/$cdev"
t_check "no virtio device: no driver in this kernel drives it" sh -c \
	"! ls -d /sys/bus/vdpa/devices/vh0/virtio* 2>/dev/null"

t_eq "vdpa dev show: vbus_virtio's network device" "vbus_virtio network" \
	"$(vdpa -j dev show vh0 | jq -r '.dev.vh0 | "\(.mgmtdev) \(.type)"')"
t_check "vbusctl show names /dev/$cdev" sh -c \
	"sh $VBUS_SRC/configfs-scripts/vbusctl show |
	 grep -q 'vh0 (venet).*\\[vdpa: vhost_vdpa /dev/$cdev\\]'"
t_check "nobody holds it: disconnect and reconnect" sh -c \
	"echo none > $B/connector && echo vhost > $B/connector"
cdev=$(basename "$(ls -d /sys/bus/vdpa/devices/vh0/vhost-vdpa-* 2>/dev/null)")
t_check "its char device is back: /dev/$cdev" test -c "/dev/$cdev"

# IPv6 off: the host sends only what the tests send (exact counts).
if [ -e /proc/sys/net/ipv6/conf/vhh0 ]; then
	echo 1 >/proc/sys/net/ipv6/conf/vhh0/disable_ipv6
fi
ip addr add 10.97.0.1/24 dev vhh0
ip link set vhh0 up

. "$VBUS_SRC/tests/lib/testpmd.sh"
T_CLEANUP="tp_kill; tp_gone"
# testpmd: icmpecho (answers ARP and ping) on this script's device.
testpmd() {
	TP_DEV=/dev/$cdev
	tp_start icmpecho
}
pings() { ping -c "$1" -i 0.2 -W 2 10.97.0.2 >/dev/null; }
# A link may take a moment: testpmd starts polling after DRIVER_OK.
ping_ok() {
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		ping -c 1 -W 1 10.97.0.2 >/dev/null 2>&1 && break
	done
	pings 5
}
nstat() { cat /sys/class/net/vhh0/statistics/"$1"; }
# Wait until counter $1 of the host interface stops moving; print it.
settled() {
	_a=$(nstat "$1")
	while sleep 1; do
		_b=$(nstat "$1")
		[ "$_a" = "$_b" ] && break
		_a=$_b
	done
	echo "$_a"
}
pinned0=$(t_pinned)
unpinned() { t_unpinned "$pinned0"; }

# Every frame is counted exactly, both ways, from before testpmd starts
# (with IPv6 off the host sends only what the tests send): the pings and
# their ARP, and N frames of an EtherType that testpmd counts and drops.
N=1000
rx0=$(nstat rx_packets)
tx0=$(nstat tx_packets)
txd0=$(nstat tx_dropped)
t_check "testpmd attaches to /dev/$cdev through virtio_user" testpmd
t_check "the host pings testpmd through venet" ping_ok
t_check "a flood of 300 pings loses none" sh -c \
	"ping -f -c 300 -W 2 10.97.0.2 | grep -q ' 0% packet loss'"
nf=$(vdpa -j dev config show vh0 | jq -r '.config.vh0.negotiated_features | join(" ")')
t_diag "negotiated: $nf"
t_check "VERSION_1 and ACCESS_PLATFORM negotiated" sh -c \
	"echo '$nf' | grep -q VERSION_1 && echo '$nf' | grep -q ACCESS_PLATFORM"
t_eq "testpmd's MAC, written into the config space, is the device's" \
	02:00:00:00:00:42 "$(cat $D/vh0/mac)"
t_check "vdpa dev vstats: queue 0 completed the host's frames" \
	test "$(vq_stat vh0 0 completed_desc)" -ge 300
t_check "vdpa dev vstats: queue 1 received testpmd's replies" \
	test "$(vq_stat vh0 1 received_desc)" -ge 300
t_eq "vdpa dev vstats: queue 1 is not broken" 0 "$(vq_stat vh0 1 broken)"
t_eq "the host interface has carrier" 1 "$(cat /sys/class/net/vhh0/carrier)"

t_errno "disconnect while testpmd holds it open: EBUSY naming vh0" EBUSY \
	"device vh0: its vhost-vdpa char device is held open" \
	put $B/connector none
t_check "traffic still flows" pings 3
t_check "testpmd pins its memory while it runs" test "$(t_pinned)" -gt "$pinned0"
t_check "the host sends $N frames to testpmd's MAC" python3 \
	"$VBUS_SRC/tests/tools/ethsend.py" vhh0 02:00:00:00:00:42 $N
rx=$(settled rx_packets)
tx=$(nstat tx_packets)
t_check "testpmd quits and prints its statistics" tp_quit
t_eq "testpmd received exactly what the host sent" \
	"$((tx - tx0))" "$(tp_stat RX-packets)"
t_check "that is the $N frames and more than 300 pings" \
	test "$((tx - tx0))" -gt $((N + 300))
t_eq "the host dropped none" 0 "$(($(nstat tx_dropped) - txd0))"
t_eq "the host received exactly what testpmd sent" \
	"$(tp_stat TX-packets)" "$((rx - rx0))"
t_check "that is more than 300 replies" test "$((rx - rx0))" -gt 300

# kill -9 under a ping flood, three times (10 in make stress), each time
# a new testpmd opening the device again; then nothing it pinned stays
# pinned.
killed() {
	for _c in $(seq "$1"); do
		testpmd || { echo "cycle $_c: testpmd did not start"; return 1; }
		ping_ok || { echo "cycle $_c: no ping"; return 1; }
		ping -f -c 100000 -W 1 10.97.0.2 >/dev/null 2>&1 &
		sleep 1
		tp_kill
		kill $! 2>/dev/null
		tp_gone || { echo "cycle $_c: testpmd did not die"; return 1; }
	done
}
KILLS=3
[ "${STRESS:-0}" = 1 ] && KILLS=10
t_check "kill -9 testpmd under a ping flood, $KILLS times over" killed $KILLS
t_check "nothing stays pinned" unpinned
# The process closes the device only after its exit unpinned its memory:
# seconds under TCG. Until then EBUSY is the right answer.
closed_put() {
	for _i in $(seq 40); do
		put "$@" 2>/dev/null && return 0
		sleep 0.5
	done
	put "$@"
}
t_check "disconnect once testpmd has closed it" closed_put $B/connector none
t_check "reconnect vhost" put $B/connector vhost
cdev=$(basename "$(ls -d /sys/bus/vdpa/devices/vh0/vhost-vdpa-* 2>/dev/null)")

# Unlinking cannot be refused: the device is cut off from the process at
# once, and leaves vDPA when the process closes it.
t_check "testpmd on the reconnected device" testpmd
t_check "pings" ping_ok
t_check "unlink while testpmd holds it open returns" \
	timeout 20 rm $B/devices/vh0
t_eq "vh0 is on no bus" "" "$(cat $D/vh0/bus)"
t_check "no ping reaches testpmd any more" sh -c "! pings 2"
tp_kill
gone() {
	for _i in $(seq 20); do
		[ -d /sys/bus/vdpa/devices/vh0 ] || return 0
		sleep 0.5
	done
	return 1
}
t_check "once testpmd is gone, vh0 leaves vDPA" gone
t_check "re-link and connect vhost again" sh -c \
	"ln -s $D/vh0 $B/devices/vh0 && echo vhost > $B/connector"
cdev=$(basename "$(ls -d /sys/bus/vdpa/devices/vh0/vhost-vdpa-* 2>/dev/null)")
t_check "testpmd again" testpmd
t_check "pings again" ping_ok
tp_kill

t_check "disconnect once testpmd has closed it, again" \
	closed_put $B/connector none
t_check "teardown" sh -c "rm $B/devices/vh0 && rmdir $D/vh0 $B"
t_check "unload" modprobe -r vbus_virtio vbus_venet vbus
t_check "nothing stays pinned, at the end" unpinned
t_kmemleak "kmemleak finds nothing after vhost traffic and kill -9"
t_done
