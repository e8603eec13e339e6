/* pktio.c -- raw frame I/O on one interface: libnet out, libpcap in. */
#include "netstack/pktio.h"

#include <errno.h>
#include <libnet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "netstack/arpd.h"
#include "netstack/craft.h"
#include "netstack/nd.h"
#include "netstack/route.h"

/*
 * 8 MiB of capture ring: ~100k small replies of slack at wire speed and a
 * fixed part of the 32 MB memory budget whatever the number of targets.
 */
#define PKTIO_RING (8 << 20)
#define PKTIO_MAXBATCH 256
/*
 * Not immediate mode: the kernel hands over a ring block when it is full
 * or PKTIO_BLOCK_MS old. Waking the reader for every frame cost more than
 * half the sweep's time at 250 kpps; 2 ms of delivery delay costs nothing
 * (RTTs come from the kernel's arrival timestamps).
 */
#define PKTIO_BLOCK_MS 2

struct pktio {
	libnet_t *ln;
	int fd;
	struct sockaddr_ll to, to6; /* ETH_P_IP, ETH_P_IPV6 */
	pcap_t *pc;
	int pfd;
	char *bpf;         /* the caller's filter */
	char *active;      /* bpf, widened for ARP/ND when answering them */
	uint32_t arp_addr; /* answer ARP for it (0: no) */
	uint8_t arp_mac[6];
	uint64_t arp_answered;
	struct addr nd_addr; /* answer NS for it (family 0: no) */
	uint8_t nd_mac[6];
	uint64_t nd_answered;
};

/*
 * libnet's AF_PACKET socket is opened for ETH_P_ALL, so the kernel would
 * queue a copy of every frame on the wire to it and nobody reads them.
 * A filter that accepts nothing stops that cost without touching sends.
 */
static int drop_all_input(int fd)
{
	struct sock_filter code[] = { { 0x06, 0, 0, 0 } }; /* ret #0 */
	struct sock_fprog prog = { .len = 1, .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			  sizeof(prog));
}

