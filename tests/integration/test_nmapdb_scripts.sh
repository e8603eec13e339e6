#!/usr/bin/env bash
# test_nmapdb_scripts.sh -- fathom on nmap's DB keeps what nmap's version
# scripts add to -sV, through its own file's fathom-script probes:
# pptp-version (fx-svc3's pptpd, 1723), mqtt-subscribe (fx-svc2's
# Mosquitto, 1883) and murmur-version (fx-svc2's murmurd, 64738, a UDP ping
# to the TCP port's number). nmap runs on 64738 in the same test: both must
# give Murmur and its version from that ping. With fathom's own file no
# script probe runs (its ordinary probes ask the same), nor below version
# intensity 7 (nmap's rule for its version scripts).
source "$(dirname "$0")/lib.sh"

NMAPDB=/usr/share/nmap/nmap-service-probes
if [ ! -r "$NMAPDB" ] || ! command -v nmap >/dev/null; then
	notok "nmap and its DB are installed (tools/deps installs them)"
	exit 0
fi
svc2=$("$top/tools/lab" addr svc2 2>/dev/null)
svc3=$("$top/tools/lab" addr svc3 2>/dev/null)
check "the lab knows fx-svc2 and fx-svc3" test -n "$svc2" -a -n "$svc3"

# The port's SERVICE and VERSION columns.
answer() {
	grep -E "^$2/tcp +open " "$1" | awk '{$1 = $2 = ""; print}' |
		sed -E 's/^ +//'
}

fathom -n -Pn -sV -T4 --versiondb "$NMAPDB" --version-trace \
	-p 1723,1883,64738 "$svc2" "$svc3" >"$tmp/f.txt" 2>"$tmp/f.err"
check "fathom --versiondb nmap's file exits 0" test $? = 0
for p in PPTPStart MQTTSysVersion MumblePing; do
	check "$p ran as a fathom-script" \
		grep -qE "/?$p sent \(fathom-script\)" "$tmp/f.err"
done
grep -E '^(Nmap scan report|[0-9]+/tcp +open)' "$tmp/f.txt" | sed 's/^/# /'
check "1723/tcp: pptp with pptpd's host and vendor names" \
	grep -qE '^1723/tcp +open +pptp +\(host local; vendor linux\)' \
	"$tmp/f.txt"
check "1883/tcp: Mosquitto and the version it publishes" \
	grep -qE '^1883/tcp +open +mqtt +Mosquitto 2\.[0-9.]+$' "$tmp/f.txt"
check "64738/tcp: Murmur, version and limits from the UDP ping" \
	grep -qE '^64738/tcp +open +ssl/murmur +Murmur 1\.[0-9.]+ \(control port; users: [0-9]+; max\. users: [0-9]+; bandwidth: [0-9]+ b/s\)$' \
	"$tmp/f.txt"

# nmap's murmur-version on the same port: the same product and version.
ip netns exec fx-scan nmap -n -Pn -sV -T4 -p 64738 "$svc2" \
	>"$tmp/n.txt" 2>/dev/null
a=$(answer "$tmp/n.txt" 64738 | sed -E 's/users: [0-9]+;/users: N;/')
b=$(answer "$tmp/f.txt" 64738 | sed -E 's/users: [0-9]+;/users: N;/')
echo "# 64738: nmap [$a] fathom [$b]"
check "64738/tcp: nmap's murmur-version answer (users aside)" \
	test -n "$a" -a "$a" = "$b"

# fathom's own file: its probes ask, no script runs.
fathom -n -Pn -sV -T4 --version-trace -p 1723 "$svc3" \
	>"$tmp/o.txt" 2>"$tmp/o.err"
check "own DB: exits 0" test $? = 0
check "own DB: no fathom-script probe" \
	bash -c "! grep -q 'fathom-script' '$tmp/o.err'"
check "own DB: PPTPStart names pptp as before" \
	grep -qE '^1723/tcp +open +pptp +\(host local; vendor linux\)' \
	"$tmp/o.txt"

# --version-light (intensity 2): no version scripts, as nmap.
fathom -n -Pn -sV -T4 --version-light --versiondb "$NMAPDB" \
	--version-trace -p 1883 "$svc2" >"$tmp/l.txt" 2>"$tmp/l.err"
check "--version-light: exits 0" test $? = 0
check "--version-light: no fathom-script probe" \
	bash -c "! grep -q 'fathom-script' '$tmp/l.err'"
