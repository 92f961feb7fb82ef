#!/bin/sh
# The configfs interface as a user drives it: every row of the error table
# of Documentation/admin-guide.rst, attach/detach, sysfs presence, and rmmod
# refusals.
. "$(dirname "$0")/lib.sh"

t_check "modprobe vbus" modprobe vbus
t_check "vbus configfs root has devices/ and buses/" \
	test -d $CFS/devices -a -d $CFS/buses
t_check "modprobe vbus_ref" modprobe vbus_ref
t_check "class directory devices/ref appears" test -d $CFS/devices/ref
t_check "modprobe vbus_testconn" modprobe vbus_testconn

# Devices.
t_errno "mkdir directly under devices/ is EPERM" EPERM "devices/stray" \
	mkdir $CFS/devices/stray
t_check "mkdir devices/ref/d1 creates a device" mkdir $CFS/devices/ref/d1
t_errno "mkdir an existing device is EEXIST" EEXIST "" \
	mkdir $CFS/devices/ref/d1
t_eq "a new device is on no bus" "" "$(cat $CFS/devices/ref/d1/bus)"
t_check "the device is on the vbus bus_type in sysfs" \
	test -e /sys/bus/vbus/devices/d1
t_check "its uevent carries MODALIAS=vbus:ref" \
	grep -qx MODALIAS=vbus:ref /sys/bus/vbus/devices/d1/uevent
t_eq "sysfs device_class is ref" ref \
	"$(cat /sys/bus/vbus/devices/d1/device_class)"
t_errno "an over-long device name is EINVAL" EINVAL "abcdefghijklmnopqrstuvwxyz" \
	mkdir $CFS/devices/ref/abcdefghijklmnopqrstuvwxyz0123456789

# Names reach sysfs, logs and line-based tools: 1 to 31 printable ASCII
# characters, no whitespace, no '/', not starting with '.'.
for bad in "a b" "$(printf 'a\tb')" "$(printf 'a\nb')" ".hidden" \
	"$(printf 'caf\303\251')" "abcdefghijklmnopqrstuvwxyz012345"; do
	show=$(printf '%s' "$bad" | od -An -c | tr -s ' ')
	t_errno "device name '$show' is EINVAL" EINVAL "device name" \
		mkdir "$CFS/devices/ref/$bad"
	t_errno "bus name '$show' is EINVAL" EINVAL "bus name" \
		mkdir "$CFS/buses/$bad"
done
t_check "a 31-character name with punctuation is fine" sh -c \
	"mkdir $CFS/devices/ref/a-b_c.d:e@f+g=h,i~j%k0123456789 &&
	 rmdir $CFS/devices/ref/a-b_c.d:e@f+g=h,i~j%k0123456789"
t_eq "no refused name reached sysfs" "" \
	"$(ls /sys/bus/vbus/devices | grep -v '^d1$')"

# Class attributes.
t_check "write label" put $CFS/devices/ref/d1/label "hello vbus"
t_eq "read label back" "hello vbus" "$(cat $CFS/devices/ref/d1/label)"
t_check "write value" put $CFS/devices/ref/d1/value 42
t_eq "read value back" 42 "$(cat $CFS/devices/ref/d1/value)"
t_errno "a malformed value is EINVAL" EINVAL "d1" \
	put $CFS/devices/ref/d1/value forty-two
t_errno "a value out of range is EINVAL" EINVAL "d1" \
	put $CFS/devices/ref/d1/value 4294967296
t_errno "a label with a control character is EINVAL" EINVAL "d1" \
	put $CFS/devices/ref/d1/label "$(printf 'a\tb')"
t_eq "refused writes left the value alone" 42 \
	"$(cat $CFS/devices/ref/d1/value)"

