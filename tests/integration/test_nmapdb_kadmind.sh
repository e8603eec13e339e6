#!/usr/bin/env bash
# test_nmapdb_kadmind.sh -- fathom with nmap's DB against nmap on fx-svc2's
# kadmind, a daemon that serves one client at a time: one process answers
# 464 (kpasswd) and 749 (kadmin, ONC RPC), and a probe that starts an RPC
# record it never finishes (GenericLines' "\r\n\r\n" on 749) holds the whole
# process until that client leaves (35 s at most). nmap sends one probe at a
# time and gets RPCCheck's RPC reply on 749 (rpcbind) and GenericLines'
# KRB-ERROR on 464 (MIT Kerberos). fathom sends probes side by side, both
# ports at once: its answers must still be nmap's, each port scanned by nmap
# alone (side by side, nmap's 464 loses the same race; see
# engine/vscan/vscan_int.h, vs_serial_hold and vs_retry_silent).
source "$(dirname "$0")/lib.sh"

NMAPDB=/usr/share/nmap/nmap-service-probes
if [ ! -r "$NMAPDB" ] || ! command -v nmap >/dev/null; then
	notok "nmap and its DB are installed (tools/deps installs them)"
	exit 0
fi
svc2=$("$top/tools/lab" addr svc2 2>/dev/null)
check "the lab knows fx-svc2" test -n "$svc2"

# The port's line of normal output: SERVICE and VERSION, the server's
# clock (which differs between the runs) left out.
answer() {
	grep -E "^$2/tcp " "$1" | awk '{$1 = $2 = ""; print}' |
		sed -E 's/server time: [0-9TZ: -]+/server time: T/; s/^ +//'
}

# nmap, one port at a time, so neither waits behind the other.
for p in 464 749; do
	ip netns exec fx-scan nmap -n -Pn -sV -T4 -p "$p" "$svc2" \
		>"$tmp/nmap$p.txt" 2>/dev/null
done
# fathom, both ports in one run (and so side by side).
fathom -n -Pn -sV -T4 --versiondb "$NMAPDB" -p 464,749 "$svc2" \
	>"$tmp/fathom.txt" 2>"$tmp/fathom.err"
check "fathom --versiondb nmap's file -p 464,749 exits 0" test $? = 0
for p in 464 749; do
	a=$(answer "$tmp/nmap$p.txt" "$p")
	b=$(answer "$tmp/fathom.txt" "$p")
	echo "# $p: nmap [$a] fathom [$b]"
	check "$p/tcp: fathom gives nmap's answer [$a]" test "$a" = "$b"
done
# What the two must be: nmap's DB names both (not a port-table guess).
check "464/tcp: MIT Kerberos (GenericLines' hard match)" \
	grep -qE '^464/tcp +open +kerberos-sec +MIT Kerberos' "$tmp/fathom.txt"
check "749/tcp: rpcbind (RPCCheck's hard match)" \
	grep -qE '^749/tcp +open +rpcbind' "$tmp/fathom.txt"
