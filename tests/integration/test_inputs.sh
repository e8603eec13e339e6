#!/usr/bin/env bash
# test_inputs.sh -- -iL beyond nmap's: host:port lines, masscan -oL files and
# fathom's own NDJSON, each host scanned on its own ports.
source "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

# Probes built (--dry-run sends nothing): only the listed pairs, plus -p's
# ports on the targets that came without a port.
printf '#masscan\nopen tcp 22 %s 1700000000\nopen tcp 80 %s 1700000001\nbanner tcp 22 %s 1700000002 ssh SSH-2.0-x\n# end\n' \
	"$SVC" "$QUIET" "$SVC" >ms.txt
fathom --dry-run -v -n --max-retries 0 -iL ms.txt >dry1.txt 2>&1
check "masscan -oL: one probe per open line" grep -q '^Raw packets sent: 2 ' dry1.txt
fathom --dry-run -v -n --max-retries 0 -p1-10 -iL ms.txt 198.19.0.0/30 >dry2.txt 2>&1
check "masscan -oL with -p and plain targets: 2 + 4 x 10 probes" \
	grep -q '^Raw packets sent: 42 ' dry2.txt

# In the lab: fx-svc on 22 only, fx-quiet on 80 only.
fathom -n -iL ms.txt -oG ms.gnmap >ms.out 2>&1
rc=$?
check "masscan -oL: exit 0 (rc=$rc)" test "$rc" = 0
check "masscan -oL: fx-svc scanned on 22 alone" \
	grep -qP "^Host: $SVC \(\)\tPorts: 22/open/tcp//ssh///\$" ms.gnmap
check "masscan -oL: fx-quiet scanned on 80 alone (filtered)" \
	grep -qP "^Host: $QUIET \(\)\tPorts: 80/filtered/tcp//http///\$" ms.gnmap
check "masscan -oL: two targets, both up" \
	grep -q '^fathom done: 2 IP addresses (2 hosts up)' ms.out

# host:port lines beside a plain target that gets -p.
printf '%s:21 %s:25\n%s:113\n198.19.0.4\n' "$SVC" "$SVC" "$QUIET" >hp.txt
fathom -n -p80 -iL hp.txt -oG hp.gnmap >/dev/null 2>&1
check "host:port: fx-svc on 21 and 25" \
	grep -qP "^Host: $SVC \(\)\tPorts: 21/open/tcp//ftp///, 25/open/tcp//smtp///\$" hp.gnmap
check "host:port: fx-quiet on 113 (closed)" \
	grep -qP "^Host: $QUIET \(\)\tPorts: 113/closed/tcp//ident///\$" hp.gnmap
check "host:port: the plain target gets -p80" \
	grep -qP '^Host: 198.19.0.4 \(\)\tPorts: 80/open/tcp//http///$' hp.gnmap

# A sweep's NDJSON feeds version detection on exactly its open ports.
fathom -n -p21,22,23,80 --open -oJ sweep.ndjson "$SVC" >/dev/null 2>&1
fathom -n -sV -iL sweep.ndjson -oG sv.gnmap >/dev/null 2>&1
check "NDJSON in: -sV on the sweep's open ports only" \
	sh -c "grep -P '^Host: $SVC \(\)\tPorts: ' sv.gnmap | grep -q '21/open/tcp//ftp//vsftpd' && ! grep -q '23/' sv.gnmap"

# Errors name the file and the line; nothing is sent (exit 2).
printf '%s:22\n%s:99999\n' "$SVC" "$SVC" >bad.txt
fathom -n -iL bad.txt >/dev/null 2>bad.err
rc=$?
check "bad host:port: exit 2, file:line (rc=$rc)" \
	sh -c "test $rc = 2 && grep -q '^fathom: bad.txt:2: bad target' bad.err"
printf 'open udp 53 %s 1700000000\n' "$SVC" >badms.txt
fathom -n -iL badms.txt >/dev/null 2>bad.err
rc=$?
check "masscan UDP line: exit 2, says only TCP (rc=$rc)" \
	sh -c "test $rc = 2 && grep -q 'badms.txt:1: masscan udp result: only TCP' bad.err"
