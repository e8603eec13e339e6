/* osattr.c -- the replies to one round of OS probes into nmap's fingerprint. */
#include "fingerprints/osattr.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "netstack/packet.h"

/* TS sequence classes, as nmap numbers them. */
enum {
	TS_UNKNOWN = 0,
	TS_ZERO,
	TS_2HZ,
	TS_100HZ,
	TS_1000HZ,
	TS_OTHER,
	TS_UNSUPPORTED,
};

uint32_t osattr_crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

void osattr_reply_from_pkt(const struct pkt_info *p, uint64_t rx_us,
			   struct os_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->got = 1;
	r->rx_us = rx_us;
	r->ttl = p->ip.ttl;
	r->df = (uint8_t)p->ip.df;
	r->ipid = p->ip.id;
	r->iplen = p->ip.len;
	if (p->kind == PKT_TCP) {
		r->flags = p->tcp.flags;
		r->res = p->tcp.res;
		r->win = p->tcp.win;
		r->urp = p->tcp.urp;
		r->seq = p->tcp.seq;
		r->ack = p->tcp.ack;
		r->optlen = (uint8_t)(p->tcp.optlen > OSATTR_MAX_OPTS
					      ? OSATTR_MAX_OPTS
					      : p->tcp.optlen);
		memcpy(r->opts, p->tcp.opts, r->optlen);
		r->data_len = (uint32_t)p->payload_len;
		r->data_crc = osattr_crc32(p->payload, p->payload_len);
	} else if (p->kind == PKT_ICMP || p->kind == PKT_ICMP_ERR) {
		r->icmp_type = p->icmp.type;
		r->icmp_code = p->icmp.code;
		r->icmp_unused = p->icmp.unused;
		if (p->kind == PKT_ICMP_ERR) {
			size_t n = p->payload_len < OSATTR_MAX_QUOTE
					   ? p->payload_len
					   : OSATTR_MAX_QUOTE;

			memcpy(r->quote, p->payload, n);
			r->quote_len = (uint16_t)n;
		}
	}
}

/*
 * nmap's reading of options: EOL and NOP are letters and parsing goes
 * on after EOL; an option cut short empties the whole string; a kind it
 * does not know is skipped one byte at a time without using up length
 * (nmap's quirk, bounded here by the bytes we hold).
 */
void osattr_ops_string(const uint8_t *o, size_t n, char *out, size_t outlen)
{
	size_t q = 0, k = 0;
	long length = (long)n;

	if (outlen == 0)
		return;
	out[0] = '\0';
	while (length > 0 && k + 6 < outlen) {
		uint8_t op;

		if (q >= n)
			goto bad;
		op = o[q++];
		if (op == 0) {
			out[k++] = 'L';
			length--;
		} else if (op == 1) {
			out[k++] = 'N';
			length--;
		} else if (op == 2) {
			if (length < 4 || q + 3 > n)
				break;
			k += (size_t)snprintf(out + k, outlen - k, "M%X",
					      o[q + 1] << 8 | o[q + 2]);
			q += 3;
			length -= 4;
		} else if (op == 3) {
			if (length < 3 || q + 2 > n)
				break;
			k += (size_t)snprintf(out + k, outlen - k, "W%X",
					      o[q + 1]);
			q += 2;
			length -= 3;
		} else if (op == 4) {
			if (length < 2)
				break;
			out[k++] = 'S';
			q += 1;
			length -= 2;
		} else if (op == 8) {
			if (length < 10 || q + 9 > n)
				break;
			out[k++] = 'T';
			out[k++] = memcmp(o + q + 1, "\0\0\0\0", 4) ? '1' : '0';
			out[k++] = memcmp(o + q + 5, "\0\0\0\0", 4) ? '1' : '0';
			q += 9;
			length -= 10;
		}
	}
	if (length > 0)
		goto bad;
	out[k] = '\0';
	return;
bad:
	out[0] = '\0';
}

