#!/bin/sh
# A QEMU/KVM guest (nested under TCG, tests/vm/guest.sh) with a stock
# virtio-net-pci and virtio_net, backed by a venet device on a "vhost"
# bus through -netdev vhost-vdpa: pings and DF pings at MTU 9000 both
# ways, 4 MiB (32 MiB in make stress) checked by sha256 both ways, iperf3
# both ways; the guest's MSI-X counts rise while QEMU's main thread stays
# idle and KVM sends no notify to userspace (ioeventfd and irqfd carry
# the signalling); kill -9 QEMU under iperf3 leaves nothing pinned and
# the device to the next guest. make stress: four more guests on the
# device, then the same guest script on tap + vhost-net. A guest that
# never boots is followed by a control guest on tap: its checks are
# skipped only if that one never boots either.
. "$(dirname "$0")/lib.sh"

D=$CFS/devices/venet
B=$CFS/buses/gb
G="sh $VBUS_SRC/tests/vm/guest.sh"
PEER=$VBUS_SRC/tests/guest/peer.sh
XFER="python3 $VBUS_SRC/tests/tools/xfer.py"
W=$(mktemp -d)
# make check: one guest; make stress: 5 in a row, then tap + vhost-net.
# BYTES is the first guest's; the others move 4 MiB (at a few Mbit/s,
# 32 MiB each would add most of half an hour).
GUESTS=1 BYTES=4194304
[ "${STRESS:-0}" = 1 ] && GUESTS=5 BYTES=33554432
T_CLEANUP='for _f in $W/*.pid; do [ ! -s $_f ] || kill -9 $(cat $_f); done; wait
	rm -rf $W; ip link del gtap0 2>/dev/null'

if ! modprobe kvm_amd 2>/dev/null && ! modprobe kvm_intel 2>/dev/null ||
	[ ! -c /dev/kvm ]; then
	t_ok "guest tests # SKIP no KVM in the test VM (-cpu without svm)"
	t_done
	exit
fi
t_vhost_vdpa
t_check "modprobe vbus_venet vbus_virtio vhost_net" sh -c \
	'modprobe vbus_venet && modprobe vbus_virtio && modprobe vhost_net'
mkdir $D/g0 $B
put $D/g0/hostif gh0
put $D/g0/mtu 9000
ln -s $D/g0 $B/devices/g0
t_check "connect vhost" put $B/connector vhost
cdev=/dev/$(basename "$(ls -d /sys/bus/vdpa/devices/g0/vhost-vdpa-* 2>/dev/null)")
ip link set gh0 mtu 9000
ip addr add 10.98.0.1/24 dev gh0
ip link set gh0 up
pinned0=$(t_pinned)
unpinned() { t_unpinned "$pinned0"; }

# QEMU's main thread CPU time in ticks, and KVM's exits to userspace for
# MMIO (a virtio-pci notify that ioeventfd does not catch is one), of
# the QEMU whose pid file is $1.
qemu_cpu() {
	_p=$(cat "$1")
	awk '{ print $14 + $15 }' /proc/"$_p"/task/"$_p"/stat
}
mmio_exits() {
	cat /sys/kernel/debug/kvm/"$(cat "$1")"-*/mmio_exits
}
# until_ok TRIES CMD...: CMD until it succeeds, every 0.5 s.
until_ok() {
	_n=$1
	shift
	for _i in $(seq "$_n"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}
. "$VBUS_SRC/tests/lib/guest.sh"
val() { guest_val "$W/$1.out" "$2"; }

# guest_start TAG BACKEND HOST GUEST MTU [iperf]: boot a guest running
# peer.sh's traffic mode in the background (then iperf3 until killed);
# guest_check TAG ... is its test VM half. A guest's console and logs
# stay with the run's output.
guest_start() {
	head -c "$BYTES" /dev/urandom >"$W/$1.payload"
	GUEST_TIMEOUT=1500 GUEST_BOOTS=2 GUEST_PIDFILE=$W/$1.pid \
		GUEST_OUT=$VBUS_OUT/guest-$1 \
		$G "$2" "$PEER" "$3" "$4/24" "$5" traffic "$BYTES" ${6:-} \
		>"$W/$1.out" 2>&1 &
	echo $! >"$W/$1.gpid"
}

# guest_control: does a guest on tap + vhost-net (no vbus) reach its
# script in one boot? Its console stays with the run's output.
guest_control() {
	ip tuntap add dev gctl0 mode tap && ip link set gctl0 up || return 1
	GUEST_TIMEOUT=600 GUEST_BOOTS=1 GUEST_OUT=$VBUS_OUT/guest-control \
		$G tap:gctl0 "$PEER" 10.97.0.1 10.97.0.2/24 1500 boot \
		>"$W/control.out" 2>&1
	_crc=$?
	ip link del gctl0
	t_diag "control guest (tap): status $_crc; $(tr -d '\r' <"$W/control.out" |
		grep '^boot \|^driver \|^guest:' | tr '\n' ' ')"
	[ $_crc = 0 ]
}

