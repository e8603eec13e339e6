# fathom lab: fx-svc2's daemons (sourced by tools/lab after daemons.sh).
# shellcheck shell=bash
#
# fx-svc2 (198.18.0.40, fd5a:7a6f:1ab0:1::40): an "office" server with other
# products than fx-svc for the same jobs (dropbear instead of OpenSSH,
# lighttpd instead of apache2, dnsmasq instead of bind9...) plus many more
# services. Same pattern as daemons.sh: a registry line "HOST NAME PORTS
# PACKAGES" and start_svc2_NAME DIR NS. Everything runs in the host view
# (private /run and /tmp, common.sh), with config, data, pid and log files
# under DIR = /run/fathom-lab/svc2-NAME; nothing under /etc or /var/lib is
# written. Notes on what each package needed sit next to its function.
# The first package of a line is the one whose version is the truth
# (tools/lab.d/truth.tsv).

LAB_DAEMONS+=(
    "svc2 dropbear tcp/22 dropbear-bin"
    "svc2 inetd tcp/7,tcp/9,tcp/13,tcp/19,tcp/37,tcp/23,tcp/2401 openbsd-inetd,inetutils-telnetd,cvs"
    "svc2 lighttpd tcp/80 lighttpd"
    "svc2 dnsmasq tcp/53 dnsmasq-base"
    "svc2 slapd tcp/389 slapd"
    "svc2 smbd tcp/139,tcp/445 samba"
    "svc2 rsyncd tcp/873 rsync"
    "svc2 squid tcp/3128 squid"
    "svc2 privoxy tcp/8118 privoxy"
    "svc2 danted tcp/1080 dante-server"
    "svc2 haproxy tcp/8080 haproxy"
    "svc2 mosquitto tcp/1883 mosquitto"
    "svc2 beanstalkd tcp/11300 beanstalkd"
    "svc2 nats tcp/4222 nats-server"
    "svc2 ngircd tcp/6667 ngircd"
    "svc2 prosody tcp/5222,tcp/5269 prosody"
    "svc2 murmurd tcp/64738 mumble-server"
    "svc2 gitdaemon tcp/9418 git"
    "svc2 svnserve tcp/3690 subversion"
    "svc2 xvfb tcp/6000 xvfb"
    "svc2 x11vnc tcp/5900 x11vnc"
    "svc2 cupsd tcp/631 cups-daemon"
    "svc2 icecast tcp/8000 icecast2"
    "svc2 zabbix tcp/10050 zabbix-agent"
    "svc2 munin tcp/4949 munin-node"
    "svc2 mariadb tcp/3306 mariadb-server"
    "svc2 openvpn tcp/1194 openvpn"
    "svc2 baculafd tcp/9102 bacula-fd"
    "svc2 etcd tcp/2379,tcp/2380 etcd-server"
    "svc2 krb5kdc tcp/88 krb5-kdc"
    "svc2 kadmind tcp/749,tcp/464 krb5-admin-server"
    "svc2 rsyslog tcp/514 rsyslog"
    "svc2 tor tcp/9001,tcp/9050 tor"
    "svc2 pgbouncer tcp/6432 pgbouncer"
    "svc2 gearmand tcp/4730 gearman-job-server"
    "svc2 p910nd tcp/9100 p910nd"
    "svc2 oidentd tcp/113 oidentd"
    "svc2 spamd tcp/783 spamd"
    "svc2 sentinel tcp/26379 redis-sentinel"
    "svc2 distccd tcp/3632 distcc"
    "svc2 tinyproxy tcp/8888 tinyproxy"
    "svc2 webfsd tcp/8001 webfs"
    "svc2 nbd tcp/10809 nbd-server"
)

