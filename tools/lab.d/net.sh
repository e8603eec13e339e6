# fathom lab: namespaces, switch, hosts, firewalls, loss (sourced by tools/lab).
# shellcheck shell=bash
#
# Every address here is inside 198.18.0.0/15 or fd5a:7a6f:1ab0::/48. Nothing is
# ever created in the root namespace: veth pairs are created inside fx-lab with
# their peer placed straight into the host namespace.

LAB_V4=198.18.0        # the lab segment, /24
LAB_V6=fd5a:7a6f:1ab0:1: # the lab segment, /64 (suffix appended as ::N)
CROWD_NET=198.19.0.0/16  # AnyIP range answered by fx-crowd
CROWD6_NET=fd5a:7a6f:1ab0:200::/112 # AnyIP range answered by fx-crowd6
SWITCH=${LAB_PREFIX}lab

# Sysctls for every lab namespace: no ICMP rate limiting (sweeps must see
# every unreachable/echo reply), no DAD delay (ULA usable at once), no SLAAC.
common_sysctls() {
    nsctl "$1" net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000 \
        net.ipv4.icmp_msgs_burst=10000 net.ipv6.icmp.ratelimit=0 \
        net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
}

# The switch: a bridge br0 in fx-lab. No addresses, no IPv6 on the switch so it
# never talks itself; no STP/forward delay so ports forward immediately.
switch_up() {
    ns_ensure "$SWITCH"
    ip -n "$SWITCH" link set lo up
    common_sysctls "$SWITCH"
    nsctl "$SWITCH" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    if ! ip -n "$SWITCH" link show br0 >/dev/null 2>&1; then
        ip -n "$SWITCH" link add br0 address 02:66:78:ff:00:00 type bridge \
            stp_state 0 forward_delay 0 mcast_snooping 0
    fi
    ip -n "$SWITCH" link set br0 up
}

# offloads_off NS IFACE: without GRO/TSO/GSO a capture shows frames as they
# would be on a wire. Optional: only if ethtool is installed.
offloads_off() {
    command -v ethtool >/dev/null 2>&1 || return 0
    nsx "$1" ethtool -K "$2" gro off tso off gso off >/dev/null 2>&1 || true
}

# host_add NAME IPSUFFIX MAC [v4only]: namespace fx-NAME with eth0 (MAC) on the
# switch, 198.18.0.IPSUFFIX/24 and (unless v4only) fd5a:7a6f:1ab0:1::IPSUFFIX/64.
# Idempotent: repairs a missing veth, re-applies addresses.
host_add() {
    local name=$1 sfx=$2 mac=$3 v4only=${4:-} ns port
    ns=$(ns_name "$name") port=v-$name
    ns_ensure "$ns"
    ip -n "$ns" link set lo up
    common_sysctls "$ns"
    if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
        ip -n "$SWITCH" link del "$port" >/dev/null 2>&1 || true
        ip -n "$SWITCH" link add "$port" address "$(printf '02:66:78:01:00:%02x' "$sfx")" \
            type veth peer name eth0 netns "$ns"
    fi
    ip -n "$ns" link set eth0 address "$mac"
    nsctl "$ns" net.ipv6.conf.eth0.accept_dad=0
    ip -n "$SWITCH" link set "$port" master br0 up
    nsctl "$SWITCH" "net.ipv6.conf.$port.disable_ipv6=1"
    ip -n "$ns" addr replace "$LAB_V4.$sfx/24" dev eth0
    [[ $v4only == v4only ]] || ip -n "$ns" -6 addr replace "$LAB_V6:$sfx/64" dev eth0 nodad
    ip -n "$ns" link set eth0 up
    offloads_off "$ns" eth0
    offloads_off "$SWITCH" "$port"
}

# nft_load NS FILE: replace this file's table atomically in NS.
nft_load() { nsx "$1" nft -f "$2"; }

# ---- the hosts ----------------------------------------------------------
# .20-.29 are reserved for hostile hosts and .30-.39 for OS-variant hosts:
# add them as one more host_add call (plus their daemons in daemons.sh).

