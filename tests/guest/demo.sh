#!/bin/sh
# Runs in make demo's nested guest (tests/demo.sh): its eth0 is a stock
# virtio-net-pci backed by a venet device through vhost-vdpa.
#
#   demo.sh HOST ADDR/LEN
host=$1 addr=$2
run() { printf '\nguest$ %s\n' "$*"; "$@"; }

run ethtool -i eth0
run ip addr add "$addr" dev eth0
run ip link set eth0 up
run ping -c 3 "$host"
run iperf3 -c "$host" -t 3
run grep -E 'virtio[0-9]+-(input|output)' /proc/interrupts
