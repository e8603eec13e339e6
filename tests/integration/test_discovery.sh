#!/usr/bin/env bash
# test_discovery.sh -- host discovery (-sn, -P*, --reason) against nmap, run
# in the same test on the same lab hosts: the same hosts up for the same
# reasons, the same -sn lines in every format; the crowd's /16 in full.
source "$(dirname "$0")/lib.sh"

# nmap is the oracle: without it nothing here can be judged.
if ! command -v nmap >/dev/null; then
	notok "nmap is installed (the oracle for every check here)"
	exit 1
fi
nmap_() { ip netns exec fx-scan nmap "$@"; }

# Alive (every 4th crowd address) and dead ones, plus fx-svc and fx-quiet.
# In address order: nmap reports in command-line order, fathom sorted.
ALIVE="198.19.0.0 198.19.0.4 198.19.7.8"
DEAD="198.19.0.1 198.19.2.3"
HOSTS="$SVC $QUIET 198.19.0.0 198.19.0.1 198.19.0.4 198.19.2.3 198.19.7.8"

# "ADDR REASON" per host up, from normal output with --reason.
up_reasons() {
	awk '/^Nmap scan report for/ { h = $5 }
	     /^Host is up, received/ { r = $5; sub(/\.$/, "", r); print h, r }' "$1"
}

# compare NAME ARGS...: fathom and nmap, same arguments, same hosts/reasons.
compare() {
	local name=$1
	shift
	fathom -n --reason "$@" >"$tmp/f.txt" 2>"$tmp/f.err"
	local frc=$?
	nmap_ -n --reason "$@" >"$tmp/n.txt" 2>"$tmp/n.err"
	up_reasons "$tmp/f.txt" >"$tmp/f.up"
	up_reasons "$tmp/n.txt" >"$tmp/n.up"
	check "$name: exits 0" test "$frc" = 0
	if cmp -s "$tmp/f.up" "$tmp/n.up" && [ -s "$tmp/n.up" ]; then
		ok "$name: same hosts up, same reasons as nmap ($(tr '\n' ' ' <"$tmp/n.up"))"
	else
		notok "$name: hosts/reasons differ from nmap"
		diff "$tmp/n.up" "$tmp/f.up" | sed 's/^/# /'
	fi
}

compare "-sn (ARP on the link, probes past it)" -sn $HOSTS
compare "-sn --disable-arp-ping" -sn --disable-arp-ping $HOSTS
compare "-sn -PE" -sn -PE --disable-arp-ping $SVC $QUIET 198.19.0.4
compare "-sn -PP (timestamp)" -sn -PP --disable-arp-ping $SVC 198.19.0.4
compare "-sn -PS113 (fx-quiet resets)" -sn -PS113 --disable-arp-ping $QUIET
compare "-sn -PS3306 (fx-quiet port-unreach)" -sn -PS3306 --disable-arp-ping $QUIET
compare "-sn -PS22 (syn-ack)" -sn -PS22 --disable-arp-ping $QUIET 198.19.0.4
compare "-sn -PA (reset to the ACK)" -sn -PA --disable-arp-ping $SVC 198.19.0.4
compare "-sn -PU (port-unreach)" -sn -PU --disable-arp-ping $SVC

# -PA80 to fx-quiet is dropped: down for both.
fathom -n -sn -PA80 --disable-arp-ping "$QUIET" >"$tmp/q.txt"
check "-PA80 to fx-quiet: down, as nmap finds it" \
	grep -q '^fathom done: 1 IP address (0 hosts up)' "$tmp/q.txt"
check "a single target down: nmap's -Pn hint" \
	grep -q '^Note: Host seems down. If it is really up, but blocking our ping probes, try -Pn$' "$tmp/q.txt"

# The formats, -v: every line nmap writes that has no time in it.
fathom -n -sn -v --reason --disable-arp-ping $HOSTS -oX "$tmp/f.xml" \
	-oG "$tmp/f.gnmap" >"$tmp/fv.txt"
nmap_ -n -sn -v --reason --disable-arp-ping $HOSTS -oX "$tmp/n.xml" \
	-oG "$tmp/n.gnmap" >"$tmp/nv.txt"
untimed() { grep -v -e '^#' -e 'scan initiated' -e 'Nmap done' -e 'fathom done' "$1" |
	sed -e 's/ ([0-9.]*s latency)//' -e 's/srtt="[0-9]*"/srtt=""/'; }
