# fathom lab: shared helpers (sourced by tools/lab).
# shellcheck shell=bash

LAB_STATE=/run/fathom-lab
LAB_TEMPLATES=$LAB_DIR/templates
LAB_PREFIX=fx-

log()  { printf 'lab: %s\n' "$*" >&2; }
die()  { log "error: $*"; exit 1; }

# ns NAME -> fx-NAME (accepts either form).
ns_name() { local n=${1#"$LAB_PREFIX"}; printf '%s%s\n' "$LAB_PREFIX" "$n"; }
ns_exists() { [[ -e /run/netns/$1 ]]; }
ns_ensure() { ns_exists "$1" || ip netns add "$1"; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# nsctl NS KEY=VAL... : sysctls inside a namespace; a key this kernel lacks is
# skipped with a note instead of failing the whole bring-up.
nsctl() {
    local ns=$1 kv; shift
    for kv in "$@"; do
        nsx "$ns" sysctl -qw "$kv" >/dev/null 2>&1 || log "note: $ns: sysctl $kv not applied"
    done
}

# render TEMPLATE OUT KEY VAL... : copy tools/lab.d/templates/TEMPLATE to OUT
# replacing every @KEY@ (values may be multi-line).
render() {
    local tmpl=$LAB_TEMPLATES/$1 out=$2 c; shift 2
    c=$(<"$tmpl")
    while (($# >= 2)); do c=${c//"@$1@"/$2}; shift 2; done
    [[ ! $c =~ @[A-Z0-9_]+@ ]] || die "render $tmpl: unreplaced ${BASH_REMATCH[0]}"
    printf '%s\n' "$c" >"$out"
}

# ---- pids ---------------------------------------------------------------

# pid_of PIDFILE -> pid if the file names a live process.
pid_of() {
    local p=
    if [[ -s $1 ]]; then read -r p <"$1" || true; fi
    [[ $p =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null && printf '%s\n' "$p"
}

# pid_in_ns PID NS : true if PID lives in network namespace NS (guards against
# a reused pid and against a daemon left in a namespace that was recreated).
pid_in_ns() {
    local want got
    want=$(stat -Lc %i "/run/netns/$2" 2>/dev/null) || return 1
    got=$(stat -Lc %i "/proc/$1/ns/net" 2>/dev/null) || return 1
    [[ $want == "$got" ]]
}

# stop_pids PID... : TERM, wait up to 5 s, then KILL what is left.
stop_pids() {
    local p i alive
    (($#)) || return 0
    kill -TERM "$@" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive=0
        for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
        ((alive)) || return 0
        sleep 0.1
    done
    kill -KILL "$@" 2>/dev/null || true
}

# launch DIR NS CMD... : start a foreground daemon detached in namespace NS,
# record its pid in DIR/pid and its stdout/stderr in DIR/out.log.
# `ip netns exec` and `setsid` both exec (setsid does not fork: a background
# job of a script is not a process-group leader), so $! is the daemon itself.
# fd 9 (the lab's lock) is closed so daemons do not hold it.
launch() {
    local dir=$1 ns=$2; shift 2
    ip netns exec "$ns" setsid "$@" </dev/null >>"$dir/out.log" 2>&1 9>&- &
    printf '%s\n' "$!" >"$dir/pid"
}

# ---- listening ports ----------------------------------------------------

# listen_set NS -> " tcp/22 udp/53 ... ": every listening port in NS, from a
# single ss call (cheap enough to poll while daemons come up).
listen_set() {
    nsx "$1" ss -ltunH 2>/dev/null |
        awk '{ n = split($5, a, ":"); s = s " " $1 "/" a[n] } END { print s " " }'
}

# ports_up NS PORTS [SET]: every PROTO/PORT of the comma list listening in NS?
# SET is a listen_set result to reuse; without it one is taken now.
ports_up() {
    local set=${3:-} p
    [[ -n $set ]] || set=$(listen_set "$1")
    for p in ${2//,/ }; do [[ $set == *" $p "* ]] || return 1; done
}

# ---- packages -----------------------------------------------------------

# binary -> Debian package providing it, for everything the lab runs.
LAB_NEEDS=(
    /usr/sbin/ip:iproute2 /usr/bin/ss:iproute2 /usr/sbin/nft:nftables
    /usr/sbin/sshd:openssh-server /usr/bin/ssh-keygen:openssh-client
    /usr/sbin/apache2:apache2 /usr/sbin/nginx:nginx /usr/sbin/vsftpd:vsftpd
    /usr/sbin/named:bind9 /usr/sbin/postfix:postfix
    /usr/sbin/dovecot:dovecot-core /usr/lib/dovecot/imap:dovecot-imapd
    /usr/lib/dovecot/pop3:dovecot-pop3d /usr/bin/redis-server:redis-server
    /usr/bin/memcached:memcached /usr/sbin/rpcbind:rpcbind /usr/sbin/rpc.statd:nfs-common
    /usr/sbin/in.fingerd:fingerd /usr/sbin/inetd:openbsd-inetd /usr/sbin/tcpd:tcpd
    # in.fingerd answers by running the finger client; without it every query
    # gets an empty reply (fingerd only "Suggests: finger").
    /usr/bin/finger:finger
    /usr/bin/stunnel4:stunnel4 /usr/sbin/make-ssl-cert:ssl-cert
    /usr/bin/openssl:openssl /usr/bin/setpriv:util-linux
    # fx-hostile's services (tools/lab.d/hostile.py, stdlib only).
    /usr/bin/python3:python3-minimal
)

# ensure_packages: apt-get install whatever is missing (nothing on this machine).
ensure_packages() {
    local e missing=() added_policy=0
    for e in "${LAB_NEEDS[@]}"; do
        [[ -x ${e%%:*} ]] || missing+=("${e##*:}")
    done
    ((${#missing[@]})) || return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    log "installing missing packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
    echo "postfix postfix/mailname string svc.fathom.test" | debconf-set-selections
    # Keep the packages' own init scripts from starting the daemons in the
    # root namespace (they would listen on the real network): the lab starts
    # them itself, inside its namespaces. Only if the machine has no policy yet.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        added_policy=1
    fi
    local rc=0
    apt-get install -y "${missing[@]}" || { apt-get update && apt-get install -y "${missing[@]}"; } || rc=$?
    ((added_policy)) && rm -f /usr/sbin/policy-rc.d
    ((rc == 0)) || die "apt-get install failed"
}

# The snakeoil pair normally comes from ssl-cert's postinst; create it the
# Debian way if the machine lacks it (this writes /etc/ssl, which is where
# every Debian package expects it; no existing file is changed).
ensure_snakeoil() {
    [[ -s /etc/ssl/certs/ssl-cert-snakeoil.pem && -s /etc/ssl/private/ssl-cert-snakeoil.key ]] ||
        make-ssl-cert generate-default-snakeoil
}

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo '?'; }
