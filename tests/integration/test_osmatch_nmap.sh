#!/usr/bin/env bash
# test_osmatch_nmap.sh -- fathom's OS matcher equals nmap's: nmap -O
# --osscan-guess fingerprints the lab host; the same fingerprint and
# nmap's own nmap-os-db through tests/fp-match give the same OS lines
# (names, order, percentages) and the same <osmatch> list as nmap's XML.
source "$(dirname "$0")/lib.sh"

NMAPDB=/usr/share/nmap/nmap-os-db
FPMATCH=${FPMATCH:-$top/tests/fp-match}

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

# -n: no reverse DNS (the lab has none, nmap would wait for it).
timeout 300 ip netns exec fx-scan nmap -n -O --osscan-guess -d \
	-p22,80,1 "$SVC" -oN "$tmp/nmap.txt" -oX "$tmp/nmap.xml" \
	>"$tmp/nmap.out" 2>&1
check "nmap -O --osscan-guess on $SVC exits 0" test $? = 0

# nmap prints its fingerprint (-d) as OS: lines.
grep '^OS:' "$tmp/nmap.txt" >"$tmp/fp.os"
check "nmap printed a fingerprint" test -s "$tmp/fp.os"

"$FPMATCH" "$tmp/fp.os" "$NMAPDB" >"$tmp/ours.txt" 2>"$tmp/ours.err"
check "fp-match reads nmap's fingerprint and DB" test $? = 0

# The OS lines both print, in order.
oslines() {
	grep -E '^(Device type|Running|OS CPE|OS details|Aggressive OS guesses|No exact OS matches|No OS matches|Too many fingerprints)' "$1"
}
oslines "$tmp/nmap.txt" >"$tmp/nmap.os"
oslines "$tmp/ours.txt" >"$tmp/ours.os"
if [ -s "$tmp/nmap.os" ] && cmp -s "$tmp/nmap.os" "$tmp/ours.os"; then
	ok "same OS lines as nmap: $(grep -m1 -E '^(Aggressive|OS details)' "$tmp/nmap.os" | cut -c1-100)..."
else
	notok "OS lines differ from nmap's: $(diff "$tmp/nmap.os" "$tmp/ours.os" | head -5 | tr '\n' ' ')"
fi

# nmap's XML <osmatch> list (name, accuracy) against our guess line.
python3 - "$tmp/nmap.xml" "$tmp/ours.txt" >"$tmp/xmlcmp.txt" 2>&1 <<'EOF'
import re, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
theirs = [(m.get('name'), int(m.get('accuracy'))) for m in root.iter('osmatch')]
ours = []
for line in open(sys.argv[2]):
    for key in ('Aggressive OS guesses: ', 'OS details: '):
        if line.startswith(key):
            body = line[len(key):].rstrip('\n')
            if key.startswith('Aggressive'):
                ours = [(n, int(p)) for n, p in
                        re.findall(r'(.+?) \((\d+)%\)(?:, |$)', body)]
            else:
                ours = [(n, 100) for n in body.split(', ')]
print(len(theirs), 'osmatch')
sys.exit(0 if theirs and theirs == ours else 1)
EOF
check "same <osmatch> names and accuracies as nmap's XML ($(head -1 "$tmp/xmlcmp.txt"))" test $? = 0
