#!/bin/sh
# Repeated create/attach/connect/detach/destroy cycles leak nothing, and
# a connected bus torn down in the wrong order is refused, not wedged.
. "$(dirname "$0")/lib.sh"

CYCLES=${CYCLES:-10}
t_check "modprobe vbus_ref and vbus_testconn" \
	sh -c 'modprobe vbus_ref && modprobe vbus_testconn'

cycle() {
	for i in $(seq "$CYCLES"); do
		mkdir $CFS/buses/cb || return 1
		for d in c1 c2 c3; do
			mkdir $CFS/devices/ref/$d || return 1
			put $CFS/devices/ref/$d/label "cycle $i" || return 1
			ln -s $CFS/devices/ref/$d $CFS/buses/cb/devices/$d ||
				return 1
		done
		put $CFS/buses/cb/connector test || return 1
		rm $CFS/buses/cb/devices/c2 || return 1
		put $CFS/buses/cb/connector none || return 1
		rm $CFS/buses/cb/devices/c1 $CFS/buses/cb/devices/c3 || return 1
		rmdir $CFS/devices/ref/c1 $CFS/devices/ref/c2 \
			$CFS/devices/ref/c3 || return 1
		rmdir $CFS/buses/cb || return 1
	done
}
t_check "$CYCLES create/attach/connect/detach/destroy cycles" cycle
t_eq "no vbus device left in sysfs" "" "$(ls /sys/bus/vbus/devices)"
t_eq "no bus left in configfs" "" "$(ls $CFS/buses)"

# A connected bus with devices, removed in the order a user would try.
mkdir $CFS/buses/ob $CFS/devices/ref/o1
ln -s $CFS/devices/ref/o1 $CFS/buses/ob/devices/o1
put $CFS/buses/ob/connector test
t_errno "rmdir a connected bus holding devices is ENOTEMPTY" ENOTEMPTY "" \
	rmdir $CFS/buses/ob
t_check "detach from the connected bus" rm $CFS/buses/ob/devices/o1
t_check "rmdir a connected, empty bus disconnects it" rmdir $CFS/buses/ob
t_check "the connector saw the disconnect" \
	sh -c 'dmesg | grep -q "bus ob: disconnected"'
t_check "rmdir o1" rmdir $CFS/devices/ref/o1

# Module load/unload cycles with the class registered and gone.
mods() {
	for i in $(seq 5); do
		modprobe -r vbus_ref vbus_testconn || return 1
		test ! -e $CFS/devices/ref || return 1
		modprobe vbus_ref || return 1
		modprobe vbus_testconn || return 1
		test -d $CFS/devices/ref || return 1
	done
}
t_check "class and connector module load/unload cycles" mods
t_check "unload everything" modprobe -r vbus_ref vbus_testconn vbus
t_kmemleak "kmemleak finds nothing after the cycles"
t_done
