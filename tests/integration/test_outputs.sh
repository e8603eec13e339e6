#!/usr/bin/env bash
# test_outputs.sh -- -oX/-oG/-oJ in the lab, judged by nmap's own output and
# by the tools that read nmap's XML: xmllint + nmap.dtd, ndiff, xsltproc +
# nmap.xsl, python-libnmap and python-nmap.
source "$(dirname "$0")/lib.sh"

# Debian's interpreter: python3-libnmap and python3-nmap are installed there.
PY=/usr/bin/python3
DTD=/usr/share/nmap/nmap.dtd
XSL=/usr/share/nmap/nmap.xsl

have() { command -v "$1" >/dev/null 2>&1; }

if ! have nmap; then
	notok "machine-readable outputs compared with nmap: nmap not installed (tools/deps installs it)"
	exit 0
fi

# fathom's XML with the one DTD deviation (scanner="fathom") undone.
as_nmap() { sed 's/<nmaprun scanner="fathom"/<nmaprun scanner="nmap"/' "$1"; }

xml_valid() {
	[ -r "$DTD" ] && have xmllint || return 0
	as_nmap "$1" >"$1.nmap.xml" && xmllint --noout --dtdvalid "$DTD" "$1.nmap.xml"
}

# ndiff exits 0 when no host, port, service, state or OS differs; it always
# shows the two header lines (scanner, version, args, start).
ndiff_same() {
	local out
	out=$(ndiff "$1" "$2")
	local rc=$?
	if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | sed 1,2d | grep -c .)" = 0 ]; then
		return 0
	fi
	printf '%s\n' "$out" | sed 's/^/#   /'
	return 1
}

# Every NDJSON line is one JSON object with a "type".
ndjson_valid() {
	"$PY" -c '
import json, sys
n = 0
for line in open(sys.argv[1], "rb"):
    o = json.loads(line.decode("utf-8", "strict"))
    assert isinstance(o, dict) and "type" in o, line
    n += 1
assert n >= 2
' "$1"
}

# The grepable "Ports:" lines, one per host, as nmap wrote them.
ports_lines() { grep -P '^Host: .*\tPorts: ' "$1" | sort; }

# HTML from nmap.xsl lists every port fathom's XML lists.
xsl_renders() {
	[ -r "$XSL" ] && have xsltproc || { echo "#   xsltproc or $XSL missing"; return 1; }
	xsltproc "$XSL" "$1" >"$1.html" 2>"$1.html.err" || return 1
	local p
	for p in $(grep -o 'portid="[0-9]*"' "$1" | tr -dc '0-9\n' | sort -u); do
		grep -q "<td>$p</td>" "$1.html" || { echo "#   port $p missing"; return 1; }
	done
	grep -q '<td>[0-9]*</td>' "$1.html"
}

# What python-libnmap and python-nmap read from nmap's XML and fathom's:
# hosts, their status and MAC, and every listed port's state and service.
# fathom's NDJSON must hold the same listed ports.
cat >"$tmp/consumers.py" <<'EOF'
import json, sys
from libnmap.parser import NmapParser
import nmap

def via_libnmap(path):
    r = NmapParser.parse_fromfile(path)
    hosts, ports = {}, {}
    for h in r.hosts:
        hosts[h.address] = (h.status, (h.mac or "").upper())
        for s in h.services:
            d = s.service_dict
            ports[(h.address, s.port, s.protocol)] = (
                s.state, s.service, s.tunnel, d.get("product", ""),
                d.get("version", ""), d.get("extrainfo", ""))
    return hosts, ports, (r.hosts_up, r.hosts_total)

def via_python_nmap(path):
    res = nmap.PortScanner().analyse_nmap_xml_scan(open(path).read())
    out = {}
    for ip, h in res["scan"].items():
        for port, p in h.get("tcp", {}).items():
            out[(ip, port)] = (h["status"]["state"], p["state"], p["name"],
                               p["product"], p["version"], p["extrainfo"])
    st = res["nmap"]["scanstats"]
    return out, (st["uphosts"], st["totalhosts"])

