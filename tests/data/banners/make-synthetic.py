#!/usr/bin/env python3
"""Writes the synthetic fixtures syn-*.bin next to this script.

These are NOT captured from any server: the lab does not run these
services. Each answer is built by hand from the protocol's published
format (the reference is given per fixture) to exercise fathom's own
signatures for services a subnet inventory commonly meets. The
expectations are in expected.txt, section "synthetic". Rerunning this
script must reproduce the committed files byte for byte.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
F = {}


def fx(name, data):
    F["syn-%s.bin" % name] = data


def http(status, *headers, body=b""):
    h = b"".join(x + b"\r\n" for x in headers)
    return b"HTTP/1.1 " + status + b"\r\n" + h + b"\r\n" + body


# SSH identification strings (RFC 4253 4.2).
fx("ssh-dropbear", b"SSH-2.0-dropbear_2022.83\r\n")
fx("ssh-ubuntu", b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10\r\n")
fx("ssh-freebsd", b"SSH-2.0-OpenSSH_9.7 FreeBSD-20240318\r\n")
fx("ssh-openssh", b"SSH-2.0-OpenSSH_9.6\r\n")
fx("ssh-other", b"SSH-2.0-Go\r\n")

# FTP greetings (RFC 959 reply 220), in each server's documented format.
fx("ftp-proftpd", b"220 ProFTPD 1.3.8 Server (Debian) [::ffff:198.18.0.10]\r\n")
fx("ftp-pureftpd",
   b"220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------\r\n"
   b"220-You are user number 1 of 50 allowed.\r\n"
   b"220-Local time is now 07:00. Server port: 21.\r\n"
   b"220 You will be disconnected after 15 minutes of inactivity.\r\n")
fx("ftp-filezilla",
   b"220-FileZilla Server 1.8.1\r\n"
   b"220 Please visit https://filezilla-project.org/\r\n")

# SMTP greetings (RFC 5321 4.2, "220 domain ESMTP text").
fx("smtp-exim", b"220 mail.example.net ESMTP Exim 4.96 "
   b"Wed, 25 Nov 2026 07:00:00 +0000\r\n")
fx("smtp-sendmail", b"220 mx.example.org ESMTP Sendmail 8.17.1.9/8.17.1.9; "
   b"Wed, 25 Nov 2026 07:00:00 GMT\r\n")
fx("smtp-exchange", b"220 EXCH01.corp.example.com Microsoft ESMTP MAIL "
   b"Service ready at Wed, 25 Nov 2026 07:00:00 +0000\r\n")
fx("smtp-ftp-hostname", b"220 ftp.example.com ESMTP ready\r\n")


# MySQL protocol 10 Initial Handshake (MySQL client/server protocol
# documentation, "Protocol::HandshakeV10").
def mysql_greeting(version):
    body = (b"\x0a" + version + b"\0" + struct.pack("<I", 42) +
            b"abcdefgh" + b"\0" + struct.pack("<H", 0xf7ff) + b"\x2d" +
            struct.pack("<H", 0x0002) + struct.pack("<H", 0x81ff) +
            b"\x15" + b"\0" * 10 + b"ijklmnopqrst\0" +
            b"mysql_native_password\0")
    return struct.pack("<I", len(body))[:3] + b"\0" + body


fx("mysql", mysql_greeting(b"8.0.36-0ubuntu0.22.04.1"))
fx("mariadb", mysql_greeting(b"5.5.5-10.11.6-MariaDB-0+deb12u1"))
err = (b"\xff" + struct.pack("<H", 1130) +
       b"Host '198.18.0.2' is not allowed to connect to this MariaDB server")
fx("mysql-denied", struct.pack("<I", len(err))[:3] + b"\0" + err)


# PostgreSQL protocol 3.0 backend messages ("Message Formats" chapter).
def pg(t, body):
    return t + struct.pack(">I", len(body) + 4) + body


fx("pg-scram", pg(b"R", struct.pack(">I", 10) + b"SCRAM-SHA-256\0\0"))
fx("pg-error", pg(b"E", b"SFATAL\0VFATAL\0C28000\0Mno pg_hba.conf entry for "
                  b"host \"198.18.0.2\", user \"fathom\", database "
                  b"\"fathom\", no encryption\0Fauth.c\0L543\0"
                  b"RClientAuthentication\0\0"))
fx("pg-trust", pg(b"R", struct.pack(">I", 0)) +
   pg(b"S", b"application_name\0\0") +
   pg(b"S", b"client_encoding\0UTF8\0") +
   pg(b"S", b"server_encoding\0UTF8\0") +
   pg(b"S", b"server_version\x0016.4 (Debian 16.4-1.pgdg120+1)\0") +
   pg(b"K", struct.pack(">II", 4242, 0x12345678)) +
   pg(b"Z", b"I"))


# AMQP 0-9-1 Connection.Start (AMQP 0-9-1 spec, 4.2.3 and 1.4.2.1).
def shortstr(s):
    return bytes([len(s)]) + s


def longstr(s):
    return b"S" + struct.pack(">I", len(s)) + s


def table(items):
    body = b"".join(shortstr(k) + v for k, v in items)
    return struct.pack(">I", len(body)) + body


caps = table([(b"publisher_confirms", b"t\x01"),
              (b"basic.nack", b"t\x01")])
props = table([(b"capabilities", b"F" + caps),
               (b"cluster_name", longstr(b"rabbit@mq1")),
               (b"copyright", longstr(b"Copyright (c) 2007-2023 VMware")),
               (b"information", longstr(b"Licensed under the MPL 2.0")),
               (b"platform", longstr(b"Erlang/OTP 25.3.2")),
               (b"product", longstr(b"RabbitMQ")),
               (b"version", longstr(b"3.12.1"))])
start = (struct.pack(">HHBB", 10, 10, 0, 9) + props +
         struct.pack(">I", 14) + b"AMQPLAIN PLAIN" +
         struct.pack(">I", 5) + b"en_US")
fx("amqp-rabbitmq", b"\x01\0\0" + struct.pack(">I", len(start)) + start +
   b"\xce")
fx("amqp-1.0", b"AMQP\x00\x01\x00\x00")

# LDAP BindResponse (RFC 4511 4.2.2, BER per X.690).
fx("ldap-anon-ok", b"0\x0c\x02\x01\x01a\x07\x0a\x01\x00\x04\x00\x04\x00")
fx("ldap-ad", b"0\x84\0\0\0\x10\x02\x01\x01a\x84\0\0\0\x07"
   b"\x0a\x01\x00\x04\x00\x04\x00")
msg = b"anonymous bind disallowed"
res = b"\x0a\x01\x30\x04\x00\x04" + bytes([len(msg)]) + msg
bind = b"a" + bytes([len(res)]) + res
fx("ldap-openldap-denied", b"0" + bytes([len(bind) + 3]) + b"\x02\x01\x01" +
   bind)

# SMB2 NEGOTIATE response (MS-SMB2 2.2.1.2 header, 2.2.4 response) to the
# multi-protocol negotiate: dialect 0x02ff.
hdr = (b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 0, 0, 0, 1, 1, 0, 0, 0, 0,
                                0) + b"\0" * 16)
assert len(hdr) == 64
neg = (struct.pack("<HHHH", 65, 1, 0x02ff, 0) + b"fathom-smb-guid!" +
       struct.pack("<IIII", 7, 8388608, 8388608, 8388608) +
       struct.pack("<QQ", 0, 0) + struct.pack("<HHI", 128, 0, 0))
smb = hdr + neg
fx("smb2", b"\0" + struct.pack(">I", len(smb))[1:] + smb)
# NetBIOS NEGATIVE SESSION RESPONSE, "called name not present" (RFC 1002
# 4.3.4).
fx("netbios-negative", b"\x83\0\0\x01\x82")

# RDP X.224 Connection Confirm with RDP_NEG_RSP (MS-RDPBCGR 2.2.1.2).
fx("rdp-nla", b"\x03\0\0\x13\x0e\xd0\0\0\x12\x34\0\x02\x1f\x08\0"
   b"\x02\0\0\0")
fx("rdp-tls", b"\x03\0\0\x13\x0e\xd0\0\0\x12\x34\0\x02\x1f\x08\0"
   b"\x01\0\0\0")


# MongoDB OP_REPLY (opcode 1) to request id "htaf", BSON document.
def bson(items):
    body = b"".join(items)
    return struct.pack("<i", len(body) + 5) + body + b"\0"


doc = bson([b"\x08ismaster\0\x01",
            b"\x10maxBsonObjectSize\0" + struct.pack("<i", 16777216),
            b"\x10maxWireVersion\0" + struct.pack("<i", 21),
            b"\x10minWireVersion\0" + struct.pack("<i", 0),
            b"\x01ok\0" + struct.pack("<d", 1.0)])
reply = (struct.pack("<iQi", 0, 0, 0) + struct.pack("<i", 1) + doc)
fx("mongodb", struct.pack("<i", 16 + len(reply)) + struct.pack("<i", 77) +
   b"htaf" + struct.pack("<i", 1) + reply)

# Banner protocols.
fx("vnc", b"RFB 003.008\n")                       # RFC 6143 7.1.1
fx("telnet", b"\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27")  # RFC 854
fx("rsync", b"@RSYNCD: 31.0\n")                  # rsyncd greeting

# HTTP responses with other servers' Server headers (RFC 9110 10.2.4).
fx("http-iis", http(b"200 OK", b"Content-Type: text/html",
                    b"Server: Microsoft-IIS/10.0", b"Content-Length: 0"))
fx("http-httpapi", http(b"404 Not Found",
                        b"Content-Type: text/html; charset=us-ascii",
                        b"Server: Microsoft-HTTPAPI/2.0",
                        b"Content-Length: 315"))
fx("http-lighttpd", http(b"200 OK", b"Content-Type: text/html",
                         b"Server: lighttpd/1.4.69"))
fx("http-caddy", http(b"200 OK", b"Content-Type: text/html",
                      b"Server: Caddy"))
fx("http-nginx-ubuntu", http(b"200 OK", b"Server: nginx/1.18.0 (Ubuntu)",
                             b"Content-Type: text/html"))
fx("http-apache-win", http(b"200 OK", b"Date: Wed, 25 Nov 2026 07:00:00 GMT",
                           b"Server: Apache/2.4.58 (Win64) OpenSSL/3.1.3 "
                           b"PHP/8.2.12"))
fx("http-squid", http(b"400 Bad Request", b"Server: squid/5.7",
                      b"Mime-Version: 1.0", b"Content-Type: text/html"))
fx("http-varnish", http(b"200 OK", b"Server: Apache/2.4.57 (Debian)",
                        b"X-Varnish: 32770", b"Age: 0",
                        b"Via: 1.1 varnish (Varnish/7.1)"))
fx("http-other", b"HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 "
   b"Python/3.11.2\r\nContent-type: text/html\r\n\r\n")
fx("http-noserver", http(b"404 Not Found", b"Content-Length: 0"))
# A Server line in the body is not a header.
fx("http-body-server", http(b"200 OK", b"Content-Type: text/plain",
                            body=b"Server: Apache/2.4.1 (Debian)\r\n"))


# DNS TCP answers to version.bind CH TXT (RFC 1035 4.1).
def dns(flags, ancount, txt=None):
    q = b"\x07version\x04bind\0\0\x10\0\x03"
    m = struct.pack(">HHHHHH", 6, flags, 1, ancount, 0, 0) + q
    if txt is not None:
        rd = bytes([len(txt)]) + txt
        m += b"\xc0\x0c\0\x10\0\x03" + struct.pack(">IH", 0, len(rd)) + rd
    return struct.pack(">H", len(m)) + m


fx("dns-dnsmasq", dns(0x8580, 1, b"dnsmasq-2.89"))
fx("dns-refused", dns(0x8105, 0))

# Other answers.
fx("redis-noauth", b"-NOAUTH Authentication required.\r\n")
fx("tls-alert", b"\x15\x03\x03\x00\x02\x02\x28")  # RFC 8446 6: fatal 40
fx("rpc-prog-unavail", b"\x80\0\0\x18\x72\xfe\x1d\x13\0\0\0\x01\0\0\0\0"
   b"\0\0\0\0\0\0\0\0\0\0\0\x01")             # RFC 5531 9: PROG_UNAVAIL
fx("binary-junk", b"\0\0\0\0\x01\x02\x03\x04")
# A Gopher menu (RFC 1436 3.8): items "type display TAB selector TAB host
# TAB port", then the terminating "." line; not Gophernicus's layout.
fx("gopher-menu", b"1Projects\t/projects\tgopher.example.org\t70\r\n"
   b"0About this server\t/about.txt\tgopher.example.org\t70\r\n"
   b".\r\n")
# BSD r-commands refusing a client (rcmd(3): a \1 byte, then the error
# text and a newline), as netkit's rshd and rlogind word it.
fx("rsh-denied", b"\x01Permission denied.\n")
fx("rlogin-denied", b"\x01Permission denied.\r\n")
# A SIP answer to OPTIONS (RFC 3261 7.2, 20.35) from a server that is not
# kamailio: the softmatch names sip, the recognisers the product.
fx("sip-other", b"SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP fathom.invalid\r\n"
   b"CSeq: 1 OPTIONS\r\nServer: Example PBX 1.0\r\nContent-Length: 0\r\n\r\n")
# Not SIP: an HTTP status line is not a SIP one.
fx("sip-not", b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

if __name__ == "__main__":
    for name, data in sorted(F.items()):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        print("%-28s %4d bytes" % (name, len(data)))
