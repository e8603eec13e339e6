# fathom lab: a routed path fx-scan -> fx-rtr1 -> fx-rtr2 -> fx-far (sourced by tools/lab).
# shellcheck shell=bash
#
# Real Linux forwarding in two router namespaces, so a traceroute sees two
# routers answer with ICMP time exceeded before fx-far answers itself:
#
#   fx-scan 198.18.0.2 --switch-- 198.18.0.60 fx-rtr1 198.18.16.1 --veth--
#     198.18.16.2 fx-rtr2 198.18.17.1 --veth-- 198.18.17.10 fx-far
#
# IPv6: fd5a:7a6f:1ab0:1::60 (the lab /64), fd5a:7a6f:1ab0:16::/64 between the
# routers, fd5a:7a6f:1ab0:17::/64 fx-far's. fx-scan gets a route to each of
# these prefixes via fx-rtr1 and nothing else (still no default route); the
# routers and fx-far route only the lab's own prefixes. fx-rtr1's switch port
# has a MAC with a real vendor OUI (00:1B:21, Intel), so the scanner's
# "MAC Address:" line for a directly attached host can name a vendor.

RTR1_SFX=60
RTR1_MAC=00:1b:21:66:78:3c
RLINK_V4=198.18.16      # fx-rtr1 .1 -- fx-rtr2 .2, /24
RLINK_V6=fd5a:7a6f:1ab0:16: # ::1 and ::2, /64
FAR_V4=198.18.17        # fx-rtr2 .1 -- fx-far .10, /24
FAR_V6=fd5a:7a6f:1ab0:17:   # ::1 and ::10, /64

# veth_pair NS1 IF1 NS2 IF2: a veth from NS1/IF1 to NS2/IF2, made in NS1 with
# its peer placed straight into NS2 (never in the root namespace); kept if
# both ends are there, remade if one is missing.
veth_pair() {
    local ns1=$1 if1=$2 ns2=$3 if2=$4
    if ip -n "$ns1" link show "$if1" >/dev/null 2>&1 &&
        ip -n "$ns2" link show "$if2" >/dev/null 2>&1; then
        return 0
    fi
    ip -n "$ns1" link del "$if1" >/dev/null 2>&1 || true
    ip -n "$ns2" link del "$if2" >/dev/null 2>&1 || true
    ip -n "$ns1" link add "$if1" type veth peer name "$if2" netns "$ns2"
}

# routed_ns NS: a namespace of the routed path with lo up and the lab's sysctls.
routed_ns() {
    ns_ensure "$1"
    ip -n "$1" link set lo up
    common_sysctls "$1"
}

# if_up NS IF V4/LEN V6/LEN: addresses (replaced, so a re-run converges) and up.
if_up() {
    nsctl "$1" "net.ipv6.conf.$2.accept_dad=0"
    ip -n "$1" addr replace "$3" dev "$2"
    ip -n "$1" -6 addr replace "$4" dev "$2" nodad
    ip -n "$1" link set "$2" up
    offloads_off "$1" "$2"
}

forwarding_on() {
    nsctl "$1" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# fx-rtr1: on the switch like any host, forwarding to fx-rtr2; fx-scan's routes.
host_rtr1() {
    host_add rtr1 "$RTR1_SFX" "$RTR1_MAC"
    forwarding_on fx-rtr1
    routed_ns fx-rtr2
    veth_pair fx-rtr1 eth1 fx-rtr2 eth0
    if_up fx-rtr1 eth1 "$RLINK_V4.1/24" "$RLINK_V6:1/64"
    ip -n fx-rtr1 route replace "$FAR_V4.0/24" via "$RLINK_V4.2" dev eth1
    ip -n fx-rtr1 -6 route replace "$FAR_V6:/64" via "$RLINK_V6:2" dev eth1
    local p
    for p in "$RLINK_V4.0/24" "$FAR_V4.0/24"; do
        ip -n fx-scan route replace "$p" via "$LAB_V4.$RTR1_SFX" dev eth0
    done
    for p in "$RLINK_V6:/64" "$FAR_V6:/64"; do
        ip -n fx-scan -6 route replace "$p" via "$LAB_V6:$RTR1_SFX" dev eth0
    done
}

# fx-rtr2: between the two links; back to the lab segment via fx-rtr1.
host_rtr2() {
    routed_ns fx-rtr2
    forwarding_on fx-rtr2
    routed_ns fx-far
    if_up fx-rtr2 eth0 "$RLINK_V4.2/24" "$RLINK_V6:2/64"
    veth_pair fx-rtr2 eth1 fx-far eth0
    if_up fx-rtr2 eth1 "$FAR_V4.1/24" "$FAR_V6:1/64"
    ip -n fx-rtr2 route replace "$LAB_V4.0/24" via "$RLINK_V4.1" dev eth0
    ip -n fx-rtr2 -6 route replace "$LAB_V6:/64" via "$RLINK_V6:1" dev eth0
}

# fx-far: two hops behind fx-scan's gateway; listens on 22 and 80.
host_far() {
    routed_ns fx-far
    if_up fx-far eth0 "$FAR_V4.10/24" "$FAR_V6:10/64"
    local p
    for p in "$LAB_V4.0/24" "$RLINK_V4.0/24"; do
        ip -n fx-far route replace "$p" via "$FAR_V4.1" dev eth0
    done
    for p in "$LAB_V6:/64" "$RLINK_V6:/64"; do
        ip -n fx-far -6 route replace "$p" via "$FAR_V6:1" dev eth0
    done
}

LAB_HOSTS+=(rtr1 rtr2 far)
# fx-far's open ports: fx-fw's stdlib listener (accept and close).
LAB_DAEMONS+=("far listen tcp/22,tcp/80 python3-minimal")

start_far_listen() {
    local d=$1
    install -m 644 "$LAB_DIR/fwlisten.py" "$d/fwlisten.py"
    launch "$d" "$2" /usr/bin/python3 -u "$d/fwlisten.py" 22 80
}
