/* SPDX-License-Identifier: MIT */
/* Guides a box can trust (issue 14): a guide that would leave the viewer with nothing - every
 * programme outside the window (a stale guide, a wrong clock), only channels, times in 1970 or 2100,
 * a truncated file, a gzip stream cut in the middle, an entity bomb, a gzip bomb - never replaces the
 * guide in force, and `qanat epg import` says why in one line and exits non-zero; one bad byte (an
 * invalid UTF-8 sequence, a NUL) costs one character of one title, not the guide; a 16 kB title is
 * cut at a character boundary; programmes older than the catch-up window are swept after an import
 * and by a background refresh that failed; every error has its own sentence. The XMLTV files are
 * written at test time into the build tree. */
#include "epg.h"
#include "plat_http.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static char dir[512], db_path[600];

#define T0 1795348800LL /* 2026-11-22 12:00 UTC */
#define DAY 86400LL
#define CHANNELS 3

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "%s/epg-trust-XXXXXX", QANAT_TEST_TMP);
	assert_non_null(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/box.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void path_in(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void xmltv_time(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, cap, "%Y%m%d%H%M%S +0000", &tm);
}

/* A guide of CHANNELS channels, each with `count` hour-long programmes from `from`, titled
 * "<label> <channel> <n>". */
static void write_guide(const char *path, const char *label, int64_t from, int count)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tv SYSTEM \"xmltv.dtd\">\n<tv>\n", f);
	for (int c = 0; c < CHANNELS; c++)
		fprintf(f, "<channel id=\"c%d\"><display-name>Channel %d</display-name></channel>\n", c, c);
	for (int c = 0; c < CHANNELS; c++)
		for (int k = 0; k < count; k++) {
			char a[32], b[32];
			xmltv_time(from + k * 3600, a, sizeof(a));
			xmltv_time(from + (k + 1) * 3600, b, sizeof(b));
			fprintf(f,
				"<programme start=\"%s\" stop=\"%s\" channel=\"c%d\"><title>%s %d %d</title>"
				"</programme>\n",
				a, b, c, label, c, k);
		}
	fputs("</tv>\n", f);
	assert_int_equal(fclose(f), 0);
}

static void opts_at_t0(struct epg_import_opts *o)
{
	epg_import_opts_init(o);
	o->now = T0;
}

/* The box with the good guide in force: streams 1..3 mapped to c0..c2, 12 h of "Good" around T0. */
static struct store *with_good_guide(void)
{
	struct store *s = NULL;
	assert_int_equal(store_open(db_path, &s), 0);
	struct epg_map_row rows[CHANNELS] = { { 1, "c0", NULL }, { 2, "c1", NULL }, { 3, "c2", NULL } };
	assert_int_equal(epg_map_channels(s, rows, CHANNELS, NULL), 0);
	char good[700];
	path_in(good, sizeof(good), "good.xml");
	write_guide(good, "Good", T0 - 6 * 3600, 12);
	struct epg_import_opts o;
	opts_at_t0(&o);
	struct epg_import_stats st;
	assert_int_equal(epg_import(s, good, &o, &st), 0);
	assert_int_equal(st.programmes, CHANNELS * 12);
	return s;
}

/* The good guide is in force, whole: each stream has "Good <c> 6" on air at T0 and 36 programmes. */
static void assert_good_guide(struct store *s)
{
	int ids[CHANNELS] = { 1, 2, 3 };
	struct epg_now_next nn[CHANNELS];
	assert_int_equal(epg_now_next(s, ids, CHANNELS, T0 + 60, NULL, nn), 0);
	for (int c = 0; c < CHANNELS; c++) {
		char want[32];
		snprintf(want, sizeof(want), "Good %d 6", c);
		assert_true(nn[c].has_now);
		assert_string_equal(nn[c].now.title, want);
	}
	struct epg_slot slots[64];
	size_t n = 0;
	assert_int_equal(epg_guide_window(s, ids, CHANNELS, T0 - DAY, T0 + DAY, NULL, slots, 64, &n), 0);
	assert_int_equal(n, CHANNELS * 12);
}

