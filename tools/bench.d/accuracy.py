#!/usr/bin/env python3
"""accuracy.py -- scores -sV answers (nmap XML, -oX) against the lab's truth files.

Usage (tools/bench accuracy runs it):
  accuracy.py --hosts HOSTS_TSV --truth FILE [FILE...]
              --tool LABEL XML SECONDS RSS_KB [--tool ...]

HOSTS_TSV: "host addr" lines (tools/bench.d/labreg.sh). Truth files:
"host<TAB>port<TAB>service<TAB>product<TAB>package", '#' comments; service
may go on with "|" and other protocols the daemon speaks on that port
(naming one of those scores missing, not wrong); host is
a lab name (svc) or an address; product "-" when the wire carries none;
package "-" when the wire shows no version, else the truth version is the
upstream part of `dpkg-query -W -f '${Version}' package`. The first file
listing a (host, port) wins. The first --tool is fathom with its own DB,
the second nmap, the third fathom with nmap's DB; with one --tool only
the table and its counts are printed, no GOAL lines. --nmap-trace: the
second tool's stdout with --version-trace, which tells apart what nmap's
DB said on a port from what a version-category NSE script made of it.

Verdicts per port:
  right    service right and product right (none when the truth has
           none); version right when the truth has one and the tool
           printed one
  wrong    a name, product or version printed that is not the truth's
           (the worst: a false answer looks like an answer)
  missing  not open, a port-table guess ("ssh?"), tcpwrapped, no product
           where the truth has one, another protocol the truth lists
On a port where nmap and fathom with nmap's DB differ, fathom's answer is
better, as good or worse (compare()): the verdicts decide first; at the
same verdict, one that says all the other says and more is better, and
one heard on the wire is better than a port-table guess.
Prints a table per host, the counts, time and peak RSS per tool, and GOAL
lines. python3 standard library only.
"""

import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

W = 30  # table column width


def upstream(pkg):
    """The upstream version of an installed package: no epoch, no revision."""
    if pkg == '-':
        return None
    try:
        v = subprocess.run(['dpkg-query', '-W', '-f', '${Version}', pkg],
                           capture_output=True, text=True,
                           check=False).stdout.strip()
    except OSError:
        return None
    if not v:
        return None
    v = re.sub(r'^[0-9]+:', '', v)
    v = re.sub(r'-[^-]*$', '', v)
    return re.sub(r'[+~].*$', '', v)


def read_truth(files, addr_of):
    truth = {}
    for path in files:
        with open(path, encoding='utf-8') as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip('\n')
                if not line.strip() or line.startswith('#'):
                    continue
                c = line.split('\t')
                if len(c) != 5 or not c[1].isdigit():
                    sys.exit(f'accuracy: {path}:{n}: want 5 tab-separated '
                             'fields host, port, service, product, package')
                addr = addr_of.get(c[0], c[0])
                key = (addr, int(c[1]))
                if key not in truth:
                    truth[key] = {'host': c[0], 'service': c[2],
                                  'product': c[3], 'version': upstream(c[4])}
    return truth


def read_xml(path):
    """(addr, port) -> dict of the service's attributes, open TCP ports only."""
    out = {}
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        print(f'accuracy: {path}: {e}', file=sys.stderr)
        return out
    for h in root.iter('host'):
        a = h.find("address[@addrtype='ipv4']")
        if a is None:
            continue
        for p in h.iter('port'):
            st = p.find('state')
            if p.get('protocol') != 'tcp' or st is None or \
                    st.get('state') != 'open':
                continue
            s = p.find('service')
            d = dict(s.attrib) if s is not None else {}
            out[(a.get('addr'), int(p.get('portid')))] = d
    return out


def shown(d):
    """The port as normal output shows it: SERVICE and VERSION."""
    if d is None:
        return '(not open)'
    name = ('ssl/' if d.get('tunnel') == 'ssl' else '') + \
        d.get('name', 'unknown') + ('?' if d.get('method') == 'table' else '')
    ver = ' '.join(x for x in (d.get('product'), d.get('version')) if x)
    if d.get('extrainfo'):
        ver += (' ' if ver else '') + '(' + d['extrainfo'] + ')'
    return (name + ' ' + ver).strip()