LAB_NEEDS+=(
    /usr/sbin/dropbear:dropbear-bin /usr/sbin/telnetd:inetutils-telnetd /usr/bin/cvs:cvs
    /usr/sbin/lighttpd:lighttpd /usr/sbin/dnsmasq:dnsmasq-base /usr/sbin/slapd:slapd
    /usr/sbin/smbd:samba /usr/bin/rsync:rsync /usr/sbin/squid:squid
    /usr/sbin/privoxy:privoxy /usr/sbin/danted:dante-server /usr/sbin/haproxy:haproxy
    /usr/sbin/mosquitto:mosquitto /usr/bin/beanstalkd:beanstalkd
    /usr/sbin/nats-server:nats-server /usr/sbin/ngircd:ngircd /usr/bin/prosody:prosody
    /usr/sbin/murmurd:mumble-server /usr/bin/git:git /usr/bin/svnserve:subversion
    /usr/bin/Xvfb:xvfb /usr/bin/x11vnc:x11vnc /usr/sbin/cupsd:cups-daemon
    /usr/bin/icecast2:icecast2 /usr/sbin/zabbix_agentd:zabbix-agent
    /usr/sbin/munin-node:munin-node /usr/sbin/mariadbd:mariadb-server
    /usr/sbin/openvpn:openvpn /usr/sbin/bacula-fd:bacula-fd /usr/bin/etcd:etcd-server
    /usr/sbin/krb5kdc:krb5-kdc /usr/sbin/kadmind:krb5-admin-server
    /usr/sbin/rsyslogd:rsyslog /usr/bin/tor:tor /usr/sbin/pgbouncer:pgbouncer
    /usr/sbin/gearmand:gearman-job-server /usr/sbin/p910nd:p910nd
    /usr/sbin/oidentd:oidentd /usr/sbin/spamd:spamd /usr/bin/redis-sentinel:redis-sentinel
    /usr/bin/distccd:distcc /usr/bin/tinyproxy:tinyproxy /usr/bin/webfsd:webfs
    /bin/nbd-server:nbd-server
)

# ---- helpers --------------------------------------------------------------

# launch_forking DIR NS PIDFILE CMD...: for a daemon that always forks: run
# CMD in the host view and copy the pid it writes to PIDFILE (a path in the
# lab's view, see host_path) into DIR/pid.
launch_forking() {
    local d=$1 ns=$2 pf=$3 i p; shift 3
    rm -f "$pf"
    hostx "$ns" "$@" </dev/null >>"$d/out.log" 2>&1 9>&- || { log "${d##*/}: start failed (see $d/out.log)"; return 0; }
    for ((i = 0; i < 50; i++)); do
        p=$(pid_of "$pf") && { echo "$p" >"$d/pid"; return 0; }
        sleep 0.1
    done
}

# www DIR TEXT: a document root with one index.html.
www() { mkdir -p "$1/www" && echo "$2" >"$1/www/index.html"; }

# ---- fx-svc2 --------------------------------------------------------------

# dropbear: its own host keys (dropbearkey format); -F foreground, -E log to
# stderr (out.log).
start_svc2_dropbear() {
    local d=$1
    [[ -s $d/rsa ]] || dropbearkey -t rsa -s 2048 -f "$d/rsa" >/dev/null 2>&1
    [[ -s $d/ed25519 ]] || dropbearkey -t ed25519 -f "$d/ed25519" >/dev/null 2>&1
    launch "$d" "$2" /usr/sbin/dropbear -F -E -p 22 -r "$d/rsa" -r "$d/ed25519" -P "$d/dropbear.pid"
}

# openbsd-inetd: its internal echo (7: the reflecting service), discard,
# daytime, chargen and time, plus telnetd and cvs pserver. Limits raised as
# for fx-svc's finger.
start_svc2_inetd() {
    local d=$1
    mkdir -p "$d/cvsroot"
    [[ -d $d/cvsroot/CVSROOT ]] || cvs -d "$d/cvsroot" init
    cat >"$d/inetd.conf" <<EOF
echo    stream tcp nowait root internal
discard stream tcp nowait root internal
daytime stream tcp nowait root internal
chargen stream tcp nowait root internal
time    stream tcp nowait root internal
telnet  stream tcp nowait root /usr/sbin/tcpd /usr/sbin/telnetd
cvspserver stream tcp nowait root /usr/bin/cvs cvs -f --allow-root=$d/cvsroot pserver
EOF
    launch "$d" "$2" /usr/sbin/inetd -i -R 1000000 -q 1024 "$d/inetd.conf"
}

