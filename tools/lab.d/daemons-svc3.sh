# fathom lab: fx-svc3's daemons (sourced by tools/lab after daemons-svc2.sh).
# shellcheck shell=bash
#
# fx-svc3 (198.18.0.41, fd5a:7a6f:1ab0:1::41): a "developer and operations"
# server: databases, app and web servers, monitoring, VCS, games, media,
# remote desktop. Same pattern and rules as daemons-svc2.sh (helpers
# launch_forking and www live there).

LAB_DAEMONS+=(
    "svc3 inetd tcp/22,tcp/70,tcp/513,tcp/514,tcp/540 tinysshd,gophernicus,rsh-redone-server,uucp,openbsd-inetd"
    "svc3 postgres tcp/5432 postgresql-15"
    "svc3 varnish tcp/6081 varnish"
    "svc3 inspircd tcp/6667 inspircd"
    "svc3 influxd tcp/8086 influxdb"
    "svc3 firebird tcp/3050 firebird3.0-server"
    "svc3 caddy tcp/80 caddy"
    "svc3 h2o tcp/8080 h2o"
    "svc3 minihttpd tcp/8081 mini-httpd"
    "svc3 uwsgi tcp/8082 uwsgi-core"
    "svc3 busybox tcp/8083 busybox"
    "svc3 gunicorn tcp/8000 gunicorn"
    "svc3 hgserve tcp/8001 mercurial"
    "svc3 fossil tcp/8088 fossil"
    "svc3 tincd tcp/655 tinc"
    "svc3 baculasd tcp/9103 bacula-sd"
    "svc3 nrpe tcp/5666 nagios-nrpe-server"
    "svc3 nodeexp tcp/9100 prometheus-node-exporter"
    "svc3 alertmgr tcp/9093 prometheus-alertmanager"
    "svc3 registry tcp/5000 docker-registry"
    "svc3 unbound tcp/53 unbound"
    "svc3 tgtd tcp/3260 tgt"
    "svc3 mpd tcp/6600 mpd"
    "svc3 vnc tcp/5901,tcp/6001 tigervnc-standalone-server"
    "svc3 xrdp tcp/3389 xrdp"
    "svc3 sesman tcp/3350 xrdp"
    "svc3 aptcacher tcp/3142 apt-cacher-ng"
    "svc3 opendkim tcp/8891 opendkim"
    "svc3 postgrey tcp/10023 postgrey"
    "svc3 transmission tcp/9091,tcp/51413 transmission-daemon"
    "svc3 minidlna tcp/8200 minidlna"
    "svc3 wesnothd tcp/15000 wesnoth-1.16-server"
    "svc3 kamailio tcp/5060 kamailio"
    "svc3 storescp tcp/104 dcmtk"
    "svc3 orthanc tcp/4242,tcp/8042 orthanc"
    "svc3 searchd tcp/9312,tcp/9306 sphinxsearch"
    "svc3 boinc tcp/31416 boinc-client"
    "svc3 znc tcp/6697 znc"
    "svc3 bitlbee tcp/6668 bitlbee"
    "svc3 ssserver tcp/8388 shadowsocks-libev"
    "svc3 pptpd tcp/1723 pptpd"
    "svc3 ocserv tcp/443 ocserv"
)