static int64_t count_programmes(struct store *s, int64_t stop_before)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM epg_programme WHERE stop < ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, stop_before);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Runs `qanat epg import <source> --db <db> --now T0`; returns the exit status, stderr into err. */
static int run_cli(const char *source, char *err, size_t cap)
{
	char err_path[700], now[32];
	path_in(err_path, sizeof(err_path), "cli.err");
	snprintf(now, sizeof(now), "%lld", (long long)T0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int null = open("/dev/null", O_WRONLY);
		if (fd < 0 || null < 0)
			_exit(126);
		dup2(fd, 2);
		dup2(null, 1);
		execl(QANAT_BIN, QANAT_BIN, "epg", "import", source, "--db", db_path, "--now", now,
		      (char *)NULL);
		_exit(127);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	FILE *f = fopen(err_path, "r");
	assert_non_null(f);
	size_t n = fread(err, 1, cap - 1, f);
	err[n] = '\0';
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void test_stale_guide_keeps_the_good_one(void **state)
{
	struct store *s = with_good_guide();
	char stale[700];
	path_in(stale, sizeof(stale), "stale.xml");
	write_guide(stale, "Stale", T0 - 30 * DAY, 48); /* a month old: all before the 7-day window */
	struct epg_import_opts o;
	opts_at_t0(&o);
	struct epg_import_stats st;
	assert_int_equal(epg_import(s, stale, &o, &st), EPG_E_STALE);
	assert_int_equal(st.out_of_window, CHANNELS * 48);
	assert_good_guide(s);

	/* the same from a clock 30 days fast: every programme is in the past */
	char fresh[700];
	path_in(fresh, sizeof(fresh), "fresh.xml");
	write_guide(fresh, "Fresh", T0 - 3600, 24);
	o.now = T0 + 30 * DAY;
	assert_int_equal(epg_import(s, fresh, &o, NULL), EPG_E_STALE);
	assert_good_guide(s);
	store_close(&s);

	/* the CLI: non-zero, and its one line (after the log's) says why and that the guide stays */
	char err[4096];
	int code = run_cli(stale, err, sizeof(err));
	printf("qanat epg import stale.xml: exit %d, stderr:\n%s", code, err);
	assert_int_not_equal(code, 0);
	const char *line = strstr(err, "qanat: epg import ");
	assert_non_null(line);
	assert_null(strstr(line + 1, "qanat: epg import ")); /* said once */
	const char *end = strchr(line, '\n');
	assert_non_null(end);
	assert_int_equal(end[1], '\0'); /* the last line */
	char said[1024];
	snprintf(said, sizeof(said), "%.*s", (int)(end - line), line);
	assert_non_null(strstr(said, "none of its programmes are in the guide window"));
	assert_non_null(strstr(said, "the guide in force is kept"));
	assert_int_equal(store_open(db_path, &s), 0);
	assert_good_guide(s);
	store_close(&s);
}

/* Hostile guides, each refused with its own code while the good guide stays in force. */
struct hostile {
	const char *name;
	int want;
	char *data;
	size_t len;
};

static char *dup_text(const char *t)
{
	char *p = strdup(t);
	assert_non_null(p);
	return p;
}

static char *gzip_of(const char *text, size_t *len)
{
	size_t cap = strlen(text) + 1024;
	unsigned char *out = malloc(cap);
	assert_non_null(out);
	z_stream z = { 0 };
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)strlen(text);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*len = z.total_out;
	deflateEnd(&z);
	return (char *)out;
}

static const char channels_only[] = "<?xml version=\"1.0\"?><tv><channel id=\"c0\"><display-name>Zero"
				    "</display-name></channel><channel id=\"c1\"/></tv>";

static const char good_text[] =
    "<?xml version=\"1.0\"?><tv><channel id=\"c0\"><display-name>Zero</display-name></channel>"
    "<programme start=\"20261122110000 +0000\" stop=\"20261122130000 +0000\" channel=\"c0\">"
    "<title>Whole</title></programme><programme start=\"20261122130000 +0000\" "
    "stop=\"20261122140000 +0000\" channel=\"c0\"><title>Whole too</title></programme></tv>\n";

static void test_hostile_guides_never_replace_the_good_one(void **state)
{
	struct store *s = with_good_guide();
	size_t gz_len = 0;
	char *gz = gzip_of(good_text, &gz_len);
	struct hostile cases[] = {
		{ "only channels", EPG_E_EMPTY, dup_text(channels_only), 0 },
		{ "nothing inside <tv>", EPG_E_EMPTY, dup_text("<tv></tv>"), 0 },
		{ "times in 1970 and 2100", EPG_E_STALE,
		  dup_text("<tv><programme start=\"19700101010000 +0000\" stop=\"19700101020000 +0000\" "
			   "channel=\"c0\"><title>Epoch</title></programme><programme "
			   "start=\"21000101000000 +0000\" stop=\"21000101010000 +0000\" channel=\"c0\">"
			   "<title>Future</title></programme></tv>"),
		  0 },
		{ "no valid time at all", EPG_E_INVALID,
		  dup_text("<tv><programme start=\"19700101000000 +0000\" stop=\"19700101010000 +0000\" "
			   "channel=\"c0\"><title>Zero</title></programme><programme start=\"soon\" "
			   "stop=\"later\" channel=\"c0\"><title>Words</title></programme></tv>"),
		  0 },
		{ "programmes on no channel of the box", EPG_E_NOMATCH,
		  dup_text("<tv><programme start=\"20261122110000 +0000\" stop=\"20261122130000 +0000\" "
			   "channel=\"elsewhere\"><title>Elsewhere</title></programme></tv>"),
		  0 },
		{ "a truncated file", EPG_E_XML, strndup(good_text, sizeof(good_text) / 2), 0 },
		{ "a gzip stream cut in the middle", EPG_E_GZIP, gz, gz_len / 2 },
		{ "billion laughs", EPG_E_ENTITY,
		  dup_text("<?xml version=\"1.0\"?><!DOCTYPE tv [<!ENTITY a \"lol\"><!ENTITY b "
			   "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
			   "]><tv><programme start=\"20261122110000 +0000\" stop=\"20261122130000 +0000\" "
			   "channel=\"c0\"><title>&c;</title></programme></tv>"),
		  0 },
		{ "an internal DTD subset without entities", EPG_E_ENTITY,
		  dup_text("<?xml version=\"1.0\"?><!DOCTYPE tv [<!ELEMENT tv ANY>]><tv><programme "
			   "start=\"20261122110000 +0000\" stop=\"20261122130000 +0000\" channel=\"c0\">"
			   "<title>Subset</title></programme></tv>"),
		  0 },
		{ "an HTML error page", EPG_E_NOTXMLTV, dup_text("<html><body>502 Bad Gateway</body></html>"),
		  0 },
		{ "NUL bytes only", EPG_E_XML, calloc(1, 4096), 4096 },
	};
	struct epg_import_opts o;
	opts_at_t0(&o);
	o.only_mapped = true; /* as the box imports: only its channels */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hostile *h = &cases[i];
		assert_non_null(h->data);
		size_t len = h->len ? h->len : strlen(h->data);
		int rc = epg_import_buffer(s, h->data, len, &o, NULL);
		printf("%-40s -> %d: %s\n", h->name, rc, epg_strerror(rc));
		if (rc != h->want)
			fail_msg("%s: %d (%s), expected %d (%s)", h->name, rc, epg_strerror(rc), h->want,
				 epg_strerror(h->want));
		assert_good_guide(s);
		free(h->data);
	}
	/* and the intact gzip of a good guide still replaces it */
	gz = gzip_of(good_text, &gz_len);
	struct epg_import_stats st;
	assert_int_equal(epg_import_buffer(s, gz, gz_len, &o, &st), 0);
	assert_int_equal(st.programmes, 2);
	free(gz);
	store_close(&s);
}

