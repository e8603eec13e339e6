#!/usr/bin/env python3
"""gen-services.py -- builds probes/fathom-services (fathom's port table).

Usage: tools/gen-services.py [--etc PATH] [--iana PATH] > probes/fathom-services

Names come from, in order of preference: the OVERRIDE table below (the
names scanner users know, e.g. rpcbind for 111), the system services(5)
file (default /etc/services), then an IANA port-numbers registry in
services(5) form (default /usr/share/wireshark/services, shipped by
Debian's libwireshark-data; "foo 64/tcp/udp" lines are understood).

Order ("frequency"): the HEAD lists below are fathom's own ranking of the
ports most often found open, written from general public knowledge of
Internet scan results and of what runs on ordinary networks. Every other
named port follows in a fixed rule order: ports named in the system file,
then IANA ports below 1024, then all other IANA ports, each ascending. The
FREQUENCY column is a smooth function of that rank (0.5 / (rank + 1)^0.9),
not a measurement: only the order means anything. nmap's nmap-services
was not used.

python3 standard library only. Output is deterministic for given inputs.
"""

import argparse
import re
import sys

NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.+-]*$')

# Tier by tier, most common first. Comments say why a group ranks there.
HEAD_TCP = """
# The classic head of every published "most often open" list.
80 23 443 21 22 25 3389 110 445 139 143 53 135 3306 8080 1723 111 995 993
5900
# Common Internet-facing services: web alternates, mail submission, CPE
# management (TR-069), VoIP, RTSP cameras, databases exposed by mistake,
# printers, Windows/AD, caches and control panels.
8443 587 465 8000 8888 7547 5060 554 1433 5432 8081 179 113 2000 631 9100
515 548 10000 81 5357 1025 49152 5985 6379 27017 9200 11211 2222 8008 8009
5000 5001 3000 1521 1720 199 79 119 88 389 636 464 593 2049 3268 2082 2083
2086 2087 2095 2096 8088 8090 9000 9090 9443 4443 10443 1080 3128 8118 6443
2375 2376 10250 5601 9300 5672 1883 8883 5222 6667
# Remote administration, virtualisation, file services, industrial control
# (Modbus, S7, DNP3, EtherNet/IP, IEC-104, Niagara Fox), router and DVR
# management, UPnP, Windows RPC dynamic ports.
5986 5800 5901 5902 5903 5631 5632 4899 5938 6129 3283 902 903 912 5480
8006 1494 2598 513 514 512 543 544 992 990 989 873 3260 2121 20 115 1194
47001 502 102 20000 44818 2404 1911 8291 8728 8729 37777 34567 8554 5431
52869 49153 49154 49155 49156 49157 1900 5358 9389 3269 2179 1026 1027
1028 1029 1030
# Databases, message queues, cluster and developer tooling.
1434 9042 7000 7001 7002 7199 5984 6984 7474 7687 50000 3050 2638 8529
26257 8123 5433 6380 27018 27019 28017 9160 15672 61616 5671 4369 25672
9092 2181 2888 3888 8983 50070 8020 9870 16010 7077 4040 8500 8300 8301
8200 4646 9411 16686 2377 4243 5050 8761 8848
# Monitoring agents, application servers, chat, VCS, X11, VoIP control.
5666 10050 10051 9093 9115 4949 2003 2004 19999 3001 4000 8800 9043
9060 4848 9990 8161 7070 7777 8180 8280 8880 8889 9080 9091 9999
8001 8082 8083 8084 8086 8089 8181 7443 8834 9418 6697 194 1812
1813 563 3690 3632 2401 6000 6001 6002 6003 6004 6005 6006 6007 5061 5038
1719 2427 5269 5280 5190 1863
# Small classic services and a long tail of well-known applications.
7 9 13 17 19 37 43 70 106 109 144 427 497 500 524 540 623 646 666 1099
1241 1311 1352 1414 2001 2002 2323 2381 2601 2602 2604 3052 3299 3310 3493
3689 4045 4190 4444 4567 4662 4730 4786 4840 5004 5005 5009 5353 5555 6346
6566 6881 6969 7100 7680 8002 8003 8004 8005 8007 8087 8100 8333 9001
9002 9101 9102 9103 9876 10001 10080 12345 13720 13721 13722 13724
13782 13783 16992 16993 18080 25565 27015 31337 32768 32769 32770 32771
49158 49159 50030 50060 51413 55553 62078 64738
"""

