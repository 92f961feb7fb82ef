#!/bin/sh
# venet over the virtio connector, served to the kernel's own virtio_net:
# the host netdev in one namespace, virtio_net's interface in another; ping,
# TCP both ways, payloads checked byte for byte, offloads negotiated, link
# changes from the host side, driver unbind/bind and reload, hot-unplug and
# re-plug under traffic, switching the bus between native and virtio,
# MTU 9000, the reference class served as a virtio device too, rmmod
# refusals.
. "$(dirname "$0")/lib.sh"

D=$CFS/devices/venet
B=$CFS/buses/vnet
t_check "modprobe vbus_venet vbus_virtio virtio_net vbus_ref" sh -c \
	'modprobe vbus_venet && modprobe vbus_virtio && modprobe virtio_net && modprobe vbus_ref'
mkdir $D/ve0 $B $CFS/devices/ref/r0
put $D/ve0/mac 02:00:00:00:00:03
put $D/ve0/hostif vhost0

# Every class with a device interface is served, the reference class too:
# a virtio device with its device id, which no virtio driver claims.
ln -s $CFS/devices/ref/r0 $B/devices/r0
t_check "connect virtio with a ref device on the bus" put $B/connector virtio
t_eq "r0 is a virtio device with the ref device id" 0xfffe \
	"$(cat /sys/bus/vdpa/devices/r0/virtio*/device 2>/dev/null)"
t_check "no virtio driver claims it" sh -c \
	"! ls /sys/bus/vdpa/devices/r0/virtio*/driver 2>/dev/null"
t_check "hot-unplug r0, disconnect" sh -c \
	"rm $B/devices/r0 && echo none > $B/connector"
t_check "r0's virtio device is gone" sh -c \
	"! ls -d /sys/bus/vdpa/devices/r0/virtio* 2>/dev/null"

ln -s $D/ve0 $B/devices/ve0
t_check "connect virtio" put $B/connector virtio
vnet() { ls /sys/bus/vdpa/devices/ve0/virtio*/net 2>/dev/null; }
client=$(vnet)

# Every device is a vDPA device, listed by iproute2 like any other.
t_eq "ve0 is bound to virtio_vdpa" virtio_vdpa \
	"$(basename "$(readlink /sys/bus/vdpa/devices/ve0/driver)")"
t_eq "by its driver override" virtio_vdpa \
	"$(cat /sys/bus/vdpa/devices/ve0/driver_override)"
t_eq "vdpa mgmtdev show lists vbus_virtio" vbus_virtio \
	"$(vdpa -j mgmtdev show | jq -r '.mgmtdev | keys[]' | grep vbus)"
t_eq "vdpa dev show: a network device of vbus_virtio with 2 queues" \
	"vbus_virtio network 2" \
	"$(vdpa -j dev show ve0 | jq -r '.dev.ve0 | "\(.mgmtdev) \(.type) \(.max_vqs)"')"
t_eq "vdpa dev config show: the configured mac" 02:00:00:00:00:03 \
	"$(vdpa -j dev config show ve0 | jq -r '.config.ve0.mac')"
t_check "vdpa dev add on vbus_virtio is refused" sh -c \
	"! vdpa dev add name nope mgmtdev vbus_virtio 2>/dev/null"
t_check "virtio_net made an interface" test -n "$client"
t_eq "ethtool -i says virtio_net" "driver: virtio_net" \
	"$(ethtool -i "$client" 2>/dev/null | head -n 1)"
t_eq "with the configured mac" 02:00:00:00:00:03 \
	"$(cat /sys/class/net/$client/address 2>/dev/null)"
t_check "checksum offload negotiated" sh -c \
	"ethtool -k $client | grep -q '^tx-checksumming: on'"
t_check "TSO negotiated" sh -c \
	"ethtool -k $client | grep -q '^tcp-segmentation-offload: on'"
t_check "virtio_net is bound to the device" sh -c \
	"ls -l /sys/bus/vdpa/devices/ve0/virtio*/driver | grep -q virtio_net"
t_in_use "rmmod vbus_virtio while connected is refused" vbus_virtio
t_check "hot-plug a ref device into the connected bus, and out" sh -c \
	"ln -s $CFS/devices/ref/r0 $B/devices/r0 &&
	 ls -d /sys/bus/vdpa/devices/r0/virtio* && rm $B/devices/r0"

ip netns add h
ip netns add c
ip link set vhost0 netns h
ip -n h addr add 10.98.0.1/24 dev vhost0
ip -n h link set vhost0 up
ip -n h link set lo up
ip -n c link set lo up
to_c() { t_to_ns c "$1" 10.98.0.2/24; }
wait_ping() { t_wait_ping h 10.98.0.2; }
retarget() { to_c "$1" && wait_ping; }
t_check "virtio_net's interface in its own namespace" to_c "$client"
t_check "ping virtio_net from the host" wait_ping
t_check "ping the host from virtio_net" \
	ip netns exec c ping -c 3 -i 0.2 -W 2 10.98.0.1
t_check "a flood of 200 pings loses none" sh -c \
	"ip netns exec c ping -f -c 200 -W 2 10.98.0.1 | grep -q ' 0% packet loss'"

t_iperf_server h 5301
t_check "iperf3 TCP virtio_net to host" \
	ip netns exec c iperf3 -c 10.98.0.1 -p 5301 -t 3 -O 0
