/* test_osattr.c -- fingerprint attributes from reply sets written as data files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/osattr.h"
#include "fingerprints/osprobe.h"
#include "netstack/packet.h"
#include "tests/unit/harness.h"

/*
 * Each file in tests/data/osattr/ describes one round:
 *
 *   round seqbase=HEX ack=HEX open=0|1 closed=0|1 delay=MS
 *   u1 ttl=N sport=N dport=N          (what U1 carried)
 *   sent SEQn US                      (wall-clock send time, microseconds)
 *   reply SLOT key=value...           (SLOT: SEQ1-6 OPS1-6 ECN T1-T7
 *                                      IE1 IE2 U1)
 *   expect TEST(...)                  (all of them, in order, are the
 *                                      whole fingerprint)
 *   extra key=value                   (os_result fields)
 *
 * Reply keys: ttl df id flags (letters EUAPRSF, C = CWR) win seq ack
 * urp res opts=HEX ts=TSVAL (appends NOP,NOP,TS(TSVAL,0)) data=HEX
 * code unused retrans; for U1 the quote: qttl qlen qid qsum=good|zero|bad
 * ucsum=good|HEX qdata=N (N bytes of 'C') qbad=1 (last byte not 'C').
 */

static uint32_t num(const char *s)
{
	return (uint32_t)strtoul(s, NULL, 0);
}

