#!/usr/bin/env bash
# test_timeouts.sh -- --host-timeout in every phase (discovery, the sweep,
# -sU, -sV, -O), each timed-out host written in every format as nmap writes
# it (nmap runs beside fathom on the same host), fx-hostile's tarpits bounded
# without holding back another host, and the timing options accepted or
# refused in one line.
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
DTD=/usr/share/nmap/nmap.dtd
HOSTILE=198.18.0.20
have() { command -v "$1" >/dev/null 2>&1; }

# elapsed START: seconds since START (date +%s.%N), one decimal.
elapsed() { printf '%.1f' "$(echo "$(date +%s.%N) - $1" | bc)"; }

# --- timing options --------------------------------------------------------------
# refuse NAME TOKEN ARGS...: exit 2, one line on stderr naming TOKEN, no stdout.
refuse() {
	local name=$1 token=$2 rc lines
	shift 2
	fathom "$@" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	lines=$(wc -l <"$tmp/e")
	if [ "$rc" = 2 ] && [ "$lines" = 1 ] && grep -qF -- "$token" "$tmp/e" && [ ! -s "$tmp/o" ]; then
		ok "refused: $name (exit 2, one line naming '$token')"
	else
		notok "refused: $name: rc=$rc lines=$lines stderr=[$(head -c 200 "$tmp/e")]"
	fi
}
refuse "--max-rtt-timeout under 5 ms" "--max-rtt-timeout" --max-rtt-timeout 4ms -p80 "$SVC"
refuse "--initial-rtt-timeout 0" "--initial-rtt-timeout" --initial-rtt-timeout 0 -p80 "$SVC"
refuse "--min-rtt-timeout above --max-rtt-timeout" "--min-rtt-timeout" \
	--min-rtt-timeout 2s --max-rtt-timeout 1s -p80 "$SVC"
refuse "--scan-delay above --max-scan-delay" "--max-scan-delay" \
	--scan-delay 2s --max-scan-delay 1s -p80 "$SVC"
refuse "--max-scan-delay without a time" "--max-scan-delay" --max-scan-delay soon -p80 "$SVC"
refuse "--scan-delay negative" "--scan-delay" --scan-delay -5 -p80 "$SVC"
refuse "--host-timeout with a bad unit" "--host-timeout" --host-timeout 10d -p80 "$SVC"
refuse "--max-retries over 50" "--max-retries" --max-retries 51 -p80 "$SVC"
refuse "-T6" "-T6" -T6 -p80 "$SVC"

# Every timing option together, with units, is a valid command (--dry-run).
fathom -n --dry-run -p80 -T4 --min-rtt-timeout 50ms --max-rtt-timeout 2s \
	--initial-rtt-timeout 300ms --scan-delay 1ms --max-scan-delay 20ms \
	--max-retries 3 --host-timeout 1m "$SVC" >"$tmp/dry.txt" 2>"$tmp/dry.err"
check "every timing option accepted together (--dry-run, exit 0)" test $? = 0 -a ! -s "$tmp/dry.err"
# (A dry run is paced and waits its RTO too: -T0 would take 10 minutes;
# --min-rate and --max-rtt-timeout, which drags the initial one down, keep
# it short.)
for t in 0 1 2 3 4 5 paranoid insane; do
	fathom -n --dry-run --min-rate 100000 --max-rtt-timeout 100ms -p80 -T"$t" "$SVC" \
		>/dev/null 2>&1 || { notok "-T$t accepted"; continue; }
	ok "-T$t accepted"
done

# --- the shape of a timed-out host ---------------------------------------------------
# xml_shape FILE ADDR: the timed-out <host> of ADDR as nmap's DTD sees it:
# its attributes and children (names only), one per line.
cat >"$tmp/shape.py" <<'EOF'
import sys, xml.etree.ElementTree as ET
path, addr = sys.argv[1], sys.argv[2]
for h in ET.parse(path).getroot().iter("host"):
    if any(a.get("addr") == addr for a in h.findall("address")):
        print("host " + " ".join(sorted(h.attrib)))
        print("timedout=" + h.get("timedout", "-"))
        for c in h:
            # <times> comes with an RTT sample, whichever scanner got one.
            if c.tag != "times":
                print("child " + c.tag)
        st = h.find("status")
        print("status state=" + (st.get("state") if st is not None else "-"))
        break
