#!/bin/sh
# Install the Debian 12 packages vbus needs to build, test and benchmark.
# Idempotent: installs only what is missing. Never changes apt sources.
set -eu

pkgs="build-essential bc bison flex libelf-dev libssl-dev cpio kmod xz-utils
zstd perl python3 python3-docutils sparse qemu-system-x86 busybox-static
iproute2 ethtool iperf3 iputils-ping jq procps linux-headers-amd64
git ca-certificates man-db dpkg-dev debhelper dh-dkms dkms fakeroot lintian
dpdk-dev"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: need root to install packages" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
