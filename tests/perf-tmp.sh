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
ip netns exec c ping -c 500 -i 0 10.9.0.1 | tail -2
cd /tmp
mac=$(ip netns exec h cat /sys/class/net/b0/address)
modprobe pktgen
cat > /tmp/pg.sh <<PG
echo rem_device_all >/proc/net/pktgen/kpktgend_0
echo add_device $c >/proc/net/pktgen/kpktgend_0
echo count 300000 >/proc/net/pktgen/$c
echo pkt_size 60 >/proc/net/pktgen/$c
echo delay 0 >/proc/net/pktgen/$c
echo dst 10.9.0.1 >/proc/net/pktgen/$c
echo dst_mac $mac >/proc/net/pktgen/$c
echo start >/proc/net/pktgen/pgctrl
PG
perf record -e cpu-clock -F 5000 -a -g -o /tmp/perf.data -- ip netns exec c sh /tmp/pg.sh 2>&1 | tail -2
grep -E "pps|errors" /proc/net/pktgen/$c 2>/dev/null | head -3
ip netns exec c cat /proc/net/pktgen/$c | grep -E "Result|pps" | head
perf report -i /tmp/perf.data --no-children --sort sym --stdio -g none 2>/dev/null | grep "%" | head -45
