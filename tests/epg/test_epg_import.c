/* SPDX-License-Identifier: MIT */
/* The guide a viewer sees after an import, from real XMLTV bytes into a real SQLite file: now/next,
 * the guide window, details in the UI language, search, channel mapping (id trimmed and any case,
 * then display name), the keep set and the time window, duplicates/overlaps/bad times/unknown
 * channels, shifts, the short EPG, and bad input that must leave the previous guide untouched. */
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
#include <zlib.h>

static char dir[64];
static char path[128];

/* 2026-11-22 12:00:00 UTC */
#define T0 1795348800LL

static const char guide[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE tv SYSTEM \"xmltv.dtd\">\n"
    "<tv generator-info-name=\"test\">\n"
    "<channel id=\"News24.Example\"><display-name>News 24</display-name><icon "
    "src=\"http://l/n.png\"/></channel>\n"
    "<channel id=\"sport.example\"><display-name lang=\"en\">Sport One</display-name></channel>\n"
    "<channel id=\"kids.example\"><display-name>Kids</display-name></channel>\n"
    /* News: 12:00-13:00 in +04:00 is 08:00-09:00 UTC ... we use UTC-based offsets below */
    "<programme start=\"20261122150000 +0300\" stop=\"20261122160000 +0300\" channel=\"news24.example\">"
    "<title lang=\"en\">Evening News</title><title lang=\"ar\">أخبار المساء</title>"
    "<sub-title lang=\"en\">Headlines</sub-title>"
    "<desc lang=\"en\">The day in review.</desc><desc lang=\"ar\">حصاد اليوم</desc>"
    "<category lang=\"en\">News</category><category lang=\"en\">Current affairs</category>"
    "<episode-num system=\"xmltv_ns\">1.4.0/1</episode-num><icon src=\"http://i/e.png\"/>"
    "<rating system=\"MPAA\"><value>PG</value></rating></programme>\n"
    "<programme start=\"20261122130000 +0000\" stop=\"20261122140000 +0000\" channel=\"NEWS24.example \">"
    "<title>Business Hour</title></programme>\n"
    /* the same programme again: dropped */
    "<programme start=\"20261122130000 +0000\" stop=\"20261122140000 +0000\" channel=\"news24.example\">"
    "<title>Business Hour (again)</title></programme>\n"
    /* sport: two overlapping programmes, the first runs 30 minutes into the second */
    "<programme start=\"20261122110000 +0000\" stop=\"20261122123000 +0000\" channel=\"sport.example\">"
    "<title>Match of the Day</title><episode-num system=\"onscreen\">Round 5</episode-num></programme>\n"
    "<programme start=\"20261122120000 +0000\" stop=\"20261122130000 +0000\" channel=\"sport.example\">"
    "<title>Top-Hits Live</title></programme>\n"
    /* stop before start, no stop, a bad date, no channel: all rejected */
    "<programme start=\"20261122140000 +0000\" stop=\"20261122133000 +0000\" channel=\"sport.example\">"
    "<title>Backwards</title></programme>\n"
    "<programme start=\"20261122150000 +0000\" channel=\"sport.example\"><title>Open "
    "end</title></programme>\n"
    "<programme start=\"2026-11-22\" stop=\"20261122170000 +0000\" "
    "channel=\"sport.example\"><title>Bad</title>"
    "</programme>\n"
    "<programme start=\"20261122150000 +0000\" stop=\"20261122160000 +0000\"><title>Nowhere</title>"
    "</programme>\n"
    /* a channel nobody declared: kept (under its id) unless a keep set excludes it */
    "<programme start=\"20261122110000 +0000\" stop=\"20261122130000 +0000\" channel=\"ghost.example\">"
    "<title>Ghost Show</title></programme>\n"
    /* a week away and a month ago: outside a 7-day window */
    "<programme start=\"20261222110000 +0000\" stop=\"20261222130000 +0000\" channel=\"kids.example\">"
    "<title>Far Future</title></programme>\n"
    "<programme start=\"20261022110000 +0000\" stop=\"20261022130000 +0000\" channel=\"kids.example\">"
    "<title>Long Ago</title></programme>\n"
    /* no offset: the panel's zone (Asia/Dubai, +04:00) */
    "<programme start=\"20261122150000\" stop=\"20261122170000\" channel=\"kids.example\">"
    "<title>Cartoon Time</title></programme>\n"
    "</tv>\n";

static const struct epg_map_row library[] = {
	{ 1, "  news24.EXAMPLE ", "News 24 HD" }, /* by id, trimmed, any case */
	{ 2, "", "SPORT ONE" },                   /* by display name */
	{ 3, "kids.example", "Kids" },
	{ 4, "missing.example", "Missing" }, /* nothing in the guide */
	{ 5, "ghost.example", "Ghost" },
};

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/qanat-epg-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/box.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void opts_for_test(struct epg_import_opts *o)
{
	epg_import_opts_init(o);
	o->zone = "Asia/Dubai";
	o->now = T0;
	o->days_back = 7;
	o->days_forward = 7;
}

static struct store *open_with_guide(struct epg_import_stats *st)
{
	struct store *s = NULL;
	assert_int_equal(store_open(path, &s), 0);
	struct epg_import_opts o;
	opts_for_test(&o);
	assert_int_equal(epg_map_channels(s, library, 5, NULL), 0);
	assert_int_equal(epg_import_buffer(s, guide, sizeof(guide) - 1, &o, st), 0);
	return s;
}

static void test_import_counts(void **state)
{
	struct epg_import_stats st;
	struct store *s = open_with_guide(&st);
	assert_int_equal(st.programmes, 6); /* 2 news, 2 sport, ghost, cartoon */
	assert_int_equal(st.channels, 4);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.rejected, 4);
	assert_int_equal(st.out_of_window, 2);
	assert_false(st.gzip);
	size_t matched = 0;
	assert_int_equal(epg_map_channels(s, library, 5, &matched), 0);
	assert_int_equal(matched, 4); /* all but missing.example */
	store_close(&s);
}

