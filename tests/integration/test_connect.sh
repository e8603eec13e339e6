#!/usr/bin/env bash
# test_connect.sh -- -sT (kernel connects) as root and as nobody, against nmap -sT.
#
# fathom and nmap run in the same test with the same flags: as root with
# -sT, and as the user nobody (setpriv in fx-scan: no capability at all),
# where both fall back to the connect scan and the connect ping on their
# own. fx-fw's ports 79-93 must read as tools/lab.d/fw-states.tsv's -sT
# column says (open syn-ack, closed conn-refused, filtered no-response or
# host-unreach) and as nmap reads them, in both families; fx-svc's open
# set as its listeners; -sT -sV as nobody names fx-svc's services as
# truth.tsv does; the outputs are nmap's (<scaninfo type="connect">, the
# Not shown line, grepable Ports); what needs raw packets is refused as
# nobody in one line with exit 1.
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
FW=198.18.0.15
FW6=fd5a:7a6f:1ab0:1::15
STATES=$top/tools/lab.d/fw-states.tsv
TRUTH=$top/tools/lab.d/truth.tsv

# As root, in the scanner namespace (every packet leaves from there).
asroot() { ip netns exec fx-scan "$@"; }
# As nobody: no uid 0, no capability (the bounding set emptied too).
nobody() {
	ip netns exec fx-scan setpriv --reuid=nobody --regid=nogroup \
		--clear-groups --inh-caps=-all --bounding-set=-all "$@"
}

# xml_rows FILE: "host port state reason" per listed port, then one
# "host extraports state count" line per <extraports>, then the host's
# status reason.
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

# status FILE: "host state reason" per host.
status() {
	"$PY" - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    s = h.find("status")
    print(h.find("address").get("addr"), s.get("state"), s.get("reason"))
EOF
}

# services FILE: "port name product" per open port (-sV).
services() {
	"$PY" - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
for p in ET.parse(sys.argv[1]).getroot().iter("port"):
    if p.find("state").get("state") != "open":
        continue
    s = p.find("service")
    n = s.get("name") if s is not None else "-"
    if s is not None and s.get("tunnel") == "ssl":
        n = "ssl/" + n
    print(p.get("portid"), n, (s.get("product") if s is not None else None) or "-")
EOF
}

# truth COLUMN: "port state reason" per fx-fw port, from fw-states.tsv
# ("-sT" for IPv4, "-6 -sT": Linux lets an IPv6 connect time out on an
# ICMPv6 error where an IPv4 one fails at once).
truth() {
	awk -F'\t' -v t="$1" '
		/^#port/ { for (i = 2; i <= NF; i++) if ($i == t) c = i; next }
		/^#/ { next }
		c { split($c, s, "/"); print $1 "/tcp", s[1], s[2] }' "$STATES"
}

# same NAME A B: equal, non-empty files, or the diff as comments.
same() {
	if [ -s "$3" ] && diff "$2" "$3" >"$tmp/d"; then
		ok "$1"
	else
		notok "$1"
		sed 's/^/# /' "$tmp/d"
	fi
}

