#!/usr/bin/env bash
# test_onepass.sh -- one pass: -sV's first connection to each open port is the
# sweep's own handshake (one SYN, not two), with the same answers as without.
source "$(dirname "$0")/lib.sh"

SCAN=198.18.0.2
OWN=198.18.0.78 # free in the lab: no namespace holds it (test_rstmodes: .77)
HOSTILE=198.18.0.20
HOSTILE_PORTS=7003,7004,7007,7008 # reset at once, zero window, slow banner, FIN
SVC6=fd5a:7a6f:1ab0:1::10

PORTS=$(listening_v4 fx-svc "$SVC" | paste -sd, -)
NOPEN=$(listening_v4 fx-svc "$SVC" | wc -l)
check "fx-svc listens on ports to probe ($NOPEN)" test "$NOPEN" -gt 5

# The PORT table and Service Info lines. The TLS certificate's names in
# 7979's extrainfo come and go from run to run on main too (whether the
# reply was matched in one piece or in two: recog_offer sees the cert
# only then), so that one field is left out of the comparison.
answers() {
	grep -E '^[0-9]+/tcp |^Service Info' "$1" |
		sed -E 's/ ?\(cert CN=[^)]*\)//; s/  +/ /g'
}

# run MODE NAME SRC ARGS...: fathom -d -sV --one-pass MODE, capturing every
# TCP frame that leaves the scanner from SRC for the targets (lib.sh).
run() {
	local m=$1 name=$2 src=$3
	shift 3
	capture_start "$tmp/$name.pcap" "tcp and src host $src and (dst host $SVC or dst host $HOSTILE)" ||
		notok "$name: capture did not start"
	fathom -n -d --version-trace -sV --one-pass "$m" "$@" >"$tmp/$name.txt" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
	capture_stop
}

# fields PCAP: "sport dport flags seq" per frame (tcpdump -S: absolute seq).
fields() {
	tcpdump -r "$1" -n -S 2>/dev/null | awk '{
		n = split($3, a, "."); m = split($5, b, "."); dp = b[m]; sub(":", "", dp)
		s = $9; sub(",", "", s); print a[n], dp, $7, s }'
}

# syns PCAP sw|sv: "port count" of the connections opened per destination
# port from the sweep's source ports (sw: 61000-62023) or from -sV's (sv):
# distinct 4-tuples with a SYN, so a SYN retransmitted under load (same
# 4-tuple) is not taken for one more handshake.
syns() {
	fields "$1" | awk -v want="$2" '$3 == "[S]," && !(($1 "-" $2) in seen) {
		seen[$1 "-" $2] = 1
		r = ($1 >= 61000 && $1 <= 62023) ? "sw" : "sv"
		if (r == want) c[$2]++
	} END { for (p in c) print p, c[p] }' | sort -n
}

# adopted PCAP: "port sport" for each sweep SYN whose own 4-tuple then
# carries a pure ACK from fathom (its ACK of the peer's SYN-ACK; the kernel
# only ever resets these 4-tuples): the handshakes -sV took over. Other
# scanners' SYNs (the lab is shared) have no such ACK.
adopted() {
	fields "$1" | awk '$1 >= 61000 && $1 <= 62023 {
		t = $1 "-" $2
		if ($3 == "[S],") syn[t] = 1
		else if ($3 == "[.]," && (t in syn) && !(t in done)) {
			done[t] = 1; print $2, $1 }
	}' | sort -n
}

same() { cmp -s <(answers "$1") <(answers "$2"); }

# ---- one SYN per open port: from an address of this test alone -----------------
# The lab is shared: other scans leave fx-scan for fx-svc from the same
# address and port ranges. -S with an address the kernel does not own
# (fathom answers ARP for it; no nft guard is needed) makes every frame
# from it this test's, so SYNs can be counted.
run off foff "$OWN" -S "$OWN" -e eth0 -p "$PORTS" "$SVC"
run on fon "$OWN" -S "$OWN" -e eth0 -p "$PORTS" "$SVC"
check "-S $OWN: both runs exit 0" \
	test "$(cat "$tmp/foff.rc")$(cat "$tmp/fon.rc")" = 00
