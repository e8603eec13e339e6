#!/usr/bin/env bash
# test_shard.sh -- 4 shards of the crowd (/16 x 22,80) are disjoint, their
# union is one whole run, fathom merge gives that run's report (ndiff finds
# no difference), refuses shards of other scans and missing or interrupted
# shards, and merges a shard that was interrupted and resumed.
source "$(dirname "$0")/lib.sh"

DTD=/usr/share/nmap/nmap.dtd
# -v: the grepable files list the down hosts too, so the shards' targets
# can be checked whole, whatever the network loses.
ARGS=(-n -v -p22,80 "$CROWD_NET")
cd "$tmp" || exit 1
# The crowd's part of the lab: the scanner namespace and fx-crowd's daemons.
ip netns exec fx-scan true 2>/dev/null && ip netns exec fx-crowd ss -Hltn 'sport = :80' 2>/dev/null | grep -q . ||
	{ notok "precondition: the lab's fx-scan and fx-crowd are up (tools/lab up)"; exit 0; }

have() { command -v "$1" >/dev/null 2>&1; }
xml_valid() {
	sed 's/<nmaprun scanner="fathom"/<nmaprun scanner="nmap"/' "$1" >"$1.dtd.xml" &&
		xmllint --noout --dtdvalid "$DTD" "$1.dtd.xml"
}
up_hosts() { grep -P '\tStatus: Up' "$@" | awk '{print $2}' | sort; }
# ndiff exits 0 when no host, port, service or state differs; its first
# two lines are the two headers.
ndiff_same() {
	local out rc
	out=$(ndiff "$1" "$2")
	rc=$?
	[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | sed 1,2d | grep -c .)" = 0 ] && return 0
	printf '%s\n' "$out" | head -20 | sed 's/^/#   /'
	return 1
}
# One line on stderr, exit status $2, the line matching $3.
one_line_error() {
	[ "$1" = "$2" ] && [ "$(wc -l <"$4")" = 1 ] && grep -q -- "$3" "$4" ||
		{ sed 's/^/#   /' "$4"; return 1; }
}
for t in xmllint ndiff python3; do
	have "$t" || { notok "precondition: $t is installed (tools/deps)"; exit 0; }
done
[ -r "$DTD" ] || { notok "precondition: $DTD (Debian's nmap)"; exit 0; }

python3 -c '
for a in range(256):
    for b in range(0, 256, 4):
        print("198.19.%d.%d" % (a, b))' | sort >want
python3 -c '
for a in range(256):
    for b in range(256):
        print("198.19.%d.%d" % (a, b))' | sort >all
listed() { grep -hP '^Host: \S+ .*\tStatus: (Up|Down)' "$@" | awk '{print $2}' | sort; }

# The whole scan, once.
fathom "${ARGS[@]}" -oA single >/dev/null 2>single.err
check "single run exits 0" test $? = 0
up_hosts single.gnmap >single.up
check "single run: the 16384 live hosts ($(wc -l <single.up))" cmp -s single.up want

# The same scan in 4 shards; shard 3 in masscan's 1-based spelling.
for i in 0 1 2 3; do
	if [ "$i" = 3 ]; then sh=(--shard 4/4); else sh=(--shards 4 --shard "$i"); fi
	fathom "${ARGS[@]}" --scan-id crowd-t "${sh[@]}" -oA "s$i" >"s$i.txt" 2>"s$i.err"
	check "shard $i exits 0" test $? = 0
	up_hosts "s$i.gnmap" >"s$i.up"
done
check "shard 3 by --shard 4/4 is shard=3 of 4 (0-based in the files)" \
	grep -q '^# fathom-shard: shard=3 shards=4 ' s3.nmap
# shard_lines EXT: each shard's file carries its own header line.
shard_lines() {
	local i
	for i in 0 1 2 3; do
		grep -Eq "^# fathom-shard: shard=$i shards=4 seed=[0-9]+ fingerprint=[0-9a-f]{16} scan-id=crowd-t\$" "s$i.$1" || return 1
	done
}
for f in nmap gnmap; do
	check "every shard's .$f carries seed, shard, shards, fingerprint" shard_lines "$f"
done
check "every shard's XML carries them in a comment, and stays valid" \
	sh -c 'for i in 0 1 2 3; do grep -q "^<!-- fathom-shard: shard=$i shards=4 seed=" s$i.xml || exit 1; done'
