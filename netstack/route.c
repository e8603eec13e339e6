/* route.c -- the kernel's answer to "how would you reach this address". */
#include "netstack/route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <unistd.h>

static void ip_str(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &in, buf, (socklen_t)len);
}

int route_iface(const char *ifname, struct route_hop *out, char *err,
		size_t errlen)
{
	struct ifreq ifr;
	struct ifaddrs *ifa, *it;
	int fd, found = 0;

	if (strlen(ifname) >= IF_NAMESIZE) {
		snprintf(err, errlen, "interface name '%s' is too long",
			 ifname);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		snprintf(err, errlen, "interface %s: %s", ifname,
			 strerror(errno));
		close(fd);
		return -1;
	}
	out->ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 || !(ifr.ifr_flags & IFF_UP) ||
	    !(ifr.ifr_flags & IFF_RUNNING)) {
		snprintf(err, errlen, "interface %s is down", ifname);
		close(fd);
		return -1;
	}
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		snprintf(err, errlen, "interface %s: no hardware address: %s",
			 ifname, strerror(errno));
		close(fd);
		return -1;
	}
	memcpy(out->if_mac, ifr.ifr_hwaddr.sa_data, 6);
	out->mtu = ioctl(fd, SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : 1500;
	close(fd);
	snprintf(out->ifname, sizeof(out->ifname), "%s", ifname);

	if (out->src == 0 && getifaddrs(&ifa) == 0) {
		for (it = ifa; it && !found; it = it->ifa_next) {
			if (it->ifa_addr == NULL ||
			    it->ifa_addr->sa_family != AF_INET ||
			    strcmp(it->ifa_name, ifname) != 0)
				continue;
			out->src = ntohl(((struct sockaddr_in *)it->ifa_addr)
						 ->sin_addr.s_addr);
			found = 1;
		}
		freeifaddrs(ifa);
	}
	return 0;
}

/* Interface that owns addr, from getifaddrs. */
static int iface_of_addr(uint32_t addr, char *name, size_t len)
{
	struct ifaddrs *ifa, *it;
	int found = 0;

	if (getifaddrs(&ifa) != 0)
		return 0;
	for (it = ifa; it; it = it->ifa_next) {
		if (it->ifa_addr == NULL || it->ifa_addr->sa_family != AF_INET)
			continue;
		if (ntohl(((struct sockaddr_in *)it->ifa_addr)
				  ->sin_addr.s_addr) == addr) {
			snprintf(name, len, "%s", it->ifa_name);
			found = 1;
			break;
		}
	}
	freeifaddrs(ifa);
	return found;
}

int route_is_local_addr(uint32_t addr)
{
	char name[IF_NAMESIZE];

	return iface_of_addr(addr, name, sizeof(name));
}

/*
 * Longest-prefix match over /proc/net/route (the main table; the values are
 * little-endian hex words as the kernel prints them on x86 and arm).
 */
static int lpm_gateway(uint32_t dst, const char *ifname, uint32_t *gw,
		       char *dev, size_t devlen)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], iface[IF_NAMESIZE + 48];
	unsigned int d, g, flags, refcnt, use, metric, mask;
	int best_len = -1;

	if (f == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) == NULL) { /* header */
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		int plen;
		uint32_t hd, hm;

		if (sscanf(line, "%63s %x %x %x %u %u %u %x", iface, &d, &g,
			   &flags, &refcnt, &use, &metric, &mask) != 8)
			continue;
		if (!(flags & 0x1)) /* RTF_UP */
			continue;
		if (ifname && strcmp(iface, ifname) != 0)
			continue;
		hd = ntohl(d);
		hm = ntohl(mask);
		if ((dst & hm) != hd)
			continue;
		plen = __builtin_popcount(hm);
		if (plen > best_len) {
			best_len = plen;
			*gw = (flags & 0x2) ? ntohl(g) : 0; /* RTF_GATEWAY */
			if (strlen(iface) < devlen)
				memcpy(dev, iface, strlen(iface) + 1);
		}
	}
	fclose(f);
	return best_len >= 0 ? 0 : -1;
}

