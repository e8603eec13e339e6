#!/usr/bin/env python3
"""Helpers for tools/bench: sample a tx counter, parse scanner output, print tables.

  stats.py sample FILE            write "t frames" samples (every 5 ms) to FILE at SIGTERM
  stats.py row LABEL KIND OUT ERR RSS TX T0 T1 RC   one TSV result row on stdout
  stats.py sweep TSV REF ZMAP ZMAP_TUNED TRUTH     sweep table, ratios, goal line
  stats.py dry TSV                                 --dry-run memory table, goal line
  stats.py host TSV FATHOM NMAP                    -p- host table, goal line
"""
import ipaddress
import re
import signal
import statistics
import sys
import time

TX = "/sys/class/net/eth0/statistics/tx_packets"  # read inside the fx-scan namespace


def sample(path):
    """Record the tx counter every 5 ms until SIGTERM; touch FILE.ready once started."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    rows = []
    while not stop:
        with open(TX) as f:
            rows.append((time.monotonic(), int(f.read())))
        if len(rows) == 1:
            open(path + ".ready", "w").close()
        time.sleep(0.005)
    with open(path, "w") as f:
        f.writelines(f"{t:.6f} {n}\n" for t, n in rows)


def tx_stats(path):
    """Frames sent, and the time the counter was rising (sum of the sample steps)."""
    pts = [tuple(map(float, l.split())) for l in open(path) if l.strip()]
    if len(pts) < 2:
        return 0, 0.0
    frames = int(pts[-1][1] - pts[0][1])
    busy = sum(b[0] - a[0] for a, b in zip(pts, pts[1:]) if b[1] > a[1])
    return frames, busy


def open_ips(kind, text):
    """Unique IPs reported with port 80 open, by the tool's output format."""
    ips = set()
    if kind == "zmap":  # one saddr per line
        ips = {l.strip() for l in text.splitlines() if re.fullmatch(r"[\d.]+", l.strip())}
    elif kind == "masscan":  # -oL: open tcp 80 ADDR TS
        ips = set(re.findall(r"^open tcp 80 ([\d.]+)", text, re.M))
    elif kind == "nmapG":  # -oG: Host: ADDR ()  Ports: 80/open/tcp//http///
        ips = set(re.findall(r"^Host: ([\d.]+) .*Ports: .*\b80/open/tcp", text, re.M))
    elif kind in ("fathom", "nmapN"):  # normal output, one report per host
        host = None
        for l in text.splitlines():
            m = re.match(r"(?:Nmap|fathom) scan report for (\S+)", l)  # v4 or v6
            if m:
                host = m.group(1)
            elif host and re.match(r"80/tcp\s+open\s", l):
                ips.add(host)
    return ips


CROWDS = (ipaddress.ip_network("198.19.0.0/16"), ipaddress.ip_network("fd5a:7a6f:1ab0:200::/112"))


def crowd_live(addr):
    """True for an address the lab's crowds keep alive: inside fx-crowd's or
    fx-crowd6's range, and divisible by 4 (their nft filters drop the rest)."""
    try:
        a = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(a in n for n in CROWDS) and int(a) % 4 == 0


def open_ports(text):
    return sorted({int(p) for p in re.findall(r"^(\d+)/tcp\s+open\s", text, re.M)})


def own_rate(kind, out, err):
    """The tool's own figure for probes sent per second, where it prints one."""
    if kind == "zmap":
        m = re.findall(r"send: \d+ done \(([\d.]+) ([KMG]?)p/s avg\)", err)
        if m:
            v, u = m[-1]
            return float(v) * {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}[u]
    if kind == "dry":  # probes built / wall, from fathom -v
        m = re.search(r"Raw packets sent: (\d+)", out)
        return int(m.group(1)) if m else 0
    return 0