LAB_NEEDS+=(
    /usr/sbin/tinysshd:tinysshd /usr/sbin/gophernicus:gophernicus
    /usr/sbin/in.rshd:rsh-redone-server /usr/sbin/uucico:uucp
    /usr/lib/postgresql/15/bin/postgres:postgresql-15 /usr/sbin/varnishd:varnish
    /usr/sbin/inspircd:inspircd /usr/bin/influxd:influxdb /usr/sbin/fbguard:firebird3.0-server
    /usr/bin/caddy:caddy /usr/bin/h2o:h2o /usr/sbin/mini_httpd:mini-httpd
    /usr/bin/uwsgi-core:uwsgi-core /usr/lib/uwsgi/plugins/python311_plugin.so:uwsgi-plugin-python3
    /bin/busybox:busybox /usr/bin/gunicorn:gunicorn /usr/bin/hg:mercurial /usr/bin/fossil:fossil
    /usr/sbin/tincd:tinc /usr/sbin/bacula-sd:bacula-sd /usr/sbin/nrpe:nagios-nrpe-server
    /usr/bin/prometheus-node-exporter:prometheus-node-exporter
    /usr/bin/prometheus-alertmanager:prometheus-alertmanager
    /usr/bin/docker-registry:docker-registry /usr/sbin/unbound:unbound /usr/sbin/tgtd:tgt
    /usr/bin/mpd:mpd /usr/bin/Xtigervnc:tigervnc-standalone-server /usr/sbin/xrdp:xrdp
    /usr/sbin/apt-cacher-ng:apt-cacher-ng /usr/sbin/opendkim:opendkim /usr/sbin/postgrey:postgrey
    /usr/bin/transmission-daemon:transmission-daemon /usr/sbin/minidlnad:minidlna
    /usr/games/wesnothd-1.16:wesnoth-1.16-server /usr/sbin/kamailio:kamailio
    /usr/bin/storescp:dcmtk /usr/sbin/Orthanc:orthanc /usr/bin/searchd:sphinxsearch
    /usr/bin/boinc:boinc-client /usr/bin/znc:znc /usr/sbin/bitlbee:bitlbee
    /usr/bin/ss-server:shadowsocks-libev /usr/sbin/pptpd:pptpd /usr/sbin/ocserv:ocserv
)

# ---- fx-svc3 --------------------------------------------------------------

# rsh-redone's in.rlogind and in.rshd look the client's address up
# (getnameinfo, NI_NAMEREQD) before they say a byte, and exit when that
# fails. nsswitch.conf says "hosts: files dns", the machine's /etc/hosts
# does not name lab addresses and no resolver is reachable from a lab
# namespace, so the lookup failed with EAI_AGAIN and every client saw an
# EOF. So svc3's inetd (only it: the lookup happens in its children) gets
# its own /etc/hosts naming every lab segment address, IPv4 and IPv6,
# bind-mounted over /etc/hosts in the private mount namespace HOST_VIEW
# already gives it: the lookup answers from the file at once, and the
# machine's /etc/hosts and every other daemon's view stay as they were.
svc3_hosts() {
    local i n
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n'
    printf '%s\tsvc3.fathom.test svc3\n' "$LAB_V4.41" "$LAB_V6:41"
    for ((i = 1; i < 255; i++)); do
        ((i == 41)) && continue
        case $i in 2) n=scan ;; 3) n=lossy ;; *) n=lab$i ;; esac
        printf '%s\t%s.fathom.test %s\n' "$LAB_V4.$i" "$n" "$n" "$LAB_V6:$i" "$n" "$n"
    done
}

# stale_svc3_inetd PID DIR: true when the running inetd's view lacks that
# hosts file (one started before it existed): daemon_up restarts it.
stale_svc3_inetd() {
    ! cmp -s "/proc/$1/root/etc/hosts" "$2/hosts"
}

# openbsd-inetd (a second instance, fx-svc3's own host view): tinysshd as the
# SSH server (it only runs from a super-server), gopher, rsh/rlogin, uucp.
start_svc3_inetd() {
    local d=$1
    [[ -d $d/tinyssh ]] || tinysshd-makekey "$d/tinyssh" >/dev/null
    mkdir -p "$d/gopher" && echo "fathom lab gopher on fx-svc3" >"$d/gopher/README"
    cat >"$d/inetd.conf" <<EOF
ssh     stream tcp nowait root /usr/sbin/tinysshd tinysshd -l $d/tinyssh
gopher  stream tcp nowait nobody /usr/sbin/gophernicus gophernicus -h svc3.fathom.test -r $d/gopher -nf
login   stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.rlogind
shell   stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.rshd
uucp    stream tcp nowait uucp /usr/sbin/tcpd /usr/sbin/uucico -l
EOF
    svc3_hosts >"$d/hosts"
    # sh execs inetd: the pid launch records stays the daemon's.
    launch "$d" "$2" /bin/sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' \
        sh "$d/hosts" /usr/sbin/inetd -i -R 1000000 -q 1024 "$d/inetd.conf"
}

start_svc3_postgres() {
    local d=$1 b=/usr/lib/postgresql/15/bin
    if [[ ! -s $d/data/PG_VERSION ]]; then
        mkdir -p "$d/data" && chown postgres "$d" "$d/data"
        setpriv --reuid=postgres --regid=postgres --init-groups "$b/initdb" -D "$d/data" -U postgres \
            --auth=trust -E UTF8 >>"$d/out.log" 2>&1 || log "svc3/postgres: initdb failed"
        echo "host all all 198.18.0.0/15 trust" >>"$d/data/pg_hba.conf"
    fi
    launch "$d" "$2" setpriv --reuid=postgres --regid=postgres --init-groups "$b/postgres" -D "$d/data" \
        -c listen_addresses='*' -c port=5432 -c unix_socket_directories="$d" -c logging_collector=off
}

