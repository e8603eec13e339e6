#!/usr/bin/env bash
# test_reflect.sh -- an echo service (inetd's echo on the lab's tcp/7) is
# named "echo", never after the probe it sent back, with fathom's DB and with
# nmap's; the port must be there whenever the lab's registry lists it.
source "$(dirname "$0")/lib.sh"

# The registry's tcp/7 services: "HOST ADDR 7 PACKAGE STATE" (the lab's
# own daemon table: tools/bench.d/labreg.sh).
echo_ports=$("$top/tools/bench.d/labreg.sh" '.*' | awk '$3 == 7')
if [ -z "$echo_ports" ]; then
	ok "reflection # SKIP the lab's registry lists no tcp/7 echo service"
	exit 0
fi

while read -r host addr _ _ state; do
	if [ "$addr" = - ] || [ "$state" != up ]; then
		notok "fx-$host:7: the registry lists it but the lab reports it $state ($addr)"
		continue
	fi
	if ! ip netns exec "fx-$host" ss -ltnH 'sport = :7' | grep -q .; then
		notok "fx-$host:7: the registry lists an echo service but nothing listens"
		continue
	fi
	start=$(date +%s.%N)
	fathom -n -sV -p7 "$addr" -oX "$tmp/$host.xml" >"$tmp/$host.txt" 2>"$tmp/$host.err"
	rc=$?
	el=$(echo "$(date +%s.%N) - $start" | bc)
	check "fx-$host:7 -sV exits 0 (${el}s)" test "$rc" = 0
	check "fx-$host:7 is echo with no product (own DB)" \
		grep -qE '^7/tcp +open +echo$' "$tmp/$host.txt"
	check "fx-$host:7 XML: name=\"echo\" method=\"probed\", no product" \
		grep -q '<service name="echo" method="probed" conf="10"/>' "$tmp/$host.xml"
	check "fx-$host:7 named in under 10 s (echoes answer at once)" \
		sh -c "echo '$el < 10' | bc | grep -q 1"
	if command -v nmap >/dev/null && [ -r /usr/share/nmap/nmap-service-probes ]; then
		fathom -n -sV --versiondb /usr/share/nmap/nmap-service-probes -p7 "$addr" \
			>"$tmp/$host.fn.txt" 2>/dev/null
		ip netns exec fx-scan nmap -n -Pn -sV -p7 "$addr" >"$tmp/$host.nmap.txt" 2>/dev/null
		a=$(grep -E '^7/tcp ' "$tmp/$host.nmap.txt" | awk '{$1=$1; print}')
		b=$(grep -E '^7/tcp ' "$tmp/$host.fn.txt" | awk '{$1=$1; print}')
		check "fx-$host:7 with nmap's DB as nmap says [$a]" test -n "$a" -a "$a" = "$b"
	else
		notok "fx-$host:7 nmap comparison: nmap or its DB not installed (tools/deps)"
	fi
done <<<"$echo_ports"
