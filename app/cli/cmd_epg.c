/* SPDX-License-Identifier: MIT */
/* `qanat epg import FILE|URL [--db FILE]`: imports an XMLTV guide (plain or gzip, file, "-" for stdin,
 * or http(s) URL) into the database and prints programmes, channels, seconds, programmes per second
 * and the peak memory of the process (ARCHITECTURE.md section 6). The benchmark and support staff
 * use it; the UI runs the same import from a worker. A guide the import refuses (no programme in the
 * window, damaged, too large...) leaves the guide in force: one line on stderr says why, exit 1. */
#include "app_commands.h"
#include "app_paths.h"
#include "epg.h"
#include "plat_redact.h"
#include "store.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: qanat epg import FILE|URL [--db FILE] [--zone ZONE] [--offset SECONDS] [--lang LANG]\n"
	    "                        [--days-back N] [--days-forward N] [--all] [--now UNIXTIME] [--json]\n"
	    "  --db        the database (default: the box's, see qanat --help)\n"
	    "  --zone      the panel's time zone for times without an offset (IANA name)\n"
	    "  --all       keep every programme, whatever its date\n");
}

static bool parse_long(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static long peak_rss_kib(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void print_stats(const struct epg_import_stats *st, long before_kib, bool json)
{
	double rate = st->seconds > 0 ? (double)st->programmes / st->seconds : 0;
	double peak_mib = (double)peak_rss_kib() / 1024.0, before_mib = (double)before_kib / 1024.0;
	if (json) {
		json_t *o = json_pack(
		    "{s:I,s:I,s:f,s:f,s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:I,s:I}", "programmes",
		    (json_int_t)st->programmes, "channels", (json_int_t)st->channels, "seconds", st->seconds,
		    "programmes_per_second", rate, "peak_rss_mib", peak_mib, "rss_before_import_mib",
		    before_mib, "duplicates", (json_int_t)st->duplicates, "rejected",
		    (json_int_t)st->rejected, "out_of_window", (json_int_t)st->out_of_window, "filtered",
		    (json_int_t)st->filtered, "resumed_from", (json_int_t)st->resumed_from, "bytes_in",
		    (json_int_t)st->bytes_in, "bytes_xml", (json_int_t)st->bytes_xml, "gzip", st->gzip,
		    "swept", (json_int_t)st->swept, "repaired", (json_int_t)st->repaired);
		char *text = json_dumps(o, JSON_COMPACT);
		puts(text ? text : "{}");
		free(text);
		json_decref(o);
		return;
	}
	printf("programmes          %lld\n", (long long)st->programmes);
	printf("channels            %lld\n", (long long)st->channels);
	printf("seconds             %.3f\n", st->seconds);
	printf("programmes/second   %.0f\n", rate);
	printf("peak memory         %.1f MiB (%.1f MiB before the import: the program and its libraries)\n",
	       peak_mib, before_mib);
	printf("input               %llu bytes%s, %llu bytes of XML\n", (unsigned long long)st->bytes_in,
	       st->gzip ? " gzip" : "", (unsigned long long)st->bytes_xml);
	printf("dropped             %lld duplicates, %lld invalid, %lld outside the window, %lld filtered\n",
	       (long long)st->duplicates, (long long)st->rejected, (long long)st->out_of_window,
	       (long long)st->filtered);
	if (st->repaired)
		printf("repaired            %llu ill-formed or forbidden characters replaced by U+FFFD\n",
		       (unsigned long long)st->repaired);
	if (st->swept)
		printf("swept               %lld programmes older than the catch-up window\n",
		       (long long)st->swept);
	if (st->resumed_from)
		printf("resumed             after %lld programmes of an interrupted import\n",
		       (long long)st->resumed_from);
}

static int cmd_import(int argc, char **argv, bool json)
{
	const char *source = NULL, *db = NULL;
	struct epg_import_opts o;
	epg_import_opts_init(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long long n;
		if (strcmp(a, "--all") == 0) {
			o.days_back = o.days_forward = -1;
			continue;
		}
		if (a[0] == '-' && a[1] == '-' && !v) {
			fprintf(stderr, "qanat: epg import: %s needs a value\n", a);
			return 2;
		}
		if (strcmp(a, "--db") == 0) {
			db = v;
		} else if (strcmp(a, "--operator") == 0) {
			/* main() applied its ca_file before the command ran */
		} else if (strcmp(a, "--zone") == 0) {
			o.zone = v;
		} else if (strcmp(a, "--lang") == 0) {
			o.lang = v;
		} else if (strcmp(a, "--offset") == 0 && parse_long(v, -86400, 86400, &n)) {
			o.zone_offset_s = (int)n;
		} else if (strcmp(a, "--days-back") == 0 && parse_long(v, -1, 3650, &n)) {
			o.days_back = (int)n;
		} else if (strcmp(a, "--days-forward") == 0 && parse_long(v, -1, 3650, &n)) {
			o.days_forward = (int)n;
		} else if (strcmp(a, "--now") == 0 && parse_long(v, 0, INT64_MAX / 2, &n)) {
			o.now = n;
		} else if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "qanat: epg import: bad option %s %s\n", a, v);
			usage();
			return 2;
		} else if (!source) {
			source = a;
			continue;
		} else {
			usage();
			return 2;
		}
		i++;
	}
	if (!source) {
		usage();
		return 2;
	}
	char dbpath[600];
	if (!db && app_paths_db(dbpath, sizeof(dbpath)) < 0) {
		fprintf(stderr, "qanat: epg import: no place for the database; give --db FILE\n");
		return 1;
	}
	db = db ? db : dbpath;
	struct store *s = NULL;
	int rc = store_open(db, &s);
	if (rc < 0) {
		fprintf(stderr, "qanat: epg import: cannot open the database %s: %s\n", db, strerror(-rc));
		return 1;
	}
	struct epg_import_stats st;
	long before_kib = peak_rss_kib();
	rc = epg_import(s, source, &o, &st);
	store_close(&s);
	if (rc < 0) {
		char shown[512];
		if (strncmp(source, "http", 4) == 0)
			plat_redact_url(source, shown, sizeof(shown));
		else
			snprintf(shown, sizeof(shown), "%s", source);
		/* the import is a staged swap: whatever failed, the guide in force did not change */
		fprintf(stderr, "qanat: epg import %s: %s; the guide in force is kept\n", shown,
			epg_strerror(rc));
		return 1;
	}
	print_stats(&st, before_kib, json);
	return 0;
}

int app_cmd_epg(int argc, char **argv, bool json)
{
	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return cmd_import(argc - 1, argv + 1, json);
	usage();
	return 2;
}
