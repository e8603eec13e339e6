#!/usr/bin/env bash
# test_scantypes.sh -- -sA -sW -sF -sN -sX -sM and --scanflags against nmap, on fx-fw.
#
# Every scan type runs with fathom and nmap (same flags, -Pn -n --reason)
# in the same test: the state and reason of every port must be equal, and
# equal to tools/lab.d/fw-states.tsv (fx-fw's rule set, so a broken lab
# fails here too), as must the "Not shown" line, the XML <scaninfo> and
# the grepable and NDJSON rows. IPv6 for -sA, -sF and -sW; fx-quiet and
# fx-svc on a handful of ports; the option conflicts nmap refuses.
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
FW=198.18.0.15
FW6=fd5a:7a6f:1ab0:1::15
STATES=$top/tools/lab.d/fw-states.tsv
TYPES="-sS -sA -sW -sF -sN -sX -sM"
DTD=/usr/share/nmap/nmap.dtd

nmap_() { ip netns exec fx-scan nmap "$@"; }

# xml_rows FILE: "host port state reason" per listed port, then one
# "host extraports state count" line per <extraports> (what nmap hides).
xml_rows() {
	"$PY" - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    a = h.find("address").get("addr")
    for p in h.iter("port"):
        s = p.find("state")
        print(a, p.get("portid") + "/" + p.get("protocol"), s.get("state"), s.get("reason"))
    for e in h.iter("extraports"):
        rs = ",".join("%s:%s" % (r.get("reason"), r.get("count")) for r in e.iter("extrareasons"))
        print(a, "extraports", e.get("state"), e.get("count"), rs)
EOF
}

# truth TYPE: "port state reason" per fx-fw port for a scan type (-sA...).
truth() {
	awk -F'\t' -v t="$1" '
		/^#port/ { for (i = 2; i <= NF; i++) if ($i == t) c = i; next }
		/^#/ { next }
		c { split($c, s, "/"); print $1 "/tcp", s[1], s[2] }' "$STATES"
}

# elapsed CMD...: runs CMD, prints its wall time in seconds (for the log).
elapsed() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@"
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }' >"$tmp/elapsed"
}

# gports FILE.gnmap: the Ports and Ignored State fields of the host line.
gports() { grep -o 'Ports: .*' "$1"; }

# compare NAME FATHOM.xml NMAP.xml: equal rows, or the diff as comments.
compare() {
	# Sorted: nmap lists hosts in command-line order, fathom by address.
	xml_rows "$2" | sort >"$tmp/cf"
	xml_rows "$3" | sort >"$tmp/cn"
	if [ -s "$tmp/cn" ] && diff "$tmp/cf" "$tmp/cn" >"$tmp/cd"; then
		ok "$1"
	else
		notok "$1"
		sed 's/^/# /' "$tmp/cd"
	fi
}

test -r "$STATES" && ip netns exec fx-fw nft list table inet fx_fw >/dev/null 2>&1
check "fx-fw is up with its firewall (tools/lab up)" test $? = 0

