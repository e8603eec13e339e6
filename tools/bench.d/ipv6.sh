# tools/bench.d/ipv6.sh -- the `ipv6` case of tools/bench (sourced by it): issue 10's IPv6 goals.
#
# Three measurements, each against its own yardstick in the same run:
#   sweep: -6 over fx-crowd6's /112 (65,536 addresses, 16,384 alive) against
#          fathom's own IPv4 sweep of fx-crowd's /16 (the same size and truth);
#   sv:    -6 -sV on fx-svc's IPv6 ports against the IPv4 run (same answers)
#          and nmap -6 -sV -T4 (time);
#   syn:   -6 -sS -p- on fx-svc against nmap -6 -sS -p- (same open set, time).
# Uses tools/bench's measure/have/log and its globals (NS, TMP, FATHOM, RUNS).

CROWD6=fd5a:7a6f:1ab0:200::/112 SVC6=fd5a:7a6f:1ab0:1::10

# Ports fx-svc listens on over IPv6 (wildcard or its own v6 address).
svc6_ports() {
    ip netns exec fx-svc ss -ltnH | awk '{n = split($4, p, ":"); h = substr($4, 1, length($4) - length(p[n]) - 1);
        if (h == "[::]" || h == "*" || h == "['"$SVC6"']") print p[n]}' | sort -nu | paste -sd,
}

# The service columns (SERVICE VERSION) of each open port of a normal report.
svc_rows() {
    awk '$1 ~ /^[0-9]+\/tcp$/ && $2 == "open" {$2 = ""; print}' "$1" | sed 's/  */ /g'
}

bench_ipv6_sweep() {
    local tsv=$TMP/sweep6.tsv i
    : >"$tsv"
    for ((i = 1; i <= RUNS; i++)); do
        log "ipv6 sweep run $i/$RUNS"
        measure "$tsv" "fathom -Pn -p80 (IPv4 /16)" fathom 600 "$FATHOM" -n -Pn -p80 "$SWEEP"
        measure "$tsv" "fathom -6 -Pn -p80 (/112)" fathom 600 "$FATHOM" -6 -n -Pn -p80 "$CROWD6"
    done
    print_commands ipv6-sweep
    python3 "$STATS" sweep6 "$tsv" "fathom -Pn -p80 (IPv4 /16)" "fathom -6 -Pn -p80 (/112)" "$TRUTH" |
        tee -a "$TMP/goals"
}

bench_ipv6_sv() {
    local ports f4=$TMP/sv4.txt f6=$TMP/sv6.txt n6=$TMP/sv6-nmap.txt t0 t6 tn='' same
    ports=$(svc6_ports)
    [[ -n $ports ]] || { log "fx-svc listens on no IPv6 port: no sv row"; FAILED=1; return; }
    echo
    echo "== ipv6 sv: -sV -p $ports on $SVC6 and $SVC"
    ip netns exec "$NS" timeout 600 "$FATHOM" -n -T4 -sV -p "$ports" "$SVC" >"$f4" 2>/dev/null
    t0=$EPOCHREALTIME
    ip netns exec "$NS" timeout 600 "$FATHOM" -6 -n -T4 -sV -p "$ports" "$SVC6" >"$f6" 2>/dev/null
    t6=$(echo "$EPOCHREALTIME - $t0" | bc)
    if have nmap; then
        t0=$EPOCHREALTIME
        ip netns exec "$NS" timeout 900 nmap -6 -n -Pn -T4 -sV -p "$ports" "$SVC6" >"$n6" 2>/dev/null
        tn=$(echo "$EPOCHREALTIME - $t0" | bc)
    fi
    echo "  fathom -6: $FATHOM -6 -n -T4 -sV -p PORTS $SVC6   (${t6}s)"
    echo "  nmap -6:   nmap -6 -n -Pn -T4 -sV -p PORTS $SVC6   (${tn:-?}s)"
    diff <(svc_rows "$f4") <(svc_rows "$f6") | sed 's/^/  v4|v6 /'
    same=$([[ -s $f6 ]] && diff -q <(svc_rows "$f4") <(svc_rows "$f6") >/dev/null && echo yes || echo no)
    echo "  open ports named: IPv4 $(svc_rows "$f4" | wc -l), IPv6 $(svc_rows "$f6" | wc -l); same answers: $same"
    [[ -n $tn ]] || return 0
    echo "GOAL ipv6-sv: -6 -sV same answers as IPv4 and <= 0.1 x nmap -6 -sV -T4:" \
        "$([[ $same == yes ]] && (($(echo "$t6 <= 0.1 * $tn" | bc))) && echo PASS || echo FAIL)" \
        "(fathom ${t6}s, nmap ${tn}s, ratio $(echo "scale=3; $t6 / $tn" | bc))" | tee -a "$TMP/goals"
}

bench_ipv6_syn() {
    local tsv=$TMP/syn6.tsv i
    : >"$tsv"
    for ((i = 1; i <= RUNS; i++)); do
        log "ipv6 -p- run $i/$RUNS: $SVC6"
        measure "$tsv" "fathom -6 -T4 -p-" host 600 "$FATHOM" -6 -T4 -n -p- "$SVC6"
        have nmap && measure "$tsv" "nmap -6 -T4 -p-" host 600 nmap -6 -n -Pn -sS -T4 -p- "$SVC6"
    done
    print_commands ipv6-syn
    python3 "$STATS" host "$tsv" "fathom -6 -T4 -p-" "nmap -6 -T4 -p-" 0.5 ipv6-syn | tee -a "$TMP/goals"
}

bench_ipv6() {
    bench_ipv6_sweep
    bench_ipv6_sv
    bench_ipv6_syn
}
