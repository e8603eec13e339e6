# fathom lab: the daemons (sourced by tools/lab).
# shellcheck shell=bash
#
# Each daemon is a registry line "HOST NAME PORTS PACKAGE" and a function
# start_HOST_NAME DIR NS that renders its config into DIR (= /run/fathom-lab/
# HOST-NAME) and starts it with explicit config/pid/log paths, never touching
# the system defaults. Daemons share the filesystem across namespaces, so every
# instance has its own pid, log, socket and runtime paths. Most run in the
# foreground under `launch` (the lab records the pid); postfix daemonizes itself.
#
# Every daemon runs in its host's view (common.sh, HOST_VIEW): /run and /tmp
# are per-host directories, so fixed paths compiled into the binaries
# (/run/sshd, /run/rpcbind.lock and .sock, /run/inetd.pid) never meet another
# host's or the machine's own daemons.

LAB_DAEMONS=(
    "svc sshd tcp/22 openssh-server"
    "svc apache2 tcp/80,tcp/443 apache2"
    "svc nginx tcp/8080 nginx"
    "svc vsftpd tcp/21 vsftpd"
    "svc named tcp/53,udp/53 bind9"
    "svc postfix tcp/25 postfix"
    "svc dovecot tcp/110,tcp/143,tcp/993,tcp/995 dovecot-core"
    "svc redis tcp/6379 redis-server"
    "svc memcached tcp/11211 memcached"
    "svc rpcbind tcp/111,udp/111 rpcbind"
    "svc statd tcp/32765,udp/32765 nfs-common"
    "svc fingerd tcp/79 fingerd,openbsd-inetd"
    "svc stunnel tcp/2222,tcp/7979 stunnel4"
    "quiet sshd tcp/22 openssh-server"
    "crowd sshd tcp/22 openssh-server"
    "crowd nginx tcp/80 nginx"
    "crowd6 sshd tcp/22 openssh-server"
    "crowd6 nginx tcp/80 nginx"
    "hostile zoo tcp/7001,tcp/7002,tcp/7003,tcp/7004,tcp/7005,tcp/7006,tcp/7007,tcp/7008,tcp/7010,tcp/7011,tcp/7012 python3-minimal"
    "fw listen tcp/80,tcp/87,tcp/90,tcp/92 python3-minimal"
)
# The OS-variant hosts (net.sh, OS_VARIANTS): one sshd each, their only open port.
for _e in "${OS_VARIANTS[@]}"; do LAB_DAEMONS+=("${_e%% *} sshd tcp/22 openssh-server"); done
unset _e

# ---- shared pieces --------------------------------------------------------

# One set of host keys for every lab sshd, made on first use.
ssh_keys() {
    local k=$LAB_STATE/ssh-keys t
    mkdir -p "$k" && chmod 700 "$k"
    for t in rsa ecdsa ed25519; do
        [[ -s $k/ssh_host_${t}_key ]] || ssh-keygen -q -t "$t" -N '' -C "fathom-lab" -f "$k/ssh_host_${t}_key"
    done
}

# sshd_start DIR NS HOST LISTEN EXTRA [FLAG...]
sshd_start() {
    local d=$1 ns=$2
    ssh_keys
    render sshd_config "$d/sshd_config" HOST "$3" LISTEN "$4" EXTRA "$5" KEYS "$LAB_STATE/ssh-keys"
    # sshd re-executes itself, so it must be started by absolute path.
    launch "$d" "$ns" /usr/sbin/sshd -D "${@:6}" -f "$d/sshd_config" -E "$d/sshd.log"
}

# nginx_start DIR NS HOST WORKERS NOFILE CONNS ACCESS_LOG LISTEN
nginx_start() {
    local d=$1 ns=$2
    mkdir -p "$d/tmp" "$d/www"
    echo "fathom lab: nginx on fx-$3" >"$d/www/index.html"
    render nginx.conf "$d/nginx.conf" D "$d" HOST "$3" WORKERS "$4" NOFILE "$5" \
        CONNS "$6" ACCESS_LOG "$7" LISTEN "$8"
    # -e: the error log nginx uses before it has read its config.
    launch "$d" "$ns" /usr/sbin/nginx -c "$d/nginx.conf" -p "$d/" -e "$d/error.log"
}

# ---- fx-svc ---------------------------------------------------------------

start_svc_sshd() {
    sshd_start "$1" "$2" svc $'ListenAddress 0.0.0.0\nListenAddress ::' ""
}

