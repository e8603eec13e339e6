/* udpprobe.h -- per-port UDP probe payloads and their reply checks. */
#ifndef FATHOM_UDPPROBE_H
#define FATHOM_UDPPROBE_H

#include <stddef.h>
#include <stdint.h>

/* The largest payload udpprobe_payload() writes. */
#define UDPPROBE_MAX 64

/*
 * Writes the payload -sU sends to port into out (UDPPROBE_MAX bytes) and
 * returns its length; 0 (an empty datagram) for ports without one. tag
 * (the probe's cookie) goes into the protocol's own request ID where it
 * has one (DNS and NetBIOS ID, RPC XID, NTP transmit time, SNMP
 * request-id), so a reply can be checked against the request. Payloads
 * are built from the protocols' specifications: RFC 1035 (DNS, CHAOS TXT
 * version.bind), RFC 5531/1833 (RPC NULL call to rpcbind and NFS),
 * RFC 5905 (NTP client), RFC 1157 (SNMPv1 get sysDescr.0, community
 * "public"), RFC 1002 (NetBIOS NBSTAT).
 */
size_t udpprobe_payload(uint16_t port, uint32_t tag, uint8_t *out);

/*
 * Checks a UDP reply from port to a probe sent with tag: 1 when it echoes
 * the request's ID (or the port's probe has no ID to echo), 0 when it
 * names another request. A pure function of the bytes.
 */
int udpprobe_reply_ok(uint16_t port, uint32_t tag, const uint8_t *p, size_t n);

#endif