start_svc2_lighttpd() {
    local d=$1
    www "$d" "fathom lab: lighttpd on fx-svc2"
    cat >"$d/lighttpd.conf" <<EOF
server.document-root = "$d/www"
server.port = 80
server.bind = "0.0.0.0"
\$SERVER["socket"] == "[::]:80" { }
server.username = "www-data"
server.groupname = "www-data"
server.errorlog = "$d/error.log"
server.pid-file = "$d/lighttpd.pid"
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html" )
EOF
    chown www-data "$d"
    launch "$d" "$2" /usr/sbin/lighttpd -D -f "$d/lighttpd.conf"
}

# dnsmasq (the -base package: the dnsmasq package adds an init script and a
# system user): authoritative-ish answers for fathom.test, no upstream.
start_svc2_dnsmasq() {
    local d=$1
    cat >"$d/dnsmasq.conf" <<EOF
port=53
no-resolv
no-hosts
no-poll
user=nobody
group=nogroup
pid-file=$d/dnsmasq.pid
address=/svc2.fathom.test/198.18.0.40
log-facility=$d/dnsmasq.log
EOF
    launch "$d" "$2" /usr/sbin/dnsmasq -k -C "$d/dnsmasq.conf"
}

# slapd: a slapd.conf (not cn=config) with one mdb database; the package's
# postinst was told not to configure anything (debconf slapd/no_configuration).
start_svc2_slapd() {
    local d=$1
    mkdir -p "$d/db"
    cat >"$d/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $d/slapd.pid
argsfile $d/slapd.args
database mdb
maxsize 10485760
suffix "dc=fathom,dc=test"
rootdn "cn=admin,dc=fathom,dc=test"
rootpw fathom
directory $d/db
EOF
    launch "$d" "$2" /usr/sbin/slapd -d 0 -h "ldap:///" -f "$d/slapd.conf"
}

# samba: every state/lock/cache/pid path moved under DIR (smbd otherwise uses
# /var/lib/samba, /var/cache/samba, /run/samba); one public share.
start_svc2_smbd() {
    local d=$1 x
    for x in private lock state cache run share log; do mkdir -p "$d/$x"; done
    chmod 755 "$d/share"
    cat >"$d/smb.conf" <<EOF
[global]
   workgroup = FATHOM
   netbios name = SVC2
   server string = fathom lab samba
   server role = standalone server
   map to guest = bad user
   private dir = $d/private
   lock directory = $d/lock
   state directory = $d/state
   cache directory = $d/cache
   pid directory = $d/run
   ncalrpc dir = $d/run/ncalrpc
   log file = $d/log/smbd.log
   disable spoolss = yes
   load printers = no
   printcap name = /dev/null
   smb ports = 445 139
[public]
   path = $d/share
   guest ok = yes
   read only = yes
EOF
    launch "$d" "$2" /usr/sbin/smbd --foreground --no-process-group --debug-stdout -s "$d/smb.conf"
}

start_svc2_rsyncd() {
    local d=$1
    mkdir -p "$d/pub"
    cat >"$d/rsyncd.conf" <<EOF
pid file = $d/rsyncd.pid
lock file = $d/rsyncd.lock
log file = $d/rsyncd.log
motd file = $d/motd
[pub]
    path = $d/pub
    read only = yes
    uid = nobody
    gid = nogroup
EOF
    echo "fathom lab rsync" >"$d/motd"
    launch "$d" "$2" /usr/bin/rsync --daemon --no-detach --config="$d/rsyncd.conf" --port=873
}

# squid: -N (no daemon, no SMP workers, so no /dev/shm segments), no cache dir.
start_svc2_squid() {
    local d=$1
    cat >"$d/squid.conf" <<EOF
http_port 3128
acl lab src 198.18.0.0/15 fd5a:7a6f:1ab0::/48
http_access allow lab
http_access deny all
cache deny all
pid_filename $d/squid.pid
cache_log $d/cache.log
access_log none
cache_store_log none
coredump_dir $d
cache_effective_user proxy
visible_hostname svc2.fathom.test
EOF
    chown proxy "$d"
    launch "$d" "$2" /usr/sbin/squid -N -f "$d/squid.conf"
}