def via_ndjson(path):
    ports = {}
    for line in open(path, "rb"):
        o = json.loads(line)
        if o["type"] == "port":
            s = o.get("service", {})
            ports[(o["ip"], o["port"], o["proto"])] = (
                o["state"], s.get("name", ""), s.get("tunnel", ""),
                s.get("product", ""), s.get("version", ""),
                s.get("extrainfo", ""))
    return ports

what, nxml, fxml = sys.argv[1], sys.argv[2], sys.argv[3]
if what == "libnmap":
    a, b = via_libnmap(nxml), via_libnmap(fxml)
elif what == "python-nmap":
    a, b = via_python_nmap(nxml), via_python_nmap(fxml)
else:
    a, b = (via_libnmap(nxml)[1],), (via_ndjson(sys.argv[4]),)
bad = 0
for i, (x, y) in enumerate(zip(a, b)):
    if x != y:
        bad += 1
        if isinstance(x, dict):
            for k in sorted(set(x) | set(y), key=str):
                if x.get(k) != y.get(k):
                    print("#   %s: nmap %s, fathom %s" % (k, x.get(k), y.get(k)))
        else:
            print("#   nmap %s, fathom %s" % (x, y))
sys.exit(1 if bad else 0)
EOF

pylibs=0
"$PY" -c 'import libnmap.parser, nmap' 2>/dev/null && pylibs=1

# compare NAME FATHOM-ARGS... -- NMAP-ARGS...: the same scan by both; every
# check on fathom's three files.
compare() {
	local name=$1 f=() n=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do f+=("$1"); shift; done
	shift
	n=("$@")
	local d="$tmp/$name"
	mkdir -p "$d"
	fathom "${f[@]}" -oX "$d/f.xml" -oG "$d/f.gnmap" -oJ "$d/f.ndjson" \
		>"$d/f.txt" 2>"$d/f.err"
	local rc=$?
	if grep -q 'not available' "$d/f.err"; then
		notok "$name: -oX/-oG/-oJ said not available"
		return
	fi
	ip netns exec fx-scan nmap "${n[@]}" -oX "$d/n.xml" -oG "$d/n.gnmap" \
		>"$d/n.txt" 2>"$d/n.err"
	check "$name: fathom exits 0 (rc=$rc)" test "$rc" = 0
	check "$name: XML valid against nmap.dtd" xml_valid "$d/f.xml"
	if have ndiff; then
		check "$name: ndiff finds no host/port/service difference" \
			ndiff_same "$d/n.xml" "$d/f.xml"
	else
		notok "$name: ndiff not installed (tools/deps installs it)"
	fi
	check "$name: nmap.xsl renders every port" xsl_renders "$d/f.xml"
	check "$name: every NDJSON line parses" ndjson_valid "$d/f.ndjson"
	if cmp -s <(ports_lines "$d/n.gnmap") <(ports_lines "$d/f.gnmap"); then
		ok "$name: grepable Ports lines equal nmap's"
	else
		notok "$name: grepable Ports lines differ from nmap's"
		diff <(ports_lines "$d/n.gnmap") <(ports_lines "$d/f.gnmap") | sed 's/^/#   /'
	fi
	if [ "$pylibs" = 1 ]; then
		check "$name: libnmap reads nmap's hosts, ports, services" \
			"$PY" "$tmp/consumers.py" libnmap "$d/n.xml" "$d/f.xml"
		check "$name: python-nmap reads nmap's hosts, ports, services" \
			"$PY" "$tmp/consumers.py" python-nmap "$d/n.xml" "$d/f.xml"
		check "$name: NDJSON lists the ports nmap lists" \
			"$PY" "$tmp/consumers.py" ndjson "$d/n.xml" "$d/f.xml" "$d/f.ndjson"
	else
		notok "$name: python3-libnmap / python3-nmap not installed (tools/deps installs it)"
	fi
}

