#!/usr/bin/env bash
# test_invdb.sh -- the inventory database (-oS) against a real SQLite file and
# a private PostgreSQL cluster: rows equal the same run's -oX, kill -9 leaves
# whole hosts only, concurrent scans into one PostgreSQL, and fathom diff on
# two scans of a lab host between which a listener went away and another
# came (the same text as Debian's ndiff on the two XML files).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pglib.sh"

cd "$tmp" || exit 1
LISTEN_PIDS=()
cleanup_invdb() {
	local p
	for p in "${LISTEN_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	pg_stop
}
trap 'cleanup_invdb; [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT

# The ports, states and services of an -oX file (or of a database's scan,
# through fathom diff's reader in both cases would be circular: read the
# XML with Python's parser instead), one "addr port state name product
# version extrainfo" line each, sorted.
xml_rows() {
	python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    a = [x.get("addr") for x in h.iter("address") if x.get("addrtype") != "mac"][0]
    for p in h.iter("port"):
        s = p.find("service")
        g = (lambda k: (s.get(k) if s is not None and s.get(k) is not None else ""))
        print("|".join([a, p.get("portid"), p.find("state").get("state"),
                        g("name"), g("product"), g("version"), g("extrainfo")]))
PY
}
SQL_ROWS="SELECT p.addr || '|' || p.port || '|' || p.state || '|' ||
  coalesce(s.name, '') || '|' || coalesce(s.product, '') || '|' ||
  coalesce(s.version, '') || '|' || coalesce(s.extrainfo, '')
  FROM ports p LEFT JOIN services s USING (scan_id, addr, protocol, port)
  WHERE p.scan_id = (SELECT max(id) FROM scans)"
sqlite_rows() { sqlite3 "$1" "$SQL_ROWS" | LC_ALL=C sort; }
pg_rows() { psql_q "$SQL_ROWS" | LC_ALL=C sort; }

check "a private PostgreSQL cluster starts (unix socket only)" pg_start
check "the cluster listens on no TCP port" \
	sh -c "! ss -Hltnp | grep -q \"postgres\""

SVC_PORTS=21,22,25,80,110,113,443,3306,6379,8080,11211
# ---- -sV into SQLite and into PostgreSQL: the rows are the run's -oX ----
fathom -n -sV -p "$SVC_PORTS" "$SVC" "$QUIET" -oX sq.xml -oS inv.sqlite \
	>sq.txt 2>sq.err
check "-sV -oS FILE.sqlite: exit 0 ($(head -c 200 sq.err))" test $? = 0
xml_rows sq.xml | LC_ALL=C sort >sq.want
sqlite_rows inv.sqlite >sq.got
check "SQLite: $(wc -l <sq.got) port rows, the -oX of the run has $(wc -l <sq.want)" \
	test -s sq.want -a "$(wc -l <sq.got)" = "$(wc -l <sq.want)"
if cmp -s sq.want sq.got; then ok "SQLite: every port, state, service, product, version as -oX"
else notok "SQLite rows differ from -oX"; diff sq.want sq.got | head -10 | sed 's/^/#   /'; fi
check "SQLite: the scan is 'success' with its end time and counts" \
	test "$(sqlite3 inv.sqlite "SELECT status, hosts_up, end_time IS NOT NULL FROM scans")" = "success|2|1"
check "SQLite: an open service has a CPE (OpenSSH)" \
	sh -c "sqlite3 inv.sqlite \"SELECT cpe FROM services WHERE port = 22 AND addr = '$SVC'\" | grep -q '^cpe:/a:openbsd:openssh'"
check "SQLite: integrity_check ok" test "$(sqlite3 inv.sqlite 'PRAGMA integrity_check')" = ok
$FATHOM diff inv.sqlite#last sq.xml >d.txt 2>&1
check "fathom diff inv.sqlite#last sq.xml: the same scan (exit 0)" test $? = 0

fathom -n -sV -p "$SVC_PORTS" "$SVC" "$QUIET" -oX pg.xml -oS "$PG_URI" \
	>pg.txt 2>pg.err
check "-sV -oS postgresql://: exit 0 ($(head -c 200 pg.err))" test $? = 0
xml_rows pg.xml | LC_ALL=C sort >pg.want
pg_rows >pg.got
if test -s pg.want && cmp -s pg.want pg.got; then
	ok "PostgreSQL: every port, state, service, product, version as -oX ($(wc -l <pg.got) rows)"
