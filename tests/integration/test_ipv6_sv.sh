#!/usr/bin/env bash
# test_ipv6_sv.sh -- -6 -sV on fx-svc's IPv6 address: the IPv4 run's
# answers and nmap -6's, over fathom's TCP (nft guard), over kernel sockets
# (no nft), from a foreign -S (fathom answers ND); -O is skipped with one
# line. Needs the IPv6 sweep (it fails, not skips, until -6 scans run).
source "$(dirname "$0")/lib.sh"

SVC6=fd5a:7a6f:1ab0:1::10
SCAN6=fd5a:7a6f:1ab0:1::2
FOREIGN6=fd5a:7a6f:1ab0:1::77 # free in the lab: no namespace holds it
HOSTILE6=fd5a:7a6f:1ab0:1::20
WANT=21,22,25,53,79,80,110,111,143,443,993,995,2222,6379,7979,8080,11211

# Of WANT, the ports fx-svc listens on over IPv6 ([::], * or its address).
listening_v6() {
	ip netns exec fx-svc ss -ltnH | awk -v a="[$SVC6]" '{
		n = split($4, p, ":"); port = p[n]; host = substr($4, 1, length($4) - length(port) - 1)
		if (host == "[::]" || host == "*" || host == a) print port
	}' | sort -u
}
PORTS=$(comm -12 <(listening_v6) <(tr , '\n' <<<"$WANT" | sort -u) | sort -n | paste -sd,)
check "fx-svc listens on IPv6 ($PORTS)" test -n "$PORTS"

# Rows of normal output, blanks squeezed, the certificate's CN dropped (the
# recogniser's cert fill comes and goes between runs in IPv4 too).
rows() {
	grep -E '^[0-9]+/tcp ' "$1" | sed 's/ (cert CN=[^)]*)//' | awk '{$1=$1; print}'
}
# First three columns (port, state, service) only.
svcs() { rows "$1" | awk '{print $1, $2, $3}'; }

# ---- userspace TCP, nft guard -------------------------------------------------
# The kernel's RSTs carry no ACK (fathom's own aborts are RST+ACK).
capture_start "$tmp/v6.pcap" "ip6 and src host $SCAN6 and dst host $SVC6 and tcp and ip6[53] & 0x14 = 0x04 and tcp src portrange 62100-65535"
start=$(date +%s.%N)
ip netns exec fx-scan "$FATHOM" -6 -n -d -sV -p "$PORTS" "$SVC6" >"$tmp/v6.txt" 2>"$tmp/v6.err" &
bg=$!
pid=$(fathom_pid "$bg")
wait "$bg"
rc=$?
t6=$(echo "$(date +%s.%N) - $start" | bc)
capture_stop
check "-6 -sV exits 0 (rc=$rc, ${t6}s)" test "$rc" = 0
check "-6 -sV went over fathom's TCP with the nft guard" \
	grep -q 'vscan:.*userspace TCP (nft guard)' "$tmp/v6.err"
n=$(tcpdump -r "$tmp/v6.pcap" -n 2>/dev/null | wc -l)
check "no kernel RST left the scanner for fathom's IPv6 connections ($n)" test "$n" = 0
# Its own table (fathom_PID): other scans may be running on the machine.
check "the inet guard table fathom_${pid:-?} is gone after the scan" \
	sh -c "[ -n '$pid' ] && ! ip netns exec fx-scan nft list tables | grep -qw 'fathom_$pid'"
check "no '?' guesses left over IPv6" \
	sh -c "! grep -E '^[0-9]+/tcp +open +[a-z/-]+\\? ' '$tmp/v6.txt'"

