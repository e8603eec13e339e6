#!/usr/bin/env bash
# test_traceroute.sh -- --traceroute over the lab's routed path (fx-rtr1, fx-rtr2, fx-far), IPv4 and IPv6, against nmap --traceroute in the same run; outputs; MAC vendors.
source "$(dirname "$0")/lib.sh"

FAR=198.18.17.10
FAR6=fd5a:7a6f:1ab0:17::10
RTR1=198.18.0.60
RTR2=198.18.16.2
RTR1_6=fd5a:7a6f:1ab0:1::60
RTR2_6=fd5a:7a6f:1ab0:16::2
DTD=/usr/share/nmap/nmap.dtd

have() { command -v "$1" >/dev/null 2>&1; }
not() { ! "$@"; }

# The TRACEROUTE block's hops of normal output $1: "TTL ADDRESS" lines.
hops_txt() {
	awk '/^TRACEROUTE/ { on = 1; next } on && /^$/ { on = 0 }
		on && /^[0-9]+ / { print $1, $NF }' "$1"
}

# The <hop> elements of XML $1 as "TTL ADDRESS" lines.
hops_xml() {
	grep -o '<hop ttl="[0-9]*" ipaddr="[^"]*"' "$1" |
		sed 's/<hop ttl="\([0-9]*\)" ipaddr="\([^"]*\)"/\1 \2/'
}

xml_valid() {
	if ! [ -r "$DTD" ] || ! have xmllint; then
		echo "xmllint or $DTD missing (tools/deps)"
		return 1
	fi
	sed 's/<nmaprun scanner="fathom"/<nmaprun scanner="nmap"/' "$1" >"$1.nmap.xml" &&
		xmllint --noout --dtdvalid "$DTD" "$1.nmap.xml"
}

# The lab's routed path must be there: a failed precondition is a failure.
check "lab: fx-far listens on 22 and 80" \
	test "$(listening_v4 fx-far "$FAR" | paste -sd' ')" = "22 80"
check "lab: fx-scan routes fx-far's prefix via fx-rtr1" \
	sh -c "ip netns exec fx-scan ip route get $FAR | grep -q 'via $RTR1'"
check "lab: fx-scan still has no default route" \
	sh -c "! ip netns exec fx-scan ip route show default | grep -q ."
if ! have nmap; then
	notok "nmap --traceroute as the oracle: nmap not installed (tools/deps)"
	exit 0
fi

# ---- IPv4: fx-far, three hops, every output -------------------------------
fathom -n --traceroute -p22,80 "$FAR" -oX "$tmp/f.xml" -oJ "$tmp/f.json" \
	-oG "$tmp/f.gnmap" >"$tmp/f.txt" 2>"$tmp/f.err"
frc=$?
ip netns exec fx-scan nmap -n --traceroute -p22,80 "$FAR" -oX "$tmp/n.xml" \
	>"$tmp/n.txt" 2>&1
want="1 $RTR1
2 $RTR2
3 $FAR"
check "v4: fathom --traceroute exits 0" test "$frc" = 0
check "v4: TRACEROUTE from the first open port (22/tcp)" \
	grep -qx 'TRACEROUTE (using port 22/tcp)' "$tmp/f.txt"
check "v4: nmap's table header" grep -qE '^HOP RTT +ADDRESS$' "$tmp/f.txt"
check "v4: hops fx-rtr1, fx-rtr2, fx-far in order" \
	test "$(hops_txt "$tmp/f.txt")" = "$want"
check "v4: every hop line is 'N   X.XX ms ADDRESS'" \
	sh -c "awk '/^TRACEROUTE/{on=1;next} on&&/^\$/{on=0} on&&/^[0-9]/' '$tmp/f.txt' |
		grep -vcE '^[0-9]+ +[0-9]+\.[0-9]{2} ms [0-9.]+\$' | grep -qx 0"
check "v4: nmap sees the same three hops" \
	test "$(hops_xml "$tmp/n.xml")" = "$want"
check "v4: XML hops equal nmap's XML hops" \
	test "$(hops_xml "$tmp/f.xml")" = "$(hops_xml "$tmp/n.xml")"
check "v4: XML <trace port=\"22\" proto=\"tcp\">" \
	grep -q '<trace port="22" proto="tcp">' "$tmp/f.xml"
