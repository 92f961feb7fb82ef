# DPDK's testpmd on a vhost-vdpa char device, for tests, bench and demo
# (POSIX sh, sourced). The caller sets TP_DEV (/dev/vhost-vdpa-N) and may
# set TP_LOG and TP_MAC. Under TCG testpmd takes 20 to 60 s to start.
# shellcheck shell=sh

TP_LOG=${TP_LOG:-/tmp/testpmd.log}
TP_MAC=${TP_MAC:-02:00:00:00:00:42}
TP_QUIT=/tmp/testpmd.quit

# tp_start MODE [ARG...]: testpmd forwarding in MODE (icmpecho, io,
# txonly, rxonly, ...) through virtio_user on $TP_DEV, started and
# forwarding when this returns 0: a forwarding lcore beside the main one
# (the VM's DPDK sees one CPU), no hugepages, no shared files, its memory
# pinned (so the memlock limit is lifted). It exits, printing its
# statistics, at tp_quit; tp_kill kills it.
tp_start() {
	_mode=$1
	shift
	rm -f "$TP_LOG" $TP_QUIT
	(
		ulimit -l unlimited
		# Its stdin: a newline, once $TP_QUIT appears, says "exit".
		{
			while [ ! -e $TP_QUIT ]; do sleep 0.2; done
			echo
		} | exec stdbuf -oL dpdk-testpmd --lcores=0@0,1@0 --no-huge \
			-m 128 --no-pci --no-shconf \
			--vdev="net_virtio_user0,path=$TP_DEV,queue_size=256,mac=$TP_MAC" \
			-- --forward-mode="$_mode" --nb-cores=1 \
			--total-num-mbufs=4096 "$@" >"$TP_LOG" 2>&1
	) </dev/null >/dev/null 2>&1 &
	# (Detached from the caller's output: a $(...) waits for every writer.)
	for _i in $(seq 300); do
		if grep -q "Press enter to exit" "$TP_LOG" 2>/dev/null; then
			pgrep -f "dpdk-testpmd.*path=$TP_DEV," >"$TP_LOG.pid"
			return 0
		fi
		grep -q "EAL: Error" "$TP_LOG" 2>/dev/null && break
		sleep 1
	done
	sed 's/^/# testpmd: /' "$TP_LOG"
	return 1
}

# tp_alive: the testpmd tp_start started may still hold its files, and
# the char device with them: one of its threads is neither gone nor a
# zombie. (pgrep stops seeing a process when its memory goes, before its
# files close; and its main thread may be a zombie while the others,
# which share its files, are still exiting.)
tp_alive() {
	for _p in $(cat "$TP_LOG.pid" 2>/dev/null); do
		for _t in /proc/"$_p"/task/*/stat; do
			_s=$(sed 's/.*) //' "$_t" 2>/dev/null | cut -c1)
			[ -n "$_s" ] && [ "$_s" != Z ] && return 0
		done
	done
	return 1
}

# Wait up to 30 s for testpmd to be gone: its memory unpinned, the char
# device closed.
tp_gone() {
	for _i in $(seq 60); do
		tp_alive || return 0
		sleep 0.5
	done
	return 1
}

tp_quit() { touch $TP_QUIT && tp_gone; }

tp_kill() {
	# shellcheck disable=SC2046
	kill -9 $(cat "$TP_LOG.pid" 2>/dev/null) 2>/dev/null
	touch $TP_QUIT
}

# tp_stats: port 0's statistics, as testpmd printed them when it stopped
# forwarding.
tp_stats() {
	sed -n '/Forward statistics for port 0/,/^ *-\{10,\}$/p' "$TP_LOG"
}

# tp_stat NAME: one of them (RX-packets, TX-packets, ...).
tp_stat() {
	tp_stats | tr -s ' ' '\n' | grep -A1 -x "$1:" | tail -n 1
}

# vq_stat DEV QIDX NAME: counter NAME of queue QIDX of vDPA device DEV,
# from `vdpa dev vstats` (venet: received_desc, completed_desc, ...).
vq_stat() {
	vdpa -j dev vstats show "$1" qidx "$2" |
		jq -r "first(.. | objects | .[\"$3\"] | select(. != null))"
}
