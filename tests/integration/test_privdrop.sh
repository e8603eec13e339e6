#!/usr/bin/env bash
# test_privdrop.sh -- after set-up fathom runs as nobody, without
# capabilities, under no_new_privs and seccomp; --no-drop keeps root; the
# nft guard's table goes with the run, even when fathom is killed.
source "$(dirname "$0")/lib.sh"

HOSTILE=198.18.0.20
NOBODY=$(id -u nobody)
NOGROUP=$(id -g nobody)

# field PID NAME: a field of /proc/PID/status ("Uid" -> "65534 65534 ...").
field() { awk -v k="$2:" '$1 == k { sub(/^[^\t ]*[\t ]*/, ""); print }' "/proc/$1/status" 2>/dev/null; }

# wait_field PID NAME VALUE: polls (up to 10 s, set-up may take a moment)
# until the field's first word is VALUE.
wait_field() {
	for _ in $(seq 100); do
		[ "$(field "$1" "$2" | awk '{print $1}')" = "$3" ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

has_table() { ip netns exec fx-scan nft list tables 2>/dev/null | grep -qw "fathom_$1"; }

# table_gone PID: the run's table disappears within 2 s.
table_gone() {
	for _ in $(seq 20); do
		has_table "$1" || return 0
		sleep 0.1
	done
	return 1
}

# ---- dropped: a -sV scan kept busy by fx-hostile's 7002 (1 byte a while) ----
fathom -n -d -sV -p22,80,7002 "$SVC" "$HOSTILE" -oN "$tmp/d.nmap" \
	>"$tmp/d.txt" 2>"$tmp/d.err" &
bg=$!
pid=$(fathom_pid "$bg")
check "found the running fathom" test -n "$pid"
wait_field "$pid" Seccomp 2
check "running fathom: Seccomp 2 (filter mode)" test "$(field "$pid" Seccomp)" = 2
check "running fathom: Uid all nobody" \
	test "$(field "$pid" Uid)" = "$(printf '%s\t%s\t%s\t%s' "$NOBODY" "$NOBODY" "$NOBODY" "$NOBODY")"
check "running fathom: Gid all nobody's group" \
	test "$(field "$pid" Gid)" = "$(printf '%s\t%s\t%s\t%s' "$NOGROUP" "$NOGROUP" "$NOGROUP" "$NOGROUP")"
check "running fathom: Groups empty" test -z "$(field "$pid" Groups)"
check "running fathom: CapEff 0" test "$(field "$pid" CapEff)" = 0000000000000000
check "running fathom: CapPrm 0" test "$(field "$pid" CapPrm)" = 0000000000000000
check "running fathom: CapBnd 0" test "$(field "$pid" CapBnd)" = 0000000000000000
check "running fathom: NoNewPrivs 1" test "$(field "$pid" NoNewPrivs)" = 1
check "running fathom: the nft guard fathom_$pid is installed" has_table "$pid"
# The guard's monitor (fathom's one child): CAP_NET_ADMIN for nft, no more.
mon=""
for c in $(cat /proc/$pid/task/*/children 2>/dev/null); do
	[ "$(cat /proc/$c/comm 2>/dev/null)" = fathom ] && mon=$c
done
check "monitor: found (a child of fathom)" test -n "$mon"
check "monitor: CapEff is CAP_NET_ADMIN alone" test "$(field "$mon" CapEff)" = 0000000000001000
check "monitor: CapPrm is CAP_NET_ADMIN alone" test "$(field "$mon" CapPrm)" = 0000000000001000
check "monitor: CapBnd is CAP_NET_ADMIN alone" test "$(field "$mon" CapBnd)" = 0000000000001000
check "monitor: Uid all nobody" \
	test "$(field "$mon" Uid)" = "$(printf '%s\t%s\t%s\t%s' "$NOBODY" "$NOBODY" "$NOBODY" "$NOBODY")"
check "monitor: NoNewPrivs 1, Seccomp 2" \
	test "$(field "$mon" NoNewPrivs)/$(field "$mon" Seccomp)" = 1/2
wait "$bg"
rc=$?
check "dropped run exits 0 (rc=$rc)" test "$rc" = 0
check "dropped run: the nft table is gone at exit" sh -c "! ip netns exec fx-scan nft list tables | grep -qw fathom_$pid"
check "-d says what was dropped" grep -q '^privileges: dropped: uid/gid now nobody, capabilities cleared, no_new_privs, seccomp' "$tmp/d.err"
check "dropped run: ssh still named" grep -qE '^22/tcp +open +ssh +OpenSSH' "$tmp/d.txt"
check "dropped run: http still named" grep -qE '^80/tcp +open +http +Apache' "$tmp/d.txt"
check "dropped run: 7002 reported open" grep -qE '^7002/tcp +open ' "$tmp/d.txt"
check "dropped run: -oN file written (opened before the drop)" grep -q '^# fathom done at' "$tmp/d.nmap"
check "dropped run: no error or warning on stderr" sh -c "! grep -q '^fathom:' '$tmp/d.err'"

# ---- --no-drop keeps root -------------------------------------------------------
fathom -n -d --no-drop -sV -p7002 "$HOSTILE" >"$tmp/k.txt" 2>"$tmp/k.err" &
bg=$!
pid=$(fathom_pid "$bg")
for _ in $(seq 100); do has_table "$pid" && break; sleep 0.1; done
check "--no-drop: Uid 0" test "$(field "$pid" Uid | tr -d '\t ')" = 0000
check "--no-drop: Seccomp 0" test "$(field "$pid" Seccomp)" = 0
check "--no-drop: CapEff not 0" test "$(field "$pid" CapEff)" != 0000000000000000
check "--no-drop: the nft guard is installed" has_table "$pid"
kill -INT "$pid"
wait "$bg"
rc=$?
check "--no-drop: interrupted run exits 130 (rc=$rc)" test "$rc" = 130
check "--no-drop: the table is gone after SIGINT" table_gone "$pid"
check "--no-drop: -d says privileges were kept" grep -q '^privileges: kept (--no-drop)' "$tmp/k.err"

# ---- kill -9: the monitor still removes the table ----------------------------
fathom -n -sV -p7002 "$HOSTILE" >"$tmp/x.txt" 2>"$tmp/x.err" &
bg=$!
pid=$(fathom_pid "$bg")
wait_field "$pid" Seccomp 2
for _ in $(seq 100); do has_table "$pid" && break; sleep 0.1; done
check "kill -9: the nft guard was installed" has_table "$pid"
kill -9 "$pid"
wait "$bg" 2>/dev/null
check "kill -9: the table fathom_$pid is gone within 2 s" table_gone "$pid"

# ---- an unprivileged -sS never gets that far (-sT: test_connect.sh) -----------
if command -v setpriv >/dev/null; then
	ip netns exec fx-scan setpriv --reuid "$NOBODY" --regid "$NOBODY" --clear-groups \
		"$FATHOM" -sS -n -p22 "$SVC" >"$tmp/u.txt" 2>"$tmp/u.err"
	rc=$?
	check "without CAP_NET_RAW: exit 1 with one line (rc=$rc)" \
		sh -c "[ $rc = 1 ] && [ \$(wc -l <'$tmp/u.err') = 1 ] && grep -q CAP_NET_RAW '$tmp/u.err'"
fi
