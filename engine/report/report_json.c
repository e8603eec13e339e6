/* report_json.c -- NDJSON output (-oJ): one JSON object per line. */
#include "config.h"

#include "engine/report/report_json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/report/report_trace.h"
#include "netstack/base/util.h"
#include "probes/svcmatch.h"
#include "fingerprints/osresult.h"

/* A JSON string literal, quotes included. */
static void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		uint32_t cp;
		size_t len;

		if (*p == '"' || *p == '\\') {
			fputc('\\', f);
			fputc(*p, f);
			continue;
		}
		if (*p >= 0x20 && *p < 0x7f) {
			fputc(*p, f);
			continue;
		}
		len = *p >= 0x80 ? hostiter_utf8(p, &cp) : 0;
		if (len == 0 || cp < 0xa0) {
			/* Controls, and bytes that are not UTF-8 (as Latin-1:
			 * the text stays valid, the byte value readable). */
			fprintf(f, "\\u%04x", len ? cp : *p);
			p += len ? len - 1 : 0;
			continue;
		}
		fwrite(p, 1, len, f);
		p += len - 1;
	}
	fputc('"', f);
}

/* ,"key":"value" */
static void kv_str(FILE *f, const char *key, const char *value)
{
	fprintf(f, ",\"%s\":", key);
	json_str(f, value);
}

/* ,"key":"value" only when value is not empty. */
static void kv_opt(FILE *f, const char *key, const char *value)
{
	if (value && value[0])
		kv_str(f, key, value);
}

/* The shard's identity (cli_shard_describe's fields); the seed as a string:
 * JSON readers lose 64-bit integers. */
static void json_shard(FILE *f, const struct scan_opts *o)
{
	char fp[20];

	if (o->shard.count == 0)
		return;
	fprintf(f, ",\"shard\":%u,\"shards\":%u,\"seed\":\"%llu\"",
		o->shard.index, o->shard.count, (unsigned long long)o->seed);
	snprintf(fp, sizeof(fp), "%016llx",
		 (unsigned long long)o->shard.fingerprint);
	kv_str(f, "fingerprint", fp);
	kv_opt(f, "scan_id", o->shard.scan_id);
}

void json_begin(FILE *f, const struct run_info *ri)
{
	const struct scan_opts *o = ri->opt;
	const struct port_list *pl = &o->ports.proto[SVC_TCP];
	struct hostiter_ranges rg = HOSTITER_RANGES_INIT(f);

	fputs("{\"type\":\"begin\",\"scanner\":\"fathom\"", f);
	kv_str(f, "version", PACKAGE_VERSION);
	kv_str(f, "args", o->cmdline ? o->cmdline : "fathom");
	fprintf(f, ",\"start\":%llu", (unsigned long long)ri->start_wall);
	/*
	 * The TCP scan type as nmap's XML names it, and the flags if given;
	 * absent for a plain -sS (and -sU alone), as before the other types.
	 */
	if (o->syn_scan && (o->tcp_scan != TCP_SCAN_SYN || o->scanflags >= 0)) {
		kv_str(f, "scan", ri->tcp_type);
		if (o->scanflags >= 0)
			kv_str(f, "scanflags", ri->scanflags);
	}
	fputs(",\"ports\":\"", f);
	for (size_t i = 0; i < pl->n; i++)
		hostiter_ranges_add(&rg, pl->ports[i]);
	hostiter_ranges_end(&rg);
	fputc('"', f);
	if (o->udp_scan) {
		const struct port_list *ul = &o->ports.proto[SVC_UDP];

		fputs(",\"udp_ports\":\"", f);
		for (size_t i = 0; i < ul->n; i++)
			hostiter_ranges_add(&rg, ul->ports[i]);
		hostiter_ranges_end(&rg);
		fputc('"', f);
	}
	json_shard(f, o);
	fputs("}\n", f);
	fflush(f);
}