check "shard 0's XML is valid against nmap.dtd" xml_valid s0.xml
check "every shard's NDJSON begin record carries them" \
	sh -c 'for i in 0 1 2 3; do head -1 s$i.ndjson | grep -Eq "\"shard\":$i,\"shards\":4,\"seed\":\"[0-9]+\",\"fingerprint\":\"[0-9a-f]{16}\",\"scan_id\":\"crowd-t\"" || exit 1; done'
check "the shards share one seed and one fingerprint" \
	test "$(grep -h '^# fathom-shard:' s?.nmap | sed 's/shard=[0-9] //' | sort -u | wc -l)" = 1

# Disjoint and complete: every target in exactly one shard.
tot=0
for i in 0 1 2 3; do
	n=$(sed -n 's/.*-- \([0-9]*\) IP addresses.*/\1/p' "s$i.nmap" | tail -1)
	tot=$((tot + n))
	check "shard $i: about a quarter of the targets ($n)" test "$n" -gt 15000 -a "$n" -lt 17800
done
check "the shards' targets add up to the 65536 addresses ($tot)" test "$tot" = 65536
listed s0.gnmap s1.gnmap s2.gnmap s3.gnmap >listed
check "every address is in exactly one shard ($(wc -l <listed) listed, $(uniq -d listed | wc -l) twice)" \
	cmp -s listed all
cat s?.up | sort >union.up
check "no live host in two shards ($(uniq -d union.up | wc -l) twice of $(wc -l <union.up))" \
	test -s union.up -a -z "$(uniq -d union.up)"
check "the shards' union is the single run's 16384 hosts" cmp -s union.up want

# merge: one report equal to the single run's.
"$FATHOM" merge -oA m s0 s1 s2 s3 >merge.out 2>merge.err
rc=$?
check "merge -oA of the 4 shards exits 0 (rc=$rc), writes 4 files" \
	test "$rc" = 0 -a -s m.xml -a -s m.nmap -a -s m.gnmap -a -s m.ndjson
check "merged XML is valid against nmap.dtd" xml_valid m.xml
check "ndiff: the merged XML has no host/port/service difference from the single run" \
	ndiff_same single.xml m.xml
check "merged XML: runstats recomputed (16384 up, 65536 total)" \
	grep -q '<hosts up="16384" down="49152" total="65536"/>' m.xml
grep -o '<address addr="[0-9.]*" addrtype="ipv4"' m.xml | cut -d'"' -f2 >m.order
check "merged XML: hosts in address order, none twice" \
	python3 -c 'import ipaddress,sys; a=[ipaddress.ip_address(l.strip()) for l in open("m.order")]; sys.exit(0 if a==sorted(set(a)) and len(a)==65536 else 1)'
check "merged XML: the prolog says fathom-merge, not a shard" \
	sh -c 'grep -q "<!-- fathom-merge: shards=4 seed=" m.xml && ! grep -q "fathom-shard:" m.xml'
check "merged grepable: the single run's up hosts" sh -c "$(declare -f up_hosts); up_hosts m.gnmap | cmp -s - want"
check "merged normal: footer 65536 addresses, 16384 up" \
	grep -q '^# fathom done at .* -- 65536 IP addresses (16384 hosts up)' m.nmap
check "merged normal: 65536 host blocks, 16384 up" \
	test "$(grep -c '^Nmap scan report for' m.nmap)" = 65536 -a "$(grep -c '^Nmap scan report for [0-9.]*$' m.nmap)" = 16384
check "merged NDJSON: 16384 hosts up, end record recomputed" \
	sh -c 'test "$(grep -c "\"type\":\"host\".*\"status\":\"up\"" m.ndjson)" = 16384 && tail -1 m.ndjson | grep -q "\"hosts_up\":16384,\"hosts_down\":49152,\"hosts_total\":65536"'
check "merged NDJSON: 32768 open ports, as the single run" \
	test "$(grep -c '"state":"open"' m.ndjson)" = 32768 -a "$(grep -c '"state":"open"' single.ndjson)" = 32768
"$FATHOM" merge -oX mx.xml s0.xml s1.ndjson 2>mx.err
check "merge -oX of one XML and one NDJSON input: the XML shards 1-3 are missing (exit 2)" \
	one_line_error $? 2 'missing shards 1, 2, 3 of 4 (0-based) among the XML inputs' mx.err
