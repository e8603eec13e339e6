#!/usr/bin/env bash
# test_outputs_err.sh -- output files: a failed write is an error (exit 1,
# one line naming the file), and a bad path destroys no existing file.
# Scans only --dry-run or a dead lab address, so it takes seconds.
source "$(dirname "$0")/lib.sh"

DEAD=198.18.0.99
quick() { fathom -n --dry-run --max-retries 0 -p80 "$DEAD" "$@"; }

# One line on stderr, naming the file and the reason, and exit 1.
for fmt in N X G J; do
	quick -o$fmt /dev/full >/dev/null 2>"$tmp/full$fmt.err"
	rc=$?
	check "-o$fmt /dev/full: exit 1 (rc=$rc)" [ "$rc" = 1 ]
	check "-o$fmt /dev/full: one line naming the file" sh -c "
		[ \$(wc -l <'$tmp/full$fmt.err') = 1 ] &&
		grep -qx 'fathom: cannot write /dev/full: No space left on device' '$tmp/full$fmt.err'"
done

# The same when the failing file is one of several: the others are whole.
quick -oN "$tmp/ok.nmap" -oJ /dev/full -oX "$tmp/ok.xml" >/dev/null 2>"$tmp/mix.err"
rc=$?
check "-oJ /dev/full beside good files: exit 1 (rc=$rc)" [ "$rc" = 1 ]
check "-oJ /dev/full beside good files: the others are complete" sh -c "
	grep -q '^# fathom done at' '$tmp/ok.nmap' && grep -q '</nmaprun>' '$tmp/ok.xml'"

# A bad path among several: nothing existing is emptied, nothing is left.
printf 'keep me\n' >"$tmp/keep.txt"
printf 'keep me too\n' >"$tmp/keep.json"
quick -oN "$tmp/keep.txt" -oJ "$tmp/keep.json" -oG "$tmp/new.gnmap" \
	-oX /nonexistent/x.xml >/dev/null 2>"$tmp/bad.err"
rc=$?
check "-oX in a missing directory: exit 1 (rc=$rc)" [ "$rc" = 1 ]
check "-oX in a missing directory: one line naming it" \
	grep -qx 'fathom: cannot write /nonexistent/x.xml: No such file or directory' "$tmp/bad.err"
check "the existing -oN and -oJ files are untouched" sh -c "
	[ \"\$(cat '$tmp/keep.txt')\" = 'keep me' ] &&
	[ \"\$(cat '$tmp/keep.json')\" = 'keep me too' ]"
check "the -oG file this run created is removed again" [ ! -e "$tmp/new.gnmap" ]

# Once every file opens, the run replaces what was there (no old tail).
printf '%05000d\n' 0 >"$tmp/keep.txt"
quick -oN "$tmp/keep.txt" >/dev/null 2>&1
check "a good run replaces an existing -oN file" sh -c "
	head -1 '$tmp/keep.txt' | grep -q '^# fathom .* scan initiated' &&
	! grep -q 00000 '$tmp/keep.txt'"
# ... through a symlink, which stays a symlink.
ln -s keep.txt "$tmp/link.txt"
quick -oN "$tmp/link.txt" >/dev/null 2>&1
check "an -oN symlink is written through, not replaced" sh -c "
	[ -L '$tmp/link.txt' ] && grep -q 'link.txt' '$tmp/keep.txt'"
# --append-output keeps it.
quick -oN "$tmp/keep.txt" --append-output >/dev/null 2>&1
check "--append-output keeps the earlier run" \
	[ "$(grep -c '^# fathom .* scan initiated' "$tmp/keep.txt")" = 2 ]