def row(label, kind, out, err, rss, tx, t0, t1, rc):
    wall = f"{float(t1) - float(t0):.3f}"
    out_t, err_t = open(out, errors="replace").read(), open(err, errors="replace").read()
    err_t = err_t.replace("\r", "\n")
    try:
        rss_kb = int(open(rss).read().split()[-1])
    except (OSError, ValueError, IndexError):
        rss_kb = 0
    frames, busy = tx_stats(tx)
    if kind == "host":
        hits, wrong = ",".join(map(str, open_ports(out_t))), 0
    else:
        ips = open_ips(kind, out_t)
        wrong = sum(1 for a in ips if not crowd_live(a))
        hits = len(ips) - wrong
    own = own_rate(kind, out_t, err_t)
    print("\t".join(map(str, [label, wall, frames, f"{busy:.4f}", own, hits, wrong, rss_kb, rc])))


def load(tsv):
    """label -> list of run dicts, in first-seen order."""
    runs = {}
    for l in open(tsv):
        f = l.rstrip("\n").split("\t")
        runs.setdefault(f[0], []).append(dict(
            wall=float(f[1]), frames=int(f[2]), busy=float(f[3]), own=float(f[4]),
            hits=f[5], wrong=int(f[6]), rss=int(f[7]) / 1024, rc=int(f[8])))
    return runs


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def status(runs):
    rcs = {r["rc"] for r in runs}
    return "ok" if rcs == {0} else "TIMEOUT" if 124 in rcs else f"rc={max(rcs)}"


def sweep(tsv, ref, zmap, zmap_tuned, truth):
    runs, truth = load(tsv), int(truth)
    n = max(len(v) for v in runs.values())
    print(f"\n{'tool':<28} {'wall s':>7} {'frames':>8} {'pps sent':>9} {'own pps':>9}"
          f" {'hits':>11} {'RSS MB':>7} {'fathom/x':>8}  status")
    fw = med(runs[ref], "wall") if ref in runs else None
    for label, rs in runs.items():
        wall, busy = med(rs, "wall"), med(rs, "busy")
        pps = med(rs, "frames") / busy if busy else 0
        own = med(rs, "own")
        hits = int(statistics.median(int(r["hits"]) for r in rs))
        wrong = max(r["wrong"] for r in rs)
        ratio = f"{fw / wall:.2f}" if fw and wall else "-"
        print(f"{label:<28} {wall:7.2f} {med(rs, 'frames'):8.0f} {pps:9.0f} "
              f"{f'{own:.0f}' if own else '-':>9} {hits:>5}/{truth:<5} {med(rs, 'rss'):7.1f} {ratio:>8}  "
              f"{status(rs)}{f' ({wrong} false)' if wrong else ''}")
    print(f"(median of {n} run(s); pps sent = frames leaving fx-scan eth0 / time the tx counter was "
          "rising, so it includes retransmissions and the kernel's RSTs to SYN-ACKs; own pps = the "
          "tool's own figure (zmap 'send ... avg'); fathom/x = fathom default wall / row wall)")
    if ref not in runs or zmap not in runs:
        print("GOAL sweep: fathom finds 16384/16384 and wall <= 0.7 x zmap: FAIL (fathom or zmap did not run)")
        return
    fh = int(statistics.median(int(r["hits"]) for r in runs[ref]))
    zw = med(runs[zmap], "wall")
    ok = fh == truth and fw <= 0.7 * zw
    line = (f"GOAL sweep: fathom finds 16384/16384 and wall <= 0.7 x zmap: {'PASS' if ok else 'FAIL'}"
            f" (hits {fh}/{truth}, wall {fw:.2f} s = {fw / zw:.2f} x zmap {zw:.2f} s")
    if zmap_tuned in runs:
        tw = med(runs[zmap_tuned], "wall")
        line += f"; vs zmap --cooldown-time 1: {fw / tw:.2f} x, {'PASS' if fh == truth and fw <= 0.7 * tw else 'FAIL'}"
    print(line + ")")