start_svc3_varnish() {
    local d=$1
    launch "$d" "$2" /usr/sbin/varnishd -F -a :6081 -b 198.18.0.10:80 -n "$d/work" -s malloc,32m \
        -P "$d/varnish.pid"
}

# inspircd: a minimal config, run as the package's user (it refuses root).
start_svc3_inspircd() {
    local d=$1
    cat >"$d/inspircd.conf" <<EOF
<server name="irc.svc3.fathom.test" description="fathom lab" network="FathomLab">
<admin name="lab" nick="lab" email="lab@fathom.test">
<bind address="" port="6667" type="clients">
<connect allow="*" timeout="60" pingfreq="120" maxchans="20" localmax="3000" globalmax="3000">
<class name="Shutdown" commands="DIE RESTART REHASH LOADMODULE UNLOADMODULE RELOADMODULE">
<pid file="$d/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$d/inspircd.log">
<files motd="$d/motd">
<security hidesplits="no" hideulines="no">
<performance softlimit="1024" somaxconn="128">
EOF
    echo "fathom lab IRC" >"$d/motd"
    chown -R irc "$d"
    launch "$d" "$2" setpriv --reuid=irc --regid=irc --init-groups \
        /usr/sbin/inspircd --nofork --nopid --config="$d/inspircd.conf"
}

start_svc3_influxd() {
    local d=$1
    cat >"$d/influxdb.conf" <<EOF
reporting-disabled = true
bind-address = "127.0.0.1:8089"
[meta]
  dir = "$d/meta"
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
[http]
  bind-address = ":8086"
EOF
    chown -R influxdb "$d"
    launch "$d" "$2" setpriv --reuid=influxdb --regid=influxdb --init-groups \
        /usr/bin/influxd -config "$d/influxdb.conf" -pidfile "$d/influxd.pid"
}

# firebird: the package's security database; its lock files go to the host
# view's /tmp (FIREBIRD_LOCK). Debian's firebird.conf binds to localhost and
# there is no option to name another file: a copy with RemoteBindAddress
# emptied is bind-mounted over it, inside this daemon's mount namespace only.
start_svc3_firebird() {
    local d=$1
    sed 's/^RemoteBindAddress = localhost/RemoteBindAddress =/' /etc/firebird/3.0/firebird.conf >"$d/firebird.conf"
    launch "$d" "$2" /bin/sh -c 'mount --bind "$0" /etc/firebird/3.0/firebird.conf && exec "$@"' \
        "$d/firebird.conf" env FIREBIRD_LOCK=/tmp/firebird setpriv --reuid=firebird --regid=firebird \
        --init-groups /usr/sbin/firebird
}

# caddy: no automatic HTTPS and no admin endpoint; its state dirs in DIR.
start_svc3_caddy() {
    local d=$1
    cat >"$d/Caddyfile" <<EOF
{
    auto_https off
    admin off
}
:80 {
    respond "fathom lab: caddy on fx-svc3"
}
EOF
    launch "$d" "$2" env HOME="$d" XDG_DATA_HOME="$d/data" XDG_CONFIG_HOME="$d/config" \
        /usr/bin/caddy run --config "$d/Caddyfile" --adapter caddyfile
}

start_svc3_h2o() {
    local d=$1
    www "$d" "fathom lab: h2o on fx-svc3"
    chown nobody "$d"
    cat >"$d/h2o.conf" <<EOF
listen: 8080
user: nobody
pid-file: $d/h2o.pid
error-log: $d/error.log
hosts:
  default:
    paths:
      /:
        file.dir: $d/www
EOF
    launch "$d" "$2" /usr/bin/h2o -c "$d/h2o.conf"
}

start_svc3_minihttpd() {
    local d=$1
    www "$d" "fathom lab: mini_httpd on fx-svc3"
    launch "$d" "$2" /usr/sbin/mini_httpd -D -p 8081 -d "$d/www" -u nobody -l "$d/access.log" \
        -i "$d/mini_httpd.pid"
}

