#!/usr/bin/env bash
# test_vchains.sh -- -sV's parallel probe chains give the answers of nmap's
# sequential order on every fx-svc port: fathom at its default parallelism
# against fathom forced sequential (--version-parallel 1), with nmap's DB
# and with fathom's own; and, with nmap's DB, against nmap -sV itself on the
# ports test_version.sh does not already compare.
source "$(dirname "$0")/lib.sh"

NMAPDB=/usr/share/nmap/nmap-service-probes
FIELDS=$top/tests/integration/svfields.py
TAB=$'\t'

mapfile -t ports < <(listening_v4 fx-svc "$SVC")
P=$(IFS=,; echo "${ports[*]}")
check "fx-svc listens on TCP ports (${#ports[@]}: $P)" test "${#ports[@]}" -ge 10

# Bad values: one line, exit 2, nothing scanned.
for bad in 0 33 x; do
	fathom -n -sV --version-parallel "$bad" -p22 "$SVC" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	check "--version-parallel $bad: exit 2 with one line naming it" \
		sh -c "[ $rc = 2 ] && [ \$(wc -l <'$tmp/e') = 1 ] && grep -q -- \"--version-parallel '$bad'\" '$tmp/e' && [ ! -s '$tmp/o' ]"
done

# run NAME ARGS...: -sV of every fx-svc port, XML in $tmp/NAME.xml, the
# answers (port, service, product, version) in $tmp/NAME.f.
run() {
	local name=$1
	shift
	local rc
	fathom -n -sV -d "$@" -p "$P" -oX "$tmp/$name.xml" "$SVC" >"$tmp/$name.txt" 2>"$tmp/$name.err"
	rc=$?
	check "$name: exits 0 (rc=$rc)" test "$rc" = 0
	python3 "$FIELDS" "$tmp/$name.xml" >"$tmp/$name.f"
	check "$name: an answer for each of the ${#ports[@]} ports" \
		test "$(wc -l <"$tmp/$name.f")" = "${#ports[@]}"
}

# An answer line without its port, its fields joined by '|'.
cols() { echo "${1#*$TAB}" | tr '\t' '|'; }

# same A B WHAT: port by port, B's answer is A's.
same() {
	local p a b
	for p in "${ports[@]}"; do
		a=$(awk -F'\t' -v p="$p" '$1 == p' "$tmp/$1.f")
		b=$(awk -F'\t' -v p="$p" '$1 == p' "$tmp/$2.f")
		check "$3: $p/tcp [$(cols "$a")]" test -n "$a" -a "$a" = "$b"
	done
}

# The sequential run holds one probe connection per port at most (-d's
# peak count), so it is nmap's order, one probe after another.
seq_peak() {
	local peak
	peak=$(sed -n 's/^vscan: .*peak \([0-9]*\) connections at once.*/\1/p' "$tmp/$1.err")
	check "$1: at most one probe connection per port at once (peak ${peak:-?})" \
		test -n "$peak" -a "${peak:-999}" -le "${#ports[@]}"
}

if [ -r "$NMAPDB" ]; then
	run ndb-par --versiondb "$NMAPDB"
	run ndb-seq --versiondb "$NMAPDB" --version-parallel 1
	seq_peak ndb-seq
	same ndb-seq ndb-par "nmap's DB, parallel = sequential"
else
	notok "nmap's DB: $NMAPDB missing (tools/deps installs nmap)"
fi
run own-par
run own-seq --version-parallel 1
seq_peak own-seq
same own-seq own-par "fathom's DB, parallel = sequential"
# A wider chain answers the same too.
run own-wide --version-parallel 16
same own-seq own-wide "fathom's DB, --version-parallel 16 = sequential"

# nmap itself, on the ports test_version.sh does not compare (it checks
# 21,22,80,111,8080,6379). Every difference fails: none is allowed as
# nmap's timing noise today (extrainfo, which carries memcached's uptime
# and the certificate fathom reads, is not compared).
if [ -r "$NMAPDB" ] && command -v nmap >/dev/null; then
	rest=()
	for p in "${ports[@]}"; do
		case ",21,22,80,111,8080,6379," in *",$p,"*) ;; *) rest+=("$p") ;; esac
	done
	R=$(IFS=,; echo "${rest[*]}")
	ip netns exec fx-scan nmap -n -Pn -sV -p "$R" -oX "$tmp/nmap.xml" "$SVC" >/dev/null 2>&1
	python3 "$FIELDS" "$tmp/nmap.xml" >"$tmp/nmap.f"
	for p in "${rest[@]}"; do
		a=$(awk -F'\t' -v p="$p" '$1 == p' "$tmp/nmap.f")
		b=$(awk -F'\t' -v p="$p" '$1 == p' "$tmp/ndb-par.f" 2>/dev/null)
		check "nmap -sV says the same: $p/tcp [nmap: $(cols "$a")] [fathom: $(cols "$b")]" \
			test -n "$a" -a "$a" = "$b"
	done
else
	notok "nmap comparison: nmap or $NMAPDB missing (tools/deps installs it)"
fi