/* The TSval of a TCP timestamp option; 0 when there is none. */
static int get_tsval(const struct os_reply *r, uint32_t *tsval)
{
	size_t i = 0;

	while (i < r->optlen) {
		uint8_t kind = r->opts[i];

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= r->optlen || r->opts[i + 1] < 2)
			break;
		if (kind == 8 && r->opts[i + 1] == 10 && i + 10 <= r->optlen) {
			const uint8_t *v = r->opts + i + 2;

			*tsval = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
				 (uint32_t)v[2] << 8 | v[3];
			return 1;
		}
		i += r->opts[i + 1];
	}
	return 0;
}

static int identify(int n, uint32_t *d)
{
	int small = 1, bi = 1, even = 1, zero = 1;

	for (int i = 0; i < n - 1; i++)
		zero &= d[i] == 0;
	if (zero)
		return OS_IPID_CONSTANT;
	for (int i = 0; i < n - 1; i++)
		if (d[i] > 1000 && (d[i] % 256 != 0 || d[i] >= 25600))
			return OS_IPID_RPI;
	for (int i = 0; i < n - 1; i++) {
		if (d[i] > 5120 || d[i] % 256 != 0)
			bi = 0;
		if (d[i] % 2 != 0)
			even = 0;
		if (d[i] > 9)
			small = 0;
	}
	if (bi)
		return OS_IPID_BROKEN_INCR;
	if (even)
		return OS_IPID_INCR_BY_2;
	if (small)
		return OS_IPID_INCR;
	return OS_IPID_UNKNOWN;
}

int osattr_ipid_class(const uint16_t *ids, int n)
{
	uint32_t d[OSRESULT_MAX_SEQ];
	int allzero = 1;

	if (n < 2)
		return OS_IPID_UNKNOWN;
	if (n > OSRESULT_MAX_SEQ)
		n = OSRESULT_MAX_SEQ;
	for (int i = 1; i < n; i++) {
		if (ids[i - 1] != 0 || ids[i] != 0)
			allzero = 0;
		/* Unsigned 32-bit, as nmap: a step backwards is huge. */
		d[i - 1] = (uint32_t)ids[i] - (uint32_t)ids[i - 1];
		if (n > 2 && d[i - 1] > 20000)
			return OS_IPID_RD;
	}
	if (allzero)
		return OS_IPID_ZERO;
	for (int i = 0; i < n - 1; i++)
		d[i] &= 0xffff;
	return identify(n, d);
}

const char *osattr_ipid_class_name(int cls)
{
	switch (cls) {
	case OS_IPID_CONSTANT:
		return "Duplicated ipid (!)";
	case OS_IPID_INCR:
		return "Incremental";
	case OS_IPID_INCR_BY_2:
		return "Incrementing by 2";
	case OS_IPID_BROKEN_INCR:
		return "Broken little-endian incremental";
	case OS_IPID_RD:
		return "Randomized";
	case OS_IPID_RPI:
		return "Random positive increments";
	case OS_IPID_ZERO:
		return "All zeros";
	default:
		return "Busy server or unknown class";
	}
}

static const char *ts_class_name(int c)
{
	static const char *const n[] = {
		"unknown class",
		"zero timestamp",
		"2HZ",
		"100HZ",
		"1000HZ",
		"other",
		"none returned (unsupported)",
	};
	return c >= 0 && c <= TS_UNSUPPORTED ? n[c] : "unknown class";
}

const char *osattr_difficulty(int idx)
{
	return idx < 3    ? "Trivial joke"
	       : idx < 6  ? "Easy"
	       : idx < 11 ? "Medium"
	       : idx < 12 ? "Formidable"
	       : idx < 16 ? "Worthy challenge"
			  : "Good luck!";
}

/* TI/CI/II: the value nmap writes for a class, or nothing. */
static void set_ipid_attr(struct osfp *fp, const char *name, int cls,
			  const uint16_t *ids)
{
	switch (cls) {
	case OS_IPID_CONSTANT:
		osfp_set(fp, OSFP_SEQ, name, "%X", ids[0]);
		break;
	case OS_IPID_INCR:
	case OS_IPID_INCR_BY_2:
		osfp_set(fp, OSFP_SEQ, name, "I");
		break;
	case OS_IPID_BROKEN_INCR:
		osfp_set(fp, OSFP_SEQ, name, "BI");
		break;
	case OS_IPID_RPI:
		osfp_set(fp, OSFP_SEQ, name, "RI");
		break;
	case OS_IPID_RD:
		osfp_set(fp, OSFP_SEQ, name, "RD");
		break;
	case OS_IPID_ZERO:
		osfp_set(fp, OSFP_SEQ, name, "Z");
		break;
	default:
		break;
	}
}