check "v4: XML hops carry rtt=\"X.XX\"" \
	test "$(grep -cE '<hop ttl="[0-9]+" ipaddr="[^"]+" rtt="[0-9]+\.[0-9]{2}"/>' "$tmp/f.xml")" = 3
check "v4: XML valid against nmap.dtd" xml_valid "$tmp/f.xml"
check "v4: NDJSON trace record: port 22, tcp, the three hops" \
	python3 -c "
import json, sys
recs = [json.loads(l) for l in open('$tmp/f.json')]
t = [r for r in recs if r['type'] == 'trace']
assert len(t) == 1 and t[0]['ip'] == '$FAR', t
assert t[0]['port'] == 22 and t[0]['proto'] == 'tcp', t
assert [(h['ttl'], h['ip']) for h in t[0]['hops']] == \
	[(1, '$RTR1'), (2, '$RTR2'), (3, '$FAR')], t
assert all(h['rtt_ms'] is not None and h['rtt_ms'] >= 0 for h in t[0]['hops'])
"
check "v4: grepable output has no trace (nmap writes none)" \
	sh -c "! grep -v '^#' '$tmp/f.gnmap' | grep -qiE 'trace|hop'"
check "v4: no MAC line for a routed host" not grep -q '^MAC Address' "$tmp/f.txt"

# ---- IPv6 ------------------------------------------------------------------
fathom -6 -n --traceroute -p22,80 "$FAR6" -oX "$tmp/f6.xml" >"$tmp/f6.txt" 2>"$tmp/f6.err"
frc=$?
ip netns exec fx-scan nmap -6 -n --traceroute -p22,80 "$FAR6" -oX "$tmp/n6.xml" \
	>"$tmp/n6.txt" 2>&1
want6="1 $RTR1_6
2 $RTR2_6
3 $FAR6"
check "v6: fathom -6 --traceroute exits 0" test "$frc" = 0
check "v6: TRACEROUTE (using port 22/tcp)" \
	grep -qx 'TRACEROUTE (using port 22/tcp)' "$tmp/f6.txt"
check "v6: hops fx-rtr1, fx-rtr2, fx-far in order" \
	test "$(hops_txt "$tmp/f6.txt")" = "$want6"
check "v6: XML hops equal nmap's XML hops" \
	test "$(hops_xml "$tmp/f6.xml")" = "$(hops_xml "$tmp/n6.xml")"
check "v6: nmap sees the same three hops" \
	test "$(hops_xml "$tmp/n6.xml")" = "$want6"
check "v6: XML valid against nmap.dtd" xml_valid "$tmp/f6.xml"

# ---- the other probes: a closed port, UDP, ICMP ----------------------------
fathom -n --traceroute -p81 "$FAR" >"$tmp/c.txt" 2>&1
check "closed port only: TRACEROUTE (using port 81/tcp), same hops" \
	sh -c "grep -qx 'TRACEROUTE (using port 81/tcp)' '$tmp/c.txt' &&
		test \"\$(awk '/^TRACEROUTE/{on=1;next} on&&/^\$/{on=0} on&&/^[0-9]+ /{print \$1, \$NF}' '$tmp/c.txt')\" = '$want'"
fathom -n -sU --traceroute -p U:5353 "$FAR" >"$tmp/u.txt" 2>&1
check "UDP closed port: TRACEROUTE (using port 5353/udp), same hops" \
	sh -c "grep -qx 'TRACEROUTE (using port 5353/udp)' '$tmp/u.txt' &&
		test \"\$(awk '/^TRACEROUTE/{on=1;next} on&&/^\$/{on=0} on&&/^[0-9]+ /{print \$1, \$NF}' '$tmp/u.txt')\" = '$want'"
fathom -n -sn --traceroute "$FAR" -oX "$tmp/i.xml" >"$tmp/i.txt" 2>&1
check "-sn: TRACEROUTE (using proto 1/icmp), same hops" \
	sh -c "grep -qx 'TRACEROUTE (using proto 1/icmp)' '$tmp/i.txt' &&
		test \"\$(awk '/^TRACEROUTE/{on=1;next} on&&/^\$/{on=0} on&&/^[0-9]+ /{print \$1, \$NF}' '$tmp/i.txt')\" = '$want'"
check "-sn: XML <trace proto=\"icmp\">" grep -q '<trace proto="icmp">' "$tmp/i.xml"

# ---- a directly connected host: no probe, one hop (nmap's way) -------------
fathom -n --traceroute -p22 "$SVC" -oX "$tmp/d.xml" >"$tmp/d.txt" 2>&1
ip netns exec fx-scan nmap -n --traceroute -p22 "$SVC" -oX "$tmp/nd.xml" >"$tmp/nd.txt" 2>&1
check "direct: plain TRACEROUTE, like nmap" \
	sh -c "grep -qx 'TRACEROUTE' '$tmp/d.txt' && grep -qx 'TRACEROUTE' '$tmp/nd.txt'"
check "direct: one hop, the host itself" \
	test "$(hops_txt "$tmp/d.txt")" = "1 $SVC"
check "direct: XML <trace> without port, one hop as nmap's" \
	sh -c "grep -q '<trace>' '$tmp/d.xml' &&
		test \"\$(grep -o '<hop ttl=\"[0-9]*\" ipaddr=\"[^\"]*\"' '$tmp/d.xml')\" = \
		     \"\$(grep -o '<hop ttl=\"[0-9]*\" ipaddr=\"[^\"]*\"' '$tmp/nd.xml')\""

# ---- several hosts at once, and -A -----------------------------------------
fathom -n --traceroute -p22 "$SVC" "$FAR" "$RTR1" >"$tmp/m.txt" 2>&1
check "three hosts in one run: three TRACEROUTE blocks" \
	test "$(grep -c '^TRACEROUTE' "$tmp/m.txt")" = 3
check "three hosts: fx-far's block has its three hops" \
	sh -c "awk '/^Nmap scan report for $FAR\$/{on=1} on' '$tmp/m.txt' | grep -qE '^3 +[0-9.]+ ms $FAR\$'"
fathom -n --traceroute -p22 "$FAR" "$RTR2" -oX "$tmp/sh.xml" >"$tmp/sh.txt" 2>&1
ip netns exec fx-scan nmap -n --traceroute -p22 "$FAR" "$RTR2" -oX "$tmp/nsh.xml" >/dev/null 2>&1
check "shared hops: fx-far's block credits fx-rtr2 with hops 1-2 (nmap's row)" \
	sh -c "awk '/^Nmap scan report for $FAR\$/{on=1} on' '$tmp/sh.txt' |
		grep -qx -- '-   Hops 1-2 are the same as for $RTR2'"
check "shared hops: XML still lists every hop, as nmap's" \
	test "$(hops_xml "$tmp/sh.xml" | sort)" = "$(hops_xml "$tmp/nsh.xml" | sort)"
fathom -n -A -p22,80 "$FAR" >"$tmp/a.txt" 2>&1
check "-A includes the TRACEROUTE block" \
	grep -qx 'TRACEROUTE (using port 22/tcp)' "$tmp/a.txt"

# ---- MAC vendors -----------------------------------------------------------
fathom -n -p22 "$RTR1" -oX "$tmp/v.xml" >"$tmp/v.txt" 2>&1
ip netns exec fx-scan nmap -n -p22 "$RTR1" >"$tmp/nv.txt" 2>&1
check "MAC vendor from the IEEE OUI table: Intel Corporate" \
	grep -qx 'MAC Address: 00:1B:21:66:78:3C (Intel Corporate)' "$tmp/v.txt"
check "MAC line as nmap's" \
	test "$(grep '^MAC Address' "$tmp/v.txt")" = "$(grep '^MAC Address' "$tmp/nv.txt")"
check "XML: vendor=\"Intel Corporate\" on the mac address" \
	grep -q 'addrtype="mac" vendor="Intel Corporate"/>' "$tmp/v.xml"
fathom -n -p22 "$SVC" >"$tmp/u2.txt" 2>&1
check "an unregistered (locally administered) MAC stays Unknown" \
	grep -qx 'MAC Address: 02:66:78:00:00:0A (Unknown)' "$tmp/u2.txt"

# ---- bad input ---------------------------------------------------------------
fathom --traceroute=3 "$FAR" >/dev/null 2>"$tmp/b.err"
check "--traceroute takes no argument: exit 2" test $? = 2
