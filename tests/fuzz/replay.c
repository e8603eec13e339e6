/* replay.c -- runs a fuzz harness over files, for builds without libFuzzer. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

/*
 * Every input is run once, in name order, so a failure is reproducible.
 * One "ok - fuzz NAME: N inputs" line per harness is counted by
 * tools/check like the unit tests' lines; a crash (ASan, UBSan, abort)
 * is the test failing, and the last "# replay FILE" line names the input.
 */
static int run_file(const char *path, const char *label)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		printf("not ok - replay %s: cannot read\n", label);
		if (f)
			fclose(f);
		return 1;
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		printf("not ok - replay %s: cannot read\n", label);
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);
	printf("# replay %s\n", label);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int ninputs;

static int run_dir(const char *dir)
{
	struct dirent **ents;
	int n, i, bad = 0;
	char path[4096], label[600];

	n = scandir(dir, &ents, NULL, by_name);
	if (n < 0) {
		printf("not ok - replay %s: no corpus directory\n", dir);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 ents[i]->d_name);
			snprintf(label, sizeof(label), "%s/%.500s", fuzz_name,
				 ents[i]->d_name);
			bad += run_file(path, label);
			ninputs++;
		}
		free(ents[i]);
	}
	free(ents);
	return bad;
}

int main(int argc, char **argv)
{
	const char *src = getenv("FATHOM_SRCDIR");
	char dir[4096];
	struct stat st;
	int i, bad = 0;

	if (argc < 2) {
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s",
			 src ? src : ".", fuzz_name);
		bad = run_dir(dir);
	} else {
		for (i = 1; i < argc; i++) {
			if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
				bad += run_dir(argv[i]);
			} else {
				bad += run_file(argv[i], argv[i]);
				ninputs++;
			}
		}
	}
	if (ninputs == 0) {
		printf("not ok - fuzz %s: no inputs\n", fuzz_name);
		return 1;
	}
	printf("%s - fuzz %s: %d inputs replayed\n", bad ? "not ok" : "ok",
	       fuzz_name, ninputs);
	return bad ? 1 : 0;
}
