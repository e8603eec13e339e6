#!/usr/bin/env python3
"""gen-oui.py -- builds probes/fathom-mac-prefixes (MAC vendor names).

Usage: tools/gen-oui.py [--csv PATH] > probes/fathom-mac-prefixes

Reads the IEEE registration authority's public MA-L (OUI, 24-bit) listing
as Debian's ieee-data package ships it (default
/usr/share/ieee-data/oui.csv: Registry,Assignment,Organization Name,...)
and writes one "HHHHHH Organization Name" line per assignment, sorted by
prefix, after a comment naming the source. Names are the registry's own,
whitespace folded; nothing is taken from nmap's nmap-mac-prefixes. The
registry marks a few blocks "Private": they are kept (the registry's word).

Run at commit time when ieee-data changes (tools/deps installs it); the
output is deterministic for a given input. python3 standard library only.
"""

import argparse
import csv
import re
import subprocess
import sys

HEX6 = re.compile(r'^[0-9A-F]{6}$')


def package_version():
    try:
        out = subprocess.run(['dpkg-query', '-W', '-f=${Version}',
                              'ieee-data'], capture_output=True, text=True,
                             check=False)
        return out.stdout.strip() or 'unknown'
    except OSError:
        return 'unknown'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--csv', default='/usr/share/ieee-data/oui.csv')
    args = ap.parse_args()
    names = {}
    with open(args.csv, newline='', encoding='utf-8', errors='replace') as f:
        for row in csv.reader(f):
            if len(row) < 3 or row[0] != 'MA-L':
                continue
            pfx = row[1].strip().upper()
            name = ' '.join(row[2].split())
            if not HEX6.match(pfx) or not name:
                continue
            names.setdefault(pfx, name)
    if not names:
        sys.exit('gen-oui: no MA-L assignment in ' + args.csv)
    out = sys.stdout
    out.write('# fathom-mac-prefixes: MAC vendor names (24-bit OUI, hex, '
              'then the IEEE\n# registry\'s organization name). Generated '
              'by tools/gen-oui.py from\n# Debian ieee-data %s (oui.csv); '
              'do not edit.\n' % package_version())
    for pfx in sorted(names):
        out.write('%s %s\n' % (pfx, names[pfx]))


if __name__ == '__main__':
    main()
