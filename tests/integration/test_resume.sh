#!/usr/bin/env bash
# test_resume.sh -- an interrupted scan and --resume: the two runs together
# report the hosts one whole run reports, and every file stays valid.
source "$(dirname "$0")/lib.sh"

DTD=/usr/share/nmap/nmap.dtd
have() { command -v "$1" >/dev/null 2>&1; }
xml_valid() {
	[ -r "$DTD" ] && have xmllint || { xmllint --noout "$1"; return; }
	sed 's/<nmaprun scanner="fathom"/<nmaprun scanner="nmap"/' "$1" >"$1.nmap.xml" &&
		xmllint --noout --dtdvalid "$DTD" "$1.nmap.xml"
}
up_hosts() { grep -P '\tStatus: Up' "$1" | awk '{print $2}' | sort -u; }
xml_hosts() { grep -o '<address addr="[0-9.]*" addrtype="ipv4"' "$1" | cut -d'"' -f2 | sort; }

# 64 targets, 16 of them up (the crowd answers for y%4==0), in groups of 8.
ARGS=(-n -p22,80 --max-hostgroup 8 198.19.0.0-63)
cd "$tmp" || exit 1

fathom "${ARGS[@]}" -oG ref.gnmap >/dev/null 2>&1
up_hosts ref.gnmap >ref.up
check "reference run: 16 hosts up ($(wc -l <ref.up))" test "$(wc -l <ref.up)" = 16

# Paced to about 6 s; interrupted after 2.5 s, inside the third group or so.
ip netns exec fx-scan "$FATHOM" "${ARGS[@]}" --max-rate 50 -oA int \
	>int.txt 2>int.err &
bg=$!
pid=$(fathom_pid "$bg") || pid=$bg # from when fathom runs, not ip
sleep 2.5
kill -INT "$pid"
wait "$bg"
rc=$?
check "interrupted: exit 130 (rc=$rc)" test "$rc" = 130
n1=$(grep -B1000 '^# fathom: interrupted' int.gnmap | grep -cP '\tStatus: Up')
check "interrupted: some hosts complete, not all ($n1 of 16)" \
	test "$n1" -ge 1 -a "$n1" -lt 16
check "interrupted: the XML is valid against nmap.dtd" xml_valid int.xml
check "interrupted: XML says exit=\"error\" and marks the cut" \
	sh -c "grep -q 'exit=\"error\" errormsg=\"interrupted\"' int.xml && grep -q '<!-- fathom: interrupted' int.xml"
check "interrupted: the grepable file says which hosts are incomplete" \
	grep -qx '# fathom: interrupted; the hosts below are incomplete' int.gnmap
cp int.xml int-before.xml

fathom --resume int.gnmap >res.txt 2>res.err
rc=$?
check "--resume: exit 0 (rc=$rc)" test "$rc" = 0
check "--resume: starts after the last complete host" \
	sh -c "! grep -q '^Nmap scan report for 198.19.0.0\$' res.txt"
up_hosts int.gnmap >union.up
if cmp -s ref.up union.up; then
	ok "--resume: both runs' hosts equal one whole run's (grepable)"
else
	notok "--resume: both runs' hosts differ from one whole run's"
	diff ref.up union.up | sed 's/^/#   /'
fi
check "--resume: appended to the grepable file (two headers)" \
	test "$(grep -c 'scan initiated' int.gnmap)" = 2
check "--resume: the XML is one valid document again" xml_valid int.xml
if cmp -s ref.up <(xml_hosts int.xml); then
	ok "--resume: the XML lists every host once"
else
	notok "--resume: the XML's hosts differ"
	diff ref.up <(xml_hosts int.xml) | sed 's/^/#   /'
fi
check "--resume: the XML's runstats count the whole scan" \
	grep -q '<hosts up="16" down="48" total="64"/>' int.xml
check "--resume: the NDJSON gained the rest" \
	sh -c "[ \$(grep -c '\"type\":\"host\"' int.ndjson) -ge 16 ]"

fathom --resume int.xml >again.txt 2>&1
rc=$?
check "--resume of a finished scan: nothing to do, exit 0 (rc=$rc)" \
	sh -c "test $rc = 0 && grep -q 'nothing to resume' again.txt"

fathom --resume int.gnmap -v >/dev/null 2>bad.err
rc=$?
check "--resume with other options: exit 2 (rc=$rc)" \
	sh -c "test $rc = 2 && grep -q 'only option' bad.err"
printf 'hello\n' >junk.txt
fathom --resume junk.txt >/dev/null 2>bad.err
rc=$?
check "--resume of a file that is no output: exit 2, says so (rc=$rc)" \
	sh -c "test $rc = 2 && grep -q 'junk.txt: no command line found' bad.err"
fathom --resume missing.gnmap >/dev/null 2>bad.err
check "--resume of a missing file: exit 2" test $? = 2

# SIGTERM ends a scan the same way: valid files, the marker, status 130.
ip netns exec fx-scan "$FATHOM" "${ARGS[@]}" --max-rate 50 -oX term.xml \
	-oN term.nmap >/dev/null 2>&1 &
bg=$!
pid=$(fathom_pid "$bg") || pid=$bg
sleep 1.5
kill -TERM "$pid"
wait "$bg"
rc=$?
check "SIGTERM: exit 130, XML valid, normal file marked (rc=$rc)" \
	sh -c "test $rc = 130 && grep -q '^# fathom: interrupted' term.nmap && grep -q '^# fathom done at' term.nmap"
check "SIGTERM: the XML is valid against nmap.dtd" xml_valid term.xml