def dry(tsv):
    runs = load(tsv)
    print(f"\n{'fathom --dry-run':<28} {'wall s':>7} {'probes':>11} {'probes/s':>10} {'RSS MB':>7}"
          f" {'eth0 frames':>11}  status")
    ok = bool(runs)
    for label, rs in runs.items():
        wall, probes = med(rs, "wall"), med(rs, "own")
        rss = max(r["rss"] for r in rs)
        ok = ok and 0 < rss < 32 and status(rs) == "ok"
        print(f"{label:<28} {wall:7.2f} {probes:11.0f} {probes / wall if wall else 0:10.0f} {rss:7.1f}"
              f" {med(rs, 'frames'):11.0f}  {status(rs)}")
    print("(probes = fathom -v 'Raw packets sent' (built, not sent); RSS = worst run; eth0 frames = "
          "anything leaving fx-scan meanwhile, other users' traffic included)")
    print(f"GOAL memory: peak RSS < 32 MB for both --dry-run rows: {'PASS' if ok else 'FAIL'}")


def host(tsv, fl, nl, goal="0.3", name="host"):
    runs = load(tsv)
    print(f"\n{'tool':<28} {'wall s':>7} {'frames':>8} {'RSS MB':>7}  open ports")
    for label, rs in runs.items():
        print(f"{label:<28} {med(rs, 'wall'):7.2f} {med(rs, 'frames'):8.0f} {med(rs, 'rss'):7.1f}  "
              f"{rs[-1]['hits'] or '(none)'}  [{status(rs)}]")
    print(f"(median of {max(len(v) for v in runs.values())} run(s); the goal uses fathom's defaults)")
    if fl not in runs or nl not in runs:
        print(f"GOAL {name}: <= {goal} x nmap with the same open ports: FAIL (fathom or nmap did not run)")
        return
    fw, nw = med(runs[fl], "wall"), med(runs[nl], "wall")
    same = all(r["hits"] == runs[nl][0]["hits"] for r in runs[fl] + runs[nl])  # every run
    ok = same and fw <= float(goal) * nw
    print(f"open port sets equal: {'yes' if same else 'NO'}; fathom/nmap wall = {fw / nw:.2f}")
    print(f"GOAL {name}: <= {goal} x nmap with the same open ports: {'PASS' if ok else 'FAIL'}"
          f" (fathom {fw:.2f} s, nmap {nw:.2f} s, ratio {fw / nw:.2f})")


def sweep6(tsv, v4, v6, truth):
    """IPv6 crowd sweep against fathom's IPv4 sweep of the same size."""
    runs, truth = load(tsv), int(truth)
    print(f"\n{'fathom':<28} {'wall s':>7} {'frames':>8} {'hits':>11} {'RSS MB':>7}  status")
    for label, rs in runs.items():
        hits = int(statistics.median(int(r["hits"]) for r in rs))
        wrong = max(r["wrong"] for r in rs)
        print(f"{label:<28} {med(rs, 'wall'):7.2f} {med(rs, 'frames'):8.0f} {hits:>5}/{truth:<5}"
              f" {max(r['rss'] for r in rs):7.1f}  {status(rs)}{f' ({wrong} false)' if wrong else ''}")
    print(f"(median of {max(len(v) for v in runs.values())} run(s); RSS = worst run)")
    if v4 not in runs or v6 not in runs:
        print("GOAL ipv6-sweep: all live found, wall <= 1.2 x IPv4, RSS < 32 MB: FAIL (a row did not run)")
        return
    w4, w6 = med(runs[v4], "wall"), med(runs[v6], "wall")
    hits = min(int(r["hits"]) for r in runs[v6])
    wrong = max(r["wrong"] for r in runs[v6])
    rss = max(r["rss"] for r in runs[v6])
    ok = hits == truth and not wrong and w6 <= 1.2 * w4 and rss < 32 and status(runs[v6]) == "ok"
    print(f"GOAL ipv6-sweep: all live found, wall <= 1.2 x IPv4, RSS < 32 MB: {'PASS' if ok else 'FAIL'}"
          f" (hits {hits}/{truth}, {wrong} false, wall {w6:.2f} s = {w6 / w4:.2f} x IPv4 {w4:.2f} s,"
          f" RSS {rss:.1f} MB)")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"sample": sample, "row": row, "sweep": sweep, "dry": dry, "host": host, "sweep6": sweep6}[cmd](*args)