static void test_now_next_and_languages(void **state)
{
	struct store *s = open_with_guide(NULL);
	int ids[] = { 1, 2, 3, 4, 5, 99 };
	struct epg_now_next nn[6];
	assert_int_equal(epg_now_next(s, ids, 6, T0 + 30 * 60, NULL, nn), 0);
	/* news at 12:30 UTC: 15:00 +0300 is 12:00 UTC; Business Hour at 13:00 is next */
	assert_true(nn[0].has_now);
	assert_string_equal(nn[0].now.title, "Evening News");
	assert_int_equal(nn[0].now.start, T0);
	assert_true(nn[0].has_next);
	assert_string_equal(nn[0].next.title, "Business Hour");
	assert_int_equal(nn[0].next.start, T0 + 3600);
	/* sport matched by display name; the overlap is cut at the next start */
	assert_true(nn[1].has_now);
	assert_string_equal(nn[1].now.title, "Top-Hits Live");
	assert_int_equal(nn[1].now.stream_id, 2);
	assert_false(nn[1].has_next);
	/* Dubai 15:00 without an offset is 11:00 UTC */
	assert_true(nn[2].has_now);
	assert_string_equal(nn[2].now.title, "Cartoon Time");
	assert_int_equal(nn[2].now.start, T0 - 3600);
	assert_false(nn[3].has_now || nn[3].has_next);
	assert_true(nn[4].has_now);
	assert_false(nn[5].has_now || nn[5].has_next);

	/* after the last programme: nothing */
	assert_int_equal(epg_now_next(s, ids, 1, T0 + 3 * 3600 + 60, NULL, nn), 0);
	assert_false(nn[0].has_now);
	assert_false(nn[0].has_next);
	/* English first by default, Arabic when the UI is Arabic */
	assert_int_equal(epg_now_next(s, ids, 1, T0 + 10, NULL, nn), 0);
	assert_true(nn[0].has_now);
	assert_string_equal(nn[0].now.title, "Evening News");
	assert_string_equal(nn[0].now.category, "News");
	assert_string_equal(nn[0].next.title, "Business Hour");
	assert_int_equal(epg_now_next(s, ids, 1, T0 + 10, "ar", nn), 0);
	assert_string_equal(nn[0].now.title, "أخبار المساء");
	assert_string_equal(nn[0].now.lang, "ar");

	struct epg_details d;
	assert_int_equal(epg_programme_details(s, nn[0].now.id, "ar-SA", &d), 0);
	assert_string_equal(d.slot.title, "أخبار المساء");
	assert_string_equal(d.desc, "حصاد اليوم");
	assert_string_equal(d.episode, "S2 E5");
	assert_string_equal(d.rating, "PG");
	assert_string_equal(d.icon, "http://i/e.png");
	assert_string_equal(d.categories, "News, Current affairs");
	assert_string_equal(d.channel_key, "news24.example");
	assert_string_equal(d.channel_name, "News 24");
	assert_int_equal(epg_programme_details(s, nn[0].now.id, "en", &d), 0);
	assert_string_equal(d.slot.title, "Evening News");
	assert_string_equal(d.subtitle, "Headlines");
	assert_string_equal(d.desc, "The day in review.");
	assert_int_equal(epg_programme_details(s, 12345, NULL, &d), -ENOENT);
	store_close(&s);
}

