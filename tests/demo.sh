#!/bin/sh
# make demo: what an administrator does with vbus, in the test VM.
CFS=/sys/kernel/config/vbus
VBUSCTL="sh $VBUS_SRC/configfs-scripts/vbusctl"
say() { printf '\n$ %s\n' "$*"; }
run() { say "$*"; sh -c "$*"; }

echo "== a bus with two devices of the reference class"
run modprobe vbus_ref
run mkdir $CFS/devices/ref/alpha $CFS/devices/ref/beta
run "echo 'first device' > $CFS/devices/ref/alpha/label"
run "echo 7 > $CFS/devices/ref/beta/value"
run mkdir $CFS/buses/demo
run ln -s $CFS/devices/ref/alpha $CFS/buses/demo/devices/alpha
run ln -s $CFS/devices/ref/beta $CFS/buses/demo/devices/beta
run "find $CFS | sort"
run ls /sys/bus/vbus/devices
run cat /sys/bus/vbus/devices/alpha/uevent
run "echo bogus > $CFS/buses/demo/connector"
run "dmesg | grep 'vbus:' | tail -n 1"

echo
echo "== venet over the native connector, between two network namespaces"
run modprobe vbus_venet
run modprobe vbus_native
run mkdir $CFS/devices/venet/ve0 $CFS/buses/net
run "echo 02:00:00:00:00:02 > $CFS/devices/venet/ve0/mac"
run ln -s $CFS/devices/venet/ve0 $CFS/buses/net/devices/ve0
run "echo native > $CFS/buses/net/connector"
run "modprobe \$(cat /sys/bus/vbus-proxy/devices/ve0/modalias)"
client=$(ls /sys/bus/vbus-proxy/devices/ve0/net)
run ip netns add host
run ip netns add client
run ip link set ve0 netns host
run ip link set "$client" netns client
run ip -n host addr add 10.99.0.1/24 dev ve0
run ip -n client addr add 10.99.0.2/24 dev "$client"
run ip -n host link set ve0 up
run ip -n client link set "$client" up
run ip netns exec client ping -c 3 10.99.0.1
run ip netns exec host iperf3 -s -1 -D
sleep 1
run ip netns exec client iperf3 -c 10.99.0.1 -t 3
run ip -n host -s link show ve0
run ip -n client -s link show "$client"
run ip netns exec client ethtool -i "$client"
run ip netns exec host ethtool -i ve0
run $VBUSCTL show

echo
echo "== the same venet device, switched to the virtio connector: virtio_net is the client"
run modprobe vbus_virtio
run modprobe virtio_net
run "echo virtio > $CFS/buses/net/connector"
run "ls -d /sys/bus/vdpa/devices/ve0/virtio*"
vclient=$(ls /sys/bus/vdpa/devices/ve0/virtio*/net)
run ethtool -i "$vclient"
run "ethtool -k $vclient | grep -E '^(tx-checksumming|tcp-segmentation-offload|scatter-gather):'"
run ip link set "$vclient" netns client
run ip -n client addr add 10.99.0.2/24 dev "$vclient"
run ip -n client link set "$vclient" up
sleep 1
run ip netns exec client ping -c 3 10.99.0.1
run ip netns exec host iperf3 -s -1 -D
sleep 1
run ip netns exec client iperf3 -c 10.99.0.1 -t 3
run ip -n host link set ve0 down
sleep 1
run "ip -n client link show $vclient | head -n 1"
run ip -n host link set ve0 up
run ip -n client -s link show "$vclient"
run ip netns exec client ethtool -S "$vclient"

echo
echo "== the same device handed to vhost: DPDK's testpmd drives it through /dev/vhost-vdpa-N"
run "echo none > $CFS/buses/net/connector"
run "echo vhost > $CFS/buses/net/connector"
run vdpa dev show ve0
cdev=$(basename "$(ls -d /sys/bus/vdpa/devices/ve0/vhost-vdpa-*)")
run ls -l /dev/"$cdev"
run $VBUSCTL show
. "$VBUS_SRC/tests/lib/testpmd.sh"
TP_DEV=/dev/$cdev
say "dpdk-testpmd --no-huge --no-pci --vdev=net_virtio_user0,path=$TP_DEV,mac=$TP_MAC -- --forward-mode=icmpecho (starting: under TCG this takes a minute)"
tp_start icmpecho && grep -E "^(Port 0|Checking link|Press enter)" "$TP_LOG"
run ip netns exec host ping -c 5 -i 0.2 10.99.0.2
run ip netns exec host ping -f -c 500 10.99.0.2
run vdpa dev vstats show ve0 qidx 1
say "(testpmd quits)"
tp_quit
tp_stats
run ip -n host -s link show ve0

echo
echo "== the same device behind a KVM guest's virtio-net-pci: QEMU -netdev vhost-vdpa, kicks by ioeventfd, interrupts by irqfd"
run ip netns exec host iperf3 -s -1 -D
say "sh tests/vm/guest.sh /dev/$cdev tests/guest/demo.sh 10.99.0.1 10.99.0.2/24 (a nested guest under TCG: the boot takes minutes)"
sh "$VBUS_SRC/tests/vm/guest.sh" /dev/"$cdev" "$VBUS_SRC/tests/guest/demo.sh" \
	10.99.0.1 10.99.0.2/24
run ip -n host -s link show ve0
run "echo none > $CFS/buses/net/connector"
