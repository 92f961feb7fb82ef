#!/bin/sh
# Boot a nested KVM guest inside the test VM and run one script in it.
#
#   guest.sh BACKEND SCRIPT [ARG...]
#
# BACKEND backs the guest's virtio-net-pci (its eth0, left unconfigured):
#   /dev/vhost-vdpa-N    -netdev vhost-vdpa (a vbus device on a vhost bus,
#                        or vdpa_sim_net loaded with use_va=0)
#   tap:IFNAME           an existing tap device, through vhost-net
# SCRIPT (a path in the test VM) runs as root in the guest with ARGs; its
# output is printed and its status is guest.sh's. The guest runs the
# kernel run.sh names in $VBUS_OUT/guest-kbuild (the non-debug build of
# the test VM's version) with that build's modules, and sees the test
# VM's root read-only over 9p (the same tools), with writable /tmp,
# /root, /etc, /var and 512 MiB of memory.
#
# Environment:
#   GUEST_TIMEOUT   seconds before QEMU is killed (default 300; exit 124),
#                   boots again included
#   GUEST_BOOT_TIMEOUT  seconds for a boot to reach SCRIPT's wrapper
#                   (default 420); a boot that does not is killed and the
#                   guest boots again, GUEST_BOOTS boots at most (default 3)
#   GUEST_PIDFILE   QEMU writes its pid there (for kill -9 tests)
#   GUEST_MAC       the guest's MAC (default 52:54:00:12:34:56)
#   GUEST_APPEND    more kernel command line for the guest
#   GUEST_OUT       copy the guest's output there at the end (console,
#                   output, dmesg, rc, qemu.log)
# The guest's console goes to a file, not to the test VM's console: what
# the guest's kernel prints is not a splat of the kernel under test.
set -eu

[ $# -ge 2 ] || { echo "usage: guest.sh BACKEND SCRIPT [ARG...]" >&2; exit 2; }
backend=$1
script=$(readlink -f "$2")
shift 2
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$script" ] || { echo "guest: no such script: $script" >&2; exit 2; }
[ -n "${VBUS_OUT:-}" ] && [ -f "$VBUS_OUT/guest-kbuild" ] ||
	{ echo "guest: run me in the test VM (tests/vm/run.sh)" >&2; exit 2; }
# The kernel run.sh chose for guests, and its own module tree.
kbuild=$(cat "$VBUS_OUT/guest-kbuild")
kernel=$kbuild/arch/x86/boot/bzImage
mods=$kbuild/modroot/lib/modules

case $backend in
/dev/vhost-vdpa-*)
	[ -c "$backend" ] || { echo "guest: $backend: not a char device" >&2; exit 2; }
	netdev="vhost-vdpa,vhostdev=$backend,id=n0"
	;;
tap:*)
	tap=${backend#tap:}
	[ -e "/sys/class/net/$tap/tun_flags" ] ||
		{ echo "guest: $tap: not a tap device" >&2; exit 2; }
	netdev="tap,ifname=$tap,script=no,downscript=no,vhost=on,id=n0"
	;;
*)
	echo "guest: BACKEND is /dev/vhost-vdpa-N or tap:IFNAME, not '$backend'" >&2
	exit 2
	;;
esac

if [ ! -c /dev/kvm ]; then
	modprobe kvm_amd 2>/dev/null || modprobe kvm_intel 2>/dev/null || true
fi
[ -c /dev/kvm ] || { echo "guest: no /dev/kvm in the test VM" >&2; exit 2; }
modprobe vhost_net 2>/dev/null || true

# In the test VM's own /tmp: QEMU's 9p export of a directory that is
# itself a 9p mount (run.sh's output share) hangs the guest at boot.
out=$(mktemp -d /tmp/guest.XXXXXX)
# The script's wrapper: virtio_net is a module of this kernel.
{
	echo '#!/bin/sh'
	echo 'echo booted >/run/vbus-out/stage'
	echo 'modprobe virtio_net || exit 1'
	echo 'for i in $(seq 50); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done'
	echo 'echo eth0 >/run/vbus-out/stage'
	printf 'exec sh %s' "$script"
	for a in "$@"; do
		printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
	done
	echo
} >"$out/script"
chmod +x "$out/script"