else notok "PostgreSQL rows differ from -oX"; diff pg.want pg.got | head -10 | sed 's/^/#   /'; fi
check "PostgreSQL: the scan is 'success' with 2 hosts up" \
	test "$(psql_q "SELECT status || ' ' || hosts_up FROM scans")" = "success 2"
$FATHOM diff "$PG_URI#last" pg.xml >d.txt 2>&1
check "fathom diff URI#last pg.xml: the same scan (exit 0)" test $? = 0

# ---- kill -9 while hosts are being written: only whole hosts remain ----
# 4096 live crowd hosts, -sV on 22 and 80: every host row must come with
# both its port rows and both service rows, or not at all.
halfrows="SELECT count(*) FROM hosts h WHERE h.scan_id = (SELECT max(id) FROM scans) AND (
  (SELECT count(*) FROM ports p WHERE p.scan_id = h.scan_id AND p.addr = h.addr) <> 2 OR
  (SELECT count(*) FROM services s WHERE s.scan_id = h.scan_id AND s.addr = h.addr) <> 2)"
kill9() { # kill9 TARGET POLLCMD: starts the scan, kills it once >= 20 hosts are in
	local target=$1 poll=$2 pid fp n=0
	ip netns exec fx-scan "$FATHOM" -n -sV -p22,80 --max-rate 20000 198.19.0.0/18 \
		-oS "$target" >k.txt 2>k.err &
	pid=$!
	fp=$(fathom_pid "$pid") || return 1
	for _ in $(seq 600); do
		n=$(eval "$poll" 2>/dev/null || echo 0)
		[ "${n:-0}" -ge 20 ] && break
		sleep 0.05
	done
	kill -9 "$fp"
	wait "$pid" 2>/dev/null
	echo "$n"
}
n=$(kill9 kill.sqlite "sqlite3 kill.sqlite 'SELECT count(*) FROM hosts'")
hosts=$(sqlite3 kill.sqlite "SELECT count(*) FROM hosts")
check "kill -9 (SQLite): killed part-way ($hosts of 4096 hosts written)" \
	test "${hosts:-0}" -ge 20 -a "${hosts:-0}" -lt 4096
check "kill -9 (SQLite): no host without both ports and services" \
	test "$(sqlite3 kill.sqlite "$halfrows")" = 0
check "kill -9 (SQLite): the scan stays 'running', no end time" \
	test "$(sqlite3 kill.sqlite "SELECT status, end_time IS NULL FROM scans")" = "running|1"
check "kill -9 (SQLite): integrity_check ok" test "$(sqlite3 kill.sqlite 'PRAGMA integrity_check')" = ok
n=$(kill9 "$PG_URI" "psql_q \"SELECT count(*) FROM hosts WHERE scan_id = (SELECT max(id) FROM scans)\"")
kid=$(psql_q "SELECT max(id) FROM scans")
hosts=$(psql_q "SELECT count(*) FROM hosts WHERE scan_id = $kid")
check "kill -9 (PostgreSQL): killed part-way ($hosts of 4096 hosts written)" \
	test "${hosts:-0}" -ge 20 -a "${hosts:-0}" -lt 4096
check "kill -9 (PostgreSQL): no host without both ports and services" \
	test "$(psql_q "$halfrows")" = 0
check "kill -9 (PostgreSQL): the scan stays 'running'" \
	test "$(psql_q "SELECT status FROM scans WHERE id = $kid")" = running

# ---- four scans at once into one PostgreSQL (shards of one crowd) ----
pids=()
for i in 0 1 2 3; do
	ip netns exec fx-scan "$FATHOM" -n -sV -p22,80 "198.19.$((i * 4)).0/22" \
		-oX "c$i.xml" -oS "$PG_URI" >"c$i.txt" 2>"c$i.err" &
	pids+=($!)
done
rcs=""
for p in "${pids[@]}"; do wait "$p"; rcs="$rcs$?"; done
check "4 concurrent scans into one PostgreSQL: all exit 0 ($rcs)" test "$rcs" = 0000
first=$((kid + 1))
check "4 concurrent scans: 4 scans 'success', 1024 hosts, 2048 services" \
	test "$(psql_q "SELECT count(*) || ' ' || sum(hosts_up) FROM scans WHERE id >= $first AND status = 'success'")|$(psql_q "SELECT count(*) FROM services WHERE scan_id >= $first")" = "4 1024|2048"
