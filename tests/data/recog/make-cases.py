#!/usr/bin/env python3
"""Writes the recogniser cases next to this script (tests/unit/test_recog.c).

cap-*.bin are copies of replies the lab's daemons sent (../banners/svc-*,
captured by tools/capture-banners) or of the synthetic fixtures there
(../banners/syn-*). syn-*.bin are written here by hand from each
protocol's published format (reference per case); no server sent them.
cap-lab2-*.bin and cap-lab3-*.bin are not written here: they are
replies of the lab's fx-svc2 and fx-svc3 captured on 2026-12-04 (see
expected.txt). Rerunning this script
must reproduce the committed files byte for byte.
"""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
BANNERS = os.path.join(HERE, "..", "banners")
F = {}

COPIES = {
    "cap-ssh-openssh": "svc-22-NULL", "cap-ftp-vsftpd": "svc-21-NULL",
    "cap-smtp-postfix": "svc-25-NULL", "cap-pop3-dovecot": "svc-110-NULL",
    "cap-imap-dovecot": "svc-143-NULL", "cap-http-apache": "svc-80-GetRequest",
    "cap-http-nginx": "svc-8080-GetRequest",
    "cap-http-nginx-redisinfo": "svc-8080-RedisInfo",
    "cap-http-apache-plain-to-tls": "svc-443-GetRequest",
    "cap-http-apache-tls": "svc-443-ssl-GetRequest",
    "cap-ssh-stunnel-tls": "svc-2222-ssl-NULL",
    "cap-redis-info": "svc-6379-RedisInfo",
    "cap-memcached-version": "svc-11211-MemcachedVersion",
    "cap-memcached-error": "svc-11211-GenericLines",
    "cap-redis-err-get": "svc-6379-GetRequest",
    "cap-tls-serverhello": "svc-443-TLSClientHello",
    "cap-finger": "svc-79-Finger", "cap-rpcbind": "svc-111-RPCCheck",
    "cap-dns-bind": "svc-53-DNSVersionBindReqTCP",
    "cap-amqp-rabbitmq": "syn-amqp-rabbitmq", "cap-pg-error": "syn-pg-error",
    "cap-pg-trust": "syn-pg-trust", "cap-pg-scram": "syn-pg-scram",
    "cap-mysql": "syn-mysql", "cap-mariadb": "syn-mariadb",
    "cap-mysql-denied": "syn-mysql-denied", "cap-smb2": "syn-smb2",
    "cap-ldap-bind-denied": "syn-ldap-openldap-denied",
    "cap-netbios-negative": "syn-netbios-negative",
    "cap-binary-junk": "syn-binary-junk",
}


def fx(name, data):
    F["syn-%s.bin" % name] = data


# SSH (RFC 4253 4.2); lines before the identification are allowed.
fx("ssh-dropbear", b"SSH-2.0-dropbear_2022.83\r\n")
fx("ssh-freebsd", b"SSH-2.0-OpenSSH_9.7 FreeBSD-20240318\r\n")
fx("ssh-prelines", b"Authorised use only\r\nSSH-2.0-libssh_0.10.5\r\n")
fx("ssh-partial", b"SSH-2.0-OpenSSH_9.6")   # no LF yet: not an answer
fx("ssh-bad-proto", b"SSH-3.0-OpenSSH_9.6\r\n")

# SMTP (RFC 5321 4.2, 4.3.1): "220 domain ESMTP text", multi-line 220-.
fx("smtp-exim", b"220 mail.example.net ESMTP Exim 4.96 Wed, 25 Nov 2026 07:00:00 +0000\r\n")
fx("smtp-sendmail", b"220 mx.example.org ESMTP Sendmail 8.17.1.9/8.17.1.9; Wed, 25 Nov 2026 07:00:00 GMT\r\n")
fx("smtp-exchange", b"220 EXCH01.corp.example.com Microsoft ESMTP MAIL Service ready at Wed, 25 Nov 2026 07:00:00 +0000\r\n")
fx("smtp-multiline", b"220-mx.example.com ESMTP OpenSMTPD\r\n220 Welcome\r\n")
fx("smtp-unfinished", b"220-mx.example.com ESMTP OpenSMTPD\r\n")
fx("smtp-ready", b"220 mx.example.com ESMTP ready\r\n")
fx("greeting-220-plain", b"220 Welcome\r\n")

# FTP (RFC 959 4.2 reply 220).
fx("ftp-proftpd", b"220 ProFTPD 1.3.8 Server (Debian) [::ffff:198.18.0.10]\r\n")
fx("ftp-pureftpd",
   b"220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------\r\n"
   b"220-You are user number 1 of 50 allowed.\r\n"
   b"220 You will be disconnected after 15 minutes of inactivity.\r\n")
fx("ftp-filezilla", b"220-FileZilla Server 1.8.1\r\n220 Please visit https://filezilla-project.org/\r\n")
fx("ftp-microsoft", b"220 Microsoft FTP Service\r\n")

