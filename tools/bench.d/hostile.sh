# fathom bench: the `hostile` case (sourced by tools/bench): -sV against
# fx-hostile's misbehaving services and its 1000-port tarpit, fathom vs nmap.
# shellcheck shell=bash

HOSTILE=198.18.0.20
HOSTILE_ZOO=7001-7008,7010-7012
HOSTILE_PIT=10000-10999

# hostile_timed OUT RSSFILE LIMIT CMD...: runs CMD in fx-scan under timeout and
# /usr/bin/time; prints "SECONDS KB EXIT".
hostile_timed() {
    local out=$1 rss=$2 limit=$3 t0 t1 rc=0
    shift 3
    t0=$EPOCHREALTIME
    ip netns exec "$NS" timeout -k 5 "$limit" /usr/bin/time -f %M -o "$rss" "$@" >"$out" 2>/dev/null || rc=$?
    t1=$EPOCHREALTIME
    printf '%.1f %s %s\n' "$(echo "$t1 - $t0" | bc)" "$(tail -1 "$rss" 2>/dev/null || echo 0)" "$rc"
}

hostile_row() { # LABEL SECONDS KB EXIT
    printf '  %-58s %8ss %8.1f MB  exit %s\n' "$1" "$2" "$(echo "scale=1; $3 / 1024" | bc)" "$4"
}

bench_hostile() {
    local f=$TMP/hostile n=$TMP/hostile-nmap fa fb na nb fc
    echo
    echo "== hostile: -sV of fx-hostile $HOSTILE: its services ($HOSTILE_ZOO) and a 1000-port tarpit ($HOSTILE_PIT)"
    log "hostile: fathom and nmap -sV, --host-timeout 30s, zoo + tarpit"
    read -r -a fa <<<"$(hostile_timed "$f.a" "$f.a.rss" 120 "$FATHOM" -n -Pn -sV --host-timeout 30s \
        -p "$HOSTILE_ZOO,$HOSTILE_PIT" "$HOSTILE")"
    have nmap && read -r -a na <<<"$(hostile_timed "$n.a" "$n.a.rss" 300 nmap -n -Pn -sV --host-timeout 30s \
        -p "$HOSTILE_ZOO,$HOSTILE_PIT" "$HOSTILE")"
    log "hostile: fathom and nmap -sV -T4 on the services alone, no host timeout"
    read -r -a fb <<<"$(hostile_timed "$f.b" "$f.b.rss" 900 "$FATHOM" -n -Pn -T4 -sV -p "$HOSTILE_ZOO" "$HOSTILE")"
    # nmap churns on the endless stream and the drip for many minutes (778 s
    # and 1.2 GB at -T4 on a loaded lab): its row is cut at 20 (exit 124).
    have nmap && read -r -a nb <<<"$(hostile_timed "$n.b" "$n.b.rss" 1200 nmap -n -Pn -T4 -sV -p "$HOSTILE_ZOO" "$HOSTILE")"
    log "hostile: fathom -sV on the tarpit, no host timeout (how long it takes)"
    read -r -a fc <<<"$(hostile_timed "$f.c" "$f.c.rss" 1800 "$FATHOM" -n -Pn -sV -p "$HOSTILE_ZOO,$HOSTILE_PIT" "$HOSTILE")"
    echo "  (each: ip netns exec $NS timeout LIMIT /usr/bin/time -f %M CMD; wall time, peak RSS)"
    hostile_row "fathom -n -Pn -sV --host-timeout 30s -p ZOO,PIT" "${fa[@]}"
    [[ -z ${na:-} ]] || hostile_row "nmap -n -Pn -sV --host-timeout 30s -p ZOO,PIT" "${na[@]}"
    hostile_row "fathom -n -Pn -T4 -sV -p ZOO" "${fb[@]}"
    [[ -z ${nb:-} ]] || hostile_row "nmap -n -Pn -T4 -sV -p ZOO" "${nb[@]}"
    hostile_row "fathom -n -Pn -sV -p ZOO,PIT (no host timeout)" "${fc[@]}"
    echo "  fathom's host-timeout run: $(grep -c 'due to host timeout' "$f.a") host(s) skipped; no timeout:" \
        "$(grep -cE '^[0-9]+/tcp +open' "$f.c") open ports listed"
    echo "  Without --host-timeout every silent port costs the NULL probe's 6 s and then" \
        "each probe's totalwaitms; services run 128 at once, so the tarpit takes about" \
        "1000 / 128 x one silent service's time."
    if [[ -n ${na:-} && -n ${nb:-} ]]; then
        echo "  ratios fathom/nmap: with --host-timeout 30s wall $(echo "scale=3; ${fa[0]} / ${na[0]}" | bc)," \
            "RSS $(echo "scale=3; ${fa[1]} / ${na[1]}" | bc); services alone -T4 wall" \
            "$(echo "scale=3; ${fb[0]} / ${nb[0]}" | bc), RSS $(echo "scale=3; ${fb[1]} / ${nb[1]}" | bc)"
    fi
    echo "GOAL hostile: 1000-port tarpit with --host-timeout 30s ends in <= 32 s, RSS < 64 MB:" \
        "$([[ $(echo "${fa[0]} <= 32 && ${fa[1]} < 65536" | bc) == 1 && ${fa[2]} == 0 ]] && echo PASS || echo FAIL)" \
        "(${fa[0]} s, $(echo "scale=1; ${fa[1]} / 1024" | bc) MB)" | tee -a "$TMP/goals"
}
