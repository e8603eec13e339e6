# invdb.sh -- tools/bench invdb: the cost of -oS (SQLite, PostgreSQL) on a crowd -sV.
# shellcheck shell=bash
# Sourced by tools/bench (uses its NS, FATHOM, TMP, RUNS, log, JOBS).

# The crowd's -sV -p22,80 without -oS, with -oS FILE.sqlite and with -oS
# postgresql:// (a private cluster on a unix socket, tests/integration/
# pglib.sh), alternating the order each run; the median wall time of each
# and the ratios to the run without. Goal: <= 1.10 each, every service in
# the database. The crowd's /20 (1024 live hosts, 2048 services) by default:
# the whole /16 takes minutes a run on a busy 2-core machine;
# BENCH_INVDB_NET=198.19.0.0/16 measures all 16384 hosts.
bench_invdb() {
    local net=${BENCH_INVDB_NET:-198.19.0.0/20} i k t0 t pg_ok=0 want
    local -a plain=() sq=() pg=() cplain=() csq=() cpg=()
    local c pm=''
    # CPU seconds of the server: the postmaster's reaped children (each
    # connection's backend, once it has exited).
    pgcpu() { [[ -n $pm ]] && awk '{print ($16 + $17) / 100}' "/proc/$pm/stat" || echo 0; }
    # shellcheck source=/dev/null
    source "$ROOT/tests/integration/pglib.sh"
    echo
    echo "== invdb: -sV -p22,80 $net, without -oS, -oS FILE.sqlite, -oS postgresql://"
    pg_start && pg_ok=1 || log "PostgreSQL cluster did not start: no row"
    ((pg_ok)) && pm=$(head -1 "$PG_DIR/data/postmaster.pid")
    for ((i = 1; i <= RUNS; i++)); do
        for k in $(if ((i % 2)); then echo plain sqlite pg; else echo pg sqlite plain; fi); do
            local out=(-oN "$TMP/invdb-$k.txt")
            case $k in
            sqlite) rm -f "$TMP/inv.sqlite"*; out+=(-oS "$TMP/inv.sqlite") ;;
            pg) ((pg_ok)) || continue; out+=(-oS "$PG_URI") ;;
            esac
            warn_busy
            log "invdb $k: $FATHOM -n -T4 -sV -p22,80 $net ${out[*]}"
            t0=$EPOCHREALTIME c=$(pgcpu)
            ip netns exec "$NS" timeout 1800 /usr/bin/time -f '%U %S' -o "$TMP/invdb-$k.cpu" \
                "$FATHOM" -n -T4 -sV -p22,80 "$net" "${out[@]}" \
                >/dev/null 2>"$TMP/invdb-$k.err" || log "invdb $k: exit $?: $(tail -1 "$TMP/invdb-$k.err")"
            t=$(echo "$EPOCHREALTIME - $t0" | bc)
            sleep 0.5 # the server's backend exits
            # CPU seconds: fathom's, plus the server's for PostgreSQL.
            c=$(awk -v s="$(pgcpu)" -v s0="$c" -v k="$k" \
                'NR == 1 {print $1 + $2 + (k == "pg" ? s - s0 : 0)}' "$TMP/invdb-$k.cpu")
            case $k in
            plain) plain+=("$t") cplain+=("$c") ;;
            sqlite) sq+=("$t") csq+=("$c") ;;
            pg) pg+=("$t") cpg+=("$c") ;;
            esac
        done
    done
    median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
    local mp ms mg rs rg nsq npg
    want=$(grep -cE '^(22|80)/tcp +open' "$TMP/invdb-plain.txt" || echo 0)
    nsq=$(sqlite3 "$TMP/inv.sqlite" "SELECT count(*) FROM services WHERE scan_id = (SELECT max(id) FROM scans)" 2>/dev/null || echo 0)
    ((pg_ok)) && npg=$(psql_q "SELECT count(*) FROM services WHERE scan_id = (SELECT max(id) FROM scans)")
    local cp cs cg
    mp=$(median "${plain[@]}") ms=$(median "${sq[@]}") cp=$(median "${cplain[@]}") cs=$(median "${csq[@]}")
    rs=$(echo "scale=3; $ms / $mp" | bc)
    echo "  (wall time and CPU seconds, medians of $RUNS; CPU of PostgreSQL's server included)"
    printf '  %-20s %8.2fs wall %6.2fs cpu  %s open services\n' "without -oS" "$mp" "$cp" "$want"
    printf '  %-20s %8.2fs wall %6.2fs cpu  ratio %s (cpu %s), %s services stored\n' "-oS FILE.sqlite" \
        "$ms" "$cs" "$rs" "$(echo "scale=3; $cs / $cp" | bc)" "$nsq"
    if ((pg_ok)); then
        mg=$(median "${pg[@]}") cg=$(median "${cpg[@]}")
        rg=$(echo "scale=3; $mg / $mp" | bc)
        printf '  %-20s %8.2fs wall %6.2fs cpu  ratio %s (cpu %s), %s services stored\n' "-oS postgresql://" \
            "$mg" "$cg" "$rg" "$(echo "scale=3; $cg / $cp" | bc)" "${npg:-0}"
    fi
    echo "GOAL invdb sqlite: <= 1.10 x without -oS, every service stored:" \
        "$([[ $(echo "$rs <= 1.10" | bc) == 1 && $nsq == "$want" ]] && echo PASS || echo FAIL) (ratio $rs, $nsq/$want)" |
        tee -a "$TMP/goals"
    ((pg_ok)) && echo "GOAL invdb postgresql: <= 1.10 x without -oS, every service stored:" \
        "$([[ $(echo "$rg <= 1.10" | bc) == 1 && $npg == "$want" ]] && echo PASS || echo FAIL) (ratio $rg, $npg/$want)" |
        tee -a "$TMP/goals"
    pg_stop
}