else:
    print("no host " + addr)
EOF
xml_shape() { "$PY" "$tmp/shape.py" "$1" "$2"; }

# same_shape WHAT HOST BASE_FATHOM BASE_NMAP: the timed-out host in fathom's
# -oA files looks as it does in nmap's: normal, grepable, XML; NDJSON says
# "timeout" and lists no port; XML valid against nmap.dtd.
same_shape() {
	local what=$1 host=$2 f=$3 n=$4 fs ns
	check "$what: normal output skips $host due to host timeout" \
		grep -qx "Skipping host $host due to host timeout" "$f.nmap"
	check "$what: normal output lists no port of $host" \
		test "$(host_block "$f.nmap" "$host" | grep -cE '^[0-9]+/(tcp|udp) ')" = 0
	if [ -s "$n.nmap" ]; then
		check "$what: nmap says the same line" grep -qx "Skipping host $host due to host timeout" "$n.nmap"
		fs=$(grep -E "^Host: $host " "$f.gnmap" | sed 's/([^)]*)/()/')
		ns=$(grep -E "^Host: $host " "$n.gnmap" | sed 's/([^)]*)/()/')
		if [ -n "$fs" ] && [ "$fs" = "$ns" ]; then
			ok "$what: grepable line as nmap's: $fs"
		else
			notok "$what: grepable fathom [$fs] nmap [$ns]"
		fi
		fs=$(xml_shape "$f.xml" "$host")
		ns=$(xml_shape "$n.xml" "$host")
		if [ "$fs" = "$ns" ]; then
			ok "$what: XML <host> as nmap's ($(echo "$fs" | paste -sd' '))"
		else
			notok "$what: XML <host> fathom [$(echo "$fs" | paste -sd' ')] nmap [$(echo "$ns" | paste -sd' ')]"
		fi
	else
		notok "$what: nmap wrote nothing to compare with"
	fi
	check "$what: NDJSON host record says timeout" \
		grep -q "\"type\":\"host\",\"ip\":\"$host\",.*\"status\":\"timeout\"" "$f.ndjson"
	check "$what: NDJSON lists no port of $host" \
		sh -c "! grep -q '\"type\":\"port\",\"ip\":\"$host\"' '$f.ndjson'"
	if [ -r "$DTD" ] && have xmllint; then
		sed 's/<nmaprun scanner="fathom"/<nmaprun scanner="nmap"/' "$f.xml" >"$f.dtd.xml"
		check "$what: XML valid against nmap.dtd" xmllint --noout --dtdvalid "$DTD" "$f.dtd.xml"
	fi
}

# host_block FILE HOST: HOST's lines in normal output, up to the next blank.
host_block() { awk -v h="$2" '$0 == "Nmap scan report for " h {on = 1} on && /^$/ {exit} on' "$1"; }

# probes_sent PCAP: frames recorded leaving the scanner.
probes_sent() { tcpdump -r "$1" -n 2>/dev/null | wc -l; }

# --- the sweep ----------------------------------------------------------------------
# fx-quiet drops all but 3 ports: at 200 probes/s the 2000-port sweep would
# take 10 s. With a 2 s host timeout it stops early and the host is skipped.
capture_start "$tmp/sweep.pcap" "tcp[tcpflags] == tcp-syn and dst host $QUIET"
fathom -n -Pn -p1-2000 --max-rate 200 --host-timeout 2s -oA "$tmp/sweep" "$QUIET" >/dev/null 2>&1
rc=$?
capture_stop
sent=$(probes_sent "$tmp/sweep.pcap")
check "sweep: exit 0" test "$rc" = 0
check "sweep: stopped at the timeout ($sent of 2000 SYNs sent)" test "$sent" -gt 0 -a "$sent" -lt 2000
if have nmap; then
	ip netns exec fx-scan nmap -n -Pn -sS -p1-2000 --max-rate 200 --host-timeout 2s \
		-oA "$tmp/nsweep" "$QUIET" >/dev/null 2>&1
fi
same_shape "sweep" "$QUIET" "$tmp/sweep" "$tmp/nsweep"