start_svc_apache2() {
    local d=$1
    mkdir -p "$d/run" "$d/lock" "$d/www"
    echo "fathom lab: apache2 on fx-svc" >"$d/www/index.html"
    render apache2.conf "$d/apache2.conf" D "$d"
    launch "$d" "$2" /usr/sbin/apache2 -d "$d" -f "$d/apache2.conf" -DFOREGROUND
}

start_svc_nginx() {
    nginx_start "$1" "$2" svc 1 4096 1024 "$1/access.log" \
        $'        listen 8080 default_server;\n        listen [::]:8080 default_server;'
}

start_svc_vsftpd() {
    local d=$1
    # vsftpd insists its secure_chroot_dir is root-owned and not writable by others.
    mkdir -p "$d/empty" && chmod 755 "$d/empty"
    render vsftpd.conf "$d/vsftpd.conf" D "$d"
    launch "$d" "$2" /usr/sbin/vsftpd "$d/vsftpd.conf"
}

start_svc_named() {
    local d=$1
    render named.conf "$d/named.conf" D "$d"
    cp "$LAB_TEMPLATES/fathom.test.zone" "$d/"
    # named drops to user bind: it must be able to write its log and keys here.
    chown -R bind:bind "$d"
    launch "$d" "$2" /usr/sbin/named -f -u bind -c "$d/named.conf"
}

# postfix: `postfix -c DIR` points every postfix program at the lab's own
# main.cf/master.cf; the queue lives under DIR/spool. master forks itself and
# writes spool/pid/master.pid, which the lab copies to DIR/pid.
start_svc_postfix() {
    local d=$1 ns=$2 q i p
    q=$d/spool
    mkdir -p "$d/etc" "$q" "$d/data"
    render postfix-main.cf "$d/etc/main.cf" D "$d"
    render postfix-master.cf "$d/etc/master.cf"
    chown postfix "$d/data" && chmod 700 "$d/data"
    # Queue layout as post-install creates it (it would otherwise also
    # "fix" permissions of system files listed in postfix-files).
    for i in active bounce corrupt defer deferred flush hold incoming private saved trace; do
        mkdir -p "$q/$i" && chown postfix:root "$q/$i" && chmod 700 "$q/$i"
    done
    mkdir -p "$q/maildrop" "$q/public" "$q/pid"
    chown postfix:postdrop "$q/maildrop" "$q/public"
    chmod 730 "$q/maildrop" && chmod 710 "$q/public"
    # A master left from an earlier run (its pid file lost) would refuse to start twice.
    p=$(pid_of "$q/pid/master.pid") && stop_pids "$p"
    rm -f "$q/pid/master.pid"
    hostx "$ns" /usr/sbin/postfix -c "$d/etc" start </dev/null >>"$d/out.log" 2>&1 9>&- ||
        { log "postfix start failed (see $d/out.log)"; return 0; }
    for ((i = 0; i < 50; i++)); do
        p=$(pid_of "$q/pid/master.pid") && { echo "$p" >"$d/pid"; return 0; }
        sleep 0.1
    done
}

start_svc_dovecot() {
    local d=$1
    mkdir -p "$d/state"
    render dovecot.conf "$d/dovecot.conf" D "$d"
    launch "$d" "$2" /usr/sbin/dovecot -F -c "$d/dovecot.conf"
}

start_svc_redis() {
    local d=$1
    render redis.conf "$d/redis.conf" D "$d"
    chown -R redis:redis "$d"
    # Run as the package's user, as its systemd unit would; setpriv execs (no fork).
    launch "$d" "$2" setpriv --reuid=redis --regid=redis --init-groups \
        /usr/bin/redis-server "$d/redis.conf"
}

start_svc_memcached() {
    launch "$1" "$2" /usr/bin/memcached -u memcache -l '0.0.0.0,[::]' -p 11211 -U 0 -m 64 -c 1024
}

start_svc_rpcbind() {
    mkdir -p "$(host_path "$2" /run/rpcbind)"
    launch "$1" "$2" /usr/sbin/rpcbind -f
}

# rpc.statd (NSM, RPC program 100024) on a fixed port: an RPC service
# behind rpcbind that is not rpcbind, for -sV's RPC grinding. It registers
# with the rpcbind above through /run/rpcbind.sock; -L: no reboot
# notifications to send; its state lives under DIR.
start_svc_statd() {
    local d=$1
    mkdir -p "$d/state/sm" "$d/state/sm.bak"
    chown -R statd "$d/state"
    launch "$d" "$2" /usr/sbin/rpc.statd -F -L -p 32765 -o 32766 -P "$d/state"
}

