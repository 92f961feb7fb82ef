#!/bin/sh
# Races a user (or an attacker) can start from the shell, each repeated:
# ln -s of a device racing its rmdir, connect racing detach, rmmod racing
# mkdir, and hot-unplug under traffic on both connectors. The harness
# fails the run on any splat; afterwards everything unloads and kmemleak
# finds nothing. STRESS=1 (make stress) runs the long versions.
. "$(dirname "$0")/lib.sh"

if [ "${STRESS:-0}" = 1 ]; then
	N_LINK=3000 N_CONN=500 N_RMMOD=100 N_UNPLUG=1000 N_NETDEV=50
else
	N_LINK=150 N_CONN=30 N_RMMOD=20 N_UNPLUG=20 N_NETDEV=10
fi
D=$CFS/devices/ref
RACES="python3 $VBUS_SRC/tests/tools/races.py"
B=$CFS/buses/race
t_check "modprobe vbus_ref vbus_testconn vbus_native vbus_ref_client" sh -c \
	'modprobe vbus_ref && modprobe vbus_testconn && modprobe vbus_native &&
	 modprobe vbus_ref_client'
mkdir $B

# ln -s into a bus racing rmdir of the device (two threads released
# together): either the link is made and the device stays (rmdir
# refused), or neither is left.
t_check "$N_LINK x ln -s racing rmdir: consistent, nothing left" \
	$RACES link-rmdir $D $B "$N_LINK"
t_eq "no device left on the bus" "" "$(ls $B/devices)"

# Connect racing hot-plug and hot-unplug of the same device.
conn_vs_detach() {
	mkdir $D/cd || return 1
	i=0
	while [ $i -lt "$N_CONN" ]; do
		i=$((i + 1))
		ln -s $D/cd $B/devices/cd 2>/dev/null
		(echo native >$B/connector) 2>/dev/null &
		rm -f $B/devices/cd
		wait
		(echo none >$B/connector) 2>/dev/null
	done
	rm -f $B/devices/cd
	echo none >$B/connector && rmdir $D/cd
}
t_check "$N_CONN x connect racing attach and detach" conn_vs_detach
t_eq "no proxy device left" "" "$(ls /sys/bus/vbus-proxy/devices 2>/dev/null)"

# rmmod of the class racing mkdir of its devices: refused while a
# device exists, never a device without its class.
rmmod_vs_mkdir() {
	i=0
	while [ $i -lt "$N_RMMOD" ]; do
		i=$((i + 1))
		modprobe vbus_ref || return 1
		(mkdir $D/m$i && rmdir $D/m$i) 2>/dev/null &
		rmmod vbus_ref 2>/dev/null
		wait
	done
	modprobe vbus_ref
}
t_check "$N_RMMOD x rmmod of the class racing mkdir" rmmod_vs_mkdir
t_eq "no device left" "" "$(ls /sys/bus/vbus/devices)"
rmdir $B

# Hot-unplug under traffic, over both connectors, with venet.
t_check "modprobe venet, its client, the virtio connector and virtio_net" \
	sh -c 'modprobe vbus_venet && modprobe vbus_venet_client &&
	       { modprobe vbus_virtio && modprobe virtio_net || true; }'
mkdir $CFS/devices/venet/u0 $CFS/buses/u
ip netns add h
t_to_ns h u0 10.96.0.1/24
# Traffic both ways the whole time: the host floods the client's address
# with pings (its RX queue), the client answers (its TX queue).
unplug_under_traffic() {	# unplug_under_traffic CONNECTOR
	put $CFS/buses/u/connector "$1" || return 1
	ip netns exec h ping -f -q 10.96.0.2 >/dev/null 2>&1 &
	flood=$!
	$RACES unplug $CFS/devices/venet/u0 $CFS/buses/u "$1" 10.96.0.2/24 \
		"$N_UNPLUG"
	rc=$?
	kill $flood
	wait $flood 2>/dev/null
	[ -L $CFS/buses/u/devices/u0 ] && rm $CFS/buses/u/devices/u0
	put $CFS/buses/u/connector none
	[ $rc = 0 ] && [ ! -L $CFS/buses/u/devices/u0 ]
}
t_check "$N_UNPLUG x hot-plug and unplug under a ping flood, native" \
	unplug_under_traffic native
if [ -d /sys/module/vbus_virtio ]; then
	t_check "$N_UNPLUG x hot-plug and unplug under a ping flood, virtio" \
		unplug_under_traffic virtio
else
	t_ok "hot-unplug under a ping flood, virtio # SKIP no vbus_virtio"
fi
t_check "the host interface survived every unplug" \
	ip -n h link show u0
ip netns del h

# hostif replaces the host interface while others read its counters.
hostif_vs_stats() {
	i=0
	while [ $i -lt "$N_NETDEV" ]; do
		i=$((i + 1))
		for n in 1 2 3; do
			ethtool -S ux 2>/dev/null >/dev/null
			ip -s link show ux 2>/dev/null >/dev/null
			ethtool -S u0 2>/dev/null >/dev/null
		done &
		put $CFS/devices/venet/u0/hostif ux || return 1
		put $CFS/devices/venet/u0/hostif u0 || return 1
		wait
	done
}
t_check "$N_NETDEV x hostif replaced twice while its counters are read" \
	hostif_vs_stats

# The client changes its MTU (laying its rings out again) while the bus
# is disconnected under it.
mtu_vs_disconnect() {
	put /sys/module/vbus_venet_client/parameters/offload 0
	ln -s $CFS/devices/venet/u0 $CFS/buses/u/devices/u0 || return 1
	i=0
	while [ $i -lt "$N_NETDEV" ]; do
		i=$((i + 1))
		put $CFS/buses/u/connector native || return 1
		c=$(ls /sys/bus/vbus-proxy/devices/u0/net 2>/dev/null)
		ip link set "$c" up 2>/dev/null
		(ip link set "$c" mtu 6000; ip link set "$c" mtu 1500) \
			2>/dev/null &
		put $CFS/buses/u/connector none || return 1
		wait
	done
	rm $CFS/buses/u/devices/u0
	put /sys/module/vbus_venet_client/parameters/offload 1
}
t_check "$N_NETDEV x client MTU change racing disconnect" mtu_vs_disconnect
sleep 1
t_check "teardown" sh -c "rmdir $CFS/devices/venet/u0 $CFS/buses/u"
t_check "every module unloads" t_unload
t_kmemleak "kmemleak finds nothing after the races"
t_done
