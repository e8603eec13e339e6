#!/usr/bin/env bash
# test_crowd.sh -- sweeping fx-crowd's /16 finds the 16384 live hosts, also
# through 5% packet loss (retransmission passes recover what is lost).
source "$(dirname "$0")/lib.sh"

count_hosts() { grep -c '^80/tcp open' "$1"; }

# Every 4th address is live: the expected set, generated independently.
python3 -c '
for a in range(256):
    for b in range(0, 256, 4):
        print("198.19.%d.%d" % (a, b))' | sort >"$tmp/want"

fathom -n -p80 "$CROWD_NET" >"$tmp/s.txt" 2>"$tmp/s.err"
check "crowd sweep exits 0" test $? = 0
awk '/^Nmap scan report for/{h=$5} /^80\/tcp open/{print h}' "$tmp/s.txt" |
	sort >"$tmp/got"
check "crowd sweep finds exactly the 16384 live hosts ($(wc -l <"$tmp/got") found)" \
	cmp -s "$tmp/got" "$tmp/want"
check "footer: 65536 addresses, 16384 up" \
	grep -q '^fathom done: 65536 IP addresses (16384 hosts up)' "$tmp/s.txt"

# The same seed gives the same order; the report is the same either way.
fathom -n -p80 --seed 7 "$CROWD_NET" >"$tmp/s7.txt"
check "seeded sweep finds 16384" test "$(count_hosts "$tmp/s7.txt")" = 16384

# With 5% loss each way (the lab's bridge drops at random), retries keep
# the sweep at >= 99.9% (16368 of 16384).
tools_lab="$top/tools/lab"
"$tools_lab" loss 5 >/dev/null
fathom -n -p80 "$CROWD_NET" >"$tmp/l.txt" 2>"$tmp/l.err"
rc=$?
"$tools_lab" loss 0 >/dev/null
n=$(count_hosts "$tmp/l.txt")
check "5% loss: sweep exits 0" test "$rc" = 0
check "5% loss: $n of 16384 found (>= 16368)" test "$n" -ge 16368
check "5% loss: no host outside the live set reported" \
	sh -c "awk '/^Nmap scan report for/{print \$5}' '$tmp/l.txt' | sort | comm -23 - '$tmp/want' | grep -q . && exit 1 || exit 0"