# finger through openbsd-inetd + tcpd. -R: inetd disables a service for ten
# minutes once it is started more than 256 times a minute; a scanner grabbing
# banners does that easily, so the limit is raised. -q: a deeper listen queue.
start_svc_fingerd() {
    local d=$1
    render inetd.conf "$d/inetd.conf"
    launch "$d" "$2" /usr/sbin/inetd -i -R 1000000 -q 1024 "$d/inetd.conf"
}

start_svc_stunnel() {
    local d=$1
    render stunnel.conf "$d/stunnel.conf" D "$d"
    # stunnel opens its log file after dropping to user stunnel4.
    chown stunnel4:stunnel4 "$d"
    launch "$d" "$2" /usr/bin/stunnel4 "$d/stunnel.conf"
}

# ---- fx-quiet / fx-crowd --------------------------------------------------

# The one open port of fx-quiet: a plain second sshd instance.
start_quiet_sshd() {
    sshd_start "$1" "$2" quiet $'ListenAddress 0.0.0.0\nListenAddress ::' ""
}

# fx-crowd's sshd answers on every live 198.19.x.y: a connect() sweep opens
# thousands of pre-auth sessions at once, so MaxStartups is raised far above
# the default 10:30:100 (which would start refusing them). It stands in for
# 16384 hosts with an sshd each, so it must not serialise them: -r skips the
# re-exec of sshd for every connection (measured: 256 banners in 0.22 s
# with -r, 1.6 s without, from a kernel-socket client 128 at a time). Every
# scanner meets the same daemon.
start_crowd_sshd() {
    sshd_start "$1" "$2" crowd "ListenAddress 0.0.0.0" "MaxStartups 10000:30:20000" -r
}

# fx-crowd's web server: an accept backlog as deep as somaxconn and room for
# tens of thousands of connections, for the same reason; no access log (a
# sweep would fill /run). Workers may only go up to the inherited hard fd
# limit (the lab may lack CAP_SYS_RESOURCE to raise it: 20000 on this machine),
# which still covers all 16384 live addresses at once.
start_crowd_nginx() {
    local nofile
    nofile=$(ulimit -Hn)
    [[ $nofile == unlimited ]] || ((nofile > 140000)) && nofile=140000
    nginx_start "$1" "$2" crowd 2 "$nofile" $((nofile - 100 < 65535 ? nofile - 100 : 65535)) off \
        "        listen 80 backlog=65535 default_server;"
}

# fx-crowd6: the same two daemons for the IPv6 crowd (fd5a:7a6f:1ab0:200::/112).
# sshd listens on both families (fx-scan reaches it on 198.18.0.13 too); nginx
# on [::]:80 only, with the same deep backlog.
start_crowd6_sshd() {
    sshd_start "$1" "$2" crowd6 $'ListenAddress 0.0.0.0\nListenAddress ::' "MaxStartups 10000:30:20000" -r
}

start_crowd6_nginx() {
    local nofile
    nofile=$(ulimit -Hn)
    [[ $nofile == unlimited ]] || ((nofile > 140000)) && nofile=140000
    nginx_start "$1" "$2" crowd6 2 "$nofile" $((nofile - 100 < 65535 ? nofile - 100 : 65535)) off \
        "        listen [::]:80 ipv6only=on backlog=65535 default_server;"
}

# ---- fx-hostile -------------------------------------------------------------

# The misbehaving services (stream, drip, reset, zero window, random, broken
# TLS, slow greeter, tcpwrapped on 7001-7008; the tarpits silent, trickle and
# endless line on 7010-7012, 7010 also behind 10000-10999 by hostile.nft):
# one stdlib python3 program. A
# copy runs from DIR (editing the source does not touch a running instance)
# as nobody: it needs no privilege.
start_hostile_zoo() {
    local d=$1
    install -m 644 "$LAB_DIR/hostile.py" "$d/hostile.py"
    launch "$d" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        /usr/bin/python3 -u "$d/hostile.py"
}

# ---- fx-fw ------------------------------------------------------------------

# fx-fw's open ports (fw-states.tsv): one stdlib python3 listener that
# accepts and closes. It runs as root (ports below 1024) from a copy in DIR.
start_fw_listen() {
    local d=$1
    install -m 644 "$LAB_DIR/fwlisten.py" "$d/fwlisten.py"
    launch "$d" "$2" /usr/bin/python3 -u "$d/fwlisten.py" 80 87 90 92
}

# ---- fx-os1..fx-os9 -----------------------------------------------------------

# The open port of an OS-variant host: an sshd like fx-quiet's. It leaves the
# socket buffers to the kernel, so the SYN-ACK window shows the namespace's
# tcp_rmem. (start_os_sshd serves every osN host, see daemon_up.)
start_os_sshd() {
    local ns=$2
    sshd_start "$1" "$ns" "${ns#"$LAB_PREFIX"}" "ListenAddress 0.0.0.0" ""
}

