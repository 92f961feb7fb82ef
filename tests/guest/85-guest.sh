#!/bin/sh
# A QEMU/KVM guest (nested under TCG, tests/vm/guest.sh) with a stock
# virtio-net-pci and virtio_net, backed by a venet device on a "vhost"
# bus through -netdev vhost-vdpa: pings and DF pings at MTU 9000 both
# ways, 32 MiB checked by sha256 both ways, iperf3 both ways; the guest's
# MSI-X counts rise while QEMU's main thread stays idle and KVM sends no
# notify to userspace (ioeventfd and irqfd carry the signalling); kill -9
# QEMU under iperf3 leaves nothing pinned and the device to the next
# guest; then the same guest script on tap + vhost-net.
. "$(dirname "$0")/../integration/lib.sh"

D=$CFS/devices/venet
B=$CFS/buses/gb
G="sh $VBUS_SRC/tests/vm/guest.sh"
PEER=$VBUS_SRC/tests/guest/peer.sh
XFER="python3 $VBUS_SRC/tests/tools/xfer.py"
W=$(mktemp -d)
PIDF=$W/qemu.pid
GUESTS=3
[ "${STRESS:-0}" = 1 ] && GUESTS=5
T_CLEANUP='[ ! -s $PIDF ] || kill -9 $(cat $PIDF); wait; rm -rf $W; ip link del gtap0 2>/dev/null'

if ! modprobe kvm_amd 2>/dev/null && ! modprobe kvm_intel 2>/dev/null ||
	[ ! -c /dev/kvm ]; then
	t_ok "guest tests # SKIP no KVM in the test VM (-cpu without svm)"
	t_done
	exit