same=0
for i in 0 1 2 3; do
	id=$(psql_q "SELECT id FROM scans WHERE id >= $first AND args LIKE '%198.19.$((i * 4)).0/22%'")
	$FATHOM diff "$PG_URI#$id" "c$i.xml" >/dev/null 2>&1 && same=$((same + 1))
done
check "4 concurrent scans: each scan's rows equal its own -oX ($same of 4)" test "$same" = 4

# ---- --resume continues the interrupted run's scans row ----
# 64 crowd targets (16 up) in groups of 8, paced to about 6 s; one run
# whole, one interrupted by SIGINT after 2.5 s (as test_resume.sh) and
# resumed: the resumed database must hold one scan, each host once: the
# uninterrupted run's hosts, with the ports the resumed run's -oX lists.
RARGS=(-n -p22,80 --max-hostgroup 8 --max-rate 50 198.19.0.0-63)
# rhosts DBCMD ID: "addr|status|port" per port row of scan ID (port
# states are left out: the crowd's ssh answers late under a busy lab).
rhosts() {
	$1 "SELECT h.addr || '|' || h.status || '|' || coalesce(CAST(p.port AS TEXT), '')
	  FROM hosts h LEFT JOIN ports p USING (scan_id, addr) WHERE h.scan_id = $2" | LC_ALL=C sort
}
# rports DBCMD ID: scan ID's ports as xml_rows prints an -oX file's.
rports() {
	$1 "${SQL_ROWS/(SELECT max(id) FROM scans)/$2}" | LC_ALL=C sort
}
# rsummary DBCMD ID: the scans row and its hosts' counts in one line.
rsummary() {
	$1 "SELECT s.status || '|' || s.hosts_up || '|' || s.hosts_total || '|' ||
	  (SELECT count(*) || '|' || count(DISTINCT addr) || '|' || sum(complete) || '|' ||
	   count(DISTINCT seq) || '|' || max(seq) FROM hosts WHERE scan_id = s.id)
	  FROM scans s WHERE s.id = $2"
}
sq_ref() { sqlite3 rref.sqlite "$1"; }
sq_int() { sqlite3 rint.sqlite "$1"; }
fathom "${RARGS[@]}" -oS rref.sqlite >/dev/null 2>&1
check "resume: the whole run (SQLite) has 16 hosts up" \
	test "$(sq_ref "SELECT count(*) || '|' || sum(hosts_up) FROM scans")" = "1|16"
# interrupt NAME TARGET: the run into -oA NAME and -oS TARGET, SIGINT
# after 2.5 s; returns its exit status.
interrupt() {
	local pid
	ip netns exec fx-scan "$FATHOM" "${RARGS[@]}" -oA "$1" -oS "$2" >"$1.txt" 2>"$1.err" &
	pid=$!
	sleep 2.5
	kill -INT "$(fathom_pid "$pid")" 2>/dev/null
	wait "$pid"
}
interrupt rint rint.sqlite
rc=$?
n=$(sq_int "SELECT count(*) FROM hosts WHERE complete = 1")
check "resume (SQLite): interrupted (rc=$rc), $n of 16 hosts complete" \
	test "$rc" = 130 -a "$n" -ge 1 -a "$n" -lt 16
check "resume (SQLite): the scan is 'interrupted'" \
	test "$(sq_int "SELECT count(*) || '|' || status FROM scans")" = "1|interrupted"
fathom --resume rint.gnmap >rint2.txt 2>rint2.err
check "resume (SQLite): --resume exits 0" test $? = 0
check "resume (SQLite): still one scans row, now 'success'" \
	test "$(sq_int "SELECT count(*) || '|' || min(id) || '|' || status FROM scans")" = "1|1|success"
got=$(rsummary sq_int 1)
check "resume (SQLite): 16 up of 64, 16 hosts once each, all complete, in order 0..15 ($got)" \
	test "$got" = "success|16|64|16|16|16|16|15"
rhosts sq_ref 1 >rref.hosts
rhosts sq_int 1 >rint.hosts
if test "$(wc -l <rref.hosts)" = 32 && cmp -s rref.hosts rint.hosts; then
	ok "resume (SQLite): the uninterrupted run's 16 hosts and their 32 port rows"
else notok "resume (SQLite): hosts differ from the uninterrupted run's"; diff rref.hosts rint.hosts | head -10 | sed 's/^/#   /'; fi
xml_rows rint.xml | LC_ALL=C sort >rint.want
rports sq_int 1 >rint.got
if test -s rint.want && cmp -s rint.want rint.got; then
	ok "resume (SQLite): every port row as the resumed run's whole -oX"