static void service(FILE *f, const struct run_info *ri,
		    const struct hostiter_host *h, const struct hostiter_row *r)
{
	struct hostiter_svc sv;
	const struct svc_answer *a;
	const char *cpe[3];
	int ncpe;

	hostiter_service(ri->opt, h, r, &sv);
	if (sv.name == NULL && sv.fp == NULL)
		return;
	a = sv.ans;
	fputs(",\"service\":{\"name\":", f);
	json_str(f, sv.name ? sv.name : "unknown");
	if (a) {
		kv_opt(f, "product", a->product);
		kv_opt(f, "version", a->version);
		kv_opt(f, "extrainfo", a->info);
		kv_opt(f, "hostname", a->hostname);
		kv_opt(f, "ostype", a->ostype);
		kv_opt(f, "devicetype", a->devicetype);
	}
	if (sv.tunnel)
		fputs(",\"tunnel\":\"ssl\"", f);
	fprintf(f, ",\"method\":\"%s\",\"conf\":%d",
		sv.probed ? "probed" : "table", sv.conf);
	if (sv.rpc_prog)
		fprintf(f,
			",\"rpcnum\":%u,\"lowver\":%u,\"highver\":%u,"
			"\"proto\":\"rpc\"",
			sv.rpc_prog, sv.rpc_low, sv.rpc_high);
	ncpe = hostiter_svc_cpes(&sv, cpe);
	for (int k = 0; k < ncpe; k++) {
		fputs(k ? "," : ",\"cpe\":[", f);
		json_str(f, cpe[k]);
	}
	if (ncpe)
		fputc(']', f);
	if (sv.fp) {
		/* Without the "\nSF:" line breaks, as in nmap's XML. */
		char *fp = xstrdup(sv.fp), *q;

		while ((q = strstr(fp, "\nSF:")) != NULL)
			memmove(q, q + 4, strlen(q + 4) + 1);
		kv_str(f, "servicefp", fp);
		free(fp);
	}
	fputc('}', f);
}

/* ,"key":N or ,"key":null when n < 0. */
static void kv_int(FILE *f, const char *key, long long n)
{
	if (n < 0)
		fprintf(f, ",\"%s\":null", key);
	else
		fprintf(f, ",\"%s\":%lld", key, n);
}

/* The "os" record: what -O learned about the host, after its "host". */
static void json_os(FILE *f, const struct hostiter_host *h)
{
	const struct os_result *r = h->os;
	const struct osmatch_list *ml = &r->matches;

	fprintf(f, "{\"type\":\"os\",\"ip\":\"%s\"", h->ip);
	kv_int(f, "open_port", r->open_port);
	kv_int(f, "closed_port", r->closed_port);
	kv_int(f, "closed_udp", r->closed_udp);
	fprintf(f, ",\"unreliable\":%s,\"perfect\":%d,\"matches\":[",
		r->unreliable ? "true" : "false", ml->nperfect);
	for (int i = 0; i < ml->n; i++) {
		const struct osmatch *m = &ml->m[i];

		fprintf(f, "%s{\"name\":", i ? "," : "");
		json_str(f, m->name);
		fprintf(f, ",\"accuracy\":%.2f,\"classes\":[",
			m->accuracy * 100);
		for (int c = 0; c < m->nclasses; c++) {
			const struct osclass *oc = &m->classes[c];

			fprintf(f, "%s{\"vendor\":", c ? "," : "");
			json_str(f, oc->vendor ? oc->vendor : "");
			kv_str(f, "family", oc->family ? oc->family : "");
			kv_str(f, "gen", oc->gen ? oc->gen : "");
			kv_str(f, "devtype", oc->devtype ? oc->devtype : "");
			fputs(",\"cpe\":[", f);
			for (int k = 0; k < oc->ncpe; k++) {
				if (k)
					fputc(',', f);
				json_str(f, oc->cpe[k]);
			}
			fputs("]}", f);
		}
		fputs("]}", f);
	}
	fputc(']', f);
	if (r->submission)
		kv_str(f, "fingerprint", r->submission);
	else
		fputs(",\"fingerprint\":null", f);
	kv_int(f, "distance", r->distance);
	kv_int(f, "uptime_s", r->lastboot ? (long long)r->uptime_s : -1);
	kv_int(f, "lastboot", r->lastboot ? (long long)r->lastboot : -1);
	if (r->nisn > 3) {
		fprintf(f, ",\"tcp_sequence\":{\"index\":%d", r->seq_index);
		kv_str(f, "difficulty", r->seq_difficulty);
		fputc('}', f);
	} else {
		fputs(",\"tcp_sequence\":null", f);
	}
	if (r->nipid > 2 && r->ipid_class)
		kv_str(f, "ip_id_sequence", r->ipid_class);
	else
		fputs(",\"ip_id_sequence\":null", f);
	if (r->nipid > 2 && r->ts_class)
		kv_str(f, "tcp_ts_sequence", r->ts_class);
	else
		fputs(",\"tcp_ts_sequence\":null", f);
	fputs("}\n", f);
}