# ---- every type on fx-fw 79-93: per port vs nmap and the table ----------
# With nmap's data (--datadir): the same service names, so ndiff and the
# grepable lines compare whole.
for t in $TYPES; do
	n=${t#-s}
	elapsed fathom "$t" --datadir /usr/share/nmap -Pn -n --reason -p79-93 "$FW" -oX "$tmp/f$n.xml" \
		-oN "$tmp/f$n.txt" -oG "$tmp/f$n.gnmap" -oJ "$tmp/f$n.json" >/dev/null 2>"$tmp/f$n.err"
	check "$t fx-fw: fathom exits 0" test -s "$tmp/f$n.xml"
	ft=$(cat "$tmp/elapsed")
	elapsed nmap_ "$t" -Pn -n --reason -p79-93 "$FW" -oX "$tmp/n$n.xml" \
		-oN "$tmp/n$n.txt" -oG "$tmp/n$n.gnmap" >/dev/null 2>&1
	echo "# $t fx-fw -p79-93: fathom ${ft}s, nmap $(cat "$tmp/elapsed")s"
	compare "$t fx-fw 79-93: every port's state and reason equal to nmap's" \
		"$tmp/f$n.xml" "$tmp/n$n.xml"
	xml_rows "$tmp/f$n.xml" | awk '{print $2, $3, $4}' >"$tmp/ft"
	truth "$t" >"$tmp/tt"
	if [ -s "$tmp/tt" ] && diff "$tmp/ft" "$tmp/tt" >"$tmp/td"; then
		ok "$t fx-fw 79-93: as tools/lab.d/fw-states.tsv says"
	else
		notok "$t fx-fw 79-93: as tools/lab.d/fw-states.tsv says"
		sed 's/^/# /' "$tmp/td"
	fi
	check "$t: XML <scaninfo> equal to nmap's" \
		test "$(grep '<scaninfo' "$tmp/f$n.xml")" = "$(grep '<scaninfo' "$tmp/n$n.xml")"
	check "$t: grepable Ports field equal to nmap's" \
		test "$(gports "$tmp/f$n.gnmap")" = "$(gports "$tmp/n$n.gnmap")"
done
check "XML: scaninfo type=\"maimon\"" grep -q '<scaninfo type="maimon" protocol="tcp"' "$tmp/fM.xml"
fathom -sM -v -Pn -n -p80 "$FW" -oX "$tmp/v.xml" >"$tmp/v.txt" 2>&1
check "-v: nmap's task name (Initiating Maimon Scan, <taskbegin task=\"Maimon Scan\">)" \
	sh -c "grep -q '^Initiating Maimon Scan at' '$tmp/v.txt' && grep -q '<taskbegin task=\"Maimon Scan\"' '$tmp/v.xml'"
check "normal: -sW 91/tcp open (window) on fx-fw" grep -qE '^91/tcp +open +[^ ]+ +reset ttl 64$' "$tmp/fW.txt"
check "normal: -sA 89/tcp filtered admin-prohibited" \
	grep -qE '^89/tcp +filtered +[^ ]+ +admin-prohibited ttl 64$' "$tmp/fA.txt"
check "normal: -sF 82/tcp open|filtered no-response" \
	grep -qE '^82/tcp +open\|filtered +[^ ]+ +no-response$' "$tmp/fF.txt"
check "NDJSON: begin names the scan (\"scan\":\"xmas\")" grep -q '"type":"begin".*"scan":"xmas"' "$tmp/fX.json"
check "NDJSON: -sA 80/tcp unfiltered reset" \
	grep -q '"port":80,"proto":"tcp","state":"unfiltered","reason":"reset"' "$tmp/fA.json"
check "NDJSON: -sN 87/tcp open|filtered no-response" \
	grep -q '"port":87,"proto":"tcp","state":"open|filtered","reason":"no-response"' "$tmp/fN.json"
if [ -r "$DTD" ] && command -v xmllint >/dev/null; then
	sed 's/<nmaprun scanner="fathom"/<nmaprun scanner="nmap"/' "$tmp/fW.xml" >"$tmp/fW.nmap.xml"
	check "-sW XML valid against nmap.dtd" xmllint --noout --dtdvalid "$DTD" "$tmp/fW.nmap.xml"
else
	notok "-sW XML valid against nmap.dtd: xmllint or $DTD missing"
fi
if command -v ndiff >/dev/null; then
	check "ndiff: -sX XML equal to nmap's" sh -c "ndiff '$tmp/fX.xml' '$tmp/nX.xml' >/dev/null"
else
	notok "ndiff: not installed"
fi

# ---- "Not shown" lines: 1-100, most ports closed or unfiltered ----------
for t in $TYPES; do
	fathom "$t" -Pn -n --reason -p1-100 "$FW" >"$tmp/wf.txt" 2>&1
	nmap_ "$t" -Pn -n --reason -p1-100 "$FW" >"$tmp/wn.txt" 2>&1
	fl=$(grep '^Not shown' "$tmp/wf.txt")
	nl=$(grep '^Not shown' "$tmp/wn.txt")
	if [ -n "$nl" ] && [ "$fl" = "$nl" ]; then
		ok "$t fx-fw 1-100: '$fl' as nmap"
	else
		notok "$t fx-fw 1-100: Not shown line equal to nmap's"
		echo "# fathom: $fl"
		echo "# nmap:   $nl"
	fi
	check "$t fx-fw 1-100: shown rows' states equal to nmap's" \
		test "$(awk '/^[0-9]+\/tcp /{print $1, $2}' "$tmp/wf.txt")" = \
		"$(awk '/^[0-9]+\/tcp /{print $1, $2}' "$tmp/wn.txt")"
done
# fx-quiet drops every port below 113 but 22, which is open: all 100
# are open|filtered to -sF.
fathom -sF -Pn -n --reason -p1-100 "$QUIET" >"$tmp/qf.txt" 2>&1
nmap_ -sF -Pn -n --reason -p1-100 "$QUIET" >"$tmp/qn.txt" 2>&1
check "-sF fx-quiet 1-100: Not shown: 100 open|filtered tcp ports (no-response)" \
	grep -qx 'Not shown: 100 open|filtered tcp ports (no-response)' "$tmp/qf.txt"
check "-sF fx-quiet 1-100: same Not shown line as nmap" \
	test "$(grep '^Not shown' "$tmp/qf.txt")" = "$(grep '^Not shown' "$tmp/qn.txt")"

# ---- IPv6 --------------------------------------------------------------
for t in -sA -sF -sW; do
	n=${t#-s}
	fathom -6 "$t" -Pn -n --reason -p79-93 "$FW6" -oX "$tmp/f6$n.xml" >/dev/null 2>&1
	nmap_ -6 "$t" -Pn -n --reason -p79-93 "$FW6" -oX "$tmp/n6$n.xml" >/dev/null 2>&1
	compare "-6 $t fx-fw 79-93: every port's state and reason equal to nmap's" \
		"$tmp/f6$n.xml" "$tmp/n6$n.xml"
	xml_rows "$tmp/f6$n.xml" | awk '{print $2, $3, $4}' >"$tmp/ft"
	check "-6 $t fx-fw: as fw-states.tsv says (both families alike)" \
		test "$(cat "$tmp/ft")" = "$(truth "$t")"
done

# ---- fx-quiet and fx-svc on a handful of ports -------------------------
HANDFUL=1,21,22,25,80,113,443,3306
for t in -sA -sW -sF -sN -sX -sM; do
	n=${t#-s}
	fathom "$t" -Pn -n --reason -p"$HANDFUL" "$QUIET" "$SVC" -oX "$tmp/h$n.xml" >/dev/null 2>&1
	nmap_ "$t" -Pn -n --reason -p"$HANDFUL" "$QUIET" "$SVC" -oX "$tmp/hn$n.xml" >/dev/null 2>&1
	compare "$t fx-quiet + fx-svc $HANDFUL: equal to nmap's" "$tmp/h$n.xml" "$tmp/hn$n.xml"
done

# ---- --scanflags: the base type's reading, nmap's flag names -----------
for sf in "--scanflags FINACK" "--scanflags SYNFIN" "-sA --scanflags SYN" \
	"-sF --scanflags PSH" "--scanflags 0x29"; do
	# shellcheck disable=SC2086
	fathom $sf -Pn -n --reason -p79-93 "$FW" -oX "$tmp/sf.xml" >/dev/null 2>&1
	# shellcheck disable=SC2086
	nmap_ $sf -Pn -n --reason -p79-93 "$FW" -oX "$tmp/sn.xml" >/dev/null 2>&1
	compare "$sf fx-fw 79-93: equal to nmap's" "$tmp/sf.xml" "$tmp/sn.xml"
	check "$sf: XML <scaninfo> (scanflags=) equal to nmap's" \
		test "$(grep '<scaninfo' "$tmp/sf.xml")" = "$(grep '<scaninfo' "$tmp/sn.xml")"
done
fathom -6 --scanflags ACKURG -Pn -n --reason -p79-93 "$FW6" -oX "$tmp/s6.xml" >/dev/null 2>&1
nmap_ -6 --scanflags ACKURG -Pn -n --reason -p79-93 "$FW6" -oX "$tmp/s6n.xml" >/dev/null 2>&1
compare "-6 --scanflags ACKURG fx-fw: equal to nmap's" "$tmp/s6.xml" "$tmp/s6n.xml"

# ---- the probes on the wire -------------------------------------------
if capture_start "$tmp/p.pcap" "tcp and dst host $FW and dst port 80"; then
	fathom -sX -Pn -n -p80 "$FW" >/dev/null 2>&1
	fathom -sM -Pn -n -p80 "$FW" >/dev/null 2>&1
	capture_stop
	ip netns exec fx-lab tcpdump -nn -r "$tmp/p.pcap" 2>/dev/null >"$tmp/p.txt"
	check "-sX sends FIN, PSH, URG (tcpdump [FPU])" grep -q 'Flags \[FPU\]' "$tmp/p.txt"
	check "-sM sends FIN/ACK (tcpdump [F.])" grep -q 'Flags \[F\.\]' "$tmp/p.txt"
else
	notok "capture of the probes to fx-fw:80"
fi

# ---- option conflicts: one line, exit 2, nothing sent -------------------
conflict() {
	local name=$1
	shift
	"$FATHOM" "$@" >"$tmp/c.out" 2>"$tmp/c.err"
	local rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$tmp/c.err")" = 1 ] && grep -qF -- "$name" "$tmp/c.err"; then
		ok "$* -> exit 2: $(cat "$tmp/c.err")"
	else
		notok "$* -> exit 2 with one line naming '$name' (rc $rc)"
		sed 's/^/# /' "$tmp/c.err"
	fi
}
conflict "more than one TCP scan type" -sS -sA -p80 "$FW"
conflict "more than one TCP scan type" -sF -sX -p80 "$FW"
conflict "more than one TCP scan type" -sW -sM -sU -p80 "$FW"
conflict "bad --scanflags value 'SYNFOO'" --scanflags SYNFOO -p80 "$FW"
conflict "bad --scanflags value '256'" --scanflags 256 -p80 "$FW"
conflict "needs an argument" -p80 "$FW" --scanflags
conflict "-sn (no port scan) cannot be combined" -sn -sA "$FW"
nmap_ -sS -sA -p80 "$FW" >"$tmp/nc.out" 2>&1
check "nmap refuses -sS -sA too" grep -q 'more than one type of TCP scan' "$tmp/nc.out"
