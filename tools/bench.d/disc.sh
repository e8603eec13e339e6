# fathom bench: the `disc` case (sourced by tools/bench): issue 11's host-discovery goals.
# shellcheck shell=bash
#
# -sn over the IPv4 crowd (fx-crowd, 198.19.0.0/16, every 4th address alive)
# against nmap -sn and zmap's ICMP echo module at fathom's own default rate,
# and -6 -sn over the IPv6 crowd (fx-crowd6, fd5a:7a6f:1ab0:200::/112, the
# same rule) against nmap -6 -sn; hosts found and wall time per tool.
# DISC_NET=CIDR and DISC6_NET=CIDR scan less of each crowd (nmap -sn takes
# minutes on 65,536 addresses); every tool of a family scans the same net.
# Also -p80 --open without -Pn (discovery streaming into the sweep), and
# with FATHOM_BEFORE=PATH the same by another build, for before/after.
# Uses tools/bench's log/have/warn_busy and its globals (NS, TMP, FATHOM,
# RUNS, IFACE, GW_MAC, SWEEP, CROWD6 from ipv6.sh).

DISC_RATE=150000 # fathom's default (-T3) rate: zmap -r matches it

# disc_count KIND FILE NET: "FOUND FALSE": live crowd hosts a tool reported
# up in FILE, and addresses it reported up that are not alive (or not in
# NET). KIND zmap: one address per line; normal: nmap's normal output.
disc_count() {
    python3 - "$@" <<'EOF'
import ipaddress, re, sys
kind, path, net = sys.argv[1], sys.argv[2], ipaddress.ip_network(sys.argv[3])
text = open(path, errors="replace").read()
if kind == "zmap":
    up = {l.strip() for l in text.splitlines() if l.strip()}
else:  # a report, then "Host is up" before the next report
    up, host = set(), None
    for l in text.splitlines():
        m = re.match(r"(?:Nmap|fathom) scan report for (\S+)", l)
        if m:
            host = m.group(1).strip("()")
        elif host and l.startswith("Host is up"):
            up.add(host)
            host = None
good = bad = 0
for a in up:
    try:
        ip = ipaddress.ip_address(a)
    except ValueError:
        bad += 1
        continue
    if ip in net and int(ip) % 4 == 0:
        good += 1
    else:
        bad += 1
print(good, bad)
EOF
}

# disc_truth NET: live addresses in NET (every 4th, both crowds).
disc_truth() {
    python3 -c "import ipaddress, sys; print(ipaddress.ip_network(sys.argv[1]).num_addresses // 4)" "$1"
}

# disc_run TAG LIMIT KIND NET CMD...: runs CMD in fx-scan; appends
# "TAG WALL FOUND FALSE RC" to $TMP/disc.tsv and the command to the list.
disc_run() {
    local tag=$1 limit=$2 kind=$3 net=$4 t0 t1 rc=0 out=$TMP/disc.out
    shift 4
    warn_busy
    log "$tag (timeout ${limit}s): $*"
    grep -qxF -e "$tag: $*" "$TMP/disc.cmds" 2>/dev/null || echo "$tag: $*" >>"$TMP/disc.cmds"
    t0=$EPOCHREALTIME
    ip netns exec "$NS" timeout -k 5 "$limit" "$@" </dev/null >"$out" 2>"$out.err" || rc=$?
    t1=$EPOCHREALTIME
    ((rc == 0)) || { log "$tag: exited $rc ($(tr '\r' '\n' <"$out.err" | grep -v '^\s*$' | tail -1))"; FAILED=1; }
    printf '%s\t%s\t%s\t%s\n' "$tag" "$(echo "$t1 - $t0" | bc)" "$(disc_count "$kind" "$out" "$net" | tr ' ' '\t')" "$rc" \
        >>"$TMP/disc.tsv"
}

