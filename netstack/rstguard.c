/* rstguard.c -- keep the kernel from resetting connections fathom owns. */
#include "netstack/rstguard.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Runs nft with script on stdin (or argv only); returns its exit status. */
static int run_nft(const char *script, char *const argv[], char *out,
		   size_t outlen)
{
	posix_spawn_file_actions_t fa;
	int in[2], res[2], status = -1;
	pid_t pid;
	ssize_t n;

	if (pipe(in) < 0)
		return -1;
	if (pipe(res) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, res[1], 1);
	posix_spawn_file_actions_adddup2(&fa, res[1], 2);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, res[0]);
	if (posix_spawnp(&pid, "nft", &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(in[0]);
		close(in[1]);
		close(res[0]);
		close(res[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(res[1]);
	if (script && write(in[1], script, strlen(script)) < 0)
		status = -1;
	close(in[1]);
	/* nft may write a line at a time: read to EOF (or a full buffer). */
	for (size_t got = 0; outlen;) {
		n = read(res[0], out + got, outlen - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0)
			got += (size_t)n;
		if (n <= 0 || got == outlen - 1) {
			out[got] = '\0';
			break;
		}
	}
	close(res[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Deletes fathom_<pid> tables whose process is gone: inet ones, and the
 * ip ones of fathom builds before IPv6.
 */
static void remove_stale(void)
{
	char out[4096], *line, *save = NULL;
	char *argv[] = { "nft", "list", "tables", NULL };

	if (run_nft(NULL, argv, out, sizeof(out)) != 0)
		return;
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long pid;
		char name[32], fam[8];
		char *del[] = { "nft", "delete", "table", fam, name, NULL };
		char junk[256];

		if (sscanf(line, "table %7s fathom_%lu", fam, &pid) != 2 ||
		    (strcmp(fam, "ip") != 0 && strcmp(fam, "inet") != 0))
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(name, sizeof(name), "fathom_%lu", pid);
		run_nft(NULL, del, junk, sizeof(junk));
	}
}

/* " LO-HI" or " { LO-HI, LO-HI }" into buf; -1 if it does not fit. */
static int format_ports(char *buf, size_t len, const struct rstguard_ports *r,
			size_t nr)
{
	size_t at = 0;
	int n;

	for (size_t i = 0; i < nr; i++) {
		n = snprintf(buf + at, len - at, "%s%u-%u", i ? ", " : "",
			     r[i].lo, r[i].hi);
		if (n < 0 || (size_t)n >= len - at)
			return -1;
		at += (size_t)n;
	}
	return 0;
}

int rstguard_script(char *buf, size_t len, const char *table,
		    const struct addr *saddr, const struct rstguard_ports *r,
		    size_t nr)
{
	char a[ADDR_STRLEN], ports[RSTGUARD_MAX_RANGES * 16];
	int n;

	if (saddr->family != ADDR_V4 && saddr->family != ADDR_V6)
		return -1;
	if (nr == 0 || nr > RSTGUARD_MAX_RANGES)
		return -1;
	for (size_t i = 0; i < nr; i++)
		if (r[i].hi < r[i].lo)
			return -1;
	if (format_ports(ports, sizeof(ports), r, nr) < 0)
		return -1;
	n = snprintf(buf, len,
		     "table inet %s {\n"
		     "  chain out {\n"
		     "    type filter hook output priority 0; policy accept;\n"
		     "    %s saddr %s tcp sport %s%s%s tcp flags & rst == rst "
		     "drop\n"
		     "  }\n"
		     "}\n",
		     table, addr_is_v6(saddr) ? "ip6" : "ip",
		     addr_format(saddr, a), nr > 1 ? "{ " : "", ports,
		     nr > 1 ? " }" : "");
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int rstguard_install(struct rstguard *g, const struct addr *saddr,
		     const struct rstguard_ports *r, size_t nr, char *err,
		     size_t errlen)
{
	char script[512], out[512];
	char *argv[] = { "nft", "-f", "-", NULL };
	int rc;

	memset(g, 0, sizeof(*g));
	snprintf(g->table, sizeof(g->table), "fathom_%ld", (long)getpid());
	if (rstguard_script(script, sizeof(script), g->table, saddr, r, nr) <
	    0) {
		snprintf(err, errlen, "nft: no address or ports to guard");
		return -1;
	}
	remove_stale();
	rc = run_nft(script, argv, out, sizeof(out));
	if (rc != 0) {
		char *nl = strchr(out, '\n');

		if (nl)
			*nl = '\0';
		snprintf(err, errlen, "nft: %s",
			 rc < 0 ? "cannot run nft" : out);
		return -1;
	}
	g->active = 1;
	return 0;
}

void rstguard_remove(struct rstguard *g)
{
	char out[256];
	char *argv[] = { "nft", "delete", "table", "inet", g->table, NULL };

	if (!g->active)
		return;
	run_nft(NULL, argv, out, sizeof(out));
	g->active = 0;
}
