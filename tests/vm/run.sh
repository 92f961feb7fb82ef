#!/bin/sh
# Boot the test VM and run one script in it as root.
#
#   run.sh KVER FLAVOUR SCRIPT     SCRIPT "-" gives an interactive shell
#
# The VM (qemu TCG) shares the host's root filesystem read-only over
# virtio-9p, so it has the host's tools and sees the checkout; /tmp, /run,
# /var/tmp and /root are writable in the VM. The kernel's modules and the
# vbus modules are installed (depmod'ed) in its module tree, none loaded.
#
# Exit status: the script's, or 1 if the VM printed a kernel splat (BUG,
# WARNING, KASAN, lockdep, kmemleak after a scan, panic, hung task), if
# it left processes running, or if the script did not finish. $VBUS_OUT, if set, keeps the run's output
# directory there (output, dmesg, kmemleak, ktap/). $VBUS_APPEND adds to
# the VM's kernel command line.
set -eu

interp=
kver=$1
flavour=$2
script=$3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${VBUS_CACHE:-$HOME/.cache/vbus}

build=$("$here/kernel.sh" "$kver" "$flavour")
krel=$(cat "$build/include/config/kernel.release")

mkdir -p "$cache"
run=$(mktemp -d "$cache/run.XXXXXX")
trap 'rm -rf "$run"' EXIT INT TERM
out=${VBUS_OUT:-$run/out}
mkdir -p "$out"
rm -f "$out/rc" "$out/output" "$out/dmesg" "$out/kmemleak" "$out/leftover"
# The kernel's build directory, for scripts that build against it (DKMS).
echo "$build" >"$out/kbuild"
# A nested guest (guest.sh) is a client, not the kernel under test: it
# boots the non-debug build of the same version, whose own reports
# cannot be read as splats of the test VM and which boots a little
# faster (110 s against 130 to 230 s under this VM's debug KVM).
# VBUS_GUEST_FLAVOUR=test gives it the debug build instead.
gflavour=${VBUS_GUEST_FLAVOUR:-bench}
if [ "$gflavour" = "$flavour" ]; then
	echo "$build" >"$out/guest-kbuild"
else
	"$here/kernel.sh" "$kver" "$gflavour" >"$out/guest-kbuild"
fi

# Module tree: the kernel's own modules plus ours in extra/.
mods=$run/root/lib/modules/$krel
mkdir -p "$mods/extra"
cp -a "$build/modroot/lib/modules/$krel/." "$mods/"
rm -f "$mods/build" "$mods/source"
cp "$top"/*.ko "$mods/extra/" 2>/dev/null || true
depmod -b "$run/root" "$krel"

if [ "$script" = - ]; then
	interactive=1
else
	interactive=
	[ -f "$script" ] || { echo "run: no such script: $script" >&2; exit 2; }
	script=$(readlink -f "$script")
	# The VM sees the host's files at the same paths, except where it
	# mounts its own /run, /dev, /proc and /sys: copy a script from there.
	case $script in
	/run/* | /dev/* | /proc/* | /sys/*)
		cp "$script" "$out/script"
		script=/run/vbus-out/script
		;;
	esac
	[ -x "$script" ] || interp=sh
fi

# Under TCG the clocksource watchdog finds the TSC skewed against jiffies
# (whose ticks arrive late) and falls back to jiffies: 4 ms resolution,
# every ping 0 or 4 ms. The bench measures round trips: keep the TSC.
# The VM has no ACPI, so no HPET or PM timer to calibrate the TSC
# against; the PIT calibration fails in some boots ("Unable to calibrate
# against PIT") and the TSC is dropped for jiffies all the same. TCG's TSC
# is the host's: give the VM the host's rate, if the host's log has it.
clock=
case $flavour in
test) mem=3G ;;
*)
	mem=2G clock=tsc=reliable
	tsc_mhz=$(dmesg 2>/dev/null |
		sed -n 's/.*tsc: Detected \([0-9]*\.[0-9]*\) MHz.*/\1/p' | tail -n 1)
	if [ -n "$tsc_mhz" ]; then
		clock="$clock tsc_early_khz=$(echo "$tsc_mhz" | awk '{ printf "%d", $1 * 1000 }')"
	fi
	;;
esac

cmdline="console=ttyS0 root=/dev/root rootfstype=9p ro"
cmdline="$cmdline rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose"
cmdline="$cmdline init=$here/init.sh panic=-1 oops=panic loglevel=${VBUS_LOGLEVEL:-2} log_buf_len=16M"
cmdline="$cmdline${clock:+ $clock}${VBUS_APPEND:+ $VBUS_APPEND} kunit.enable=1 vbus_stress=${VBUS_STRESS:-0} vbus_run=$run vbus_src=$top vbus_interactive=$interactive vbus_script=$script vbus_interp=${interp:-}"

# The root share is tagged twice: 6.1 looks for "root", later kernels for
# "/dev/root".
set -- qemu-system-x86_64 -machine pc -cpu max -smp 2 -m "$mem" \
	-kernel "$build/arch/x86/boot/bzImage" -append "$cmdline" \
	-no-reboot -nodefaults -display none \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
	-fsdev local,id=root61,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root61,mount_tag=root \
	-fsdev local,id=out,path="$out",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=out,mount_tag=vbusout

if [ -n "$interactive" ]; then
	"$@" -serial mon:stdio
	exit 0
fi

console=$run/console
status=0
# 70 minutes: make check's VM run takes about 50 under TCG (DKMS's build
# and testpmd's starts the most); CI's own limit is 90 for everything.
timeout --foreground "${VM_TIMEOUT:-4200}" "$@" -serial stdio </dev/null |
	tee "$console" || true

splat='BUG:|WARNING:|KASAN|UBSAN|Oops|Kernel panic|INFO: task .* blocked|general protection|ODEBUG|list_(add|del) corruption|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU|DEADLOCK|watchdog: BUG|refcount_t:'
# The kernel's log if it is there; else the console (a splat before the
# script ran, or one that a test printed).
for f in "$out/dmesg" "$console"; do
	grep -Eq "$splat" "$f" 2>/dev/null || continue
	echo "run: KERNEL SPLAT in the VM (in its ${f##*/}):" >&2
	grep -Eh -A25 "$splat" "$f" | head -120 >&2
	status=1
	break
done
if [ -s "$out/kmemleak" ]; then
	echo "run: KMEMLEAK reports leaks:" >&2
	head -60 "$out/kmemleak" >&2
	status=1
fi
if [ -s "$out/leftover" ]; then
	echo "run: the script left processes running (ended before the halt):" >&2
	cat "$out/leftover" >&2
	status=1
fi
if [ ! -f "$out/rc" ]; then
	echo "run: the script did not finish (VM crashed or timed out)" >&2
	exit 1
fi
rc=$(cat "$out/rc")
[ "$rc" = 0 ] || status=$rc
exit "$status"
