#!/bin/sh
# DKMS on the host, in private DKMS trees; the system's DKMS state is not
# touched.
#
#   dkms-host.sh DEB
#       against Debian's stock headers, which lack CONFIG_VDPA: the
#       package's dkms.conf and Kbuild must build the other six modules,
#       leave vbus_virtio out and say why in DKMS's make.log, never fail.
#   dkms-host.sh DEB KDIR OUTDIR
#       against the test kernel's build directory KDIR: all seven modules,
#       packed as DKMS's binaries-only tarball in OUTDIR. make check's VM
#       installs the package with it (compiling under TCG takes longer
#       than the rest of 90-dkms); make stress compiles in the VM.
set -eu
deb=$1
kdir=${2:-}
outdir=${3:-}
if [ -n "$kdir" ]; then
	hdr=$kdir
	krel=$(cat "$kdir/include/config/kernel.release")
	want=7
else
	hdr=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)
	krel=${hdr#/usr/src/linux-headers-}
	want=6
	grep -q '^CONFIG_VDPA=' "$hdr/.config" && {
		echo "dkms-host: $krel has CONFIG_VDPA; nothing to show here"
		exit 0
	}
fi
tmp=$(mktemp -d)
mkdir "$tmp/tree" "$tmp/inst"
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/x"
ver=$(ls "$tmp/x/usr/src" | sed -n 's/^vbus-//p')
set -- -m vbus -v "$ver" -k "$krel" --dkmstree "$tmp/tree" \
	--sourcetree "$tmp/x/usr/src" --installtree "$tmp/inst"
dkms build "$@" --kernelsourcedir "$hdr" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; exit 1; }
built=$(ls "$tmp/tree/vbus/$ver/$krel"/*/module)
echo "$built"
if [ "$(echo "$built" | wc -l)" != $want ]; then
	echo "dkms-host: expected $want modules for $krel" >&2
	exit 1
fi
if [ -n "$kdir" ]; then
	dkms mktarball "$@" --binaries-only --archive "vbus-$ver.dkms.tar.gz" \
		>"$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }
	mkdir -p "$outdir"
	cp "$tmp/tree/vbus/$ver/tarball/vbus-$ver.dkms.tar.gz" "$outdir/"
	echo "dkms-host: $outdir/vbus-$ver.dkms.tar.gz"
	exit 0
fi
if echo "$built" | grep -q vbus_virtio; then
	echo "dkms-host: vbus_virtio built without CONFIG_VDPA" >&2
	exit 1
fi
why=$(grep -h 'vbus_virtio (the virtio connector) is left out' \
	"$tmp/tree/vbus/$ver/$krel"/*/log/make.log | head -n 1)
if [ -z "$why" ]; then
	echo "dkms-host: make.log does not say why vbus_virtio is left out" >&2
	exit 1
fi
echo "$why"
