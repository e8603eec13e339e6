#!/usr/bin/env bash
# test_stats.sh -- --stats-every prints nmap's Stats lines while a scan runs
# and records <taskprogress> in the XML; results stream into the files.
source "$(dirname "$0")/lib.sh"

DTD=/usr/share/nmap/nmap.dtd
have() { command -v "$1" >/dev/null 2>&1; }
xml_valid() {
	[ -r "$DTD" ] && have xmllint || { xmllint --noout "$1"; return; }
	sed 's/<nmaprun scanner="fathom"/<nmaprun scanner="nmap"/' "$1" >"$1.nmap.xml" &&
		xmllint --noout --dtdvalid "$DTD" "$1.nmap.xml"
}
cd "$tmp" || exit 1

# 300 probes at 200/s: about 1.5 s of sweep, reported every 100 ms.
fathom -n -p1-300 --max-rate 200 --stats-every 100ms -oX s.xml -oJ s.ndjson \
	"$SVC" >s.txt 2>s.err
rc=$?
check "--stats-every: exit 0 (rc=$rc)" test "$rc" = 0
n=$(grep -c '^Stats: [0-9]*:[0-9][0-9]:[0-9][0-9] elapsed; [0-9]* hosts completed ([0-9]* up), 1 undergoing SYN Stealth Scan$' s.txt)
check "--stats-every 100ms: Stats lines while sweeping ($n)" test "$n" -ge 5
check "--stats-every: nmap's Timing line with an ETC" \
	grep -qE '^SYN Stealth Scan Timing: About [0-9]+\.[0-9]{2}% done; ETC: [0-9]{2}:[0-9]{2} \([0-9]+:[0-9]{2}:[0-9]{2} remaining\)$' s.txt
check "--stats-every: the percentages grow" \
	sh -c "grep -o 'About [0-9.]*' s.txt | awk '{print \$2}' | sort -nc"
check "--stats-every: Stats lines come before the host report" \
	sh -c "[ \$(grep -n '^Stats:' s.txt | tail -1 | cut -d: -f1) -lt \$(grep -n '^Nmap scan report' s.txt | cut -d: -f1) ]"
check "--stats-every: nothing on stderr" test ! -s s.err
n=$(grep -c '^<taskprogress task="SYN Stealth Scan" time="[0-9]*" percent="[0-9.]*" remaining="[0-9]*" etc="[0-9]*"/>$' s.xml)
check "--stats-every: <taskprogress> lines in the XML ($n)" test "$n" -ge 5
check "--stats-every: <taskbegin>/<taskend> around the sweep" \
	sh -c "grep -q '^<taskbegin task=\"SYN Stealth Scan\" time=\"[0-9]*\"/>' s.xml && grep -q '^<taskend task=\"SYN Stealth Scan\" time=\"[0-9]*\" extrainfo=\"300 total ports\"/>' s.xml"
check "--stats-every: the XML is valid against nmap.dtd" xml_valid s.xml
check "--stats-every: NDJSON progress records" \
	grep -q '"type":"task","task":"SYN Stealth Scan","event":"progress"' s.ndjson

# With -oX - the XML owns stdout: the Stats lines must not land in it.
fathom -n -p1-100 --max-rate 200 --stats-every 100ms -oX - "$SVC" >o.xml 2>/dev/null
check "-oX - with --stats-every: XML only, with taskprogress" \
	sh -c "! grep -q '^Stats:' o.xml && grep -q '<taskprogress' o.xml && tail -1 o.xml | grep -qx '</nmaprun>'"
check "-oX - with --stats-every: valid" xml_valid o.xml

# Version detection is a phase of its own.
fathom -n -sV -p22,80 --stats-every 50ms -oX v.xml "$SVC" >v.txt 2>&1
check "-sV: Service scan taskbegin/taskend in the XML" \
	sh -c "grep -q '^<taskbegin task=\"Service scan\"' v.xml && grep -q '^<taskend task=\"Service scan\" time=\"[0-9]*\" extrainfo=\"2 services on 1 host\"/>' v.xml"
check "-sV: the host is written after the service scan began" \
	sh -c "[ \$(grep -n '<taskbegin task=\"Service scan\"' v.xml | cut -d: -f1) -lt \$(grep -n '^<host ' v.xml | cut -d: -f1) ]"
check "-sV: XML valid" xml_valid v.xml

for bad in 0 10x -1s ""; do
	fathom -n -p22 --stats-every "$bad" "$SVC" >/dev/null 2>bad.err
	rc=$?
	check "--stats-every '$bad': exit 2, names the option (rc=$rc)" \
		sh -c "test $rc = 2 && grep -q 'stats-every' bad.err"
done

# Streaming: with host groups, the first group's hosts are in the files
# (flushed) while later groups are still being scanned.
ip netns exec fx-scan "$FATHOM" -n -p22,80 --max-hostgroup 4 --max-rate 40 \
	-oX st.xml -oJ st.ndjson 198.19.0.0-31 >/dev/null 2>&1 &
pid=$!
seen=0
for _ in $(seq 200); do
	if grep -q '^<host ' st.xml 2>/dev/null && grep -q '"type":"host"' st.ndjson 2>/dev/null; then
		kill -0 "$pid" 2>/dev/null && seen=1
		break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
check "streaming: a host is in the XML and NDJSON while the scan still runs" test "$seen" = 1
wait "$pid"
check "streaming: the finished XML is valid" xml_valid st.xml
check "streaming: every group reported (8 hosts up)" \
	test "$(grep -c '^<host ' st.xml)" = 8