static uint32_t mod_diff(uint32_t a, uint32_t b)
{
	uint32_t x = a - b, y = b - a;

	return x < y ? x : y;
}

static uint32_t gcd_n(int n, const uint32_t *v)
{
	uint32_t a, b, c;

	if (n == 0)
		return 1;
	a = v[0];
	for (int i = 1; i < n; i++) {
		b = v[i];
		if (a < b) {
			c = a;
			a = b;
			b = c;
		}
		while (b) {
			c = a % b;
			a = b;
			b = c;
		}
	}
	return a;
}

static int is_incr(int c)
{
	return c == OS_IPID_INCR || c == OS_IPID_BROKEN_INCR ||
	       c == OS_IPID_RPI;
}

/* The SEQ probes' replies, in the order nmap reads them. */
struct seq_samples {
	int n;       /* replies kept, gaps closed */
	int ntcp;    /* of them, with an IP ID (tcp_ids) */
	int tsclass; /* TS_*: from the options, then the rate */
	uint32_t seqs[6], ts[6], seq_diffs[6], ts_diffs[6];
	uint16_t sipids[6], tcp_ids[6];
	uint64_t sent[6], usec_diffs[6];
	float rates[6];  /* ISN increments per second, pair by pair */
	double avg_rate; /* their sum, until seq_isn divides it */
};

/* The SYN-ACKs to the six SEQ probes, gaps closed, with their diffs. */
static void seq_collect(const struct os_round *in, struct seq_samples *s)
{
	uint16_t lastipid = 0;
	int j = 0;

	memset(s, 0, sizeof(*s));
	s->tsclass = TS_UNKNOWN;
	for (int i = 0; i < 6; i++) {
		const struct os_reply *r = &in->seq[i];
		uint32_t tsval = 0;

		if (!r->got)
			continue;
		/* nmap drops a reply repeating the last non-zero IP ID. */
		if (lastipid != 0 && r->ipid == lastipid)
			continue;
		lastipid = r->ipid;
		if ((r->flags & PKT_RST) ||
		    (r->flags & (PKT_SYN | PKT_ACK)) != (PKT_SYN | PKT_ACK))
			continue;
		s->tcp_ids[s->ntcp++] = r->ipid;
		s->seqs[i] = r->seq;
		s->sipids[i] = r->ipid;
		if (!get_tsval(r, &tsval))
			s->tsclass = TS_UNSUPPORTED;
		else if (tsval == 0)
			s->tsclass = TS_ZERO;
		s->ts[i] = tsval;
	}
	/* Close the gaps: an ISN of 0 counts as no reply, as in nmap. */
	for (int i = 0; i < 6; i++) {
		if (s->seqs[i] == 0)
			continue;
		s->seqs[j] = s->seqs[i];
		s->sipids[j] = s->sipids[i];
		s->ts[j] = s->ts[i];
		s->sent[j] = in->seq_sent_us[i];
		if (j > 0) {
			int k = j - 1;
			uint64_t us = s->sent[j] > s->sent[k]
					      ? s->sent[j] - s->sent[k]
					      : 0;

			s->seq_diffs[k] = mod_diff(s->seqs[j], s->seqs[k]);
			s->ts_diffs[k] = mod_diff(s->ts[j], s->ts[k]);
			s->usec_diffs[k] = us ? us : 1;
			s->rates[k] = (float)(s->seq_diffs[k] * 1000000.0 /
					      (double)s->usec_diffs[k]);
			s->avg_rate += s->rates[k];
		}
		j++;
	}
	s->n = j;
}

/*
 * SP, GCD and ISR from the ISNs (four replies at least, probes no more
 * than a second apart). Returns SP's index (0 when not computed).
 */
static int seq_isn(const struct os_round *in, struct seq_samples *s,
		   struct osfp *fp)
{
	double rate, stddev = 0, div, l2;
	uint32_t gcd;
	int j = s->n, index = 0;