report_lines() { untimed "$1" | grep -e '^Nmap scan report' -e '^Host is' -e '^MAC Address'; }
check "-v normal output: host, down-host and MAC lines as nmap's" \
	cmp -s <(report_lines "$tmp/fv.txt") <(report_lines "$tmp/nv.txt")
check "-v shows the dead hosts as nmap does" \
	grep -q '^Nmap scan report for 198.19.0.1 \[host down, received no-response\]$' "$tmp/fv.txt"
check "grepable: the Host lines are nmap's" \
	cmp -s <(grep '^Host:' "$tmp/f.gnmap") <(grep '^Host:' "$tmp/n.gnmap")
check "grepable -v: nmap's '# Ports scanned' line" \
	grep -qx '# Ports scanned: TCP(0;) UDP(0;) SCTP(0;) PROTOCOLS(0;)' "$tmp/f.gnmap"
xml_hosts() { sed -n '/^<host/,/^<\/host>/p' "$1" | sed 's/srtt="[0-9]*"/srtt=""/'; }
check "XML: every <host> element is nmap's (srtt aside)" \
	cmp -s <(xml_hosts "$tmp/f.xml") <(xml_hosts "$tmp/n.xml")
check "XML: <hosts up down total> as nmap's" \
	cmp -s <(grep -o '<hosts [^>]*>' "$tmp/f.xml") <(grep -o '<hosts [^>]*>' "$tmp/n.xml")

# Without -sn the sweep probes only the hosts found up.
fathom -n -p80 -v $ALIVE $DEAD >"$tmp/p.txt" 2>&1
check "a port scan reports the live crowd hosts' port 80" \
	test "$(grep -c '^80/tcp open' "$tmp/p.txt")" = 3
check "a port scan says the dead ones are down (-v)" \
	test "$(grep -c 'host down' "$tmp/p.txt")" = 2
check "-Pn skips discovery: every target reported" \
	sh -c "ip netns exec fx-scan '$FATHOM' -n -Pn -p80 $DEAD | grep -q '^fathom done: 2 IP addresses (2 hosts up)'"

# The crowd: every 4th address is alive; fathom and nmap find those.
python3 -c '
for a in range(256):
    for b in range(0, 256, 4):
        print("198.19.%d.%d" % (a, b))' | sort >"$tmp/want"
t0=$(date +%s.%N)
fathom -n -sn "$CROWD_NET" -oG "$tmp/c.gnmap" >"$tmp/c.txt" 2>"$tmp/c.err"
rc=$?
t1=$(date +%s.%N)
awk '/Status: Up/{print $2}' "$tmp/c.gnmap" | sort >"$tmp/got"
check "-sn crowd: exits 0" test "$rc" = 0
check "-sn crowd: exactly the 16384 live hosts ($(wc -l <"$tmp/got") found)" \
	cmp -s "$tmp/got" "$tmp/want"
nmap_ -n -sn --min-rate 100000 "$CROWD_NET" -oG "$tmp/nc.gnmap" >/dev/null 2>&1
t2=$(date +%s.%N)
awk '/Status: Up/{print $2}' "$tmp/nc.gnmap" | sort >"$tmp/ngot"
check "-sn crowd: the same hosts up as nmap -sn --min-rate 100000" \
	cmp -s "$tmp/got" "$tmp/ngot"
printf '# crowd /16 -sn: fathom %.2fs, nmap --min-rate 100000 %.2fs\n' \
	"$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"