int route_source(const struct addr *dst, const char *ifname, struct addr *src,
		 char *err, size_t errlen)
{
	struct sockaddr_storage sa;
	socklen_t slen = sizeof(sa);
	char d[ADDR_STRLEN];
	size_t len =
		addr_to_sockaddr(dst, 9, (struct sockaddr *)&sa, sizeof(sa));
	int fd = socket(addr_is_v6(dst) ? AF_INET6 : AF_INET,
			SOCK_DGRAM | SOCK_CLOEXEC, 0);

	addr_format(dst, d);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
				 (socklen_t)strlen(ifname)) < 0) {
		snprintf(err, errlen, "interface %s: %s", ifname,
			 strerror(errno));
		close(fd);
		return -1;
	}
	/* A UDP connect only consults the routing table; nothing is sent. */
	if (connect(fd, (struct sockaddr *)&sa, (socklen_t)len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &slen) < 0 ||
	    addr_from_sockaddr((struct sockaddr *)&sa, src, NULL) < 0) {
		snprintf(err, errlen, "no route to %s (%s)", d,
			 strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int route_get(uint32_t dst, const char *ifname, struct route_hop *out,
	      char *err, size_t errlen)
{
	struct addr d4 = addr_from_v4(dst), src;
	char dstr[INET_ADDRSTRLEN], dev[IF_NAMESIZE] = "";
	uint32_t gw = 0;

	memset(out, 0, sizeof(*out));
	ip_str(dst, dstr, sizeof(dstr));
	if (route_source(&d4, ifname, &src, err, errlen) < 0)
		return -1;
	out->src = addr_v4(&src);
	if (lpm_gateway(dst, ifname, &gw, dev, sizeof(dev)) < 0) {
		/* Local-table only (our own address): no usable route. */
		if (ifname == NULL &&
		    iface_of_addr(out->src, dev, sizeof(dev)) == 0) {
			snprintf(err, errlen, "no route to %s", dstr);
			return -1;
		}
		if (ifname)
			snprintf(dev, sizeof(dev), "%s", ifname);
	}
	if (dst == out->src || route_is_local_addr(dst)) {
		snprintf(err, errlen,
			 "%s is an address of this host; raw scans need a "
			 "remote target",
			 dstr);
		return -1;
	}
	out->gateway = gw;
	if (route_iface(dev, out, err, errlen) < 0)
		return -1;
	out->saddr = addr_from_v4(out->src);
	if (gw)
		out->gw = addr_from_v4(gw);
	return 0;
}

static int cmp_mask(const void *a, const void *b)
{
	const struct route_entry *x = a, *y = b;
	int lx = __builtin_popcount(x->mask), ly = __builtin_popcount(y->mask);

	return ly - lx;
}

int route_table_load(const char *ifname, struct route_table *rt, char *err,
		     size_t errlen)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], iface[64];
	unsigned int d, g, flags, refcnt, use, metric, mask;
	size_t cap = 0;

	rt->e = NULL;
	rt->n = 0;
	if (f == NULL) {
		snprintf(err, errlen, "/proc/net/route: %s", strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL) {
		fclose(f);
		snprintf(err, errlen, "/proc/net/route: empty");
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %x %x %x %u %u %u %x", iface, &d, &g,
			   &flags, &refcnt, &use, &metric, &mask) != 8)
			continue;
		if (!(flags & 0x1) || strcmp(iface, ifname) != 0)
			continue;
		if (rt->n == cap) {
			struct route_entry *ne;

			cap = cap ? cap * 2 : 8;
			ne = realloc(rt->e, cap * sizeof(*ne));
			if (ne == NULL) {
				fclose(f);
				route_table_free(rt);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			rt->e = ne;
		}
		rt->e[rt->n].prefix = ntohl(d);
		rt->e[rt->n].mask = ntohl(mask);
		rt->e[rt->n].gateway = (flags & 0x2) ? ntohl(g) : 0;
		rt->n++;
	}
	fclose(f);
	/* An interface without routes (-e lo) leaves e NULL: qsort's base
	 * must not be NULL even for zero elements (UBSan). */
	if (rt->n > 1)
		qsort(rt->e, rt->n, sizeof(*rt->e), cmp_mask);
	return 0;
}

void route_table_free(struct route_table *rt)
{
	free(rt->e);
	rt->e = NULL;
	rt->n = 0;
}
