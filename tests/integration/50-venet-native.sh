#!/bin/sh
# venet over the native connector, end to end: the host netdev in one
# network namespace, the client netdev in another; ping both ways, TCP both
# ways, a payload checked byte for byte, MTU 9000, link down/up, hot-unplug
# and re-plug under traffic, rmmod refusals.
. "$(dirname "$0")/lib.sh"

D=$CFS/devices/venet
t_check "modprobe vbus_venet vbus_native vbus_venet_client" \
	sh -c 'modprobe vbus_venet && modprobe vbus_native && modprobe vbus_venet_client'
t_check "mkdir a venet device" mkdir $D/ve0
t_check "its host interface exists, named after it" ip link show ve0
t_errno "a malformed mac is EINVAL" EINVAL ve0 put $D/ve0/mac 02:00:00:00:00
t_errno "a multicast mac is EINVAL" EINVAL ve0 put $D/ve0/mac 01:00:5e:00:00:01
t_errno "mtu out of range is EINVAL" EINVAL ve0 put $D/ve0/mtu 10000
t_check "mtu is decimal: 01500 is 1500, not octal" put $D/ve0/mtu 01500
t_eq "read back" 1500 "$(cat $D/ve0/mtu)"
t_errno "a hex mtu is EINVAL" EINVAL ve0 put $D/ve0/mtu 0x5dc
t_check "writing hostif its own name is a no-op" put $D/ve0/hostif ve0
t_check "the configfs stats attribute is gone (ip -s, ethtool -S)" \
	test ! -e $D/ve0/stats
t_check "set the client mac" put $D/ve0/mac 02:00:00:00:00:02
t_check "rename the host interface" put $D/ve0/hostif vhost0
t_check "the host interface has its new name" ip link show vhost0
t_errno "an invalid interface name is EINVAL" EINVAL ve0 put $D/ve0/hostif "a b"

mkdir $CFS/buses/net
ln -s $D/ve0 $CFS/buses/net/devices/ve0
t_check "connect natively" put $CFS/buses/net/connector native
client=$(ls /sys/bus/vbus-proxy/devices/ve0/net 2>/dev/null)
t_check "the client netdev appeared" test -n "$client"
t_eq "with the configured mac" 02:00:00:00:00:02 \
	"$(cat /sys/class/net/$client/address 2>/dev/null)"
t_eq "ethtool -i names the client driver" "driver: vbus_venet_client" \
	"$(ethtool -i "$client" 2>/dev/null | head -n 1)"
t_eq "ethtool -i names the host driver" "driver: vbus_venet" \
	"$(ethtool -i vhost0 | head -n 1)"
t_errno "mtu is frozen while connected" EBUSY ve0 put $D/ve0/mtu 1400
t_check "ethtool -k works on both ends" sh -c \
	"ethtool -k vhost0 >/dev/null && ethtool -k $client >/dev/null"
t_check "the client negotiated checksum offload" sh -c \
	"ethtool -k $client | grep -q '^tx-checksumming: on'"
t_check "the client negotiated TSO" sh -c \
	"ethtool -k $client | grep -q '^tcp-segmentation-offload: on'"

setup_ns() {
	ip netns add h && ip netns add c &&
		t_to_ns h vhost0 10.99.0.1/24 && t_to_ns c "$client" 10.99.0.2/24 &&
		ip -n h link set lo up && ip -n c link set lo up
}
t_check "host and client in two namespaces" setup_ns
t_check "ping client from host" ip netns exec h ping -c 3 -i 0.2 -W 2 10.99.0.2
t_check "ping host from client" ip netns exec c ping -c 3 -i 0.2 -W 2 10.99.0.1
t_check "a flood of 200 pings loses none" sh -c \
	"ip netns exec c ping -f -c 200 -W 2 10.99.0.1 | grep -q ' 0% packet loss'"

t_iperf_server h 5201
t_check "iperf3 TCP client to host" \
	ip netns exec c iperf3 -c 10.99.0.1 -p 5201 -t 3 -J -O 0
t_iperf_server c 5202
t_check "iperf3 TCP host to client" \
	ip netns exec h iperf3 -c 10.99.0.2 -p 5202 -t 3 -O 0

# Payloads checked end to end, both ways: 2 MB of random bytes over TCP.
t_payload
t_eq "2 MB client to host arrive intact (sha256)" "$T_WANT" "$(t_transfer c h 10.99.0.1)"
t_eq "2 MB host to client arrive intact (sha256)" "$T_WANT" "$(t_transfer h c 10.99.0.2)"

ip -n h link set vhost0 down
t_check "host link down: the client loses carrier" t_carrier c "$client" 0
ip -n h link set vhost0 up
t_check "host link up: the client has carrier again" t_carrier c "$client" 1
t_check "link down on the client" ip -n c link set "$client" down
t_check "client link down: the host loses carrier" t_carrier h vhost0 0
t_check "no ping while down" sh -c "! ip netns exec h ping -c 1 -W 1 10.99.0.2"
t_check "link up again" ip -n c link set "$client" up
t_check "client link up: the host has carrier again" t_carrier h vhost0 1
t_check "ping after link up" ip netns exec h ping -c 2 -W 2 10.99.0.2

