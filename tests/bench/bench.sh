#!/bin/sh
# make bench: build the bench kernel (no debug options), run the
# measurements in one VM boot, print a table with ratios against the
# anchor, and write the rows as JSON to $BENCH_JSON.
set -eu
kver=${1:-6.12}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${VBUS_CACHE:-$HOME/.cache/vbus}
json=${BENCH_JSON:-$top/bench.json}

sh "$top/tests/vm/install-deps.sh"
kdir=$("$top/tests/vm/kernel.sh" "$kver" bench)
make -s -C "$kdir" M="$top" modules
out=$(mktemp -d "$cache/bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
# The VM sees none of this environment: the BENCH_* settings go in a file.
for v in BENCH_PKTS BENCH_SECS BENCH_RUNS BENCH_PAIRS BENCH_GUEST_PKTS BENCH_LOCAL; do
	eval "x=\${$v:-}"
	case $x in
	'') ;;
	*[!0-9]*) echo "bench: $v must be a number, not '$x'" >&2; exit 2 ;;
	*) echo "$v=$x" ;;
	esac
done >"$out/bench.env"
VBUS_OUT=$out sh "$top/tests/vm/run.sh" "$kver" bench "$here/bench-in-vm.sh"
cp "$out/bench.json" "$json"

echo
printf '%-14s %9s %6s %9s %6s %9s %6s %9s %6s %9s\n' path pps_64 ratio \
	tcp_mbps ratio rtt_mean ratio rtt_p50 ratio rtt_p99
jq -r 'def r(a; b): if (a // 0) > 0 and (b // 0) > 0
		then (a / b * 100 | floor / 100) else "-" end;
	(.[] | select(.path == "veth")) as $a |
	.[] | select(.tcp_mbps and (.path | startswith("guest-") | not)) |
	[.path, .pps_64, r(.pps_64; $a.pps_64), .tcp_mbps, r(.tcp_mbps; $a.tcp_mbps),
	 .rtt_us_mean, r(.rtt_us_mean; $a.rtt_us_mean),
	 .rtt_us_p50, r(.rtt_us_p50; $a.rtt_us_p50), .rtt_us_p99] | @tsv' "$json" |
	while IFS="$(printf '\t')" read -r p a b c d e f g h i; do
		printf '%-14s %9s %6s %9s %6s %9s %6s %9s %6s %9s\n' \
			"$p" "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h" "$i"
	done
jq -r '(.[] | select(.path == "vdpa_sim_net")) as $s |
	"venet-virtio pps_64 / vdpa_sim_net pps_64 (\($s.pps_64)), median of runs in turn: \($s.venet_virtio_pps_ratio * 100 | floor / 100)"' "$json"
jq -r '(.[] | select(.path == "dpdk-vdpa_sim_net")) as $s |
	(.[] | select(.path == "dpdk-venet-vhost")) as $v |
	"dpdk testpmd txonly: venet-vhost \($v.pps_64) pps / vdpa_sim_net \($s.pps_64) pps: \(if $s.pps_64 > 0 then ($v.pps_64 / $s.pps_64 * 100 | floor / 100) else "n/a" end); pktgen to testpmd over venet-vhost: \($v.pps_64_rx) pps"' "$json"
echo "ratios are against veth in the same VM run (vdpa_sim_net: pps only)"

# Nested KVM guests: ratios against the guest on tap + vhost-net.
if jq -e 'any(.[]; .path == "guest-vhost-net")' "$json" >/dev/null; then
	echo
	printf '%-16s %9s %6s %9s %6s %9s %6s %9s %6s\n' path pps_64 ratio \
		tcp_up ratio tcp_down ratio rtt_mean ratio
	jq -r 'def r(a; b): if (a // 0) > 0 and (b // 0) > 0
		then (a / b * 100 | floor / 100) else "-" end;
	(.[] | select(.path == "guest-vhost-net")) as $n |
	.[] | select(.path | startswith("guest-")) |
	[.path, .pps_64, r(.pps_64; $n.pps_64), .tcp_mbps, r(.tcp_mbps; $n.tcp_mbps),
	 .tcp_mbps_down, r(.tcp_mbps_down; $n.tcp_mbps_down),
	 (.rtt_us_mean // "-"), r(.rtt_us_mean; $n.rtt_us_mean)] | @tsv' "$json" |
		while IFS="$(printf '\t')" read -r p a b c d e f g h; do
			printf '%-16s %9s %6s %9s %6s %9s %6s %9s %6s\n' \
				"$p" "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h"
		done
	echo "guest rows: ratios against tap + vhost-net in the same run;" \
		"guest-vdpa-sim loops frames to itself (pps only)"
fi
echo "rows in $json"
