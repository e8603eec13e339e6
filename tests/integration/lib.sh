# lib.sh -- helpers for integration tests: run fathom in the lab, report.
# Sourced by tests/integration/test_*.sh; each check prints one TAP line.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FATHOM=${FATHOM:-$top/fathom}
SVC=198.18.0.10
QUIET=198.18.0.11
CROWD_NET=198.19.0.0/16
tmp=$(mktemp -d /tmp/fathom-it.XXXXXX)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT

ok() { printf 'ok - %s\n' "$*"; }
notok() { printf 'not ok - %s\n' "$*"; }

# check NAME CMD...: ok when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

# Runs fathom inside the scanner namespace (the only place it may run).
fathom() { ip netns exec fx-scan "$FATHOM" "$@"; }

# The fathom process behind a background `ip netns exec` ($1): ip execs it
# in place on some versions and forks on others.
fathom_pid() {
	local p=$1 c
	for _ in $(seq 50); do
		if [ "$(cat /proc/$p/comm 2>/dev/null)" = fathom ]; then
			echo "$p"
			return 0
		fi
		for c in $(cat /proc/$p/task/*/children 2>/dev/null); do
			if [ "$(cat /proc/$c/comm 2>/dev/null)" = fathom ]; then
				echo "$c"
				return 0
			fi
		done
		sleep 0.1
	done
	return 1
}

# Open ports from normal output, one per line, sorted numerically.
open_ports() { awk -F/ '/^[0-9]+\/tcp +open /{print $1}' "$1" | sort -n; }

# Ports listening on IPv4 for ADDR in namespace NS (what a scan must see).
listening_v4() {
	ip netns exec "$1" ss -ltnH | awk -v a="$2" '{
		n = split($4, p, ":"); port = p[n]; host = substr($4, 1, length($4) - length(port) - 1)
		if (host == "0.0.0.0" || host == "*" || host == a) print port
	}' | sort -nu
}

# capture_start PCAP FILTER: records what leaves the scanner (on its switch
# port in fx-lab) and returns once tcpdump is really listening.
capture_start() {
	ip netns exec fx-lab tcpdump -i v-scan -Q in -n -U -s 128 -B 16384 --immediate-mode \
		-w "$1" "$2" \
		2>"$1.err" &
	cap_pid=$!
	for _ in $(seq 100); do
		grep -q 'listening on' "$1.err" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# capture_stop: ends the capture started last (its file is then complete).
capture_stop() {
	sleep 0.3
	kill "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
}