# POP3 (RFC 1939 4), IMAP (RFC 9051 7.1.1), NNTP (RFC 3977 5.1), IRC.
fx("pop3-qpopper", b"+OK Qpopper (version 4.1.0) at mail.example.com starting.\r\n")
fx("pop3-apop", b"+OK mail.example.com <1896.697170952@mail.example.com>\r\n")
fx("imap-cyrus", b"* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] mail.example.com Cyrus IMAP v3.4.4 server ready\r\n")
fx("nntp-inn", b"200 news.example.com InterNetNews NNRP server INN 2.7.1 ready (posting ok)\r\n")
fx("irc-notice", b":irc.example.net NOTICE * :*** Looking up your hostname...\r\n")
fx("irc-ping-first", b"PING :8F3A21C0\r\n:irc.example.net 001 fathom :Welcome\r\n"
   b":irc.example.net 004 fathom irc.example.net UnrealIRCd-6.1.4 iowrsxzdHtIDRqpWGTSB lvhopsmntikraqbeI\r\n")
fx("irc-ping-only", b"PING :8F3A21C0\r\n")
fx("irc-motd-only", b":irc.example.net 372 fathom :- welcome\r\n")
fx("rsync-bad", b"@RSYNCD: x\n")
fx("mpd-ack", b"ACK [5@0] {} unknown command \"GET\"\n")
fx("nats-no-id", b'INFO {"version":"2.9.10"}\r\n')
fx("irc-notice-auth", b"NOTICE AUTH :*** Processing connection to irc.example.org\r\n")

# Redis RESP (INFO's bulk string; errors), memcached text protocol.
fx("redis-noauth", b"-NOAUTH Authentication required.\r\n")
fx("redis-valkey", b"$120\r\n# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\n"
   b"valkey_version:8.0.1\r\nos:Linux 6.1.0 x86_64\r\n\r\n# Clients\r\n")
fx("redis-unfinished", b"$120\r\n# Server\r\nredis_version:7.2.4\r\n")
fx("memcached-trailing", b"VERSION 1.6.18\r\nERROR\r\n")

# XMPP (RFC 6120 4.2): the receiving entity's stream header.
fx("xmpp-client", b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
   b"xmlns:stream='http://etherx.jabber.org/streams' id='c2s_123' "
   b"from='example.com' version='1.0' xml:lang='en'>")