# uwsgi serving a one-line WSGI app over HTTP (--http-socket: no router).
start_svc3_uwsgi() {
    local d=$1
    cat >"$d/app.py" <<'EOF'
def application(env, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"fathom lab: uwsgi on fx-svc3\n"]
EOF
    launch "$d" "$2" /usr/bin/uwsgi-core --plugin-dir /usr/lib/uwsgi/plugins --plugin python311 \
        --http-socket :8082 --wsgi-file "$d/app.py" --uid nobody --gid nogroup --master \
        --processes 1 --pidfile "$d/uwsgi.pid"
}

start_svc3_busybox() {
    local d=$1
    www "$d" "fathom lab: busybox httpd on fx-svc3"
    launch "$d" "$2" /bin/busybox httpd -f -p 8083 -h "$d/www" -u nobody:nogroup
}

start_svc3_gunicorn() {
    local d=$1
    cat >"$d/app.py" <<'EOF'
def app(env, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"fathom lab: gunicorn on fx-svc3\n"]
EOF
    launch "$d" "$2" /usr/bin/gunicorn --bind 0.0.0.0:8000 --chdir "$d" --user nobody --group nogroup \
        --workers 1 --pid "$d/gunicorn.pid" app:app
}

start_svc3_hgserve() {
    local d=$1
    [[ -d $d/repo/.hg ]] || hg init "$d/repo"
    chown -R nobody "$d"
    launch "$d" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$d" \
        /usr/bin/hg serve -R "$d/repo" -p 8001 -a 0.0.0.0 -E "$d/error.log"
}

start_svc3_fossil() {
    local d=$1
    [[ -s $d/lab.fossil ]] || HOME=$d USER=lab fossil init -A lab "$d/lab.fossil" >>"$d/out.log" 2>&1
    chown -R nobody "$d"
    launch "$d" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$d" \
        /usr/bin/fossil server --port 8088 "$d/lab.fossil"
}

# tinc 1.0 with DeviceType = dummy: a meta-connection listener on 655 and no
# tun device.
start_svc3_tincd() {
    local d=$1 c=$1/tinc
    mkdir -p "$c/hosts"
    cat >"$c/tinc.conf" <<EOF
Name = svc3
Port = 655
DeviceType = dummy
AddressFamily = ipv4
EOF
    [[ -s $c/rsa_key.priv ]] || tincd -c "$c" -K2048 </dev/null >>"$d/out.log" 2>&1
    launch "$d" "$2" /usr/sbin/tincd -D -c "$c" --pidfile="$d/tincd.pid" --logfile="$d/tinc.log"
}

start_svc3_baculasd() {
    local d=$1
    mkdir -p "$d/vol"
    cat >"$d/bacula-sd.conf" <<EOF
Storage {
  Name = svc3-sd
  SDPort = 9103
  WorkingDirectory = $d
  Pid Directory = $d
  Maximum Concurrent Jobs = 5
}
Director {
  Name = fathom-dir
  Password = "fathom"
}
Device {
  Name = FileStorage
  Media Type = File
  Archive Device = $d/vol
  LabelMedia = yes
  Random Access = yes
  AutomaticMount = yes
  RemovableMedia = no
}
Messages {
  Name = Standard
  director = fathom-dir = all
}
EOF
    launch "$d" "$2" /usr/sbin/bacula-sd -f -c "$d/bacula-sd.conf"
}

start_svc3_nrpe() {
    local d=$1
    cat >"$d/nrpe.cfg" <<EOF
pid_file=$d/nrpe.pid
server_port=5666
nrpe_user=nagios
nrpe_group=nagios
allowed_hosts=127.0.0.1,198.18.0.0/15
dont_blame_nrpe=0
command[check_users]=/usr/lib/nagios/plugins/check_users -w 5 -c 10
EOF
    launch "$d" "$2" /usr/sbin/nrpe -c "$d/nrpe.cfg" -f
}

start_svc3_nodeexp() {
    launch "$1" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        /usr/bin/prometheus-node-exporter --web.listen-address=:9100
}

start_svc3_alertmgr() {
    local d=$1
    cat >"$d/alertmanager.yml" <<EOF
route:
  receiver: lab
receivers:
  - name: lab
EOF
    chown -R nobody "$d"
    launch "$d" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        /usr/bin/prometheus-alertmanager --config.file="$d/alertmanager.yml" \
        --storage.path="$d/data" --web.listen-address=:9093 --cluster.listen-address=
}