/* The details of the programme on air for stream 1 at t. */
static void details_at(struct store *s, int64_t t, struct epg_details *d)
{
	int id = 1;
	struct epg_now_next nn;
	assert_int_equal(epg_now_next(s, &id, 1, t, NULL, &nn), 0);
	assert_true(nn.has_now);
	assert_int_equal(epg_programme_details(s, nn.now.id, NULL, d), 0);
}

static void test_bad_bytes_cost_one_character(void **state)
{
	struct store *s = with_good_guide();
	/* four programmes on c0 from 10:00, one an hour: a Latin-1 byte, a NUL and an overlong slash in
	 * titles, a sequence cut by the end of the description; the Arabic title is untouched */
	static const char text[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><tv><channel id=\"c0\"><display-name>Zero"
	    "</display-name></channel>"
	    "<programme start=\"20261122100000 +0000\" stop=\"20261122110000 +0000\" channel=\"c0\">"
	    "<title>Caf\xE9 Noir</title><desc>Good desc</desc></programme>"
	    "<programme start=\"20261122110000 +0000\" stop=\"20261122120000 +0000\" channel=\"c0\">"
	    "<title lang=\"ar\">\xD8\xA3\xD8\xAE\xD8\xA8\xD8\xA7\xD8\xB1</title></programme>"
	    "<programme start=\"20261122120000 +0000\" stop=\"20261122130000 +0000\" channel=\"c0\">"
	    "<title>Nul\x00here and \xC0\xAF</title><desc>cut \xE2\x82</desc></programme>"
	    "<programme start=\"20261122130000 +0000\" stop=\"20261122140000 +0000\" channel=\"c0\">"
	    "<title>Plain</title></programme></tv>";
	struct epg_import_opts o;
	opts_at_t0(&o);
	struct epg_import_stats st;
	assert_int_equal(epg_import_buffer(s, text, sizeof(text) - 1, &o, &st), 0);
	assert_int_equal(st.programmes, 4);
	assert_int_equal(st.repaired, 5); /* E9; NUL; C0, AF; the cut E2 82 */
	struct epg_details d;
	details_at(s, T0 - 2 * 3600 + 60, &d);
	assert_string_equal(d.slot.title, "Caf\xEF\xBF\xBD Noir");
	assert_string_equal(d.desc, "Good desc");
	details_at(s, T0 - 3600 + 60, &d);
	assert_string_equal(d.slot.title, "\xD8\xA3\xD8\xAE\xD8\xA8\xD8\xA7\xD8\xB1");
	details_at(s, T0 + 60, &d);
	assert_string_equal(d.slot.title, "Nul\xEF\xBF\xBDhere and \xEF\xBF\xBD\xEF\xBF\xBD");
	assert_string_equal(d.desc, "cut \xEF\xBF\xBD");
	details_at(s, T0 + 3600 + 60, &d);
	assert_string_equal(d.slot.title, "Plain");
	store_close(&s);
}

/* True when s is well-formed UTF-8. */
static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80             ? 0
			: (*p & 0xE0) == 0xC0 ? 1
			: (*p & 0xF0) == 0xE0 ? 2
			: (*p & 0xF8) == 0xF0 ? 3
					      : -1;
		if (n < 0)
			return false;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return false;
	}
	return true;
}