# disc_med TAG FIELD: the median of FIELD (2 wall, 3 found) over TAG's runs.
disc_med() {
    awk -F'\t' -v t="$1" -v f="$2" '$1 == t {print $f}' "$TMP/disc.tsv" | sort -g |
        awk '{v[NR] = $1} END {if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}

# disc_ratio A B: A / B to 3 places ("-" when B is missing or zero).
disc_ratio() {
    [[ -n $1 && -n $2 && $2 != 0 ]] && echo "scale=3; $1 / $2" | bc || echo -
}

disc_table() {
    local tag truth=$1
    shift
    printf '  %-40s %8s %13s %6s %5s\n' tool "wall s" "hosts up" false rc
    for tag in "$@"; do
        grep -q "^$tag"$'\t' "$TMP/disc.tsv" || continue
        printf '  %-40s %8.2f %6s/%-6s %6s %5s\n' "$tag" "$(disc_med "$tag" 2)" "$(disc_med "$tag" 3)" "$truth" \
            "$(awk -F'\t' -v t="$tag" '$1 == t && $4 > m {m = $4} END {print m + 0}' "$TMP/disc.tsv")" \
            "$(awk -F'\t' -v t="$tag" '$1 == t {r = $5} END {print r}' "$TMP/disc.tsv")"
    done
}

# disc_ports NET: a port scan with discovery (no -Pn), which streams the
# hosts found up into the sweep; with FATHOM_BEFORE=PATH the same by
# another build (before/after in one run). Hosts up = hosts with 80 open.
disc_ports() {
    disc_run "fathom -p80 --open" 600 normal "$1" "$FATHOM" -n -p80 --open "$1"
    [[ -z ${FATHOM_BEFORE:-} ]] ||
        disc_run "before: fathom -p80 --open" 600 normal "$1" "$FATHOM_BEFORE" -n -p80 --open "$1"
}

bench_disc_v4() {
    local net=${DISC_NET:-$SWEEP} truth i f n z zt found
    truth=$(disc_truth "$net")
    echo
    echo "== disc: -sn over $net ($truth live hosts)${DISC_NET:+ (DISC_NET; the whole crowd is $SWEEP)}"
    for ((i = 1; i <= RUNS; i++)); do
        disc_run "fathom -sn" 600 normal "$net" "$FATHOM" -n -sn "$net"
        if have zmap; then
            disc_run "zmap -M icmp_echoscan (cooldown 8 s)" 120 zmap "$net" zmap -M icmp_echoscan \
                -i "$IFACE" -G "$GW_MAC" -b /dev/null -r "$DISC_RATE" "$net"
            disc_run "zmap -M icmp_echoscan --cooldown-time 1" 120 zmap "$net" zmap -M icmp_echoscan \
                -i "$IFACE" -G "$GW_MAC" -b /dev/null -r "$DISC_RATE" --cooldown-time 1 "$net"
        fi
        have nmap && disc_run "nmap -sn" 3600 normal "$net" nmap -n -sn "$net"
        disc_ports "$net"
    done
    disc_table "$truth" "fathom -sn" "zmap -M icmp_echoscan (cooldown 8 s)" \
        "zmap -M icmp_echoscan --cooldown-time 1" "nmap -sn" "fathom -p80 --open" \
        "before: fathom -p80 --open"
    f=$(disc_med "fathom -sn" 2) found=$(disc_med "fathom -sn" 3)
    n=$(disc_med "nmap -sn" 2) z=$(disc_med "zmap -M icmp_echoscan (cooldown 8 s)" 2)
    zt=$(disc_med "zmap -M icmp_echoscan --cooldown-time 1" 2)
    echo "  (median of $RUNS run(s); zmap -r $DISC_RATE = fathom's default rate; fathom sends nmap's" \
        "4 probes per address, zmap 1)"
    if [[ -z $n || -z $z ]]; then
        echo "GOAL disc: FAIL (nmap or zmap did not run)" | tee -a "$TMP/goals"
        return
    fi
    echo "GOAL disc: -sn finds all $truth, <= 0.3 x nmap -sn, <= 1.3 x zmap icmp_echoscan:" \
        "$([[ ${found%.*} == "$truth" && $(echo "$f <= 0.3 * $n && $f <= 1.3 * $z" | bc) == 1 ]] && echo PASS || echo FAIL)" \
        "(found ${found%.*}/$truth on $net; fathom ${f}s = $(disc_ratio "$f" "$n") x nmap ${n}s," \
        "$(disc_ratio "$f" "$z") x zmap ${z}s; vs zmap --cooldown-time 1 (${zt:-?}s): $(disc_ratio "$f" "$zt") x)" |
        tee -a "$TMP/goals"
}

bench_disc_v6() {
    local net=${DISC6_NET:-$CROWD6} truth i f n found
    truth=$(disc_truth "$net")
    echo
    echo "== disc6: -6 -sn over $net ($truth live hosts)${DISC6_NET:+ (DISC6_NET; the whole crowd is $CROWD6)}"
    for ((i = 1; i <= RUNS; i++)); do
        disc_run "fathom -6 -sn" 600 normal "$net" "$FATHOM" -6 -n -sn "$net"
        have nmap && disc_run "nmap -6 -sn" 3600 normal "$net" nmap -6 -n -sn "$net"
        disc_run "fathom -6 -p80 --open" 600 normal "$net" "$FATHOM" -6 -n -p80 --open "$net"
        [[ -z ${FATHOM_BEFORE:-} ]] ||
            disc_run "before: fathom -6 -p80 --open" 600 normal "$net" "$FATHOM_BEFORE" -6 -n -p80 --open "$net"
    done
    disc_table "$truth" "fathom -6 -sn" "nmap -6 -sn" "fathom -6 -p80 --open" "before: fathom -6 -p80 --open"
    f=$(disc_med "fathom -6 -sn" 2) found=$(disc_med "fathom -6 -sn" 3) n=$(disc_med "nmap -6 -sn" 2)
    echo "  (median of $RUNS run(s); zmap 2.1 has no IPv6)"
    [[ -n $n ]] || { echo "GOAL disc6: FAIL (nmap did not run)" | tee -a "$TMP/goals"; return; }
    echo "GOAL disc6: -6 -sn finds all $truth, <= 0.3 x nmap -6 -sn:" \
        "$([[ ${found%.*} == "$truth" && $(echo "$f <= 0.3 * $n" | bc) == 1 ]] && echo PASS || echo FAIL)" \
        "(found ${found%.*}/$truth on $net; fathom ${f}s = $(disc_ratio "$f" "$n") x nmap ${n}s)" |
        tee -a "$TMP/goals"
}

bench_disc() {
    : >"$TMP/disc.tsv"
    : >"$TMP/disc.cmds"
    bench_disc_v4
    bench_disc_v6
    echo
    echo "== disc: commands (each run as: ip netns exec $NS timeout -k 5 LIMIT CMD)"
    sed 's/^/  /' "$TMP/disc.cmds"
}
