#!/usr/bin/env bash
# test_osmatch_nmap.sh -- fathom's OS matcher equals nmap's: nmap -O
# --osscan-guess fingerprints the lab host (and the OS lab hosts
# 198.18.0.31-39 with their different sysctls, when they are up); each
# fingerprint and nmap's own nmap-os-db through tests/fp-match give the
# same OS lines (names, order, percentages) and the same <osmatch> list
# as nmap printed.
source "$(dirname "$0")/lib.sh"

NMAPDB=/usr/share/nmap/nmap-os-db
FPMATCH=${FPMATCH:-$top/tests/fp-match}
OSLAB=198.18.0.31-39

if ! command -v nmap >/dev/null; then
	ok "nmap's OS ranking # SKIP nmap not installed"
	exit 0
fi
if [ ! -r "$NMAPDB" ]; then
	ok "nmap's OS ranking # SKIP $NMAPDB missing"
	exit 0
fi
if [ ! -x "$FPMATCH" ]; then
	notok "tests/fp-match is built (run make)"
	exit 0
fi

# One nmap run for all hosts (it fingerprints them in parallel); -n: the
# lab has no reverse DNS; -d: print every fingerprint.
timeout 300 ip netns exec fx-scan nmap -n -O --osscan-guess -d \
	-p22,80,1 "$SVC" "$OSLAB" -oN "$tmp/nmap.txt" -oX "$tmp/nmap.xml" \
	>"$tmp/nmap.out" 2>&1
check "nmap -O --osscan-guess on $SVC and $OSLAB exits 0" test $? = 0

# Per host: its normal-output block and its XML <osmatch> list.
python3 - "$tmp" <<'EOF'
import re, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
text = open(d + '/nmap.txt').read()
for block in re.split(r'^(?=Nmap scan report for )', text, flags=re.M)[1:]:
    ip = block.split()[4]
    open('%s/host-%s.txt' % (d, ip), 'w').write(block)
for h in ET.parse(d + '/nmap.xml').getroot().iter('host'):
    ip = h.find('address').get('addr')
    with open('%s/host-%s.xml' % (d, ip), 'w') as f:
        for m in h.iter('osmatch'):
            f.write('%s (%s%%)\n' % (m.get('name'), m.get('accuracy')))
EOF

# The OS lines nmap prints, in order.
oslines() {
	grep -E '^(Device type|Running|OS CPE|OS details|Aggressive OS guesses|No exact OS matches|No OS matches|Too many fingerprints)' "$1"
}

# Our osmatch list, one "NAME (NN%)" a line, from our OS lines.
our_matches() {
	python3 -c '
import re, sys
for line in open(sys.argv[1]):
    if line.startswith("Aggressive OS guesses: "):
        for n, p in re.findall(r"(.+?) \((\d+)%\)(?:, |$)", line[23:].rstrip("\n")):
            print("%s (%s%%)" % (n, p))
    elif line.startswith("OS details: "):
        for n in line[12:].rstrip("\n").split(", "):
            print("%s (100%%)" % n)' "$1"
}

hosts=0
for f in "$tmp"/host-*.txt; do
	[ -e "$f" ] || continue
	ip=${f##*/host-}
	ip=${ip%.txt}
	grep '^OS:' "$f" >"$tmp/$ip.os"
	if [ ! -s "$tmp/$ip.os" ]; then
		# an OS lab address nobody answers on is not our concern
		[ "$ip" = "$SVC" ] && notok "$ip: nmap printed no fingerprint"
		continue
	fi
	hosts=$((hosts + 1))
	if ! "$FPMATCH" "$tmp/$ip.os" "$NMAPDB" >"$tmp/$ip.ours" 2>"$tmp/$ip.err"; then
		notok "$ip: fp-match failed: $(head -1 "$tmp/$ip.err")"
		continue
	fi
	oslines "$f" >"$tmp/$ip.nmap-os"
	oslines "$tmp/$ip.ours" >"$tmp/$ip.our-os"
	if [ -s "$tmp/$ip.nmap-os" ] && cmp -s "$tmp/$ip.nmap-os" "$tmp/$ip.our-os"; then
		ok "$ip: same OS lines as nmap: $(grep -m1 -E '^(Aggressive|OS details|No OS)' "$tmp/$ip.nmap-os" | cut -c1-90)..."
	else
		notok "$ip: OS lines differ: $(diff "$tmp/$ip.nmap-os" "$tmp/$ip.our-os" | head -4 | tr '\n' ' ')"
	fi
	our_matches "$tmp/$ip.ours" >"$tmp/$ip.our-xml"
	if cmp -s "$tmp/host-$ip.xml" "$tmp/$ip.our-xml"; then
		ok "$ip: same <osmatch> list as nmap's XML ($(wc -l <"$tmp/$ip.our-xml") entries)"
	else
		notok "$ip: <osmatch> differs: $(diff "$tmp/host-$ip.xml" "$tmp/$ip.our-xml" | head -4 | tr '\n' ' ')"
	fi
done
check "nmap fingerprinted the lab host ($hosts hosts compared)" test "$hosts" -ge 1
