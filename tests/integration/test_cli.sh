#!/usr/bin/env bash
# test_cli.sh -- target/port options, seeded order on the wire, Ctrl-C.
source "$(dirname "$0")/lib.sh"

# -iL (with comments, and - for stdin) and --exclude / --excludefile.
printf '# lab hosts\n%s\n%s  # quiet\n' "$SVC" "$QUIET" >"$tmp/list"
fathom -n -p22 -iL "$tmp/list" >"$tmp/il.txt"
check "-iL file: both hosts reported" \
	grep -q '^fathom done: 2 IP addresses (2 hosts up)' "$tmp/il.txt"
printf '%s\n' "$SVC" | fathom -n -p22 -iL - >"$tmp/stdin.txt"
check "-iL - reads stdin" grep -q "^Nmap scan report for $SVC\$" "$tmp/stdin.txt"
fathom -n -p22 --exclude "$QUIET" -iL "$tmp/list" >"$tmp/ex.txt"
check "--exclude removes a host" \
	sh -c "grep -q '^fathom done: 1 IP address' '$tmp/ex.txt' && ! grep -q '$QUIET' '$tmp/ex.txt'"
printf '%s\n' "$SVC" >"$tmp/exf"
fathom -n -p22 --excludefile "$tmp/exf" 198.18.0.10-11 >"$tmp/exf.txt"
check "--excludefile and octet ranges" \
	sh -c "grep -q '^Nmap scan report for $QUIET' '$tmp/exf.txt' && ! grep -q 'report for $SVC' '$tmp/exf.txt'"

# Port selections.
fathom -n -F "$SVC" >"$tmp/f.txt"
check "-F scans 100 ports" grep -qE '^Not shown: [0-9]+ closed' "$tmp/f.txt"
nf=$(awk '/^Not shown/{print $3}' "$tmp/f.txt")
nof=$(grep -cE '^[0-9]+/tcp' "$tmp/f.txt")
check "-F: shown + not shown = 100 ($nof + $nf)" test $((nf + nof)) = 100
fathom -n --top-ports 10 -p- "$SVC" >/dev/null 2>&1
check "-p with --top-ports is refused" test $? = 2
fathom -n -p ssh,http "$SVC" >"$tmp/names.txt"
check "-p with service names" \
	sh -c "grep -qE '^22/tcp +open +ssh' '$tmp/names.txt' && grep -qE '^80/tcp +open +http' '$tmp/names.txt'"

# The probe order on the wire: the same seed gives the same order, another
# seed another, -r ascending.
wire_order() {
	capture_start "$tmp/$1.pcap" "tcp[tcpflags] == tcp-syn and dst host $SVC"
	fathom -n -p1-300 --max-retries 0 "${@:2}" "$SVC" >/dev/null
	capture_stop
	tcpdump -r "$tmp/$1.pcap" -n 2>/dev/null |
		awk '{n = split($5, a, "."); sub(":", "", a[n]); print a[n]}' \
			>"$tmp/$1"
}
wire_order s5a --seed 5
wire_order s5b --seed 5
wire_order s6 --seed 6
wire_order seq -r
check "seed 5 twice: the same order of 300 probes" \
	sh -c "[ \$(wc -l <'$tmp/s5a') = 300 ] && cmp -s '$tmp/s5a' '$tmp/s5b'"
check "seed 6: a different order" sh -c "! cmp -s '$tmp/s5a' '$tmp/s6'"
check "the order is not ascending" sh -c "! sort -nc '$tmp/s5a' 2>/dev/null"
check "-r: ascending order" \
	sh -c "[ \$(wc -l <'$tmp/seq') = 300 ] && sort -nc '$tmp/seq'"

# -T templates and --max-rate pace the sweep (2 s for 400 probes at 200/s).
start=$(date +%s.%N)
fathom -n -p1-400 --max-rate 200 "$SVC" >"$tmp/rate.txt"
el=$(echo "$(date +%s.%N) - $start" | bc)
check "--max-rate 200: 400 probes take about 2 s (took $el s)" \
	sh -c "echo '$el >= 1.8 && $el < 4' | bc | grep -q 1"

# Ctrl-C prints what was found so far and exits 130.
ip netns exec fx-scan "$FATHOM" -n -r -p 1-5000 --max-rate 500 "$SVC" \
	>"$tmp/int.txt" 2>"$tmp/int.err" &
bg=$!
# From when fathom runs: a slow `ip netns exec` (the lab's mounts under
# load) still holds the signal a background job ignores.
pid=$(fathom_pid "$bg") || pid=$bg
sleep 1.5
kill -INT "$pid"
wait "$bg"
rc=$?
check "SIGINT: exit 130 (rc=$rc)" test "$rc" = 130
check "SIGINT: says it was interrupted" grep -q 'interrupted' "$tmp/int.err"
check "SIGINT: the ports found so far are reported (22/tcp open)" \
	grep -qE '^22/tcp +open' "$tmp/int.txt"
check "SIGINT: report is complete (footer)" grep -q '^fathom done:' "$tmp/int.txt"