# guest_check TAG HOSTIF HOST GUEST MTU [kill]: with kill, QEMU is
# killed with -9 under the guest's last iperf3 and its pins must go.
guest_check() {
	_id=$1 _if=$2 _h=$3 _g=$4 _mtu=$5 _kill=${6:-}
	_gpid=$(cat "$W/$_id.gpid") _pidf=$W/$_id.pid _tag="guest $1"
	_want="$BYTES $(sha256sum <"$W/$_id.payload" | cut -d' ' -f1)"
	# A connect to an address nobody answers takes xfer.py's 60 s: ping
	# until the guest has booted, then its receiver accepts.
	if ! guest_up "$_gpid" "$_g"; then
		# Its guest.sh ended: what it said, and whether any nested
		# guest boots here (CI lost guests before their script).
		wait "$_gpid"
		t_diag "$(tail -30 "$W/$_id.out" | tr -d '\r')"
		# Only a guest that never booted, beside a control that never
		# booted either, is the test VM's limit; anything else fails.
		if grep -q "^guest: none of" "$W/$_id.out" && ! guest_control &&
			grep -q "^guest: none of" "$W/control.out"; then
			t_ok "$_tag: the guest is up # SKIP the test VM boots no" \
				"nested guest: a control guest on tap did not reach its script"
		else
			t_fail "$_tag: the guest is up"
		fi
		return
	fi
	t_check "$_tag: the guest is up" \
		until_ok 60 $XFER send "$_g" 7002 "$W/$_id.payload"
	_cpu0=$(qemu_cpu "$_pidf") _exits0=$(mmio_exits "$_pidf") _t0=$(date +%s)
	_pk0=$(cat /sys/class/net/"$_if"/statistics/rx_packets)
	t_check "$_tag: host pings the guest" ping -c 5 -i 0.2 -W 2 -q "$_g"
	t_check "$_tag: host DF ping of $((_mtu - 28)) bytes" \
		ping -M do -s $((_mtu - 28)) -c 3 -i 0.2 -W 2 -q "$_g"
	$XFER recv "$_h" 7001 300 >"$W/$_id.got"
	# The guest listens on 7003 once its iperf3 runs are done.
	guest_go "$_gpid" "$_g"
	_cpu1=$(qemu_cpu "$_pidf") _exits1=$(mmio_exits "$_pidf") _t1=$(date +%s)
	_pk1=$(cat /sys/class/net/"$_if"/statistics/rx_packets)
	if [ "$_kill" = kill ]; then
		sleep 3
		t_check "$_tag: pages pinned while it runs" \
			test "$(t_pinned)" -gt "$pinned0"
		t_check "$_tag: kill -9 QEMU under iperf3" kill -9 "$(cat "$_pidf")"
		wait "$_gpid"
		t_check "$_tag: nothing stays pinned" unpinned
		# The server still serves the dead guest's connection.
		pkill iperf3
		sleep 0.5
		iperf3 -s -D >/dev/null 2>&1
		# The guest got as far as its last iperf3.
		_rc=1
		[ -z "$(val "$_id" done)" ] || _rc=0
	else
		wait "$_gpid"
		_rc=$?
	fi
	t_eq "$_tag: the guest script passed" 0 $_rc
	t_diag "$(grep -v '^tx_want\|^rx ' "$W/$_id.out")"
	if [ $_rc != 0 ]; then
		t_diag "$(ip -s -s link show "$_if")"
		[ "$_if" = gtap0 ] || for _q in 0 1; do
			t_diag "vstats queue $_q: $(vdpa dev vstats show g0 qidx $_q)"
		done
	fi
	t_eq "$_tag: the guest's eth0 is virtio_net" virtio_net "$(val "$_id" driver)"
	t_eq "$_tag: the guest pings the host" ok "$(val "$_id" ping)"
	t_eq "$_tag: the guest's DF ping at MTU $_mtu" ok "$(val "$_id" dfping)"
	t_eq "$_tag: a DF ping one byte over MTU is refused" refused \
		"$(val "$_id" dfping_over)"
	t_eq "$_tag: $BYTES bytes host to guest, sha256 checked" "$_want" \
		"$(val "$_id" rx)"
	t_eq "$_tag: $BYTES bytes guest to host, sha256 checked" \
		"$(val "$_id" tx_want)" "$(cat "$W/$_id.got")"
	for _d in up down; do
		_b=$(val "$_id" iperf_$_d)
		t_diag "$_tag: iperf3 $_d: $((${_b:-0} / 1000)) kbit/s"
		t_check "$_tag: iperf3 $_d moves data" test "${_b:-0}" -gt 100000
	done
	_ia=$(val "$_id" irqs_after) _ib=$(val "$_id" irqs_before)
	_irqs=$((${_ia:-0} - ${_ib:-0}))
	_pk=$((_pk1 - _pk0)) _exits=$((${_exits1:-0} - ${_exits0:-0}))
	_cpu=$((${_cpu1:-0} - ${_cpu0:-0})) _secs=$((_t1 - _t0))
	t_diag "$_tag: $_pk frames from the guest, $_irqs MSI-X interrupts in" \
		"the guest, QEMU main thread $_cpu ticks in $_secs s, $_exits" \
		"MMIO exits to userspace; guest booted in $(val "$_id" boot) s"
	t_check "$_tag: the guest's MSI-X interrupts rise with traffic" \
		test "$_irqs" -gt 100
	t_check "$_tag: KVM counts its MMIO exits" test -n "$_exits1"
	t_check "$_tag: QEMU's notify exits stay flat ($_exits for $_pk frames)" \
		test $((_exits * 100)) -lt "$_pk"
	t_check "$_tag: QEMU's main thread stays idle ($_cpu ticks in $_secs s)" \
		test $((_cpu * 4)) -lt $((_secs * 100))
}