# fx-scan: where the scanner runs. NO default route: only the lab /24, the lab
# /64 and the crowd /16 are reachable, so nothing can leave the lab.
host_scan() {
    host_add scan 2 02:66:78:00:00:02
    ip -n fx-scan route replace "$CROWD_NET" via "$LAB_V4.12" dev eth0
    ip -n fx-scan -6 route replace "$CROWD6_NET" via "$LAB_V6:13" dev eth0
    ip -n fx-scan route del default >/dev/null 2>&1 || true
    ip -n fx-scan -6 route del default >/dev/null 2>&1 || true
}

# fx-lossy: a second scanner, for scans through a lossy link
# (`tools/lab loss PERCENT lossy` drops only frames to and from its switch
# port, so everyone else's traffic stays clean). The same routes as fx-scan,
# and no default route either: nothing it sends can leave the lab.
host_lossy() {
    host_add lossy 3 02:66:78:00:00:03
    ip -n fx-lossy route replace "$CROWD_NET" via "$LAB_V4.12" dev eth0
    ip -n fx-lossy -6 route replace "$CROWD6_NET" via "$LAB_V6:13" dev eth0
    ip -n fx-lossy route del default >/dev/null 2>&1 || true
    ip -n fx-lossy -6 route del default >/dev/null 2>&1 || true
}

# fx-svc: real Debian daemons (started by daemons.sh).
host_svc() {
    host_add svc 10 02:66:78:00:00:0a
}

# fx-quiet: a firewalled host: 22 open, 113 closed, 3306 port-unreach, rest dropped.
host_quiet() {
    host_add quiet 11 02:66:78:00:00:0b
    render quiet.nft "$LAB_STATE/quiet.nft"
    nft_load fx-quiet "$LAB_STATE/quiet.nft"
}

# fx-fw: a firewall that tells nmap's TCP scan types apart (-sA, -sW, -sF,
# -sN, -sX, -sM): ports 80-92 and what each scan type sees of them are in
# tools/lab.d/fw-states.tsv; the open ones are fwlisten.py's (daemons.sh).
host_fw() {
    host_add fw 15 02:66:78:00:00:0f
    render fw.nft "$LAB_STATE/fw.nft"
    nft_load fx-fw "$LAB_STATE/fw.nft"
    # Ports 86/87 rely on conntrack taking a lone ACK as a new flow (the
    # kernel's default; its rule set loaded conntrack, so the key exists).
    nsctl fx-fw net.netfilter.nf_conntrack_tcp_loose=1
}

# fx-crowd: answers for all of 198.19.0.0/16 (AnyIP), 1 address in 4 alive.
host_crowd() {
    host_add crowd 12 02:66:78:00:00:0c v4only
    ip -n fx-crowd route replace local "$CROWD_NET" dev lo
    # A sweep sends tens of thousands of SYNs at once: a deep SYN queue and
    # accept backlog keep every live address answering; syncookies cover the
    # listeners whose backlog is fixed in code (sshd listens with 128), so a
    # SYN-ACK still goes out when the queue is full. Without these the
    # ground truth (exactly 16384 live hosts) would not hold under load.
    nsctl fx-crowd net.ipv4.tcp_max_syn_backlog=262144 net.core.somaxconn=65535 \
        net.ipv4.tcp_syncookies=1 net.ipv4.icmp_ratelimit=0
    render crowd.nft "$LAB_STATE/crowd.nft"
    nft_load fx-crowd "$LAB_STATE/crowd.nft"
}

# fx-crowd6: the IPv6 crowd. Answers for all of fd5a:7a6f:1ab0:200::/112
# (65536 addresses, AnyIP), one in four alive (last 16 bits divisible by 4:
# 16384 live hosts), sshd on 22 and nginx on 80 like fx-crowd. Its own
# namespace so a v6 sweep and a v4 sweep do not share one SYN queue.
host_crowd6() {
    host_add crowd6 13 02:66:78:00:00:0d
    ip -n fx-crowd6 -6 route replace local "$CROWD6_NET" dev lo
    nsctl fx-crowd6 net.ipv4.tcp_max_syn_backlog=262144 net.core.somaxconn=65535 \
        net.ipv4.tcp_syncookies=1 net.ipv6.icmp.ratelimit=0
    render crowd6.nft "$LAB_STATE/crowd6.nft"
    nft_load fx-crowd6 "$LAB_STATE/crowd6.nft"
}