"$FATHOM" merge -oX mx.xml s3.xml s1.xml s0.xml s2.xml 2>/dev/null
rc=$?
check "merge -oX of the XML inputs in another order: exit 0, the same report (rc=$rc)" \
	bash -c "test $rc = 0 && cmp -s <(sed -n '/<host[ >]/,\$p' mx.xml) <(sed -n '/<host[ >]/,\$p' m.xml)"

# Refusals: each one line, exit 2.
"$FATHOM" merge -oA bad s0 s2 2>miss.err
check "missing shards named in one line (exit 2)" \
	one_line_error $? 2 'missing shards 1, 3 of 4' miss.err
fathom -n -p22 "$CROWD_NET" --scan-id crowd-t --shards 4 --shard 1 -oA p1 >/dev/null 2>&1
"$FATHOM" merge -oA bad s0 p1 s2 s3 2>fp.err
check "a shard with other ports (fingerprint differs) is refused (exit 2)" \
	one_line_error $? 2 'not a shard of the same scan' fp.err
fathom "${ARGS[@]}" --scan-id other --shards 4 --shard 1 -oA o1 >/dev/null 2>&1
"$FATHOM" merge -oA bad s0 o1 s2 s3 2>seed.err
check "a shard of another --scan-id (seed differs) is refused (exit 2)" \
	one_line_error $? 2 'not a shard of the same scan' seed.err
check "nothing was written by a refused merge" test -s s0.xml -a ! -e bad.xml -a ! -e bad.nmap
fathom "${ARGS[@]}" --shards 4 --shard 1 >/dev/null 2>noseed.err
check "a shard without --seed or --scan-id does not start (exit 2)" \
	one_line_error $? 2 'needs --seed N or --scan-id' noseed.err
"$FATHOM" merge -oA bad single 2>ns.err
check "an output that is no shard's is refused (exit 2)" \
	one_line_error $? 2 'no fathom-shard header' ns.err

# Shard 2 interrupted, refused, resumed, merged.
ip netns exec fx-scan "$FATHOM" "${ARGS[@]}" --scan-id crowd-t --shards 4 --shard 2 \
	--max-hostgroup 2048 --max-rate 3000 -oA r2 >r2.txt 2>r2.err &
pid=$!
sleep 4
kill -INT "$(fathom_pid "$pid")" 2>/dev/null
wait "$pid"
rc=$?
check "shard 2 interrupted: exit 130 (rc=$rc)" test "$rc" = 130
"$FATHOM" merge -oA bad s0 s1 r2 s3 2>int.err
check "an interrupted shard is refused, naming --resume (exit 2)" \
	one_line_error $? 2 'fathom --resume r2' int.err
fathom --resume r2.gnmap >r2b.txt 2>r2b.err
rc=$?
check "shard 2 --resume exits 0 (rc=$rc)" test "$rc" = 0
check "the resumed shard keeps its shard header" \
	test "$(grep -c '^# fathom-shard: shard=2 shards=4' r2.gnmap)" = 2
"$FATHOM" merge -oA mr s0 s1 r2 s3 2>mr.err
rc=$?
check "merge with the resumed shard exits 0 (rc=$rc)" test "$rc" = 0
check "ndiff: merge with the resumed shard equals the single run" ndiff_same single.xml mr.xml
check "resumed merge: every address once" bash -c "$(declare -f listed); listed mr.gnmap | cmp -s - all"
check "resumed merge: grepable hosts are the single run's" \
	sh -c "$(declare -f up_hosts); up_hosts mr.gnmap | cmp -s - want"
check "resumed merge: NDJSON has each of the 65536 hosts once" \
	test "$(grep -o '"type":"host","ip":"[0-9.]*"' mr.ndjson | sort -u | wc -l)" = 65536 -a "$(grep -c '"type":"host"' mr.ndjson)" = 65536

# -sV and discovery per slice: 3 shards of a /24 with -sV give the
# single -sV run's services.
SV=(-n -sV -p22,80 198.19.0.0/24)
fathom "${SV[@]}" -oX sv.xml >/dev/null 2>&1
for i in 0 1 2; do
	fathom "${SV[@]}" --seed 99 --shards 3 --shard "$i" -oX "sv$i.xml" >/dev/null 2>&1
done
"$FATHOM" merge -oX svm.xml sv0.xml sv1.xml sv2.xml 2>svm.err
check "-sV in 3 shards: merge exits 0" test $? = 0
check "-sV: the single run named the 128 services" \
	test "$(grep -c '<service name=.*product=' sv.xml)" = 128
