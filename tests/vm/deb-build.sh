#!/bin/sh
# Build vbus-dkms and vbus-utils from the committed and new files of this
# tree (not its build products) with dpkg-buildpackage, check them with
# lintian (any error fails), and copy the .debs to OUTDIR.
#
#   deb-build.sh OUTDIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dest=$1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top"
git ls-files -co --exclude-standard | cpio -pdm --quiet "$tmp/vbus"
(cd "$tmp/vbus" && dpkg-buildpackage -b -uc -us >"$tmp/build.log" 2>&1) || {
	cat "$tmp/build.log"
	exit 1
}
lintian --allow-root --fail-on error "$tmp"/*.changes
mkdir -p "$dest"
cp "$tmp"/*.deb "$dest/"
ls "$dest"