# fw_case NAME FAMILYFLAG ADDR RUNNER...: fathom (as RUNNER) and nmap (as
# root) on fx-fw 79-93. An IPv6 connect is not ended by an ICMPv6 error
# (83-85): the socket keeps it, fathom reads it at the timeout, nmap only
# sometimes (as root, from its capture; never without privileges) and says
# no-response otherwise; there fw-states.tsv alone is the judge.
fw_case() {
	local name=$1 fam=$2 addr=$3 tag
	shift 3
	tag=$(echo "$name" | tr -c 'a-z0-9' _)
	# shellcheck disable=SC2086
	"$@" "$FATHOM" $fam -sT -Pn -n --reason -p79-93 "$addr" -oX - \
		>"$tmp/$tag.f.xml" 2>"$tmp/$tag.f.err"
	check "$name: fathom exits 0" test $? = 0
	# shellcheck disable=SC2086
	asroot nmap $fam -sT -Pn -n --reason -p79-93 "$addr" -oX - \
		>"$tmp/$tag.n.xml" 2>/dev/null
	xml_rows "$tmp/$tag.f.xml" | sort >"$tmp/$tag.f"
	xml_rows "$tmp/$tag.n.xml" | sort >"$tmp/$tag.n"
	if [ -n "$fam" ]; then
		sed -i -E '/ 8[345]\/tcp /d' "$tmp/$tag.f" "$tmp/$tag.n"
	fi
	same "$name: every port's state and reason equal to (root) nmap -sT's" \
		"$tmp/$tag.f" "$tmp/$tag.n"
	xml_rows "$tmp/$tag.f.xml" | awk '$2 != "extraports" {print $2, $3, $4}' >"$tmp/$tag.ft"
	truth "$(echo "$fam -sT" | sed 's/^ //')" >"$tmp/$tag.tt"
	same "$name: as fw-states.tsv says" "$tmp/$tag.ft" "$tmp/$tag.tt"
	check "$name: XML <scaninfo> equal to nmap's (type=\"connect\")" \
		test "$(grep '<scaninfo' "$tmp/$tag.f.xml")" = "$(grep '<scaninfo' "$tmp/$tag.n.xml")"
	check "$name: <scaninfo type=\"connect\">" grep -q '<scaninfo type="connect" protocol="tcp"' "$tmp/$tag.f.xml"
}

test -r "$STATES" && ip netns exec fx-fw nft list table inet fx_fw >/dev/null 2>&1
check "fx-fw is up with its firewall (tools/lab up)" test $? = 0
check "fw-states.tsv has -sT columns" grep -q $'^#port.*\t-sT\t-6 -sT\t' "$STATES"
check "nobody exists and has no CAP_NET_RAW in fx-scan" \
	sh -c "! ip netns exec fx-scan setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all grep -q '^CapEff:.*[1-9a-f]' /proc/self/status"

# ---- fx-fw 79-93: root and nobody, IPv4 and IPv6 -----------------------
fw_case "root -sT fx-fw" "" "$FW" asroot
fw_case "nobody -sT fx-fw" "" "$FW" nobody
fw_case "root -6 -sT fx-fw" "-6" "$FW6" asroot
fw_case "nobody -6 -sT fx-fw" "-6" "$FW6" nobody

# ---- nobody's defaults: -sT and the connect ping, as nmap's -------------
nobody "$FATHOM" -n --reason -p79-93 "$FW" -oX - >"$tmp/d.f.xml" 2>"$tmp/d.f.err"
rc=$?
check "nobody, no -s option: exit 0, nothing on stderr" \
	test "$rc:$(cat "$tmp/d.f.err")" = "0:"
nobody nmap -n --reason -p79-93 "$FW" -oX - >"$tmp/d.n.xml" 2>/dev/null
check "nobody, no -s option: <scaninfo type=\"connect\"> (nmap's default too)" \
	sh -c "grep -q '<scaninfo type=\"connect\"' '$tmp/d.f.xml' && grep -q '<scaninfo type=\"connect\"' '$tmp/d.n.xml'"
status "$tmp/d.f.xml" >"$tmp/d.fs"
status "$tmp/d.n.xml" >"$tmp/d.ns"
same "nobody: the connect ping finds fx-fw up for the reason nmap's does" \
	"$tmp/d.fs" "$tmp/d.ns"
xml_rows "$tmp/d.f.xml" | sort >"$tmp/d.f"
xml_rows "$tmp/d.n.xml" | sort >"$tmp/d.n"
same "nobody, no -s option: ports equal to nmap's" "$tmp/d.f" "$tmp/d.n"
# A lab address nothing answers: down to both, nothing scanned.
nobody "$FATHOM" -n -p80 198.18.0.254 -oX - >"$tmp/down.f.xml" 2>/dev/null
nobody nmap -n -p80 198.18.0.254 -oX - >"$tmp/down.n.xml" 2>/dev/null
check "nobody: a silent address is down to the connect ping (0 hosts up, as nmap)" \
	sh -c "grep -q 'up=\"0\"' '$tmp/down.f.xml' && grep -q 'up=\"0\"' '$tmp/down.n.xml'"

