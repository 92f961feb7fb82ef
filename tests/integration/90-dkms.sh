#!/bin/sh
# The vbus-dkms package as an administrator installs it: dpkg -i in a
# scratch root (an overlay over the VM's read-only root, the test kernel's
# build directory as its headers), DKMS builds and installs the modules,
# modprobe loads them from updates/dkms, a venet device carries pings over
# the native connector, which the connector word loads; dpkg -r leaves
# nothing. make check builds the package ($VBUS_OUT/deb) and, on the
# host, DKMS's binaries-only tarball of its modules ($VBUS_OUT/dkms),
# which the package's postinst loads instead of compiling under TCG
# (longer than the rest of the script); without that tarball DKMS
# compiles here.
. "$(dirname "$0")/lib.sh"

deb=$(ls "$VBUS_OUT"/deb/vbus-dkms_*.deb 2>/dev/null | head -n 1)
kbuild=$(cat "$VBUS_OUT/kbuild" 2>/dev/null)
if [ -z "$deb" ] || [ -z "$kbuild" ] || ! command -v dkms >/dev/null; then
	t_ok "DKMS package # SKIP no package built (make check builds one)"
	t_done
	exit 0
fi
krel=$(uname -r)
tarball=$(ls "$VBUS_OUT"/dkms/vbus-*.dkms.tar.gz 2>/dev/null | head -n 1)
R=/run/dkms-root
# The overlay's upper layer must be on tmpfs, not on /tmp's overlay.
S=/run/dkms-scratch
M=$R/lib/modules/$krel
in_root() { chroot $R "$@"; }
cleanup_root() {
	for _m in $R/dev $R/sys $R/proc $R; do
		mountpoint -q $_m && umount -l $_m
	done
	rm -rf $S $R
}

# The test kernel's tmpfs has no xattrs (TMPFS_XATTR), so the overlay
# cannot rename a directory, as dpkg does with those it unpacks
# (.dpkg-new): the package's directories are made beforehand, and dpkg
# then only renames files.
root_up() {
	mkdir -p $S/root/upper $S/root/work $R &&
	mount -t overlay overlay \
		-o lowerdir=/,upperdir=$S/root/upper,workdir=$S/root/work $R &&
	mount --bind /proc $R/proc && mount --bind /sys $R/sys &&
	mount --bind /dev $R/dev && mkdir -p $M &&
	# The kernel's own modules (1.5 MB), not the test build's extra/.
	(cd /lib/modules/$krel && tar cf - --exclude=./extra .) |
		tar xf - -C $M &&
	ln -sfn "$kbuild" $M/build && cp "$deb" $R/root/ &&
	dpkg-deb -c "$deb" | awk '$1 ~ /^d/ { print $6 }' |
		while read -r d; do mkdir -p "$R/$d" || exit 1; done &&
	# Where DKMS's common.postinst looks for a prebuilt tarball.
	if [ -n "$tarball" ]; then
		mkdir -p $R/usr/share/vbus-dkms &&
		cp "$tarball" $R/usr/share/vbus-dkms/
	fi
}
# DKMS reads through /dev/fd (process substitution); no udev made it here.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
t_check "a scratch root over the VM's root, the test kernel's headers in it" \
	root_up
what="dpkg -i vbus-dkms: DKMS builds and installs the modules"
[ -z "$tarball" ] ||
	what="dpkg -i vbus-dkms: DKMS loads the host-built modules and installs them"
if ! in_root sh -c "dpkg -i /root/$(basename "$deb") >/root/dpkg.log 2>&1"; then
	t_fail "$what"
	tail -n 30 $R/root/dpkg.log $R/var/lib/dkms/vbus/*/build/make.log 2>&1 |
		while read -r l; do t_diag "$l"; done
	cleanup_root
	t_done
	exit 0
fi
t_ok "$what"
[ -z "$tarball" ] || t_check "and compiled nothing in the VM" \
	sh -c "! grep 'Building initial module' $R/root/dpkg.log"
grep -E 'left out' $R/var/lib/dkms/vbus/*/build/make.log 2>/dev/null |
	while read -r l; do t_diag "$l"; done
t_eq "dkms status: installed for $krel" installed \
	"$(in_root dkms status -k "$krel" vbus | sed -n 's/.*: //p')"
for m in vbus vbus_venet vbus_venet_client vbus_native vbus_virtio; do
	t_check "$m.ko comes from updates/dkms" sh -c \
		"chroot $R modinfo -n $m | grep -q /updates/dkms/"
done
t_check "seven modules in updates/dkms, no test module" sh -c \
	"test \$(ls $M/updates/dkms | wc -l) = 7 &&
	 ! ls $M/updates/dkms | grep -E 'kunit|testconn|hostile'"

t_check "modprobe vbus_venet from there" in_root modprobe vbus_venet
t_check "vbus_native is not loaded" test ! -d /sys/module/vbus_native
mkdir $CFS/devices/venet/dk0 $CFS/buses/dk
ln -s $CFS/devices/venet/dk0 $CFS/buses/dk/devices/dk0
# request_module runs the VM's modprobe: give it the DKMS module tree.
mount --bind $M /lib/modules/$krel
t_check "echo native > connector loads vbus_native and connects" \
	put $CFS/buses/dk/connector native
umount /lib/modules/$krel
t_check "modprobe vbus_venet_client from there" \
	in_root modprobe vbus_venet_client
client=$(ls /sys/bus/vbus-proxy/devices/dk0/net 2>/dev/null)
t_check "the client netdev appeared" test -n "$client"
ip netns add h
ip netns add c
t_check "ping over the DKMS-built venet" sh -c \
	"ip link set dk0 netns h && ip -n h addr add 10.98.0.1/24 dev dk0 &&
	 ip -n h link set dk0 up && ip link set $client netns c &&
	 ip -n c addr add 10.98.0.2/24 dev $client &&
	 ip -n c link set $client up &&
	 for i in 1 2 3 4 5 6 7 8 9 10; do
		ip netns exec h ping -c 1 -W 1 10.98.0.2 >/dev/null && break
	 done && ip netns exec h ping -c 5 -i 0.2 -W 2 10.98.0.2 >/dev/null"
t_check "teardown and unload" sh -c \
	"ip netns del h; ip netns del c; echo none > $CFS/buses/dk/connector &&
	 rm $CFS/buses/dk/devices/dk0 && rmdir $CFS/devices/venet/dk0 $CFS/buses/dk &&
	 modprobe -r vbus_venet_client vbus_native vbus_venet vbus"
t_check "dpkg -r vbus-dkms" in_root sh -c "dpkg -r vbus-dkms >/root/dpkg-r.log 2>&1"
t_eq "no module left in updates/dkms" "" \
	"$(ls $M/updates/dkms 2>/dev/null)"
t_eq "nothing left in /var/lib/dkms or /usr/src" "" \
	"$(ls -d $R/var/lib/dkms/vbus $R/usr/src/vbus-* 2>/dev/null)"
cleanup_root
t_kmemleak "kmemleak finds nothing after the DKMS modules"
t_done