check "ndiff: -sV shards merged equal the single -sV run (services, versions)" \
	ndiff_same sv.xml svm.xml

# Unrecognised services: fx-svc2's socks5 and X11, fx-svc3's
# X11 and another web server answer but fathom's DB names no product (a
# softmatch or no match): each run's normal output ends with their
# SF-Port prints. The merged normal output of 2 shards (one host each)
# must be the single run's, modulo times; XML and NDJSON keep the prints.
FP=(-n -sV -p80,1080,6000,6001,8080,8082 198.18.0.40,41)
fathom "${FP[@]}" -oA fp >/dev/null 2>&1
check "unrecognised: the single run exits 0" test $? = 0
# How many the DB leaves unnamed changes as it learns (haproxy's own
# error pages name it now): the single run's count is the reference,
# and the case means something only with two or more prints.
NFP=$(grep -c '^SF-Port' fp.nmap)
check "unrecognised: the single run prints $NFP (>= 2) services' SF-Port prints" \
	sh -c "test $NFP -ge 2 && grep -q '^$NFP services\? unrecognized despite returning data' fp.nmap"
for i in 0 1; do
	fathom "${FP[@]}" --seed 7 --shards 2 --shard "$i" -oA "fp$i" >/dev/null 2>&1
	check "unrecognised: shard $i exits 0" test $? = 0
done
check "unrecognised: each shard's normal file names its prints' hosts" \
	sh -c 'grep -q "^# fathom-shard-fp: 198\.18\.0\.4[01]/" fp0.nmap && grep -q "^# fathom-shard-fp: 198\.18\.0\.4[01]/" fp1.nmap'
# The body of a normal file, times and run lines (#) left out.
body() { grep -v '^#' "$1" | sed 's/%Time=[0-9A-F]*%/%Time=T%/; s/ ([0-9.]*s latency)//'; }
same_body() {
	diff <(body "$1") <(body "$2") >"$2.diff" && return 0
	head -20 "$2.diff" | sed 's/^/#   /'
	return 1
}
"$FATHOM" merge -oA fpm fp0 fp1 2>fpm.err
check "unrecognised: merge -oA exits 0" test $? = 0
check "unrecognised: merged normal output = the single run's (modulo times)" same_body fp.nmap fpm.nmap
"$FATHOM" merge -oN fpn.nmap fp1.nmap fp0.nmap 2>/dev/null
check "unrecognised: merge -oN of the normal files alone, in any order, the same" same_body fp.nmap fpn.nmap
# A shard file without the owners line (fathom before it had one): the
# prints go to the hosts by port.
for i in 0 1; do grep -v '^# fathom-shard-fp:' "fp$i.nmap" >"old$i.nmap"; done
"$FATHOM" merge -oN fpo.nmap old0.nmap old1.nmap 2>/dev/null
check "unrecognised: without the owners line, placed by port, the same" same_body fp.nmap fpo.nmap
# servicefp attribute and NDJSON key: "ADDR PORT PRINT" per port that
# has one, the print's time left out.
fpl() {
	python3 - "$1" <<'PY'
import json, re, sys, xml.etree.ElementTree as ET
f = sys.argv[1]
out = []
if f.endswith(".xml"):
    for h in ET.parse(f).getroot().iter("host"):
        a = h.find("address").get("addr")
        for p in h.iter("port"):
            s = p.find("service")
            if s is not None and s.get("servicefp"):
                out.append((a, p.get("portid"), s.get("servicefp")))
else:
    for l in open(f):
        r = json.loads(l)
        fp = r.get("service", {}).get("servicefp") if r.get("type") == "port" else None
        if fp:
            out.append((r["ip"], str(r["port"]), fp))
for a, p, fp in sorted(out):
    print(a, p, re.sub(r"%Time=[0-9A-F]*%", "%Time=T%", fp))
PY
}
same_fpl() {
	[ "$(fpl "$1" | wc -l)" = "$NFP" ] && cmp -s <(fpl "$1") <(fpl "$2")
}
check "unrecognised: merged XML has the single run's $NFP servicefp ports" same_fpl fp.xml fpm.xml
check "unrecognised: merged NDJSON has the single run's $NFP servicefp ports" same_fpl fp.ndjson fpm.ndjson
check "unrecognised: merged XML is valid against nmap.dtd" xml_valid fpm.xml
