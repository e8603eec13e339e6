/* osreport.c -- nmap 7.93's normal-output OS lines and XML selections from an os_result. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fingerprints/osreport.h"

#define MAX_CLASS_MEMBERS 8 /* nmap: types, CPEs, families per line */

/* An snprintf-style appender: counts everything, stores what fits. */
struct out {
	char *p;
	size_t cap, len;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->cap ? o->cap - o->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->p + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void out_init(struct out *o, char *p, size_t cap)
{
	o->p = p;
	o->cap = p ? cap : 0;
	o->len = 0;
	if (o->cap > 0)
		p[0] = '\0';
}

/* nmap prints accuracies with "%.f" of floor(acc * 100). */
static int pct(double acc)
{
	return (int)floor(acc * 100);
}

enum overall {
	OS_SUCCESS,
	OS_NOMATCHES,
	OS_TOOMANY
};

static enum overall overall(const struct osmatch_list *l)
{
	/* nmap stops at a 37th perfect match; 36 is as many as we keep */
	if (l->nperfect >= OSMATCH_MAX)
		return OS_TOOMANY;
	return l->n == 0 ? OS_NOMATCHES : OS_SUCCESS;
}

static int same_class(const struct osclass *a, const struct osclass *b)
{
	return strcmp(a->vendor, b->vendor) == 0 &&
	       strcmp(a->family, b->family) == 0 &&
	       strcmp(a->devtype, b->devtype) == 0 &&
	       strcmp(a->gen, b->gen) == 0;
}

void osreport_classify(const struct osmatch_list *l,
		       struct osreport_classes *out)
{
	memset(out, 0, sizeof(*out));
	if (overall(l) == OS_TOOMANY) {
		out->toomany = 1;
		return;
	}
	for (int m = 0; m < l->n; m++) {
		const struct osmatch *mt = &l->m[m];

		for (int c = 0; c < mt->nclasses; c++) {
			const struct osclass *oc = &mt->classes[c];
			int seen = 0;

			for (int k = 0; k < out->n && !seen; k++)
				seen = same_class(out->v[k].c, oc);
			if (seen)
				continue;
			if (out->n == OSMATCH_MAX) {
				out->toomany = m < l->nperfect;
				return;
			}
			/* once something is perfect, lesser matches add nothing */
			if (out->nperfect > 0 && m >= l->nperfect)
				return;
			out->v[out->n].c = oc;
			out->v[out->n].accuracy = mt->accuracy;
			out->n++;
			if (m < l->nperfect)
				out->nperfect++;
		}
	}
}

/* Adds s to arr unless present; -1 when arr is full. */
static int add_unique(const char **arr, int *n, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(arr[i], s) == 0)
			return 0;
	if (*n >= MAX_CLASS_MEMBERS)
		return -1;
	arr[(*n)++] = s;
	return 0;
}

/* The members of the classification lines, gathered before any is put. */
struct class_lines {
	const char *types[MAX_CLASS_MEMBERS], *cpes[MAX_CLASS_MEMBERS];
	char family[MAX_CLASS_MEMBERS][128], gens[MAX_CLASS_MEMBERS][96];
	double facc[MAX_CLASS_MEMBERS];
	int ntypes, ncpes, nfam, overflow;
};

/*
 * Class c (accuracy acc) into its family: a new "Vendor Family" entry or
 * one more generation of a known one. -1 when there is no room for it.
 */
static int add_family(struct class_lines *cl, const struct osclass *c,
		      double acc)
{
	char name[128];
	int f;

	/* "Linux" rather than "Linux Linux" */
	if (strcmp(c->vendor, c->family) == 0)
		snprintf(name, sizeof(name), "%s", c->family);
	else
		snprintf(name, sizeof(name), "%s %s", c->vendor, c->family);
	for (f = 0; f < cl->nfam; f++)
		if (strcmp(cl->family[f], name) == 0)
			break;
	if (f < cl->nfam) {
		/* nmap's test is a substring search: "6.X" is "in"
		 * "2.6.X" and is not added again */
		char *g = cl->gens[f];
		size_t len = strlen(g);

		if (c->gen[0] && !strstr(g, c->gen) &&
		    len + 2 + strlen(c->gen) < sizeof(cl->gens[f]))
			snprintf(g + len, sizeof(cl->gens[f]) - len, "%s%s",
				 len ? "|" : "", c->gen);
		return 0;
	}
	if (cl->nfam >= MAX_CLASS_MEMBERS)
		return -1;
	snprintf(cl->family[cl->nfam], sizeof(cl->family[cl->nfam]), "%s",
		 name);
	snprintf(cl->gens[cl->nfam], 48, "%s", c->gen);
	cl->facc[cl->nfam] = acc;
	cl->nfam++;
	return 0;
}

