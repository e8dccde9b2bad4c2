/* SPDX-License-Identifier: MIT */
/* The EPG benchmark's own process: the import engine without the rest of qanat (whose FFmpeg, SDL and
 * font libraries alone make ~40 MB of resident shared pages), so peak RSS measures the engine; and
 * the guide-window query timed many times. Built by tests/bench/epg/run, not by CMake.
 *   epg_bench_tool import FILE DB        -> one JSON line (programmes, seconds, CPU, peak RSS)
 *   epg_bench_tool guide DB CHANNELS N   -> median/p95 latency of 20 channels x 4 hours, N runs */
#include "epg.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int do_import(const char *file, const char *db)
{
	struct store *s = NULL;
	if (store_open(db, &s) < 0)
		return 1;
	struct epg_import_opts o;
	epg_import_opts_init(&o);
	o.days_back = o.days_forward = -1;
	struct epg_import_stats st;
	int rc = epg_import(s, file, &o, &st);
	store_close(&s);
	if (rc < 0) {
		fprintf(stderr, "import: %s\n", epg_strerror(rc));
		return 1;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	printf("{\"programmes\":%lld,\"channels\":%lld,\"seconds\":%.3f,\"cpu_seconds\":%.3f,"
	       "\"programmes_per_second\":%.0f,\"programmes_per_cpu_second\":%.0f,\"peak_rss_mib\":%.1f,"
	       "\"gzip\":%s}\n",
	       (long long)st.programmes, (long long)st.channels, st.seconds, cpu,
	       (double)st.programmes / st.seconds, (double)st.programmes / cpu, (double)ru.ru_maxrss / 1024.0,
	       st.gzip ? "true" : "false");
	return 0;
}

static int do_guide(const char *db, int channels, int runs)
{
	struct store *s = NULL;
	if (store_open(db, &s) < 0)
		return 1;
	/* the library maps stream i to the generator's channel "ch<i>.bench" */
	struct epg_map_row *rows = calloc((size_t)channels, sizeof(*rows));
	char(*keys)[32] = calloc((size_t)channels, sizeof(*keys));
	for (int i = 0; i < channels; i++) {
		snprintf(keys[i], sizeof(keys[i]), "ch%d.bench", i);
		rows[i] = (struct epg_map_row){ i + 1, keys[i], NULL };
	}
	epg_map_channels(s, rows, (size_t)channels, NULL);
	/* the guide's time span, to put windows inside it */
	sqlite3_stmt *q = NULL;
	sqlite3_prepare_v2(store_db(s), "SELECT min(start), max(stop) FROM epg_programme", -1, &q, NULL);
	sqlite3_step(q);
	long long lo = sqlite3_column_int64(q, 0), hi = sqlite3_column_int64(q, 1);
	sqlite3_finalize(q);
	double *lat = calloc((size_t)runs, sizeof(*lat));
	struct epg_slot *slots = calloc(1024, sizeof(*slots));
	size_t total = 0;
	srand(7);
	for (int r = 0; r < runs; r++) {
		int ids[20];
		int first = rand() % (channels - 20);
		for (int i = 0; i < 20; i++)
			ids[i] = first + i + 1;
		long long t0 = lo + (long long)(((double)rand() / RAND_MAX) * (double)(hi - lo - 4 * 3600));
		size_t n = 0;
		double a = now_s();
		epg_guide_window(s, ids, 20, t0, t0 + 4 * 3600, "ar", slots, 1024, &n);
		lat[r] = (now_s() - a) * 1e6;
		total += n;
	}
	qsort(lat, (size_t)runs, sizeof(*lat), cmp_double);
	printf("{\"runs\":%d,\"median_us\":%.0f,\"p95_us\":%.0f,\"slots_per_query\":%.1f}\n", runs,
	       lat[runs / 2], lat[runs * 95 / 100], (double)total / runs);
	free(lat);
	free(slots);
	free(rows);
	free(keys);
	store_close(&s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "import") == 0)
		return do_import(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "guide") == 0)
		return do_guide(argv[2], (int)strtol(argv[3], NULL, 10), (int)strtol(argv[4], NULL, 10));
	fprintf(stderr, "usage: epg_bench_tool import FILE DB | guide DB CHANNELS RUNS\n");
	return 2;
}