static size_t hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (s[0] && s[1] && n < cap) {
		unsigned v;

		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static uint8_t flag_bits(const char *s)
{
	uint8_t f = 0;

	for (; *s; s++)
		switch (*s) {
		case 'C':
			f |= PKT_CWR;
			break;
		case 'E':
			f |= PKT_ECE;
			break;
		case 'U':
			f |= PKT_URG;
			break;
		case 'A':
			f |= PKT_ACK;
			break;
		case 'P':
			f |= PKT_PSH;
			break;
		case 'R':
			f |= PKT_RST;
			break;
		case 'S':
			f |= PKT_SYN;
			break;
		case 'F':
			f |= PKT_FIN;
			break;
		}
	return f;
}

static struct os_reply *slot(struct os_round *r, const char *name)
{
	int n = name[strlen(name) - 1] - '1';

	if (strncmp(name, "SEQ", 3) == 0 && n >= 0 && n < 6)
		return &r->seq[n];
	if (strncmp(name, "OPS", 3) == 0 && n >= 0 && n < 6)
		return &r->ops[n];
	if (strcmp(name, "ECN") == 0)
		return &r->ecn;
	if (name[0] == 'T' && n >= 0 && n < 7 && name[2] == '\0')
		return &r->t[n];
	if (strncmp(name, "IE", 2) == 0 && n >= 0 && n < 2)
		return &r->ie[n];
	if (strcmp(name, "U1") == 0)
		return &r->u1;
	return NULL;
}

struct quote {
	int ttl, len, id, sum, data, bad;
	long ucsum; /* -1 good */
};

static void build_quote(struct os_round *in, struct os_reply *r,
			const struct quote *q)
{
	uint8_t *p = r->quote;
	uint16_t c;

	memset(p, 0, sizeof(r->quote));
	p[0] = 0x45;
	p[2] = (uint8_t)(q->len >> 8);
	p[3] = (uint8_t)q->len;
	p[4] = (uint8_t)(q->id >> 8);
	p[5] = (uint8_t)q->id;
	p[8] = (uint8_t)q->ttl;
	p[9] = 17;
	memcpy(p + 12, "\xc6\x12\x00\x02\xc6\x12\x00\x0a", 8);
	c = pkt_csum_fold(pkt_csum_add(0, p, 20));
	if (q->sum == 1)
		c = 0;
	else if (q->sum == 2)
		c ^= 0x0101;
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
	p[20] = (uint8_t)(in->u1_sport >> 8);
	p[21] = (uint8_t)in->u1_sport;
	p[22] = (uint8_t)(in->u1_dport >> 8);
	p[23] = (uint8_t)in->u1_dport;
	p[24] = 0x01;
	p[25] = 0x34;
	c = q->ucsum < 0 ? in->u1_udp_csum : (uint16_t)q->ucsum;
	p[26] = (uint8_t)(c >> 8);
	p[27] = (uint8_t)c;
	memset(p + 28, 'C', (size_t)q->data);
	if (q->bad && q->data)
		p[28 + q->data - 1] = 'D';
	r->quote_len = (uint16_t)(28 + q->data);
}

static int load(const char *name, struct os_round *in, char *expect,
		size_t elen, char extra[][128], int *nextra)
{
	char path[512], line[1024];
	const char *dir = getenv("FATHOM_SRCDIR");
	FILE *f;
	size_t e = 0;

	snprintf(path, sizeof(path), "%s/tests/data/osattr/%s", dir ? dir : ".",
		 name);
	f = fopen(path, "r");
	if (f == NULL) {
		printf("# cannot open %s\n", path);
		return -1;
	}
	memset(in, 0, sizeof(*in));
	expect[0] = '\0';
	*nextra = 0;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *w = strtok_r(line, " \t\n", &save), *kv;
		struct os_reply *r = NULL;
		struct quote q = { 64, 328, 0x1042, 0, 300, 0, -1 };
		int is_u1 = 0;

		if (w == NULL || w[0] == '#')
			continue;
		if (strcmp(w, "expect") == 0) {
			char *rest = strtok_r(NULL, "\n", &save);

			e += (size_t)snprintf(expect + e, elen - e, "%s\n",
					      rest ? rest : "");
			continue;
		}
		if (strcmp(w, "extra") == 0) {
			char *rest = strtok_r(NULL, "\n", &save);

			snprintf(extra[(*nextra)++], 128, "%s",
				 rest ? rest : "");
			continue;
		}
		if (strcmp(w, "sent") == 0) {
			char *s = strtok_r(NULL, " \t\n", &save);
			char *t = strtok_r(NULL, " \t\n", &save);

			if (s && t && strncmp(s, "SEQ", 3) == 0)
				in->seq_sent_us[s[3] - '1'] =
					strtoull(t, NULL, 0);
			continue;
		}
		if (strcmp(w, "reply") == 0) {
			char *s = strtok_r(NULL, " \t\n", &save);

			r = s ? slot(in, s) : NULL;
			if (r == NULL) {
				printf("# %s: bad slot\n", name);
				fclose(f);
				return -1;
			}
			is_u1 = r == &in->u1;
			r->got = 1;
			if (is_u1) {
				r->icmp_type = 3;
				r->icmp_code = 3;
			}
		}
		while ((kv = strtok_r(NULL, " \t\n", &save)) != NULL) {
			char *v = strchr(kv, '=');

			if (v == NULL)
				continue;
			*v++ = '\0';
			if (r == NULL) { /* round / u1 lines */
				if (strcmp(w, "round") == 0) {
					if (!strcmp(kv, "seqbase"))
						in->seq_base = num(v);
					else if (!strcmp(kv, "ack"))
						in->ack = num(v);
					else if (!strcmp(kv, "open"))
						in->have_open = (int)num(v);
					else if (!strcmp(kv, "closed"))
						in->have_closed = (int)num(v);
					else if (!strcmp(kv, "delay"))
						in->scan_delay_ms = num(v);
				} else if (strcmp(w, "u1") == 0) {
					if (!strcmp(kv, "ttl"))
						in->u1_ttl = (uint8_t)num(v);
					else if (!strcmp(kv, "sport"))
						in->u1_sport = (uint16_t)num(v);
					else if (!strcmp(kv, "dport"))
						in->u1_dport = (uint16_t)num(v);
					in->u1_udp_csum = osprobe_u1_udp_csum(
						0xc6120002, 0xc612000a,
						in->u1_sport, in->u1_dport);
				}
				continue;
			}
			if (!strcmp(kv, "ttl"))
				r->ttl = (uint8_t)num(v);
			else if (!strcmp(kv, "df"))
				r->df = (uint8_t)num(v);
			else if (!strcmp(kv, "id"))
				r->ipid = (uint16_t)num(v);
			else if (!strcmp(kv, "iplen"))
				r->iplen = (uint16_t)num(v);
			else if (!strcmp(kv, "flags"))
				r->flags = flag_bits(v);
			else if (!strcmp(kv, "win"))
				r->win = (uint16_t)num(v);
			else if (!strcmp(kv, "seq"))
				r->seq = num(v);
			else if (!strcmp(kv, "ack"))
				r->ack = num(v);
			else if (!strcmp(kv, "urp"))
				r->urp = (uint16_t)num(v);
			else if (!strcmp(kv, "res"))
				r->res = (uint8_t)num(v);
			else if (!strcmp(kv, "opts"))
				r->optlen =
					(uint8_t)(r->optlen +
						  hex(v, r->opts + r->optlen,
						      OSATTR_MAX_OPTS -
							      r->optlen));
			else if (!strcmp(kv, "ts")) {
				uint32_t t = num(v);
				uint8_t *o = r->opts + r->optlen;

				o[0] = 1, o[1] = 1, o[2] = 8, o[3] = 10;
				o[4] = (uint8_t)(t >> 24);
				o[5] = (uint8_t)(t >> 16);
				o[6] = (uint8_t)(t >> 8);
				o[7] = (uint8_t)t;
				memset(o + 8, 0, 4);
				r->optlen = (uint8_t)(r->optlen + 12);
			} else if (!strcmp(kv, "data")) {
				uint8_t d[256];
				size_t n = hex(v, d, sizeof(d));

				r->data_len = (uint32_t)n;
				r->data_crc = osattr_crc32(d, n);
			} else if (!strcmp(kv, "code"))
				r->icmp_code = (uint8_t)num(v);
			else if (!strcmp(kv, "unused"))
				r->icmp_unused = num(v);
			else if (!strcmp(kv, "retrans"))
				r->retrans = (int)num(v);
			else if (!strcmp(kv, "qttl"))
				q.ttl = (int)num(v);
			else if (!strcmp(kv, "qlen"))
				q.len = (int)num(v);
			else if (!strcmp(kv, "qid"))
				q.id = (int)num(v);
			else if (!strcmp(kv, "qsum"))
				q.sum = !strcmp(v, "zero")  ? 1
					: !strcmp(v, "bad") ? 2
							    : 0;
			else if (!strcmp(kv, "ucsum"))
				q.ucsum = !strcmp(v, "good") ? -1
							     : (long)num(v);
			else if (!strcmp(kv, "qdata"))
				q.data = (int)num(v);
			else if (!strcmp(kv, "qbad"))
				q.bad = (int)num(v);
		}
		if (is_u1)
			build_quote(in, r, &q);
	}
	fclose(f);
	return 0;
}