void json_host(FILE *f, const struct run_info *ri,
	       const struct hostiter_host *h)
{
	int first = 1;

	if (h->hidden)
		return;
	/* A down host (discovery, -v) has its host record alone. */
	for (size_t i = 0; i < h->nrows && !h->timed_out && !h->down; i++) {
		const struct hostiter_row *r = &h->rows[i];

		if (h->ignored[r->state])
			continue;
		fprintf(f,
			"{\"type\":\"port\",\"ip\":\"%s\",\"port\":%u,"
			"\"proto\":\"%s\",\"state\":\"%s\",\"reason\":\"%s\","
			"\"ttl\":%u",
			h->ip, r->port, hostiter_proto_name(r->proto),
			port_state_name(r->state), port_reason_name(r->reason),
			r->ttl);
		service(f, ri, h, r);
		fputs("}\n", f);
	}
	fprintf(f, "{\"type\":\"host\",\"ip\":\"%s\",\"name\":", h->ip);
	if (h->name)
		json_str(f, h->name);
	else
		fputs("null", f);
	fprintf(f, ",\"status\":\"%s\",\"reason\":\"%s\",\"ttl\":%u",
		h->down        ? "down"
		: h->timed_out ? "timeout"
			       : "up",
		h->reason ? h->reason : "unknown", h->reason_ttl);
	if (h->rtt_us)
		fprintf(f, ",\"latency_us\":%u", h->rtt_us);
	else
		fputs(",\"latency_us\":null", f);
	if (h->mac)
		fprintf(f, ",\"mac\":\"%02X:%02X:%02X:%02X:%02X:%02X\"",
			h->mac[0], h->mac[1], h->mac[2], h->mac[3], h->mac[4],
			h->mac[5]);
	else
		fputs(",\"mac\":null", f);
	if (h->vendor)
		kv_str(f, "mac_vendor", h->vendor);
	fputs(",\"ignored\":{", f);
	for (int k = 0; k < h->nignored && !h->timed_out && !h->down; k++) {
		int st = h->order[k];

		fprintf(f, "%s\"%s\":%llu", first ? "" : ",",
			port_state_name(st), (unsigned long long)h->count[st]);
		first = 0;
	}
	fputs("}}\n", f);
	if (h->os && !h->timed_out)
		json_os(f, h);
	if (!h->timed_out)
		report_trace_json(f, h->trace);
}

/*
 * The sweep's completeness (passes.h): probes, answers, passes, and the
 * estimate (null when fewer than two passes or no answer measure it).
 */
static void json_sweep_stats(FILE *f, const struct run_info *ri)
{
	const struct pass_counts *pc = ri->pc;
	struct completeness c;

	passes_estimate(pc, &c);
	fprintf(f,
		"{\"type\":\"stats\",\"phase\":\"sweep\",\"probes\":%llu,"
		"\"answered\":%llu,\"open\":%llu,\"passes\":%d,"
		"\"completeness\":%.6f",
		(unsigned long long)pc->probes,
		(unsigned long long)pc->answered, (unsigned long long)pc->open,
		pc->n, c.complete);
	if (c.known)
		fprintf(f,
			",\"loss_roundtrip\":%.4f,\"loss_oneway\":%.4f,"
			"\"expected_missed\":%.3f,"
			"\"expected_missed_open\":%.3f}\n",
			c.miss, c.loss_oneway, c.missed, c.missed_open);
	else
		fputs(",\"loss_roundtrip\":null,\"loss_oneway\":null,"
		      "\"expected_missed\":null,"
		      "\"expected_missed_open\":null}\n",
		      f);
}

void json_end(FILE *f, const struct run_info *ri, int error, const char *errmsg)
{
	uint64_t total = ri->total;
	size_t up = ri->hosts_up;

	if (ri->pc->n > 0 && !ri->opt->dry_run)
		json_sweep_stats(f, ri);

	fprintf(f,
		"{\"type\":\"end\",\"time\":%llu,\"elapsed\":%.2f,"
		"\"hosts_up\":%zu,\"hosts_down\":%llu,\"hosts_total\":%llu,"
		"\"exit\":\"%s\"",
		(unsigned long long)ri->end_wall, ri->elapsed, up,
		(unsigned long long)(total > up ? total - up : 0),
		(unsigned long long)total, error ? "error" : "success");
	if (error)
		kv_str(f, "errormsg", errmsg ? errmsg : "");
	fputs("}\n", f);
	fflush(f);
}

void json_task(FILE *f, const struct report_task *t)
{
	static const char *const ev[] = { "begin", "progress", "end" };

	fputs("{\"type\":\"task\"", f);
	kv_str(f, "task", t->task);
	fprintf(f, ",\"event\":\"%s\",\"time\":%llu", ev[t->event],
		(unsigned long long)t->time);
	if (t->event == REPORT_TASK_PROGRESS)
		fprintf(f, ",\"percent\":%.2f,\"remaining\":%llu,\"etc\":%llu",
			t->percent, (unsigned long long)t->remaining,
			(unsigned long long)t->etc);
	else if (t->extrainfo)
		kv_str(f, "extrainfo", t->extrainfo);
	fputs("}\n", f);
	fflush(f);
}

void json_partial(FILE *f)
{
	fprintf(f, "{\"type\":\"interrupted\",\"time\":%llu}\n",
		(unsigned long long)time(NULL));
	fflush(f);
}

const struct report_writer report_json_writer = {
	.name = "NDJSON",
	.begin = json_begin,
	.host = json_host,
	.end = json_end,
	.task = json_task,
	.partial = json_partial,
};