check "-S $OWN: every open port's handshake adopted ($NOPEN)" \
	grep -q "one pass: $NOPEN handshakes adopted" "$tmp/fon.err"
# Adopted, then found not established (a server that defers accept until
# data, as Apache does on Linux, looks like one whose accept queue is
# full): those opened afresh.
fresh=$(sed -n 's/.*adopted (\([0-9]*\) of them opened afresh).*/\1/p' "$tmp/fon.err")
syns "$tmp/fon.pcap" sw >"$tmp/fon.sw"
syns "$tmp/fon.pcap" sv >"$tmp/fon.sv"
syns "$tmp/foff.pcap" sv >"$tmp/foff.sv"
adopted "$tmp/fon.pcap" | cut -d' ' -f1 >"$tmp/fon.adopted"
listening_v4 fx-svc "$SVC" >"$tmp/want"
bad=$(awk '$2 != 1' "$tmp/fon.sw" | wc -l)
check "-S $OWN: one sweep SYN per open port ($(wc -l <"$tmp/fon.sw") ports, $bad not one)" \
	bash -c "[ $bad = 0 ] && cmp -s <(cut -d' ' -f1 '$tmp/fon.sw') '$tmp/want'"
check "-S $OWN: fathom's ACK finished each sweep handshake ($(wc -l <"$tmp/fon.adopted") of $NOPEN)" \
	cmp -s "$tmp/fon.adopted" "$tmp/want"
# Per port, -sV's connections (the trace's "connection opened", the
# sweep's adopted handshake among them) against -sV's own SYNs on the
# wire. How many probes a port gets depends on timing (a hard match that
# comes early stops the probes not yet started; a probe reset or left
# silent is tried again), so each run is checked against its own trace,
# not against the other run: without one pass every connection costs a
# SYN; with it, each port's first costs none, except where the adopted
# handshake had to be opened afresh.
opened() {
	sed -n "s/^Service scan: [0-9.]*s $SVC:\([0-9]*\) .* connection opened .*/\1/p" "$1" |
		sort -n | uniq -c | awk '{ print $2, $1 }'
}
# saved OPENED SYNS: "port opened-minus-syns" for every port opened.
saved() {
	join -a1 -e0 -o 0,1.2,2.2 <(sort -k1,1 "$1") <(sort -k1,1 "$2") |
		awk '{ print $1, $2 - $3 }' | sort -n
}
opened "$tmp/foff.err" >"$tmp/foff.op"
opened "$tmp/fon.err" >"$tmp/fon.op"
saved "$tmp/foff.op" "$tmp/foff.sv" >"$tmp/foff.saved"
saved "$tmp/fon.op" "$tmp/fon.sv" >"$tmp/fon.saved"
odd=$(awk '$2 != 0 { printf "%s: %s; ", $1, $2 }' "$tmp/foff.saved")
check "-S $OWN, off: one SYN per -sV connection on each of $(wc -l <"$tmp/foff.saved") ports${odd:+ (opened minus SYNs: $odd)}" \
	bash -c "[ -z '$odd' ] && cmp -s <(cut -d' ' -f1 '$tmp/foff.saved') '$tmp/want'"
less=$(awk '$2 == 1' "$tmp/fon.saved" | wc -l)
same_n=$(awk '$2 == 0' "$tmp/fon.saved" | wc -l)
odd=$(awk '$2 != 0 && $2 != 1 { printf "%s: %s; ", $1, $2 }' "$tmp/fon.saved")
check "-S $OWN: one handshake less on $less ports, as many on the $same_n opened afresh (${fresh:-?})${odd:+ ($odd)}" \
	bash -c "[ -z '$odd' ] && [ $same_n = '${fresh:-x}' ] && [ $((less + same_n)) = $NOPEN ] && [ $less -gt $((NOPEN / 2)) ]"