static void test_guide_window_and_search(void **state)
{
	struct store *s = open_with_guide(NULL);
	int ids[] = { 2, 1, 4 };
	struct epg_slot slots[16];
	size_t n = 0;
	/* 11:30-14:30: sport (overlap cut), then news */
	assert_int_equal(epg_guide_window(s, ids, 3, T0 - 1800, T0 + 9000, NULL, slots, 16, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(slots[0].title, "Match of the Day");
	assert_int_equal(slots[0].start, T0 - 3600);
	assert_int_equal(slots[0].stop, T0); /* was 12:30, cut at the next start */
	assert_string_equal(slots[1].title, "Top-Hits Live");
	assert_int_equal(slots[2].stream_id, 1);
	assert_string_equal(slots[2].title, "Evening News");
	assert_string_equal(slots[3].title, "Business Hour");
	/* a window that starts inside a programme includes it */
	assert_int_equal(epg_guide_window(s, ids + 1, 1, T0 + 1800, T0 + 2000, NULL, slots, 16, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(slots[0].title, "Evening News");
	/* too small a buffer says so and keeps what fits */
	assert_int_equal(epg_guide_window(s, ids, 3, T0 - 1800, T0 + 9000, NULL, slots, 2, &n), -ENOSPC);
	assert_int_equal(n, 2);

	assert_int_equal(epg_search(s, "top hi", T0 - 86400, NULL, slots, 16, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(slots[0].title, "Top-Hits Live");
	assert_int_equal(slots[0].stream_id, 2);
	assert_int_equal(epg_search(s, "أخبار", T0 - 86400, "ar", slots, 16, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(slots[0].title, "أخبار المساء");
	assert_int_equal(epg_search(s, "evening", T0 - 86400, NULL, slots, 16, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(epg_search(s, "evening", T0 + 86400, NULL, slots, 16, &n), 0);
	assert_int_equal(n, 0); /* already over */
	assert_int_equal(epg_search(s, "\"OR* NEAR(", T0 - 86400, NULL, slots, 16, &n), 0);
	assert_int_equal(n, 0);
	store_close(&s);
}

static void test_shifts(void **state)
{
	struct store *s = open_with_guide(NULL);
	assert_int_equal(epg_shift_set(s, NULL, 600), 0);
	assert_int_equal(epg_shift_set(s, " KIDS.example", -3600), 0);
	int v = 0;
	assert_int_equal(epg_shift_get(s, "kids.example", &v), 0);
	assert_int_equal(v, -3600);
	int ids[] = { 1, 3 };
	struct epg_now_next nn[2];
	assert_int_equal(epg_now_next(s, ids, 1, T0 + 700, NULL, nn), 0);
	assert_true(nn[0].has_now);
	assert_int_equal(nn[0].now.start, T0 + 600);
	assert_string_equal(nn[0].now.title, "Evening News");
	/* before the global shift, 12:05 would be on air: with it, not yet */
	assert_int_equal(epg_now_next(s, ids, 1, T0 + 300, NULL, nn), 0);
	assert_false(nn[0].has_now);
	/* kids: 600 - 3600 s; Cartoon Time 11:00-13:00 UTC is shown 10:10-12:10 */
	assert_int_equal(epg_now_next(s, ids + 1, 1, T0, NULL, nn + 1), 0);
	assert_true(nn[1].has_now);
	assert_int_equal(nn[1].now.start, T0 - 3600 - 3000);
	assert_int_equal(nn[1].now.stop, T0 + 600);
	store_close(&s);
}

static void test_keep_set(void **state)
{
	struct store *s = NULL;
	assert_int_equal(store_open(path, &s), 0);
	struct epg_import_opts o;
	opts_for_test(&o);
	static const struct epg_map_row only_news[] = { { 1, "news24.example", "" }, { 2, "", "Sport One" } };
	assert_int_equal(epg_map_channels(s, only_news, 2, NULL), 0);
	o.only_mapped = true;
	struct epg_import_stats st;
	assert_int_equal(epg_import_buffer(s, guide, sizeof(guide) - 1, &o, &st), 0);
	assert_int_equal(st.channels, 2);
	assert_int_equal(st.programmes, 4);
	assert_int_equal(st.filtered, 2); /* ghost and cartoon */
	const char *keys[] = { "GHOST.example" };
	o.only_mapped = false;
	o.only_keys = keys;
	o.only_count = 1;
	assert_int_equal(epg_import_buffer(s, guide, sizeof(guide) - 1, &o, &st), 0);
	assert_int_equal(st.programmes, 1);
	store_close(&s);
}

static void test_short_epg(void **state)
{
	struct store *s = open_with_guide(NULL);
	/* stream 4 has no guide channel: its short EPG fills in; a plain-text title (a clone) stays */
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"epg_listings\":[{\"id\":\"1\",\"epg_id\":\"9\",\"title\":\"2KfZhNij2K7YqNin2LE=\","
		 "\"lang\":\"ar\",\"start\":\"2026-11-22 16:00:00\",\"end\":\"%lld\","
		 "\"description\":\"ZmFrZSBkZXNjcmlwdGlvbg==\",\"channel_id\":\"missing.example\","
		 "\"start_timestamp\":\"%lld\",\"stop_timestamp\":\"%lld\"},"
		 "{\"title\":\"News\",\"description\":\"not base64!\",\"channel_id\":\"missing.example\","
		 "\"start\":\"2026-11-22 17:00:00\",\"stop\":\"2026-11-22 18:00:00\"},"
		 "{\"title\":\"x\",\"start_timestamp\":\"5\",\"stop_timestamp\":\"1\"}]}",
		 (long long)(T0 + 3600), (long long)T0, (long long)(T0 + 3600));
	struct epg_zone *dubai = NULL;
	assert_int_equal(epg_zone_load("Asia/Dubai", 0, &dubai), 0);
	size_t count = 0;
	assert_int_equal(epg_short_import(s, 4, json, strlen(json), dubai, &count), 0);
	assert_int_equal(count, 2);
	int id = 4;
	struct epg_now_next nn;
	assert_int_equal(epg_now_next(s, &id, 1, T0 + 60, NULL, &nn), 0);
	assert_true(nn.has_now);
	assert_string_equal(nn.now.title, "الأخبار");
	assert_true(nn.has_next);
	assert_string_equal(nn.next.title, "News");
	assert_int_equal(nn.next.start, T0 + 3600); /* 17:00 in Dubai */
	struct epg_details d;
	assert_int_equal(epg_programme_details(s, nn.now.id, NULL, &d), 0);
	assert_string_equal(d.desc, "fake description");
	assert_int_equal(epg_programme_details(s, nn.next.id, NULL, &d), 0);
	assert_string_equal(d.desc, "not base64!");
	/* XUI's object keyed by stream id, for a stream with no channel id at all */
	static const char xui[] =
	    "{\"epg_listings\":{\"7\":[{\"title\":\"U3BvcnQ=\",\"start_timestamp\":1795348800,"
	    "\"stop_timestamp\":\"1795352400\"}]}}";
	assert_int_equal(epg_short_import(s, 7, xui, sizeof(xui) - 1, dubai, &count), 0);
	assert_int_equal(count, 1);
	id = 7;
	assert_int_equal(epg_now_next(s, &id, 1, T0 + 60, NULL, &nn), 0);
	assert_string_equal(nn.now.title, "Sport");
	assert_int_equal(epg_short_import(s, 7, "[]", 2, dubai, &count), -EBADMSG);
	assert_int_equal(epg_short_import(s, 7, "<html>", 6, dubai, &count), -EBADMSG);

	/* a new XMLTV import keeps the short-EPG channel it lacks */
	struct epg_import_opts o;
	opts_for_test(&o);
	assert_int_equal(epg_import_buffer(s, guide, sizeof(guide) - 1, &o, NULL), 0);
	id = 4;
	assert_int_equal(epg_now_next(s, &id, 1, T0 + 60, NULL, &nn), 0);
	assert_string_equal(nn.now.title, "الأخبار");
	/* and search finds short-EPG titles too */
	struct epg_slot slots[4];
	size_t n;
	assert_int_equal(epg_search(s, "sport", T0, NULL, slots, 4, &n), 0);
	assert_int_equal(n, 1);
	epg_zone_free(&dubai);

	/* the sweep drops what ended before the archive window */
	assert_int_equal(epg_sweep(s, T0 + 86400 * 3, 4), 0);
	assert_int_equal(epg_sweep(s, T0 + 86400 * 3, 1), 9);
	id = 1;
	assert_int_equal(epg_now_next(s, &id, 1, T0 + 10, NULL, &nn), 0);
	assert_false(nn.has_now);
	assert_int_equal(epg_search(s, "sport", 0, NULL, slots, 4, &n), 0);
	assert_int_equal(n, 0);
	store_close(&s);
}

static void test_base64(void **state)
{
	char out[64];
	assert_true(epg_text_from_base64("ZmFrZSBwcm9ncmFtbWU=", out, sizeof(out)));
	assert_string_equal(out, "fake programme");
	assert_true(epg_text_from_base64("ZmFrZQ", out, sizeof(out))); /* no padding */
	assert_string_equal(out, "fake");
	assert_false(epg_text_from_base64("News", out, sizeof(out))); /* valid alphabet, not text */
	assert_string_equal(out, "News");
	assert_false(epg_text_from_base64("Hello world", out, sizeof(out)));
	assert_string_equal(out, "Hello world");
	assert_false(epg_text_from_base64("Zm=FrZQ==", out, sizeof(out)));
	assert_false(epg_text_from_base64(NULL, out, sizeof(out)));
	assert_string_equal(out, "");
	char small[4];
	/* decoded text that does not fit is cut at a character boundary, not replaced by the raw text */
	assert_true(epg_text_from_base64("ZmFrZSBwcm9ncmFtbWU=", small, sizeof(small)));
	assert_string_equal(small, "fak");
}

/* ---------------------------------------------------------------------------------------------- */
/* Bad input: each must fail with its own error and leave the previous guide in force. */

static void assert_old_guide_intact(struct store *s)
{
	int id = 1;
	struct epg_now_next nn;
	assert_int_equal(epg_now_next(s, &id, 1, T0 + 10, NULL, &nn), 0);
	assert_true(nn.has_now);
	assert_string_equal(nn.now.title, "Evening News");
}

static int import_text(struct store *s, const char *text, size_t len)
{
	struct epg_import_opts o;
	opts_for_test(&o);
	return epg_import_buffer(s, text, len, &o, NULL);
}

static void test_bad_input_keeps_old_guide(void **state)
{
	struct store *s = open_with_guide(NULL);
	static const char laughs[] =
	    "<?xml version=\"1.0\"?><!DOCTYPE tv [<!ENTITY a \"lol\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
	    "<tv><programme start=\"20261122120000 +0000\" stop=\"20261122130000 +0000\" channel=\"x\">"
	    "<title>&d;</title></programme></tv>";
	assert_int_equal(import_text(s, laughs, sizeof(laughs) - 1), EPG_E_ENTITY);
	assert_old_guide_intact(s);
	static const char external[] =
	    "<?xml version=\"1.0\"?><!DOCTYPE tv [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	    "<tv><programme start=\"20261122120000 +0000\" stop=\"20261122130000 +0000\" channel=\"x\">"
	    "<title>&x;</title></programme></tv>";
	assert_int_equal(import_text(s, external, sizeof(external) - 1), EPG_E_ENTITY);
	assert_old_guide_intact(s);
	static const char html[] = "<html><body><h1>404 Not Found</h1></body></html>";
	assert_int_equal(import_text(s, html, sizeof(html) - 1), EPG_E_NOTXMLTV);
	static const char json[] = "{\"user_info\":{\"auth\":0}}";
	assert_int_equal(import_text(s, json, sizeof(json) - 1), EPG_E_XML);
	assert_int_equal(import_text(s, "", 0), EPG_E_XML);
	static const char cut[] = "<tv><programme start=\"20261122120000 +0000\" stop=\"2026112213";
	assert_int_equal(import_text(s, cut, sizeof(cut) - 1), EPG_E_XML);
	assert_old_guide_intact(s);

	/* truncated gzip: the first three quarters of a real gzip of the guide */
	unsigned char gz[4096];
	z_stream z = { 0 };
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)guide;
	z.avail_in = sizeof(guide) - 1;
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t gz_len = z.total_out;
	deflateEnd(&z);
	assert_int_equal(import_text(s, (const char *)gz, gz_len * 3 / 4), EPG_E_GZIP);
	assert_old_guide_intact(s);
	gz[gz_len - 6] ^= 0x55; /* a damaged CRC */
	assert_int_equal(import_text(s, (const char *)gz, gz_len), EPG_E_GZIP);
	assert_old_guide_intact(s);
	gz[gz_len - 6] ^= 0x55;
	/* the intact gzip imports */
	struct epg_import_opts o;
	opts_for_test(&o);
	struct epg_import_stats st;
	assert_int_equal(epg_import_buffer(s, gz, gz_len, &o, &st), 0);
	assert_true(st.gzip);
	assert_int_equal(st.programmes, 6);
	store_close(&s);
}

static void test_huge_token_refused(void **state)
{
	struct store *s = open_with_guide(NULL);
	/* 12 MB inside one attribute: expat would have to hold it whole */
	size_t big = 12u << 20;
	char *text = malloc(big + 256);
	assert_non_null(text);
	int head = snprintf(text, 256, "<tv><channel id=\"");
	memset(text + head, 'a', big);
	size_t len = (size_t)head + big;
	len += (size_t)snprintf(text + len, 64, "\"/></tv>");
	assert_int_equal(import_text(s, text, len), EPG_E_TOOBIG);
	/* 12 MB of text in a description is fine: cut at the cap */
	head = snprintf(text, 256,
			"<tv><programme start=\"20261122120000 +0000\" stop=\"20261122130000 +0000\" "
			"channel=\"news24.example\"><title>Long</title><desc>");
	memset(text + head, 'b', big);
	len = (size_t)head + big;
	len += (size_t)snprintf(text + len, 64, "</desc></programme></tv>");
	struct epg_import_opts o;
	opts_for_test(&o);
	struct epg_import_stats st;
	assert_int_equal(epg_import_buffer(s, text, len, &o, &st), 0);
	assert_int_equal(st.programmes, 1);
	int id = 1;
	struct epg_now_next nn;
	assert_int_equal(epg_now_next(s, &id, 1, T0 + 10, NULL, &nn), 0);
	struct epg_details d;
	assert_int_equal(epg_programme_details(s, nn.now.id, NULL, &d), 0);
	assert_int_equal(strlen(d.desc), EPG_TEXT_MAX - 1);
	free(text);
	store_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_now_next_and_languages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guide_window_and_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shifts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_epg, setup, teardown),
		cmocka_unit_test(test_base64),
		cmocka_unit_test_setup_teardown(test_bad_input_keeps_old_guide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_token_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
