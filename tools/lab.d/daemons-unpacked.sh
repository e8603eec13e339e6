# fathom lab: the daemons that are unpacked, not installed (sourced by
# tools/lab after daemons-svc3.sh).
# shellcheck shell=bash
#
# Debian allows one FTP server and one IMAP/POP3 server per machine and fx-svc
# has vsftpd and dovecot, so these packages are unpacked under
# /var/lib/fathom-lab/unpack (common.sh, ensure_unpacked, UNPACK_PKGS) and run
# from there with configs that name every path. Same registry pattern and host
# view as daemons-svc2.sh.

LAB_DAEMONS+=(
    "svc2 proftpd tcp/21 proftpd-core"
    "svc2 cyrus tcp/143,tcp/110 cyrus-imapd"
    "svc3 pureftpd tcp/21 pure-ftpd"
)

# proftpd: unpacked (common.sh, UNPACK_PKGS: Debian allows one FTP server
# per machine and fx-svc has vsftpd); its modules from the unpacked tree.
start_svc2_proftpd() {
    local d=$1 r
    r=$(unpacked proftpd-core)
    cat >"$d/proftpd.conf" <<EOF2
ServerName "fathom lab FTP"
ServerType standalone
DefaultServer on
Port 21
UseIPv6 off
User nobody
Group nogroup
ModulePath $r/usr/lib/proftpd
ScoreboardFile $d/scoreboard
PidFile $d/proftpd.pid
DelayTable none
SystemLog $d/proftpd.log
TransferLog none
WtmpLog off
UseReverseDNS off
AuthOrder mod_auth_unix.c
EOF2
    launch "$d" "$2" "$r/usr/sbin/proftpd" --nodaemon -c "$d/proftpd.conf"
}

# Cyrus IMAP and POP3: imapd and pop3d are unpacked (Debian allows one
# imap-server/pop3-server and fx-svc has dovecot's); master and the tools come
# from the installed cyrus-common. cyrus.conf names the unpacked binaries by
# absolute path; master drops to the cyrus user itself. No START entries: the
# empty databases need no recovery.
start_svc2_cyrus() {
    local d=$1 i p
    i=$(unpacked cyrus-imapd) p=$(unpacked cyrus-pop3d)
    mkdir -p "$d/conf" "$d/spool"
    cat >"$d/imapd.conf" <<EOF2
configdirectory: $d/conf
partition-default: $d/spool
servername: svc2.fathom.test
admins: cyrus
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_mech_list: PLAIN LOGIN
syslog_prefix: fathom-lab-cyrus
EOF2
    cat >"$d/cyrus.conf" <<EOF2
START {
}
SERVICES {
  imap cmd="$i/usr/lib/cyrus/bin/imapd -C $d/imapd.conf" listen="0.0.0.0:143" prefork=0
  pop3 cmd="$p/usr/lib/cyrus/bin/pop3d -C $d/imapd.conf" listen="0.0.0.0:110" prefork=0
}
EVENTS {
}
EOF2
    # (Not cyrus-common's makedirs: it ignores -C and works on /var/lib/cyrus.)
    mkdir -p "$d/conf/db" "$d/conf/proc" "$d/conf/socket" "$d/conf/log"
    chown -R cyrus:mail "$d"
    launch "$d" "$2" /usr/lib/cyrus/bin/master -C "$d/imapd.conf" -M "$d/cyrus.conf" -p "$d/master.pid"
}

# pure-ftpd: unpacked like svc2's proftpd (one FTP server per machine). It
# runs in the foreground unless -B; -E: no anonymous logins.
start_svc3_pureftpd() {
    local d=$1 r
    r=$(unpacked pure-ftpd)
    launch "$d" "$2" "$r/usr/sbin/pure-ftpd" -S 0.0.0.0,21 -E -l unix -g "$d/pure-ftpd.pid" -c 50
}
