/* SPDX-License-Identifier: MIT */
/* 100 MB of XMLTV on one line (as XC2 panels write it), generated at test time in the build
 * directory, imported from the file and gzipped: every programme arrives, and (in builds without
 * sanitizers, whose allocators keep freed memory) the process grows by far less than the file. */
#include "epg.h"
#include "store.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define T0 1795348800LL
#define CHANNELS 500
#define TARGET_BYTES (100LL << 20)

static long peak_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Writes the one-line guide through f (a FILE or a gzFile writer); returns the programme count. */
static long long write_line(void *out, int (*put)(void *, const char *, size_t))
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf),
			 "<?xml version=\"1.0\" encoding=\"utf-8\" ?><tv generator-info-name=\"XC\">");
	long long bytes = put(out, buf, (size_t)n), count = 0;
	for (int c = 0; c < CHANNELS; c++) {
		n = snprintf(buf, sizeof(buf),
			     "<channel id=\"ch%d.one\"><display-name>One %d</display-name></channel>", c, c);
		bytes += put(out, buf, (size_t)n);
	}
	for (long long k = 0; bytes < TARGET_BYTES; k++) {
		for (int c = 0; c < CHANNELS && bytes < TARGET_BYTES; c++) {
			time_t a = (time_t)(T0 - 86400 + k * 900), b = a + 900;
			struct tm ta, tb;
			gmtime_r(&a, &ta);
			gmtime_r(&b, &tb);
			char sa[32], sb[32];
			strftime(sa, sizeof(sa), "%Y%m%d%H%M%S +0000", &ta);
			strftime(sb, sizeof(sb), "%Y%m%d%H%M%S +0000", &tb);
			n = snprintf(
			    buf, sizeof(buf),
			    "<programme start=\"%s\" stop=\"%s\" channel=\"ch%d.one\"><title "
			    "lang=\"en\">Show %lld"
			    "</title><desc lang=\"en\">A programme long enough to look like a real guide "
			    "entry, "
			    "number %lld on channel %d.</desc><category lang=\"en\">Magazine</category>"
			    "</programme>",
			    sa, sb, c, k, k, c);
			bytes += put(out, buf, (size_t)n);
			count++;
		}
	}
	bytes += put(out, "</tv>", 5);
	return count;
}

static int put_file(void *f, const char *s, size_t n)
{
	return (int)fwrite(s, 1, n, f);
}

static int put_gz(void *f, const char *s, size_t n)
{
	return gzwrite(f, s, (unsigned)n);
}

static void import_and_check(const char *file, const char *db, long long count, bool gzip)
{
	struct store *s = NULL;
	assert_int_equal(store_open(db, &s), 0);
	struct epg_import_opts o;
	epg_import_opts_init(&o);
	o.now = T0;
	o.days_back = o.days_forward = -1;
	struct epg_import_stats st;
	long before = peak_kib();
	assert_int_equal(epg_import(s, file, &o, &st), 0);
	long grown = peak_kib() - before;
	assert_int_equal(st.programmes, count);
	assert_int_equal(st.channels, CHANNELS);
	assert_int_equal(st.gzip, gzip);
	assert_true(st.bytes_xml >= (uint64_t)TARGET_BYTES);
	printf("%s: %lld programmes in %.2f s (swap transaction %.1f ms), peak RSS grew by %ld KiB\n", file,
	       (long long)st.programmes, st.seconds, st.swap_seconds * 1000, grown);
	assert_true(st.swap_seconds > 0);
#if !defined(__SANITIZE_ADDRESS__) && !defined(QANAT_SANITIZED)
	assert_true(grown < 32 * 1024);
#endif
	int id = 7;
	struct epg_map_row row = { 7, "CH7.ONE", NULL };
	assert_int_equal(epg_map_channels(s, &row, 1, NULL), 0);
	struct epg_now_next nn;
	assert_int_equal(epg_now_next(s, &id, 1, T0, NULL, &nn), 0);
	assert_true(nn.has_now);
	assert_string_equal(nn.now.title, "Show 96");
	store_close(&s);
}

static void test_one_line_100mb(void **state)
{
	const char *file = "epg-one-line.xml", *gz = "epg-one-line.xml.gz";
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	long long count = write_line(f, put_file);
	assert_int_equal(fclose(f), 0);
	gzFile g = gzopen(gz, "wb1");
	assert_non_null(g);
	assert_int_equal(write_line(g, put_gz), count);
	assert_int_equal(gzclose(g), Z_OK);

	unlink("epg-one-line.db");
	import_and_check(file, "epg-one-line.db", count, false);
	import_and_check(gz, "epg-one-line.db", count, true);
	unlink(file);
	unlink(gz);
	unlink("epg-one-line.db");
	unlink("epg-one-line.db-wal");
	unlink("epg-one-line.db-shm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_line_100mb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
