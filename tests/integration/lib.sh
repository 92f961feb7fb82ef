# Shared helpers for integration scripts (POSIX sh). Each script is one
# KTAP document: results print as they come, the document (header, plan,
# results) goes to $VBUS_KTAP when set, for kunit.py parse.
# shellcheck shell=sh

CFS=/sys/kernel/config/vbus
VBUS_MODULES="virtio_net vbus_venet_client vbus_hostile_client vbus_ref_client vbus_native
vbus_virtio vbus_venet vbus_testconn vbus_ref vbus"
T_N=0
T_FAILED=0
T_RES=$(mktemp)
T_LAST=$(date +%s)

# t_result ok|"not ok" description. The console (not the KTAP document)
# also shows how long a result took when that was 10 s or more: where
# make check's time goes.
t_result() {
	T_N=$((T_N + 1))
	echo "$1 $T_N $2" >>"$T_RES"
	_now=$(date +%s)
	if [ $((_now - T_LAST)) -ge 10 ]; then
		echo "$1 $T_N $2 ($((_now - T_LAST)) s)"
	else
		echo "$1 $T_N $2"
	fi
	T_LAST=$_now
}

t_ok() { t_result ok "$*"; }

t_fail() {
	T_FAILED=$((T_FAILED + 1))
	t_result "not ok" "$*"
}

t_diag() { printf '%s\n' "$*" | sed 's/^/# /' | tee -a "$T_RES"; }

# t_check DESC CMD...: pass when CMD succeeds.
t_check() {
	_d=$1
	shift
	if _o=$("$@" 2>&1); then
		t_ok "$_d"
	else
		t_diag "$_o"
		t_fail "$_d"
	fi
}

# t_eq DESC EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_diag "expected '$2', got '$3'"
		t_fail "$1"
	fi
}

strerror() {
	case $1 in
	EPERM) echo "Operation not permitted" ;;
	ENOENT) echo "No such file or directory" ;;
	EEXIST) echo "File exists" ;;
	EINVAL) echo "Invalid argument" ;;
	EBUSY) echo "Device or resource busy" ;;
	ENOTEMPTY) echo "Directory not empty" ;;
	*) echo "$1" ;;
	esac
}

# t_errno DESC ERRNO OBJECT CMD...: CMD must fail with ERRNO, and when
# OBJECT is not empty the kernel must have logged a vbus error naming it.
t_errno() {
	_d=$1 _e=$2 _obj=$3
	shift 3
	_before=$(dmesg | wc -l)
	if _o=$("$@" 2>&1); then
		t_diag "'$*' succeeded"
		t_fail "$_d"
		return
	fi
	case $_o in
	*"$(strerror "$_e")"*) ;;
	*)
		t_diag "'$*' failed with '$_o', expected $_e"
		t_fail "$_d"
		return
		;;
	esac
	if [ -n "$_obj" ] &&
		! dmesg | tail -n +"$((_before + 1))" | grep "vbus" | grep -q -- "$_obj"; then
		t_diag "no vbus error naming '$_obj' in dmesg"
		t_fail "$_d"
		return
	fi
	t_ok "$_d"
}

# Write a value the way a user does: echo VALUE > FILE. bash, because
# dash reports every failed write as "I/O error", hiding the errno.
put() { bash -c 'echo "$1" >"$2"' put "$2" "$1"; }

# t_in_use DESC MODULE: rmmod MODULE must be refused as in use.
t_in_use() {
	if _o=$(rmmod "$2" 2>&1); then
		t_diag "rmmod $2 succeeded"
		t_fail "$1"
	else
		case $_o in
		*"in use"*) t_ok "$1" ;;
		*) t_diag "$_o" && t_fail "$1" ;;
		esac
	fi
}

# Payloads checked end to end: t_payload makes 2 MB of random bytes and
# sets T_WANT to "<size> <sha256>"; t_transfer FROM-NS TO-NS TO-ADDR sends
# them over TCP and prints what arrived, in the same form.
t_payload() {
	T_PAYLOAD=$(mktemp)
	head -c 2000000 /dev/urandom >"$T_PAYLOAD"
	T_WANT="2000000 $(sha256sum <"$T_PAYLOAD" | cut -d' ' -f1)"
}

t_transfer() {
	_got=$(mktemp)
	_xfer="$VBUS_SRC/tests/tools/xfer.py"
	ip netns exec "$2" python3 "$_xfer" recv "$3" 7000 >"$_got" &
	sleep 1
	ip netns exec "$1" python3 "$_xfer" send "$3" 7000 "$T_PAYLOAD"
	wait $!
	cat "$_got"
}