t_iperf_server c 5302
t_check "iperf3 TCP host to virtio_net" \
	ip netns exec h iperf3 -c 10.98.0.2 -p 5302 -t 3 -O 0
ip -n h -s link show vhost0 | sed 's/^/# /'

t_payload
t_eq "2 MB virtio_net to host arrive intact (sha256)" "$T_WANT" \
	"$(t_transfer c h 10.98.0.1)"
t_eq "2 MB host to virtio_net arrive intact (sha256)" "$T_WANT" \
	"$(t_transfer h c 10.98.0.2)"
t_eq "no frame from virtio_net was malformed" "0 0" \
	"$(ip -n h -j -s link show vhost0 | jq -r '.[0].stats64.rx | "\(.errors) \(.dropped)"')"

ip -n h link set vhost0 down
t_check "host link down: virtio_net loses carrier" t_carrier c "$client" 0
ip -n h link set vhost0 up
t_check "host link up: virtio_net has carrier again" t_carrier c "$client" 1
t_check "ping after the link came back" wait_ping

vdev=$(basename "$(dirname "$(ls -d /sys/bus/vdpa/devices/ve0/virtio*/net)")")
t_check "unbind virtio_net" put /sys/bus/virtio/drivers/virtio_net/unbind "$vdev"
t_check "its interface is gone" sh -c "! ip -n c link show $client 2>/dev/null"
t_check "bind virtio_net again" put /sys/bus/virtio/drivers/virtio_net/bind "$vdev"
client=$(vnet)
t_check "traffic after unbind/bind" retarget $client
t_check "rmmod virtio_net" modprobe -r virtio_net
t_check "modprobe virtio_net" modprobe virtio_net
client=$(vnet)
t_check "traffic after reloading virtio_net" retarget $client

# Hot-unplug under traffic, then re-plug.
t_iperf_server h 5303
rm -f /tmp/iperf-vunplug.rc
(ip netns exec c iperf3 -c 10.98.0.1 -p 5303 -t 8 >/tmp/iperf-vunplug.log 2>&1; echo $? >/tmp/iperf-vunplug.rc) &
sleep 3
t_check "hot-unplug under iperf3" rm $B/devices/ve0
t_check "virtio_net's interface is gone" sh -c "! ip -n c link show $client 2>/dev/null"
t_check "re-plug" ln -s $D/ve0 $B/devices/ve0
client=$(vnet)
t_check "traffic after re-plug" retarget $client
for i in $(seq 60); do
	[ -f /tmp/iperf-vunplug.rc ] && break
	sleep 1
done
t_check "the iperf3 cut by the unplug ended" test -f /tmp/iperf-vunplug.rc
pkill iperf3

# "vdpa dev del" takes the device off vDPA; it stays on its bus.
t_check "vdpa dev del ve0" vdpa dev del ve0
t_check "ve0 left vDPA and virtio_net" sh -c \
	"! ls -d /sys/bus/vdpa/devices/ve0 2>/dev/null && ! ip -n c link show $client 2>/dev/null"
t_eq "ve0 is still on its bus" vnet "$(cat $D/ve0/bus)"
t_check "reconnecting brings it back" sh -c \
	"echo none > $B/connector && echo virtio > $B/connector"
client=$(vnet)
t_check "traffic after vdpa dev del and reconnect" retarget $client

# The same device, switched between transports while it stays on the bus.
modprobe vbus_native
modprobe vbus_venet_client
t_check "switch the bus to native" put $B/connector native
nclient=$(ls /sys/bus/vbus-proxy/devices/ve0/net 2>/dev/null)
t_check "the native client serves the device" retarget $nclient
t_check "switch back to virtio" put $B/connector virtio
client=$(vnet)
t_check "virtio_net serves it again" retarget $client

t_check "MTU 9000: disconnect, set, reconnect" sh -c "
	echo none > $B/connector && echo 9000 > $D/ve0/mtu &&
	echo virtio > $B/connector"
client=$(vnet)
t_eq "virtio_net took the MTU from config space" 9000 \
	"$(cat /sys/class/net/$client/mtu 2>/dev/null)"
jumbo() {
	to_c "$client" && ip -n h link set vhost0 mtu 9000 && wait_ping &&
		ip netns exec h ping -c 2 -W 2 -M do -s 8972 10.98.0.2 &&
		ip netns exec c ping -c 2 -W 2 -M do -s 8972 10.98.0.1
}
t_check "8972-byte pings with DF set cross both ways at MTU 9000" jumbo
t_iperf_server c 5304
t_check "iperf3 host to virtio_net at MTU 9000" \
	ip netns exec h iperf3 -c 10.98.0.2 -p 5304 -t 2 -O 0

t_check "disconnect" put $B/connector none
t_check "virtio_net's interface is gone after disconnect" sh -c \
	"! ls /sys/bus/vdpa/devices/ve0/virtio* 2>/dev/null"
ip netns del c
ip netns del h
sleep 1
t_check "teardown" sh -c "rm $B/devices/ve0 && rmdir $D/ve0 $CFS/devices/ref/r0 $B"
t_check "unload" modprobe -r virtio_net vbus_venet_client vbus_native \
	vbus_virtio vbus_venet vbus_ref vbus
t_kmemleak "kmemleak finds nothing after virtio traffic"
t_done