# A host whose every port answers before the timeout is complete, not skipped.
fathom -n -Pn -p22,80 --host-timeout 5s "$SVC" >"$tmp/fast.txt" 2>&1
check "sweep: a host done in time is reported, not skipped" grep -qE '^22/tcp +open' "$tmp/fast.txt"

# --- -sU -------------------------------------------------------------------------------
capture_start "$tmp/udp.pcap" "udp and dst host $QUIET"
fathom -n -Pn -sU -p1-1000 --max-rate 100 --host-timeout 2s -oA "$tmp/udp" "$QUIET" >/dev/null 2>&1
rc=$?
capture_stop
sent=$(probes_sent "$tmp/udp.pcap")
check "-sU: exit 0" test "$rc" = 0
check "-sU: stopped at the timeout ($sent of 1000 datagrams sent)" test "$sent" -gt 0 -a "$sent" -lt 1000
if have nmap; then
	ip netns exec fx-scan nmap -n -Pn -sU -p1-1000 --max-rate 100 --host-timeout 2s \
		-oA "$tmp/nudp" "$QUIET" >/dev/null 2>&1
fi
same_shape "-sU" "$QUIET" "$tmp/udp" "$tmp/nudp"

# --- discovery ----------------------------------------------------------------------
# 256 echo requests at 50/s take 5 s. Each host's clock starts at its
# own first probe (nmap's per-host clock, engine/core/hostdeadline.h), so
# every address is asked; what the timeout bounds is how long one host
# is asked: no echo request to an address later than 1 s (+ 0.5 s for
# the pacing and the capture's clock) after its first.
capture_start "$tmp/disc.pcap" "icmp[icmptype] == icmp-echo and dst net 198.19.0.0/24"
fathom -n -sn -PE --max-rate 50 --host-timeout 1s 198.19.0.0/24 >"$tmp/disc.txt" 2>&1
rc=$?
capture_stop
sent=$(probes_sent "$tmp/disc.pcap")
span=$(tcpdump -tt -r "$tmp/disc.pcap" -n 2>/dev/null |
	awk '{ for (i = 1; i <= NF; i++) if ($i == ">") { d = $(i + 1); break }
	       if (!(d in f)) f[d] = $1; l[d] = $1 }
	     END { m = 0; for (d in f) if (l[d] - f[d] > m) m = l[d] - f[d]; printf "%.2f", m }')
check "discovery: exit 0" test "$rc" = 0
check "discovery: every address asked ($sent echo requests for 256)" test "$sent" -ge 256
check "discovery: no address asked past its own timeout (longest ${span} s)" \
	awk -v s="$span" 'BEGIN { exit !(s != "" && s <= 1.5) }'
check "discovery: the footer still counts every address" grep -q '256 IP addresses' "$tmp/disc.txt"

# --- -sV: a tarpit host next to a real one ------------------------------------------------
# fx-hostile's 1000 silent ports (10000-10999) and its silent, trickle and
# endless services: without a timeout, minutes of -sV. fx-svc's ssh and http
# in the same run must still be named, and fx-hostile skipped.
ip netns exec fx-hostile ss -ltnH | grep -q ':7010 ' ||
	notok "precondition: fx-hostile listens on 7010 (tools/lab up from this tree)"
start=$(date +%s.%N)
fathom -n -Pn -sV -v -p22,80,7010-7012,10000-10999 --host-timeout 10s -oA "$tmp/sv" "$SVC" "$HOSTILE" \
	>"$tmp/sv.out" 2>"$tmp/sv.err"
rc=$?
el=$(elapsed "$start")
check "-sV: exit 0 (${el}s)" test "$rc" = 0
check "-sV: fx-svc's ssh named beside the tarpit" grep -qE '^22/tcp +open +ssh +OpenSSH' "$tmp/sv.nmap"
check "-sV: fx-svc's http named beside the tarpit" grep -qE '^80/tcp +open +http +Apache' "$tmp/sv.nmap"
check "-sV: the tarpit host ends at its timeout (${el}s, far below the minutes it takes without)" \
	test "$(echo "$el < 60" | bc)" = 1
if have nmap; then
	ip netns exec fx-scan nmap -n -Pn -sV -v -p7010-7012,10000-10099 --host-timeout 10s \
		-oA "$tmp/nsv" "$HOSTILE" >"$tmp/nsv.out" 2>&1
