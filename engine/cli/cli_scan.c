/* cli_scan.c -- the scan type options: one TCP type, --scanflags, -sU ports. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/cli/cli_int.h"
#include "netstack/base/util.h"
#include "netstack/packet.h"

/* The options of enum tcp_scan, in its order, for messages. */
static const char *const type_opt[TCP_SCAN_NTYPES] = {
	"-sS", "-sA", "-sW", "-sF", "-sN", "-sX", "-sM", "-sT",
};

/*
 * nmap's flag names, each a bit (ALL and NONE set the whole byte: the
 * last one written wins, as in nmap). RESET and PUSH are nmap's longer
 * spellings.
 */
static const struct {
	const char *name;
	int bits; /* -1: NONE */
} flag_names[] = {
	{ "RESET", PKT_RST }, { "PUSH", PKT_PSH }, { "NONE", -1 },
	{ "ALL", 0xff },      { "FIN", PKT_FIN },  { "SYN", PKT_SYN },
	{ "RST", PKT_RST },   { "PSH", PKT_PSH },  { "ACK", PKT_ACK },
	{ "URG", PKT_URG },   { "ECE", PKT_ECE },  { "CWR", PKT_CWR },
};

const char *cli_scan_type_opt(int type)
{
	return type >= 0 && type < TCP_SCAN_NTYPES ? type_opt[type] : "-s?";
}

/* The flag name at *p (case-insensitive): its bits, p advanced; or -2. */
static int flag_word(const char **p)
{
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]);
	     i++) {
		size_t n = strlen(flag_names[i].name);

		if (strncasecmp(*p, flag_names[i].name, n) == 0) {
			*p += n;
			return flag_names[i].bits;
		}
	}
	return -2;
}

int cli_scan_flags(struct scan_opts *o, const char *arg, char *err,
		   size_t errlen)
{
	const char *p = arg;
	int v = 0;

	if (isdigit((unsigned char)arg[0])) {
		char *end;
		/* nmap reads it with base 0: 18, 0x12 and 022 are one value. */
		long n = strtol(arg, &end, 0);

		if (*end != '\0' || n < 0 || n > 255)
			goto bad;
		o->scanflags = (int)n;
		return 0;
	}
	if (*p == '\0')
		goto bad;
	/*
	 * Names in any order ("URGACKPSHRSTSYNFIN"), optionally separated
	 * by ',', '|', '+' or spaces. nmap ignores words it does not know
	 * (a typo scans with no flags); fathom refuses them.
	 */
	while (*p) {
		int bits;

		if (strchr(",|+ ", *p)) {
			p++;
			continue;
		}
		bits = flag_word(&p);
		if (bits == -2)
			goto bad;
		if (bits == -1)
			v = 0;
		else
			v |= bits;
	}
	o->scanflags = v;
	return 0;
bad:
	snprintf(err, errlen,
		 "bad --scanflags value '%s' (a number 0-255 or flag names "
		 "like URGACKPSHRSTSYNFIN)",
		 arg);
	return -1;
}

int cli_scan_finish(struct scan_opts *o, unsigned types)
{
	int n = 0, first = -1, second = -1;

	for (int t = 0; t < TCP_SCAN_NTYPES; t++) {
		if (!(types & (1u << t)))
			continue;
		if (n == 0)
			first = t;
		else if (n == 1)
			second = t;
		n++;
	}
	if (n > 1) {
		fprintf(stderr,
			"fathom: %s and %s: more than one TCP scan type; "
			"choose one of -sS, -sT, -sA, -sW, -sF, -sN, -sX, -sM "
			"(see fathom -h)\n",
			type_opt[first], type_opt[second]);
		return -1;
	}
	o->tcp_scan = n ? first : TCP_SCAN_SYN;
	o->tcp_scan_given = n > 0;
	/* The kernel writes -sT's SYNs: there are no flags to set. */
	if (o->tcp_scan == TCP_SCAN_CONNECT && o->scanflags >= 0) {
		fprintf(stderr, "fathom: --scanflags does not apply to -sT "
				"(the kernel writes its probes); use -sS or "
				"another raw TCP type\n");
		return -1;
	}
	/*
	 * nmap: --scanflags with no type is a SYN scan's; with -sU alone
	 * or -sn there is no TCP scan and the flags go unused.
	 */
	if (n == 0 && o->scanflags >= 0 && !o->udp_scan && !o->ping_only)
		n = 1;
	o->syn_scan = n > 0;
	return 0;
}

/*
 * -sU: parses (or with exclude, removes) "U:" + arg so that unprefixed
 * ports reach UDP too; only the UDP list of the result is kept.
 */
int cli_udp_reparse(const char *arg, struct scan_opts *o, int exclude,
		    char *err, size_t errlen)
{
	struct port_spec tmp = { 0 };
	size_t len = strlen(arg) + 3;
	char *u = xmalloc(len);
	int rc;

	/* Unprefixed items can only lead: "T:22,80" has none. */
	if (arg[0] != '\0' && arg[1] == ':') {
		free(u);
		return 0;
	}
	snprintf(u, len, "U:%s", arg);
	if (exclude) {
		/* Exclusions apply in place: run on a spec holding only UDP. */
		tmp.proto[SVC_UDP] = o->ports.proto[SVC_UDP];
		rc = ports_exclude(u, o->services, &tmp, err, errlen);
		o->ports.proto[SVC_UDP] = tmp.proto[SVC_UDP];
		memset(&tmp.proto[SVC_UDP], 0, sizeof(tmp.proto[SVC_UDP]));
	} else {
		rc = ports_parse(u, o->services, &tmp, err, errlen);
		if (rc == 0) {
			struct port_list keep = tmp.proto[SVC_UDP];

			tmp.proto[SVC_UDP] = o->ports.proto[SVC_UDP];
			o->ports.proto[SVC_UDP] = keep;
		}
	}
	ports_free(&tmp);
	free(u);
	return rc;
}