# ---- lifecycle --------------------------------------------------------------

# daemon_up HOST NAME PORTS [SET]: start it unless it is already running and
# listening (SET: a listen_set of the host taken before, see daemons_up).
# A daemon whose start function changed how it runs may define
# stale_HOST_NAME PID DIR, true when the running copy predates the change:
# it is restarted (only that daemon, from its own pid file).
# port_holder NS PROTO/PORT -> the pid of the process listening there in NS
# (nothing if it is not visible from here).
port_holder() {
    local flag=-ltnpH
    [[ ${2%%/*} == udp ]] && flag=-lunpH
    nsx "$1" ss $flag "sport = :${2#*/}" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

daemon_up() {
    local host=$1 name=$2 ports=$3 set=${4:-} d ns pid
    d=$LAB_STATE/$host-$name ns=$(ns_name "$host")
    if pid=$(pid_of "$d/pid"); then
        if pid_in_ns "$pid" "$ns" && ports_up "$ns" "$ports" "$set"; then
            if ! declare -F "stale_${host}_$name" >/dev/null ||
                ! "stale_${host}_$name" "$pid" "$d"; then
                return 0
            fi
            log "$host/$name: pid $pid runs an older set-up; restarting it"
        else
            log "$host/$name: pid $pid is not serving $ports here; restarting it"
        fi
        stop_pids "$pid"
    elif ports_up "$ns" "$ports" "$set"; then
        # No live pid file, yet the ports are served: a copy whose pid file
        # was lost (a second checkout's `up`, a hand restart). Starting
        # another would die on "address in use"; adopt the listener.
        pid=$(port_holder "$ns" "${ports%%,*}")
        mkdir -p "$d"
        [[ -z $pid ]] || printf '%s\n' "$pid" >"$d/pid"
        log "$host/$name: already served by ${pid:-a process outside this view}; adopted"
        return 0
    fi
    mkdir -p "$d"
    log "starting $host/$name"
    local fn=start_${host}_${name}
    os_variant "$host" >/dev/null && fn=start_os_${name}
    # A start function that fails (or dies under set -e) must not stop the
    # rest of the lab: the wait below names what did not come up.
    "$fn" "$d" "$ns" || log "$host/$name: start failed (see $d/out.log)"
}

daemons_up() {
    local e host name ports pkg waiting h
    local -A socks
    # One ss per namespace up front (an `ip netns exec` per daemon made a
    # second `up` of a running lab take a minute).
    for h in $(printf '%s\n' "${LAB_DAEMONS[@]}" | awk '{print $1}' | sort -u); do
        ns_exists "$(ns_name "$h")" && socks[$h]=$(listen_set "$(ns_name "$h")")
    done
    for e in "${LAB_DAEMONS[@]}"; do
        read -r host name ports pkg <<<"$e"
        daemon_up "$host" "$name" "$ports" "${socks[$host]:-}"
    done
    # Wait (up to 30 s) until every port listens; one ss per namespace per round.
    local deadline=$((SECONDS + 30))
    while :; do
        socks=() waiting=()
        for h in $(printf '%s\n' "${LAB_DAEMONS[@]}" | awk '{print $1}' | sort -u); do
            socks[$h]=$(listen_set "$(ns_name "$h")")
        done
        for e in "${LAB_DAEMONS[@]}"; do
            read -r host name ports pkg <<<"$e"
            ports_up "" "$ports" "${socks[$host]}" || waiting+=("$host/$name")
        done
        ((${#waiting[@]})) || return 0
        ((SECONDS < deadline)) || break
        sleep 0.2
    done
    die "not listening after 30 s: ${waiting[*]} (logs under $LAB_STATE)"
}

# daemons_down: TERM every daemon from its pid file, then anything still
# running inside a daemon namespace (children the daemons left behind).
daemons_down() {
    local e host name _ pids=() p ns
    for e in "${LAB_DAEMONS[@]}"; do
        read -r host name _ <<<"$e"
        p=$(pid_of "$LAB_STATE/$host-$name/pid") && pids+=("$p")
    done
    stop_pids "${pids[@]}"
    pids=()
    for host in $(printf '%s\n' "${LAB_DAEMONS[@]}" | awk '{print $1}' | sort -u); do
        ns=$(ns_name "$host")
        ns_exists "$ns" || continue
        for p in $(ip netns pids "$ns" 2>/dev/null); do pids+=("$p"); done
    done
    if ((${#pids[@]})); then
        log "stopping ${#pids[@]} leftover process(es) in daemon namespaces: ${pids[*]}"
        stop_pids "${pids[@]}"
    fi
}