start_svc3_registry() {
    local d=$1
    cat >"$d/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $d/data
http:
  addr: :5000
EOF
    chown -R nobody "$d"
    launch "$d" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        /usr/bin/docker-registry serve "$d/config.yml"
}

start_svc3_unbound() {
    local d=$1
    cat >"$d/unbound.conf" <<EOF
server:
    interface: 0.0.0.0
    interface: ::0
    port: 53
    access-control: 198.18.0.0/15 allow
    access-control: fd5a:7a6f:1ab0::/48 allow
    username: "unbound"
    chroot: ""
    directory: "$d"
    pidfile: "$d/unbound.pid"
    do-daemonize: no
    use-syslog: no
    logfile: ""
    auto-trust-anchor-file: ""
    local-zone: "svc3.fathom.test." static
    local-data: "svc3.fathom.test. A 198.18.0.41"
remote-control:
    control-enable: no
EOF
    launch "$d" "$2" /usr/sbin/unbound -d -c "$d/unbound.conf"
}

# tgtd (iSCSI target): its control socket is /run/tgtd/socket.0, in the host view.
# With no target tgtd closes every connection unread; one target (no LUN
# but its controller) open to every initiator makes it answer logins, as
# a configured target does.
start_svc3_tgtd() {
    mkdir -p "$(host_path "$2" /run/tgtd)"
    launch "$1" "$2" /usr/sbin/tgtd -f
    svc3_tgtd_target "$1" "$2" 9>&- &
}

# svc3_tgtd_target DIR NS: once tgtd's control socket answers, target 1
# bound to ALL (tgtadm refuses a second "new" for tid 1: harmless).
svc3_tgtd_target() {
    local _
    for _ in $(seq 50); do
        hostx "$2" tgtadm --lld iscsi --mode sys --op show >/dev/null 2>&1 && break
        sleep 0.2
    done
    hostx "$2" tgtadm --lld iscsi --mode target --op new --tid 1 \
        --targetname iqn.2026-12.test.fathom:svc3 </dev/null >>"$1/out.log" 2>&1 9>&- &&
        hostx "$2" tgtadm --lld iscsi --mode target --op bind --tid 1 \
            --initiator-address ALL </dev/null >>"$1/out.log" 2>&1 9>&-
}

start_svc3_mpd() {
    local d=$1
    mkdir -p "$d/music" "$d/playlists"
    cat >"$d/mpd.conf" <<EOF
music_directory "$d/music"
playlist_directory "$d/playlists"
db_file "$d/tag_cache"
state_file "$d/state"
pid_file "$d/mpd.pid"
log_file "$d/mpd.log"
bind_to_address "0.0.0.0"
port "6600"
user "mpd"
audio_output {
    type "null"
    name "null"
}
EOF
    chown -R mpd "$d"
    launch "$d" "$2" /usr/bin/mpd --no-daemon "$d/mpd.conf"
}

# Xtigervnc: display :1, VNC on 5901 and X11 on 6001, no VNC password
# (SecurityTypes None) so a scanner sees the protocol handshake complete.
start_svc3_vnc() {
    launch "$1" "$2" /usr/bin/Xtigervnc :1 -rfbport 5901 -listen tcp -localhost=0 \
        -SecurityTypes None -geometry 800x600 -desktop fathom-lab -nolock
}

# xrdp and xrdp-sesman: the package's ini files, with pid files under the
# host view's /run/xrdp (their compiled-in place).
start_svc3_xrdp() {
    mkdir -p "$(host_path "$2" /run/xrdp)"
    launch "$1" "$2" /usr/sbin/xrdp --nodaemon
}

# sesman listens on 127.0.0.1 by default: its own ini with ListenAddress=0.0.0.0.
start_svc3_sesman() {
    local d=$1
    mkdir -p "$(host_path "$2" /run/xrdp)"
    sed 's/^ListenAddress=.*/ListenAddress=0.0.0.0/' /etc/xrdp/sesman.ini >"$d/sesman.ini"
    launch "$d" "$2" /usr/sbin/xrdp-sesman --nodaemon --config "$d/sesman.ini"
}

