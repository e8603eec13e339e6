#!/bin/bash
# labreg.sh -- the lab's registry of service hosts: "HOST ADDR PORT PACKAGE" per TCP port.
#
#   tools/bench.d/labreg.sh [HOST-REGEX]     (default ^svc[0-9]*$)
#
# Reads tools/lab.d (LAB_HOSTS, LAB_DAEMONS, host_addr) instead of a copy of
# it, so hosts the lab adds (fx-svc2, fx-svc3, ...) are picked up. Hosts whose
# namespace does not exist are still listed: a caller decides whether a host
# the registry names but the lab does not run is a failure.
set -euo pipefail
LAB_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lab.d" && pwd)
want=${1:-'^svc[0-9]*$'}
# shellcheck source=../lab.d/common.sh
. "$LAB_DIR/common.sh"
# shellcheck source=../lab.d/net.sh
. "$LAB_DIR/net.sh"
# shellcheck source=../lab.d/daemons.sh
. "$LAB_DIR/daemons.sh"
for e in "${LAB_DAEMONS[@]}"; do
    read -r host _ ports pkg <<<"$e"
    [[ $host =~ $want ]] || continue
    addr=$( (host_addr "$host") 2>/dev/null) || addr=-
    for p in ${ports//,/ }; do
        [[ $p == tcp/* ]] && printf '%s %s %s %s\n' "$host" "$addr" "${p#tcp/}" "${pkg%%,*}"
    done
done | sort -u -k1,1 -k3,3n
