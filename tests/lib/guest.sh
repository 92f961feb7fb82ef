# The test VM's half of talking to a nested guest (tests/vm/guest.sh), for
# tests and bench (POSIX sh, sourced). Every wait ends when the guest's
# guest.sh (GPID) ends: a guest that died cannot wedge the caller.
# shellcheck shell=sh

# guest_up GPID ADDR: ping ADDR until it answers.
guest_up() {
	while kill -0 "$1" 2>/dev/null; do
		ping -c 1 -W 1 "$2" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

# guest_go GPID ADDR: connect to the guest's port 7003 once it listens
# there (tests/tools/xfer.py recv): the guest's signal to go on.
guest_go() {
	while kill -0 "$1" 2>/dev/null; do
		python3 "$VBUS_SRC/tests/tools/xfer.py" send "$2" 7003 /dev/null \
			2>/dev/null && return 0
		sleep 0.5
	done
	return 1
}

# guest_val FILE KEY: the first "KEY value" line's value in the guest's
# output (on a failure guest.sh adds the console, which repeats them).
guest_val() { tr -d '\r' <"$1" | sed -n "s/^$2 //p" | head -1; }