# IPv6: neighbour discovery on the link (fx-svc, fx-quiet), ICMPv6 echo,
# SYN and ACK past it (fx-crowd6, every 4th address alive), against
# nmap -6 in the same run. In address order, as for IPv4.
SVC6=fd5a:7a6f:1ab0:1::10 QUIET6=fd5a:7a6f:1ab0:1::11 CROWD6_NET=fd5a:7a6f:1ab0:200::/112
HOSTS6="$SVC6 $QUIET6 fd5a:7a6f:1ab0:200::4 fd5a:7a6f:1ab0:200::5 fd5a:7a6f:1ab0:200::8"
compare "-6 -sn (ND on the link, probes past it)" -6 -sn $HOSTS6
compare "-6 -sn --disable-arp-ping" -6 -sn --disable-arp-ping $HOSTS6
compare "-6 -sn -PE" -6 -sn -PE --disable-arp-ping $SVC6 $QUIET6 fd5a:7a6f:1ab0:200::4
compare "-6 -sn -PS113 (fx-quiet resets)" -6 -sn -PS113 --disable-arp-ping $QUIET6
compare "-6 -sn -PS22 (syn-ack)" -6 -sn -PS22 --disable-arp-ping $QUIET6 fd5a:7a6f:1ab0:200::4
compare "-6 -sn -PA (reset to the ACK)" -6 -sn -PA --disable-arp-ping $SVC6 fd5a:7a6f:1ab0:200::4
fathom -6 -n -sn -v $HOSTS6 >"$tmp/f6v.txt" 2>&1
nmap_ -6 -n -sn -v $HOSTS6 >"$tmp/n6v.txt" 2>&1
check "-6 -v normal output: host, down-host and MAC lines as nmap's" \
	cmp -s <(report_lines "$tmp/f6v.txt") <(report_lines "$tmp/n6v.txt")
fathom -6 -n -sn -PP "$SVC6" >/dev/null 2>"$tmp/pp.err"
pprc=$?
check "-6 -PP: refused with exit 2 (no ICMPv6 timestamp)" \
	sh -c "test $pprc = 2 && grep -q 'IPv4 only' '$tmp/pp.err'"
fathom -6 -n -p80 -v fd5a:7a6f:1ab0:200::4 fd5a:7a6f:1ab0:200::5 >"$tmp/p6.txt" 2>&1
check "-6 port scan: the live crowd host's port 80, the dead one down" \
	sh -c "grep -q '^80/tcp open' '$tmp/p6.txt' && test \$(grep -c 'host down' '$tmp/p6.txt') = 1"
python3 -c '
import ipaddress
for i in range(0, 65536, 4):
    print(ipaddress.ip_address(int(ipaddress.ip_address("fd5a:7a6f:1ab0:200::")) + i))' |
	sort >"$tmp/want6"
fathom -6 -n -sn "$CROWD6_NET" -oG "$tmp/c6.gnmap" >/dev/null 2>"$tmp/c6.err"
check "-6 -sn crowd6: exits 0" test $? = 0
awk '/Status: Up/{print $2}' "$tmp/c6.gnmap" | sort >"$tmp/got6"
check "-6 -sn crowd6: exactly the 16384 live hosts ($(wc -l <"$tmp/got6") found)" \
	cmp -s "$tmp/got6" "$tmp/want6"

# --host-timeout: a host's clock starts when discovery first probes it and
# stops at its answer, so a discovery pass longer than the timeout (4096
# probes at 500 per second: about 8 s) leaves every live host its time for
# the sweep. (Charged from the start of discovery to its end, every host
# was out of time before its port was probed.)
fathom -n -p80 --open --host-timeout 2s --max-rate 500 198.19.0.0/22 >"$tmp/ht.txt" 2>&1
check "--host-timeout 2s, discovery of 8 s: all 256 live hosts swept ($(grep -c '^80/tcp open' "$tmp/ht.txt") with 80 open)" \
	test "$(grep -c '^80/tcp open' "$tmp/ht.txt")" = 256
check "--host-timeout 2s, discovery of 8 s: no host skipped" \
	sh -c "! grep -q 'due to host timeout' '$tmp/ht.txt'"

# Our own address inside the range: nmap says it is up (localhost-response),
# though no probe to it goes on the wire; fathom too (nmap writes it last,
# fathom in address order: compared as sets).
for net in 198.18.0.0/29 fd5a:7a6f:1ab0:1::/125; do
	six=; case $net in *:*) six=-6 ;; esac
	fathom $six -n -sn --reason "$net" >"$tmp/self.f" 2>&1
	nmap_ $six -n -sn --reason "$net" </dev/null >"$tmp/self.n" 2>&1
	check "-sn $net: our own address up for the same reason, the same hosts as nmap" \
		sh -c "grep -q 'localhost-response' '$tmp/self.f' &&
			test \"\$(awk '/scan report/{h=\$5} /^Host is up/{print h, \$5}' '$tmp/self.f' | sort)\" = \
			\"\$(awk '/scan report/{h=\$5} /^Host is up/{print h, \$5}' '$tmp/self.n' | sort)\""
done
