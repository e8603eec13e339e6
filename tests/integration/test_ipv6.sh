#!/usr/bin/env bash
# test_ipv6.sh -- the -6 sweep in the lab: -sS and -sU against nmap -6, the IPv6 crowd, XML.
source "$(dirname "$0")/lib.sh"

LAB6=fd5a:7a6f:1ab0:1
SVC6=$LAB6::10
QUIET6=$LAB6::11
CROWD6_NET=fd5a:7a6f:1ab0:200::/112
DTD=/usr/share/nmap/nmap.dtd
PORTS=22,80,113,3306

have() { command -v "$1" >/dev/null 2>&1; }

# The lab's IPv6 pieces: without them this test fails, never skips.
lab6_missing() {
	ip -n fx-scan -6 addr show dev eth0 | grep -q "inet6 $LAB6::2/" || { echo "fx-scan has no $LAB6::2"; return; }
	ip -n fx-svc -6 addr show dev eth0 | grep -q "inet6 $SVC6/" || { echo "fx-svc has no $SVC6"; return; }
	ip -n fx-quiet -6 addr show dev eth0 | grep -q "inet6 $QUIET6/" || { echo "fx-quiet has no $QUIET6"; return; }
	ip -n fx-scan -6 route show "$CROWD6_NET" | grep -q "via $LAB6::13" || { echo "fx-scan has no route to $CROWD6_NET"; return; }
	ip netns list | grep -qw fx-crowd6 || { echo "no fx-crowd6 namespace"; return; }
	have nmap || { echo "nmap not installed (tools/deps installs it)"; return; }
}
why=$(lab6_missing)
if [ -n "$why" ]; then
	notok "the lab's IPv6 pieces: $why (tools/lab up)"
	exit 1
fi
ok "the lab's IPv6 pieces: addresses, crowd route, fx-crowd6, nmap"

# "host port/proto state reason" for every port row, and "host reason" for
# every "Host is up" line, of normal output with --reason.
rows() {
	awk '/^Nmap scan report for /{h=$NF}
	     /^Host is up, received /{print h, "host", $5}
	     /^[0-9]+\/(tcp|udp) /{r=$4; for (i=5;i<=NF;i++) r=r" "$i; print h, $1, $2, r}' "$1" | sort
}

# -sS: fathom and nmap -6 in the same run, the same rows.
fathom -6 -n --reason -p "$PORTS" -oX "$tmp/f.xml" "$SVC6" "$QUIET6" >"$tmp/f.txt" 2>"$tmp/f.err"
check "-6 -sS exits 0" test $? = 0
ip netns exec fx-scan nmap -6 -n -Pn -sS --reason -p "$PORTS" -oX "$tmp/n.xml" "$SVC6" "$QUIET6" >"$tmp/n.txt" 2>&1
rows "$tmp/f.txt" >"$tmp/f.rows"
rows "$tmp/n.txt" >"$tmp/n.rows"
check "nmap -6 -sS gives 10 rows (2 hosts, 4 ports)" test "$(wc -l <"$tmp/n.rows")" = 10
if diff "$tmp/n.rows" "$tmp/f.rows" >"$tmp/rows.diff"; then
	ok "-6 -sS: states, reasons and host reasons equal to nmap -6 -Pn -sS"
else
	notok "-6 -sS: states, reasons and host reasons equal to nmap -6 -Pn -sS"
	sed 's/^/#   /' "$tmp/rows.diff"
fi
check "on-link hosts are up by nd-response" \
	test "$(grep -c '^Host is up, received nd-response' "$tmp/f.txt")" = 2
check "fx-quiet 3306/tcp filtered by ICMPv6 port unreachable" \
	grep -qE '^3306/tcp +filtered +mysql +port-unreach ttl 64$' "$tmp/f.txt"
check "MAC addresses from ND" grep -q '^MAC Address: 02:66:78:00:00:0A' "$tmp/f.txt"

# XML: addrtype ipv6, valid against nmap.dtd, no difference by ndiff.
check "XML: addrtype=\"ipv6\" for both hosts" \
	test "$(grep -c 'addrtype="ipv6"' "$tmp/f.xml")" = 2
