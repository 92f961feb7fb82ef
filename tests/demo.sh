#!/bin/sh
# make demo: what an administrator does with vbus, in the test VM.
set -e
CFS=/sys/kernel/config/vbus
say() { printf '\n$ %s\n' "$*"; }
run() { say "$*"; sh -c "$*"; }

run modprobe vbus_ref
run ls $CFS/devices
run mkdir $CFS/devices/ref/alpha $CFS/devices/ref/beta
run "echo 'first device' > $CFS/devices/ref/alpha/label"
run "echo 7 > $CFS/devices/ref/beta/value"
run mkdir $CFS/buses/demo
run ln -s $CFS/devices/ref/alpha $CFS/buses/demo/devices/alpha
run ln -s $CFS/devices/ref/beta $CFS/buses/demo/devices/beta
say "the configfs tree"
find $CFS | sort | while read -r p; do
	rel=${p#"$CFS"}
	depth=$(printf '%s' "$rel" | tr -cd / | wc -c)
	indent=$(printf '%*s' $((depth * 2)) '')
	if [ -L "$p" ]; then
		echo "$indent${p##*/} -> $(readlink "$p" | sed "s|.*/vbus/||")"
	elif [ -f "$p" ]; then
		echo "$indent${p##*/} = $(cat "$p" 2>/dev/null)"
	else
		echo "$indent${p##*/}/"
	fi
done
run ls /sys/bus/vbus/devices
run cat /sys/bus/vbus/devices/alpha/uevent
run "echo bogus > $CFS/buses/demo/connector || true"
run "dmesg | grep vbus | tail -n 1"
