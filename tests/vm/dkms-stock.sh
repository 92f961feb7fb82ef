#!/bin/sh
# DKMS against Debian's stock headers, which lack CONFIG_VDPA: the package's
# dkms.conf and Kbuild must build the other six modules, leave vbus_virtio
# out and say why in DKMS's make.log, never fail. Private DKMS trees; the
# system's DKMS state is not touched.
#
#   dkms-stock.sh DEB
set -eu
deb=$1
hdr=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)
krel=${hdr#/usr/src/linux-headers-}
grep -q '^CONFIG_VDPA=' "$hdr/.config" && {
	echo "dkms-stock: $krel has CONFIG_VDPA; nothing to show here"
	exit 0
}
tmp=$(mktemp -d)
mkdir "$tmp/tree" "$tmp/inst"
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/x"
ver=$(ls "$tmp/x/usr/src" | sed -n 's/^vbus-//p')
dkms build -m vbus -v "$ver" -k "$krel" --kernelsourcedir "$hdr" \
	--dkmstree "$tmp/tree" --sourcetree "$tmp/x/usr/src" \
	--installtree "$tmp/inst" >"$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }
built=$(ls "$tmp/tree/vbus/$ver/$krel"/*/module)
echo "$built"
if [ "$(echo "$built" | wc -l)" != 6 ] || echo "$built" | grep -q vbus_virtio; then
	echo "dkms-stock: expected the six modules without vbus_virtio" >&2
	exit 1
fi
why=$(grep -h 'vbus_virtio (the virtio connector) is left out' \
	"$tmp/tree/vbus/$ver/$krel"/*/log/make.log | head -n 1)
if [ -z "$why" ]; then
	echo "dkms-stock: make.log does not say why vbus_virtio is left out" >&2
	exit 1
fi
echo "$why"
