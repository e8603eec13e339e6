/* route6.c -- the kernel's IPv6 route to an address; one interface's routes. */
#include "netstack/route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netstack/base/util.h"

int route_is_local(const struct addr *addr)
{
	struct ifaddrs *ifa, *it;
	int found = 0;

	if (!addr_is_v6(addr))
		return route_is_local_addr(addr_v4(addr));
	if (getifaddrs(&ifa) != 0)
		return 0;
	for (it = ifa; it && !found; it = it->ifa_next) {
		struct addr a;

		if (it->ifa_addr && it->ifa_addr->sa_family == AF_INET6 &&
		    addr_from_sockaddr(it->ifa_addr, &a, NULL) == 0)
			found = addr_eq(&a, addr);
	}
	freeifaddrs(ifa);
	return found;
}

/* The answer to one RTM_GETROUTE. */
struct nl_route {
	int type; /* RTN_UNICAST, RTN_LOCAL, ... */
	int oif;
	struct addr gw; /* family 0: none */
};

/* Reads the RTM_NEWROUTE (or error) in buf; 0, or -errno / -ENOENT. */
static int nl_parse(const uint8_t *buf, size_t len, struct nl_route *r)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;

	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		const struct rtmsg *rm = NLMSG_DATA(h);
		const struct rtattr *a;
		size_t alen;

		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EIO;
			return e->error ? e->error : -ENOENT;
		}
		if (h->nlmsg_type != RTM_NEWROUTE ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(*rm)))
			continue;
		r->type = rm->rtm_type;
		alen = RTM_PAYLOAD(h);
		for (a = RTM_RTA(rm); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
			if (a->rta_type == RTA_OIF &&
			    RTA_PAYLOAD(a) >= sizeof(int))
				memcpy(&r->oif, RTA_DATA(a), sizeof(int));
			if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == 16)
				r->gw = addr_from_v6(RTA_DATA(a));
		}
		return 0;
	}
	return -ENOENT;
}

/* Asks the kernel for its route to dst (through oif if nonzero). */
static int nl_getroute6(const struct addr *dst, int oif, struct nl_route *r)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg rm;
		char attrs[64];
	} req;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint8_t buf[4096];
	struct rtattr *a;
	ssize_t n;
	int fd, rc;

	memset(&req, 0, sizeof(req));
	memset(r, 0, sizeof(*r));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.rm));
	req.h.nlmsg_type = RTM_GETROUTE;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.h.nlmsg_seq = 1;
	req.rm.rtm_family = AF_INET6;
	req.rm.rtm_dst_len = 128;
	a = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.h.nlmsg_len));
	a->rta_type = RTA_DST;
	a->rta_len = RTA_LENGTH(16);
	memcpy(RTA_DATA(a), dst->b, 16);
	req.h.nlmsg_len = NLMSG_ALIGN(req.h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	if (oif) {
		a = (struct rtattr *)((char *)&req + req.h.nlmsg_len);
		a->rta_type = RTA_OIF;
		a->rta_len = RTA_LENGTH(sizeof(int));
		memcpy(RTA_DATA(a), &oif, sizeof(int));
		req.h.nlmsg_len += RTA_ALIGN(a->rta_len);
	}
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	do
		n = recv(fd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	rc = n < 0 ? -errno : nl_parse(buf, (size_t)n, r);
	close(fd);
	return rc;
}

int route_get6(const struct addr *dst, const char *ifname,
	       struct route_hop *out, char *err, size_t errlen)
{
	char d[ADDR_STRLEN], dev[IF_NAMESIZE];
	struct nl_route r;
	struct addr src;
	int oif = 0, rc;

	memset(out, 0, sizeof(*out));
	if (!addr_is_v6(dst)) {
		snprintf(err, errlen, "route_get6 needs an IPv6 address");
		return -1;
	}
	addr_format(dst, d);
	if (ifname && (oif = (int)if_nametoindex(ifname)) == 0) {
		snprintf(err, errlen, "interface %s: %s", ifname,
			 strerror(errno));
		return -1;
	}
	if (route_source(dst, ifname, &src, err, errlen) < 0)
		return -1;
	rc = nl_getroute6(dst, oif, &r);
	if (rc < 0) {
		snprintf(err, errlen, "no route to %s (%s)", d, strerror(-rc));
		return -1;
	}
	if (r.type == RTN_LOCAL || addr_eq(dst, &src) || route_is_local(dst)) {
		snprintf(err, errlen,
			 "%s is an address of this host; raw scans need a "
			 "remote target",
			 d);
		return -1;
	}
	if (r.type != RTN_UNICAST || r.oif == 0 ||
	    if_indextoname((unsigned)r.oif, dev) == NULL) {
		snprintf(err, errlen, "no route to %s", d);
		return -1;
	}
	if (route_iface(dev, out, err, errlen) < 0)
		return -1;
	out->saddr = src;
	out->gw = r.gw;
	return 0;
}

int route_get_addr(const struct addr *dst, const char *ifname,
		   struct route_hop *out, char *err, size_t errlen)
{
	if (addr_is_v6(dst))
		return route_get6(dst, ifname, out, err, errlen);
	return route_get(addr_v4(dst), ifname, out, err, errlen);
}

/* 32 hex digits into a (IPv6); 0, or -1. */
static int hex16(const char *s, struct addr *a)
{
	uint8_t b[16];

	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = (uint8_t)v;
	}
	*a = addr_from_v6(b);
	return 0;
}