	if (j < 4 || in->scan_delay_ms > 1000)
		return 0;
	s->avg_rate /= j - 1;
	rate = s->avg_rate;
	gcd = gcd_n(j - 1, s->seq_diffs);
	if (!gcd) {
		rate = 0;
	} else {
		div = gcd > 9 ? gcd : 1;
		l2 = log(rate) / log(2.0);
		rate = l2 * 8 + 0.5 > 0 ? (unsigned)(l2 * 8 + 0.5) : 0;
		for (int i = 0; i < j - 1; i++) {
			double t = s->rates[i] / div - s->avg_rate / div;

			stddev += t * t;
		}
		stddev = sqrt(stddev / (j - 2));
		index = stddev <= 1 ? 0
				    : (int)(log(stddev) / log(2.0) * 8 + 0.5);
	}
	osfp_set(fp, OSFP_SEQ, "SP", "%X", index);
	osfp_set(fp, OSFP_SEQ, "GCD", "%X", gcd);
	osfp_set(fp, OSFP_SEQ, "ISR", "%X", (unsigned)rate);
	return index;
}

/* TI, CI and II (the IP ID classes of each reply kind), then SS. */
static void seq_ipid(const struct os_round *in, const struct seq_samples *s,
		     struct osfp *fp, struct os_result *res)
{
	uint16_t closed_ids[3], icmp_ids[2];
	int nclosed = 0, nicmp = 0, ntcp = s->ntcp, ti, ci, ii;

	for (int i = 4; i < 7; i++)
		if (in->t[i].got)
			closed_ids[nclosed++] = in->t[i].ipid;
	for (int i = 0; i < 2; i++)
		if (in->ie[i].got && !in->ie[i].retrans)
			icmp_ids[nicmp++] = in->ie[i].ipid;
	/* IE counts only as a pair: one echo reply is IE(R=N). */
	if (!in->ie[0].got || !in->ie[1].got)
		nicmp = 0;
	ti = ntcp >= 3 ? osattr_ipid_class(s->tcp_ids, ntcp) : OS_IPID_UNKNOWN;
	ci = nclosed >= 2 ? osattr_ipid_class(closed_ids, nclosed)
			  : OS_IPID_UNKNOWN;
	ii = nicmp >= 2 ? osattr_ipid_class(icmp_ids, nicmp) : OS_IPID_UNKNOWN;
	set_ipid_attr(fp, "TI", ti, s->tcp_ids);
	set_ipid_attr(fp, "CI", ci, closed_ids);
	set_ipid_attr(fp, "II", ii, icmp_ids);
	if (s->n > 2)
		res->ipid_class = osattr_ipid_class_name(ti);
	if (is_incr(ti) && is_incr(ii)) {
		uint32_t first = s->tcp_ids[0], last = s->tcp_ids[ntcp - 1];
		uint32_t avg = (last - first) / (uint32_t)(ntcp - 1);

		osfp_set(fp, OSFP_SEQ, "SS", "%s",
			 icmp_ids[0] < last + 3 * avg ? "S" : "O");
	}
}

/*
 * The timestamp clock's rate (hz) and class, and the uptime it gives,
 * when the replies carried usable timestamps. Returns hz, or 0.
 */
static double seq_clock(struct seq_samples *s, struct os_result *res)
{
	uint64_t uptime = 0;
	double hz = 0;
	int j = s->n;

	if (s->tsclass != TS_UNKNOWN || j < 2)
		return 0;
	for (int i = 0; i < j - 1; i++)
		hz += (double)s->ts_diffs[i] /
		      ((double)s->usec_diffs[i] / 1000000.0) / (j - 1);
	if (hz > 0 && hz < 5.66) {
		s->tsclass = TS_2HZ;
		uptime = s->ts[0] / 2;
	} else if (hz > 70 && hz < 150) {
		s->tsclass = TS_100HZ;
		uptime = s->ts[0] / 100;
	} else if (hz > 724 && hz < 1448) {
		s->tsclass = TS_1000HZ;
		uptime = s->ts[0] / 1000;
	} else if (hz > 0) {
		/* nmap divides by (unsigned int)(0.5 + hz): keep its 32-bit
		 * truncation for absurd rates. */
		double d = 0.5 + hz;
		uint32_t div =
			d < 18446744073709551616.0 ? (uint32_t)(uint64_t)d : 0;

		s->tsclass = TS_OTHER;
		uptime = div ? s->ts[0] / div : 0;
	}
	if (uptime > 63072000) /* "up 2 years? probably lying" */
		uptime = 0;
	res->uptime_s = (uint32_t)uptime;
	res->lastboot = (time_t)(s->sent[0] / 1000000) - (time_t)uptime;
	return hz;
}