start_svc3_aptcacher() {
    local d=$1
    mkdir -p "$d/cache" "$d/log"
    chown -R apt-cacher-ng "$d"
    launch "$d" "$2" setpriv --reuid=apt-cacher-ng --regid=apt-cacher-ng --init-groups \
        /usr/sbin/apt-cacher-ng -c /etc/apt-cacher-ng ForeGround=1 CacheDir="$d/cache" \
        LogDir="$d/log" PidFile="$d/acng.pid" SocketPath="$d/acng.socket" Port=3142 \
        BindAddress=0.0.0.0 Offlinemode=1
}

start_svc3_opendkim() {
    local d=$1
    cat >"$d/opendkim.conf" <<EOF
Syslog no
Mode v
Socket inet:8891
PidFile $d/opendkim.pid
UserID opendkim
EOF
    launch "$d" "$2" /usr/sbin/opendkim -f -x "$d/opendkim.conf"
}

# postgrey: --delay of a year. With the default 300 s, the -sV probe's one
# fixed triplet passes 5 minutes after the lab's first scan, and from then
# on every scan gets a bare DUNNO, which names no server (the accuracy
# bench would depend on scan history).
start_svc3_postgrey() {
    local d=$1
    mkdir -p "$d/db" && chown postgrey "$d/db"
    launch "$d" "$2" /usr/sbin/postgrey --inet=0.0.0.0:10023 --dbdir="$d/db" --user=postgrey \
        --pidfile="$d/postgrey.pid" --delay=31536000
}

start_svc3_transmission() {
    local d=$1
    mkdir -p "$d/config" "$d/dl"
    chown -R debian-transmission "$d"
    launch "$d" "$2" setpriv --reuid=debian-transmission --regid=debian-transmission --init-groups \
        /usr/bin/transmission-daemon -f -g "$d/config" -w "$d/dl" -p 9091 -P 51413 \
        -a '127.0.0.1,198.18.*.*' --no-portmap --no-dht --no-lpd -e "$d/transmission.log"
}

start_svc3_minidlna() {
    local d=$1
    mkdir -p "$d/media" "$d/db"
    cat >"$d/minidlna.conf" <<EOF
media_dir=$d/media
db_dir=$d/db
log_dir=$d
port=8200
network_interface=eth0
friendly_name=fathom-lab
inotify=no
EOF
    chown -R minidlna "$d"
    launch "$d" "$2" /usr/sbin/minidlnad -S -f "$d/minidlna.conf" -P "$d/minidlna.pid" -u minidlna
}

start_svc3_wesnothd() {
    local d=$1
    : >"$d/wesnothd.cfg"
    chown -R nobody "$d"
    # HOME: it looks for its user config there and aborts if it cannot stat it.
    launch "$d" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$d" \
        /usr/games/wesnothd-1.16 -p 15000 -c "$d/wesnothd.cfg"
}

# kamailio: a stateless SIP responder on TCP 5060 (and UDP), one module.
start_svc3_kamailio() {
    local d=$1
    mkdir -p "$d/rt"
    cat >"$d/kamailio.cfg" <<EOF
#!KAMAILIO
listen=tcp:0.0.0.0:5060
listen=udp:0.0.0.0:5060
children=1
tcp_children=1
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "sl.so"
request_route {
    sl_send_reply("404", "Not here");
}
EOF
    chown -R kamailio "$d"
    launch "$d" "$2" /usr/sbin/kamailio -DD -E -f "$d/kamailio.cfg" -P "$d/kamailio.pid" \
        -Y "$d/rt" -u kamailio -g kamailio
}

start_svc3_storescp() {
    local d=$1
    # Port 104 is privileged and storescp has no option to drop privileges.
    mkdir -p "$d/in"
    launch "$d" "$2" /usr/bin/storescp -od "$d/in" -aet FATHOMLAB 104
}

start_svc3_orthanc() {
    local d=$1
    cat >"$d/orthanc.json" <<EOF
{
  "Name": "fathom-lab",
  "StorageDirectory": "$d/db",
  "IndexDirectory": "$d/db",
  "HttpPort": 8042,
  "DicomPort": 4242,
  "DicomAet": "ORTHANC",
  "RemoteAccessAllowed": true,
  "AuthenticationEnabled": false,
  "Plugins": []
}
EOF
    chown -R orthanc "$d" 2>/dev/null || chown -R nobody "$d"
    launch "$d" "$2" setpriv --reuid="$(stat -c %U "$d")" --regid="$(stat -c %G "$d")" --clear-groups \
        /usr/sbin/Orthanc "$d/orthanc.json"
}

