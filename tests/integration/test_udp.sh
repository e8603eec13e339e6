#!/usr/bin/env bash
# test_udp.sh -- -sU against the lab: states, reasons, formats, and nmap's view.
source "$(dirname "$0")/lib.sh"

PORTS=7,9,53,111,123,161
# "host port/udp state" for every port row of normal output.
udp_states() {
	awk '/^Nmap scan report for /{h=$NF} /^[0-9]+\/udp /{print h, $1, $2}' "$1" | sort
}

fathom -n --reason -sU -p "$PORTS" "$SVC" "$QUIET" >"$tmp/u.txt" 2>"$tmp/u.err"
check "-sU exits 0" test $? = 0
check "53/udp open domain (udp-response) on fx-svc" \
	grep -qE '^53/udp +open +domain +udp-response ttl 64$' "$tmp/u.txt"
check "111/udp open rpcbind (udp-response) on fx-svc" \
	grep -qE '^111/udp +open +rpcbind +udp-response ttl 64$' "$tmp/u.txt"
check "7/udp closed (port-unreach) on fx-svc" \
	grep -qE '^7/udp +closed +echo +port-unreach ttl 64$' "$tmp/u.txt"
check "fx-quiet drops UDP: 53/udp open|filtered (no-response)" \
	grep -qE '^53/udp +open\|filtered +domain +no-response$' "$tmp/u.txt"
check "fx-quiet: all six ports open|filtered" \
	test "$(awk -v h="$QUIET" '/^Nmap scan report for /{x=($NF==h)} x && /^[0-9]+\/udp +open\|filtered /' "$tmp/u.txt" | wc -l)" = 6

# nmap on the same ports in the same run: every state equal.
ip netns exec fx-scan nmap -n -sU -p "$PORTS" "$SVC" "$QUIET" >"$tmp/n.txt" 2>&1
udp_states "$tmp/u.txt" >"$tmp/u.st"
udp_states "$tmp/n.txt" >"$tmp/n.st"
check "nmap -sU lists the same 12 rows" test "$(wc -l <"$tmp/n.st")" = 12
if diff "$tmp/u.st" "$tmp/n.st" >"$tmp/st.diff"; then
	ok "states equal to nmap -sU -p $PORTS"
else
	notok "states equal to nmap -sU -p $PORTS"
	sed 's/^/# /' "$tmp/st.diff"
fi

# No -p: nmap's top 1000 UDP ports; fx-svc answers all but 53 and 111
# with port unreachables (its icmp_ratelimit is 0, so none is held back).
fathom -n -sU "$SVC" >"$tmp/d.txt"
ip netns exec fx-scan nmap -n -sU "$SVC" >"$tmp/dn.txt" 2>&1
check "-sU default: Not shown: 998 closed udp ports (port-unreach)" \
	grep -qx 'Not shown: 998 closed udp ports (port-unreach)' "$tmp/d.txt"
check "-sU default: same summary line as nmap" \
	test "$(grep '^Not shown' "$tmp/d.txt")" = "$(grep '^Not shown' "$tmp/dn.txt")"
check "-sU default: same shown rows as nmap" \
	test "$(udp_states "$tmp/d.txt")" = "$(udp_states "$tmp/dn.txt")"

# Both scans at once, and every output format.
fathom -n -sS -sU -p T:22,113,U:53,7 "$SVC" -oX "$tmp/m.xml" -oG "$tmp/m.gnmap" \
	-oJ "$tmp/m.json" >"$tmp/m.txt"
check "-sS -sU: 22/tcp open and 53/udp open" \
	sh -c "grep -qE '^22/tcp +open ' '$tmp/m.txt' && grep -qE '^53/udp +open ' '$tmp/m.txt'"
check "-sS -sU: TCP rows before UDP rows (nmap's order)" \
	test "$(grep -oE '^[0-9]+/(tcp|udp)' "$tmp/m.txt" | tr '\n' ' ')" = "22/tcp 113/tcp 7/udp 53/udp "
