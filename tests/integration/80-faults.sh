#!/bin/sh
# Fault injection: each user operation (mkdir of a device and a bus, ln,
# rm, each connector's connect, hot-plug, attribute writes, client open,
# MTU change) has its 1st, 2nd, ... allocation failed in turn (fail-nth)
# until it succeeds unfaulted. Each failure must give an errno and leave
# nothing behind, the object must work afterwards, no splat, no leak.
# make check tries every 3rd fault point, at most 20 s per operation;
# STRESS=1 every one, without a time limit.
. "$(dirname "$0")/lib.sh"

if [ ! -e /proc/thread-self/fail-nth ]; then
	t_ok "fault injection # SKIP the kernel has no CONFIG_FAULT_INJECTION"
	t_done
	exit
fi
opts="--stride 3 --budget 20"
[ "${STRESS:-0}" = 1 ] && opts="--stride 1"
# virtio_net stays out: the faults would land in its probe, whose error
# paths leak (6.12: three 16-byte objects allocated in virtnet_probe, seen
# by the run's final kmemleak scan); what is tested is vbus's side, the
# connector down to virtio_vdpa.
t_check "modprobe the classes and connectors" sh -c \
	'modprobe vbus_ref && modprobe vbus_venet && modprobe vbus_testconn &&
	 modprobe vbus_native && modprobe vbus_venet_client &&
	 { modprobe vbus_virtio || true; }'
# shellcheck disable=SC2086
python3 -u "$VBUS_SRC/tests/tools/faults.py" $opts 2>&1 | tee /tmp/faults.out
rc=$(grep -c '^1\.\.' /tmp/faults.out)
while IFS= read -r line; do
	case $line in
	"not ok "*) _r=${line#not ok }; t_fail "${_r#* }" ;;
	"ok "*) _r=${line#ok }; t_ok "${_r#* }" ;;
	"# "*) t_diag "${line#\# }" ;;
	esac
done </tmp/faults.out
t_eq "the fault sweep ran to its end" 1 "$rc"
t_diag "$(tail -n 20 /tmp/faults.out | grep -v '^[#o0-9]' || true)"
t_eq "nothing left in configfs" "" \
	"$(ls $CFS/buses; find $CFS/devices -mindepth 2 -maxdepth 2)"
t_check "every module unloads" t_unload
t_kmemleak "kmemleak finds nothing after the fault sweep"
t_done