static void test_16k_title_is_cut_at_a_character(void **state)
{
	struct store *s = with_good_guide();
	size_t cap = 64 * 1024;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t n =
	    (size_t)snprintf(text, cap,
			     "<tv><programme start=\"20261122110000 +0000\" stop=\"20261122130000 +0000\" "
			     "channel=\"c0\"><title lang=\"ar\">");
	for (int i = 0; i < 8192; i++) { /* 16 kB of two-byte letters: the cap falls inside one */
		memcpy(text + n, "\xD8\xB3", 2);
		n += 2;
	}
	n += (size_t)snprintf(text + n, cap - n, "</title></programme></tv>");
	struct epg_import_opts o;
	opts_at_t0(&o);
	assert_int_equal(epg_import_buffer(s, text, n, &o, NULL), 0);
	struct epg_details d;
	details_at(s, T0 + 60, &d);
	assert_int_equal(strlen(d.slot.title), EPG_TITLE_MAX - 2); /* 255 whole letters of 511 bytes */
	assert_true(utf8_valid(d.slot.title));
	assert_memory_equal(d.slot.title, "\xD8\xB3\xD8\xB3", 4);
	free(text);
	store_close(&s);
}

static long peak_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A gzip of an XMLTV shell around `zeros` bytes of '0' in one description: a few MB on disk. */
static void write_gzip_bomb(const char *path, uint64_t zeros)
{
	gzFile g = gzopen(path, "wb9");
	assert_non_null(g);
	gzputs(g, "<?xml version=\"1.0\"?><tv><channel id=\"c0\"/><programme start=\"20261122110000 +0000\" "
		  "stop=\"20261122130000 +0000\" channel=\"c0\"><title>Bomb</title><desc>");
	size_t chunk = 1u << 20;
	char *buf = malloc(chunk);
	assert_non_null(buf);
	memset(buf, '0', chunk);
	for (uint64_t left = zeros; left > 0;) {
		size_t n = left < chunk ? (size_t)left : chunk;
		assert_int_equal(gzwrite(g, buf, (unsigned)n), (int)n);
		left -= n;
	}
	free(buf);
	gzputs(g, "</desc></programme></tv>\n");
	assert_int_equal(gzclose(g), Z_OK);
}