# sphinxsearch's searchd: one real-time index, the native API on 9312 and the
# MySQL-protocol SphinxQL on 9306.
start_svc3_searchd() {
    local d=$1
    mkdir -p "$d/idx"
    cat >"$d/sphinx.conf" <<EOF
index lab {
    type = rt
    path = $d/idx/lab
    rt_field = title
    rt_attr_uint = n
}
searchd {
    listen = 9312
    listen = 9306:mysql41
    log = $d/searchd.log
    pid_file = $d/searchd.pid
    binlog_path = $d/idx
}
EOF
    chown -R sphinxsearch "$d" 2>/dev/null || chown -R nobody "$d"
    launch "$d" "$2" setpriv --reuid="$(stat -c %U "$d")" --regid="$(stat -c %G "$d")" --clear-groups \
        /usr/bin/searchd --config "$d/sphinx.conf" --nodetach
}

# boinc with no project attached: only its GUI RPC port listens.
start_svc3_boinc() {
    local d=$1
    echo 198.18.0.2 >"$d/remote_hosts.cfg"
    echo fathom >"$d/gui_rpc_auth.cfg"
    chown -R boinc "$d"
    launch "$d" "$2" setpriv --reuid=boinc --regid=boinc --init-groups \
        /usr/bin/boinc --dir "$d" --gui_rpc_port 31416 --allow_remote_gui_rpc --no_gpus
}

# znc: a config written by hand (what --makeconf would ask), user lab/fathom.
start_svc3_znc() {
    local d=$1 salt=fathomlabsaltxyz0123 hash
    hash=$(printf '%s%s' fathom "$salt" | sha256sum | cut -d' ' -f1)
    mkdir -p "$d/configs"
    cat >"$d/configs/znc.conf" <<EOF
Version = 1.8.2
<Listener l>
    Port = 6697
    IPv4 = true
    IPv6 = false
    SSL = false
</Listener>
<User lab>
    <Pass password>
        Method = sha256
        Hash = $hash
        Salt = $salt
    </Pass>
    Admin = true
    Nick = lab
</User>
EOF
    chown -R nobody "$d"
    launch "$d" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        /usr/bin/znc --foreground --datadir "$d"
}

start_svc3_bitlbee() {
    local d=$1
    mkdir -p "$d/var"
    cat >"$d/bitlbee.conf" <<EOF
[settings]
RunMode = ForkDaemon
User = bitlbee
DaemonInterface = 0.0.0.0
DaemonPort = 6668
ConfigDir = $d/var
PidFile = $d/bitlbee.pid
EOF
    chown -R bitlbee "$d" 2>/dev/null || chown -R nobody "$d"
    launch "$d" "$2" /usr/sbin/bitlbee -F -n -c "$d/bitlbee.conf" -d "$d/var"
}

start_svc3_ssserver() {
    launch "$1" "$2" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        /usr/bin/ss-server -s 0.0.0.0 -p 8388 -k fathom-lab -m aes-256-gcm
}

start_svc3_pptpd() {
    local d=$1
    cat >"$d/pptpd.conf" <<EOF
option /dev/null
localip 10.99.0.1
remoteip 10.99.0.100-110
EOF
    launch "$d" "$2" /usr/sbin/pptpd -f -c "$d/pptpd.conf" -p "$d/pptpd.pid"
}

# ocserv (OpenConnect/AnyConnect VPN) on TCP 443 with the snakeoil pair; no
# UDP channel; a client would need /dev/net/tun, listening does not.
start_svc3_ocserv() {
    local d=$1
    : >"$d/passwd"
    cat >"$d/ocserv.conf" <<EOF
auth = "plain[passwd=$d/passwd]"
tcp-port = 443
run-as-user = nobody
run-as-group = nogroup
socket-file = $d/ocserv.sock
server-cert = /etc/ssl/certs/ssl-cert-snakeoil.pem
server-key = /etc/ssl/private/ssl-cert-snakeoil.key
isolate-workers = false
max-clients = 16
device = vpns
ipv4-network = 10.98.0.0/24
pid-file = $d/ocserv.pid
use-occtl = false
EOF
    launch "$d" "$2" /usr/sbin/ocserv -f -c "$d/ocserv.conf"
}
