#!/usr/bin/env bash
# test_rstmodes.sh -- the two other ways -sV keeps the kernel from resetting
# fathom's connections: -S with an address the kernel does not own (fathom
# answers ARP for it), and kernel sockets when nft cannot be used.
source "$(dirname "$0")/lib.sh"

FOREIGN=198.18.0.77 # free in the lab: no namespace holds it
HOSTILE=198.18.0.20
SCAN_MAC=$(ip netns exec fx-scan cat /sys/class/net/eth0/address)

# ask_arp SECONDS: a TCP connect from fx-quiet to the foreign address (to
# the discard port; nothing listens) makes fx-quiet's kernel ask for it.
ask_arp() {
	ip netns exec fx-quiet timeout "$1" bash -c ": </dev/tcp/$FOREIGN/9" >/dev/null 2>&1
}

# ---- -S foreign ---------------------------------------------------------------
check "$FOREIGN is not an address of fx-scan" \
	sh -c "! ip netns exec fx-scan ip -4 -o addr | grep -qw '$FOREIGN'"
# Kernel RSTs carry no ACK (fathom's own aborts are RST+ACK); plus every ARP
# reply leaving the scanner for the foreign address.
capture_start "$tmp/f.pcap" "(tcp[tcpflags] & (tcp-rst|tcp-ack) == tcp-rst and src host $FOREIGN) or (arp and arp[6:2] = 2 and arp[14:4] = 0xc612004d)"
# 7007 on fx-hostile greets after 3 s: the scan lasts long enough for a
# neighbour that never heard of the address to ask for it meanwhile.
fathom -n -d -S "$FOREIGN" -e eth0 -sV -p21,22,80,111,443,7007 \
	"$SVC,20" >"$tmp/f.txt" 2>"$tmp/f.err" &
fpid=$!
asked=0
while kill -0 "$fpid" 2>/dev/null; do
	# fx-quiet has no entry for the address: its kernel broadcasts ARP.
	ip netns exec fx-quiet ip neigh flush to "$FOREIGN" 2>/dev/null
	ask_arp 0.3
	asked=$((asked + 1))
	ip netns exec fx-quiet ip neigh show to "$FOREIGN" | grep -qi "$SCAN_MAC" &&
		cp /dev/null "$tmp/quiet-learned"
	sleep 0.2
done
wait "$fpid"
rc=$?
capture_stop
check "-sV -S $FOREIGN exits 0 (rc=$rc)" test "$rc" = 0
check "-S foreign: no nftables table was needed" \
	sh -c "! grep -q 'nft guard' '$tmp/f.err' && grep -q 'foreign -S' '$tmp/f.err'"
check "-S foreign: 22/tcp named over the connection (OpenSSH)" \
	sh -c "grep -qE '^22/tcp +open +ssh +OpenSSH' '$tmp/f.txt'"
check "-S foreign: 443/tcp named through TLS" \
	grep -qE '^443/tcp +open +ssl/http +Apache httpd' "$tmp/f.txt"
check "-S foreign: 111/tcp rpcbind 2-4 (RPC #100000)" \
	grep -qE '^111/tcp +open +rpcbind +2-4 \(RPC #100000\)' "$tmp/f.txt"
check "-S foreign: 7007 (greets after 3 s) named ftp" \
	grep -qE '^7007/tcp +open +ftp( |$)' "$tmp/f.txt"
n=$(tcpdump -r "$tmp/f.pcap" -n 'tcp' 2>/dev/null | wc -l)
check "-S foreign: no kernel RST left the scanner from $FOREIGN ($n)" test "$n" = 0
n=$(tcpdump -r "$tmp/f.pcap" -n -e 'arp' 2>/dev/null | grep -ci "$FOREIGN is-at $SCAN_MAC")
check "-S foreign: fathom answered ARP for $FOREIGN ($n replies, $asked asks)" test "$n" -ge 1
check "-S foreign: fx-quiet learned $FOREIGN at fx-scan's MAC" test -e "$tmp/quiet-learned"
# Once fathom is gone nobody answers for the address.
ip netns exec fx-quiet ip neigh flush to "$FOREIGN" 2>/dev/null
ask_arp 1
check "-S foreign: after the scan nobody answers ARP for it" \
	sh -c "! ip netns exec fx-quiet ip neigh show to $FOREIGN | grep -qi '$SCAN_MAC'"

# ---- kernel sockets when nft cannot run ----------------------------------------
PORTS=21,22,25,80,111,443,993,2222,6379,8080
# No nft on PATH: the guard cannot be installed.
ip netns exec fx-scan env PATH=/nonexistent "$FATHOM" -n -d -sV -p "$PORTS" \
	"$SVC" >"$tmp/s.txt" 2>"$tmp/s.err"
rc=$?
check "no nft: -sV exits 0 (rc=$rc)" test "$rc" = 0
check "no nft: exactly one warning line names the fallback" \
	test "$(grep -c 'Warning:.*kernel sockets' "$tmp/s.err")" = 1
check "no nft: kernel sockets were used" grep -q 'vscan:.*kernel sockets' "$tmp/s.err"
check "no nft: 22/tcp ssh OpenSSH" grep -qE '^22/tcp +open +ssh +OpenSSH' "$tmp/s.txt"
check "no nft: 443/tcp ssl/http Apache" grep -qE '^443/tcp +open +ssl/http +Apache httpd' "$tmp/s.txt"
check "no nft: 2222/tcp ssl/ssh OpenSSH" grep -qE '^2222/tcp +open +ssl/ssh +OpenSSH' "$tmp/s.txt"
check "no nft: 111/tcp rpcbind 2-4 (RPC #100000)" \
	grep -qE '^111/tcp +open +rpcbind +2-4 \(RPC #100000\)' "$tmp/s.txt"
check "no nft: 6379/tcp redis" grep -qE '^6379/tcp +open +redis +Redis' "$tmp/s.txt"
check "no nft: no '?' guesses" sh -c "! grep -E '^[0-9]+/tcp +open +[a-z/-]+\\? ' '$tmp/s.txt'"
# (No RST check here: the kernel owns these connections, and the kernel
# RSTs other helpers' raw probes draw from fx-scan look the same.)
check "no nft: no fathom table left" \
	sh -c "! ip netns exec fx-scan nft list tables 2>/dev/null | grep -q fathom_"

# ---- a crashed run's tables -----------------------------------------------------
# Tables of processes that are gone, inet (this build) and ip (builds before
# IPv6): the next run's guard deletes them all, not only the first listed.
sh -c 'exit 0' &
dead=$!
wait "$dead"
for t in "ip fathom_$dead" "inet fathom_$((dead + 1000000))" "inet fathom_$((dead + 2000000))"; do
	ip netns exec fx-scan nft add table $t
done
fathom -n -sV -p22 "$SVC" >"$tmp/st.txt" 2>"$tmp/st.err"
check "stale tables: the run exits 0" test $? = 0
check "stale tables: every dead run's table (ip and inet) is gone" \
	sh -c "! ip netns exec fx-scan nft list tables | grep -qE 'fathom_($dead|$((dead + 1000000))|$((dead + 2000000)))\$'"
