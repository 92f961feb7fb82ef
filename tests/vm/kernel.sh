#!/bin/sh
# Build (or reuse) the vbus test kernel from Debian's linux-source package.
#
#   kernel.sh KVER FLAVOUR      FLAVOUR is "test" (debug options) or "bench"
#
# Prints the build directory on stdout. The build is cached under
# $VBUS_CACHE (default ~/.cache/vbus), keyed by version, flavour and a hash
# of the config fragments and this script, so a second run rebuilds nothing.
# Only a private apt sources list and lists directory are used: the system's
# apt configuration is never touched.
set -eu

kver=${1:-6.12}
flavour=${2:-test}
here=$(cd "$(dirname "$0")" && pwd)
cache=${VBUS_CACHE:-$HOME/.cache/vbus}

log() { echo "kernel: $*" >&2; }
die() { log "error: $*"; exit 1; }

case $kver in
6.1) suite=bookworm ;;
6.12) suite=bookworm-backports ;;
7.3) suite=trixie-backports ;;
*) die "unsupported KVER=$kver (6.1, 6.12 or 7.3)" ;;
esac
case $flavour in
test) frags="$here/base.config $here/debug.config" ;;
bench) frags="$here/base.config $here/bench.config" ;;
*) die "unsupported flavour $flavour (test or bench)" ;;
esac

# Fast path: these fragments were configured before, and that build is done.
# shellcheck disable=SC2086
fkey=$(cat $frags "$here/kernel.sh" | sha256sum | cut -c1-12)
alias=$cache/build/$kver-$flavour-f$fkey
if [ -f "$alias/.vbus-done" ]; then
	log "reusing cached $(readlink -f "$alias")"
	readlink -f "$alias"
	exit 0
fi
src=$cache/src/linux-source-$kver

fetch_source() {
	apt=$cache/apt/$suite
	mkdir -p "$apt/lists/partial" "$apt/debs"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
		>"$apt/sources.list"
	set -- -o Dir::Etc::sourcelist="$apt/sources.list" \
		-o Dir::Etc::sourceparts=- -o Dir::State::Lists="$apt/lists" \
		-o APT::Sandbox::User=root
	log "fetching linux-source-$kver from $suite"
	apt-get -qq "$@" update >&2
	(cd "$apt/debs" && rm -f ./*.deb &&
		apt-get -qq "$@" download "linux-source-$kver" >&2)
	rm -rf "$apt/unpack"
	dpkg-deb -x "$apt/debs"/linux-source-"$kver"_*.deb "$apt/unpack"
	mkdir -p "$cache/src"
	rm -rf "$src.tmp" && mkdir -p "$src.tmp"
	tar -C "$src.tmp" -xf "$apt/unpack/usr/src/linux-source-$kver.tar.xz"
	rm -rf "$src" "$apt/unpack"
	mv "$src.tmp/linux-source-$kver" "$src"
	rm -rf "$src.tmp"
}

[ -f "$src/Makefile" ] || fetch_source

# The build is keyed by the resulting .config: fragments that change
# nothing for this version (an option it lacks) reuse the same build.
tmp=$cache/build/tmp-$kver-$flavour-$$
rm -rf "$tmp"
mkdir -p "$tmp"
log "configuring $kver ($flavour)"
make -s -C "$src" O="$tmp" tinyconfig >&2
# shellcheck disable=SC2086
(cd "$tmp" && "$src/scripts/kconfig/merge_config.sh" -m -O "$tmp" \
	"$tmp/.config" $frags >/dev/null)
make -s -C "$src" O="$tmp" olddefconfig >&2

# Every option we ask for must have survived olddefconfig.
missing=
# shellcheck disable=SC2086
for opt in $(grep -h '^CONFIG_.*=[ym]$' $frags); do
	name=${opt%%=*}
	grep -q "^$name=[ym]$" "$tmp/.config" || missing="$missing $name"
done
[ -z "$missing" ] || log "warning: not set in $kver:$missing"

ckey=$(grep '^CONFIG_' "$tmp/.config" | sha256sum | cut -c1-12)
build=$cache/build/$kver-$flavour-$ckey
if [ -f "$build/.vbus-done" ]; then
	rm -rf "$tmp"
	ln -sfn "$build" "$alias"
	log "reusing cached $build"
	echo "$build"
	exit 0
fi
# A build that was cut short (a session's end, ^C) goes on where it
# stopped: the same .config in the same directory, make does the rest.
if [ -f "$build/.config" ] && cmp -s "$tmp/.config" "$build/.config"; then
	rm -rf "$tmp"
	log "resuming the build in $build"
else
	rm -rf "$build"
	mv "$tmp" "$build"
fi
log "building $kver ($flavour), this takes a few minutes"
make -s -C "$src" O="$build" -j"$(nproc)" bzImage modules >&2
make -s -C "$src" O="$build" INSTALL_MOD_PATH="$build/modroot" \
	modules_install >&2
touch "$build/.vbus-done"
ln -sfn "$build" "$alias"
echo "$build"