# privoxy: one listen-address (see lab-notes), the package's filter files.
start_svc2_privoxy() {
    local d=$1
    cat >"$d/config" <<EOF
confdir /etc/privoxy
logdir $d
actionsfile match-all.action
actionsfile default.action
filterfile default.filter
listen-address 0.0.0.0:8118
toggle 1
enable-remote-toggle 0
enable-edit-actions 0
EOF
    chown privoxy "$d" 2>/dev/null || true
    launch "$d" "$2" /usr/sbin/privoxy --no-daemon --pidfile "$d/privoxy.pid" "$d/config"
}

# danted: SOCKS5 without authentication; foreground unless -D.
start_svc2_danted() {
    local d=$1
    cat >"$d/danted.conf" <<EOF
logoutput: $d/danted.log
internal: 0.0.0.0 port = 1080
external: eth0
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
EOF
    launch "$d" "$2" /usr/sbin/danted -f "$d/danted.conf" -p "$d/danted.pid"
}

# haproxy: an HTTP frontend that answers itself (no backend needed); -db stays
# in the foreground.
start_svc2_haproxy() {
    local d=$1
    cat >"$d/haproxy.cfg" <<EOF
global
    pidfile $d/haproxy.pid
defaults
    mode http
    timeout client 10s
    timeout connect 5s
    timeout server 10s
frontend web
    bind :8080
    stats enable
    stats uri /haproxy-stats
    http-request return status 200 content-type text/plain string "fathom lab: haproxy on fx-svc2" if { path / }
EOF
    launch "$d" "$2" /usr/sbin/haproxy -db -f "$d/haproxy.cfg"
}

start_svc2_mosquitto() {
    local d=$1
    cat >"$d/mosquitto.conf" <<EOF
listener 1883
allow_anonymous true
persistence false
user mosquitto
log_dest file $d/mosquitto.log
EOF
    chown mosquitto "$d"
    launch "$d" "$2" /usr/sbin/mosquitto -c "$d/mosquitto.conf"
}

start_svc2_beanstalkd() {
    launch "$1" "$2" /usr/bin/beanstalkd -l 0.0.0.0 -p 11300 -u nobody
}

start_svc2_nats() {
    launch "$1" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        /usr/sbin/nats-server -a 0.0.0.0 -p 4222 -n svc2
}

start_svc2_ngircd() {
    local d=$1
    cat >"$d/ngircd.conf" <<EOF
[Global]
    Name = irc.svc2.fathom.test
    Info = fathom lab IRC
    Ports = 6667
    PidFile = $d/ngircd.pid
    MotdPhrase = fathom lab
    ServerUID = irc
    ServerGID = irc
[Options]
    PAM = no
    DNS = no
    Ident = no
EOF
    chown irc "$d"
    launch "$d" "$2" /usr/sbin/ngircd -n -f "$d/ngircd.conf"
}

# prosody: a config of its own (--config), run as the package's user.
start_svc2_prosody() {
    local d=$1
    mkdir -p "$d/data"
    cat >"$d/prosody.cfg.lua" <<EOF
pidfile = "$d/prosody.pid"
data_path = "$d/data"
daemonize = false
log = { info = "$d/prosody.log" }
c2s_ports = { 5222 }
s2s_ports = { 5269 }
interfaces = { "*" }
modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; "version"; "uptime"; "time"; "dialback" }
modules_disabled = { "posix" }
authentication = "internal_hashed"
c2s_require_encryption = false
s2s_require_encryption = false
s2s_secure_auth = false
VirtualHost "svc2.fathom.test"
EOF
    chown -R prosody "$d"
    launch "$d" "$2" setpriv --reuid=prosody --regid=prosody --init-groups \
        /usr/bin/prosody --config "$d/prosody.cfg.lua"
}