t_in_use "rmmod vbus_venet while in use is refused" vbus_venet
t_in_use "rmmod vbus_native while connected is refused" vbus_native

# Hot-unplug under traffic, then re-plug.
t_iperf_server h 5203
(ip netns exec c iperf3 -c 10.99.0.1 -p 5203 -t 8 >/tmp/iperf-unplug.log 2>&1; echo $? >/tmp/iperf-unplug.rc) &
sleep 3
t_check "hot-unplug under iperf3" rm $CFS/buses/net/devices/ve0
t_check "the client netdev is gone" sh -c "! ip -n c link show $client 2>/dev/null"
t_check "re-plug" ln -s $D/ve0 $CFS/buses/net/devices/ve0
client2=$(ls /sys/bus/vbus-proxy/devices/ve0/net 2>/dev/null)
to_c() {	# to_c IF: a new client interface into c, addressed, pinged
	t_to_ns c "$1" 10.99.0.2/24 && t_wait_ping h 10.99.0.2
}
t_check "traffic flows again after re-plug" to_c "$client2"
# The interrupted iperf3 either resumes over the new interface or fails:
# either way it ends, within TCP's patience.
for i in $(seq 60); do
	[ -f /tmp/iperf-unplug.rc ] && break
	sleep 1
done
t_check "the iperf3 cut by the unplug ended (status $(cat /tmp/iperf-unplug.rc 2>/dev/null))" \
	test -f /tmp/iperf-unplug.rc
pkill iperf3

# MTU changes while running. With TSO the buffers hold 64 KiB already;
# without offloads (offload=0) a larger MTU flushes and refills the rings.
mtu_ping() {	# mtu_ping IF MTU: both ends at MTU, DF pings of its size
	ip -n c link set "$1" mtu "$2" && ip -n h link set vhost0 mtu "$2" &&
		ip netns exec h ping -c 2 -W 2 -M do -s $(($2 - 28)) 10.99.0.2
}
t_check "client MTU 4000 while running (TSO buffers)" mtu_ping "$client2" 4000
ip -n h link set vhost0 mtu 1500
t_check "reload the client without offloads" sh -c \
	"modprobe -r vbus_venet_client && modprobe vbus_venet_client offload=0"
client2=$(ls /sys/bus/vbus-proxy/devices/ve0/net 2>/dev/null)
t_check "no offload negotiated" sh -c \
	"ethtool -k $client2 | grep -q '^tcp-segmentation-offload: off'"
t_check "traffic without offloads" to_c "$client2"
t_check "client MTU 6000 while running refills the rings" mtu_ping "$client2" 6000
t_check "and back to 1500" mtu_ping "$client2" 1500
t_iperf_server c 5204
t_check "iperf3 host to client without offloads" \
	ip netns exec h iperf3 -c 10.99.0.2 -p 5204 -t 2 -O 0
modprobe -r vbus_venet_client && modprobe vbus_venet_client

t_check "MTU 9000: disconnect, set, reconnect" sh -c "
	echo none > $CFS/buses/net/connector &&
	echo 9000 > $D/ve0/mtu &&
	echo native > $CFS/buses/net/connector"
client3=$(ls /sys/bus/vbus-proxy/devices/ve0/net 2>/dev/null)
jumbo() {
	ip link set "$client3" mtu 9000 && t_to_ns c "$client3" 10.99.0.2/24 &&
		ip -n h link set vhost0 mtu 9000 &&
		ip netns exec h ping -c 2 -W 2 -M do -s 8972 10.99.0.2
}
t_check "8972-byte pings with DF set cross at MTU 9000" jumbo
ip -n h -s link show vhost0 | sed 's/^/# /'
t_check "ethtool -S on the host counts the client's frames" sh -c \
	"ip netns exec h ethtool -S vhost0 | awk '/rx_packets/ { exit !(\$2 > 1000) }'"
t_check "ethtool -S on the client counts the host's frames" sh -c \
	"ip netns exec c ethtool -S $client3 | awk '/rx_packets/ { exit !(\$2 > 0) }'"

t_check "disconnect" put $CFS/buses/net/connector none
t_check "the host interface stays, link down" sh -c \
	"ip -n h link show vhost0 | grep -q 'NO-CARRIER\|state DOWN'"
ip netns del c
ip netns del h
sleep 1
t_check "teardown" sh -c "rm $CFS/buses/net/devices/ve0 && rmdir $D/ve0 $CFS/buses/net"
t_check "unload" modprobe -r vbus_venet_client vbus_native vbus_venet vbus
t_kmemleak "kmemleak finds nothing after venet traffic"
t_done
