#!/usr/bin/env bash
# test_svc.sh -- a full -p- SYN scan of fx-svc equals what the host listens on.
source "$(dirname "$0")/lib.sh"

fathom -n -p- "$SVC" >"$tmp/full.txt" 2>"$tmp/full.err"
rc=$?
check "-p- on fx-svc exits 0" test "$rc" = 0
open_ports "$tmp/full.txt" >"$tmp/got"
listening_v4 fx-svc "$SVC" >"$tmp/want"
if cmp -s "$tmp/got" "$tmp/want" && [ -s "$tmp/want" ]; then
	ok "-p- open ports equal ss -ltn in fx-svc ($(wc -l <"$tmp/want") ports)"
else
	notok "-p- open ports differ from ss -ltn: got [$(tr '\n' ' ' <"$tmp/got")] want [$(tr '\n' ' ' <"$tmp/want")]"
fi
nopen=$(wc -l <"$tmp/want")
check "closed ports summarised as nmap does" \
	grep -qx "Not shown: $((65535 - nopen)) closed tcp ports (reset)" "$tmp/full.txt"
check "MAC address of the on-link host shown" \
	grep -q '^MAC Address: 02:66:78:00:00:0A' "$tmp/full.txt"
check "footer counts one host up" \
	grep -q '^fathom done: 1 IP address (1 host up) scanned in' "$tmp/full.txt"

# The sanitizer build must do the same job cleanly (ASan aborts on error).
if [ -x "${FATHOM_DEBUG:-}" ]; then
	ip netns exec fx-scan "$FATHOM_DEBUG" -n -p1-2000 "$SVC" \
		>"$tmp/dbg.txt" 2>"$tmp/dbg.err"
	rc=$?
	open_ports "$tmp/dbg.txt" >"$tmp/dgot"
	awk '$1 <= 2000' "$tmp/want" >"$tmp/dwant"
	check "ASan/UBSan build scans 1-2000 cleanly (rc=$rc)" \
		sh -c "[ $rc = 0 ] && cmp -s '$tmp/dgot' '$tmp/dwant' && ! grep -q 'runtime error\|AddressSanitizer' '$tmp/dbg.err'"
fi

# -oN writes the same report with nmap's comment header and footer.
fathom -n -p21,22,80,443,1 -oN "$tmp/out.nmap" "$SVC" >"$tmp/stdout.txt"
check "-oN file has the '# ... scan initiated ... as:' header" \
	grep -q '^# fathom .* scan initiated .* as: .*-oN' "$tmp/out.nmap"
check "-oN file has the '# ... done at' footer" \
	grep -q '^# fathom done at .* -- 1 IP address (1 host up)' "$tmp/out.nmap"
check "-oN port table equals stdout's" \
	cmp -s <(grep '/tcp' "$tmp/out.nmap") <(grep '/tcp' "$tmp/stdout.txt")
check "port 1 closed shown in the table (only one closed port)" \
	grep -qE '^1/tcp +closed +tcpmux' "$tmp/stdout.txt"

# --open hides closed ports; --reason adds the column.
fathom -n --open --reason -p1,22,80 "$SVC" >"$tmp/open.txt"
check "--open hides the closed port" sh -c "! grep -q '^1/tcp' '$tmp/open.txt'"
check "--reason shows syn-ack ttl 64" \
	grep -qE '^22/tcp +open +ssh +syn-ack ttl 64$' "$tmp/open.txt"
check "--reason host line" grep -q 'Host is up, received arp-response' "$tmp/open.txt"

# -v shows open ports as they are found.
fathom -n -v -p22,80 "$SVC" >"$tmp/v.txt"
check "-v prints Discovered open port lines" \
	grep -q "^Discovered open port 22/tcp on $SVC" "$tmp/v.txt"
check "-v prints Initiating/Completed lines" \
	sh -c "grep -q '^Initiating SYN Stealth Scan' '$tmp/v.txt' && grep -q '^Completed SYN Stealth Scan' '$tmp/v.txt'"
