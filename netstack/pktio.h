/* pktio.h -- raw frame I/O on one interface: libnet out, libpcap in. */
#ifndef FATHOM_PKTIO_H
#define FATHOM_PKTIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "netstack/addr.h"

struct pktio;

/* A captured frame handed to the caller; bytes valid during the call. */
typedef void (*pktio_cb)(const uint8_t *frame, size_t caplen, uint64_t ts_ns,
			 void *arg);

/*
 * Opens the injection side (a libnet LIBNET_LINK_ADV context; fathom sends
 * libnet's crafted frames through that context's own AF_PACKET socket with
 * sendmmsg for batching) and the capture side (libpcap, inbound only, under the BPF program bpf, keeping snaplen bytes a frame). This is the privileged part of
 * set-up: it needs CAP_NET_RAW and nothing after it does.
 * Returns NULL with err = "libnet: ..." / "pcap: ..." on failure.
 */
struct pktio *pktio_open(const char *ifname, const char *bpf, int snaplen,
			 char *err, size_t errlen);

/* Header-only captures (the sweep): small frames pack the ring densely. */
#define PKTIO_SNAP_HEADERS 256
/* Whole frames (userspace TCP), up to a jumbo frame. */
#define PKTIO_SNAP_FULL 9216
void pktio_close(struct pktio *io); /* accepts NULL */

/*
 * The libnet context, for building frames with libnet_build_*() and
 * libnet_adv_cull_packet(); see netstack/craft.h. Not thread-safe: only
 * set-up code and one sending thread may use it.
 */
void *pktio_libnet(struct pktio *io);

/*
 * Sends n frames in one sendmmsg(2), each tagged with its Ethernet
 * type's protocol (IPv6 frames as ETH_P_IPV6, the rest as ETH_P_IP).
 * Returns how many went out (the kernel may take fewer when its queue is
 * full; the caller retries the rest), or -1 on a hard error.
 */
int pktio_send(struct pktio *io, const struct iovec *frames, unsigned n);

/*
 * Handles up to max captured frames (max <= 0: all that are queued) without
 * blocking. Returns the number handled, or -1 on a capture error.
 */
int pktio_dispatch(struct pktio *io, int max, pktio_cb cb, void *arg);

/* Waits up to timeout_ms for captured frames; 1 if some are ready. */
int pktio_wait(struct pktio *io, int timeout_ms);

/*
 * From now on, ARP requests for addr (host order; an -S address the
 * kernel does not own) are answered "addr is-at mac" inside
 * pktio_dispatch() and not handed to the callback; the capture filter is
 * widened to let them in. Returns 0, or -1 with err.
 */
int pktio_answer_arp(struct pktio *io, uint32_t addr, const uint8_t mac[6],
		     char *err, size_t errlen);
/*
 * The same for IPv6 (-S with an IPv6 address the kernel does not own):
 * neighbour solicitations for addr are answered "addr is-at mac"
 * (nd_reply) inside pktio_dispatch() and not handed to the callback; the
 * filter is widened to let them in (to addr's solicited-node group or
 * to addr itself). Both may be on at once. Returns 0, or -1 with err.
 */
int pktio_answer_nd(struct pktio *io, const struct addr *addr,
		    const uint8_t mac[6], char *err, size_t errlen);

/*
 * Capture filter fragments for IPv6, for the engine to combine with its
 * own (or with IPv4's) by "or". PKTIO_F6_TCP/UDP/ICMP6: IPv6 datagrams
 * of that protocol to our address (protocol as the fixed header's next
 * header: replies with extension headers are not expected). PKTIO_F6_ND:
 * NS and NA to our address or its solicited-node group (next hops'
 * answers, and solicitations of us). Writes a pcap expression into buf
 * and returns its length, or -1 when our is not IPv6, what is 0, or buf
 * is too small (PKTIO_FILTER6_MAX always fits).
 */
#define PKTIO_F6_TCP 0x1
#define PKTIO_F6_UDP 0x2
#define PKTIO_F6_ICMP6 0x4
#define PKTIO_F6_ND 0x8
#define PKTIO_FILTER6_MAX 512
int pktio_filter6(char *buf, size_t len, const struct addr *our, unsigned what);

/*
 * A handle opened at set-up lives for the whole run, idle between the
 * phases that use it. pktio_pause() makes the kernel queue nothing for it
 * (a filter that accepts no frame); pktio_resume() restores its filter
 * (with the ARP widening, if any) and discards what was queued before.
 * Neither needs privileges. Return 0, or -1 with err.
 */
int pktio_pause(struct pktio *io, char *err, size_t errlen);
int pktio_resume(struct pktio *io, char *err, size_t errlen);

/* ARP requests answered so far (for -d). */
uint64_t pktio_arp_answered(const struct pktio *io);
/* Neighbour solicitations answered so far. */
uint64_t pktio_nd_answered(const struct pktio *io);

/* Frames the kernel dropped before libpcap saw them (ring full). */
uint64_t pktio_drops(struct pktio *io);

#endif