else notok "resume (SQLite): port rows differ from the resumed -oX"; diff rint.want rint.got | head -10 | sed 's/^/#   /'; fi

# PostgreSQL: the same, among the other scans of the cluster.
interrupt pint "$PG_URI"
rc=$?
pid_=$(psql_q "SELECT id FROM scans WHERE args LIKE '%-oA pint %'")
check "resume (PostgreSQL): interrupted (rc=$rc), one 'interrupted' row" \
	test "$rc" = 130 -a "$(psql_q "SELECT status FROM scans WHERE args LIKE '%-oA pint %'")" = interrupted
fathom --resume pint.xml >pint2.txt 2>pint2.err
check "resume (PostgreSQL): --resume of the XML exits 0" test $? = 0
check "resume (PostgreSQL): still one row for the run, the same id" \
	test "$(psql_q "SELECT count(*) || '|' || min(id) FROM scans WHERE args LIKE '%-oA pint %'")" = "1|$pid_"
got=$(rsummary psql_q "$pid_")
check "resume (PostgreSQL): 16 up of 64, 16 hosts once each, all complete ($got)" \
	test "$got" = "success|16|64|16|16|16|16|15"
rhosts psql_q "$pid_" >pint.hosts
if cmp -s rref.hosts pint.hosts; then
	ok "resume (PostgreSQL): the uninterrupted run's 16 hosts and their 32 port rows"
else notok "resume (PostgreSQL): hosts differ from the uninterrupted run's"; diff rref.hosts pint.hosts | head -10 | sed 's/^/#   /'; fi
xml_rows pint.xml | LC_ALL=C sort >pint.want
rports psql_q "$pid_" >pint.got
if test -s pint.want && cmp -s pint.want pint.got; then
	ok "resume (PostgreSQL): every port row as the resumed run's whole -oX"
else notok "resume (PostgreSQL): port rows differ from the resumed -oX"; diff pint.want pint.got | head -10 | sed 's/^/#   /'; fi

# kill -9 leaves the row 'running' (and the files maybe behind the
# database): --resume takes the row over once its process is gone, and
# a host written again replaces its rows.
ip netns exec fx-scan "$FATHOM" "${RARGS[@]}" -oG k9.gnmap -oS k9.sqlite >/dev/null 2>&1 &
pid=$!
sleep 2.5
kill -9 "$(fathom_pid "$pid")"
wait "$pid" 2>/dev/null
check "resume after kill -9 (SQLite): the row stays 'running'" \
	test "$(sqlite3 k9.sqlite "SELECT count(*) || '|' || status FROM scans")" = "1|running"
fathom --resume k9.gnmap >/dev/null 2>&1
check "resume after kill -9 (SQLite): --resume exits 0" test $? = 0
got=$(rsummary "sqlite3 k9.sqlite" 1)
check "resume after kill -9 (SQLite): the same row, 16 hosts once each ($got)" \
	test "$got" = "success|16|64|16|16|16|16|15"

# ---- fathom diff: a listener stops, another starts, between two scans ----
# Two spare ports of fx-svc, listeners this test owns (never a lab daemon).
P1=47301 P2=47302
free_port() { ! ip netns exec fx-svc ss -Hltn "sport = :$1" | grep -q .; }
check "ports $P1 and $P2 of fx-svc are free" sh -c "$(declare -f free_port); free_port $P1 && free_port $P2"
ip netns exec fx-svc python3 -m http.server "$P1" --bind "$SVC" >/dev/null 2>&1 &
LISTEN_PIDS+=($!)
for _ in $(seq 50); do free_port "$P1" || break; sleep 0.1; done
fathom -n -sV -p "22,$P1,$P2" "$SVC" -oX d1.xml -oS diff.sqlite >/dev/null 2>&1
check "diff: first scan, $P1 open" grep -q "portid=\"$P1\"><state state=\"open\"" d1.xml
kill "${LISTEN_PIDS[0]}"; wait "${LISTEN_PIDS[0]}" 2>/dev/null
ip netns exec fx-svc python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(16)
while True:
    c, _ = s.accept(); c.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"); c.close()
' "$SVC" "$P2" >/dev/null 2>&1 &
LISTEN_PIDS+=($!)
for _ in $(seq 50); do free_port "$P2" || break; sleep 0.1; done
fathom -n -sV -p "22,$P1,$P2" "$SVC" -oX d2.xml -oS diff.sqlite >/dev/null 2>&1
check "diff: second scan, $P1 closed and $P2 open" \
	sh -c "grep -q 'portid=\"$P1\"><state state=\"closed\"' d2.xml && grep -q 'portid=\"$P2\"><state state=\"open\"' d2.xml"
