#!/usr/bin/env python3
# make.py -- writes the osattr reply sets and their expected fingerprints.
# The expected SEQ values come from this file's own reading of nmap's
# formulas (reference/nmap-internals.md section 3), not from fathom's C.
import math, os, struct

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = 1795599462290000          # SEQ1 sent, wall-clock microseconds
BASE, ACK = 0x10000000, 0x5000aaaa

def moddiff(a, b):
    return min((a - b) % 2**32, (b - a) % 2**32)

def seq_expect(isns, tss, sent, has_ts=True):
    """SP/GCD/ISR and TS exactly as nmap's makeTSeqFP computes them."""
    j = len(isns)
    out, extra = [], {}
    diffs = [moddiff(isns[i], isns[i-1]) for i in range(1, j)]
    us = [max(1, sent[i] - sent[i-1]) for i in range(1, j)]
    # nmap stores each rate in a float
    rates = [struct.unpack('f', struct.pack('f', d * 1e6 / u))[0]
             for d, u in zip(diffs, us)]
    if j >= 4:
        avg = sum(rates) / (j - 1)
        g = 0
        for d in diffs:
            g = math.gcd(g, d)
        if g == 0:
            sp, isr = 0, 0
        else:
            isr = int(math.log2(avg) * 8 + 0.5)
            div = g if g > 9 else 1
            sd = math.sqrt(sum((r / div - avg / div) ** 2 for r in rates) / (j - 2))
            sp = 0 if sd <= 1 else int(math.log2(sd) * 8 + 0.5)
        out += ['SP=%X' % sp, 'GCD=%X' % g, 'ISR=%X' % isr]
        extra['seq_index'] = sp
    return out, extra

def ts_expect(tss, sent):
    j = len(tss)
    hz = sum(moddiff(tss[i], tss[i-1]) / (max(1, sent[i]-sent[i-1]) / 1e6) / (j - 1)
             for i in range(1, j))
    if 0 < hz < 5.66: up = tss[0] // 2; cls = '2HZ'
    elif 70 < hz < 150: up = tss[0] // 100; cls = '100HZ'
    elif 724 < hz < 1448: up = tss[0] // 1000; cls = '1000HZ'
    else: up = tss[0] // (int(0.5 + hz) & 0xffffffff) if int(0.5 + hz) & 0xffffffff else 0; cls = 'other'
    if up > 63072000: up = 0
    if hz <= 5.66: v = 1
    elif 70 < hz <= 150: v = 7
    elif 150 < hz <= 350: v = 8
    else: v = int(0.5 + math.log2(hz))
    return 'TS=%X' % v, cls, up

def opts_hex(*parts):
    return ''.join(parts)
MSS = lambda v: '0204%04x' % v
WS = lambda v: '0303%02x' % v
SACK = '0402'
NOP = '01'
TS = lambda a, b: '080a%08x%08x' % (a, b)

def synack_opts(i, tsval):
    """Linux 6.x's SYN-ACK options for SEQ probe i (as the lab answers)."""
    t = TS(tsval, 0xffffffff)
    return [MSS(1460) + SACK + t + NOP + WS(10),
            MSS(1460) + SACK + t + NOP + WS(10),
            MSS(1460) + NOP + NOP + t + NOP + WS(10),
            MSS(1460) + SACK + t + NOP + WS(10),
            MSS(1460) + SACK + t + NOP + WS(10),
            MSS(1460) + SACK + t][i]

def seq_lines(isns, ids, tss, slots=range(6), ttl=64, plain_ts=False, no_ts=False):
    L = []
    for i in range(6):
        L.append('sent SEQ%d %d' % (i + 1, T0 + i * 100000))
    for k, i in enumerate(slots):
        if no_ts:
            o = MSS(1460) + SACK
        elif plain_ts:
            o = MSS(1460) + NOP + NOP + TS(tss[k], 0)
        else:
            o = synack_opts(i, tss[k])
        L.append('reply SEQ%d ttl=%d df=1 id=%d flags=AS win=0xFE88 seq=0x%08x ack=0x%08x opts=%s'
                 % (i + 1, ttl, ids[k], isns[k], BASE + i + 1, o))
    return L