# Where the NULL probe alone names the service (a greeting), the port saw
# exactly one SYN from fathom in all: the sweep's.
one=$(awk '$2 == 1 { print $1 }' "$tmp/fon.op" | paste -sd, -)
extra=$(for p in ${one//,/ }; do grep -q "^$p " "$tmp/fon.sv" && echo -n "$p "; done)
check "-S $OWN: greeting ports ($one) saw exactly one SYN from fathom${extra:+ (more: $extra)}" \
	test -n "$one" -a -z "$extra"
check "-S $OWN: answers identical with and without one pass" \
	same "$tmp/foff.txt" "$tmp/fon.txt"

# ---- the nft guard: up before the sweep sends ---------------------------------
run off off "$SCAN" -p "$PORTS" "$SVC"
run on on "$SCAN" -p "$PORTS" "$SVC"
check "guard: both runs exit 0" \
	test "$(cat "$tmp/off.rc")$(cat "$tmp/on.rc")" = 00
check "guard: -sV over fathom's TCP with the nft guard" \
	grep -q 'vscan:.*userspace TCP (nft guard)' "$tmp/on.err"
check "guard: every open port's handshake adopted ($NOPEN), none reset unused" \
	grep -q "one pass: $NOPEN handshakes adopted (${fresh:-x} of them opened afresh), 0 too old and 0 unused reset, 0 over" "$tmp/on.err"
check "guard, off: no handshake adopted" sh -c "! grep -q 'one pass' '$tmp/off.err'"
adopted "$tmp/on.pcap" >"$tmp/on.adopted"
check "guard: fathom's ACK finished one sweep handshake per open port" \
	cmp -s <(cut -d' ' -f1 "$tmp/on.adopted") "$tmp/want"
# The kernel's RST for a SYN-ACK has no ACK flag; fathom's own have one.
kr=$(fields "$tmp/on.pcap" | awk 'NR == FNR { a[$2 "-" $1] = 1; next }
	$3 == "[R]," && (($1 "-" $2) in a)' "$tmp/on.adopted" - | wc -l)
check "guard: no kernel RST on the adopted handshakes ($kr)" test "$kr" = 0
n=$(answers "$tmp/on.txt" | grep -c '/tcp')
check "guard: every port answered ($n of $NOPEN)" test "$n" = "$NOPEN"
if same "$tmp/off.txt" "$tmp/on.txt"; then
	ok "guard: -sV answers identical with and without one pass ($NOPEN ports)"
else
	notok "guard: -sV answers differ with one pass"
	diff <(answers "$tmp/off.txt") <(answers "$tmp/on.txt") | sed 's/^/# /'
fi

# ---- services that reset, close or stall right after the handshake -------------
run off hoff "$SCAN" -p "$HOSTILE_PORTS" "$HOSTILE"
run on hon "$SCAN" -p "$HOSTILE_PORTS" "$HOSTILE"
check "fx-hostile: both runs exit 0" \
	test "$(cat "$tmp/hoff.rc")$(cat "$tmp/hon.rc")" = 00
n=$(answers "$tmp/hon.txt" | grep -c '/tcp')
check "fx-hostile: answers identical with and without one pass ($n ports)" \
	bash -c "[ $n = 4 ] && cmp -s <(grep -E '^[0-9]+/tcp ' '$tmp/hoff.txt') <(grep -E '^[0-9]+/tcp ' '$tmp/hon.txt')"
check "fx-hostile: every handshake adopted" \
	grep -q 'one pass: 4 handshakes adopted' "$tmp/hon.err"
check "fx-hostile: 7008 (FIN at once) is tcpwrapped with one pass" \
	grep -qE '^7008/tcp +open +tcpwrapped' "$tmp/hon.txt"

# ---- many services behind one daemon: the crowd's one sshd and nginx --------------
# 256 addresses, one listener each for 22 and 80 (sshd's backlog 128): the
# sweep holds at most 128 handshakes for -sV and resets the rest as the
# kernel would; every service is still named, as without one pass.
CNET=198.19.0.0/22
named() { grep -cE '^(22|80)/tcp +open +[a-z/-]+ +[A-Za-z]' "$1"; }
fathom -n -T4 -d -sV --one-pass on -p22,80 "$CNET" >"$tmp/con.txt" 2>"$tmp/con.err"
rc1=$?
fathom -n -T4 -sV --one-pass off -p22,80 "$CNET" >"$tmp/coff.txt" 2>/dev/null
rc2=$?
nc=$(grep -cE '^(22|80)/tcp +open' "$tmp/coff.txt")
check "crowd: both runs exit 0 ($rc1, $rc2)" test "$rc1$rc2" = 00
check "crowd: 128 handshakes adopted, the other $((nc - 128)) reset by the sweep" \
	grep -q "one pass: 128 handshakes adopted .* 0 unused reset, $((nc - 128)) over the bound" "$tmp/con.err"
check "crowd: every service named with one pass ($(named "$tmp/con.txt") of $nc)" \
	test "$(named "$tmp/con.txt")" = "$nc"
check "crowd: answers identical with and without one pass" \
	cmp -s <(grep -E '^Nmap scan report|^(22|80)/tcp' "$tmp/con.txt") <(grep -E '^Nmap scan report|^(22|80)/tcp' "$tmp/coff.txt")

# ---- -sV too late: a handshake older than 10 s gives way to a new one -----------
# --scan-delay stretches the sweep so its first SYN-ACKs age past the limit.
LATE=21,22,25,80,110,143,443,993,995,6379,8080,11211
run on late "$SCAN" --scan-delay 1100ms -p "$LATE" "$SVC"
check "late: exits 0" test "$(cat "$tmp/late.rc")" = 0
old=$(sed -n 's/.*, \([0-9]*\) too old and.*/\1/p' "$tmp/late.err")
check "late: the oldest handshakes were reset, not adopted (${old:-none} too old)" \
	test "${old:-0}" -ge 1
check "late: answers equal the fresh connections' (off)" \
	cmp -s <(answers "$tmp/late.txt") <(answers "$tmp/off.txt" | grep -E "^($(echo "$LATE" | tr , '|'))/tcp|^Service Info")
# Sweep 4-tuples that got fathom's RST+ACK (the kernel's carry no ACK)
# and never its ACK: the handshakes reset instead of adopted.
r=$(fields "$tmp/late.pcap" | awk '$1 >= 61000 && $1 <= 62023 {
	t = $1 "-" $2
	if ($3 == "[S],") syn[t] = $4
	else if ($3 == "[.],") acked[t] = 1
	else if ($3 == "[R.]," && (t in syn) && $4 == syn[t] + 1) rst[t] = 1
} END { for (t in rst) if (!(t in acked)) n++; print n + 0 }')
check "late: fathom reset each too old handshake itself ($r of ${old:-?})" \
	test "$r" = "${old:-x}"

# ---- IPv6: the same, or a clean fresh connection ----------------------------------
P6=21,22,25,80,111,443,993,6379,8080
ip netns exec fx-scan "$FATHOM" -6 -n -d -sV --one-pass on -p "$P6" "$SVC6" >"$tmp/v6on.txt" 2>"$tmp/v6on.err"
rc1=$?
ip netns exec fx-scan "$FATHOM" -6 -n -d -sV --one-pass off -p "$P6" "$SVC6" >"$tmp/v6off.txt" 2>"$tmp/v6off.err"
rc2=$?
check "-6: both runs exit 0 ($rc1, $rc2)" sh -c "[ $rc1 = 0 ] && [ $rc2 = 0 ]"
check "-6: the 9 handshakes adopted" grep -q 'one pass: 9 handshakes adopted' "$tmp/v6on.err"
n=$(grep -c '/tcp ' "$tmp/v6on.txt")
check "-6: answers identical with and without one pass ($n ports)" \
	bash -c "[ $n = 9 ] && cmp -s <(grep -E '^[0-9]+/tcp |^Service Info' '$tmp/v6on.txt') <(grep -E '^[0-9]+/tcp |^Service Info' '$tmp/v6off.txt')"

# ---- where it does not apply, nothing changes --------------------------------------
fathom -n -d -sV -g 40000 -p22 "$SVC" >"$tmp/g.txt" 2>"$tmp/g.err"
check "-g: no one pass, ssh still named" \
	sh -c "! grep -q 'one pass' '$tmp/g.err' && grep -qE '^22/tcp +open +ssh +OpenSSH' '$tmp/g.txt'"
fathom -n -sV --one-pass maybe -p22 "$SVC" >/dev/null 2>"$tmp/bad.err"
rc=$?
check "--one-pass maybe: exit 2 with one line" \
	bash -c "[ $rc = 2 ] && [ \$(wc -l <'$tmp/bad.err') = 1 ] && grep -q \"bad --one-pass 'maybe'\" '$tmp/bad.err'"

# ---- every way out resets the handshakes the sweep holds ---------------------------
# From an address no namespace holds (fathom answers ARP for it), so every
# connection the target keeps from it is this test's, and no kernel resets
# one for fathom: whatever fathom leaves is left for a minute (the target's
# SYN-ACK retries). held NS ADDR: connections NS keeps from ADDR.
held() { ip netns exec "$1" ss -tnH state syn-recv state established dst "$2" | wc -l; }

# stop_when NAME SIG NS ADDR MIN ARGS...: a one-pass -sV from ADDR, sent SIG
# once NS holds MIN connections from it (the precondition), then the count
# NS still holds once fathom has exited.
stop_when() {
	local name=$1 sig=$2 ns=$3 addr=$4 min=$5 bg pid n=0 left
	shift 5
	ip netns exec fx-scan "$FATHOM" -n -d -sV --one-pass on -S "$addr" -e eth0 "$@" \
		>"$tmp/$name.txt" 2>"$tmp/$name.err" &
	bg=$!
	for _ in $(seq 150); do
		n=$(held "$ns" "$addr")
		[ "$n" -ge "$min" ] && break
		sleep 0.1
	done
	pid=$(fathom_pid "$bg") && kill -"$sig" "$pid"
	wait "$bg"
	echo $? >"$tmp/$name.rc"
	left=$(held "$ns" "$addr")
	echo "$n $left"
}

# Interrupted in the sweep: --scan-delay keeps it sending while the first
# SYN-ACKs are held (half-open at fx-svc); -sV never runs.
read -r n left < <(stop_when sigint INT fx-svc 198.18.0.79 3 --scan-delay 1s -p "$LATE" "$SVC")
check "SIGINT in the sweep: fx-svc held handshakes from fathom first ($n)" test "$n" -ge 3
check "SIGINT in the sweep: exit 130" test "$(cat "$tmp/sigint.rc")" = 130
check "SIGINT in the sweep: fathom reset what it held" \
	grep -q 'sweep: one pass: [0-9]* held handshakes reset' "$tmp/sigint.err"
check "SIGINT in the sweep: fx-svc keeps no connection from fathom ($left left)" test "$left" = 0

# SIGTERM in the sweep, the same.
read -r n left < <(stop_when sigterm TERM fx-svc 198.18.0.81 3 --scan-delay 1s -p "$LATE" "$SVC")
check "SIGTERM in the sweep: fx-svc held handshakes first ($n), keeps none after ($left)" \
	test "$n" -ge 3 -a "$left" = 0

# Interrupted in -sV: the tarpit's ports accept and never send, so the
# adopted handshakes stay established at fx-hostile until fathom ends them.
read -r n left < <(stop_when sv INT fx-hostile 198.18.0.82 20 -p 10000-10099 "$HOSTILE")
check "SIGINT in -sV: fx-hostile held connections from fathom first ($n)" test "$n" -ge 20
check "SIGINT in -sV: fx-hostile keeps no connection from fathom ($left left)" test "$left" = 0