# Buses.
t_check "mkdir buses/b1 creates a bus" mkdir $CFS/buses/b1
t_check "the bus has a devices/ directory" test -d $CFS/buses/b1/devices
t_errno "mkdir an existing bus is EEXIST" EEXIST "" mkdir $CFS/buses/b1
t_eq "a new bus has connector none" none "$(cat $CFS/buses/b1/connector)"

# Attach.
t_check "ln -s attaches d1 to b1" \
	ln -s $CFS/devices/ref/d1 $CFS/buses/b1/devices/d1
t_eq "d1 reports bus b1 in configfs" b1 "$(cat $CFS/devices/ref/d1/bus)"
t_eq "d1 reports bus b1 in sysfs" b1 "$(cat /sys/bus/vbus/devices/d1/vbus)"
t_errno "linking a bus (not a device) is EINVAL" EINVAL "b1" \
	ln -s $CFS/buses/b1 $CFS/buses/b1/devices/notadev
t_check "mkdir buses/b2" mkdir $CFS/buses/b2
t_errno "linking a device already on a bus is EBUSY" EBUSY "d1" \
	ln -s $CFS/devices/ref/d1 $CFS/buses/b2/devices/d1
t_errno "rmdir a device on a bus is EBUSY" EBUSY "" \
	rmdir $CFS/devices/ref/d1
t_errno "rmdir a bus holding devices is ENOTEMPTY" ENOTEMPTY "" \
	rmdir $CFS/buses/b1

# Connectors.
t_errno "an unknown connector is EINVAL" EINVAL "b1" \
	put $CFS/buses/b1/connector no-such-connector
t_check "vbus_native is not loaded" test ! -d /sys/module/vbus_native
t_check "native loads its module (vbus-connector-native) and connects" \
	put $CFS/buses/b1/connector native
t_check "connector none is accepted" put $CFS/buses/b1/connector none
t_check "rmmod vbus_native once disconnected" rmmod vbus_native
t_check "connect b1 with the test connector" \
	put $CFS/buses/b1/connector test
t_eq "connector reads back" test "$(cat $CFS/buses/b1/connector)"
t_errno "writing an attribute on a connected bus is EBUSY" EBUSY "d1" \
	put $CFS/devices/ref/d1/value 7
t_eq "the refused write changed nothing" 42 \
	"$(cat $CFS/devices/ref/d1/value)"
t_in_use "rmmod the connector of a connected bus is refused" vbus_testconn
t_check "mkdir devices/ref/d2" mkdir $CFS/devices/ref/d2
t_check "attach d2 to the connected bus (hot-plug)" \
	ln -s $CFS/devices/ref/d2 $CFS/buses/b1/devices/d2
t_check "the connector saw the hot-plug" \
	sh -c 'dmesg | grep -q "bus b1: hot-plug d2"'
t_check "detach d2 from the connected bus (hot-unplug)" \
	rm $CFS/buses/b1/devices/d2
t_check "the connector saw the hot-unplug" \
	sh -c 'dmesg | grep -q "bus b1: hot-unplug d2"'
t_check "disconnect b1" put $CFS/buses/b1/connector none
t_check "attributes are writable again" put $CFS/devices/ref/d1/value 7

# rmmod refusals and teardown.
t_in_use "rmmod a class with devices is refused" vbus_ref
t_check "rm the link detaches d1" rm $CFS/buses/b1/devices/d1
t_eq "d1 is on no bus" "" "$(cat $CFS/devices/ref/d1/bus)"
t_check "rmdir devices" rmdir $CFS/devices/ref/d1 $CFS/devices/ref/d2
t_check "the device left sysfs" test ! -e /sys/bus/vbus/devices/d1
t_check "rmdir buses" rmdir $CFS/buses/b1 $CFS/buses/b2
t_check "rmmod vbus_ref after teardown" rmmod vbus_ref
t_check "devices/ref is gone with its class" test ! -e $CFS/devices/ref
t_check "rmmod vbus_testconn after teardown" rmmod vbus_testconn
t_check "rmmod vbus" rmmod vbus
t_done