fx("xmpp-echoed-to", b"<stream:stream xmlns='jabber:client' "
   b"xmlns:stream='http://etherx.jabber.org/streams' from='fathom.invalid' "
   b"version='1.0'><stream:error><host-unknown "
   b"xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
fx("xmpp-other-ns", b"<stream:stream xmlns='urn:example' from='example.com'>")

# HTTP (RFC 9112), RTSP (RFC 7826), SIP (RFC 3261): header blocks.
def hdr(status, *headers, body=b""):
    return status + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body

fx("http-iis", hdr(b"HTTP/1.1 200 OK", b"Content-Length: 0", b"Server: Microsoft-IIS/10.0"))
fx("http-xpowered", hdr(b"HTTP/1.1 200 OK", b"X-Powered-By: PHP/8.2.7", b"Content-Length: 0"))
fx("http-via", hdr(b"HTTP/1.1 502 Bad Gateway", b"Server: squid/5.7", b"Via: 1.1 proxy (squid/5.7)"))
fx("http-win", hdr(b"HTTP/1.1 200 OK", b"Server: Apache/2.4.58 (Win64) OpenSSL/3.1.3"))
fx("http-unfinished", b"HTTP/1.1 200 OK\r\nServer: nginx/1.25.3\r\n")
fx("http-body-server", hdr(b"HTTP/1.1 200 OK", b"Content-Type: text/plain",
                           body=b"Server: fake/1.0\r\n"))
fx("http-echo", b"GET / HTTP/1.0\r\n\r\n")
fx("http-bad-status", hdr(b"HTTP/1.1 2000 OK", b"Server: nginx/1.25.3"))
fx("rtsp-gstreamer", hdr(b"RTSP/1.0 200 OK", b"CSeq: 1", b"Server: GStreamer RTSP server",
                         b"Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"))
fx("sip-asterisk", hdr(b"SIP/2.0 200 OK", b"Via: SIP/2.0/TCP 198.18.0.2:5060;branch=z9hG4bKfathom",
                       b"Server: Asterisk PBX 18.10.0", b"Content-Length: 0"))
fx("sip-kamailio", hdr(b"SIP/2.0 200 OK", b"Server: kamailio (5.6.3 (x86_64/linux))",
                       b"Content-Length: 0"))
fx("sip-useragent", hdr(b"SIP/2.0 404 Not Found", b"User-Agent: FreeSWITCH-mod_sofia/1.10.7-release",
                        b"Content-Length: 0"))

# SOCKS 5 (RFC 1928 3), SOCKS 4 (reply VN 0, CD 90-93).
fx("socks5-noauth", b"\x05\x00")
fx("socks5-userpass", b"\x05\x02")
fx("socks5-echo", b"\x05\x02\x00\x02")
fx("socks4-rejected", b"\x00\x5b\x00\x00\x00\x00\x00\x00")

# Echoes of fathom's own probes (fathom-service-probes): never a name.
fx("echo-amqp", b"AMQP\x00\x00\x09\x01")
fx("echo-x11", b"l\0\x0b\0\0\0\0\0\0\0\0\0")
fx("echo-mqtt", b"\x10\x12\0\x04MQTT\x04\x02\0\x3c\0\x06fathom")

# RFB (RFC 6143 7.1.1).
fx("rfb-38", b"RFB 003.008\n")
fx("rfb-junk", b"RFB 003.00x\n")

# X11 connection setup replies (X Window System Protocol, "Connection Setup").
reason = b"Authorization required, but no authorization protocol specified"
pad = (4 - len(reason) % 4) % 4
fx("x11-denied", struct.pack("<BBHHH", 0, len(reason), 11, 0, (len(reason) + pad) // 4)
   + reason + b"\0" * pad)
vendor = b"The X.Org Foundation"
vpad = (4 - len(vendor) % 4) % 4
body = struct.pack("<IIIIHHBBBBBBBB4x", 12101004, 0x00400000, 0x001fffff, 256,
                   len(vendor), 65535, 1, 7, 0, 0, 32, 32, 8, 255)
body += vendor + b"\0" * vpad
fx("x11-xorg", struct.pack("<BBHHH", 1, 0, 11, 0, len(body) // 4) + body)

# MQTT 3.1.1 3.2 CONNACK.
fx("mqtt-accepted", b"\x20\x02\x00\x00")
fx("mqtt-notauth", b"\x20\x02\x00\x05")

# AMQP 0-9-1: Connection.Start of a non-RabbitMQ broker; 1.0 header.
def longstr(k, v):
    return bytes([len(k)]) + k + b"S" + struct.pack(">I", len(v)) + v

props = longstr(b"product", b"qpidd") + longstr(b"version", b"1.39.0")
start = struct.pack(">HHBB", 10, 10, 0, 9) + struct.pack(">I", len(props)) + props
start += struct.pack(">I", 5) + b"PLAIN" + struct.pack(">I", 5) + b"en_US"
fx("amqp-qpid", b"\x01\x00\x00" + struct.pack(">I", len(start)) + start + b"\xce")
fx("amqp-10", b"AMQP\x00\x01\x00\x00")

# PostgreSQL protocol 3 (55.7): AuthenticationMD5Password.
fx("pg-md5", b"R\0\0\0\x0c\0\0\0\x05\x01\x02\x03\x04")

# MySQL truncated handshake: not all there yet.
fx("mysql-truncated", b"\x5b\0\0\0\x0a8.0.36\0\x2a\0\0\0abcd")

# LDAP (RFC 4511 4.5.2): root DSE entries for our messageID 7, then Done.
def ber(tag, content):
    n = len(content)
    if n < 128:
        return bytes([tag, n]) + content
    return bytes([tag, 0x82]) + struct.pack(">H", n) + content

def attr(name, value):
    return ber(0x30, ber(0x04, name) + ber(0x31, ber(0x04, value)))

def entry(mid, attrs):
    e = ber(0x30, ber(0x02, bytes([mid])) + ber(0x64, ber(0x04, b"") + ber(0x30, attrs)))
    done = ber(0x30, ber(0x02, bytes([mid])) + ber(0x65, b"\x0a\x01\x00\x04\x00\x04\x00"))
    return e + done

fx("ldap-389", entry(7, attr(b"vendorName", b"389 Project") +
                     attr(b"vendorVersion", b"389-Directory/2.4.5 B2024.010.0000")))
fx("ldap-ad", entry(7, attr(b"dnsHostName", b"dc01.corp.example.com")))
fx("ldap-other-id", entry(3, attr(b"vendorName", b"389 Project")))
fx("ldap-truncated", entry(7, attr(b"vendorName", b"389 Project"))[:20])

# SMB1 NEGOTIATE response without extended security (MS-CIFS 2.2.4.52.2):
# Unicode domain and server names after an 8-byte challenge.
smb = b"\xffSMB\x72" + b"\0" * 4 + b"\x98" + struct.pack("<H", 0xc001) + b"\0" * 20
words = struct.pack("<HBHHIIII", 0, 3, 50, 1, 16644, 65536, 0, 0x0000e3fd)
words += b"\0" * 8 + struct.pack("<hB", 0, 8)
names = "WORKGROUP\0FILESRV\0".encode("utf-16-le")
smb += bytes([17]) + words + struct.pack("<H", 8 + len(names)) + b"\x11" * 8 + names
fx("smb1-names", b"\0" + struct.pack(">I", len(smb))[1:] + smb)


def main():
    for name, src in sorted(COPIES.items()):
        shutil.copyfile(os.path.join(BANNERS, src + ".bin"),
                        os.path.join(HERE, name + ".bin"))
    for name, data in sorted(F.items()):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