iperf3 -s -D >/dev/null 2>&1
# For a lost guest's report: with the TSC dropped by the clocksource
# watchdog (VBUS_APPEND=tsc=unstable) guests boot slower, 137 s for 104.
t_diag "test VM clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"

# Guest 1 is killed with -9 under iperf3 after its traffic: its pins go,
# the device stays for the next (make stress: four more guests and the
# same script on tap + vhost-net).
guest_start 1 "$cdev" 10.98.0.1 10.98.0.2 9000 iperf
guest_check 1 gh0 10.98.0.1 10.98.0.2 9000 kill
t_eq "guest 1: the device stays on vhost_vdpa" vhost_vdpa \
	"$(basename "$(readlink /sys/bus/vdpa/devices/g0/driver)")"

BYTES=4194304
n=2
while [ $n -le $GUESTS ]; do
	guest_start $n "$cdev" 10.98.0.1 10.98.0.2 9000
	guest_check $n gh0 10.98.0.1 10.98.0.2 9000
	t_check "guest $n: nothing stays pinned after it" unpinned
	n=$((n + 1))
done

# The same guest script on tap + vhost-net: the harness is not venet's.
# Its guest moves about 1 Mbit/s here (venet 2 to 10): make stress only.
if [ "${STRESS:-0}" = 1 ]; then
	ip tuntap add dev gtap0 mode tap
	ip link set gtap0 mtu 9000
	ip addr add 10.99.0.1/24 dev gtap0
	ip link set gtap0 up
	guest_start tap tap:gtap0 10.99.0.1 10.99.0.2 9000
	guest_check tap gtap0 10.99.0.1 10.99.0.2 9000
	ip link del gtap0
fi

t_check "disconnect once the guests are gone" put $B/connector none
t_check "teardown" sh -c "rm $B/devices/g0 && rmdir $D/g0 $B"
pkill iperf3
t_check "unload" modprobe -r vbus_virtio vbus_venet vbus
t_kmemleak "kmemleak after the guests"
t_done