if [ -r "$DTD" ] && have xmllint; then
	sed 's/<nmaprun scanner="fathom"/<nmaprun scanner="nmap"/' "$tmp/f.xml" >"$tmp/f.nmap.xml"
	check "XML valid against nmap.dtd" xmllint --noout --dtdvalid "$DTD" "$tmp/f.nmap.xml"
else
	notok "XML valid against nmap.dtd: xmllint or $DTD missing (tools/deps)"
fi
if have ndiff; then
	out=$(ndiff "$tmp/n.xml" "$tmp/f.xml")
	rc=$?
	if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | sed 1,2d | grep -c .)" = 0 ]; then
		ok "ndiff finds no host/port difference from nmap -6"
	else
		notok "ndiff finds no host/port difference from nmap -6"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
else
	notok "ndiff not installed (tools/deps installs it)"
fi

# -sU over IPv6: fx-svc's DNS answers, 54 is closed; nmap agrees.
fathom -6 -n --reason -sU -p53,54 "$SVC6" >"$tmp/u.txt" 2>"$tmp/u.err"
check "-6 -sU exits 0" test $? = 0
check "-6 -sU: 53/udp open (udp-response)" \
	grep -qE '^53/udp +open +domain +udp-response ttl 64$' "$tmp/u.txt"
check "-6 -sU: 54/udp closed (ICMPv6 port unreachable)" \
	grep -qE '^54/udp +closed +xns-ch +port-unreach ttl 64$' "$tmp/u.txt"
ip netns exec fx-scan nmap -6 -n -Pn -sU --reason -p53,54 "$SVC6" >"$tmp/nu.txt" 2>&1
rows "$tmp/u.txt" | grep /udp >"$tmp/u.rows"
rows "$tmp/nu.txt" | grep /udp >"$tmp/nu.rows"
check "-6 -sU: the same rows as nmap -6 -sU" diff "$tmp/nu.rows" "$tmp/u.rows"

# -S with an IPv6 address no interface holds: fathom answers the target's
# neighbour solicitations for it, so the replies come back.
fathom -6 -n --reason -S $LAB6::77 -p22,113 "$SVC6" >"$tmp/s.txt" 2>&1
check "-6 -S foreign: 22/tcp open, 113/tcp closed" \
	sh -c "grep -qE '^22/tcp +open +ssh +syn-ack' '$tmp/s.txt' && grep -qE '^113/tcp +closed +ident +reset' '$tmp/s.txt'"

# The IPv6 crowd: every live address of the /112 (one in four), and how
# long it takes next to the IPv4 crowd's /16 of the same shape.
t0=$(date +%s.%N)
fathom -6 -n -p80 --open "$CROWD6_NET" >"$tmp/c6.txt" 2>"$tmp/c6.err"
t1=$(date +%s.%N)
check "crowd6: 16384 of 65536 addresses up" \
	grep -q '^fathom done: 65536 IP addresses (16384 hosts up)' "$tmp/c6.txt"
check "crowd6: every live address has 80/tcp open" \
	test "$(grep -c '^80/tcp  *open' "$tmp/c6.txt")" = 16384
check "crowd6: only addresses whose last 16 bits are divisible by 4" \
	test "$(awk '/^Nmap scan report for /{n=split($NF,p,":"); if (strtonum("0x" p[n]) % 4) print}' "$tmp/c6.txt" | wc -l)" = 0
fathom -n -p80 --open "$CROWD_NET" >"$tmp/c4.txt" 2>&1
t2=$(date +%s.%N)
printf '#   crowd sweep: IPv6 /112 %.2f s, IPv4 /16 %.2f s\n' \
	"$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"

# -O is IPv4-only (nmap's IPv6 classifier is not implemented): one
# warning line, and the rest of the scan (here the sweep) still runs.
fathom -6 -n -O -p22 "$SVC6" >"$tmp/v.txt" 2>"$tmp/v.err"
check "-6 -O exits 0" test $? = 0
check "-6 -O: one line saying OS detection is IPv4-only" \
	test "$(wc -l <"$tmp/v.err")" = 1 -a "$(grep -c -- 'OS detection (-O) is IPv4-only' "$tmp/v.err")" = 1
check "-6 -O: the port is still reported" grep -q '^22/tcp *open' "$tmp/v.txt"
