#!/bin/sh
# vbusctl: every subcommand, its failures, and save/clear/restore, under
# the shell a user has (bash) and under busybox sh.
. "$(dirname "$0")/lib.sh"

VBUSCTL="$VBUS_SRC/configfs-scripts/vbusctl"
SH=${VBUSCTL_SH:-sh}
v() { $SH "$VBUSCTL" "$@"; }
work=$(mktemp -d)

# t_fails DESC PATTERN CMD...: CMD fails and its stderr matches PATTERN.
t_fails() {
	_d=$1 _p=$2
	shift 2
	if _o=$("$@" 2>&1); then
		t_diag "'$*' succeeded: $_o"
		t_fail "$_d"
	elif printf '%s' "$_o" | grep -q -- "$_p"; then
		t_ok "$_d"
	else
		t_diag "'$*': '$_o' does not match '$_p'"
		t_fail "$_d"
	fi
}

for shell in sh "busybox sh"; do
	SH=$shell
	t_diag "vbusctl under $SH"
	t_check "[$SH] --help" sh -c "$SH $VBUSCTL --help | grep -q 'usage: vbusctl'"
	t_check "[$SH] dev --help" sh -c "$SH $VBUSCTL dev --help | grep -q 'dev add CLASS'"
	t_check "[$SH] bus add (loads vbus)" v bus add b1
	modprobe vbus_testconn
	t_check "[$SH] dev add loads the class module and sets attributes" \
		v dev add ref d1 label=first "value=42"
	t_eq "[$SH] the attribute was set" 42 "$(cat $CFS/devices/ref/d1/value)"
	t_check "[$SH] dev add another" v dev add ref d2
	t_check "[$SH] dev set" v dev set d2 "label=two words" value=0x10
	t_eq "[$SH] a value with spaces" "two words" "$(cat $CFS/devices/ref/d2/label)"
	t_check "[$SH] attach" v attach b1 d1
	t_eq "[$SH] d1 is on b1" b1 "$(cat $CFS/devices/ref/d1/bus)"
	t_check "[$SH] connect (loads the connector module)" v connect b1 test
	t_fails "[$SH] dev set on a connected bus: kernel error" \
		"devices/ref/d1/value: Device or resource busy" v dev set d1 value=1
	t_fails "[$SH] unknown class" "no such class" v dev add nosuchclass x
	t_fails "[$SH] attach to a missing bus" "buses/nob: no such bus" v attach nob d2
	t_fails "[$SH] attach a missing device" "nodev: no such device" v attach b1 nodev
	t_fails "[$SH] malformed attribute value" "Invalid argument" v dev set d2 value=x
	t_fails "[$SH] unknown attribute" "no such attribute" v dev set d2 color=red
	t_fails "[$SH] existing bus" "File exists" v bus add b1
	t_fails "[$SH] unknown connector" "Invalid argument" v connect b1 bogus
	t_fails "[$SH] usage error" "usage: vbusctl bus" v bus add
	t_check "[$SH] show" sh -c "$SH $VBUSCTL show | grep -q 'd1 (ref)'"
	t_eq "[$SH] show --json lists the bus connector" test \
		"$(v show --json | jq -r '.buses[] | select(.name == "b1") | .connector')"
	t_check "[$SH] save" v save "$work/c.json"
	t_eq "[$SH] saved mode is 0600" 600 "$(stat -c %a "$work/c.json")"
	v show --json >"$work/before.json"
	t_check "[$SH] clear" v clear
	t_eq "[$SH] nothing left after clear" '0 0' \
		"$(v show --json | jq -r '"\(.buses | length) \(.devices | length)"')"
	t_check "[$SH] restore" v restore "$work/c.json"
	v show --json >"$work/after.json"
	t_check "[$SH] save/clear/restore round trip gives the same show --json" \
		cmp "$work/before.json" "$work/after.json"
	t_check "[$SH] disconnect" v disconnect b1
	t_check "[$SH] detach" v detach d1
	t_fails "[$SH] detach a device on no bus" "not on a bus" v detach d1
	t_check "[$SH] dev del" v dev del d1
	t_check "[$SH] clear the rest" v clear
	modprobe -r vbus_testconn vbus_ref
done

