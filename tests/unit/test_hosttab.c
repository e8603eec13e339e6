/* test_hosttab.c -- the host table: sparse records, slices, services, the walk. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/cli.h"
#include "engine/core/hostiter.h"
#include "engine/core/hosttab.h"
#include "harness.h"

static struct addr ip(const char *s)
{
	struct addr a = { 0 };

	addr_parse(s, &a);
	return a;
}

static struct port_result pr(const char *addr, const char *from, uint16_t port,
			     int state, int reason, uint32_t rtt_us)
{
	struct port_result r = {
		.addr = ip(addr),
		.from = ip(from),
		.rtt_us = rtt_us,
		.port = port,
		.proto = IPPROTO_TCP,
		.state = (uint8_t)state,
		.reason = (uint8_t)reason,
		.ttl = 64,
	};

	return r;
}

int main(void)
{
	/* Sorted by address then port, as results_sorted() gives them. */
	struct port_result res[] = {
		pr("198.18.0.5", "198.18.0.5", 22, PS_OPEN, RS_SYN_ACK, 300),
		pr("198.18.0.5", "198.18.0.5", 80, PS_CLOSED, RS_RESET, 100),
		/* Only a router answered for .7: not up by itself. */
		pr("198.18.0.7", "198.18.0.1", 22, PS_FILTERED, RS_HOST_UNREACH,
		   0),
		pr("198.18.0.9", "198.18.0.9", 80, PS_OPEN, RS_SYN_ACK, 200),
	};
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0x0b };
	char *argv[] = { "fathom", "-p22,80", "198.18.0.0/24", NULL };
	const char *dir = getenv("FATHOM_SRCDIR");
	char datadir[1100];
	struct scan_opts o;

	/* The port table cli_parse() loads: the source tree's. */
	snprintf(datadir, sizeof(datadir), "%s/probes", dir ? dir : ".");
	setenv("FATHOM_DATADIR", datadir, 1);
	if (cli_parse(3, argv, &o) != 0)
		return 1;

	CASE("only hosts something was said about get a record")
	{
		struct hosttab *t = hosttab_new(100, 10000, NULL);
		struct addr b = ip("198.18.0.11");

		hosttab_set_ports(t, res, 4, 0);
		CHECK_EQ_U(hosttab_count(t), 3);
		CHECK(hosttab_find(t, &b) == NULL);
		hosttab_set_mac(t, &b, mac);
		CHECK_EQ_U(hosttab_count(t), 4);
		CHECK(hosttab_find(t, &b) != NULL);
		/* Address order whatever the order of the writes. */
		for (size_t i = 1; i < hosttab_count(t); i++)
			CHECK(addr_cmp(&hosttab_at(t, i - 1)->addr,
				       &hosttab_at(t, i)->addr) < 0);
		hosttab_free(t);
	}

	CASE("ports: each host's slice, why it is up, latency and <times>")
	{
		struct hosttab *t = hosttab_new(0, 10000, NULL);
		struct addr a5 = ip("198.18.0.5"), a7 = ip("198.18.0.7");
		const struct hosttab_host *h;

		hosttab_set_ports(t, res, 4, 0);
		h = hosttab_find(t, &a5);
		CHECK(h != NULL);
		if (h == NULL)
			break;
		CHECK_EQ_U(h->nres, 2);
		CHECK(h->res == &res[0]);
		CHECK_EQ_U(h->why, HI_WHY_REPLY);
		CHECK_STR(h->reason, "syn-ack");
		CHECK_EQ_U(h->rtt_us, 100);
		/* 300, then 100: srtt 275, rttvar 150 + 200 -> (3*150+200)/4. */
		CHECK_EQ_U(h->srtt_us, 275);
		CHECK_EQ_U(h->rttvar_us, 162);
		CHECK_EQ_U(h->to_us, 275 + 4 * 162);
		h = hosttab_find(t, &a7);
		CHECK(h != NULL && h->why == HI_WHY_NONE && h->to_us == -1);
		hosttab_free(t);
		/* The timeout within --min-rtt-timeout (100 ms here). */
		t = hosttab_new(100, 10000, NULL);
		hosttab_set_ports(t, res, 4, 0);
		CHECK_EQ_U(hosttab_find(t, &a5)->to_us, 100000);
		hosttab_free(t);
	}

	CASE("a MAC makes it up by ARP; -Pn by user-set")
	{
		struct hosttab *t = hosttab_new(100, 10000, NULL);
		struct addr a7 = ip("198.18.0.7");

		hosttab_set_mac(t, &a7, mac);
		hosttab_set_ports(t, res, 4, 0);
		CHECK_STR(hosttab_find(t, &a7)->reason, "arp-response");
		hosttab_free(t);
		t = hosttab_new(100, 10000, NULL);
		hosttab_set_ports(t, res, 4, 1);
		CHECK_STR(hosttab_find(t, &a7)->reason, "user-set");
		hosttab_free(t);
	}

	CASE("services keyed by (protocol, port): sorted, replaced")
	{
		struct hosttab *t = hosttab_new(100, 10000, NULL);
		struct addr a5 = ip("198.18.0.5");
		const struct svc_result *x = (const void *)&res[0];
		const struct svc_result *y = (const void *)&res[1];
		const struct hosttab_host *h;

		hosttab_set_service(t, &a5, IPPROTO_TCP, 80, x);
		hosttab_set_service(t, &a5, IPPROTO_TCP, 22, x);
		hosttab_set_service(t, &a5, IPPROTO_UDP, 22, x);
		hosttab_set_service(t, &a5, IPPROTO_TCP, 80, y);
		h = hosttab_find(t, &a5);
		CHECK(h != NULL && h->nsvc == 3);
		if (h == NULL)
			break;
		CHECK(hosttab_service(h, IPPROTO_TCP, 80) == y);
		CHECK(hosttab_service(h, IPPROTO_TCP, 22) == x);
		CHECK(hosttab_service(h, IPPROTO_UDP, 22) == x);
		CHECK(hosttab_service(h, IPPROTO_UDP, 80) == NULL);
		CHECK(hosttab_service(NULL, IPPROTO_TCP, 80) == NULL);
		hosttab_free(t);
	}

	CASE("the walk: hosts up from the table, rows for every port")
	{
		struct hosttab *t = hosttab_new(100, 10000, NULL);
		struct hostiter *it;
		const struct hostiter_host *h;
		int n = 0;

		hosttab_set_ports(t, res, 4, 0);
		CHECK_EQ_U(hostiter_count_up(t, &o), 2);
		it = hostiter_new(t, &o);
		while ((h = hostiter_next(it)) != NULL) {
			n++;
			CHECK_EQ_U(h->nrows, 2);
			CHECK(h->rec != NULL);
		}
		hostiter_free(it);
		CHECK_EQ_U(n, 2);
		hosttab_free(t);
	}

	cli_free(&o);
	return DONE();
}