/* TS: the timestamp class as nmap writes it. */
static void seq_ts_attr(struct osfp *fp, int tsclass, double hz)
{
	unsigned v;

	switch (tsclass) {
	case TS_ZERO:
		osfp_set(fp, OSFP_SEQ, "TS", "0");
		break;
	case TS_2HZ:
	case TS_100HZ:
	case TS_1000HZ:
	case TS_OTHER:
		if (hz <= 5.66)
			v = 1;
		else if (hz > 70 && hz <= 150)
			v = 7;
		else if (hz > 150 && hz <= 350)
			v = 8;
		else
			v = (unsigned)(0.5 + log(hz) / log(2.0));
		osfp_set(fp, OSFP_SEQ, "TS", "%X", v);
		break;
	case TS_UNSUPPORTED:
		osfp_set(fp, OSFP_SEQ, "TS", "U");
		break;
	default:
		break;
	}
}

/* SEQ: ISNs, IP ID classes, timestamps; and the matching extras. */
static void seq_test(const struct os_round *in, struct osfp *fp,
		     struct os_result *res)
{
	struct seq_samples s;
	int index;

	seq_collect(in, &s);
	res->nisn = res->nipid = res->ntsval = s.n;
	for (int i = 0; i < s.n; i++) {
		res->isn[i] = s.seqs[i];
		res->ipid[i] = s.sipids[i];
		res->tsval[i] = s.ts[i];
	}
	index = seq_isn(in, &s, fp);
	res->seq_index = -1;
	if (s.n >= 4) {
		res->seq_index = index;
		res->seq_difficulty = osattr_difficulty(index);
	}
	seq_ipid(in, &s, fp, res);
	seq_ts_attr(fp, s.tsclass, seq_clock(&s, res));
	if (s.n > 2)
		res->ts_class = ts_class_name(s.tsclass);
}

static int initial_ttl_guess(int ttl)
{
	return ttl <= 32 ? 32 : ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
}

/* T= (true initial TTL, from U1's hop count) or TG= (a guess). */
static void set_ttl(struct osfp *fp, int id, int ttl, int distance)
{
	if (distance != -1)
		osfp_set(fp, id, "T", "%X",
			 (unsigned)(ttl + distance - 1) & 0xffff);
	else
		osfp_set(fp, id, "TG", "%X", initial_ttl_guess(ttl));
}

static void set_quirks(struct osfp *fp, int id, const struct os_reply *r)
{
	char q[3];
	int n = 0;

	if (r->res)
		q[n++] = 'R';
	if (!(r->flags & PKT_URG) && r->urp)
		q[n++] = 'U';
	q[n] = '\0';
	osfp_set(fp, id, "Q", "%s", q);
}

static void ecn_test(const struct os_reply *r, struct osfp *fp, int dist)
{
	char ops[64];
	const char *cc;

	osfp_set(fp, OSFP_ECN, "R", "Y");
	osfp_set(fp, OSFP_ECN, "DF", "%s", r->df ? "Y" : "N");
	set_ttl(fp, OSFP_ECN, r->ttl, dist);
	osfp_set(fp, OSFP_ECN, "W", "%X", r->win);
	osattr_ops_string(r->opts, r->optlen, ops, sizeof(ops));
	osfp_set(fp, OSFP_ECN, "O", "%s", ops);
	if ((r->flags & PKT_ECE) && (r->flags & PKT_CWR))
		cc = "S";
	else if (r->flags & PKT_ECE)
		cc = "Y";
	else if (!(r->flags & PKT_CWR))
		cc = "N";
	else
		cc = "O";
	osfp_set(fp, OSFP_ECN, "CC", "%s", cc);
	set_quirks(fp, OSFP_ECN, r);
}

