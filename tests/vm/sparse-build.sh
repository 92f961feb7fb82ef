#!/bin/sh
# Build (or reuse) a sparse new enough for 7.x kernels: their
# checker-valid.sh needs __typeof_unqual__, which Debian 12's sparse 0.6.4
# lacks. The source is Debian's own source package from unstable (0.6.5~rc1
# or later), fetched with a private apt configuration as kernel.sh does;
# only the sparse binary is built, with this machine's gcc. Prints its path.
set -eu
cache=${VBUS_CACHE:-$HOME/.cache/vbus}
apt=$cache/apt/sid-src
log() { echo "sparse-build: $*" >&2; }

for s in "$cache"/sparse/*/sparse; do
	[ -x "$s" ] && [ -f "${s%/sparse}/.vbus-done" ] && { echo "$s"; exit 0; }
done

mkdir -p "$apt/lists/partial"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
	>"$apt/sources.list"
set -- -o Dir::Etc::sourcelist="$apt/sources.list" \
	-o Dir::Etc::sourceparts=- -o Dir::State::Lists="$apt/lists" \
	-o APT::Sandbox::User=root
log "fetching Debian's sparse source package (unstable)"
apt-get -qq "$@" update >&2
tmp=$(mktemp -d "$cache/sparse-src.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get -qq "$@" source --download-only sparse >&2)
dsc=$(ls "$tmp"/sparse_*.dsc)
ver=$(basename "$dsc" .dsc | sed 's/^sparse_//')
dpkg-source -x "$dsc" "$tmp/src" >/dev/null
# Debian's packaging pins its own gcc for cgcc; sparse itself needs any.
make -s -C "$tmp/src" -j"$(nproc)" CC=gcc sparse >&2
dest=$cache/sparse/$ver
mkdir -p "$dest"
cp "$tmp/src/sparse" "$dest/"
if [ "$(sh "$(ls -d "$cache"/src/linux-source-7.*/scripts/checker-valid.sh | tail -n 1)" "$dest/sparse")" != 1 ]; then
	log "sparse $ver still fails the kernel's checker-valid.sh"
	exit 1
fi
touch "$dest/.vbus-done"
log "built sparse $ver"
echo "$dest/sparse"