# nmap's own XML of the same state (hosthint, times, its layout) too.
ip netns exec fx-scan nmap -n -Pn -sV -p "22,$P1,$P2" "$SVC" -oX n2.xml >/dev/null 2>&1
check "nmap -sV of the second state ran" test -s n2.xml
ndiff d1.xml n2.xml >ndn.txt
$FATHOM diff d1.xml n2.xml >fxn.txt
if cmp -s ndn.txt fxn.txt; then ok "diff of fathom's XML against nmap's: the same text as ndiff"
else notok "diff against nmap's XML differs from ndiff's"; diff ndn.txt fxn.txt | sed 's/^/#   /'; fi
ndiff d1.xml d2.xml >nd.txt
nrc=$?
$FATHOM diff d1.xml d2.xml >fx.txt
frc=$?
check "diff of the XML files: exit 1 as ndiff's ($frc, $nrc)" test "$frc" = 1 -a "$nrc" = 1
if cmp -s nd.txt fx.txt; then ok "diff of the XML files: the same text as Debian's ndiff"
else notok "diff of the XML files differs from ndiff's"; diff nd.txt fx.txt | sed 's/^/#   /'; fi
check "diff: ndiff's text shows $P1 open -> closed and $P2 closed -> open" \
	sh -c "grep -q '^-$P1/tcp *open' nd.txt && grep -q '^+$P1/tcp *closed' nd.txt && grep -q '^+$P2/tcp *open *ssh' nd.txt"
$FATHOM diff diff.sqlite 1 2 >db.txt
check "fathom diff DB 1 2: exit 1" test $? = 1
if cmp -s nd.txt db.txt; then ok "diff of the two scans in the database: ndiff's text for their XML"
else notok "database diff differs from ndiff on the XML"; diff nd.txt db.txt | sed 's/^/#   /'; fi
$FATHOM diff diff.sqlite#last~1 diff.sqlite#last >db2.txt
check "fathom diff DB#last~1 DB#last: the same text" cmp -s db.txt db2.txt
$FATHOM diff --json diff.sqlite 1 2 >db.ndjson
check "--json: valid NDJSON, $P1 closed and $P2 opened" python3 -c '
import json, sys
r = [json.loads(l) for l in open("db.ndjson")]
ch = {(x["port"], x["change"]) for x in r if x["type"] == "port"}
sys.exit(0 if (int(sys.argv[1]), "closed") in ch and (int(sys.argv[2]), "opened") in ch
         and r[-1]["type"] == "end" and r[-1]["different"] else 1)' "$P1" "$P2"
$FATHOM diff d1.xml d1.xml >same.txt
check "diff of a scan with itself: exit 0, no output" sh -c "test $? = 0 -a ! -s same.txt"

# ---- bad input: one line, documented status ----
fathom -n -p22 "$SVC" -oS "" >/dev/null 2>e1
check "-oS '': exit 2, one line" sh -c "test $? = 2 && test \$(wc -l <e1) = 1"
fathom -n -p22 "$SVC" -oS /nonexistent/dir/x.sqlite >/dev/null 2>e2
rc=$?
check "-oS in a missing directory: exit 1 before any packet ($rc: $(cat e2))" \
	sh -c "test $rc = 1 && grep -q 'cannot write /nonexistent/dir/x.sqlite' e2"
fathom -n -p22 "$SVC" -oS "postgresql://u:secret@/nodb?host=$tmp/none" >/dev/null 2>e3
rc=$?
check "-oS to a server that is not there: exit 1, the password not shown ($rc)" \
	sh -c "test $rc = 1 && grep -q 'cannot write postgresql://u@' e3 && ! grep -q secret e3"
$FATHOM diff a.xml >/dev/null 2>e4
check "fathom diff with one scan: exit 2" test $? = 2
$FATHOM diff inv.sqlite d1.xml >/dev/null 2>e5
check "fathom diff DB without a scan: exit 2, says to name one" \
	sh -c "test $? = 2 && grep -q 'name a scan' e5"
$FATHOM diff inv.sqlite#99 d1.xml >/dev/null 2>e6
check "fathom diff DB#99 (no such scan): exit 2" sh -c "test $? = 2 && grep -q 'no scan 99' e6"
