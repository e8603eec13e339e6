#!/usr/bin/python3
"""fathom lab: fx-hostile's misbehaving TCP services (started by tools/lab).

Services a version scanner must survive (one process, stdlib only, one
selectors loop, no threads):

  7001 stream      sends "STREAM 0123...\\r\\n" forever, as fast as the peer reads
  7002 drip        sends "220 drip ..." one byte per second forever
  7003 reset       accepts, then resets at once (SO_LINGER {1,0} + close)
  7004 zerowin     accepts, never reads, never sends (tiny SO_RCVBUF: window 0)
  7005 random      200-2000 random bytes 100 ms after connect and per chunk read
  7006 brokentls   answers input with a TLS handshake record header + garbage,
                   then one garbage chunk per second; never a real handshake
  7007 slowftp     waits 3 s, then a real-looking FTP banner; "500 ?" per line
  7008 tcpwrapped  accepts and closes cleanly (FIN) without sending a byte

Tarpits, the services a scanner must bound in time and memory:

  7010 silent      accepts, reads and discards, never sends a byte; the lab's
                   nft table (templates/hostile.nft) redirects every port
                   10000-10999 here: a thousand open ports that never speak
  7011 trickle     "220 " then one byte of a banner every TRICKLE_S seconds,
                   forever (a timeout reset by each byte never ends)
  7012 endless     "220 " then a banner line that never ends (no CR/LF), as
                   fast as the peer reads (a reader that waits for the end of
                   the line never stops buffering)

"Forever" is bounded: every connection is dropped after --max-age seconds, at
most --max-conns are held (the oldest is dropped to admit a new one), output
is only written when the socket is writable and buffered output per
connection is capped (a service stops reading while its buffer is full).
The tarpits have their own, larger cap (--max-tarpit-conns): a version scan
holds hundreds of their connections at once, and evicting one would end it
early (a FIN) and spoil the tarpit.
"""

import argparse
import errno
import heapq
import itertools
import os
import random
import resource
import selectors
import signal
import socket
import struct
import sys
import time

READ_CHUNK = 4096        # largest single recv
OUT_CAP = 64 * 1024      # buffered output per connection before reading stops
STREAM_CHUNK = 64 * 1024  # largest single send of the stream service
LINE_CAP = 4096          # slowftp: a "line" longer than this is answered anyway
TCP_ESTABLISHED = 1