# mumble-server (murmurd): -fg, its sqlite database under DIR, drops to the
# package's user itself (uname=). autobanAttempts=0: by default it bans an
# address for 5 minutes after 10 connections in 2 minutes, and every
# scanner in the lab is 198.18.0.2 (one -sV opens about that many).
start_svc2_murmurd() {
    local d=$1
    cat >"$d/murmur.ini" <<EOF
database=$d/murmur.sqlite
logfile=$d/murmur.log
pidfile=$d/murmur.pid
port=64738
welcometext="fathom lab mumble"
uname=mumble-server
autobanAttempts=0
EOF
    chown mumble-server "$d"
    launch "$d" "$2" /usr/sbin/murmurd -fg -ini "$d/murmur.ini"
}

start_svc2_gitdaemon() {
    local d=$1
    mkdir -p "$d/git"
    [[ -d $d/git/lab.git ]] || git init -q --bare "$d/git/lab.git"
    launch "$d" "$2" /usr/bin/git daemon --reuseaddr --export-all --base-path="$d/git" \
        --user=nobody --group=nogroup --port=9418 "$d/git"
}

start_svc2_svnserve() {
    local d=$1
    [[ -d $d/repos/lab ]] || { mkdir -p "$d/repos" && svnadmin create "$d/repos/lab"; }
    chown -R nobody "$d/repos"
    launch "$d" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        /usr/bin/svnserve -d --foreground -r "$d/repos" --listen-port 3690
}

# Xvfb: display :0 with TCP enabled (6000); its /tmp/.X11-unix is the host
# view's. x11vnc then shares that display on 5900.
start_svc2_xvfb() {
    launch "$1" "$2" /usr/bin/Xvfb :0 -listen tcp -screen 0 800x600x24 -nolock
}

start_svc2_x11vnc() {
    local d=$1 i
    for ((i = 0; i < 50; i++)); do
        [[ -S $(host_path "$2" /tmp/.X11-unix/X0) ]] && break
        sleep 0.1
    done
    launch "$d" "$2" /usr/bin/x11vnc -display :0 -rfbport 5900 -forever -shared -nopw -q -noipv6
}

# cupsd: cups-files.conf moves every state, cache, log and spool path.
start_svc2_cupsd() {
    local d=$1 x
    for x in spool cache state log; do mkdir -p "$d/$x"; done
    cat >"$d/cups-files.conf" <<EOF
ServerRoot /etc/cups
RequestRoot $d/spool
CacheDir $d/cache
StateDir $d/state
ErrorLog $d/log/error_log
AccessLog $d/log/access_log
PageLog $d/log/page_log
TempDir $d/spool/tmp
EOF
    cat >"$d/cupsd.conf" <<EOF
Listen 0.0.0.0:631
Listen [::]:631
Browsing No
WebInterface Yes
DefaultAuthType Basic
<Location />
  Order allow,deny
  Allow all
</Location>
EOF
    mkdir -p "$d/spool/tmp"
    launch "$d" "$2" /usr/sbin/cupsd -f -c "$d/cupsd.conf" -s "$d/cups-files.conf"
}

# icecast2 refuses to run as root: it runs as the package's user.
start_svc2_icecast() {
    local d=$1
    mkdir -p "$d/log"
    cat >"$d/icecast.xml" <<EOF
<icecast>
  <location>fathom lab</location>
  <admin>admin@svc2.fathom.test</admin>
  <limits><clients>100</clients><sources>2</sources></limits>
  <authentication>
    <source-password>fathom</source-password>
    <relay-password>fathom</relay-password>
    <admin-user>admin</admin-user><admin-password>fathom</admin-password>
  </authentication>
  <hostname>svc2.fathom.test</hostname>
  <listen-socket><port>8000</port></listen-socket>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>$d/log</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
    <pidfile>$d/icecast.pid</pidfile>
  </paths>
  <logging><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
</icecast>
EOF
    chown -R icecast2 "$d"
    launch "$d" "$2" setpriv --reuid=icecast2 --regid=icecast --init-groups \
        /usr/bin/icecast2 -c "$d/icecast.xml"
}