static void test_gzip_bomb_stops_at_the_guide_cap(void **state)
{
	struct store *s = with_good_guide();
	uint64_t cap = plat_http_policy_for(PLAT_HTTP_GUIDE)->max_decoded;
	char bomb[700];
	path_in(bomb, sizeof(bomb), "bomb.xml.gz");
	write_gzip_bomb(bomb, cap + (64u << 20));
	FILE *f = fopen(bomb, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long gz_size = ftell(f);
	fclose(f);
	struct epg_import_opts o;
	opts_at_t0(&o);
	struct epg_import_stats st;
	long rss0 = peak_rss_kib();
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int rc = epg_import(s, bomb, &o, &st);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	long grew_mib = (peak_rss_kib() - rss0) / 1024;
	printf("gzip bomb: %ld bytes of gzip for %llu MiB of XML (cap %llu MiB): %s after %.1f s, "
	       "%llu MiB read, peak RSS +%ld MiB\n",
	       gz_size, (unsigned long long)((cap >> 20) + 64), (unsigned long long)(cap >> 20),
	       epg_strerror(rc), secs, (unsigned long long)(st.bytes_xml >> 20), grew_mib);
	assert_int_equal(rc, EPG_E_LARGE);
	assert_true(st.bytes_xml <= cap);
	assert_true(secs < 120);     /* bounded: it used to inflate all of it */
	assert_true(grew_mib < 128); /* streamed: never held whole */
	assert_good_guide(s);
	store_close(&s);
}

/* A short EPG answer for a stream with no guide channel: programmes 9 days and 1 hour old. */
static void add_short_epg(struct store *s)
{
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"epg_listings\":[{\"title\":\"Old\",\"channel_id\":\"short.one\",\"start_timestamp\":"
		 "\"%lld\",\"stop_timestamp\":\"%lld\"},{\"title\":\"Recent\",\"channel_id\":\"short.one\","
		 "\"start_timestamp\":\"%lld\",\"stop_timestamp\":\"%lld\"}]}",
		 (long long)(T0 - 9 * DAY), (long long)(T0 - 9 * DAY + 3600), (long long)(T0 - 3600),
		 (long long)T0 + 3600);
	size_t count = 0;
	assert_int_equal(epg_short_import(s, 9, json, strlen(json), NULL, &count), 0);
	assert_int_equal(count, 2);
}

