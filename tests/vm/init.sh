#!/bin/sh
# PID 1 of the test VM: mount what a system needs over the read-only 9p
# root, run the script given by run.sh, collect dmesg and kmemleak, halt.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux}

# A nested guest (guest.sh) reads every file through two levels of 9p,
# a few seconds per dynamically linked command: its boot uses the static
# busybox's applets and plain tmpfs (measured: 54 s from init to its
# script, against 103 s).
bb=
[ -z "${vbus_guest:-}" ] || bb=busybox

$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev 2>/dev/null
$bb mkdir -p /dev/pts /dev/shm
$bb mount -t devpts devpts /dev/pts
$bb mount -t tmpfs tmpfs /dev/shm
$bb mount -t tmpfs tmpfs /run
if [ -z "${vbus_guest:-}" ]; then
	mount -t configfs configfs /sys/kernel/config
	mount -t debugfs debugfs /sys/kernel/debug
	# Writable overlays keep what the host has in these directories
	# visible.
	for d in /tmp /var/tmp /root /var/lib /etc; do
		o=/run/overlay$d
		mkdir -p "$o/upper" "$o/work"
		mount -t overlay overlay -o "lowerdir=$d,upperdir=$o/upper,workdir=$o/work" "$d" 2>/dev/null ||
			mount -t tmpfs tmpfs "$d"
	done
else
	# Its own kernel's modules, bound before /root (the cache) is hidden.
	$bb mount --bind "$vbus_mods" /lib/modules
	for d in /tmp /var/tmp /root; do
		$bb mount -t tmpfs tmpfs "$d"
	done
fi
$bb chmod 1777 /tmp /var/tmp

out=/run/vbus-out
$bb mkdir -p $out
$bb mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 vbusout $out
if [ -z "${vbus_guest:-}" ]; then
	mount --bind "$vbus_run/root/lib/modules" /lib/modules
	hostname vbus-vm
else
	$bb hostname vbus-guest
fi
$bb ip link set lo up
export VBUS_SRC="$vbus_src" VBUS_OUT=$out STRESS="${vbus_stress:-0}"
# Boot leaves no kmemleak report on these kernels (measured), and a scan
# costs about 20 s under TCG with KASAN: scan once, at the end.
leak=/sys/kernel/debug/kmemleak

if [ -n "$vbus_interactive" ]; then
	cd "$vbus_src" || cd /
	setsid -c /bin/bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
else
	cd "$vbus_src" || cd /
	# To a file, followed on the console: a process the script leaves
	# behind cannot hold a pipe open and keep the VM from halting. The
	# file is on tmpfs, copied to the share at the end: 7.3's 9p fails a
	# read racing an append on the same mount (tail: ENODATA).
	log=/run/vbus-output
	: >$log
	($vbus_interp "$vbus_script"; echo $? >$out/rc.tmp) >$log 2>&1 &
	tail -s 0.2 -f --pid=$! $log
	# Whatever is still running was left behind by a test: name it for
	# run.sh, which fails the run, and end it.
	ps -e -o pid=,ppid=,stat=,args= |
		awk '$1 != 1 && $1 != 2 && $2 != 2 && $4 != "ps" && $4 != "awk"' \
		>$out/leftover
	kill -9 -1 2>/dev/null
	sleep 1
	# Objects must be unreferenced for 5 s before kmemleak reports them.
	if [ -z "${vbus_guest:-}" ] && [ -w $leak ]; then
		sleep 6
		echo scan >$leak
		cat $leak >$out/kmemleak
	fi
	cp $log $out/output
	dmesg >$out/dmesg
	mv $out/rc.tmp $out/rc
fi
sync
umount $out 2>/dev/null
exec busybox reboot -f
