#!/bin/bash
# labreg.sh -- the lab's registry of service hosts: "HOST ADDR PORT PACKAGE STATE" per TCP port.
#
#   tools/bench.d/labreg.sh [HOST-REGEX]     (default ^svc[0-9]*$)
#
# Asks the lab itself (`tools/lab status`, its daemon table, and `tools/lab
# addr`) instead of keeping a copy, so hosts and daemons the lab adds
# (fx-svc2, fx-svc3, ...) are picked up. STATE is the lab's "up" or "down"
# for that daemon and ADDR is "-" when the lab cannot tell one: a caller
# decides whether a daemon the registry names but the lab does not run is a
# failure. Read-only: never starts or stops anything.
#   FATHOM_LAB=PATH   ask that tools/lab instead (another tree's registry)
set -u
# FATHOM_LAB: another tree's tools/lab (the running lab's registry).
LAB=${FATHOM_LAB:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)/lab}
want=${1:-'^svc[0-9]*$'}
declare -A addr
# status exits non-zero when something is down; its table is still whole.
"$LAB" status 2>/dev/null |
    awk '/^DAEMON +STATE +PORTS/ { t = 1; next } t && NF >= 4 { print $1, $2, $3, $5 }' |
    while read -r hn state ports pkg; do
        host=${hn%%/*}
        [[ $host =~ $want ]] || continue
        [[ -n ${addr[$host]:-} ]] || addr[$host]=$("$LAB" addr "$host" 2>/dev/null || echo -)
        for p in ${ports//,/ }; do
            [[ $p == tcp/* ]] && printf '%s %s %s %s %s\n' "$host" "${addr[$host]}" "${p#tcp/}" "${pkg:--}" "$state"
        done
    done | sort -u -k1,1 -k3,3n