static void test_old_programmes_are_swept(void **state)
{
	struct store *s = with_good_guide();
	/* after a successful import: the short EPG's programme of 9 days ago goes, the recent stays */
	add_short_epg(s);
	char good[700];
	path_in(good, sizeof(good), "good.xml");
	struct epg_import_opts o;
	opts_at_t0(&o);
	struct epg_import_stats st;
	assert_int_equal(count_programmes(s, T0 - 7 * DAY), 1);
	assert_int_equal(epg_import(s, good, &o, &st), 0);
	assert_int_equal(st.swept, 1);
	assert_int_equal(count_programmes(s, T0 - 7 * DAY), 0);
	assert_int_equal(count_programmes(s, INT64_MAX), CHANNELS * 12 + 1);
	assert_good_guide(s);

	/* a guide kept with --all holds two weeks of the past ... */
	char long_guide[700];
	path_in(long_guide, sizeof(long_guide), "long.xml");
	write_guide(long_guide, "Long", T0 - 14 * DAY - 6 * 3600, 14 * 24 + 12);
	o.days_back = o.days_forward = -1;
	assert_int_equal(epg_import(s, long_guide, &o, &st), 0);
	assert_int_equal(st.swept, 0);
	int64_t old = count_programmes(s, T0 - 7 * DAY);
	assert_int_equal(old, CHANNELS * 173); /* each channel's hours 0-172 end before T0 - 7 days */
	/* ... and a background refresh whose guide is refused (stale) sweeps it anyway */
	char stale[700];
	path_in(stale, sizeof(stale), "stale.xml");
	write_guide(stale, "Stale", T0 - 30 * DAY, 10);
	opts_at_t0(&o);
	struct epg_refresh *r = NULL;
	assert_int_equal(epg_refresh_start(db_path, stale, &o, &r), 0);
	assert_int_equal(epg_refresh_join(&r, &st), EPG_E_STALE);
	printf("refused refresh swept %lld programmes older than 7 days\n", (long long)st.swept);
	assert_int_equal(st.swept, old);
	assert_int_equal(count_programmes(s, T0 - 7 * DAY), 0);
	/* the last 7 days and what is ahead stay the guide in force (and the short EPG's recent one) */
	assert_int_equal(count_programmes(s, INT64_MAX), CHANNELS * (14 * 24 + 12 - 173) + 1);
	int ids[CHANNELS] = { 1, 2, 3 };
	struct epg_now_next nn[CHANNELS];
	assert_int_equal(epg_now_next(s, ids, CHANNELS, T0 + 60, NULL, nn), 0);
	assert_true(nn[2].has_now);
	assert_string_equal(nn[2].now.title, "Long 2 342");
	store_close(&s);
}

static void test_every_error_has_its_own_sentence(void **state)
{
	static const int codes[] = {
		EPG_E_XML,
		EPG_E_ENTITY,
		EPG_E_GZIP,
		EPG_E_TOOBIG,
		EPG_E_HTTP,
		EPG_E_NOTXMLTV,
		EPG_E_EMPTY,
		EPG_E_STALE,
		EPG_E_NOMATCH,
		EPG_E_INVALID,
		EPG_E_LARGE,
		PLAT_HTTP_ERESOLVE,
		PLAT_HTTP_ECONNECT,
		PLAT_HTTP_ETIMEDOUT,
		PLAT_HTTP_ESTALLED,
		PLAT_HTTP_ECUT,
		PLAT_HTTP_ETOOBIG,
		PLAT_HTTP_EBOMB,
		PLAT_HTTP_EUNTRUSTED,
		PLAT_HTTP_ETLS,
		PLAT_HTTP_EREDIRECTS,
		PLAT_HTTP_EREDIRECT_REFUSED,
		PLAT_HTTP_EBADURL,
		PLAT_HTTP_EBADREPLY,
		PLAT_HTTP_ECANCELED,
		PLAT_HTTP_ENOMEM,
		PLAT_HTTP_EIO,
		-ENOENT,
		-EACCES,
		-ENOSPC,
		-EBUSY,
	};
	size_t n = sizeof(codes) / sizeof(codes[0]);
	const char *fallback = epg_strerror(-12345);
	for (size_t i = 0; i < n; i++) {
		const char *a = epg_strerror(codes[i]);
		if (a == fallback || strcmp(a, fallback) == 0 || strstr(a, "nknown"))
			fail_msg("code %d has no sentence of its own: %s", codes[i], a);
		for (size_t j = 0; j < i; j++)
			if (strcmp(a, epg_strerror(codes[j])) == 0)
				fail_msg("codes %d and %d share \"%s\"", codes[i], codes[j], a);
	}
	assert_string_equal(epg_strerror(PLAT_HTTP_EUNTRUSTED),
			    "the guide server's certificate is not trusted");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stale_guide_keeps_the_good_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_guides_never_replace_the_good_one, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_bytes_cost_one_character, setup, teardown),
		cmocka_unit_test_setup_teardown(test_16k_title_is_cut_at_a_character, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gzip_bomb_stops_at_the_guide_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_programmes_are_swept, setup, teardown),
		cmocka_unit_test(test_every_error_has_its_own_sentence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