cmdline="console=ttyS0 root=/dev/root rootfstype=9p ro"
cmdline="$cmdline rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose"
# kmemleak=off, for a debug guest (VBUS_GUEST_FLAVOUR=test): its
# allocations are not the kernel under test, and its boot is slow enough.
# loglevel=7: a boot that hangs says where in its console.
cmdline="$cmdline init=$here/init.sh panic=-1 oops=panic loglevel=7 kunit.enable=0 kmemleak=off"
cmdline="$cmdline vbus_guest=1 vbus_mods=$mods vbus_src=${VBUS_SRC:-/} vbus_interactive="
cmdline="$cmdline vbus_script=/run/vbus-out/script vbus_interp=${GUEST_APPEND:+ $GUEST_APPEND}"

pidfile=${GUEST_PIDFILE:-$out/qemu.pid}
rm -f "$pidfile"
cleanup() {
	[ ! -s "$pidfile" ] || kill -9 "$(cat "$pidfile")" 2>/dev/null || true
	if [ -n "${GUEST_OUT:-}" ]; then
		mkdir -p "$GUEST_OUT" && cp "$out"/* "$GUEST_OUT"/ 2>/dev/null || true
	fi
	rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Pinning in physical-address mode has no CAP_IPC_LOCK bypass. QEMU's
# vhost-vdpa pins all guest memory while the guest's DRIVER_OK write
# waits: 10 s of frozen guest for 768 MiB here (the test kernel has no
# THP: one page at a time), 48 s with the host busy. Hence 512 MiB.
ulimit -l unlimited
timeout=${GUEST_TIMEOUT:-300} boot_timeout=${GUEST_BOOT_TIMEOUT:-420}
boots=${GUEST_BOOTS:-3}
start=$(date +%s)
boot=1
# -xsave: TCG's XSAVE sizes (CPUID 0xd) are inconsistent; a guest kernel
# warns and turns XSAVE off, and 7.3 then oopses in its first fork
# (measured: NULL deref in prepare_creds). Without XSAVE none of that.
while :; do
	rm -f "$out/stage"
	qemu-system-x86_64 \
		-machine q35,accel=kvm -cpu host,-xsave -smp 1 -m 512 \
		-kernel "$kernel" -append "$cmdline" \
		-no-reboot -nodefaults -display none -serial "file:$out/console" \
		-pidfile "$pidfile" \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
		-fsdev local,id=root61,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root61,mount_tag=root \
		-fsdev local,id=out,path="$out",security_model=none,multidevs=remap \
		-device virtio-9p-pci,fsdev=out,mount_tag=vbusout \
		-netdev "$netdev" \
		-device "virtio-net-pci,netdev=n0,mac=${GUEST_MAC:-52:54:00:12:34:56}" \
		</dev/null >"$out/qemu.log" 2>&1 &
	qemu=$!
	boot_start=$(date +%s)
	status=
	while kill -0 $qemu 2>/dev/null; do
		now=$(date +%s)
		if [ $((now - start)) -ge "$timeout" ]; then
			status=124
		elif [ ! -e "$out/stage" ] &&
			[ $((now - boot_start)) -ge "$boot_timeout" ]; then
			status=boot
		fi
		[ -z "$status" ] || break
		sleep 1
	done
	if [ -z "$status" ]; then
		wait $qemu && status=0 || status=$?
		break
	fi
	kill -9 $qemu 2>/dev/null || true
	wait $qemu 2>/dev/null || true
	if [ "$status" = boot ]; then
		# CI runs lost guests before their script (cause not seen here):
		# such a boot is not the device's; say where it stopped.
		echo "guest: boot $boot of $boots did not reach its script in" \
			"$boot_timeout s; its console ($(wc -c <"$out/console" 2>/dev/null) bytes) ended:" >&2
		tail -12 "$out/console" 2>/dev/null | tr -d '\r' | awk 1 >&2
		echo "guest: QEMU said: $(tail -5 "$out/qemu.log" 2>/dev/null)" >&2
	fi
	[ "$status" = boot ] && [ $boot -lt "$boots" ] || break
	boot=$((boot + 1))
done
rm -f "$pidfile"
[ ! -s "$out/output" ] || cat "$out/output"
if [ "$status" = boot ]; then
	echo "guest: none of $boots boots reached its script" >&2
	exit 124
fi
if [ "$status" = 124 ]; then
	echo "guest: timed out after ${GUEST_TIMEOUT:-300} s" >&2
	tail -20 "$out/console" >&2 2>/dev/null || true
	exit 124
fi
if [ ! -f "$out/rc" ]; then
	echo "guest: the script did not finish (QEMU status $status)" >&2
	cat "$out/qemu.log" >&2
	tail -30 "$out/console" >&2 2>/dev/null || true
	exit 1
fi
exit "$(cat "$out/rc")"