fathom -n -sV -p "$PORTS" "$SVC" >"$tmp/v4.txt" 2>"$tmp/v4.err"
check "the IPv4 run exits 0" test $? = 0
for p in ${PORTS//,/ }; do
	a=$(rows "$tmp/v4.txt" | grep "^$p/tcp ")
	b=$(rows "$tmp/v6.txt" | grep "^$p/tcp ")
	check "$p/tcp over IPv6 as over IPv4 [$a]" test -n "$a" -a "$a" = "$b"
done

# nmap -6 -sV -T4 in the same run: the same services (nmap's DB names
# versions its own way; with its DB, fathom's rows are nmap's, below).
start=$(date +%s.%N)
ip netns exec fx-scan nmap -6 -n -Pn -sV -T4 -p "$PORTS" "$SVC6" >"$tmp/nmap6.txt" 2>/dev/null
tn=$(echo "$(date +%s.%N) - $start" | bc)
check "nmap -6 -sV ran (${tn}s)" grep -q '^PORT ' "$tmp/nmap6.txt"
check "-6 -sV services are nmap -6's" diff <(svcs "$tmp/nmap6.txt") <(svcs "$tmp/v6.txt")
# The goal is 0.1x; measured 0.07-0.12x (fathom's floor, ~1.5 s, is the
# TLS hello's wait on 53, 6379 and 7979, as over IPv4): a regression
# bound at 0.15x, the ratio in the line.
ratio=$(echo "scale=3; $t6 / $tn" | bc)
check "-6 -sV takes <= 0.15x nmap -6 -sV -T4's time (${t6}s vs ${tn}s: ${ratio}x)" \
	sh -c "echo '$t6 <= 0.15 * $tn' | bc | grep -q 1"
NMAPDB=/usr/share/nmap/nmap-service-probes
P=21,22,80,111,8080,6379
ip netns exec fx-scan nmap -6 -n -Pn -sV -p "$P" "$SVC6" >"$tmp/nmapdb6.txt" 2>/dev/null
fathom -6 -n -sV --versiondb "$NMAPDB" -p "$P" "$SVC6" >"$tmp/fn6.txt" 2>/dev/null
for p in ${P//,/ }; do
	a=$(rows "$tmp/nmapdb6.txt" | grep "^$p/tcp ")
	b=$(rows "$tmp/fn6.txt" | grep "^$p/tcp ")
	check "nmap's DB over IPv6: $p/tcp as nmap -6 says [$a]" test -n "$a" -a "$a" = "$b"
done

# ---- kernel sockets: no nft on PATH ---------------------------------------------
ip netns exec fx-scan env PATH=/nonexistent "$FATHOM" -6 -n -d -sV -p "$PORTS" \
	"$SVC6" >"$tmp/s6.txt" 2>"$tmp/s6.err"
rc=$?
check "no nft: -6 -sV exits 0 (rc=$rc)" test "$rc" = 0
check "no nft: one warning line names the fallback" \
	test "$(grep -c 'Warning:.*kernel sockets' "$tmp/s6.err")" = 1
check "no nft: kernel sockets were used" grep -q 'vscan:.*kernel sockets' "$tmp/s6.err"
check "no nft: the same rows as over fathom's TCP" \
	diff <(rows "$tmp/v6.txt") <(rows "$tmp/s6.txt")

# ---- -S an IPv6 address the kernel does not own: fathom answers ND --------------
check "$FOREIGN6 is not an address of fx-scan" \
	sh -c "! ip netns exec fx-scan ip -6 -o addr | grep -qw '$FOREIGN6'"
SCAN_MAC=$(ip netns exec fx-scan cat /sys/class/net/eth0/address)
capture_start "$tmp/f6.pcap" "icmp6 and ip6[40] = 136 and src host $FOREIGN6"
# 7007 on fx-hostile greets after 3 s: the scan lasts long enough for a
# neighbour that never heard of the address to solicit it meanwhile.
fathom -6 -n -d -S "$FOREIGN6" -e eth0 -sV -p21,22,80,111,443,7007 \
	"$SVC6" "$HOSTILE6" >"$tmp/f6.txt" 2>"$tmp/f6.err" &
fpid=$!
while kill -0 "$fpid" 2>/dev/null; do
	# fx-quiet has no entry for the address: its kernel solicits it.
	ip netns exec fx-quiet ip -6 neigh flush to "$FOREIGN6" 2>/dev/null
	ip netns exec fx-quiet ping -6 -c1 -W0.3 "$FOREIGN6" >/dev/null 2>&1
	ip netns exec fx-quiet ip -6 neigh show to "$FOREIGN6" | grep -qi "$SCAN_MAC" &&
		cp /dev/null "$tmp/quiet-learned"
	sleep 0.2
done
wait "$fpid"
rc=$?
capture_stop
check "-6 -sV -S $FOREIGN6 exits 0 (rc=$rc)" test "$rc" = 0
check "-S foreign: userspace TCP, no nft table" grep -q 'foreign -S' "$tmp/f6.err"
check "-S foreign: 22/tcp ssh OpenSSH" grep -qE '^22/tcp +open +ssh +OpenSSH' "$tmp/f6.txt"
check "-S foreign: 443/tcp ssl/http Apache" grep -qE '^443/tcp +open +ssl/http +Apache httpd' "$tmp/f6.txt"
check "-S foreign: 111/tcp rpcbind 2-4 (RPC #100000)" \
	grep -qE '^111/tcp +open +rpcbind +2-4 \(RPC #100000\)' "$tmp/f6.txt"
check "-S foreign: 7007 on fx-hostile (greets after 3 s) named ftp" \
	grep -qE '^7007/tcp +open +ftp( |$)' "$tmp/f6.txt"
n=$(tcpdump -r "$tmp/f6.pcap" -n 2>/dev/null | wc -l)
check "-S foreign: fathom advertised $FOREIGN6 ($n NAs)" test "$n" -ge 1
check "-S foreign: fx-quiet learned $FOREIGN6 at fx-scan's MAC" test -e "$tmp/quiet-learned"

# ---- -O: IPv4-only, skipped with one line, the rest goes on ---------------------
fathom -6 -n -O -sV -p22 "$SVC6" >"$tmp/o6.txt" 2>"$tmp/o6.err"
rc=$?
check "-6 -O -sV exits 0 (rc=$rc)" test "$rc" = 0
check "-6 -O: one line says OS detection is skipped" \
	test "$(grep -c 'OS detection (-O) is IPv4-only; skipped for IPv6' "$tmp/o6.err")" = 1
check "-6 -O: -sV still named 22/tcp" grep -qE '^22/tcp +open +ssh +OpenSSH' "$tmp/o6.txt"
check "-6 -O: no OS lines, no OS database named" \
	sh -c "! grep -qE '^(Running|OS details|Aggressive OS)|os-db' '$tmp/o6.txt'"
