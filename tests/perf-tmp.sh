#!/bin/sh
CFS=/sys/kernel/config/vbus
modprobe vbus_venet; modprobe vbus_virtio; modprobe virtio_net
mkdir $CFS/devices/venet/b0 $CFS/buses/b
ln -s $CFS/devices/venet/b0 $CFS/buses/b/devices/b0
echo virtio > $CFS/buses/b/connector
c=$(ls /sys/bus/vbus/devices/b0/virtio*/net)
ip netns add h; ip netns add c
ip link set b0 netns h; ip link set $c netns c
ip -n h addr add 10.9.0.1/24 dev b0; ip -n c addr add 10.9.0.2/24 dev $c
ip -n h link set b0 up; ip -n c link set $c up; sleep 1
ip netns exec h iperf3 -s -D -1
sleep 1
cd /tmp
perf record -e cpu-clock -F 5000 -a -g -o /tmp/perf.data -- ip netns exec c iperf3 -c 10.9.0.1 -t 4 2>&1 | grep -E "sender|receiver"
perf report -i /tmp/perf.data --no-children --sort sym --stdio -g none 2>/dev/null | grep "%" | head -30