P=21,22,80,113,443
compare plain -n -p "$P" "$SVC" "$QUIET" -- -n -p "$P" "$SVC" "$QUIET"
# Ignored states: 38 closed on fx-svc; fx-quiet's filtered ports have two
# reasons (no-response, and port-unreach from 3306).
compare ignored -n -p1-40,113,3306 "$SVC" "$QUIET" -- -n -p1-40,113,3306 "$SVC" "$QUIET"
# Routed hosts (no ARP), most of them down.
compare crowd -n -p22,80 198.19.0.1-8 -- -n -p22,80 198.19.0.1-8
# --open hides fx-quiet's closed port and, on fx-quiet, the whole host.
compare open -n --open -p22,23-60,113 "$SVC" "$QUIET" -- -n --open -p22,23-60,113 "$SVC" "$QUIET"
# -Pn: every target is up, user-set.
compare pn -n -Pn -p22,80 198.19.0.1-4 -- -n -Pn -p22,80 198.19.0.1-4
# Version detection with nmap's own probe file gives nmap's answers.
NMAPDB=/usr/share/nmap/nmap-service-probes
if [ -r "$NMAPDB" ]; then
	P=21,22,80,443,2222,6379,8080
	compare version -n -sV --versiondb "$NMAPDB" -p "$P" "$SVC" -- -n -sV -p "$P" "$SVC"
fi

# A format written to "-" owns stdout: no screen output, even with -v.
fathom -n -v -p22,80 -oX - "$SVC" >"$tmp/stdout.xml" 2>"$tmp/stdout.err"
if grep -q 'not available' "$tmp/stdout.err"; then
	notok "-oX -: said not available"
else
	check "-oX - puts only XML on stdout" \
		sh -c "head -1 '$tmp/stdout.xml' | grep -q '^<?xml' && tail -1 '$tmp/stdout.xml' | grep -qx '</nmaprun>' && ! grep -q 'Discovered\|Starting' '$tmp/stdout.xml'"
	check "-oX - output is valid" xml_valid "$tmp/stdout.xml"
	fathom -n -v -p22,80 -oJ - "$SVC" >"$tmp/stdout.ndjson" 2>/dev/null
	check "-oJ - puts only NDJSON on stdout" ndjson_valid "$tmp/stdout.ndjson"

	# -oA BASE: nmap's three files and the NDJSON one.
	fathom -n -p22 -oA "$tmp/all" "$SVC" >/dev/null 2>&1
	check "-oA writes BASE.nmap, BASE.xml, BASE.gnmap, BASE.ndjson" \
		sh -c "grep -q '^22/tcp' '$tmp/all.nmap' && grep -q 'portid=\"22\"' '$tmp/all.xml' && grep -q '22/open/tcp' '$tmp/all.gnmap' && grep -q '\"port\":22' '$tmp/all.ndjson'"

	# Interrupted: the document still ends, valid, with exit="error".
	# (ip netns exec execs fathom: $! is fathom itself.) About 27 s of
	# probes at the default rate; interrupted after 1.5 s.
	ip netns exec fx-scan "$FATHOM" -n -p1-1000 -oX "$tmp/int.xml" \
		-oJ "$tmp/int.ndjson" 198.19.0.0/20 >/dev/null 2>&1 &
	bg=$!
	pid=$(fathom_pid "$bg") || pid=$bg # from when fathom runs, not ip
	sleep 1.5
	kill -INT "$pid" 2>/dev/null
	wait "$bg"
	rc=$?
	check "SIGINT: fathom exits 130 (rc=$rc)" test "$rc" = 130
	check "SIGINT: the XML is complete and valid" xml_valid "$tmp/int.xml"
	check "SIGINT: finished exit=\"error\"" grep -q 'exit="error" errormsg="interrupted"' "$tmp/int.xml"
	check "SIGINT: the NDJSON ends with an error record" \
		sh -c "tail -1 '$tmp/int.ndjson' | grep -q '\"exit\":\"error\"'"
fi