# -sn as nobody: the connect ping alone over a stretch of the lab (fx-quiet
# drops 80 and 443: down to both).
nobody "$FATHOM" -sn -n 198.18.0.10-16 -oG - >"$tmp/sn.f" 2>/dev/null
nobody nmap -sn -n 198.18.0.10-16 -oG - >"$tmp/sn.n" 2>/dev/null
grep -o '^Host: [0-9.]* .*Status: Up' "$tmp/sn.f" | awk '{print $2}' >"$tmp/sn.fu"
grep -o '^Host: [0-9.]* .*Status: Up' "$tmp/sn.n" | awk '{print $2}' >"$tmp/sn.nu"
same "nobody -sn 198.18.0.10-16: the hosts nmap's connect ping finds up" "$tmp/sn.fu" "$tmp/sn.nu"

# ---- outputs: normal and grepable, as nmap's ---------------------------
nobody "$FATHOM" --datadir /usr/share/nmap -Pn -n --reason -p1-100 "$FW" \
	-oN - >"$tmp/w.f.txt" 2>/dev/null
nobody nmap -Pn -n --reason -p1-100 "$FW" -oN - >"$tmp/w.n.txt" 2>/dev/null
fl=$(grep '^Not shown' "$tmp/w.f.txt")
nl=$(grep '^Not shown' "$tmp/w.n.txt")
check "nobody -p1-100: Not shown line '$fl' as nmap's" test -n "$nl" -a "$fl" = "$nl"
check "nobody -p1-100: port lines equal to nmap's" \
	test "$(grep -E '^[0-9]+/tcp ' "$tmp/w.f.txt")" = "$(grep -E '^[0-9]+/tcp ' "$tmp/w.n.txt")"
nobody "$FATHOM" --datadir /usr/share/nmap -Pn -n -p79-93 "$FW" -oG - >"$tmp/g.f" 2>/dev/null
nobody nmap -Pn -n -p79-93 "$FW" -oG - >"$tmp/g.n" 2>/dev/null
check "nobody: grepable Ports field equal to nmap's" \
	test "$(grep -o 'Ports: .*' "$tmp/g.f")" = "$(grep -o 'Ports: .*' "$tmp/g.n")"
check "nobody: grepable header names the ports as nmap's" \
	test "$(grep '^# Ports scanned' "$tmp/g.f")" = "$(grep '^# Ports scanned' "$tmp/g.n")"
nobody "$FATHOM" -v -Pn -n -p80 "$FW" >"$tmp/v.txt" 2>&1
check "-v: Initiating Connect Scan, Discovered open port 80/tcp" \
	sh -c "grep -q '^Initiating Connect Scan at' '$tmp/v.txt' && grep -q '^Discovered open port 80/tcp on $FW' '$tmp/v.txt'"
nobody "$FATHOM" -Pn -n -p80,81 "$FW" -oJ - >"$tmp/j.json" 2>/dev/null
check "NDJSON: begin names the scan (\"scan\":\"connect\"), 81 closed conn-refused" \
	sh -c "grep -q '\"type\":\"begin\".*\"scan\":\"connect\"' '$tmp/j.json' && grep -q '\"port\":81,\"proto\":\"tcp\",\"state\":\"closed\",\"reason\":\"conn-refused\"' '$tmp/j.json'"

# ---- fx-svc: the open set as its listeners, as nmap ---------------------
nobody "$FATHOM" -Pn -n -p- "$SVC" -oN - >"$tmp/all.txt" 2>/dev/null
open_ports "$tmp/all.txt" >"$tmp/all.f"
listening_v4 fx-svc "$SVC" >"$tmp/all.l"
same "nobody -p- fx-svc: open ports are its listeners" "$tmp/all.f" "$tmp/all.l"

# ---- the rate and the sockets in flight ---------------------------------
# --max-rate 500 over 1000 ports: at least ~2 s whatever the load (a
# lower bound only: a busy machine makes it slower, never faster).
t0=$(date +%s.%N)
nobody "$FATHOM" -Pn -n --max-rate 500 -p1-1000 "$SVC" >/dev/null 2>&1
t1=$(date +%s.%N)
check "--max-rate 500, 1000 ports: no faster than the rate ($(echo "$t1 - $t0" | bc) s >= 1.8 s)" \
	test "$(echo "$t1 - $t0 >= 1.8" | bc)" = 1