# fx-svc2, fx-svc3 (.40-.49 are for more service hosts): breadth, dozens of
# real Debian daemons each (tools/lab.d/daemons-svc2.sh, daemons-svc3.sh).
host_svc2() {
    host_add svc2 40 02:66:78:00:00:28
}
host_svc3() {
    host_add svc3 41 02:66:78:00:00:29
}

# fx-hostile: misbehaving TCP services on 7001-7012 (hostile.py, see daemons.sh)
# that version detection has to survive, and a tarpit: ports 10000-10999
# redirected to 7010, which accepts and never speaks (hostile.nft).
host_hostile() {
    host_add hostile 20 02:66:78:00:00:14
    render hostile.nft "$LAB_STATE/hostile.nft"
    nft_load fx-hostile "$LAB_STATE/hostile.nft"
}

# ---- OS-variant hosts (fx-os1..fx-os9 = 198.18.0.31-.39) -------------------
# Each is a plain Linux stack with one open port (sshd on 22, see daemons.sh),
# every other port closed (RST / ICMP port-unreachable, no firewall), and one
# per-namespace sysctl that changes what nmap's OS probes see. fathom's own OS
# database (fingerprints/fathom-os-db) has one entry per variant, measured here.
# "NAME SUFFIX SYSCTL..." ("-" = kernel defaults). tcp_ecn=1 is not a variant:
# the default 2 already answers an ECN SYN with ECE, so 1 looks the same to a
# scanner; 0 is the setting that changes the reply. Measured on 6.18 and left
# out because nmap's probes see no difference: tcp_ecn=1, ip_no_pmtu_disc=1
# (replies keep DF).
OS_VARIANTS=(
    "os1 31 -"
    "os2 32 net.ipv4.tcp_timestamps=0"
    "os3 33 net.ipv4.tcp_window_scaling=0"
    "os4 34 net.ipv4.tcp_sack=0"
    "os5 35 net.ipv4.ip_default_ttl=128"
    "os6 36 net.ipv4.tcp_ecn=0"
    "os7 37 net.ipv4.tcp_rmem=4096,16384,4194304"
    "os8 38 net.ipv4.icmp_echo_ignore_all=1"
    "os9 39 net.ipv4.tcp_syncookies=2"
)

# os_variant NAME -> "SUFFIX SYSCTL..." of that variant (sysctl values with
# several fields are written with commas for the spaces).
os_variant() {
    local e
    for e in "${OS_VARIANTS[@]}"; do
        [[ $e == "$1 "* ]] && { printf '%s\n' "${e#* }"; return 0; }
    done
    return 1
}

# os_sysctls_now NAME -> "KEY=VALUE ..." as read back inside fx-NAME now, for
# the keys its variant sets ("defaults" for the plain one).
os_sysctls_now() {
    local sfx rest kv out=()
    read -r sfx rest <<<"$(os_variant "$1")"
    [[ $rest == - ]] && { echo defaults; return 0; }
    for kv in $rest; do
        out+=("${kv%%=*}=$(nsx "fx-$1" sysctl -n "${kv%%=*}" 2>/dev/null | tr -s '\t ' ',')")
    done
    echo "${out[*]}"
}

# host_os NAME: one OS-variant host. The sysctls are applied every time, so a
# running lab converges to the table above.
host_os() {
    local name=$1 sfx kv rest
    read -r sfx rest <<<"$(os_variant "$name")"
    host_add "$name" "$sfx" "$(printf '02:66:78:00:00:%02x' "$sfx")"
    for kv in $rest; do
        [[ $kv == - ]] || nsctl "fx-$name" "${kv//,/ }"
    done
}

LAB_HOSTS=(scan svc quiet crowd crowd6 hostile svc2 svc3 fw lossy)
for _e in "${OS_VARIANTS[@]}"; do LAB_HOSTS+=("${_e%% *}"); done
unset _e