def version_ok(truth, printed):
    """The truth's upstream version starts what the tool printed."""
    if not truth or not printed:
        return True
    if not printed.startswith(truth):
        return False
    rest = printed[len(truth):]
    return rest == '' or not (rest[0].isdigit() or rest[0] == '.')


def verdict(t, d):
    if d is None or d.get('method') != 'probed' or \
            d.get('name') in (None, 'tcpwrapped', 'unknown'):
        return 'missing'
    name = d['name']
    want, *spoken = t['service'].split('|')
    if want.startswith('ssl/'):
        name = ('ssl/' if d.get('tunnel') == 'ssl' else '') + name
    if name != want:
        # A protocol the daemon also speaks on the port ("http" for
        # etcd's client port): incomplete, not false.
        return 'missing' if name in spoken else 'wrong'
    prod = d.get('product', '')
    if t['product'] == '-':
        return 'wrong' if prod else 'right'
    if not prod:
        return 'missing'
    if prod.lower() != t['product'].lower():
        return 'wrong'
    return 'right' if version_ok(t['version'], d.get('version')) else 'wrong'


def comparable(d):
    """What must agree between nmap and fathom on nmap's DB."""
    s = shown(d)
    # What changes between two runs a minute apart: uptimes, clocks.
    s = re.sub(r'uptime [0-9]+ seconds', 'uptime N seconds', s)
    s = re.sub(r'; users: [0-9]+;', '; users: N;', s)  # Murmur's, live
    return re.sub(r'[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:]{8}Z?', 'TIME', s)


TRACE_MATCH = re.compile(
    r'^Service scan (?:(?:soft|hard) )?match \(Probe \S+ matched with \S+ '
    r'line \d+\): ([0-9.]+):(\d+) is (\S+?)\.?'
    r'(?:  Version: \|(.*?)\|(.*?)\|(.*?)\|)?$')
TRACE_NSE = re.compile(r'^NSE: Starting (\S+) (?:\S+ )?against ([0-9.]+):(\d+)\.$')


def read_trace(path):
    """nmap --version-trace output: for each (addr, port), what its DB
    said (the last match line, after the last "is ssl" that tunnels; None
    if no line matched) and the NSE scripts that ran against it."""
    db, nse = {}, {}
    if not path:
        return db, nse
    try:
        f = open(path, encoding='utf-8', errors='replace')
    except OSError as e:
        print(f'accuracy: {path}: {e}', file=sys.stderr)
        return db, nse
    with f:
        for line in f:
            line = line.rstrip('\n')
            m = TRACE_MATCH.match(line)
            if m:
                k = (m.group(1), int(m.group(2)))
                name = m.group(3)
                tunnel = db.get(k, {}).get('tunnel', '')
                if name == 'ssl' and not tunnel:
                    db[k] = {'tunnel': 'ssl'}  # probed again through TLS
                    continue
                if name.startswith('ssl/'):
                    name, tunnel = name[4:], 'ssl'
                db[k] = {'name': name, 'product': m.group(4) or '',
                         'version': m.group(5) or '',
                         'extrainfo': m.group(6) or '', 'tunnel': tunnel,
                         'method': 'probed'}
                continue
            m = TRACE_NSE.match(line)
            if m:
                nse.setdefault((m.group(2), int(m.group(3))),
                               []).append(m.group(1))
    return db, nse


RANK = {'wrong': 0, 'missing': 1, 'right': 2}
FIELDS = ('name', 'product', 'version', 'extrainfo', 'hostname', 'ostype',
          'devicetype')


def says_more(n, f):
    """f prints every field n prints, the same, and more: a refinement."""
    if not n or not f or n.get('tunnel', '') != f.get('tunnel', '') or \
            n.get('method') != f.get('method'):
        return False
    if any(n.get(k) and n.get(k) != f.get(k) for k in FIELDS):
        return False
    return any(f.get(k) and not n.get(k) for k in FIELDS)