fi
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
# MMIO (a virtio-pci notify that ioeventfd does not catch is one).
qemu_cpu() {
	_p=$(cat $PIDF)
	awk '{ print $14 + $15 }' /proc/"$_p"/task/"$_p"/stat
}
mmio_exits() {
	cat /sys/kernel/debug/kvm/"$(cat $PIDF)"-*/mmio_exits 2>/dev/null | head -1
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
val() { sed -n "s/^$1 //p" "$W/out"; }

# guest_run TAG BACKEND HOSTIF HOST GUEST MTU: one guest through peer.sh's
# traffic mode; its results and ours as TAG's tests.
guest_run() {
	_tag=$1 _be=$2 _if=$3 _h=$4 _g=$5 _mtu=$6
	head -c 33554432 /dev/urandom >"$W/payload"
	_want="33554432 $(sha256sum <"$W/payload" | cut -d' ' -f1)"
	GUEST_PIDFILE=$PIDF GUEST_OUT=$W/gout $G "$_be" "$PEER" "$_h" "$_g/24" \
		"$_mtu" traffic >"$W/out" 2>&1 &
	_gpid=$!
	# A connect to an address nobody answers takes xfer.py's 60 s: ping
	# until the guest has booted, then its receiver accepts.
	if until_ok 400 ping -c 1 -W 1 "$_g" &&
		until_ok 60 $XFER send "$_g" 7002 "$W/payload"; then
		t_ok "$_tag: the guest is up"
	else
		t_fail "$_tag: the guest is up"
	fi
	_cpu0=$(qemu_cpu) _exits0=$(mmio_exits) _t0=$(date +%s)
	_pk0=$(cat /sys/class/net/"$_if"/statistics/rx_packets)
	t_check "$_tag: host pings the guest" ping -c 5 -i 0.2 -W 2 -q "$_g"
	t_check "$_tag: host DF ping of $((_mtu - 28)) bytes" \
		ping -M do -s $((_mtu - 28)) -c 3 -i 0.2 -W 2 -q "$_g"
	$XFER recv "$_h" 7001 >"$W/got"
	# The guest listens on 7003 once its iperf3 runs are done.
	until_ok 240 $XFER send "$_g" 7003 /dev/null
	_cpu1=$(qemu_cpu) _exits1=$(mmio_exits) _t1=$(date +%s)
	_pk1=$(cat /sys/class/net/"$_if"/statistics/rx_packets)
	wait $_gpid
	t_eq "$_tag: the guest script passed" 0 $?
	t_diag "$(grep -v '^tx_want\|^rx ' "$W/out")"
	t_eq "$_tag: the guest's eth0 is virtio_net" virtio_net "$(val driver)"
	t_eq "$_tag: the guest pings the host" ok "$(val ping)"
	t_eq "$_tag: the guest's DF ping at MTU $_mtu" ok "$(val dfping)"
	t_eq "$_tag: a DF ping one byte over MTU is refused" refused \
		"$(val dfping_over)"
	t_eq "$_tag: 32 MiB host to guest, sha256 checked" "$_want" "$(val rx)"
	t_eq "$_tag: 32 MiB guest to host, sha256 checked" "$(val tx_want)" \
		"$(cat "$W/got")"
	for _d in up down; do
		_b=$(val iperf_$_d)
		t_diag "$_tag: iperf3 $_d: $((${_b:-0} / 1000000)) Mbit/s"
		t_check "$_tag: iperf3 $_d moves data" test "${_b:-0}" -gt 1000000
	done
	_irqs=$(($(val irqs_after) - $(val irqs_before)))
	_pk=$((_pk1 - _pk0))
	t_diag "$_tag: $_pk frames from the guest, $_irqs MSI-X interrupts in the guest," \
		"QEMU main thread $((_cpu1 - _cpu0)) ticks in $((_t1 - _t0)) s," \
		"$((_exits1 - _exits0)) MMIO exits to userspace"
	t_check "$_tag: the guest's MSI-X interrupts rise with traffic" \
		test "$_irqs" -gt 100
	GUEST_MMIO=$((_exits1 - _exits0)) GUEST_PK=$_pk
	GUEST_CPU=$((_cpu1 - _cpu0)) GUEST_SECS=$((_t1 - _t0))
}

iperf3 -s -D >/dev/null 2>&1

# kill -9 QEMU under iperf3: its pins go, the device stays for the next.
GUEST_PIDFILE=$PIDF $G "$cdev" "$PEER" 10.98.0.1 10.98.0.2/24 9000 iperf \
	>"$W/out" 2>&1 &
gpid=$!
if until_ok 400 ping -c 1 -W 1 10.98.0.2; then
	t_ok "guest 1: up, iperf3 to the host"
else
	t_fail "guest 1: up, iperf3 to the host"
fi
sleep 3
t_check "guest 1: pages pinned while it runs" test "$(t_pinned)" -gt "$pinned0"
t_check "guest 1: kill -9 QEMU under iperf3" kill -9 "$(cat $PIDF)"
wait $gpid
t_check "guest 1: nothing stays pinned" unpinned
# The server still serves the dead guest's connection: a new one.
pkill iperf3
sleep 0.5
iperf3 -s -D >/dev/null 2>&1
t_eq "guest 1: the device stays on vhost_vdpa" vhost_vdpa \
	"$(basename "$(readlink /sys/bus/vdpa/devices/g0/driver)")"

n=2
while [ $n -le $GUESTS ]; do
	tag="guest $n (venet)"
	guest_run "$tag" "$cdev" gh0 10.98.0.1 10.98.0.2 9000
	t_check "$tag: QEMU's notify exits stay flat ($GUEST_MMIO for $GUEST_PK frames)" \
		test $((GUEST_MMIO * 100)) -lt "$GUEST_PK"
	t_check "$tag: QEMU's main thread stays idle ($GUEST_CPU ticks in $GUEST_SECS s)" \
		test $((GUEST_CPU * 4)) -lt $((GUEST_SECS * 100))
	t_check "$tag: nothing stays pinned after it" unpinned
	n=$((n + 1))
	[ "${STRESS:-0}" = 1 ] || break
done

t_check "disconnect once the guests are gone" put $B/connector none
t_check "teardown" sh -c "rm $B/devices/g0 && rmdir $D/g0 $B"

# The same guest script on tap + vhost-net: the harness is not venet's.
ip tuntap add dev gtap0 mode tap
ip link set gtap0 mtu 9000
ip addr add 10.99.0.1/24 dev gtap0
ip link set gtap0 up
guest_run "guest on tap+vhost-net" tap:gtap0 gtap0 10.99.0.1 10.99.0.2 9000
ip link del gtap0
pkill iperf3
t_check "unload" modprobe -r vbus_virtio vbus_venet vbus
t_kmemleak "kmemleak after the guests"
t_done