nobody "$FATHOM" -d -Pn -n --max-parallelism 8 -p1-2000 "$SVC" >/dev/null 2>"$tmp/par.err"
peak=$(sed -n 's/^connect: .* peak \([0-9]*\) sockets (limit \([0-9]*\)).*/\1 \2/p' "$tmp/par.err")
check "--max-parallelism 8: at most 8 sockets in flight (peak, limit: $peak)" \
	sh -c "set -- $peak; test \"\$2\" = 8 && test \"\$1\" -le 8 && test \"\$1\" -ge 1"

# ---- -sT -sV as nobody: the kernel-socket transport ---------------------
PORTS=$(awk -F'\t' '$1 == "svc" && $4 != "-" {print $2}' "$TRUTH" | head -8 | paste -sd,)
nobody "$FATHOM" -sT -sV -Pn -n -p"$PORTS" "$SVC" -oX - >"$tmp/sv.xml" 2>"$tmp/sv.err"
rc=$?
check "nobody -sT -sV: exit 0, no warning" test "$rc:$(cat "$tmp/sv.err")" = "0:"
services "$tmp/sv.xml" >"$tmp/sv.f"
awk -F'\t' -v ports=",$PORTS," '$1 == "svc" && index(ports, "," $2 ",") {print $2, $3, $4}' "$TRUTH" |
	sort -n >"$tmp/sv.t"
# The product's first word: truth.tsv spells them as nmap does.
awk '{print $1, $2, $3}' "$tmp/sv.f" | sort -n >"$tmp/sv.f3"
awk '{print $1, $2, $3}' "$tmp/sv.t" >"$tmp/sv.t3"
same "nobody -sT -sV fx-svc $PORTS: service and product as truth.tsv" "$tmp/sv.f3" "$tmp/sv.t3"

# ---- root: -sT -sU, one run of both ------------------------------------
fathom -sT -sU -Pn -n --reason -p T:80,81,U:53 "$SVC" -oX "$tmp/tu.xml" >/dev/null 2>&1
check "root -sT -sU: scaninfo connect then udp (nmap's order)" \
	test "$(grep -o '<scaninfo type="[a-z]*"' "$tmp/tu.xml" | paste -sd' ')" = \
	'<scaninfo type="connect" <scaninfo type="udp"'
check "root -sT -sU: 80/tcp open syn-ack, 81/tcp closed conn-refused, 53/udp open" \
	test "$(xml_rows "$tmp/tu.xml" | awk '{print $2, $3, $4}' | sort | paste -sd' ')" = \
	"53/udp open udp-response 80/tcp open syn-ack 81/tcp closed conn-refused"

# ---- refusals as nobody: one line, exit 1; conflicts: exit 2 ------------
refused() {
	local what=$1
	shift
	nobody "$FATHOM" "$@" >"$tmp/r.out" 2>"$tmp/r.err"
	local rc=$?
	if [ $rc = 1 ] && [ "$(wc -l <"$tmp/r.err")" = 1 ] &&
		grep -qF -- "fathom: $what requires root privileges" "$tmp/r.err" &&
		! [ -s "$tmp/r.out" ]; then
		ok "nobody $* -> exit 1: $(cat "$tmp/r.err")"
	else
		notok "nobody $* -> exit 1 with one line naming $what (rc $rc)"
		sed 's/^/# /' "$tmp/r.err"
	fi
}
refused -sS -sS -n -p80 "$FW"
refused -sU -sU -n -p80 "$FW"
refused -sA -sA -n -p80 "$FW"
refused -O -O -n -p80 "$FW"
refused -O -A -n -p80 "$FW"
refused -PE -PE -n -p80 "$FW"
refused --scanflags --scanflags SYN -n -p80 "$FW"
nobody nmap -sS -n -p80 "$FW" >"$tmp/ns.out" 2>&1
check "nmap as nobody refuses -sS too" grep -q 'requires root privileges' "$tmp/ns.out"
asroot "$FATHOM" -sT -sS -p80 "$FW" >/dev/null 2>"$tmp/c.err"
rc=$?
check "-sT -sS: exit 2, more than one TCP scan type" \
	sh -c "test $rc = 2 && grep -q 'more than one TCP scan type' '$tmp/c.err'"