HEAD_UDP = """
# DNS, NTP, SNMP, NetBIOS, DHCP, TFTP, IKE, syslog, RIP, SSDP, mDNS.
53 123 161 137 138 67 68 69 500 514 520 1900 5353 4500 1434 111 162 631
1701 1812 1813 5060 11211 3478 177 427 443 1645 1646 2049 5355
# Building/IoT discovery, VPNs and overlays, management, Windows/AD.
47808 5683 3702 1194 51820 4789 6081 623 389 88 464 3389 1604 5351 1719
2427 5004 5005 10001 17185 30718 44818 2222 20000 34962 34963 34964 48899
# Games, P2P, VoIP media, small classic services, RPC dynamic ports.
27015 9987 6881 4569 7 9 13 17 19 37 135 139 445 49152 49153 49154 49156
32768 32769 32770 32771 1024 1025 1026 1027 1028 1029 1030 2048 4045 5000
5050 5632 9200 2302 3283 8611 8612 10080 26000 27960 3544 6346 2123 2152
3784 3785 5246 5247 546 547 518 517 512 513 521 1985 5093 7000 7001 7002
7003 7004 7005 7007 750 1718 3130 3401 19132 2535 10000 1900
"""

# Names scanner users expect where the registries differ or have none.
OVERRIDE = {
    ('tcp', 111): 'rpcbind', ('udp', 111): 'rpcbind',
    ('tcp', 143): 'imap',
    ('tcp', 113): 'ident',
    ('tcp', 8080): 'http-proxy',
    ('tcp', 8443): 'https-alt',
    ('tcp', 8000): 'http-alt',
    ('tcp', 8888): 'sun-answerbook',
    ('tcp', 7547): 'cwmp',
    ('tcp', 9200): 'elasticsearch',
    ('tcp', 9300): 'elasticsearch-tr',
    ('tcp', 5601): 'kibana',
    ('tcp', 10250): 'kubelet',
    ('tcp', 6443): 'kubernetes-api',
    ('tcp', 2375): 'docker', ('tcp', 2376): 'docker-s',
    ('tcp', 27018): 'mongodb-shard', ('tcp', 27019): 'mongodb-config',
    ('tcp', 28017): 'mongodb-http',
    ('tcp', 26257): 'cockroachdb',
    ('tcp', 16686): 'jaeger-ui',
    ('tcp', 19999): 'netdata',
    ('tcp', 50070): 'hadoop-namenode',
    ('tcp', 9870): 'hadoop-namenode2',
    ('tcp', 16010): 'hbase-master',
    ('tcp', 15672): 'rabbitmq-mgmt',
    ('tcp', 25672): 'rabbitmq-dist',
    ('tcp', 37777): 'dahua-dvr',
    ('tcp', 34567): 'xmeye-dvr',
    ('tcp', 52869): 'upnp-igd',
    ('tcp', 8291): 'winbox',
    ('tcp', 8728): 'mikrotik-api', ('tcp', 8729): 'mikrotik-api-s',
    ('tcp', 55553): 'msf-rpc',
    ('tcp', 62078): 'iphone-sync',
    ('tcp', 51413): 'bittorrent',
    ('udp', 51820): 'wireguard',
    ('udp', 19132): 'minecraft-be',
    ('udp', 9987): 'teamspeak3',
    ('udp', 27960): 'quake3',
    ('udp', 26000): 'quake',
    ('udp', 17185): 'wdbrpc',
    ('tcp', 81): 'http-81',
    ('tcp', 5800): 'vnc-http', ('tcp', 5901): 'vnc-1', ('tcp', 5902): 'vnc-2',
    ('tcp', 5938): 'teamviewer', ('tcp', 6129): 'dameware',
    ('tcp', 5480): 'vami',
    ('tcp', 9042): 'cassandra-cql', ('tcp', 7199): 'cassandra-jmx',
    ('tcp', 6984): 'couchdb-s', ('tcp', 50000): 'db2',
    ('tcp', 8529): 'arangodb', ('tcp', 8123): 'clickhouse-http',
    ('tcp', 6380): 'redis-alt', ('tcp', 61616): 'activemq',
    ('tcp', 8983): 'solr', ('tcp', 7077): 'spark', ('tcp', 9411): 'zipkin',
    ('tcp', 4243): 'docker-alt', ('tcp', 8761): 'eureka',
    ('tcp', 8848): 'nacos', ('tcp', 9115): 'blackbox-exporter',
    ('tcp', 9043): 'websphere-s', ('tcp', 8180): 'tomcat-alt',
    ('tcp', 8089): 'splunkd', ('tcp', 8834): 'nessus-www',
    ('tcp', 5038): 'asterisk-ami',
    ('tcp', 6881): 'bittorrent-dht', ('udp', 6881): 'bittorrent-dht',
    ('tcp', 8333): 'bitcoin', ('tcp', 18080): 'monero',
    ('tcp', 25565): 'minecraft',
    ('tcp', 27015): 'srcds', ('udp', 27015): 'srcds',
    ('tcp', 50030): 'hadoop-jobtracker', ('tcp', 50060): 'hadoop-tasktracker',
    ('tcp', 64738): 'mumble',
    ('udp', 30718): 'lantronix-disc', ('udp', 48899): 'ads-discovery',
    ('udp', 1024): 'dynamic',
}
# Windows' dynamic RPC ports (and UPnP on UDP): no registry name.
for _p in (1027, 1028, 1030, 49152, 49153, 49154, 49155, 49156, 49157,
           49158, 49159):
    OVERRIDE.setdefault(('tcp', _p), 'msrpc-dyn')