STREAM_LINE = b"STREAM 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\r\n"
STREAM_BUF = STREAM_LINE * (STREAM_CHUNK // len(STREAM_LINE) + 1)
STREAM_VIEW = memoryview(STREAM_BUF * 2)  # send(VIEW[off:off+n]) never wraps
DRIP_TEXT = b"220 drip.fathom.test ESMTP drip service ready\r\n"
FTP_BANNER = b"220 slowftp FTP server (Version 1.2.3) ready.\r\n"
TRICKLE_S = 4.0
TRICKLE_TEXT = b"220 trickle.fathom.test ESMTP trickle service ready\r\n"
ENDLESS_HEAD = b"220 endless.fathom.test "
ENDLESS_VIEW = memoryview(b"x" * (2 * STREAM_CHUNK))
TARPITS = ("silent", "trickle", "endless")

PORTS = {
    7001: "stream", 7002: "drip", 7003: "reset", 7004: "zerowin",
    7005: "random", 7006: "brokentls", 7007: "slowftp", 7008: "tcpwrapped",
    7010: "silent", 7011: "trickle", 7012: "endless",
}


def log(msg):
    print(time.strftime("%Y-%m-%d %H:%M:%S"), "hostile:", msg, flush=True)


class Conn:
    """One accepted connection; `kind` selects its behaviour."""

    __slots__ = ("sock", "kind", "born", "out", "events", "closed", "off",
                 "line", "greeted", "answered")

    def __init__(self, sock, kind):
        self.sock = sock
        self.kind = kind
        self.born = time.monotonic()
        self.out = bytearray()
        self.events = 0
        self.closed = False
        self.off = 0          # stream/drip: position in the repeating text
        self.line = bytearray()  # slowftp: partial input line
        self.greeted = False  # slowftp: banner sent
        self.answered = False  # brokentls: record header sent


class Server:
    def __init__(self, args):
        self.args = args
        self.sel = selectors.DefaultSelector()
        self.conns = {}       # fd -> Conn, in accept order (dicts keep it)
        self.timers = []      # heap of (when, seq, conn, fn)
        self.seq = itertools.count()
        self.stats = dict.fromkeys(PORTS.values(), 0)
        self.evicted = 0
        self.npool = {False: 0, True: 0}  # open connections: tarpit or not
        self.listeners = []

    # ---- setup --------------------------------------------------------------

    def listen(self, family, addr, port):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        if PORTS[port] == "zerowin":
            # Inherited by accepted sockets and used for the SYN-ACK's window:
            # the peer's window is full after a couple of KB.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        s.bind((addr, port))
        s.listen(self.args.backlog)
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ, ("listen", PORTS[port]))
        self.listeners.append(s)

    # ---- timers / registration ----------------------------------------------

    def later(self, delay, conn, fn):
        heapq.heappush(self.timers, (time.monotonic() + delay, next(self.seq), conn, fn))

    def want(self, c, events):
        if c.closed or events == c.events:
            return
        if c.events and events:
            self.sel.modify(c.sock, events, ("conn", c))
        elif events:
            self.sel.register(c.sock, events, ("conn", c))
        else:
            self.sel.unregister(c.sock)
        c.events = events

    def close(self, c, reset=False):
        if c.closed:
            return
        self.want(c, 0)
        c.closed = True
        if self.conns.pop(c.sock.fileno(), None) is not None:
            self.npool[c.kind in TARPITS] -= 1
        if reset:
            try:
                c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        c.sock.close()

    def queue(self, c, data):
        """Buffer output; write interest while there is any, reading stops
        while the buffer is over OUT_CAP."""
        c.out += data
        self.update_interest(c)

    def update_interest(self, c):
        if c.closed:
            return
        ev = 0
        if len(c.out) < OUT_CAP:
            ev |= selectors.EVENT_READ
        if c.out or c.kind in ("stream", "endless"):
            ev |= selectors.EVENT_WRITE
        self.want(c, ev)

    # ---- accept -------------------------------------------------------------

    def accept(self, lsock, kind):
        for _ in range(64):
            try:
                sock, _peer = lsock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:  # EMFILE and friends: try again later
                if e.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    self.evict_oldest()
                return
            self.stats[kind] += 1
            sock.setblocking(False)
            if kind == "reset":
                c = Conn(sock, kind)
                c.events = 0
                self.close(c, reset=True)
                continue
            tarpit = kind in TARPITS
            cap = self.args.max_tarpit_conns if tarpit else self.args.max_conns
            while self.pool_size(tarpit) >= cap:
                self.evict_oldest(tarpit)
            c = Conn(sock, kind)
            self.conns[sock.fileno()] = c
            self.npool[tarpit] += 1
            getattr(self, "start_" + kind)(c)

    def pool_size(self, tarpit):
        return self.npool[tarpit]

    def evict_oldest(self, tarpit=None):
        """Close the oldest connection (of one pool when tarpit is given)."""
        for c in self.conns.values():
            if tarpit is None or (c.kind in TARPITS) == tarpit:
                self.evicted += 1
                self.close(c)
                return

    # ---- per-service behaviour ------------------------------------------------

    def start_stream(self, c):
        self.update_interest(c)

    def start_drip(self, c):
        self.update_interest(c)
        self.drip(c)

    def drip(self, c):
        if c.closed:
            return
        if not c.out:  # a peer that does not read gets no backlog
            self.queue(c, DRIP_TEXT[c.off:c.off + 1])
            c.off = (c.off + 1) % len(DRIP_TEXT)
        self.later(1.0, c, self.drip)

    def start_zerowin(self, c):
        # Never read, never write: only the periodic sweep looks at it.
        pass

    def start_silent(self, c):
        # Read (and discard) what the peer sends so its window stays open:
        # the peer sees a healthy connection that never answers.
        self.want(c, selectors.EVENT_READ)

    def start_trickle(self, c):
        self.update_interest(c)
        self.trickle(c)

    def trickle(self, c):
        if c.closed:
            return
        if not c.out:
            self.queue(c, TRICKLE_TEXT[c.off:c.off + 1])
            c.off = (c.off + 1) % len(TRICKLE_TEXT)
        self.later(TRICKLE_S, c, self.trickle)

    def start_endless(self, c):
        self.queue(c, ENDLESS_HEAD)

    def start_random(self, c):
        self.update_interest(c)
        self.later(0.1, c, lambda c: self.queue(c, rand_chunk()))

    def start_brokentls(self, c):
        self.update_interest(c)

    def garbage(self, c):
        if c.closed:
            return
        if not c.out:
            self.queue(c, os.urandom(random.randint(16, 64)))
        self.later(1.0, c, self.garbage)

    def start_slowftp(self, c):
        self.update_interest(c)
        self.later(3.0, c, self.greet)

    def greet(self, c):
        if c.closed:
            return
        c.greeted = True
        self.queue(c, FTP_BANNER)
        self.ftp_lines(c)

    def ftp_lines(self, c):
        while c.greeted and not c.closed:
            i = c.line.find(b"\n")
            if i < 0:
                if len(c.line) < LINE_CAP:
                    return
                i = LINE_CAP - 1
            cmd = bytes(c.line[:i + 1]).strip().upper()
            del c.line[:i + 1]
            if cmd == b"QUIT" or cmd.startswith(b"QUIT "):
                self.queue(c, b"221 Goodbye.\r\n")
                c.greeted = False  # nothing more; close once flushed
                c.line.clear()
                self.later(0, c, self.close_when_flushed)
            else:
                self.queue(c, b"500 ?\r\n")

    def close_when_flushed(self, c):
        if c.closed:
            return
        if c.out:
            self.later(0.1, c, self.close_when_flushed)
        else:
            self.close(c)

    def start_tcpwrapped(self, c):
        # FIN at once; keep reading (and discarding) until the peer closes, so
        # that unread input never turns the final close into a RST.
        try:
            c.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self.close(c)
            return
        self.want(c, selectors.EVENT_READ)
        self.later(10.0, c, self.close)

    # ---- I/O ------------------------------------------------------------------

    def on_read(self, c):
        try:
            data = c.sock.recv(READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.close(c)
            return
        if not data:
            self.close(c)
            return
        k = c.kind
        if k == "random":
            self.queue(c, rand_chunk())
        elif k == "brokentls":
            if not c.answered:
                c.answered = True
                # handshake record, TLS 1.2, claims a full 16 KB record but the
                # body is garbage: a ServerHello type byte, then random bytes.
                self.queue(c, b"\x16\x03\x03\x40\x00\x02" + os.urandom(random.randint(200, 400)))
                self.later(1.0, c, self.garbage)
        elif k == "slowftp":
            if len(c.line) < 2 * LINE_CAP:
                c.line += data
            self.ftp_lines(c)
        # stream, drip, tcpwrapped and the tarpits: input is discarded

    def on_write(self, c):
        try:
            if c.kind == "stream":
                n = c.sock.send(STREAM_VIEW[c.off:c.off + STREAM_CHUNK])
                c.off = (c.off + n) % len(STREAM_BUF)
                return
            if c.kind == "endless" and not c.out:
                c.sock.send(ENDLESS_VIEW[:STREAM_CHUNK])
                return
            n = c.sock.send(c.out[:STREAM_CHUNK])
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.close(c)
            return
        del c.out[:n]
        self.update_interest(c)

    # ---- housekeeping ---------------------------------------------------------

    def sweep(self):
        """Drop connections past --max-age, and zero-window ones whose peer is
        gone (they are never read, so EOF/RST is only seen in TCP_INFO)."""
        now = time.monotonic()
        for c in list(self.conns.values()):
            if now - c.born > self.args.max_age:
                self.close(c)
            elif c.kind == "zerowin":
                try:
                    state = c.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
                except OSError:
                    state = 0
                if state != TCP_ESTABLISHED:
                    self.close(c)

    def run(self):
        next_sweep = time.monotonic() + 2
        next_stats = time.monotonic() + 60
        last = None
        while True:
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                _, _, c, fn = heapq.heappop(self.timers)
                if not c.closed:
                    fn(c)
            timeout = next_sweep - now
            if self.timers:
                timeout = min(timeout, self.timers[0][0] - now)
            for key, ev in self.sel.select(max(timeout, 0)):
                tag, obj = key.data
                if tag == "listen":
                    self.accept(key.fileobj, obj)
                    continue
                if obj.closed:
                    continue
                if ev & selectors.EVENT_READ:
                    self.on_read(obj)
                if ev & selectors.EVENT_WRITE and not obj.closed:
                    self.on_write(obj)
            now = time.monotonic()
            if now >= next_sweep:
                self.sweep()
                next_sweep = now + 2
            if now >= next_stats:
                cur = (tuple(self.stats.values()), self.evicted)
                if cur != last:
                    log("accepted %s; open %d; evicted %d" % (
                        " ".join("%s=%d" % kv for kv in self.stats.items()),
                        len(self.conns), self.evicted))
                    last = cur
                next_stats = now + 60


def rand_chunk():
    return os.urandom(random.randint(200, 2000))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bind4", default="0.0.0.0", help="IPv4 address ('' to skip)")
    ap.add_argument("--bind6", default="::", help="IPv6 address ('' to skip)")
    ap.add_argument("--max-conns", type=int, default=200)
    ap.add_argument("--max-tarpit-conns", type=int, default=4096,
                    help="connections the tarpits (7010-7012) hold at most")
    ap.add_argument("--max-age", type=float, default=600.0,
                    help="seconds any connection is kept at most")
    ap.add_argument("--backlog", type=int, default=1024)
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Both pools' sockets, the listeners and some slack.
    want = args.max_conns + args.max_tarpit_conns + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    srv = Server(args)
    for port in sorted(PORTS):
        if args.bind4:
            srv.listen(socket.AF_INET, args.bind4, port)
        if args.bind6:
            try:
                srv.listen(socket.AF_INET6, args.bind6, port)
            except OSError as e:
                log("no IPv6 listener on %d: %s" % (port, e))
    log("pid %d listening on %s (max %d connections, max age %gs)" % (
        os.getpid(), " ".join("%d/%s" % kv for kv in sorted(PORTS.items())),
        args.max_conns, args.max_age))
    try:
        srv.run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