start_svc2_zabbix() {
    local d=$1
    cat >"$d/zabbix_agentd.conf" <<EOF
PidFile=$d/zabbix_agentd.pid
LogFile=$d/zabbix_agentd.log
Server=198.18.0.0/15
ServerActive=
Hostname=svc2
ListenPort=10050
AllowRoot=0
User=zabbix
EOF
    chown zabbix "$d"
    launch "$d" "$2" /usr/sbin/zabbix_agentd -f -c "$d/zabbix_agentd.conf"
}

# munin-node (perl Net::Server): background/setsid off keeps it in the
# foreground; the package's plugin directory.
start_svc2_munin() {
    local d=$1
    cat >"$d/munin-node.conf" <<EOF
log_level 4
log_file $d/munin-node.log
pid_file $d/munin-node.pid
background 0
setsid 0
user root
group root
host_name svc2.fathom.test
cidr_allow 198.18.0.0/15
host *
port 4949
EOF
    launch "$d" "$2" /usr/sbin/munin-node --config "$d/munin-node.conf"
}

# mariadb: a datadir of its own, made once by mariadb-install-db
# (--no-defaults: /etc/mysql is not read at all).
start_svc2_mariadb() {
    local d=$1
    if [[ ! -d $d/data/mysql ]]; then
        mkdir -p "$d/data" && chown mysql:mysql "$d/data"
        hostx "$2" /usr/bin/mariadb-install-db --no-defaults --datadir="$d/data" --user=mysql \
            --auth-root-authentication-method=socket --skip-test-db >>"$d/out.log" 2>&1 9>&- ||
            log "svc2/mariadb: install-db failed (see $d/out.log)"
    fi
    # A user for any host: without one the server answers a scanner with
    # "Host ... is not allowed to connect" instead of its greeting and version.
    echo "CREATE USER IF NOT EXISTS 'lab'@'%' IDENTIFIED BY 'fathom';" >"$d/init.sql"
    chown mysql "$d" "$d/init.sql"
    launch "$d" "$2" /usr/sbin/mariadbd --no-defaults --datadir="$d/data" --user=mysql \
        --init-file="$d/init.sql" \
        --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --port=3306 --bind-address=0.0.0.0 \
        --log-error="$d/error.log" --skip-log-bin
}

# openvpn: a TLS-mode peer on TCP 1194 with the snakeoil pair and no tun
# device (--dev null): it answers the control-channel reset as a real server.
# A p2p tcp-server counts its idle listening against --server-poll-timeout
# (120 s) and, past it, drops the next client as it accepts it ("Server
# poll timeout, restarting"): the first scan after two idle minutes saw
# tcpwrapped. A year's timeout keeps it listening.
start_svc2_openvpn() {
    local d=$1
    launch "$d" "$2" /usr/sbin/openvpn --proto tcp-server --lport 1194 --dev null --tls-server \
        --ca /etc/ssl/certs/ssl-cert-snakeoil.pem --cert /etc/ssl/certs/ssl-cert-snakeoil.pem \
        --key /etc/ssl/private/ssl-cert-snakeoil.key --dh none --writepid "$d/openvpn.pid" --verb 1 \
        --server-poll-timeout 31536000
}

start_svc2_baculafd() {
    local d=$1
    cat >"$d/bacula-fd.conf" <<EOF
Director {
  Name = fathom-dir
  Password = "fathom"
}
FileDaemon {
  Name = svc2-fd
  FDport = 9102
  WorkingDirectory = $d
  Pid Directory = $d
  Maximum Concurrent Jobs = 5
}
Messages {
  Name = Standard
  director = fathom-dir = all, !skipped, !restored
}
EOF
    launch "$d" "$2" /usr/sbin/bacula-fd -f -c "$d/bacula-fd.conf"
}

start_svc2_etcd() {
    local d=$1
    launch "$d" "$2" /usr/bin/etcd --name svc2 --data-dir "$d/data" \
        --listen-client-urls http://0.0.0.0:2379 --advertise-client-urls http://198.18.0.40:2379 \
        --listen-peer-urls http://0.0.0.0:2380 --initial-advertise-peer-urls http://198.18.0.40:2380 \
        --initial-cluster svc2=http://198.18.0.40:2380
}