static int cmp_plen(const void *x, const void *y)
{
	const struct route_entry6 *a = x, *b = y;

	return (int)b->plen - (int)a->plen;
}

/* One /proc/net/ipv6_route line into e if it is a usable route via ifname. */
static int parse_line(const char *line, const char *ifname,
		      struct route_entry6 *e)
{
	char dst[33], src[33], nh[33], dev[IF_NAMESIZE + 16];
	unsigned plen, slen, metric, ref, use, flags;

	if (sscanf(line,
		   "%32[0-9a-f] %x %32[0-9a-f] %x %32[0-9a-f] %x %x %x "
		   "%x %31s",
		   dst, &plen, src, &slen, nh, &metric, &ref, &use, &flags,
		   dev) != 10 ||
	    strlen(dst) != 32 || strlen(nh) != 32 || plen > 128 ||
	    strcmp(dev, ifname) != 0)
		return 0;
	/* Up (0x1), not rejecting (0x200) nor local (0x80000000). */
	if (!(flags & 0x1) || (flags & 0x200) || (flags & 0x80000000u))
		return 0;
	if (hex16(dst, &e->prefix) < 0 || hex16(nh, &e->gw) < 0)
		return 0;
	e->plen = plen;
	e->prefix = addr_prefix_first(&e->prefix, plen);
	if (!(flags & 0x2)) /* RTF_GATEWAY */
		memset(&e->gw, 0, sizeof(e->gw));
	return 1;
}

int route_table6_parse(const char *text, const char *ifname,
		       struct route_table6 *rt, char *err, size_t errlen)
{
	size_t cap = 0;

	rt->e = NULL;
	rt->n = 0;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t l = nl ? (size_t)(nl - text) : strlen(text);
		char line[256];
		struct route_entry6 e;

		if (l < sizeof(line)) {
			memcpy(line, text, l);
			line[l] = '\0';
			if (parse_line(line, ifname, &e)) {
				if (rt->n == cap) {
					struct route_entry6 *ne;

					cap = cap ? cap * 2 : 8;
					ne = realloc(rt->e, cap * sizeof(*ne));
					if (ne == NULL) {
						route_table6_free(rt);
						snprintf(err, errlen,
							 "out of memory");
						return -1;
					}
					rt->e = ne;
				}
				rt->e[rt->n++] = e;
			}
		}
		text += l + (nl != NULL);
	}
	if (rt->n)
		qsort(rt->e, rt->n, sizeof(*rt->e), cmp_plen);
	return 0;
}

int route_table6_load(const char *ifname, struct route_table6 *rt, char *err,
		      size_t errlen)
{
	size_t len = 0;
	/* NUL-terminated; a /proc file is read to EOF, not by its size. */
	char *text = read_file("/proc/net/ipv6_route", (size_t)1 << 20, &len,
			       err, errlen);
	int rc;

	rt->e = NULL;
	rt->n = 0;
	if (text == NULL)
		return -1;
	rc = route_table6_parse(text, ifname, rt, err, errlen);
	free(text);
	return rc;
}

void route_table6_free(struct route_table6 *rt)
{
	free(rt->e);
	rt->e = NULL;
	rt->n = 0;
}

int route_table6_nexthop(const struct route_table6 *rt, const struct addr *addr,
			 struct addr *gw)
{
	if (!addr_is_v6(addr))
		return -1;
	for (size_t i = 0; i < rt->n; i++) {
		struct addr f = addr_prefix_first(addr, rt->e[i].plen);

		if (addr_eq(&f, &rt->e[i].prefix)) {
			*gw = rt->e[i].gw;
			return 0;
		}
	}
	return -1;
}