for _p in (1028, 1030, 49152, 49153, 49154, 49156):
    OVERRIDE.setdefault(('udp', _p), 'dynamic')

PROTOS = ('tcp', 'udp')


def ports_of(text):
    out = []
    for line in text.splitlines():
        line = line.split('#', 1)[0]
        out.extend(int(tok) for tok in line.split())
    return out


def read_services(path, multi):
    """(proto, port) -> first name, from a services(5)-style file."""
    names = {}
    try:
        f = open(path, encoding='utf-8', errors='replace')
    except OSError as e:
        sys.exit('gen-services: %s: %s' % (path, e.strerror))
    with f:
        for line in f:
            fields = line.split('#', 1)[0].split()
            if len(fields) < 2 or '/' not in fields[1]:
                continue
            port, *protos = fields[1].split('/')
            if not multi:
                protos = protos[:1]
            name = fields[0].lower()
            if not port.isdigit() or not NAME_RE.match(name):
                continue
            for proto in protos:
                if proto in PROTOS:
                    names.setdefault((proto, int(port)), name)
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--etc', default='/etc/services')
    ap.add_argument('--iana', default='/usr/share/wireshark/services')
    args = ap.parse_args()
    etc = read_services(args.etc, False)
    iana = read_services(args.iana, True)

    def name(proto, port):
        return (OVERRIDE.get((proto, port)) or etc.get((proto, port)) or
                iana.get((proto, port)))

    rows = []
    missing = []
    for proto, head in (('tcp', HEAD_TCP), ('udp', HEAD_UDP)):
        order = []
        seen = set()

        def take(port):
            if port not in seen and name(proto, port):
                seen.add(port)
                order.append(port)

        for port in ports_of(head):
            if name(proto, port) is None:
                missing.append('%d/%s' % (port, proto))
            take(port)
        for port in sorted(p for (pr, p) in etc if pr == proto):
            take(port)
        for port in sorted(p for (pr, p) in iana if pr == proto and p < 1024):
            take(port)
        for port in sorted(p for (pr, p) in iana if pr == proto):
            take(port)
        last = None
        for rank, port in enumerate(order):
            freq = '%.8f' % (0.5 / (rank + 1) ** 0.9)
            # The file must say the same order the ranking meant.
            assert last is None or freq < last, (proto, rank)
            last = freq
            rows.append((port, proto, name(proto, port), freq, rank))
    if missing:
        sys.exit('gen-services: no name for head ports: ' +
                 ' '.join(missing))

    w = sys.stdout.write
    w(HEADER)
    ntcp = sum(1 for r in rows if r[1] == 'tcp')
    w('# Entries: %d tcp, %d udp.\n\n' % (ntcp, len(rows) - ntcp))
    for port, proto, nm, freq, rank in sorted(
            rows, key=lambda r: (r[0], r[1])):
        w('%-17s %-11s %s\n' % (nm, '%d/%s' % (port, proto), freq))


HEADER = """\
# fathom-services -- fathom's port/service name table.
#
# Format: one entry per line, fields separated by blanks:
#     NAME  PORT/PROTO  FREQUENCY  [# comment]
# NAME matches [A-Za-z0-9][A-Za-z0-9_.+-]*, PORT is 0-65535, PROTO is tcp
# or udp, FREQUENCY a decimal fraction in [0,1]. Lines starting with '#'
# and blank lines are ignored; each PORT/PROTO appears at most once.
# --top-ports N and -F take the N (100) entries with the highest FREQUENCY
# per protocol, ties going to the lower port.
#
# How it was made: generated by tools/gen-services.py; edit that script,
# not this file. Names: a short override list of the names scanner users
# know (rpcbind, http-proxy, imap, ...), then Debian's /etc/services
# (netbase), then the IANA Service Name and Transport Protocol Port Number
# Registry. Ranking: fathom's own hand-ranked list of the ports most often
# found open, written from public knowledge of Internet-wide scan results
# and common network services; all other named ports follow in a fixed
# order (system-file ports, IANA ports below 1024, remaining IANA ports,
# each ascending). FREQUENCY = 0.5 / (rank + 1)^0.9: it encodes the rank,
# it is not a measured probability. nmap's nmap-services was not used.
"""

if __name__ == '__main__':
    main()