# MIT Kerberos: one realm (FATHOM.TEST) whose database, stash and ACL live in
# the krb5kdc DIR; KRB5_CONFIG/KRB5_KDC_PROFILE point both daemons at it.
krb5_env() {
    local k=$LAB_STATE/svc2-krb5kdc
    printf '%s\n' "KRB5_CONFIG=$k/krb5.conf" "KRB5_KDC_PROFILE=$k/kdc.conf"
}

start_svc2_krb5kdc() {
    local d=$1
    cat >"$d/krb5.conf" <<EOF
[libdefaults]
    default_realm = FATHOM.TEST
[realms]
    FATHOM.TEST = {
        kdc = 198.18.0.40
        admin_server = 198.18.0.40
    }
EOF
    cat >"$d/kdc.conf" <<EOF
[kdcdefaults]
    kdc_ports = 88
    kdc_tcp_ports = 88
[realms]
    FATHOM.TEST = {
        database_name = $d/principal
        key_stash_file = $d/stash
        acl_file = $d/kadm5.acl
        kadmind_port = 749
        kpasswd_port = 464
    }
[logging]
    kdc = FILE:$d/kdc.log
    admin_server = FILE:$d/kadmind.log
EOF
    echo "*/admin@FATHOM.TEST *" >"$d/kadm5.acl"
    [[ -e $d/principal ]] || env $(krb5_env) kdb5_util create -s -r FATHOM.TEST -P fathom-lab-master >>"$d/out.log" 2>&1
    launch "$d" "$2" env $(krb5_env) /usr/sbin/krb5kdc -n
}

start_svc2_kadmind() {
    local d=$1 i
    for ((i = 0; i < 50; i++)); do [[ -e $LAB_STATE/svc2-krb5kdc/principal ]] && break; sleep 0.1; done
    launch "$d" "$2" env $(krb5_env) /usr/sbin/kadmind -nofork -P "$d/kadmind.pid"
}

# rsyslog: only imtcp. No imuxsock: the default config would bind /dev/log,
# which is machine-wide (the host view covers /run and /tmp, not /dev).
start_svc2_rsyslog() {
    local d=$1
    cat >"$d/rsyslog.conf" <<EOF
global(workDirectory="$d")
module(load="imtcp")
input(type="imtcp" port="514")
*.* action(type="omfile" file="$d/messages")
EOF
    launch "$d" "$2" /usr/sbin/rsyslogd -n -f "$d/rsyslog.conf" -i "$d/rsyslogd.pid"
}

# tor: a relay's ORPort and a SOCKS port. fx-svc2 has no route out of the
# lab, so it never reaches a directory authority (nothing leaves the lab);
# it just listens.
start_svc2_tor() {
    local d=$1
    mkdir -p "$d/data" && chown debian-tor "$d/data" && chmod 700 "$d/data"
    cat >"$d/torrc" <<EOF
RunAsDaemon 0
User debian-tor
DataDirectory $d/data
PidFile $d/tor.pid
Log notice file $d/tor.log
SocksPort 0.0.0.0:9050
SocksPolicy accept 198.18.0.0/15
ORPort 9001
Nickname fathomlab
ContactInfo lab@fathom.test
ExitRelay 0
AssumeReachable 1
PublishServerDescriptor 0
EOF
    chown debian-tor "$d"
    launch "$d" "$2" /usr/bin/tor -f "$d/torrc"
}

# pgbouncer refuses to run as root; fronts fx-svc3's PostgreSQL.
start_svc2_pgbouncer() {
    local d=$1
    cat >"$d/pgbouncer.ini" <<EOF
[databases]
* = host=198.18.0.41 port=5432
[pgbouncer]
listen_addr = *
listen_port = 6432
unix_socket_dir = $d
auth_type = trust
auth_file = $d/users.txt
logfile = $d/pgbouncer.log
pidfile = $d/pgbouncer.pid
EOF
    echo '"postgres" ""' >"$d/users.txt"
    chown -R nobody "$d"
    launch "$d" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        /usr/sbin/pgbouncer "$d/pgbouncer.ini"
}