static void t_test(const struct os_round *in, int n, struct osfp *fp, int dist)
{
	static const struct {
		uint8_t bit;
		char c;
	} fl[] = {
		{ PKT_ECE, 'E' }, { PKT_URG, 'U' }, { PKT_ACK, 'A' },
		{ PKT_PSH, 'P' }, { PKT_RST, 'R' }, { PKT_SYN, 'S' },
		{ PKT_FIN, 'F' },
	};
	const struct os_reply *r = &in->t[n];
	int id = OSFP_T1 + n, k = 0;
	char f[8], ops[64];

	osfp_set(fp, id, "R", "Y");
	osfp_set(fp, id, "DF", "%s", r->df ? "Y" : "N");
	set_ttl(fp, id, r->ttl, dist);
	if (n != 0)
		osfp_set(fp, id, "W", "%X", r->win);
	osfp_set(fp, id, "S", "%s",
		 r->seq == 0             ? "Z"
		 : r->seq == in->ack     ? "A"
		 : r->seq == in->ack + 1 ? "A+"
					 : "O");
	osfp_set(fp, id, "A", "%s",
		 r->ack == 0                  ? "Z"
		 : r->ack == in->seq_base     ? "S"
		 : r->ack == in->seq_base + 1 ? "S+"
					      : "O");
	for (size_t i = 0; i < sizeof(fl) / sizeof(*fl); i++)
		if (r->flags & fl[i].bit)
			f[k++] = fl[i].c;
	f[k] = '\0';
	osfp_set(fp, id, "F", "%s", f);
	if (n != 0) {
		osattr_ops_string(r->opts, r->optlen, ops, sizeof(ops));
		osfp_set(fp, id, "O", "%s", ops);
	}
	if ((r->flags & PKT_RST) && r->data_len > 0)
		osfp_set(fp, id, "RD", "%08X", r->data_crc);
	else
		osfp_set(fp, id, "RD", "0");
	set_quirks(fp, id, r);
}

/* U1's quoted datagram, checked; 0 when it is not a usable quote. */
static int u1_quote_ok(const struct os_round *in)
{
	const struct os_reply *r = &in->u1;
	size_t ihl;

	if (!r->got || r->icmp_type != 3 || r->icmp_code != 3 ||
	    r->quote_len < 28)
		return 0;
	ihl = (size_t)(r->quote[0] & 0x0f) * 4;
	if (ihl < 20 || r->quote_len < ihl + 8)
		return 0;
	return (uint16_t)(r->quote[ihl] << 8 | r->quote[ihl + 1]) ==
		       in->u1_sport &&
	       (uint16_t)(r->quote[ihl + 2] << 8 | r->quote[ihl + 3]) ==
		       in->u1_dport;
}

static void u1_test(const struct os_round *in, struct osfp *fp, int dist)
{
	const struct os_reply *r = &in->u1;
	const uint8_t *q = r->quote;
	size_t ihl = (size_t)(q[0] & 0x0f) * 4;
	uint16_t qlen = (uint16_t)(q[2] << 8 | q[3]);
	uint16_t qid = (uint16_t)(q[4] << 8 | q[5]);
	uint16_t qsum = (uint16_t)(q[10] << 8 | q[11]);
	uint16_t usum = (uint16_t)(q[ihl + 6] << 8 | q[ihl + 7]);
	uint8_t hdr[20];
	int data_ok = 1;

	osfp_set(fp, OSFP_U1, "R", "Y");
	osfp_set(fp, OSFP_U1, "DF", "%s", r->df ? "Y" : "N");
	set_ttl(fp, OSFP_U1, r->ttl, dist);
	osfp_set(fp, OSFP_U1, "IPL", "%X", r->iplen);
	/* nmap prints the unused word with %hX: its low 16 bits. */
	osfp_set(fp, OSFP_U1, "UN", "%X", r->icmp_unused & 0xffff);
	if (qlen == 328)
		osfp_set(fp, OSFP_U1, "RIPL", "G");
	else
		osfp_set(fp, OSFP_U1, "RIPL", "%X", qlen);
	if (qid == 0x1042)
		osfp_set(fp, OSFP_U1, "RID", "G");
	else
		osfp_set(fp, OSFP_U1, "RID", "%X", qid);
	if (qsum == 0) {
		osfp_set(fp, OSFP_U1, "RIPCK", "Z");
	} else {
		memcpy(hdr, q, 20);
		hdr[10] = hdr[11] = 0;
		osfp_set(fp, OSFP_U1, "RIPCK", "%s",
			 pkt_csum_fold(pkt_csum_add(0, hdr, 20)) == qsum ? "G"
									 : "I");
	}
	if (usum == in->u1_udp_csum)
		osfp_set(fp, OSFP_U1, "RUCK", "G");
	else
		osfp_set(fp, OSFP_U1, "RUCK", "%X", usum);
	for (size_t i = ihl + 8; i < r->quote_len; i++)
		data_ok &= q[i] == 'C';
	osfp_set(fp, OSFP_U1, "RUD", "%s", data_ok ? "G" : "I");
}