/* "key=value" against the os_result. */
static void check_extra(const struct os_result *res, const char *kv)
{
	char k[64], v[96], got[96];

	if (sscanf(kv, "%63[^=]=%95[^\n]", k, v) != 2) {
		printf("# bad extra line %s\n", kv);
		h_case_failed++;
		return;
	}
	if (!strcmp(k, "distance"))
		snprintf(got, sizeof(got), "%d", res->distance);
	else if (!strcmp(k, "seq_index"))
		snprintf(got, sizeof(got), "%d", res->seq_index);
	else if (!strcmp(k, "difficulty"))
		snprintf(got, sizeof(got), "%s",
			 res->seq_difficulty ? res->seq_difficulty : "(null)");
	else if (!strcmp(k, "ipid_class"))
		snprintf(got, sizeof(got), "%s",
			 res->ipid_class ? res->ipid_class : "(null)");
	else if (!strcmp(k, "ts_class"))
		snprintf(got, sizeof(got), "%s",
			 res->ts_class ? res->ts_class : "(null)");
	else if (!strcmp(k, "uptime"))
		snprintf(got, sizeof(got), "%u", res->uptime_s);
	else if (!strcmp(k, "lastboot"))
		snprintf(got, sizeof(got), "%lld", (long long)res->lastboot);
	else if (!strcmp(k, "nisn"))
		snprintf(got, sizeof(got), "%d", res->nisn);
	else
		snprintf(got, sizeof(got), "?unknown key");
	CHECK_STR(got, v);
}

static void run_file(const char *name)
{
	struct os_round *in = calloc(1, sizeof(*in));
	struct osfp fp;
	struct os_result res;
	char expect[4096], got[4096], extra[16][128];
	int nextra;

	CASE(name)
	{
		if (load(name, in, expect, sizeof(expect), extra, &nextra) <
		    0) {
			h_case_failed++;
			break;
		}
		memset(&res, 0, sizeof(res));
		osattr_compute(in, &fp, &res);
		osfp_format(&fp, got, sizeof(got));
		if (strcmp(got, expect) != 0) {
			printf("# expected:\n%s# got:\n%s", expect, got);
			h_case_failed++;
		}
		for (int i = 0; i < nextra; i++)
			check_extra(&res, extra[i]);
	}
	free(in);
}