def compare(t, n, f):
    """How fathom's answer f compares with nmap's n on a port where they
    differ: (kind, why), kind 'better', 'even' or 'worse'. The truth
    decides first (right > missing > wrong); at the same verdict, an
    answer that adds to the other's is better, and a name heard on the
    wire is better than a port-table guess."""
    if t is None:
        return 'worse', 'no truth row to tell'
    vn, vf = verdict(t, n), verdict(t, f)
    if RANK[vf] != RANK[vn]:
        kind = 'better' if RANK[vf] > RANK[vn] else 'worse'
        return kind, f'by the truth: fathom {vf}, nmap {vn}'
    if says_more(n, f):
        return 'better', f'both {vf}; fathom says all nmap says, and more'
    if says_more(f, n):
        return 'worse', f'both {vf}; nmap says all fathom says, and more'
    if (f or {}).get('method') == 'probed' and (n or {}).get('method') == \
            'table':
        return 'better', f'both {vf}; fathom named it from the wire, ' \
            'nmap guessed from the port table'
    return 'even', f'both {vf} by the truth'


def db_alone_agrees(dbv, fd):
    """nmap's DB verdict on a port (read_trace) is fathom's answer."""
    if dbv is None or 'name' not in dbv:  # no line matched: a guess
        return fd is not None and fd.get('method') != 'probed' and \
            (fd.get('tunnel', '') == (dbv or {}).get('tunnel', ''))
    return comparable(dbv) == comparable(fd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hosts', required=True)
    ap.add_argument('--truth', nargs='+', required=True)
    ap.add_argument('--nmap-trace')
    ap.add_argument('--tool', nargs=4, action='append', required=True,
                    metavar=('LABEL', 'XML', 'SECONDS', 'RSS_KB'))
    a = ap.parse_args()
    addr_of = {}
    with open(a.hosts, encoding='utf-8') as f:
        for line in f:
            c = line.split()
            if len(c) >= 2:
                addr_of[c[0]] = c[1]
    truth = read_truth(a.truth, addr_of)
    tools = [(lbl, read_xml(x), float(t), int(r or 0))
             for lbl, x, t, r in a.tool]
    counts = [{'right': 0, 'wrong': 0, 'missing': 0} for _ in tools]
    per_host = {}
    for addr in sorted({k[0] for k in truth},
                       key=lambda s: [int(x) for x in s.split('.')]
                       if re.match(r'^[0-9.]+$', s) else [999, s]):
        ports = sorted(p for (h, p) in truth if h == addr)
        host = truth[(addr, ports[0])]['host']
        print(f'\n== accuracy: {host} ({addr}), {len(ports)} ports')
        print((f"  {'PORT':<6} {'TRUTH':<{W}} " +
               ' '.join(f'{lbl[:W + 8]:<{W + 8}}' for lbl, *_ in tools))
              .rstrip())
        ph = per_host.setdefault(host, [0] * len(tools))
        for p in ports:
            t = truth[(addr, p)]
            want = ' '.join(x for x in (t['service'],
                                        '' if t['product'] == '-'
                                        else t['product'],
                                        t['version'] or '') if x)
            cells = []
            for i, (_, res, _, _) in enumerate(tools):
                d = res.get((addr, p))
                v = verdict(t, d)
                counts[i][v] += 1
                ph[i] += v == 'right'
                cells.append(f'{v:<7} {shown(d)[:W]:<{W}}')
            print((f'  {p:<6} {want[:W]:<{W}} ' + ' '.join(cells)).rstrip())
    total = len(truth)
    print(f'\n== accuracy: {total} ports of truth on {len(per_host)} hosts')
    for host in sorted(set(addr_of) - set(per_host)):
        opened = [len([k for k in res if k[0] == addr_of[host]])
                  for _, res, _, _ in tools]
        print(f'  {host} ({addr_of[host]}): no truth rows, not scored; '
              'open ports ' + ', '.join(f'{lbl} {n}' for (lbl, *_), n
                                        in zip(tools, opened)))
    for i, (lbl, _, secs, rss) in enumerate(tools):
        c = counts[i]
        print(f"  {lbl:<34} right {c['right']:>3}  wrong {c['wrong']:>3}  "
              f"missing {c['missing']:>3}   {secs:7.2f} s  "
              f"peak RSS {rss / 1024:6.1f} MB")
    goals(tools, counts, per_host, truth,
          sorted(set(addr_of) - set(per_host)), read_trace(a.nmap_trace))


def goals(tools, counts, per_host, truth, unscored, trace):
    if len(tools) < 2:
        return  # one tool (tests/integration/test_accuracy.sh): counts only
    own, nm = counts[0], counts[1]
    total = len(truth)
    ok_hosts = all(v[0] >= v[1] for v in per_host.values())
    pct = 100.0 * own['right'] / total if total else 0.0
    hosts = ', '.join(f'{h} {v[0]}/{v[1]}' for h, v in sorted(per_host.items()))
    res = ok_hosts and own['wrong'] == 0 and pct >= 95.0
    print(f"GOAL accuracy-own: own DB names >= nmap on every host, 0 wrong, "
          f">= 95% right: {'PASS' if res else 'FAIL'} ({pct:.1f}% right, "
          f"{own['wrong']} wrong; nmap {nm['right']}/{total} right, "
          f"{nm['wrong']} wrong; right own/nmap per host: {hosts}"
          + (f"; no truth yet for {', '.join(unscored)}" if unscored else '')
          + ')')
    if len(tools) >= 3:
        nres, fres = tools[1][1], tools[2][1]
        tdb, tnse = trace
        diffs = [k for k in sorted(set(nres) | set(fres))
                 if comparable(nres.get(k)) != comparable(fres.get(k))]
        # A version-category NSE script ran on the port: with the trace,
        # it made the difference if nmap's DB alone said what fathom
        # says; without it, if nmap's DB matched nothing (a servicefp)
        # yet nmap says "probed".
        if tnse:
            nse = [k for k in diffs if k in tnse and
                   db_alone_agrees(tdb.get(k), fres.get(k))]
        else:
            nse = [k for k in diffs if nres.get(k, {}).get('servicefp')
                   and nres[k].get('method') == 'probed']
        cmp = {k: compare(truth.get(k), nres.get(k), fres.get(k))
               for k in diffs}
        kinds = [c[0] for c in cmp.values()]
        print(f"GOAL accuracy-nmapdb: with nmap's DB fathom gives nmap's "
              f"answer or a better one on every port: "
              f"{'FAIL' if 'worse' in kinds else 'PASS'} "
              f"({len(set(nres) | set(fres)) - len(diffs)}/"
              f"{len(set(nres) | set(fres))} open ports agree; of the "
              f"{len(diffs)} others, {kinds.count('better')} better, "
              f"{kinds.count('even')} as good, {kinds.count('worse')} "
              f"worse, by the truth; {len(nse)} were nmap's version "
              f"scripts, not its DB)")
        for k in diffs:
            note = ''
            if k in tnse:
                dbv = tdb.get(k)
                alone = shown(dbv) if dbv and 'name' in dbv else \
                    ('ssl/' if dbv else '') + 'no match'
                note = (f" (nmap: version script {', '.join(tnse[k])}; "
                        f"its DB alone: [{alone}]" +
                        (', as fathom)' if k in nse else ')'))
            elif k in nse:
                note = ' (nmap: version script)'
            print(f'  {cmp[k][0]:<6} {k[0]}:{k[1]}: nmap '
                  f'[{shown(nres.get(k))}] fathom [{shown(fres.get(k))}]: '
                  f'{cmp[k][1]}' + note)
    tf, tn = tools[0][2], tools[1][2]
    print(f"GOAL accuracy-time: fathom -sV <= 0.1 x nmap -sV -T4: "
          f"{'PASS' if tn and tf <= 0.1 * tn else 'FAIL'} (fathom {tf:.2f} s,"
          f" nmap {tn:.2f} s, ratio {tf / tn if tn else 0:.3f})")


if __name__ == '__main__':
    main()
