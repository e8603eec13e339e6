#!/usr/bin/env bash
# test_badinput.sh -- every bad input: one line naming it, exit 2, no packet;
# runtime failures (no route, no privileges, bad interface): exit 1.
source "$(dirname "$0")/lib.sh"

# Capture on the scanner's wire while the bad commands run: none of them
# may send a single frame.
# (on the switch port, so it sees what really leaves the namespace).
capture_start "$tmp/wire.pcap" 'not arp and not icmp6'

# expect_usage NAME TOKEN ARGS...: exit 2, one stderr line containing TOKEN.
expect_usage() {
	local name=$1 token=$2 rc lines
	shift 2
	fathom "$@" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	lines=$(wc -l <"$tmp/e")
	if [ "$rc" = 2 ] && [ "$lines" = 1 ] && grep -qF -- "$token" "$tmp/e" &&
		[ ! -s "$tmp/o" ]; then
		ok "bad $name: exit 2, names '$token'"
	else
		notok "bad $name: rc=$rc lines=$lines stderr=[$(head -c 200 "$tmp/e")]"
	fi
}

expect_usage "target octet" "198.18.0.300" -p22 198.18.0.300
expect_usage "CIDR" "198.18.0.0/33" -p22 198.18.0.0/33
expect_usage "target junk" "1.2.3" -p22 -n 1.2.3
expect_usage "hostname with -n" "no-such-host.invalid" -n -p22 no-such-host.invalid
expect_usage "port range" "70000" -p 70000 "$SVC"
expect_usage "port order" "100-1" -p 100-1 "$SVC"
expect_usage "port name" "nosuchservice" -p nosuchservice "$SVC"
expect_usage "option" "--bogus" --bogus "$SVC"
expect_usage "timing" "-T9" -T9 "$SVC"
expect_usage "max-rate" "fast" --max-rate fast "$SVC"
expect_usage "max-retries" "-1" --max-retries -1 "$SVC"
expect_usage "host-timeout" "10x" --host-timeout 10x "$SVC"
expect_usage "seed" "abc" --seed abc "$SVC"
expect_usage "-S address" "1.2.3.999" -S 1.2.3.999 "$SVC"
expect_usage "-g port" "70000" -g 70000 "$SVC"
expect_usage "top-ports" "0" --top-ports 0 "$SVC"
expect_usage "missing -iL file" "/nonexistent/list" -iL /nonexistent/list
printf '198.18.0.10\n# comment\n198.18.0.999\n' >"$tmp/list"
expect_usage "-iL line" "$tmp/list:3" -p22 -iL "$tmp/list"
expect_usage "endless --os-db" "larger than 64 MiB" -O --os-db /dev/zero -p22 "$SVC"
expect_usage "endless --service-db" "larger than 64 MiB" -sV --service-db /dev/zero -p22 "$SVC"
expect_usage "endless --excludefile" "longer than 4096" --excludefile /dev/zero -p22 "$SVC"
expect_usage "exclusion emptying the set" "no targets" -p22 --exclude "$SVC" "$SVC"
expect_usage "no targets" "no targets" -p22
expect_usage "option without argument" "-p" "$SVC" -p

# A control scan inside the capture proves the capture sees probes.
fathom -n -p22 "$SVC" >/dev/null
capture_stop
n=$(tcpdump -r "$tmp/wire.pcap" -n 2>/dev/null | grep -c '> 198.18.0.10.22: Flags \[S\]')
check "the capture saw the one control probe" test "$n" = 1
n=$(tcpdump -r "$tmp/wire.pcap" -n 2>/dev/null | grep -vc '> 198.18.0.10.22: Flags \[[SR]\]')
check "no other packet sent by any bad command ($n seen)" test "$n" = 0

# Runtime failures: exit 1 with a clear message.
fathom -n -p22 198.18.5.1 >"$tmp/o" 2>"$tmp/e"
rc=$?
check "no route: exit 1 (rc=$rc)" test "$rc" = 1
check "no route: message names the target" grep -q 'no route to 198.18.5.1' "$tmp/e"
fathom -n -p22 -e nosuchif0 "$SVC" >"$tmp/o" 2>"$tmp/e"
check "bad interface: exit 1" test $? = 1
check "bad interface: message names it" grep -q 'nosuchif0' "$tmp/e"
# Without CAP_NET_RAW (root, but the capability removed from the bounding
# set): -sS gets a clear message and exit 1, detected by capability, not
# by uid (the default scan is then -sT: test_connect.sh).
ip netns exec fx-scan setpriv --bounding-set=-net_raw --inh-caps=-net_raw \
	"$FATHOM" -sS -n -p22 "$SVC" >"$tmp/o" 2>"$tmp/e"
rc=$?
check "no CAP_NET_RAW: exit 1 (rc=$rc)" test "$rc" = 1
check "no CAP_NET_RAW: message names the capability" grep -q 'CAP_NET_RAW' "$tmp/e"

# Help and version succeed.
fathom -h >"$tmp/h" 2>&1
check "-h exits 0 with a Usage line" sh -c "[ $? = 0 ] && grep -q '^Usage: fathom' '$tmp/h'"
fathom -V >"$tmp/v" 2>&1
check "-V exits 0 and names the version" grep -q '^fathom version ' "$tmp/v"