net_up() {
    switch_up
    local h
    for h in "${LAB_HOSTS[@]}"; do
        if os_variant "$h" >/dev/null; then host_os "$h"; else "host_$h"; fi
    done
}

# addr NAME: the IPv4 address of a host (known ones without asking the kernel).
host_addr() {
    local n=${1#"$LAB_PREFIX"} ns a
    case $n in
    scan) echo "$LAB_V4.2" ;;
    lossy) echo "$LAB_V4.3" ;;
    svc) echo "$LAB_V4.10" ;;
    quiet) echo "$LAB_V4.11" ;;
    fw) echo "$LAB_V4.15" ;;
    crowd) echo "$LAB_V4.12" ;;
    crowd6) echo "$LAB_V4.13" ;;
    svc2) echo "$LAB_V4.40" ;;
    svc3) echo "$LAB_V4.41" ;;
    hostile) echo "$LAB_V4.20" ;;
    *)
        ns=$(ns_name "$n")
        ns_exists "$ns" || die "no host $n"
        a=$(ip -n "$ns" -4 -o addr show dev eth0 2>/dev/null | awk '{print $4; exit}')
        [[ -n $a ]] || die "host $n has no IPv4 address"
        echo "${a%/*}"
        ;;
    esac
}

# loss PERCENT [HOST]: random loss on the switch in both directions; 0
# removes it. With HOST, only on the frames to and from that host's switch
# port (its own table, so the switch-wide one and other hosts' are left alone).
lab_loss() {
    local pct=$1 host=${2:-}
    if [[ ! $pct =~ ^[0-9]+$ ]] || ((10#$pct > 100)); then die "loss: PERCENT must be 0..100"; fi
    pct=$((10#$pct))
    ns_exists "$SWITCH" || die "the lab is not up"
    if [[ -n $host ]]; then
        lab_loss_port "$pct" "${host#"$LAB_PREFIX"}"
        return
    fi
    if ((pct == 0)); then
        nsx "$SWITCH" nft delete table bridge fx_loss 2>/dev/null || true
    else
        mkdir -p "$LAB_STATE"
        # numgen ... mod 100 yields 0..99, so "< 100" is not accepted: 100% is a plain drop.
        local rule="numgen random mod 100 < $pct drop"
        ((pct == 100)) && rule=drop
        render loss.nft "$LAB_STATE/loss.nft" PERCENT "$pct" RULE "$rule"
        nft_load "$SWITCH" "$LAB_STATE/loss.nft"
    fi
}

lab_loss_port() {
    local pct=$1 host=$2 rule
    [[ $host =~ ^[a-z0-9]+$ ]] || die "loss: bad host name $host"
    ip -n "$SWITCH" link show "v-$host" >/dev/null 2>&1 || die "loss: no host $host on the switch"
    if ((pct == 0)); then
        nsx "$SWITCH" nft delete table bridge "fx_loss_$host" 2>/dev/null || true
        return
    fi
    mkdir -p "$LAB_STATE"
    # One draw per rule: each direction loses PERCENT% on its own.
    rule="numgen random mod 100 < $pct drop"
    ((pct == 100)) && rule=drop
    render loss-port.nft "$LAB_STATE/loss-$host.nft" HOST "$host" PORT "v-$host" RULE "$rule"
    nft_load "$SWITCH" "$LAB_STATE/loss-$host.nft"
}

# loss_now_port HOST: the loss on HOST's port, in percent.
loss_now_port() {
    local t
    t=$(nsx "$SWITCH" nft list table bridge "fx_loss_$1" 2>/dev/null) || { echo 0; return; }
    if [[ $t =~ mod\ 100\ \<\ ([0-9]+)\ drop ]]; then echo "${BASH_REMATCH[1]}"; else echo 100; fi
}

loss_now() {
    local t
    t=$(nsx "$SWITCH" nft list table bridge fx_loss 2>/dev/null) || { echo 0; return; }
    if [[ $t =~ mod\ 100\ \<\ ([0-9]+)\ drop ]]; then echo "${BASH_REMATCH[1]}"; else echo 100; fi
}