def write(name, lines):
    with open(os.path.join(HERE, name), 'w') as f:
        f.write('\n'.join(lines) + '\n')

ISNS = [0x1a2b3c4d, 0x9f8e7d6c, 0x5566aa77, 0xc0ffee11, 0x0badf00d, 0x7e577e57]
RTS = [0x11223344, 0x99887766, 0x23456789, 0xabcdef01, 0x3c3c3c3c, 0xf0f0f0f0]
SENT = [T0 + i * 100000 for i in range(6)]
HDR = 'round seqbase=0x%08x ack=0x%08x open=1 closed=1 delay=0' % (BASE, ACK)
U1 = 'u1 ttl=55 sport=40123 dport=35001'

def closed_and_icmp(ttl=64, ids=(0, 0, 0), ie=(0x3a01, 0x3a02)):
    return [
        'reply T4 ttl=%d df=1 id=0 flags=R win=0 seq=0x%08x ack=0' % (ttl, ACK),
        'reply T5 ttl=%d df=1 id=%d flags=AR win=0 seq=0 ack=0x%08x' % (ttl, ids[0], BASE + 1),
        'reply T6 ttl=%d df=1 id=%d flags=R win=0 seq=0x%08x ack=0' % (ttl, ids[1], ACK),
        'reply T7 ttl=%d df=1 id=%d flags=AR win=0 seq=0 ack=0x%08x' % (ttl, ids[2], BASE + 1),
        'reply IE1 ttl=%d df=0 id=%d code=9' % (ttl, ie[0]),
        'reply IE2 ttl=%d df=0 id=%d code=0' % (ttl, ie[1]),
    ]

LINUX_REST = [
    'OPS(O1=M5B4ST11NWA%O2=M5B4ST11NWA%O3=M5B4NNT11NWA%O4=M5B4ST11NWA%O5=M5B4ST11NWA%O6=M5B4ST11)',
    'WIN(W1=FE88%W2=FE88%W3=FE88%W4=FE88%W5=FE88%W6=FE88)',
]

def t_lines(T='T=40'):
    return [
        'T4(R=Y%%DF=Y%%%s%%W=0%%S=A%%A=Z%%F=R%%O=%%RD=0%%Q=)' % T,
        'T5(R=Y%%DF=Y%%%s%%W=0%%S=Z%%A=S+%%F=AR%%O=%%RD=0%%Q=)' % T,
        'T6(R=Y%%DF=Y%%%s%%W=0%%S=A%%A=Z%%F=R%%O=%%RD=0%%Q=)' % T,
        'T7(R=Y%%DF=Y%%%s%%W=0%%S=Z%%A=S+%%F=AR%%O=%%RD=0%%Q=)' % T,
    ]

# 1. The lab's Linux 6.x host, as nmap 7.93 printed it (SEQ values aside).
seq, ex = seq_expect(ISNS, RTS, SENT)
ts, cls, up = ts_expect(RTS, SENT)
L = ['# The lab host (Linux 6.x defaults): every test as nmap -O printed it.',
     HDR, U1] + seq_lines(ISNS, [0] * 6, RTS) + [
    'reply ECN ttl=64 df=1 id=0 flags=ASE win=0xFAF0 seq=0x1234 ack=0x%08x opts=%s'
    % (BASE + 1, MSS(1460) + NOP + NOP + SACK + NOP + WS(10)),
    'reply T1 ttl=64 df=1 id=0 flags=AS win=0xFE88 seq=0x%08x ack=0x%08x opts=%s'
    % (ISNS[0], BASE + 1, synack_opts(0, RTS[0])),
] + closed_and_icmp() + [
    'reply U1 ttl=64 df=0 iplen=0x164 unused=0 qttl=55']
