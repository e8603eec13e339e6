#!/usr/bin/env bash
# test_version.sh -- -sV names every lab daemon with the version its Debian
# package installed, over fathom's userspace TCP (and TLS), with no kernel
# RST leaving the scanner; nmap's own DB gives nmap's answers.
source "$(dirname "$0")/lib.sh"

# Upstream version of an installed package: no epoch, no Debian revision.
upstream() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null |
		sed -e 's/^[0-9]*://' -e 's/-[^-]*$//' -e 's/+dfsg.*//' -e 's/~.*//'
}
ssh_v=$(upstream openssh-server)
apache_v=$(upstream apache2)
nginx_v=$(upstream nginx)
vsftpd_v=$(upstream vsftpd)
redis_v=$(upstream redis-server)
memc_v=$(upstream memcached)

PORTS=21,22,25,53,79,80,110,111,143,443,993,995,2222,6379,7979,8080,11211
# The kernel's RSTs carry no ACK (fathom's own aborts are RST+ACK).
capture_start "$tmp/sv.pcap" 'tcp[tcpflags] & (tcp-rst|tcp-ack) == tcp-rst and src host 198.18.0.2 and src portrange 62100-65535'
start=$(date +%s.%N)
fathom -n -sV -p "$PORTS" "$SVC" >"$tmp/sv.txt" 2>"$tmp/sv.err"
rc=$?
el=$(echo "$(date +%s.%N) - $start" | bc)
capture_stop
check "-sV on fx-svc exits 0 (${el}s)" test "$rc" = 0

row() { grep -E "^$1/tcp +open " "$tmp/sv.txt"; }
# expect PORT SERVICE VERSION-REGEX
expect() {
	local r
	r=$(row "$1")
	if echo "$r" | grep -qE "^$1/tcp +open +$2 +$3"; then
		ok "$1/tcp: $2 $3"
	else
		notok "$1/tcp: want '$2 $3', got '$r'"
	fi
}
expect 21 ftp "vsftpd ${vsftpd_v//./\\.}"
expect 22 ssh "OpenSSH ${ssh_v//./\\.}"
expect 25 smtp "Postfix smtpd"
expect 53 domain "ISC BIND"
expect 79 finger "Linux fingerd"
expect 80 http "Apache httpd ${apache_v//./\\.}"
expect 110 pop3 "Dovecot pop3d"
expect 111 rpcbind ""
expect 143 imap "Dovecot imapd"
expect 443 ssl/http "Apache httpd ${apache_v//./\\.}"
expect 993 ssl/imap "Dovecot imapd"
expect 995 ssl/pop3 "Dovecot pop3d"
expect 2222 ssl/ssh "OpenSSH ${ssh_v//./\\.}"
expect 6379 redis "Redis key-value store ${redis_v//./\\.}"
expect 7979 ssl/finger "Linux fingerd"
expect 8080 http "nginx ${nginx_v//./\\.}"
expect 11211 memcached "Memcached ${memc_v//./\\.}"
check "Service Info line names the host OS" grep -q '^Service Info:.*OS: Linux' "$tmp/sv.txt"
check "no '?' guesses left on fx-svc" sh -c "! grep -E '^[0-9]+/tcp +open +[a-z/-]+\\? ' '$tmp/sv.txt'"
n=$(tcpdump -r "$tmp/sv.pcap" -n 2>/dev/null | wc -l)
check "no kernel RST left the scanner for fathom's connections ($n)" test "$n" = 0
check "the nftables guard is gone after the scan" \
	sh -c "! ip netns exec fx-scan nft list tables | grep -q fathom_"

# The sanitizer build runs the whole -sV phase cleanly.
if [ -x "${FATHOM_DEBUG:-}" ]; then
	ip netns exec fx-scan "$FATHOM_DEBUG" -n -sV -p22,80,443 "$SVC" \
		>"$tmp/dbg.txt" 2>"$tmp/dbg.err"
	rc=$?
	check "ASan build: -sV 22,80,443 clean (rc=$rc)" \
		sh -c "[ $rc = 0 ] && grep -qE '^443/tcp +open +ssl/http' '$tmp/dbg.txt' && ! grep -q 'AddressSanitizer\|runtime error' '$tmp/dbg.err'"
fi

# A --service-db file with an error stops before any packet, naming file:line.
printf 'Probe TCP NULL q||\nmatch ssh m|^SSH-([\n' >"$tmp/bad.probes"
fathom -n -sV --service-db "$tmp/bad.probes" -p22 "$SVC" >"$tmp/o" 2>"$tmp/e"
check "bad --service-db: exit 2" test $? = 2
check "bad --service-db: names file:line" grep -q "bad.probes:2" "$tmp/e"

# nmap's own DB, when installed: the same answers nmap gives on the lab.
NMAPDB=/usr/share/nmap/nmap-service-probes
if [ -r "$NMAPDB" ] && command -v nmap >/dev/null; then
	P=21,22,80,8080,6379
	ip netns exec fx-scan nmap -n -Pn -sV -p "$P" "$SVC" >"$tmp/nmap.txt" 2>/dev/null
	fathom -n -sV --versiondb "$NMAPDB" -p "$P" "$SVC" >"$tmp/fn.txt" 2>/dev/null
	for p in ${P//,/ }; do
		a=$(grep -E "^$p/tcp " "$tmp/nmap.txt" | awk '{$1=$1; print}')
		b=$(grep -E "^$p/tcp " "$tmp/fn.txt" | awk '{$1=$1; print}')
		check "nmap's DB: $p/tcp as nmap says [$a]" test "$a" = "$b"
	done
else
	notok "nmap's DB comparison: nmap not installed (tools/deps installs it)"
fi

# Hostile services: bounded time and memory, a sensible answer for each.
HOSTILE=198.18.0.20
start=$(date +%s.%N)
ip netns exec fx-scan /usr/bin/time -f '%M' -o "$tmp/rss" "$FATHOM" -n -sV \
	-p7001-7008 "$HOSTILE" >"$tmp/h.txt" 2>"$tmp/h.err"
rc=$?
el=$(echo "$(date +%s.%N) - $start" | bc)
rss=$(tail -1 "$tmp/rss")
check "hostile -sV exits 0 (rc=$rc)" test "$rc" = 0
check "hostile -sV finishes in bounded time (${el}s < 90)" \
	sh -c "echo '$el < 90' | bc | grep -q 1"
check "hostile -sV peak RSS bounded (${rss} KB < 200000)" test "${rss:-999999}" -lt 200000
check "all 8 hostile ports reported open" \
	test "$(grep -cE '^700[1-8]/tcp +open ' "$tmp/h.txt")" = 8
check "7008 (closes without a byte) is tcpwrapped" \
	grep -qE '^7008/tcp +open +tcpwrapped' "$tmp/h.txt"
check "7007 (greets after 3 s) is still named ftp" \
	grep -qE '^7007/tcp +open +ftp( |$)' "$tmp/h.txt"
check "7005 (random bytes) is not given a product" \
	sh -c "! grep -E '^7005/tcp' '$tmp/h.txt' | grep -qE 'open +[a-z/-]+ +[A-Za-z]'"
