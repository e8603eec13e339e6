#!/usr/bin/env bash
# test_rsh.sh -- rlogin and rsh (rsh-redone on fx-svc3, which drops any
# client whose source port is not 512-1023) named by probes that connect
# from reserved ports (fathom-sourceports): over IPv4 and IPv6, with the
# nft guard covering those ports, and skipped over kernel sockets, which
# cannot bind them after the privilege drop.
source "$(dirname "$0")/lib.sh"

SVC3=198.18.0.41
SVC3_6=fd5a:7a6f:1ab0:1::41
SCAN=198.18.0.2

# Frames fx-scan sends to svc3's 513 and 514.
capture_start "$tmp/r.pcap" "tcp and host $SVC3 and (port 513 or port 514)"
fathom -n -sV -p513,514 "$SVC3" >"$tmp/r.txt" 2>"$tmp/r.err"
rc=$?
capture_stop
check "-sV -p513,514 svc3 exits 0 (rc=$rc)" test "$rc" = 0
check "513/tcp is login" grep -qE '^513/tcp +open +login( |$)' "$tmp/r.txt"
check "514/tcp is shell" grep -qE '^514/tcp +open +shell( |$)' "$tmp/r.txt"
syn() { tcpdump -r "$tmp/r.pcap" -n "tcp[tcpflags] == tcp-syn and $1" 2>/dev/null | wc -l; }
n=$(syn "dst port 513 and src portrange 512-1023")
check "a SYN to 513 came from a reserved port ($n)" test "$n" -ge 1
n=$(syn "dst port 514 and src portrange 512-1023")
check "a SYN to 514 came from a reserved port ($n)" test "$n" -ge 1
# The kernel answers a SYN-ACK it has no socket for with a bare RST
# (fathom's own aborts carry ACK): the guard must drop those.
n=$(tcpdump -r "$tmp/r.pcap" -n "src host $SCAN and src portrange 512-1023 and tcp[tcpflags] & (tcp-rst|tcp-ack) == tcp-rst" 2>/dev/null | wc -l)
check "no kernel RST left a reserved port ($n)" test "$n" = 0

fathom -6 -n -sV -p513,514 "$SVC3_6" >"$tmp/r6.txt" 2>"$tmp/r6.err"
rc=$?
check "IPv6: -sV exits 0 (rc=$rc)" test "$rc" = 0
check "IPv6: 513/tcp is login" grep -qE '^513/tcp +open +login( |$)' "$tmp/r6.txt"
check "IPv6: 514/tcp is shell" grep -qE '^514/tcp +open +shell( |$)' "$tmp/r6.txt"

# No nft on PATH: kernel sockets, no reserved port to bind, the probes are
# not sent: the daemons close on everything else without a byte.
ip netns exec fx-scan env PATH=/nonexistent "$FATHOM" -n -sV -p513,514 \
	"$SVC3" >"$tmp/s.txt" 2>"$tmp/s.err"
rc=$?
check "no nft: -sV exits 0 (rc=$rc)" test "$rc" = 0
check "no nft: 513 and 514 tcpwrapped, no error" \
	sh -c "grep -qE '^513/tcp +open +tcpwrapped' '$tmp/s.txt' && grep -qE '^514/tcp +open +tcpwrapped' '$tmp/s.txt' && ! grep -qi error '$tmp/s.err'"