fi
same_shape "-sV" "$HOSTILE" "$tmp/sv" "$tmp/nsv"
# nmap -v: the service scan's end line and its XML extrainfo count the
# hosts that ran out of time, not the services.
done_re='^Completed Service scan at [0-9:]+, [0-9.]+s elapsed \(1 host timed out\)$'
check "-sV -v: fathom's end line says 1 host timed out" grep -qE "$done_re" "$tmp/sv.out"
check "-sV -v: so does nmap's" grep -qE "$done_re" "$tmp/nsv.out"
check "-sV: XML taskend extrainfo as nmap's (1 host timed out)" \
	sh -c "grep -q '<taskend task=\"Service scan\" time=\"[0-9]*\" extrainfo=\"1 host timed out\"/>' '$tmp/sv.xml' &&
	grep -q '<taskend task=\"Service scan\" time=\"[0-9]*\" extrainfo=\"1 host timed out\"/>' '$tmp/nsv.xml'"
# Its <host> ends when -sV dropped it, after the sweep, as nmap's does.
ends=$("$PY" - "$tmp/sv.xml" "$HOSTILE" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
sweep = [t for t in r.iter("taskend") if t.get("task") == "SYN Stealth Scan"][0]
for h in r.iter("host"):
    if any(a.get("addr") == sys.argv[2] for a in h.findall("address")):
        print(int(h.get("endtime")) - int(sweep.get("time")))
PYEOF
)
check "-sV: the timed-out <host>'s endtime is past the sweep's end (+${ends:-?} s)" \
	test "${ends:-0}" -ge 1

# No timeout: fx-hostile (.20) comes before fx-svc2 (.40) in address
# order, and its thousand silent ports would fill every -sV slot for
# minutes if services started in that order. One port of each host in
# turn: fx-svc2's ssh is probed at once (--version-trace shows it).
fathom -n -Pn -sV --version-trace -p22,10000-10999 "$HOSTILE" 198.18.0.40 \
	>"$tmp/fair.txt" 2>"$tmp/fair.err" &
bg=$!
seen=0
for _ in $(seq 100); do
	grep -q ' 198\.18\.0\.40:22 ' "$tmp/fair.err" && { seen=1; break; }
	sleep 0.2
done
fpid=$(fathom_pid "$bg") && kill -INT "$fpid"
wait "$bg"
check "-sV: a host behind a 1000-port tarpit is probed at once (not after it)" test "$seen" = 1

# --- -O -----------------------------------------------------------------------------------
# fx-quiet drops -O's probes to filtered ports and its closed UDP port: its
# rounds wait for them. The sweep of two ports is over long before 1.5 s.
fathom -n -Pn -O -v -p22,113 --host-timeout 1500ms -oA "$tmp/os" "$QUIET" >"$tmp/os.out" 2>&1
rc=$?
check "-O: exit 0" test "$rc" = 0
check "-O: the sweep ended before the timeout" grep -q 'taskend task="SYN Stealth Scan"' "$tmp/os.xml"
check "-O: OS detection began" grep -q 'Initiating OS detection' "$tmp/os.out"
check "-O: the host was skipped" grep -qx "Skipping host $QUIET due to host timeout" "$tmp/os.nmap"
check "-O: no OS block for it in the XML" sh -c "! grep -q '<os>' '$tmp/os.xml'"

# --- the tarpits themselves ------------------------------------------------------------------
# Without --host-timeout, per-probe waits bound each tarpit service: the
# trickle (a byte every 4 s) and the endless line (never a CR/LF) end like
# any service, and fathom's memory stays small.
start=$(date +%s.%N)
ip netns exec fx-scan /usr/bin/time -f %M -o "$tmp/pit.rss" "$FATHOM" -n -Pn -sV -p7011,7012 "$HOSTILE" \
	>"$tmp/pit.txt" 2>"$tmp/pit.err"
rc=$?
el=$(elapsed "$start")
rss=$(tail -1 "$tmp/pit.rss")
check "tarpits: trickle and endless end by themselves (exit $rc, ${el}s)" test "$rc" = 0
check "tarpits: both listed open" test "$(grep -cE '^701[12]/tcp +open' "$tmp/pit.txt")" = 2
check "tarpits: peak RSS ${rss} kB < 64 MB" test "${rss:-999999}" -lt 65536