/* Installs filter f (a pcap expression) on the capture. */
static int set_filter(struct pktio *io, const char *f, char *err, size_t errlen)
{
	struct bpf_program prog;

	if (pcap_compile(io->pc, &prog, f, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "pcap filter '%s': %s", f,
			 pcap_geterr(io->pc));
		return -1;
	}
	if (pcap_setfilter(io->pc, &prog) != 0) {
		snprintf(err, errlen, "pcap filter: %s", pcap_geterr(io->pc));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

/* The sending side: libnet's socket on ifname (index ifindex). */
static int open_sender(struct pktio *io, const char *ifname, int ifindex,
		       char *err, size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	int sndbuf = 4 << 20;

	ebuf[0] = '\0';
	io->ln = libnet_init(LIBNET_LINK_ADV, ifname, ebuf);
	if (io->ln == NULL) {
		snprintf(err, errlen, "libnet on %s: %s", ifname,
			 ebuf[0] ? ebuf : "cannot open");
		return -1;
	}
	io->fd = libnet_getfd(io->ln);
	drop_all_input(io->fd);
	setsockopt(io->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	/*
	 * PACKET_QDISC_BYPASS would be faster but hides every probe from
	 * tcpdump on the scanning host; being observable wins.
	 */
	io->to.sll_family = AF_PACKET;
	io->to.sll_ifindex = ifindex;
	io->to.sll_protocol = htons(ETH_P_IP);
	io->to.sll_halen = 6;
	io->to6 = io->to;
	io->to6.sll_protocol = htons(ETH_P_IPV6);
	return 0;
}

/* The receiving side: an inbound, non-blocking capture on ifname. */
static int open_capture(struct pktio *io, const char *ifname, int snaplen,
			char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];

	io->pc = pcap_create(ifname, ebuf);
	if (io->pc == NULL) {
		snprintf(err, errlen, "pcap on %s: %s", ifname, ebuf);
		return -1;
	}
	if (pcap_set_snaplen(io->pc, snaplen) != 0 ||
	    pcap_set_immediate_mode(io->pc, 0) != 0 ||
	    pcap_set_timeout(io->pc, PKTIO_BLOCK_MS) != 0 ||
	    pcap_set_buffer_size(io->pc, PKTIO_RING) != 0 ||
	    pcap_set_promisc(io->pc, 0) != 0) {
		snprintf(err, errlen, "pcap on %s: cannot configure", ifname);
		return -1;
	}
	if (pcap_activate(io->pc) < 0) {
		snprintf(err, errlen, "pcap on %s: %s", ifname,
			 pcap_geterr(io->pc));
		return -1;
	}
	if (pcap_datalink(io->pc) != DLT_EN10MB) {
		snprintf(err, errlen, "pcap on %s: not an Ethernet interface",
			 ifname);
		return -1;
	}
	if (pcap_setdirection(io->pc, PCAP_D_IN) != 0 ||
	    pcap_setnonblock(io->pc, 1, ebuf) != 0) {
		snprintf(err, errlen, "pcap on %s: %s", ifname,
			 pcap_geterr(io->pc));
		return -1;
	}
	return 0;
}

struct pktio *pktio_open(const char *ifname, const char *bpf, int snaplen,
			 char *err, size_t errlen)
{
	struct pktio *io = calloc(1, sizeof(*io));
	struct route_hop hop;

	if (io == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	io->fd = -1;
	memset(&hop, 0, sizeof(hop));
	if (route_iface(ifname, &hop, err, errlen) < 0 ||
	    open_sender(io, ifname, hop.ifindex, err, errlen) < 0 ||
	    open_capture(io, ifname, snaplen, err, errlen) < 0 ||
	    set_filter(io, bpf, err, errlen) < 0)
		goto fail;
	io->bpf = strdup(bpf);
	if (io->bpf == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	io->pfd = pcap_get_selectable_fd(io->pc);
	return io;
fail:
	pktio_close(io);
	return NULL;
}

void pktio_close(struct pktio *io)
{
	if (io == NULL)
		return;
	if (io->pc)
		pcap_close(io->pc);
	if (io->ln)
		libnet_destroy(io->ln);
	free(io->bpf);
	free(io->active);
	free(io);
}

void *pktio_libnet(struct pktio *io)
{
	return io->ln;
}

int pktio_send(struct pktio *io, const struct iovec *frames, unsigned n)
{
	struct mmsghdr msg[PKTIO_MAXBATCH];
	unsigned i, done = 0;

	while (done < n) {
		unsigned k = n - done > PKTIO_MAXBATCH ? PKTIO_MAXBATCH
						       : n - done;
		int r;

		memset(msg, 0, sizeof(msg[0]) * k);
		for (i = 0; i < k; i++) {
			const struct iovec *v = &frames[done + i];
			const uint8_t *f = v->iov_base;
			int six = v->iov_len >= 14 && f[12] == 0x86 &&
				  f[13] == 0xdd;

			msg[i].msg_hdr.msg_iov = (struct iovec *)v;
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_name = six ? &io->to6 : &io->to;
			msg[i].msg_hdr.msg_namelen = sizeof(io->to);
		}
		r = sendmmsg(io->fd, msg, k, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENOBUFS)
				return (int)done;
			return done ? (int)done : -1;
		}
		done += (unsigned)r;
		if ((unsigned)r < k)
			break;
	}
	return (int)done;
}

/*
 * The caller's filter widened by the clauses of the answering modes on
 * (ARP first, so an ARP-only filter reads as it always did), installed
 * and kept as the one pktio_resume() restores.
 */
static int widen(struct pktio *io, char *err, size_t errlen)
{
	char arp[96] = "", nd[2 * ADDR_STRLEN + 96] = "";
	size_t n;
	char *f;

	if (io->arp_addr)
		snprintf(arp, sizeof(arp),
			 "(arp and arp[6:2] = 1 and arp[24:4] = 0x%08x) or ",
			 io->arp_addr);
	if (io->nd_addr.family == ADDR_V6) {
		char a[ADDR_STRLEN], g[ADDR_STRLEN];
		struct addr grp = craft_nd_group(&io->nd_addr);

		snprintf(nd, sizeof(nd),
			 "(icmp6 and ip6[40] = 135 and (ip6 dst host %s or "
			 "ip6 dst host %s)) or ",
			 addr_format(&grp, g), addr_format(&io->nd_addr, a));
	}
	n = strlen(arp) + strlen(nd) + strlen(io->bpf) + 3;
	f = malloc(n);
	if (f == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(f, n, "%s%s(%s)", arp, nd, io->bpf);
	if (set_filter(io, f, err, errlen) < 0) {
		free(f);
		return -1;
	}
	free(io->active);
	io->active = f;
	return 0;
}

int pktio_answer_arp(struct pktio *io, uint32_t addr, const uint8_t mac[6],
		     char *err, size_t errlen)
{
	uint32_t old = io->arp_addr;

	io->arp_addr = addr;
	if (widen(io, err, errlen) < 0) {
		io->arp_addr = old;
		return -1;
	}
	memcpy(io->arp_mac, mac, 6);
	return 0;
}

int pktio_answer_nd(struct pktio *io, const struct addr *addr,
		    const uint8_t mac[6], char *err, size_t errlen)
{
	struct addr old = io->nd_addr;

	if (!addr_is_v6(addr)) {
		snprintf(err, errlen,
			 "neighbour discovery needs an IPv6 "
			 "address");
		return -1;
	}
	io->nd_addr = *addr;
	if (widen(io, err, errlen) < 0) {
		io->nd_addr = old;
		return -1;
	}
	memcpy(io->nd_mac, mac, 6);
	return 0;
}

/* Appends "or NAME" to a BPF protocol list (NAME alone when it is empty). */
static void or_proto(char *list, size_t size, const char *name)
{
	size_t n = strlen(list);

	snprintf(list + n, size - n, "%s%s", n ? " or " : "", name);
}

int pktio_filter6(char *buf, size_t len, const struct addr *our, unsigned what)
{
	char a[ADDR_STRLEN], g[ADDR_STRLEN], proto[64] = "";
	struct addr grp;
	int n;

	if (!addr_is_v6(our) || !(what & (PKTIO_F6_TCP | PKTIO_F6_UDP |
					  PKTIO_F6_ICMP6 | PKTIO_F6_ND)))
		return -1;
	grp = craft_nd_group(our);
	addr_format(our, a);
	addr_format(&grp, g);
	if (what & PKTIO_F6_TCP)
		or_proto(proto, sizeof(proto), "tcp");
	if (what & PKTIO_F6_UDP)
		or_proto(proto, sizeof(proto), "udp");
	if (what & PKTIO_F6_ICMP6)
		or_proto(proto, sizeof(proto), "icmp6");
	if (proto[0] && (what & PKTIO_F6_ND))
		n = snprintf(buf, len,
			     "(ip6 dst host %s and (%s)) or (icmp6 and "
			     "(ip6[40] = 135 or ip6[40] = 136) and "
			     "(ip6 dst host %s or ip6 dst host %s))",
			     a, proto, a, g);
	else if (proto[0])
		n = snprintf(buf, len, "(ip6 dst host %s and (%s))", a, proto);
	else
		n = snprintf(buf, len,
			     "(icmp6 and (ip6[40] = 135 or ip6[40] = 136) and "
			     "(ip6 dst host %s or ip6 dst host %s))",
			     a, g);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int pktio_pause(struct pktio *io, char *err, size_t errlen)
{
	/* "len <= 0" holds for no frame: the kernel queues nothing. */
	return set_filter(io, "less 0", err, errlen);
}

static void discard(const uint8_t *frame, size_t caplen, uint64_t ts, void *arg)
{
	(void)frame;
	(void)caplen;
	(void)ts;
	(void)arg;
}

int pktio_resume(struct pktio *io, char *err, size_t errlen)
{
	if (set_filter(io, io->active ? io->active : io->bpf, err, errlen) < 0)
		return -1;
	/*
	 * What is queued arrived before the phase sent anything: an earlier
	 * phase's or group's late replies. ARP requests among them are still
	 * answered by pktio_dispatch().
	 */
	while (pktio_dispatch(io, -1, discard, NULL) > 0)
		;
	return 0;
}

uint64_t pktio_arp_answered(const struct pktio *io)
{
	return io->arp_answered;
}

uint64_t pktio_nd_answered(const struct pktio *io)
{
	return io->nd_answered;
}

struct dispatch_ctx {
	struct pktio *io;
	pktio_cb cb;
	void *arg;
};

static void on_pcap(u_char *user, const struct pcap_pkthdr *h,
		    const u_char *bytes)
{
	struct dispatch_ctx *c = (struct dispatch_ctx *)user;
	struct pktio *io = c->io;
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull +
		      (uint64_t)h->ts.tv_usec * 1000ull;

	/* An ARP request for our -S address never reaches the caller. */
	if (io->arp_addr && h->caplen >= 42 && bytes[12] == 0x08 &&
	    bytes[13] == 0x06) {
		uint8_t reply[ARPD_FRAME_LEN];
		struct iovec iov = { reply, sizeof(reply) };

		if (arpd_reply(bytes, h->caplen, io->arp_addr, io->arp_mac,
			       reply)) {
			if (pktio_send(io, &iov, 1) == 1)
				io->arp_answered++;
			return;
		}
	}
	/* Nor does a neighbour solicitation for our -S IPv6 address. */
	if (io->nd_addr.family == ADDR_V6 && h->caplen >= 78 &&
	    bytes[12] == 0x86 && bytes[13] == 0xdd) {
		uint8_t reply[ND_FRAME_LEN];
		struct iovec iov = { reply, sizeof(reply) };

		if (nd_reply(bytes, h->caplen, &io->nd_addr, io->nd_mac,
			     reply)) {
			if (pktio_send(io, &iov, 1) == 1)
				io->nd_answered++;
			return;
		}
	}
	c->cb(bytes, h->caplen, ts, c->arg);
}

int pktio_dispatch(struct pktio *io, int max, pktio_cb cb, void *arg)
{
	struct dispatch_ctx c = { io, cb, arg };
	int n = pcap_dispatch(io->pc, max > 0 ? max : -1, on_pcap,
			      (u_char *)&c);

	return n == PCAP_ERROR ? -1 : n < 0 ? 0 : n;
}

int pktio_wait(struct pktio *io, int timeout_ms)
{
	struct pollfd p = { .fd = io->pfd, .events = POLLIN };

	if (io->pfd < 0) {
		struct timespec ts = { 0, (long)timeout_ms * 1000000L };

		nanosleep(&ts, NULL);
		return 1;
	}
	return poll(&p, 1, timeout_ms) > 0;
}

uint64_t pktio_drops(struct pktio *io)
{
	struct pcap_stat st;

	if (pcap_stats(io->pc, &st) != 0)
		return 0;
	return st.ps_drop;
}