L += ['expect SEQ(%s%%TI=Z%%CI=Z%%II=I%%%s)' % ('%'.join(seq), ts)]
L += ['expect ' + x for x in LINUX_REST]
L += ['expect ECN(R=Y%DF=Y%T=40%W=FAF0%O=M5B4NNSNWA%CC=Y%Q=)',
      'expect T1(R=Y%DF=Y%T=40%S=O%A=S+%F=AS%RD=0%Q=)',
      'expect T2(R=N)', 'expect T3(R=N)']
L += ['expect ' + x for x in t_lines()]
L += ['expect U1(R=Y%DF=N%T=40%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)',
      'expect IE(R=Y%DFI=N%T=40%CD=S)',
      'extra distance=1', 'extra seq_index=%d' % ex['seq_index'],
      'extra difficulty=Good luck!', 'extra ipid_class=All zeros',
      'extra ts_class=%s' % cls, 'extra uptime=%d' % up,
      'extra lastboot=%d' % (T0 // 1000000 - up), 'extra nisn=6']
write('linux-lab.txt', L)

def seq_only(name, comment, isns, ids, tss, expect_seq, extras, closed_ids=None,
             ie=None, sent_ok=True, **kw):
    L = ['# ' + comment, 'round seqbase=0x%08x ack=0x%08x open=0 closed=0 delay=0' % (BASE, ACK), U1]
    L += seq_lines(isns, ids, tss, **kw)
    if closed_ids:
        for n, i in zip((5, 6, 7), closed_ids):
            L.append('reply T%d ttl=64 df=1 id=%d flags=AR win=0 seq=0 ack=0x%08x' % (n, i, BASE + 1))
    if ie:
        L.append('reply IE1 ttl=64 df=0 id=%d code=9' % ie[0])
        L.append('reply IE2 ttl=64 df=0 id=%d code=0' % ie[1])
    if kw.get('no_ts'):
        ops = 'M5B4S'
    elif kw.get('plain_ts'):
        ops = 'M5B4NNT%d0' % (1 if all(tss) else 0)
    else:
        ops = None
    win = 'WIN(W1=FE88%W2=FE88%W3=FE88%W4=FE88%W5=FE88%W6=FE88)'
    if ops:
        extra_lines = ['OPS(' + '%'.join('O%d=%s' % (i + 1, ops) for i in range(6)) + ')', win]
    else:
        extra_lines = LINUX_REST
    L += ['expect ' + expect_seq[0]] + ['expect ' + x for x in extra_lines]
    L += ['expect ' + x for x in expect_seq[1:]]
    L += ['extra ' + x for x in extras]
    write(name, L)

seq6, ex6 = seq_expect(ISNS, RTS, SENT)
ts6, cls6, up6 = ts_expect(RTS, SENT)
S = '%'.join(seq6)
W = lambda t: 'T%s(R=Y%%DF=Y%%TG=40%%W=0%%S=Z%%A=S+%%F=AR%%O=%%RD=0%%Q=)' % t
IE_OK = 'IE(R=Y%DFI=N%TG=40%CD=S)'

seq_only('ipid-incr.txt', 'Incremental IP IDs shared by TCP and ICMP: TI=I CI=I II=I SS=S.',
         ISNS, [1000, 1001, 1002, 1003, 1004, 1005], RTS,
         ['SEQ(%s%%TI=I%%CI=I%%II=I%%SS=S%%%s)' % (S, ts6), W(5), W(6), W(7), 'U1(R=N)', IE_OK],
         ['ipid_class=Incremental', 'distance=-1'], closed_ids=[1006, 1007, 1008], ie=[1006, 1007])
seq_only('ipid-broken.txt', 'Little-endian counters step by 256: BI; ICMP far ahead: SS=O.',
         ISNS, [256, 512, 768, 1024, 1280, 1536], RTS,
         ['SEQ(%s%%TI=BI%%II=BI%%SS=O%%%s)' % (S, ts6), 'U1(R=N)', IE_OK],
         ['ipid_class=Broken little-endian incremental'], ie=[0x2000, 0x2100])
seq_only('ipid-random.txt', 'Random IP IDs: RD with >2 samples; two samples can only be RI.',
         ISNS, [100, 30000, 5000, 45000, 9000, 60000], RTS,
         ['SEQ(%s%%TI=RD%%CI=RI%%II=RI%%%s)' % (S, ts6), W(5), W(6), 'U1(R=N)', IE_OK],
         ['ipid_class=Randomized'], closed_ids=[7, 40000], ie=[5, 40000])
seq_only('ipid-constant.txt',
         'A constant IP ID: nmap drops SEQ replies repeating the last ID (no TI), CI/II are the value.',
         ISNS, [0x1234] * 6, RTS,
         ['SEQ(CI=1234%II=1234)', W(5), W(6), W(7), 'U1(R=N)', IE_OK],
         ['nisn=1', 'ipid_class=(null)', 'seq_index=-1'], closed_ids=[0x1234] * 3, ie=[0x1234, 0x1234])
seq_only('ipid-wrap.txt', 'A 16-bit counter wrapping: the unsigned difference is huge, so RD (nmap).',
         ISNS, [65530, 65535, 3, 8, 13, 18], RTS,
         ['SEQ(%s%%TI=RD%%%s)' % (S, ts6), 'U1(R=N)', 'IE(R=N)'], ['ipid_class=Randomized'])

G = [0x40000000 + k * 64000 for k in (0, 3, 4, 9, 11, 20)]
sg, exg = seq_expect(G, RTS, SENT)
seq_only('isn-gcd.txt', 'ISNs stepping in multiples of 64000: GCD=FA00, SP over rates / GCD.',
         G, [0] * 6, RTS, ['SEQ(%s%%TI=Z%%%s)' % ('%'.join(sg), ts6), 'U1(R=N)', 'IE(R=N)'],
         ['seq_index=%d' % exg['seq_index']])
seq_only('isn-constant.txt', 'The same ISN every time: GCD=0, SP=0, ISR=0, difficulty 0.',
         [0x77777777] * 6, [0] * 6, RTS, ['SEQ(SP=0%%GCD=0%%ISR=0%%TI=Z%%%s)' % ts6, 'U1(R=N)', 'IE(R=N)'],
         ['seq_index=0', 'difficulty=Trivial joke'])

def ts_file(name, comment, tss, **kw):
    t, c, u = ts_expect(tss, SENT)
    seq_only(name, comment, ISNS, [0] * 6, tss,
             ['SEQ(%s%%TI=Z%%%s)' % (S, t), 'U1(R=N)', 'IE(R=N)'],
             ['ts_class=%s' % c, 'uptime=%d' % u, 'lastboot=%d' % (T0 // 1000000 - u)], **kw)
ts_file('ts-2hz.txt', '2 Hz timestamps: TS=1; an uptime over 2 years is discarded (0).',
        [200000000, 200000000, 200000001, 200000001, 200000001, 200000002], plain_ts=True)
ts_file('ts-100hz.txt', '100 Hz timestamps: TS=7, uptime = TSval / 100.',
        [5000000 + 10 * i for i in range(6)], plain_ts=True)
ts_file('ts-1000hz.txt', '1000 Hz timestamps: TS=A, uptime = TSval / 1000 (one day).',
        [86400000 + 100 * i for i in range(6)], plain_ts=True)
seq_only('ts-none.txt', 'No timestamp option in the SYN-ACKs: TS=U.',
         ISNS, [0] * 6, RTS, ['SEQ(%s%%TI=Z%%TS=U)' % S, 'U1(R=N)', 'IE(R=N)'],
         ['ts_class=none returned (unsupported)', 'uptime=0', 'lastboot=0'], no_ts=True)
seq_only('ts-zero.txt', 'A zero TSval: TS=0.',
         ISNS, [0] * 6, [0] * 6, ['SEQ(%s%%TI=Z%%TS=0)' % S, 'U1(R=N)', 'IE(R=N)'],
         ['ts_class=zero timestamp'], plain_ts=True)

# 3. The other tests, on small hand-written reply sets.
write('ttl-guess.txt', [
    '# No U1 reply: no hop count, so every test carries TG (initial TTL guess), not T.',
    'round seqbase=0x%08x ack=0x%08x open=1 closed=1 delay=0' % (BASE, ACK), U1,
    'reply T1 ttl=120 df=1 id=0 flags=AS win=0x2000 seq=0x99 ack=0x%08x' % (BASE + 1),
    'reply T4 ttl=250 df=0 id=0 flags=R win=0 seq=0x%08x ack=0' % ACK,
    'reply T5 ttl=30 df=0 id=0 flags=AR win=0 seq=0 ack=0x%08x' % (BASE + 1),
    'reply IE1 ttl=60 df=1 id=1 code=0', 'reply IE2 ttl=60 df=1 id=2 code=0',
    'expect SEQ(II=I)', 'expect ECN(R=N)',
    'expect T1(R=Y%DF=Y%TG=80%S=O%A=S+%F=AS%RD=0%Q=)',
    'expect T2(R=N)', 'expect T3(R=N)',
    'expect T4(R=Y%DF=N%TG=FF%W=0%S=A%A=Z%F=R%O=%RD=0%Q=)',
    'expect T5(R=Y%DF=N%TG=20%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)',
    'expect T6(R=N)', 'expect T7(R=N)', 'expect U1(R=N)',
    'expect IE(R=Y%DFI=Y%TG=40%CD=Z)',
    'extra distance=-1'])
write('ecn-quirks.txt', [
    '# ECN echoed with CWR (CC=S), reserved bits and an urgent pointer without URG (Q=RU);',
    '# T3 answered with CWR only in ECN terms is irrelevant: F= has no C. Hop count 3 from U1.',
    'round seqbase=0x%08x ack=0x%08x open=1 closed=0 delay=0' % (BASE, ACK),
    'u1 ttl=60 sport=40123 dport=35001',
    'reply ECN ttl=62 df=0 id=0 flags=ASEC res=2 urp=5 win=0x400 seq=0x5 ack=0x%08x opts=%s'
    % (BASE + 1, MSS(536)),
    'reply T3 ttl=62 df=0 id=0 flags=CAS win=0x100 seq=0x%08x ack=0x%08x opts=%s'
    % (ACK + 1, BASE, MSS(265) + NOP + WS(0) + '00'),
    'reply U1 ttl=62 df=1 iplen=0x38 unused=0 qttl=58 qdata=0 qlen=0x148',
    'expect ECN(R=Y%DF=N%T=40%W=400%O=M218%CC=S%Q=RU)',
    'expect T1(R=N)', 'expect T2(R=N)',
    'expect T3(R=Y%DF=N%T=40%W=100%S=A+%A=S%F=AS%O=M109NW0L%RD=0%Q=)',
    'expect T4(R=N)',
    'expect U1(R=Y%DF=Y%T=40%IPL=38%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)',
    'expect IE(R=N)', 'extra distance=3'])
write('rst-data.txt', [
    '# A RST carrying text: RD is the CRC-32 of it ("hello" = 3610A686); an ACK echoing',
    '# neither number is O, a zero sequence Z, and CC=N / CC=O for the ECN flags.',
    'round seqbase=0x%08x ack=0x%08x open=1 closed=1 delay=0' % (BASE, ACK), U1,
    'reply ECN ttl=64 df=1 id=0 flags=ASC win=0xFFFF seq=0x5 ack=0x%08x' % (BASE + 1),
    'reply T2 ttl=64 df=1 id=0 flags=AR win=0 seq=0x%08x ack=0x77' % ACK,
    'reply T5 ttl=64 df=1 id=0 flags=AR win=0 seq=0 ack=0x%08x data=68656c6c6f' % (BASE + 1),
    'reply T6 ttl=64 df=1 id=0 flags=R win=0 seq=0x%08x ack=0 data=' % (ACK + 1),
    'reply T7 ttl=64 df=1 id=0 flags=EUAPRSF win=7 seq=0x1 ack=0x%08x' % BASE,
    'reply U1 ttl=64 df=0 iplen=0x164 unused=0 qttl=55',
    'expect SEQ(CI=Z)',
    'expect ECN(R=Y%DF=Y%T=40%W=FFFF%O=%CC=O%Q=)',
    'expect T1(R=N)',
    'expect T2(R=Y%DF=Y%T=40%W=0%S=A%A=O%F=AR%O=%RD=0%Q=)',
    'expect T3(R=N)', 'expect T4(R=N)',
    'expect T5(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=3610A686%Q=)',
    'expect T6(R=Y%DF=Y%T=40%W=0%S=A+%A=Z%F=R%O=%RD=0%Q=)',
    'expect T7(R=Y%DF=Y%T=40%W=7%S=O%A=S%F=EUAPRSF%O=%RD=0%Q=)',
    'expect U1(R=Y%DF=N%T=40%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)',
    'expect IE(R=N)'])
iss5 = ISNS[:2] + ISNS[3:]
ts5 = RTS[:2] + RTS[3:]
sent5 = SENT[:2] + SENT[3:]
s5, ex5 = seq_expect(iss5, ts5, sent5)
t5, c5, u5 = ts_expect(ts5, sent5)
L = ['# SEQ3 lost: five SEQ replies for SEQ, its OPS re-send fills O3/W3.',
     'round seqbase=0x%08x ack=0x%08x open=0 closed=0 delay=0' % (BASE, ACK), U1]
L += seq_lines(iss5, [0] * 5, ts5, slots=[0, 1, 3, 4, 5])
L += ['reply OPS3 ttl=64 df=1 id=0 flags=AS win=0x7210 seq=0x42 ack=0x%08x opts=%s'
      % (BASE + 1, MSS(1400) + NOP + NOP + TS(1, 0xffffffff) + NOP + WS(7))]
L += ['expect SEQ(%s%%TI=Z%%%s)' % ('%'.join(s5), t5),
      'expect OPS(O1=M5B4ST11NWA%O2=M5B4ST11NWA%O3=M578NNT11NW7%O4=M5B4ST11NWA%O5=M5B4ST11NWA%O6=M5B4ST11)',
      'expect WIN(W1=FE88%W2=FE88%W3=7210%W4=FE88%W5=FE88%W6=FE88)',
      'expect U1(R=N)', 'expect IE(R=N)', 'extra nisn=5']
write('ops-resend.txt', L)
write('u1-mangled.txt', [
    '# A middlebox that rewrites the quoted datagram: every U1 check fails; 3 hops away.',
    'round seqbase=0x%08x ack=0x%08x open=0 closed=0 delay=0' % (BASE, ACK),
    'u1 ttl=55 sport=40123 dport=35001',
    'reply U1 ttl=250 df=1 iplen=0x38 unused=0x12345678 qttl=53 qlen=0x150 qid=0x4210 qsum=bad ucsum=0 qdata=20 qbad=1',
    'expect U1(R=Y%DF=Y%T=FC%IPL=38%UN=5678%RIPL=150%RID=4210%RIPCK=I%RUCK=0%RUD=I)',
    'expect IE(R=N)', 'extra distance=3'])
write('u1-zero-sum.txt', [
    '# A zeroed quoted IP checksum is Z; a quote from other ports is not our U1 (R=N).',
    'round seqbase=0x%08x ack=0x%08x open=0 closed=0 delay=0' % (BASE, ACK),
    'u1 ttl=55 sport=40123 dport=35001',
    'reply U1 ttl=64 df=0 iplen=0x164 unused=0 qttl=55 qsum=zero',
    'expect U1(R=Y%DF=N%T=40%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=Z%RUCK=G%RUD=G)',
    'expect IE(R=N)'])