# Restore failures: malformed files apply nothing; bad items are reported
# and the rest is applied.
SH=sh
echo '{ "buses": [ {"name": "x"' >"$work/bad.json"
t_fails "restore of malformed JSON is refused" "malformed" v restore "$work/bad.json"
echo '{"buses": 3, "devices": []}' >"$work/bad2.json"
t_fails "restore of a wrong shape is refused" "nothing applied" v restore "$work/bad2.json"
t_eq "a refused restore applied nothing" "" "$(ls $CFS/buses 2>/dev/null)"
cat >"$work/partial.json" <<'EOT'
{"classes": ["ref"], "buses": [{"name": "p1", "connector": "none"}],
 "devices": [
  {"name": "good", "class": "ref", "bus": "p1", "attrs": {"value": "5"}},
  {"name": "bad", "class": "nosuchclass", "bus": "p1", "attrs": {}},
  {"name": "badattr", "class": "ref", "bus": "", "attrs": {"value": "x"}}
 ]}
EOT
t_fails "restore reports the items that failed" "3 item(s) failed" \
	v restore "$work/partial.json"
t_eq "and applied the rest" "p1 5" \
	"$(cat $CFS/devices/ref/good/bus) $(cat $CFS/devices/ref/good/value)"
t_check "clear after a partial restore" v clear

# Hostile input: names that would leave configfs, files others could
# have written, a planted symlink, attributes that do not exist.
cat >"$work/evil.json" <<'EOT'
{"buses": [{"name": "../../../../../tmp/vbus-evil", "connector": "pwned"}],
 "devices": []}
EOT
mkdir -p /tmp/vbus-evil
t_fails "restore of a bus named ../../.. is refused" "invalid names" \
	v restore "$work/evil.json"
t_check "nothing was written outside configfs" \
	test ! -e /tmp/vbus-evil/connector
rmdir /tmp/vbus-evil
cat >"$work/space.json" <<'EOT'
{"buses": [{"name": "a b", "connector": "none"}], "devices": []}
EOT
t_fails "restore of a name with a space is refused" "invalid names" \
	v restore "$work/space.json"
echo '{"buses": [], "devices": []}' >"$work/theirs.json"
chown nobody "$work/theirs.json"
t_fails "restore of a file not owned by root is refused" "not owned by root" \
	v restore "$work/theirs.json"
chown root "$work/theirs.json"
chmod 0664 "$work/theirs.json"
t_fails "restore of a group-writable file is refused" "writable by group" \
	v restore "$work/theirs.json"
chmod 0646 "$work/theirs.json"
t_fails "restore of a world-writable file is refused" "writable by group" \
	v restore "$work/theirs.json"
t_fails "a bus name with a space is refused" "not a valid bus name" \
	v bus add "a b"
t_fails "a device name starting with . is refused" "not a valid device name" \
	v dev add ref .x
t_fails "a class name with a / is refused" "not a valid class name" \
	v dev add ../ref x
modprobe vbus_ref
v dev add ref real
t_fails "setting an attribute that does not exist" "no such attribute" \
	v dev set real nosuch=1
t_check "and no file was created for it" test ! -e $CFS/devices/ref/real/nosuch
ln -s /tmp/vbus-victim "$work/s.json.tmp"
t_check "save next to a planted symlink" v save "$work/s.json"
t_check "the symlink's target was not written" test ! -e /tmp/vbus-victim
t_eq "save wrote mode 0600" 600 "$(stat -c %a "$work/s.json")"
v clear

# venet round trip: save records the default hostif, restore writes it
# back (the same name is a no-op, not EEXIST).
modprobe vbus_venet
v dev add venet vr0 mtu=1400
t_check "venet: save" v save "$work/venet.json"
v show --json >"$work/vbefore.json"
t_check "venet: clear" v clear
t_check "venet: restore" v restore "$work/venet.json"
v show --json >"$work/vafter.json"
t_check "venet: the round trip gives the same show --json" \
	cmp "$work/vbefore.json" "$work/vafter.json"
v clear
modprobe -r vbus_venet
t_check "man page renders" sh -c "man -l $VBUS_SRC/configfs-scripts/vbusctl.8 2>/dev/null | grep -q vbusctl || groff -man -Tascii $VBUS_SRC/configfs-scripts/vbusctl.8 | grep -q vbusctl"
modprobe -r vbus_testconn vbus_ref vbus
rm -rf "$work"
t_done