start_svc2_gearmand() {
    local d=$1
    chown nobody "$d"
    launch "$d" "$2" /usr/sbin/gearmand -L 0.0.0.0 -p 4730 -u nobody --log-file "$d/gearmand.log"
}

# p910nd (JetDirect-style raw printing on 9100) always forks; its pid file is
# /run/p9100d.pid and its lock /var/lock/p910nd/p9100d, both in the host
# view. The "printer" is a file.
start_svc2_p910nd() {
    local d=$1
    : >"$d/printer"
    mkdir -p "$(host_path "$2" /run/lock/p910nd)"
    launch_forking "$d" "$2" "$(host_path "$2" /run/p9100d.pid)" /usr/sbin/p910nd -f "$d/printer" 0
}

start_svc2_oidentd() {
    launch "$1" "$2" /usr/sbin/oidentd -i -u nobody -g nogroup
}

# spamd: the package's rules (no sa-update needed), run as nobody. spamd
# looks up every client's name (IO::Socket::IP peerhostname) and drops the
# connection without a byte when that fails, as it does in a lab without
# DNS: an /etc/hosts naming the scanner (fx-scan) is bind-mounted over the
# real one, inside this daemon's mount namespace only.
start_svc2_spamd() {
    local d=$1
    chown nobody "$d"
    printf '127.0.0.1 localhost\n::1 localhost\n198.18.0.2 fx-scan.lab.invalid\nfd5a:7a6f:1ab0:1::2 fx-scan.lab.invalid\n' \
        >"$d/hosts"
    launch "$d" "$2" /bin/sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$d/hosts" \
        /usr/sbin/spamd --listen=0.0.0.0:783 --allowed-ips=198.18.0.0/15 \
        --username=nobody --groupname=nogroup --pidfile="$d/spamd.pid" --syslog="$d/spamd.log" \
        --max-children=2
}

start_svc2_sentinel() {
    local d=$1
    cat >"$d/sentinel.conf" <<EOF
port 26379
dir $d
pidfile $d/sentinel.pid
logfile $d/sentinel.log
protected-mode no
sentinel monitor fathom 198.18.0.10 6379 1
EOF
    chown -R redis "$d"
    launch "$d" "$2" setpriv --reuid=redis --regid=redis --init-groups \
        /usr/bin/redis-sentinel "$d/sentinel.conf"
}

start_svc2_distccd() {
    local d=$1
    chown nobody "$d"
    launch "$d" "$2" /usr/bin/distccd --daemon --no-detach --allow 198.18.0.0/15 --listen 0.0.0.0 \
        --port 3632 --user nobody --log-file "$d/distccd.log" --jobs 2
}

start_svc2_tinyproxy() {
    local d=$1
    cat >"$d/tinyproxy.conf" <<EOF
User nobody
Group nogroup
Port 8888
Listen 0.0.0.0
Timeout 60
LogFile "$d/tinyproxy.log"
PidFile "$d/tinyproxy.pid"
MaxClients 50
Allow 198.18.0.0/15
ViaProxyName "tinyproxy"
EOF
    chown nobody "$d"
    launch "$d" "$2" /usr/bin/tinyproxy -d -c "$d/tinyproxy.conf"
}

start_svc2_webfsd() {
    local d=$1
    www "$d" "fathom lab: webfs on fx-svc2"
    launch "$d" "$2" /usr/bin/webfsd -F -p 8001 -r "$d/www" -u nobody -g nogroup -f index.html
}

start_svc2_nbd() {
    local d=$1
    [[ -s $d/disk.img ]] || truncate -s 16M "$d/disk.img"
    cat >"$d/nbd.conf" <<EOF
[generic]
    user = nobody
    group = nogroup
    allowlist = true
[lab]
    exportname = $d/disk.img
    readonly = true
EOF
    chown nobody "$d/disk.img"
    # -d would be "debug": one client, then exit. So it daemonizes.
    launch_forking "$d" "$2" "$d/nbd.pid" /bin/nbd-server -C "$d/nbd.conf" -p "$d/nbd.pid"
}