/* The classes nmap prints (all perfect ones, or close guesses), into cl. */
static void collect_classes(struct class_lines *cl,
			    const struct osreport_classes *oc, int guess)
{
	for (int k = 0; k < oc->n; k++) {
		const struct osclass *c = oc->v[k].c;

		if ((!guess && k >= oc->nperfect) ||
		    oc->v[k].accuracy <= oc->v[0].accuracy - 0.1 ||
		    (oc->v[k].accuracy < 1.0 && k > 9))
			break;
		if (add_unique(cl->types, &cl->ntypes, c->devtype) < 0)
			cl->overflow = 1;
		for (int i = 0; i < c->ncpe; i++)
			if (add_unique(cl->cpes, &cl->ncpes, c->cpe[i]) < 0)
				cl->overflow = 1;
		if (add_family(cl, c, oc->v[k].accuracy) < 0) {
			cl->overflow = 1;
			break;
		}
	}
}

/* Device type / Running / OS CPE (printosclassificationoutput). */
static void put_classes(struct out *o, const struct osmatch_list *l, int guess)
{
	struct osreport_classes oc;
	struct class_lines cl;

	osreport_classify(l, &oc);
	if (oc.toomany || oc.n == 0)
		return;
	cl.ntypes = cl.ncpes = cl.nfam = cl.overflow = 0;
	collect_classes(&cl, &oc, guess);
	if (cl.overflow || cl.nfam == 0)
		return;
	put(o, "Device type: ");
	for (int i = 0; i < cl.ntypes; i++)
		put(o, "%s%s", cl.types[i], i < cl.ntypes - 1 ? "|" : "");
	put(o, "\nRunning%s: ", oc.nperfect == 0 ? " (JUST GUESSING)" : "");
	for (int f = 0; f < cl.nfam; f++) {
		put(o, "%s%s", f > 0 ? ", " : "", cl.family[f]);
		if (cl.gens[f][0])
			put(o, " %s", cl.gens[f]);
		/* nmap compares the family's index with the perfect class
		 * count: a quirk we keep */
		if (f >= oc.nperfect)
			put(o, " (%d%%)", pct(cl.facc[f]));
	}
	put(o, "\n");
	if (cl.ncpes > 0) {
		put(o, "OS CPE:");
		for (int i = 0; i < cl.ncpes; i++)
			put(o, " %s", cl.cpes[i]);
		put(o, "\n");
	}
}

/* The fingerprint as nmap prints it unwrapped: SCAN line, tests, each on
 * a line; made from the wrapped submission, or from r->fp without one. */
static void put_plain_fp(struct out *o, const struct os_result *r)
{
	if (r->submission == NULL) {
		char buf[4096];

		osfp_format(&r->fp, buf, sizeof(buf));
		put(o, "%s", buf);
		return;
	}
	const char *s = r->submission;

	while (*s) {
		if (strncmp(s, "OS:", 3) == 0 &&
		    (s == r->submission || s[-1] == '\n')) {
			s += 3;
			continue;
		}
		if (*s != '\n')
			put(o, "%c", *s);
		if (*s == ')')
			put(o, "\n");
		s++;
	}
}

/* write_merged_fpr: "TCP/IP fingerprint:\n%s\n". */
static void put_fp(struct out *o, const struct os_result *r, int wrapped)
{
	put(o, "TCP/IP fingerprint:\n");
	if (wrapped && r->submission != NULL)
		put(o, "%s", r->submission);
	else
		put_plain_fp(o, r);
	put(o, "\n");
}

/*
 * printosscanoutput's decisions, shared by the text and the XML helpers:
 * which fingerprint form is printed (0 none, 1 wrapped, 2 plain).
 */
static int fp_form(const struct os_result *r, const struct osreport_opts *o)
{
	const struct osmatch_list *l = &r->matches;
	int reason = !r->good_conditions, loud = o->verbose > 1 || o->debug;

	switch (overall(l)) {
	case OS_SUCCESS:
		if (l->nperfect > 8 && !o->debug)
			return loud ? 2 : 0;
		if (l->nperfect > 0)
			return loud ? 1 : 0;
		return !reason ? 1 : loud ? 2 : 0;
	case OS_NOMATCHES:
		return !reason ? 1 : loud ? 2 : 0;
	default:
		return loud ? 2 : 0;
	}
}

/* "Aggressive OS guesses:": the best match and those within 10%. */
static void put_guesses(struct out *out, const struct osmatch_list *l)
{
	put(out, "Aggressive OS guesses: %s (%d%%)", l->m[0].name,
	    pct(l->m[0].accuracy));
	for (int i = 1;
	     i < 10 && i < l->n && l->m[i].accuracy > l->m[0].accuracy - 0.10;
	     i++)
		put(out, ", %s (%d%%)", l->m[i].name, pct(l->m[i].accuracy));
	put(out, "\n");
}

