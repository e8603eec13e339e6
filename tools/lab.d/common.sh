# fathom lab: shared helpers (sourced by tools/lab).
# shellcheck shell=bash

LAB_STATE=/run/fathom-lab
LAB_TEMPLATES=$LAB_DIR/templates
LAB_PREFIX=fx-

log()  { printf 'lab: %s\n' "$*" >&2; }
die()  { log "error: $*"; exit 1; }

# ns NAME -> fx-NAME (accepts either form).
ns_name() { local n=${1#"$LAB_PREFIX"}; printf '%s%s\n' "$LAB_PREFIX" "$n"; }
# A namespace exists when its /run/netns file is a mount (a bind of the
# nsfs inode). A lab brought up inside another mount namespace (a CI run
# under `unshare --mount`) leaves only the empty files behind once it ends;
# `ip netns exec` then fails with "Invalid argument" and no test can run.
# Such stale names count as absent, and ns_ensure replaces them.
ns_exists() { mountpoint -q "/run/netns/$1" 2>/dev/null; }
ns_stale() { [[ -e /run/netns/$1 ]] && ! ns_exists "$1"; }
ns_unstale() {
    ns_stale "$1" || return 0
    log "removing stale namespace name $1 (its namespace is gone)"
    ip netns del "$1" 2>/dev/null || rm -f "/run/netns/$1"
}
ns_ensure() { ns_exists "$1" && return 0; ns_unstale "$1"; ip netns add "$1"; }
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

# pid_of PIDFILE -> pid if the file names a live process that was already
# running when the file was written. A pid alone is not an identity: after a
# reboot, or in a fresh pid namespace (a CI container), an old lab's pid files
# name numbers that new processes, often other lab daemons of the same host,
# now carry; trusting them made `up` "restart", i.e. kill, healthy daemons.
# A process that started after its pid file was written cannot be the writer.
pid_of() {
    local p= start mtime
    if [[ -s $1 ]]; then read -r p <"$1" || true; fi
    [[ $p =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null || return 1
    # Every lab daemon runs in an fx-* namespace, never in the caller's: a
    # pid written in another pid namespace can name a machine process that
    # started before the file (an old service), which this check spares.
    [[ $(readlink "/proc/$p/ns/net") != "$(readlink /proc/self/ns/net)" ]] || return 1
    start=$(pid_started "$p") && mtime=$(stat -c %Y "$1" 2>/dev/null) || return 1
    ((start <= mtime + 2)) || return 1
    printf '%s\n' "$p"
}

# pid_started PID -> the process's start time, in seconds since the epoch
# (/proc/PID/stat field 22, in clock ticks after boot; comm may hold spaces,
# so the fields are counted after its closing parenthesis).
pid_started() {
    local stat rest f
    [[ -n ${LAB_BTIME:-} ]] || LAB_BTIME=$(awk '$1 == "btime" { print $2 }' /proc/stat)
    [[ -n ${LAB_HZ:-} ]] || LAB_HZ=$(getconf CLK_TCK)
    { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
    rest=${stat##*) }
    read -ra f <<<"$rest"
    printf '%s\n' $((LAB_BTIME + f[19] / LAB_HZ))
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

# ---- the host view: private /run and /tmp per lab host --------------------
#
# Network namespaces do not separate files, and many daemons have fixed
# machine-wide paths compiled in: /run/rpcbind.lock (an rpcbind anywhere on
# the machine, even in the root namespace, made the lab's fail), /run/inetd.pid,
# /run/sshd, /run/mysqld, /tmp/.X11-unix... So every lab daemon runs in a
# private mount namespace where /run and /tmp are that host's own directories,
# $LAB_STATE/root-HOST/{run,tmp}: daemons of one host share them (statd finds
# rpcbind's socket), two hosts never do, and nothing lands in the real /run.
# /run/fathom-lab itself is bound back in (through an fd opened before /run is
# covered; --no-canonicalize keeps mount from resolving the fd to a path that
# no longer leads there), so the daemons' DIRs and pid files stay where the lab
# reads them. Daemons start in / : a working directory under /tmp (a clone
# checked out there) vanishes behind the bind mount, and daemons that getcwd()
# and later chdir back by path (haproxy, git daemon, gunicorn, tincd) die.
HOST_VIEW='set -e; r=$1; shift
cd /
exec 3</run/fathom-lab
mount --bind "$r/run" /run
mkdir -p /run/fathom-lab
mount --no-canonicalize --bind /proc/self/fd/3 /run/fathom-lab
exec 3<&-
mount --bind "$r/tmp" /tmp
exec "$@"'

# host_root NS -> the host's root-HOST directory, created with the runtime
# directories the packages' init scripts would make.
host_root() {
    local r=$LAB_STATE/root-${1#"$LAB_PREFIX"}
    if [[ ! -d $r/tmp ]]; then
        mkdir -p "$r/run/lock" "$r/run/sshd" "$r/tmp"
        chmod 1777 "$r/tmp" "$r/run/lock"
        chmod 755 "$r/run/sshd"
    fi
    printf '%s\n' "$r"
}

# hostx NS CMD...: run CMD in namespace NS inside that host's view. Every step
# execs, so CMD keeps the pid of the `ip` process.
hostx() {
    local ns=$1 r; shift
    r=$(host_root "$ns")
    ip netns exec "$ns" unshare -m --propagation private /bin/sh -c "$HOST_VIEW" sh "$r" "$@"
}

# host_path NS PATH -> where PATH (under /run or /tmp) of the host's view is
# in the lab's own view, e.g. to prepare a daemon's runtime directory.
host_path() {
    local r
    r=$(host_root "$1")
    printf '%s%s\n' "$r" "$2"
}

# launch DIR NS CMD... : start a foreground daemon detached in namespace NS
# (in its host view), record its pid in DIR/pid and its stdout/stderr in
# DIR/out.log. `ip netns exec`, unshare, sh's exec and `setsid` all exec
# (setsid does not fork: a background job of a script is not a process-group
# leader), so $! is the daemon itself. fd 9 (the lab's lock) is closed so
# daemons do not hold it.
launch() {
    local dir=$1 ns=$2 r; shift 2
    r=$(host_root "$ns")
    # hostx spelled out: a function run in the background is a subshell, and
    # $! would be that subshell's pid instead of the daemon's.
    ip netns exec "$ns" unshare -m --propagation private /bin/sh -c "$HOST_VIEW" sh "$r" \
        setsid "$@" </dev/null >>"$dir/out.log" 2>&1 9>&- &
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
        [[ -e ${e%%:*} ]] || missing+=("${e##*:}")
    done
    ((${#missing[@]})) || return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    log "installing missing packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
    echo "postfix postfix/mailname string svc.fathom.test" | debconf-set-selections
    # The lab writes its own configs: no LDAP directory from slapd's postinst,
    # no icecast2 passwords asked.
    echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
    echo "icecast2 icecast2/icecast-setup boolean false" | debconf-set-selections
    # Keep the packages' own init scripts from starting the daemons in the
    # root namespace (they would listen on the real network): the lab starts
    # them itself, inside its namespaces. Only if the machine has no policy yet.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        added_policy=1
    fi
    local rc=0
    # No recommends: they would pull in X servers, systemd and hundreds of
    # megabytes the daemons do not need.
    # --force-unsafe-io: no fsync per file (a lab machine, minutes saved).
    local opts=(-y --no-install-recommends -o Dpkg::Options::=--force-unsafe-io)
    apt-get install "${opts[@]}" "${missing[@]}" ||
        { apt-get update && apt-get install "${opts[@]}" "${missing[@]}"; } || rc=$?
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

# ---- unpacked packages ----------------------------------------------------
# A few daemons cannot be installed beside fx-svc's: Debian lets one FTP
# server, one IMAP/POP3 server (and one MTA) per machine (Conflicts:
# ftp-server, imap-server, pop3-server, mail-transport-agent). Those packages are unpacked, not
# installed: `apt-get download` + `dpkg-deb -x` into LAB_UNPACK/PKG/root (no
# maintainer scripts run, dpkg does not know them), and the lab starts the
# binaries from there with configs that name every path. Their library
# dependencies are installed normally (UNPACK_DEPS). The version is kept in
# LAB_UNPACK/PKG/VERSION, which pkg_version reads when dpkg has none.
LAB_UNPACK=/var/lib/fathom-lab/unpack
UNPACK_PKGS=(proftpd-core pure-ftpd cyrus-imapd cyrus-pop3d)
UNPACK_DEPS=(cyrus-common libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3
    libsodium23)

# ensure_unpacked: fetch and unpack whatever of UNPACK_PKGS is missing.
ensure_unpacked() {
    local p t deb missing=()
    for p in "${UNPACK_DEPS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
    done
    if ((${#missing[@]})); then
        log "installing libraries for unpacked packages: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            -o Dpkg::Options::=--force-unsafe-io "${missing[@]}" || die "apt-get install failed"
    fi
    for p in "${UNPACK_PKGS[@]}"; do
        [[ -s $LAB_UNPACK/$p/VERSION ]] && continue
        log "unpacking $p into $LAB_UNPACK/$p"
        t=$(mktemp -d)
        (cd "$t" && chmod 777 . && apt-get download "$p" >/dev/null) || { rm -rf "$t"; die "apt-get download $p failed"; }
        deb=$(ls "$t"/*.deb)
        rm -rf "${LAB_UNPACK:?}/$p" && mkdir -p "$LAB_UNPACK/$p/root"
        dpkg-deb -x "$deb" "$LAB_UNPACK/$p/root"
        dpkg-deb -f "$deb" Version >"$LAB_UNPACK/$p/VERSION"
        rm -rf "$t"
    done
}

# unpacked PKG -> root directory of an unpacked package.
unpacked() { printf '%s\n' "$LAB_UNPACK/$1/root"; }

pkg_version() {
    dpkg-query -W -f='${Version}' "$1" 2>/dev/null && return 0
    if [[ -s $LAB_UNPACK/$1/VERSION ]]; then
        printf '%s (unpacked)' "$(<"$LAB_UNPACK/$1/VERSION")"
    else
        echo '?'
    fi
}