# nmap's consumers on the golden -sV document (hostile banner included).
G=$top/tests/data/reports/svc.xml
check "golden svc.xml: valid" xml_valid "$G"
if have xsltproc && [ -r "$XSL" ]; then
check "golden svc.xml: nmap.xsl renders it, markup escaped" \
	sh -c "xsltproc '$XSL' '$G' | grep -q 'vsftpd &lt;b&gt;&amp;'"
else
	notok "golden svc.xml: xsltproc or nmap.xsl not installed (tools/deps installs it)"
fi
if [ "$pylibs" = 1 ]; then
	check "golden svc.xml: libnmap and python-nmap read the banner bytes back" \
		"$PY" -c '
import sys
from libnmap.parser import NmapParser
import nmap
r = NmapParser.parse_fromfile(sys.argv[1])
s = {x.port: x for x in r.hosts[0].services}
assert s[21].service_dict["product"] == "vsftpd <b>&\"x\"'"'"'</b>"
assert s[21].service_dict["extrainfo"] == "evil\n# fake line"
assert s[443].tunnel == "ssl" and s[443].service == "http"
p = nmap.PortScanner().analyse_nmap_xml_scan(open(sys.argv[1]).read())
t = p["scan"]["198.18.0.10"]["tcp"]
assert t[22]["product"] == "OpenSSH" and t[22]["cpe"] == "cpe:/o:linux:linux_kernel"
assert t[2222]["name"] == "tcpwrapped" and t[2222]["conf"] == "8"
' "$G"
fi

# --append-output: -oN/-oG/-oJ gain a second run; -oX, as nmap does it,
# gains a second document (so the file is no longer one XML document).
fathom -n -p22 -oN "$tmp/app.nmap" -oG "$tmp/app.gnmap" -oJ "$tmp/app.ndjson" \
	-oX "$tmp/app.xml" "$SVC" >/dev/null 2>&1
fathom -n -p80 --append-output -oN "$tmp/app.nmap" -oG "$tmp/app.gnmap" \
	-oJ "$tmp/app.ndjson" -oX "$tmp/app.xml" "$SVC" >/dev/null 2>&1
check "--append-output: both runs in -oN" \
	sh -c "[ \$(grep -c 'scan initiated' '$tmp/app.nmap') = 2 ] && grep -q '^22/tcp' '$tmp/app.nmap' && grep -q '^80/tcp' '$tmp/app.nmap'"
check "--append-output: both runs in -oG" \
	sh -c "grep -q '22/open/tcp' '$tmp/app.gnmap' && grep -q '80/open/tcp' '$tmp/app.gnmap'"
check "--append-output: both runs in -oJ, every line parses" \
	sh -c "[ \$(grep -c '\"type\":\"begin\"' '$tmp/app.ndjson') = 2 ] && $PY -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' '$tmp/app.ndjson'"
check "--append-output: -oX gets a second document, as nmap's does" \
	test "$(grep -c '^<nmaprun ' "$tmp/app.xml")" = 2
fathom -n -p22 -oN "$tmp/app.nmap" "$SVC" >/dev/null 2>&1
check "without --append-output the file is replaced" \
	test "$(grep -c 'scan initiated' "$tmp/app.nmap")" = 1

# nmap's strftime escapes in file names, with the scan's start time.
before=$(date +%s)
fathom -n -p22 -oA "$tmp/t-%Y%m%d-%T" -oJ "$tmp/j-%D-%R-%%.ndjson" "$SVC" >/dev/null 2>&1
names=$(cd "$tmp" && ls t-* j-* 2>/dev/null | tr '\n' ' ')
found=0
for s in $(seq "$before" $((before + 3))); do
	stamp=$(date -d "@$s" +%Y%m%d-%H%M%S)
	[ -f "$tmp/t-$stamp.xml" ] && [ -f "$tmp/t-$stamp.gnmap" ] && found=1
done
check "-oA with %Y%m%d-%T names the files by the start time ($names)" test "$found" = 1
check "-oJ with %D-%R-%%: mmddyy-HHMM-% ($names)" \
	sh -c "ls '$tmp'/j-[0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]-%.ndjson >/dev/null"