/* Matches, few enough to name: the perfect ones, or the guesses. */
static void put_matches(struct out *out, const struct os_result *r,
			const struct osreport_opts *o)
{
	const struct osmatch_list *l = &r->matches;
	int reason = !r->good_conditions, loud = o->verbose > 1 || o->debug;
	int guess = o->guess || reason, np = l->nperfect;

	if (np > 0) {
		put(out, "OS details: %s", l->m[0].name);
		for (int i = 1; i < np; i++)
			put(out, ", %s", l->m[i].name);
		put(out, "\n");
		if (loud)
			put_fp(out, r, 1);
		return;
	}
	if (loud && reason && o->omit_reason)
		put(out, "OS fingerprint not ideal because: %s\n",
		    o->omit_reason);
	if (guess && l->n > 0)
		put_guesses(out, l);
	if (!reason) {
		put(out, "No exact OS matches for host (If you know "
			 "what OS is running on it, see "
			 "https://nmap.org/submit/ ).\n");
		put_fp(out, r, 1);
	} else {
		put(out, "No exact OS matches for host (test "
			 "conditions non-ideal).\n");
		if (loud)
			put_fp(out, r, 0);
	}
}

/* No match at all: why, and the fingerprint to submit. */
static void put_no_matches(struct out *out, const struct os_result *r,
			   const struct osreport_opts *o)
{
	int loud = o->verbose > 1 || o->debug;

	if (r->good_conditions) {
		put(out, "No OS matches for host (If you know what OS "
			 "is running on it, see "
			 "https://nmap.org/submit/ ).\n");
		put_fp(out, r, 1);
		return;
	}
	if (o->omit_reason)
		put(out, "OS fingerprint not ideal because: %s\n",
		    o->omit_reason);
	put(out, "No OS matches for host\n");
	if (loud)
		put_fp(out, r, 0);
}

size_t osreport_normal(const struct os_result *r, const struct osreport_opts *o,
		       char *outp, size_t outlen)
{
	const struct osmatch_list *l = &r->matches;
	int reason = !r->good_conditions, loud = o->verbose > 1 || o->debug;
	int guess = o->guess || reason, np = l->nperfect;
	enum overall ov = overall(l);
	struct out out;

	out_init(&out, outp, outlen);
	if (!r->done)
		return 0;
	if (r->unreliable && !(ov == OS_TOOMANY || (np > 8 && !o->debug)))
		put(&out, "Warning: OSScan results may be unreliable because "
			  "we could not find at least 1 open and 1 closed "
			  "port\n");
	if (ov == OS_SUCCESS)
		put_classes(&out, l, guess);

	if (ov == OS_SUCCESS && (np <= 8 || o->debug)) {
		put_matches(&out, r, o);
	} else if (ov == OS_NOMATCHES) {
		put_no_matches(&out, r, o);
	} else {
		put(&out, "Too many fingerprints match this host to give "
			  "specific OS details\n");
		if (loud)
			put_fp(&out, r, 0);
	}
	return out.len;
}

int osreport_xml_nmatches(const struct os_result *r,
			  const struct osreport_opts *o)
{
	const struct osmatch_list *l = &r->matches;
	int i = 0;

	if (!r->done || overall(l) != OS_SUCCESS ||
	    (l->nperfect > 8 && !o->debug))
		return 0;
	if (l->nperfect > 0)
		return l->nperfect;
	while (i < 10 && i < l->n && l->m[i].accuracy > l->m[0].accuracy - 0.10)
		i++;
	return i;
}

int osreport_fingerprint(const struct os_result *r,
			 const struct osreport_opts *o, char *outp,
			 size_t outlen, size_t *needed)
{
	struct out out;
	int form = r->done ? fp_form(r, o) : 0;

	out_init(&out, outp, outlen);
	if (form == 1 && r->submission != NULL)
		put(&out, "%s", r->submission);
	else if (form != 0)
		put_plain_fp(&out, r);
	if (needed)
		*needed = out.len;
	return form != 0;
}

size_t osreport_after(const struct os_result *r, const struct osreport_opts *o,
		      time_t now, char *outp, size_t outlen)
{
	struct out out;
	int verbose = o->verbose || o->debug; /* -d implies -v in nmap */

	out_init(&out, outp, outlen);
	if (!r->done)
		return 0;
	if (r->lastboot && verbose) {
		char tm[64] = "";
		struct tm lt;

		if (localtime_r(&r->lastboot, &lt) != NULL)
			strftime(tm, sizeof(tm), "%a %b %e %H:%M:%S %Y", &lt);
		put(&out, "Uptime guess: %.3f days (since %s)\n",
		    difftime(now, r->lastboot) / 86400, tm);
	}
	if (r->distance != -1)
		put(&out, "Network Distance: %d hop%s\n", r->distance,
		    r->distance == 1 ? "" : "s");
	if (r->nisn > 3 && verbose && r->seq_index >= 0)
		put(&out, "TCP Sequence Prediction: Difficulty=%d (%s)\n",
		    r->seq_index, r->seq_difficulty ? r->seq_difficulty : "");
	if (r->nipid > 2 && verbose && r->ipid_class)
		put(&out, "IP ID Sequence Generation: %s\n", r->ipid_class);
	return out.len;
}
