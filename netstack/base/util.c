/* util.c -- allocation that dies on OOM, error buffers, monotonic time. */
#include "netstack/base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(size_t n)
{
	fprintf(stderr, "fathom: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t n)
{
	void *p = calloc(nmemb ? nmemb : 1, n ? n : 1);

	if (p == NULL)
		oom(nmemb * n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

void *xgrow(void *p, size_t *cap, size_t want, size_t elt)
{
	size_t ncap = *cap ? *cap : 16;

	if (want <= *cap)
		return p;
	while (ncap < want) {
		if (ncap > SIZE_MAX / 2 / elt)
			oom(SIZE_MAX);
		ncap *= 2;
	}
	p = xrealloc(p, ncap * elt);
	*cap = ncap;
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xmalloc(n);

	memcpy(d, s, n);
	return d;
}

void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int parse_time_ms(const char *s, uint64_t *ms)
{
	char *end;
	double v, mult = 1000.0;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || v < 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		mult = 1.0;
	else if (strcmp(end, "s") == 0 || *end == '\0')
		mult = 1000.0;
	else if (strcmp(end, "m") == 0)
		mult = 60000.0;
	else if (strcmp(end, "h") == 0)
		mult = 3600000.0;
	else
		return -1;
	v *= mult;
	if (v > 1e15)
		return -1;
	*ms = (uint64_t)(v + 0.5);
	return 0;
}

char *read_file(const char *path, size_t max, size_t *n, char *err,
		size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (f == NULL) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = read_all(f, max, n);
	if (buf == NULL) {
		if (errno == EFBIG)
			errf(err, errlen, "%s: file larger than %zu MiB", path,
			     max >> 20);
		else
			errf(err, errlen, "%s: %s", path, strerror(errno));
	}
	fclose(f);
	return buf;
}

char *read_all(FILE *f, size_t max, size_t *n)
{
	char *buf = NULL;
	size_t cap = 0, r;

	*n = 0;
	do {
		buf = xgrow(buf, &cap, *n + 65537, 1);
		r = fread(buf + *n, 1, cap - *n - 1, f);
		*n += r;
	} while (r > 0 && *n <= max);
	if (*n > max) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[*n] = '\0';
	return buf;
}
