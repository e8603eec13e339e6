#!/usr/bin/env bash
# test_recog.sh -- the generic recognisers alone name fx-svc's daemons: a
# copy of fathom's probe database with every match line removed (the
# probes stay) must still give service, product and version from each
# protocol's framing (probes/recog.h), as softmatches.
source "$(dirname "$0")/lib.sh"

dd=$tmp/data
mkdir -p "$dd"
cp "$top/probes/fathom-services" "$top/fingerprints/fathom-os-db" "$dd/"
grep -vE '^(match|softmatch) ' "$top/probes/fathom-service-probes" \
	>"$dd/fathom-service-probes"
check "the stripped database has probes and no match line" \
	sh -c "grep -q '^Probe TCP LDAPRootDSE' '$dd/fathom-service-probes' && \
	       ! grep -qE '^(soft)?match ' '$dd/fathom-service-probes'"

PORTS=21,22,25,80,110,143,6379,8080,11211
fathom --datadir "$dd" -n -sV -p "$PORTS" "$SVC" >"$tmp/rc.txt" 2>"$tmp/rc.err"
check "-sV with recognisers only exits 0" test $? = 0

row() { grep -E "^$1/tcp +open " "$tmp/rc.txt"; }
expect() {
	local r
	r=$(row "$1")
	if echo "$r" | grep -qE "^$1/tcp +open +$2 +$3"; then
		ok "recog $1/tcp: $2 $3"
	else
		notok "recog $1/tcp: want '$2 $3', got '$r'"
	fi
}
expect 21 ftp "vsFTPd [0-9]"
expect 22 ssh "OpenSSH [0-9][0-9.p]+ \\(Debian .*protocol 2\\.0\\)"
expect 25 smtp "Postfix"
expect 80 http "Apache [0-9.]+ \\(Debian\\)"
expect 110 pop3 "Dovecot"
expect 143 imap "Dovecot"
expect 6379 redis "Redis key-value store [0-9]"
expect 8080 http "nginx [0-9]"
expect 11211 memcached "Memcached [0-9]"