# t_carrier NS IF WANT: wait up to 5 s for IF's carrier to read WANT.
t_carrier() {
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(ip netns exec "$1" cat /sys/class/net/"$2"/carrier 2>/dev/null)" = "$3" ] &&
			return 0
		sleep 0.5
	done
	return 1
}

# Scan for leaks; objects must be unreferenced for 5 s to be reported.
t_kmemleak() {
	_k=/sys/kernel/debug/kmemleak
	if [ ! -w $_k ]; then
		t_diag "kmemleak not available"
		t_ok "$1 # SKIP no kmemleak"
		return
	fi
	sleep 6
	echo scan >$_k
	if [ -s $_k ]; then
		t_diag "$(head -30 $_k)"
		t_fail "$1"
	else
		t_ok "$1"
	fi
}

# Pages pinned for DMA (pin_user_pages) across the whole VM, now.
t_pinned() {
	awk '/^nr_foll_pin_acquired/ { a = $2 } /^nr_foll_pin_released/ { r = $2 }
	     END { print a - r }' /proc/vmstat
}

# t_unpinned BASE: back to BASE pinned pages within 20 s (a process's exit
# unpins as it closes its vhost-vdpa device; this waits out the last of
# its threads).
t_unpinned() {
	for _i in $(seq 40); do
		[ "$(t_pinned)" = "$1" ] && return 0
		sleep 0.5
	done
	echo "pinned: $(t_pinned), before: $1"
	return 1
}

# A script that fails half way leaves nothing for the next one: traffic,
# namespaces, buses, devices and modules go, whatever state they are in.
# A script sets T_CLEANUP to a command that ends what only it starts.
t_teardown() {
	[ -z "${T_CLEANUP:-}" ] || eval "$T_CLEANUP"
	pkill iperf3 2>/dev/null
	pkill -f tests/tools/xfer.py 2>/dev/null
	for _ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
		ip netns del "$_ns"
	done
	if [ -d $CFS/buses ]; then
		for _b in $CFS/buses/*; do
			[ -d "$_b" ] || continue
			echo none >"$_b/connector" 2>/dev/null
			rm -f "$_b"/devices/*
			rmdir "$_b"
		done
		for _d in $CFS/devices/*/*; do
			[ -d "$_d" ] && rmdir "$_d"
		done
	fi
	t_unload 2>/dev/null
	return 0
}

# Unload every loaded vbus module (and virtio_net), users first; fails
# when one refuses.
t_unload() {
	for _m in $VBUS_MODULES; do
		[ -e /sys/module/$_m/refcnt ] || continue
		rmmod $_m || return 1
	done
}
trap t_teardown EXIT

# vhost_vdpa with room for a map per 4 KiB page of a process: since 7.x it
# holds at most max_iotlb_entries (2048) per process, and memory pinned
# without hugepages is rarely contiguous (testpmd; a 512 MiB QEMU guest
# needs 131072 and more). A parameter only takes at load: an earlier
# script's copy is unloaded first. Nothing to do before 7.x.
t_vhost_vdpa() {
	modinfo -p vhost_vdpa 2>/dev/null | grep -q '^max_iotlb_entries' ||
		return 0
	t_check "modprobe vhost_vdpa max_iotlb_entries=262144" sh -c \
		"modprobe -r vhost_vdpa 2>/dev/null; modprobe vhost_vdpa max_iotlb_entries=262144 &&
		 grep -qx 262144 /sys/module/vhost_vdpa/parameters/max_iotlb_entries"
}

# t_iperf_server NS PORT: a one-shot iperf3 server in NS, ready.
t_iperf_server() {
	ip netns exec "$1" iperf3 -s -D -1 -p "$2" >/dev/null 2>&1
	sleep 1
}

# t_to_ns NS IF ADDR/LEN: move IF into NS, address it, bring it up.
t_to_ns() {
	ip link set "$2" netns "$1" && ip -n "$1" addr add "$3" dev "$2" &&
		ip -n "$1" link set "$2" up
}

# t_wait_ping NS ADDR: a link may take a moment after (re)binding.
t_wait_ping() {
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 &&
			return 0
	done
	return 1
}

t_done() {
	if [ -n "${VBUS_KTAP:-}" ]; then
		{
			echo "KTAP version 1"
			echo "1..$T_N"
			cat "$T_RES"
		} >"$VBUS_KTAP"
	fi
	echo "# $(basename "$0"): $((T_N - T_FAILED)) passed, $T_FAILED failed"
	rm -f "$T_RES"
	[ "$T_FAILED" = 0 ]
}