static void ie_test(const struct os_round *in, struct osfp *fp, int dist)
{
	const struct os_reply *a = &in->ie[0], *b = &in->ie[1];

	osfp_set(fp, OSFP_IE, "R", "Y");
	osfp_set(fp, OSFP_IE, "DFI", "%s",
		 a->df && b->df     ? "Y"
		 : a->df && !b->df  ? "S"
		 : !a->df && !b->df ? "N"
				    : "O");
	set_ttl(fp, OSFP_IE, a->ttl, dist);
	if (a->icmp_code == b->icmp_code) {
		if (a->icmp_code == 0)
			osfp_set(fp, OSFP_IE, "CD", "Z");
		else
			osfp_set(fp, OSFP_IE, "CD", "%X", a->icmp_code);
	} else if (a->icmp_code == 9 && b->icmp_code == 0) {
		osfp_set(fp, OSFP_IE, "CD", "S");
	} else {
		osfp_set(fp, OSFP_IE, "CD", "O");
	}
}

void osattr_compute(const struct os_round *in, struct osfp *fp,
		    struct os_result *res)
{
	const struct os_reply *ow[6];
	int dist = -1, all = 1;

	osfp_clear(fp);
	res->distance = -1;
	res->seq_difficulty = NULL;
	res->ipid_class = NULL;
	res->ts_class = NULL;
	res->uptime_s = 0;
	res->lastboot = 0;
	if (u1_quote_ok(in)) {
		dist = in->u1_ttl - in->u1.quote[8] + 1;
		res->distance = dist;
		res->dist_method = 'I';
	}

	seq_test(in, fp, res);

	/* OPS and WIN: only when all six replies arrived. */
	for (int i = 0; i < 6; i++) {
		ow[i] = in->seq[i].got   ? &in->seq[i]
			: in->ops[i].got ? &in->ops[i]
					 : NULL;
		all &= ow[i] != NULL;
	}
	if (all) {
		for (int i = 0; i < 6; i++) {
			char name[4], ops[64];

			snprintf(name, sizeof(name), "O%d", i + 1);
			osattr_ops_string(ow[i]->opts, ow[i]->optlen, ops,
					  sizeof(ops));
			osfp_set(fp, OSFP_OPS, name, "%s", ops);
		}
		for (int i = 0; i < 6; i++) {
			char name[4];

			snprintf(name, sizeof(name), "W%d", i + 1);
			osfp_set(fp, OSFP_WIN, name, "%X", ow[i]->win);
		}
	}

	if (in->ecn.got)
		ecn_test(&in->ecn, fp, dist);
	else if (in->have_open)
		osfp_set(fp, OSFP_ECN, "R", "N");
	for (int n = 0; n < 7; n++) {
		if (in->t[n].got)
			t_test(in, n, fp, dist);
		else if (n < 4 ? in->have_open : in->have_closed)
			osfp_set(fp, OSFP_T1 + n, "R", "N");
	}
	if (u1_quote_ok(in))
		u1_test(in, fp, dist);
	else
		osfp_set(fp, OSFP_U1, "R", "N");
	if (in->ie[0].got && in->ie[1].got)
		ie_test(in, fp, dist);
	else
		osfp_set(fp, OSFP_IE, "R", "N");
}
