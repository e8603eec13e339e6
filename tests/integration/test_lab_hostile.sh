#!/bin/bash
# Checks fx-hostile (tools/lab.d/hostile.py): every misbehaving service on
# 198.18.0.20:7001-7008 behaves as documented, seen from fx-scan with python3
# sockets and timeouts. Prints `ok - NAME` / `not ok - NAME` per check (with the
# reason as `# ...` lines) and exits non-zero if any failed.
# Assumes the lab is already up (tools/lab up). Run as root.
# shellcheck disable=SC2001,SC2317  # helpers run via check
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/tools/lab
HOST=198.18.0.20 HOST6=fd5a:7a6f:1ab0:1::20
PIDFILE=/run/fathom-lab/hostile-zoo/pid
PY=/usr/bin/python3
failed=0
tmp=$(mktemp -d /tmp/fathom-hostile.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

check() { # check NAME CMD...: run CMD, report ok/not ok (its output as comments on failure).
    local name=$1 out; shift
    if out=$("$@" 2>&1); then
        echo "ok - $name"
    else
        echo "not ok - $name"
        [[ -z $out ]] || sed 's/^/# /' <<<"$out"
        failed=$((failed + 1))
    fi
}

# The client side: `probe CHECK HOST` runs one check inside fx-scan.
cat >"$tmp/probe.py" <<'EOF'
import errno, socket, struct, sys, time

check, host = sys.argv[1], sys.argv[2]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET

def conn(port, timeout=2.0, sndbuf=None):
    s = socket.socket(fam, socket.SOCK_STREAM)
    if sndbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    s.settimeout(timeout)
    s.connect((host, port))
    return s

def read_for(s, secs, n=65536):
    """Everything received within secs (stops early at EOF)."""
    got, end = bytearray(), time.monotonic() + secs
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return bytes(got)
        s.settimeout(left)
        try:
            b = s.recv(n)
        except socket.timeout:
            return bytes(got)
        if not b:
            return bytes(got)
        got += b

def abort(s):  # close with a RST: leave nothing behind on the server
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()

def fail(msg):
    print(msg)
    sys.exit(1)

if check == "stream":  # > 100 KB within 1 s
    s = conn(7001)
    got = read_for(s, 1.0)
    abort(s)
    if len(got) <= 100 * 1024 or not got.startswith(b"STREAM "):
        fail("stream: %d bytes in 1 s, starts %r" % (len(got), got[:16]))

elif check == "drip":  # 1-3 bytes in 2 s
    s = conn(7002)
    got = read_for(s, 2.0)
    abort(s)
    if not 1 <= len(got) <= 3 or not b"220 drip".startswith(got):
        fail("drip: %r in 2 s" % got)

elif check == "reset":  # ECONNRESET on the first recv (or on connect,
    # when the RST beats the end of the non-blocking connect)
    try:
        s = conn(7003)
        b = s.recv(100)
        fail("reset: recv returned %r" % b)
    except ConnectionResetError:
        pass
    except socket.timeout:
        fail("reset: recv timed out")

elif check == "zerowin":  # 1 MB never gets through; nothing comes back
    s = conn(7004, sndbuf=65536)
    data, sent, end = b"z" * 65536, 0, time.monotonic() + 3.0
    while sent < 1 << 20 and time.monotonic() < end:
        s.settimeout(max(end - time.monotonic(), 0.01))
        try:
            sent += s.send(data)
        except socket.timeout:
            break
    s.setblocking(False)
    try:
        back = s.recv(100)
    except BlockingIOError:
        back = None
    abort(s)
    if sent >= 1 << 20:
        fail("zerowin: all of 1 MB was accepted")
    if back is not None:
        fail("zerowin: server sent %r" % back)
    print("zerowin: %d bytes accepted before the window closed" % sent)

elif check == "random":  # a burst on connect, then 200-2000 bytes per chunk sent
    s = conn(7005)
    first = read_for(s, 0.6)
    s.sendall(b"x")
    got = read_for(s, 0.5)
    abort(s)
    if not 200 <= len(first) <= 2000:
        fail("random: %d bytes on connect" % len(first))
    if not 200 <= len(got) <= 2000:
        fail("random: %d bytes after sending x" % len(got))

elif check == "brokentls":  # TLS record header, then garbage keeps dripping
    s = conn(7006)
    s.sendall(bytes.fromhex("160301002f0100002b0303") + b"\0" * 32 + b"\0\0\2\0\x2f\1\0")
    got = read_for(s, 1.0)
    more = read_for(s, 2.5)
    abort(s)
    if not got.startswith(b"\x16\x03\x03"):
        fail("brokentls: answer starts %r" % got[:8])
    if not more:
        fail("brokentls: no garbage after the first answer")

elif check == "slowftp":  # silent for 2 s, then the 220 line by 4 s; 500 ? per line
    t0 = time.monotonic()
    s = conn(7007)
    early = read_for(s, 2.0)
    if early:
        fail("slowftp: %r within 2 s" % early)
    got = b""
    while not got.endswith(b"\r\n") and time.monotonic() - t0 < 4.0:
        b = read_for(s, 4.0 - (time.monotonic() - t0), 1)
        if not b:
            break
        got += b
    if got != b"220 slowftp FTP server (Version 1.2.3) ready.\r\n":
        fail("slowftp: %r by 4 s" % got)
    s.sendall(b"SYST\r\n")
    ans = read_for(s, 1.0)
    if ans != b"500 ?\r\n":
        fail("slowftp: SYST answered %r" % ans)
    s.sendall(b"QUIT\r\n")
    ans = read_for(s, 2.0)
    s.close()
    if ans != b"221 Goodbye.\r\n":
        fail("slowftp: QUIT answered %r" % ans)

elif check == "tcpwrapped":  # EOF (a FIN, not a RST) with 0 bytes
    s = conn(7008)
    try:
        b = s.recv(100)
    except OSError as e:
        fail("tcpwrapped: %r" % e)
    s.close()
    if b != b"":
        fail("tcpwrapped: got %r" % b)

elif check == "flood":  # 250 held connections: the server caps itself, 7008 still answers
    held = []
    for i in range(250):
        held.append(conn(7004 if i % 2 else 7001))
    s = conn(7008)
    b = s.recv(100)
    s.close()
    for h in held:
        abort(h)
    if b != b"":
        fail("flood: 7008 answered %r while 250 connections were held" % b)

else:
    fail("unknown check " + check)
EOF
probe() { ip netns exec fx-scan timeout 20 "$PY" "$tmp/probe.py" "$@"; }

listens_all() {
    local set p
    set=$(ip netns exec fx-hostile ss -ltnH | awk '{print $4}')
    for p in 7001 7002 7003 7004 7005 7006 7007 7008; do
        grep -q "^0.0.0.0:$p\$" <<<"$set" || { echo "no IPv4 listener on $p"; return 1; }
        grep -q "^\[::\]:$p\$" <<<"$set" || { echo "no IPv6 listener on $p"; return 1; }
    done
}
# not_tls: openssl's handshake with 7006 never yields a certificate.
not_tls() {
    ! ip netns exec fx-scan timeout 4 openssl s_client -connect "$HOST:7006" </dev/null 2>/dev/null |
        grep -q 'BEGIN CERTIFICATE'
}
server_pid() { local p; read -r p <"$PIDFILE" && kill -0 "$p" && echo "$p"; }
# server_ok PID: the same server process is alive and small.
server_ok() {
    local rss
    [[ $(server_pid) == "$1" ]] || { echo "server pid changed or died (was $1)"; return 1; }
    rss=$(awk '/^VmRSS/{print $2}' "/proc/$1/status")
    ((rss < 100000)) || { echo "server RSS ${rss} kB"; return 1; }
}

# --- the host --------------------------------------------------------------------
check "fx-hostile exists" test -e /run/netns/fx-hostile
check "tools/lab addr hostile is $HOST" test "$("$LAB" addr hostile)" = "$HOST"
check "ping $HOST from fx-scan" ip netns exec fx-scan ping -c1 -W1 "$HOST"
check "ping $HOST6 from fx-scan" ip netns exec fx-scan ping -c1 -W1 "$HOST6"
check "fx-hostile listens on 7001-7008 (IPv4 and IPv6)" listens_all
pid=$(server_pid) || pid=
check "hostile server is running" test -n "$pid"

# --- the services ----------------------------------------------------------------
check "7001 stream: > 100 KB in 1 s" probe stream "$HOST"
check "7002 drip: 1-3 bytes in 2 s" probe drip "$HOST"
check "7003 reset: ECONNRESET on connect or first recv" probe reset "$HOST"
check "7004 zero window: 1 MB send times out, nothing sent back" probe zerowin "$HOST"
check "7005 random: bytes on connect and after sending x" probe random "$HOST"
check "7006 broken TLS: answer starts 16 03 03, garbage follows" probe brokentls "$HOST"
check "7006 broken TLS: openssl gets no certificate" not_tls
check "7007 slow greeter: silent 2 s, 220 banner by 4 s, 500 ?, 221" probe slowftp "$HOST"
check "7008 tcpwrapped: EOF with 0 bytes" probe tcpwrapped "$HOST"
check "7001 stream over IPv6" probe stream "$HOST6"
check "7008 tcpwrapped over IPv6" probe tcpwrapped "$HOST6"

# --- the server bounds itself ------------------------------------------------------
check "250 held connections: 7008 still answers" probe flood "$HOST"
check "7007 slow greeter still works after the flood" probe slowftp "$HOST"
check "server survived (same pid, RSS < 100 MB)" server_ok "$pid"
check "tools/lab status exits 0" "$LAB" status

((failed == 0)) || echo "# $failed check(s) failed" >&2
exit $((failed > 0))