check "XML: scaninfo type=udp protocol=udp" \
	grep -q '<scaninfo type="udp" protocol="udp" numservices="2" services="7,53"/>' "$tmp/m.xml"
check "XML: port protocol=udp portid=53 open udp-response" \
	grep -q '<port protocol="udp" portid="53"><state state="open" reason="udp-response"' "$tmp/m.xml"
sed 's/<nmaprun scanner="fathom"/<nmaprun scanner="nmap"/' "$tmp/m.xml" >"$tmp/m.nmap.xml"
check "XML is valid against nmap.dtd" \
	xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$tmp/m.nmap.xml"
# ndiff: no host, port, state or service differs from nmap's own XML.
ip netns exec fx-scan nmap -n -sS -sU -p T:22,113,U:53,7 "$SVC" -oX "$tmp/mn.xml" >/dev/null 2>&1
check "ndiff: -sS -sU XML equal to nmap's" \
	sh -c "ndiff '$tmp/m.xml' '$tmp/mn.xml' >'$tmp/ndiff.out'"
check "grepable: 53/open/udp//domain///" grep -q '53/open/udp//domain///' "$tmp/m.gnmap"
check "grepable: 7/closed/udp//echo///" grep -q '7/closed/udp//echo///' "$tmp/m.gnmap"
check "NDJSON: a udp port record" \
	grep -q '"port":53,"proto":"udp","state":"open","reason":"udp-response"' "$tmp/m.json"

# The probe to 53 carries the DNS payload from the cookie's source range.
if capture_start "$tmp/p.pcap" "udp and dst host $SVC and dst port 53"; then
	fathom -n -sU -p 53 "$SVC" >/dev/null
	capture_stop
	ip netns exec fx-lab tcpdump -nn -r "$tmp/p.pcap" 2>/dev/null >"$tmp/p.txt"
	check "53/udp probe is a version.bind CHAOS TXT query" \
		grep -q 'TXT CHAOS? version.bind' "$tmp/p.txt"
	check "source port in fathom's range (61000-62023)" \
		awk '{split($3,a,"."); p=a[5]; if (p<61000||p>62023) bad=1; n++} END{exit bad||!n}' "$tmp/p.txt"
else
	notok "capture for the 53/udp probe"
fi

# Bad input: exit 2 before any packet, one line.
fathom -n -p U:53 "$SVC" >"$tmp/b1.out" 2>"$tmp/b1.err"
check "U: ports without -sU: exit 2" test $? = 2
check "U: ports without -sU: says so" grep -q -- '-sU' "$tmp/b1.err"
fathom -n -sU -p T:22 "$SVC" >"$tmp/b2.out" 2>"$tmp/b2.err"
check "-sU with only T: ports: exit 2, no UDP ports" \
	sh -c "test $? = 2 && grep -qx 'fathom: no UDP ports to scan' '$tmp/b2.err'"
fathom -n -sU -iL <(printf '%s:22\n' "$SVC") >"$tmp/b3.out" 2>"$tmp/b3.err"
check "-sU with -iL HOST:PORT: exit 2" \
	sh -c "test $? = 2 && grep -q 'not with -sU' '$tmp/b3.err'"

# Ports without a prefix go to every protocol scanned, as nmap; so do
# --exclude-ports items.
fathom -n -sS -sU -p 22,53 "$SVC" >"$tmp/g.txt"
check "-sS -sU -p 22,53: both protocols get both ports" \
	test "$(grep -oE '^[0-9]+/(tcp|udp)' "$tmp/g.txt" | tr '\n' ' ')" = "22/tcp 53/tcp 22/udp 53/udp "
fathom -n -sU -p 7,53,111 --exclude-ports 7 "$SVC" >"$tmp/x.txt"
check "-sU --exclude-ports 7: 53 and 111 left" \
	test "$(grep -oE '^[0-9]+/udp' "$tmp/x.txt" | tr '\n' ' ')" = "53/udp 111/udp "