int main(void)
{
	static const char *const files[] = {
		"linux-lab.txt",   "ipid-incr.txt",     "ipid-broken.txt",
		"ipid-random.txt", "ipid-constant.txt", "ipid-wrap.txt",
		"isn-gcd.txt",     "isn-constant.txt",  "ts-2hz.txt",
		"ts-100hz.txt",    "ts-none.txt",       "ts-zero.txt",
		"ttl-guess.txt",   "ecn-quirks.txt",    "rst-data.txt",
		"ops-resend.txt",  "u1-mangled.txt",    "u1-zero-sum.txt",
		"ts-1000hz.txt",
	};
	char ops[64];

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		run_file(files[i]);

	CASE("option strings: EOL goes on, a cut option empties the string")
	{
		/* MSS1460, SACK, TS(1,0), NOP, WS7: Linux's SYN-ACK. */
		static const uint8_t lin[] = {
			2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0,
			0, 1, 0, 0,    0, 0, 1, 3,  3, 7
		};
		static const uint8_t eol[] = { 2, 4, 1, 9, 0, 1, 3, 3, 0, 0 };
		static const uint8_t cut[] = { 1, 2, 4, 5 };
		static const uint8_t both[] = { 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };

		osattr_ops_string(lin, sizeof(lin), ops, sizeof(ops));
		CHECK_STR(ops, "M5B4ST10NW7");
		osattr_ops_string(eol, sizeof(eol), ops, sizeof(ops));
		CHECK_STR(ops, "M109LNW0L");
		osattr_ops_string(cut, sizeof(cut), ops, sizeof(ops));
		CHECK_STR(ops, "");
		osattr_ops_string(both, sizeof(both), ops, sizeof(ops));
		CHECK_STR(ops, "T11");
		osattr_ops_string(NULL, 0, ops, sizeof(ops));
		CHECK_STR(ops, "");
	}

	CASE("IP ID classes on sequences (nmap's 16-bit rules)")
	{
		static const uint16_t z[] = { 0, 0, 0 }, c[] = { 7, 7, 7 },
				      inc[] = { 100, 101, 103 },
				      two[] = { 100, 102, 110 },
				      bi[] = { 256, 512, 1024 },
				      rpi[] = { 100, 1201, 2302 },
				      rd[] = { 100, 30000, 31000 },
				      busy[] = { 100, 150, 301 };

		CHECK_EQ_U(osattr_ipid_class(z, 3), OS_IPID_ZERO);
		CHECK_EQ_U(osattr_ipid_class(c, 3), OS_IPID_CONSTANT);
		CHECK_EQ_U(osattr_ipid_class(inc, 3), OS_IPID_INCR);
		CHECK_EQ_U(osattr_ipid_class(two, 3), OS_IPID_INCR_BY_2);
		CHECK_EQ_U(osattr_ipid_class(bi, 3), OS_IPID_BROKEN_INCR);
		CHECK_EQ_U(osattr_ipid_class(rpi, 3), OS_IPID_RPI);
		CHECK_EQ_U(osattr_ipid_class(rd, 3), OS_IPID_RD);
		/* Two samples never say random: only >2 do. */
		CHECK_EQ_U(osattr_ipid_class(rd, 2), OS_IPID_RPI);
		CHECK_EQ_U(osattr_ipid_class(busy, 3), OS_IPID_UNKNOWN);
		CHECK_EQ_U(osattr_ipid_class(inc, 1), OS_IPID_UNKNOWN);
		CHECK_STR(osattr_ipid_class_name(OS_IPID_ZERO), "All zeros");
		CHECK_STR(osattr_ipid_class_name(OS_IPID_UNKNOWN),
			  "Busy server or unknown class");
	}

	CASE("difficulty words at nmap's boundaries")
	{
		CHECK_STR(osattr_difficulty(2), "Trivial joke");
		CHECK_STR(osattr_difficulty(3), "Easy");
		CHECK_STR(osattr_difficulty(10), "Medium");
		CHECK_STR(osattr_difficulty(11), "Formidable");
		CHECK_STR(osattr_difficulty(15), "Worthy challenge");
		CHECK_STR(osattr_difficulty(256), "Good luck!");
	}

	CASE("CRC-32 of RST data is zlib's")
	{
		CHECK_EQ_U(osattr_crc32((const uint8_t *)"123456789", 9),
			   0xCBF43926u);
	}

	CASE("a parsed ICMP port unreachable keeps its quote")
	{
		uint8_t fr[14 + 20 + 8 + 28 + 4];
		struct pkt_info p;
		struct os_reply r;

		memset(fr, 0, sizeof(fr));
		fr[12] = 0x08;
		fr[14] = 0x45;
		fr[17] = sizeof(fr) - 14;
		fr[22] = 64;
		fr[23] = 1;
		fr[34] = 3;
		fr[35] = 3;
		fr[42] = 0x45;
		fr[45] = 32;
		fr[46] = 0x10;
		fr[47] = 0x42;
		fr[50] = 17;
		CHECK_EQ_U(pkt_parse(fr, sizeof(fr), &p), PKT_ICMP_ERR);
		osattr_reply_from_pkt(&p, 5, &r);
		CHECK_EQ_U(r.icmp_type, 3);
		CHECK_EQ_U(r.icmp_code, 3);
		CHECK_EQ_U(r.iplen, sizeof(fr) - 14);
		CHECK_EQ_U(r.quote_len, 32);
		CHECK_EQ_U(r.quote[4] << 8 | r.quote[5], 0x1042);
		CHECK_EQ_U(r.ttl, 64);
	}
	return DONE();
}
