# shard.sh -- tools/bench shard: the crowd /16 x 22,80 with -sV, once whole
# and in 4 shards one after another; the merged report must equal the whole
# run (16384 hosts, 32768 services, ndiff clean) and no target may get a
# sweep probe from two shards (SYNs counted on the lab's switch port of
# fx-scan). Every run uses -g SHARD_SPORT: other users of the lab scan from
# the same address, and their frames must not be counted. It lies outside
# the kernel's ephemeral range (32768-60999: every connect() in fx-scan,
# -sV and -sT of other scans included, may pick a port there, as 47123 did
# for 3 crowd targets in a run) and fathom's own sweep ports (61000-62023).
SHARD_SPORT=29123
# SHARD_KEEP=DIR keeps the runs' files (whole.xml, s*.*, merged.*) there.
# Sourced by tools/bench (uses its NS, FATHOM, SWEEP, TMP, log, have).

# The destination address of every frame in a capture, once each.
shard_dsts() { tcpdump -nn -r "$1" 2>/dev/null | awk '$2 == "IP" {split($5, a, "."); print a[1]"."a[2]"."a[3]"."a[4]}' | sort -u; }

bench_shard() {
    local d=$TMP/shard i t0 tw ts=0 t named ids
    mkdir -p "$d"
    echo
    echo "== shard: -sV -p22,80 $SWEEP whole, then in 4 shards (--scan-id, one after another)"
    t0=$EPOCHREALTIME
    ip netns exec "$NS" timeout 1800 "$FATHOM" -n -T4 -sV -p22,80 -g "$SHARD_SPORT" "$SWEEP" -oX "$d/whole.xml" >/dev/null 2>&1 ||
        { log "shard: the whole run failed"; FAILED=1; return 0; }
    tw=$(echo "$EPOCHREALTIME - $t0" | bc)
    for i in 0 1 2 3; do
        ip netns exec fx-lab tcpdump -i v-scan -Q in -nn -s 64 -B 32768 -w "$d/s$i.pcap" \
            "tcp[tcpflags] & tcp-syn != 0 and src port $SHARD_SPORT and dst net 198.19.0.0/16" 2>"$d/s$i.cap.err" &
        JOBS+=("$!")
        for _ in {1..100}; do grep -q 'listening on' "$d/s$i.cap.err" && break; sleep 0.05; done
        t0=$EPOCHREALTIME
        ip netns exec "$NS" timeout 1800 "$FATHOM" -n -T4 -sV -p22,80 -g "$SHARD_SPORT" "$SWEEP" --scan-id bench \
            --shards 4 --shard "$i" -oA "$d/s$i" >/dev/null 2>&1 || { log "shard $i failed"; FAILED=1; }
        t=$(echo "$EPOCHREALTIME - $t0" | bc)
        ts=$(echo "$ts + $t" | bc)
        sleep 0.3
        kill -INT "${JOBS[-1]}" 2>/dev/null; wait "${JOBS[-1]}" 2>/dev/null || true
        shard_dsts "$d/s$i.pcap" >"$d/s$i.dst"
        echo "  shard $i: ${t}s, $(grep -c '<host ' "$d/s$i.xml") hosts up, sweep SYNs to $(wc -l <"$d/s$i.dst") targets"
    done
    "$FATHOM" merge -oA "$d/merged" "$d"/s0 "$d"/s1 "$d"/s2 "$d"/s3 2>"$d/merge.err" ||
        { log "merge failed: $(cat "$d/merge.err")"; FAILED=1; return 0; }
    named() { grep -c '<service name="\(ssh\|http\)" product=' "$1"; }
    ids=$(cat "$d"/s?.dst | sort | uniq -d | wc -l)
    echo "  whole run: ${tw}s, $(grep -c '<host ' "$d/whole.xml") hosts, $(named "$d/whole.xml") services with products"
    echo "  4 shards: ${ts}s together (ratio $(echo "scale=2; $ts / $tw" | bc) x the whole run)," \
        "merged $(grep -c '<host ' "$d/merged.xml") hosts, $(named "$d/merged.xml") services;" \
        "targets probed by two shards: $ids"
    local diffs=unknown
    have ndiff && diffs=$(ndiff "$d/whole.xml" "$d/merged.xml" | sed 1,2d | grep -c . || true)
    [[ -z ${SHARD_KEEP:-} ]] || { mkdir -p "$SHARD_KEEP" && cp -r "$d"/. "$SHARD_KEEP"/; }
    echo "GOAL shard: merged = whole (16384 hosts, 32768 services, ndiff 0 lines), no target in two shards:" \
        "$([[ $(grep -c '<host ' "$d/merged.xml") == 16384 && $(named "$d/merged.xml") == 32768 && $diffs == 0 && $ids == 0 ]] && echo PASS || echo FAIL)" \
        "(ndiff $diffs lines, $ids shared targets, shards ${ts}s vs whole ${tw}s)" | tee -a "$TMP/goals"
}
