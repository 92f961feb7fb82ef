#!/bin/sh
# The native connector: proxy devices on the vbus-proxy bus, client
# drivers bound by type and found by MODALIAS, hot-plug and hot-unplug,
# device calls, rmmod refusals. The connector's module is not loaded by
# hand: writing its word loads it.
. "$(dirname "$0")/lib.sh"

PROXY=/sys/bus/vbus-proxy/devices
t_check "modprobe vbus_ref" modprobe vbus_ref
t_check "vbus_native is not loaded yet" test ! -d /sys/module/vbus_native
mkdir $CFS/devices/ref/n1 $CFS/devices/ref/n2 $CFS/buses/nb
put $CFS/devices/ref/n1/value 42
put $CFS/devices/ref/n1/label "native one"
put $CFS/devices/ref/n2/value 7
ln -s $CFS/devices/ref/n1 $CFS/buses/nb/devices/n1

t_check "connect the bus natively" put $CFS/buses/nb/connector native
t_check "the connector word loaded vbus_native (vbus-connector-native)" \
	test -d /sys/module/vbus_native
t_eq "connector reads native" native "$(cat $CFS/buses/nb/connector)"
t_check "n1 appears on the proxy bus" test -e $PROXY/n1
t_eq "its modalias names its type" vbus-proxy:ref "$(cat $PROXY/n1/modalias)"
t_check "its uevent carries the MODALIAS" \
	grep -qx MODALIAS=vbus-proxy:ref $PROXY/n1/uevent
t_check "modprobe by modalias loads the client driver" \
	modprobe "$(cat $PROXY/n1/modalias)"
t_check "the client driver is loaded" test -d /sys/module/vbus_ref_client
t_check "the client bound to n1" test -e $PROXY/n1/driver
t_eq "the client read the value through a device call" 42 \
	"$(cat $PROXY/n1/remote_value)"
t_eq "and the label" "native one" "$(cat $PROXY/n1/remote_label)"
t_errno "attributes are frozen while connected" EBUSY n1 \
	put $CFS/devices/ref/n1/value 1

t_check "hot-plug n2 into the connected bus" \
	ln -s $CFS/devices/ref/n2 $CFS/buses/nb/devices/n2
t_eq "the client bound to n2 and read it" 7 "$(cat $PROXY/n2/remote_value)"
t_in_use "rmmod the client's class is refused" vbus_ref
t_in_use "rmmod vbus_native with a connected bus is refused" vbus_native
t_check "hot-unplug n1" rm $CFS/buses/nb/devices/n1
t_check "n1 left the proxy bus" test ! -e $PROXY/n1
t_check "the client saw the unbind" \
	sh -c 'dmesg | grep -q "n1: unbound"'
t_check "unbind and rebind n2 by hand" sh -c \
	"echo n2 > /sys/bus/vbus-proxy/drivers/vbus_ref_client/unbind &&
	 echo n2 > /sys/bus/vbus-proxy/drivers/vbus_ref_client/bind"
t_eq "n2 works after a rebind" 7 "$(cat $PROXY/n2/remote_value)"
t_check "rmmod the client driver while bound" rmmod vbus_ref_client
t_check "n2 stays on the proxy bus without a driver" \
	sh -c "test -e $PROXY/n2 && test ! -e $PROXY/n2/driver"
t_check "modprobe the client again: it binds" \
	sh -c "modprobe vbus_ref_client && test -e $PROXY/n2/driver"

t_check "switch the bus to the test connector" sh -c \
	"modprobe vbus_testconn && echo test > $CFS/buses/nb/connector"
t_check "the proxy devices are gone" test ! -e $PROXY/n2
t_check "switch back to native" put $CFS/buses/nb/connector native
t_check "n2 is back" test -e $PROXY/n2/driver
t_check "disconnect" put $CFS/buses/nb/connector none
t_eq "no proxy device left" "" "$(ls $PROXY)"
t_check "attributes are writable again" put $CFS/devices/ref/n1/value 1

cycle() {
	for i in 1 2 3 4 5; do
		put $CFS/buses/nb/connector native || return 1
		rm $CFS/buses/nb/devices/n2 || return 1
		ln -s $CFS/devices/ref/n2 $CFS/buses/nb/devices/n2 || return 1
		test -e $PROXY/n2/driver || return 1
		put $CFS/buses/nb/connector none || return 1
	done
}
t_check "connect/unplug/replug/disconnect cycles" cycle
rm $CFS/buses/nb/devices/n2
rmdir $CFS/devices/ref/n1 $CFS/devices/ref/n2 $CFS/buses/nb
t_check "unload everything" \
	modprobe -r vbus_ref_client vbus_native vbus_testconn vbus_ref vbus
t_kmemleak "kmemleak finds nothing after native connects"
t_done
