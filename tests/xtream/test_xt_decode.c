/* SPDX-License-Identifier: MIT */
/* Table-driven tests of the lenient Xtream decoders: every scalar shape of XTREAM.md section 9, list
 * items as XC2 and XUI write them, login answers, details with [] for objects, episodes as object
 * or array, base64 EPG text with a plain-text fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "xt_decode.h"

#include <errno.h>
#include <string.h>

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &err);
	if (!v)
		fail_msg("bad test JSON %s: %s", text, err.text);
	return v;
}

/* ids: whole numbers only; a hostile list of `true` or 1.5 ids must not collapse onto id 1 */
static void test_id_shapes(void **state)
{
	static const struct {
		const char *json;
		int rc;
		int64_t want;
	} cases[] = {
		{ "14", 0, 14 },        { "\"14\"", 0, 14 },       { "\" 7 \"", 0, 7 },
		{ "0", 0, 0 },          { "3.0", 0, 3 },           { "1.5", -EINVAL, 0 },
		{ "true", -EINVAL, 0 }, { "false", -EINVAL, 0 },   { "\"true\"", -EINVAL, 0 },
		{ "-4", -EINVAL, 0 },   { "\"-4\"", -EINVAL, 0 },  { "\"\"", -EINVAL, 0 },
		{ "null", -EINVAL, 0 }, { "\"1e3\"", -EINVAL, 0 }, { "\"12abc\"", -EINVAL, 0 },
		{ "[]", -EINVAL, 0 },   { "{}", -EINVAL, 0 },      { "\"99999999999999999999\"", -EINVAL, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v = parse(cases[i].json);
		int64_t n = -1;
		int rc = xt_json_id(v, &n);
		if (rc != cases[i].rc || (rc == 0 && n != cases[i].want))
			fail_msg("%s: rc %d id %lld", cases[i].json, rc, (long long)n);
		json_decref(v);
	}
	/* an item needs an id > 0; a category may be 0 */
	struct xt_live l;
	static const char *const bad[] = { "{\"stream_id\":true}", "{\"stream_id\":0}", "{\"stream_id\":2.5}",
					   "{\"stream_id\":\"-1\"}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *o = parse(bad[i]);
		assert_int_equal(xt_decode_live(o, &l), -EINVAL);
		json_decref(o);
	}
	struct xt_category c;
	json_t *o = parse("{\"category_id\":\"0\",\"category_name\":\"All\"}");
	assert_int_equal(xt_decode_category(o, &c), 0);
	json_decref(o);
	o = parse("{\"category_id\":true}");
	assert_int_equal(xt_decode_category(o, &c), -EINVAL);
	json_decref(o);
}

static void test_int_shapes(void **state)
{
	static const struct {
		const char *json;
		int rc;
		int64_t value;
	} cases[] = {
		{ "12", 0, 12 },
		{ "\"12\"", 0, 12 },
		{ "\" 7 \"", 0, 7 },
		{ "\"-3\"", 0, -3 },
		{ "3.9", 0, 3 },
		{ "\"3.0\"", 0, 3 },
		{ "true", 0, 1 },
		{ "false", 0, 0 },
		{ "\"true\"", 0, 1 },
		{ "\"FALSE\"", 0, 0 },
		{ "null", -ENOENT, 0 },
		{ "\"\"", -ENOENT, 0 },
		{ "[]", -ENOENT, 0 },
		{ "{}", -ENOENT, 0 },
		{ "\"abc\"", -EINVAL, 0 },
		{ "\"12abc\"", -EINVAL, 0 },
		{ "[1]", -EINVAL, 0 },
		{ "1e3", 0, 1000 },
		{ "\"1735884153\"", 0, 1735884153 },
		{ "9007199254740993", 0, 9007199254740993LL },
		{ "\"null\"", -ENOENT, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v = parse(cases[i].json);
		int64_t out = -999;
		int rc = xt_json_int(v, &out);
		if (rc != cases[i].rc || (rc == 0 && out != cases[i].value))
			fail_msg("xt_json_int(%s) = %d/%lld, want %d/%lld", cases[i].json, rc, (long long)out,
				 cases[i].rc, (long long)cases[i].value);
		json_decref(v);
	}
	assert_int_equal(xt_json_int(NULL, &(int64_t){ 0 }), -ENOENT);
	assert_int_equal(xt_json_int_or(NULL, 42), 42);
}

static void test_real_and_bool(void **state)
{
	static const struct {
		const char *json;
		double real; /* -1: not a number */
		int truth;   /* as xt_json_bool_or(v, false) */
	} cases[] = {
		{ "3.5", 3.5, 1 }, { "\"3.5\"", 3.5, 1 }, { "\"0\"", 0, 0 },   { "0", 0, 0 },
		{ "\"1\"", 1, 1 }, { "true", 1, 1 },      { "\"yes\"", 1, 1 }, { "\"no\"", 0, 0 },
		{ "null", -1, 0 }, { "\"\"", -1, 0 },     { "\"7\"", 7, 1 },   { "\"x\"", -1, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v = parse(cases[i].json);
		double d = xt_json_real_or(v, -1);
		if (d != cases[i].real)
			fail_msg("xt_json_real(%s) = %g", cases[i].json, d);
		if (xt_json_bool_or(v, false) != (cases[i].truth != 0))
			fail_msg("xt_json_bool(%s) wrong", cases[i].json);
		json_decref(v);
	}
}

static void test_text(void **state)
{
	char buf[32];
	json_t *v = parse("935666");
	assert_string_equal(xt_json_text(v, buf, sizeof(buf)), "935666");
	json_decref(v);
	v = parse("\"935666\"");
	assert_string_equal(xt_json_text(v, buf, sizeof(buf)), "935666");
	json_decref(v);
	v = parse("null");
	assert_null(xt_json_text(v, buf, sizeof(buf)));
	assert_null(xt_json_str_nonempty(v));
	json_decref(v);
	v = parse("\"  \"");
	assert_null(xt_json_str_nonempty(v));
	json_decref(v);
	char ext[16];
	xt_extension_clean("MKV", ext);
	assert_string_equal(ext, "mkv");
	xt_extension_clean(NULL, ext);
	assert_string_equal(ext, "mp4");
	xt_extension_clean(".Mp4", ext);
	assert_string_equal(ext, "mp4");
	xt_extension_clean("ts/../../x", ext);
	assert_string_equal(ext, "ts");
}

static void test_login(void **state)
{
	/* the real captured sample of XTREAM.md, PHP escapes and all */
	json_t *root =
	    parse("{\"user_info\":{\"username\":\"11111111\",\"password\":\"22222222\",\"message\":\"Welcome "
		  "back my "
		  "friends\",\"auth\":1,\"status\":\"Active\",\"exp_date\":\"1558621852\",\"is_trial\":\"0\","
		  "\"active_cons\":\"0\",\"created_at\":\"1542987052\",\"max_connections\":\"2\","
		  "\"allowed_output_formats\":[\"m3u8\",\"ts\",\"rtmp\"]},\"server_info\":{\"url\":\"111.222."
		  "333.444\","
		  "\"port\":\"83\",\"https_port\":\"85\",\"server_protocol\":\"http\",\"rtmp_port\":\"84\","
		  "\"timezone\":\"Europe\\/London\",\"timestamp_now\":1545170300,\"time_now\":\"2018-12-18 "
		  "21:58:20\"}}");
	struct xt_user_info u;
	struct xt_server_info s;
	assert_int_equal(xt_decode_login(root, &u, &s), 0);
	assert_true(u.auth);
	assert_int_equal(u.status, XT_ACCOUNT_ACTIVE);
	assert_int_equal(u.exp_date, 1558621852);
	assert_int_equal(u.max_connections, 2);
	assert_false(u.is_trial);
	assert_int_equal(u.formats, XT_FORMAT_TS | XT_FORMAT_M3U8 | XT_FORMAT_RTMP);
	assert_string_equal(s.timezone, "Europe/London");
	assert_int_equal(s.port, 83);
	assert_int_equal(s.timestamp_now, 1545170300);
	json_decref(root);

	/* a clone: unlimited as null/"0", ints instead of strings, null message, [] formats, "" ports */
	root = parse(
	    "{\"user_info\":{\"auth\":true,\"status\":\"Inactive\",\"exp_date\":null,\"max_connections\":0,"
	    "\"active_cons\":3,\"is_trial\":\"1\",\"message\":null,\"allowed_output_formats\":[]},"
	    "\"server_info\":[],\"extra\":{\"process\":true}}");
	assert_int_equal(xt_decode_login(root, &u, &s), 0);
	assert_int_equal(u.status, XT_ACCOUNT_OTHER);
	assert_string_equal(u.status_text, "Inactive");
	assert_int_equal(u.exp_date, 0);
	assert_int_equal(u.max_connections, 0);
	assert_int_equal(u.active_cons, 3);
	assert_true(u.is_trial);
	assert_string_equal(u.message, "");
	assert_int_equal(u.formats, XT_FORMAT_TS | XT_FORMAT_M3U8);
	assert_string_equal(s.timezone, "");
	json_decref(root);

	/* XC2 bad credentials, and things that are not a login answer at all */
	root = parse("{\"user_info\":{\"auth\":0}}");
	assert_int_equal(xt_decode_login(root, &u, &s), 0);
	assert_false(u.auth);
	json_decref(root);
	static const char *const not_login[] = { "[]", "{\"user_info\":[]}", "{\"error\":\"Unauthorized\"}",
						 "null" };
	for (size_t i = 0; i < 4; i++) {
		root = parse(not_login[i]);
		assert_int_equal(xt_decode_login(root, &u, &s), -EINVAL);
		json_decref(root);
	}
	assert_int_equal(xt_account_status_parse("EXPIRED"), XT_ACCOUNT_EXPIRED);
	assert_int_equal(xt_account_status_parse("Banned"), XT_ACCOUNT_BANNED);
	assert_int_equal(xt_account_status_parse(" disabled "), XT_ACCOUNT_DISABLED);
	assert_int_equal(xt_account_status_parse(""), XT_ACCOUNT_UNKNOWN);
}

static void test_live_items(void **state)
{
	struct xt_live l;
	json_t *o = parse(
	    "{\"num\":1,\"name\":\"News 24\\/7\",\"stream_type\":\"live\",\"stream_id\":1,"
	    "\"stream_icon\":\"https:\\/\\/x\\/n.png\",\"epg_channel_id\":\"news24.example\","
	    "\"added\":\"1735884153\",\"custom_sid\":\"\",\"tv_archive\":0,\"direct_source\":\"\","
	    "\"tv_archive_duration\":0,\"category_id\":\"1\",\"category_ids\":[1,8],\"thumbnail\":\"\"}");
	assert_int_equal(xt_decode_live(o, &l), 0);
	assert_int_equal(l.stream_id, 1);
	assert_string_equal(l.name, "News 24/7");
	assert_string_equal(l.icon, "https://x/n.png");
	assert_int_equal(l.category_id, 1);
	assert_int_equal(l.category_id_count, 2);
	assert_int_equal(l.category_ids[1], 8);
	assert_false(l.tv_archive);
	assert_null(l.direct_source);
	assert_int_equal(l.added, 1735884153);
	json_decref(o);

	/* XC2 and the wild: string ids, "1"/true archive, days as a string, null category, null name */
	static const char *const variants[] = {
		"{\"stream_id\":\"5678\",\"num\":\"2\",\"tv_archive\":\"1\",\"tv_archive_duration\":\"7\","
		"\"category_id\":null,\"name\":null,\"epg_channel_id\":null,\"stream_icon\":null}",
		"{\"stream_id\":5678,\"tv_archive\":true,\"tv_archive_duration\":7,\"category_id\":\"\","
		"\"name\":null,"
		"\"epg_channel_id\":\"\",\"stream_icon\":\"\",\"unknown_key\":{\"a\":[1,2]}}",
	};
	for (size_t i = 0; i < 2; i++) {
		o = parse(variants[i]);
		assert_int_equal(xt_decode_live(o, &l), 0);
		assert_int_equal(l.stream_id, 5678);
		assert_true(l.tv_archive);
		assert_int_equal(l.tv_archive_days, 7);
		assert_int_equal(l.category_id, 0);
		assert_null(l.name);
		assert_null(l.epg_channel_id);
		assert_null(l.icon);
		json_decref(o);
	}
	/* no usable id: not an item */
	static const char *const bad[] = { "{\"name\":\"x\"}", "{\"stream_id\":\"abc\"}", "[]", "\"x\"",
					   "null" };
	for (size_t i = 0; i < 5; i++) {
		o = parse(bad[i]);
		assert_int_equal(xt_decode_live(o, &l), -EINVAL);
		json_decref(o);
	}
}

static void test_vod_and_series_items(void **state)
{
	struct xt_vod v;
	json_t *o =
	    parse("{\"num\":3,\"name\":\"Desert \\u0645\",\"stream_type\":\"movie\",\"stream_id\":1001,"
		  "\"rating\":\"6.5\",\"rating_5based\":3.3,\"added\":\"1767225600\",\"category_id\":\"100\","
		  "\"container_extension\":\"MKV\",\"release_date\":\"2019-05-01\",\"year\":\"\"}");
	assert_int_equal(xt_decode_vod(o, &v), 0);
	assert_int_equal(v.stream_id, 1001);
	assert_string_equal(v.name, "Desert \xd9\x85");
	assert_true(v.rating > 6.49 && v.rating < 6.51);
	assert_string_equal(v.container_extension, "mkv");
	assert_int_equal(v.year, 2019); /* from the release date when year is "" */
	json_decref(o);
	o = parse("{\"stream_id\":1010,\"name\":\"No ext\",\"rating\":\"\"}");
	assert_int_equal(xt_decode_vod(o, &v), 0);
	assert_string_equal(v.container_extension, "mp4");
	assert_true(v.rating == 0);
	json_decref(o);

	struct xt_series s;
	static const struct {
		const char *json;
		const char *backdrop;
	} bd[] = {
		{ "{\"series_id\":3,\"backdrop_path\":[\"a.png\",\"b.png\"],\"rating\":\"7\",\"releaseDate\":"
		  "\"2024-02-24\"}",
		  "a.png" },
		{ "{\"series_id\":3,\"backdrop_path\":\"a.png\",\"rating\":\"7\",\"releaseDate\":\"2024-02-"
		  "24\"}",
		  "a.png" },
		{ "{\"series_id\":3,\"backdrop_path\":null,\"rating\":7,\"release_date\":\"2024-02-24\"}",
		  NULL },
		{ "{\"series_id\":\"3\",\"backdrop_path\":[],\"rating\":\"7\",\"releaseDate\":\"2024-02-"
		  "24\"}",
		  NULL },
	};
	for (size_t i = 0; i < 4; i++) {
		o = parse(bd[i].json);
		assert_int_equal(xt_decode_series(o, &s), 0);
		assert_int_equal(s.series_id, 3);
		assert_true(s.rating == 7);
		assert_int_equal(s.year, 2024);
		if (bd[i].backdrop)
			assert_string_equal(s.backdrop, bd[i].backdrop);
		else
			assert_null(s.backdrop);
		json_decref(o);
	}
	struct xt_category c;
	o = parse("{\"category_id\":\"3\",\"category_name\":\"Sports\\/Football\",\"parent_id\":2}");
	assert_int_equal(xt_decode_category(o, &c), 0);
	assert_int_equal(c.id, 3);
	assert_int_equal(c.parent_id, 2);
	assert_string_equal(c.name, "Sports/Football");
	json_decref(o);
}

static void test_vod_info(void **state)
{
	struct xt_vod_info i;
	json_t *o =
	    parse("{\"info\":{\"name\":\"Falcon\",\"cover_big\":\"c.jpg\",\"duration_secs\":\"5400\","
		  "\"duration\":\"01:30:00\",\"description\":\"plot\",\"actors\":\"A\",\"rating\":\"8.1\","
		  "\"backdrop_path\":[\"b.jpg\"],\"subtitles\":[{\"index\":0,\"language\":\"ara\"}]},"
		  "\"movie_data\":{\"stream_id\":\"1001\",\"container_extension\":\"mkv\",\"added\":\"1\"}}");
	assert_int_equal(xt_decode_vod_info(o, &i), 0);
	assert_int_equal(i.stream_id, 1001);
	assert_string_equal(i.name, "Falcon");
	assert_string_equal(i.plot, "plot");
	assert_string_equal(i.cast, "A");
	assert_int_equal(i.duration_secs, 5400);
	assert_int_equal(i.subtitle_count, 1);
	assert_string_equal(i.container_extension, "mkv");
	json_decref(o);
	static const char *const unknown[] = { "{\"info\":[]}", "[]", "{}", "{\"info\":{}}" };
	for (size_t k = 0; k < 4; k++) {
		o = parse(unknown[k]);
		assert_int_equal(xt_decode_vod_info(o, &i), -ENOENT);
		json_decref(o);
	}
}

struct episodes_seen {
	int info, seasons, episodes;
	char ids[16][48];
	int season_of[16];
};

static int on_info(void *ud, const struct xt_series_info *i)
{
	((struct episodes_seen *)ud)->info++;
	return 0;
}

static int on_season(void *ud, const struct xt_season *s)
{
	((struct episodes_seen *)ud)->seasons++;
	return 0;
}

static int on_episode(void *ud, const struct xt_episode *e)
{
	struct episodes_seen *s = ud;
	if (s->episodes < 16) {
		snprintf(s->ids[s->episodes], sizeof(s->ids[0]), "%s", e->id);
		s->season_of[s->episodes] = e->season;
	}
	s->episodes++;
	return 0;
}

static void test_series_info(void **state)
{
	struct xt_series_visitor v = { on_info, on_season, on_episode };
	/* episodes as an object keyed by season, episode id a string, info [] on an episode */
	json_t *o = parse(
	    "{\"seasons\":[{\"season_number\":1,\"name\":\"Season 1\",\"episode_count\":2}],"
	    "\"info\":{\"name\":\"The Oasis\",\"rating\":\"0\",\"backdrop_path\":[\"x\"]},"
	    "\"episodes\":{\"1\":[{\"id\":\"935666\",\"episode_num\":\"1\",\"title\":\"S01E01\","
	    "\"container_extension\":\"mp4\",\"info\":{\"duration_secs\":2214},\"season\":1},"
	    "{\"id\":935667,\"episode_num\":2,\"info\":[]}],\"2\":[{\"id\":\"935670\",\"episode_num\":1}]}}");
	struct episodes_seen s = { 0 };
	assert_int_equal(xt_decode_series_info(o, &v, &s), 3);
	assert_int_equal(s.info, 1);
	assert_int_equal(s.seasons, 1);
	assert_string_equal(s.ids[0], "935666");
	assert_string_equal(s.ids[1], "935667");
	assert_int_equal(s.season_of[2], 2);
	json_decref(o);

	/* seasons 0..n-1: PHP wrote episodes as an array; seasons [] while episodes exist */
	o = parse("{\"seasons\":[],\"info\":{\"name\":\"Zero "
		  "Based\"},\"episodes\":[[{\"id\":\"1\"}],[{\"id\":\"2\"},"
		  "{\"id\":\"3\"}]]}");
	memset(&s, 0, sizeof(s));
	assert_int_equal(xt_decode_series_info(o, &v, &s), 3);
	assert_int_equal(s.season_of[0], 0);
	assert_int_equal(s.season_of[2], 1);
	json_decref(o);

	/* unknown series: XC2 [] and XUI's null name without episodes */
	static const char *const unknown[] = { "[]", "{\"seasons\":[],\"info\":{\"name\":null}}" };
	for (size_t k = 0; k < 2; k++) {
		o = parse(unknown[k]);
		assert_int_equal(xt_decode_series_info(o, &v, &s), -ENOENT);
		json_decref(o);
	}
}

struct listings {
	int n;
	struct xt_epg_listing first;
};

static int on_listing(void *ud, const struct xt_epg_listing *l)
{
	struct listings *s = ud;
	if (s->n++ == 0)
		s->first = *l;
	return 0;
}

static void test_epg(void **state)
{
	json_t *o = parse(
	    "{\"epg_listings\":[{\"id\":\"17528639\",\"epg_id\":\"63\",\"title\":\"ZmFrZSBwcm9ncmFtbWU=\","
	    "\"lang\":\"\",\"start\":\"2025-03-03 13:57:02\",\"end\":\"1741012393\",\"description\":"
	    "\"ZmFrZSBkZXNjcmlwdGlvbg==\",\"channel_id\":\"news24.example\",\"start_timestamp\":"
	    "\"1741010222\",\"stop_timestamp\":\"1741012393\",\"stop\":\"2025-03-03 14:33:13\"},"
	    "{\"id\":\"2\",\"title\":\"Plain News\",\"start_timestamp\":\"1\",\"stop_timestamp\":\"2\"}]}");
	struct listings s = { 0 };
	assert_int_equal(xt_decode_epg(o, on_listing, &s), 2);
	assert_string_equal(s.first.title, "fake programme");
	assert_string_equal(s.first.description, "fake description");
	assert_int_equal(s.first.start, 1741010222);
	assert_int_equal(s.first.stop, 1741012393);
	json_decref(o);
	/* keyed by stream id (XUI with several ids), and no EPG */
	o = parse("{\"epg_listings\":{\"1\":[{\"id\":\"1\",\"title\":\"QQ==\",\"start_timestamp\":5,"
		  "\"stop_timestamp\":6}],\"2\":[]}}");
	memset(&s, 0, sizeof(s));
	assert_int_equal(xt_decode_epg(o, on_listing, &s), 1);
	json_decref(o);
	o = parse("{\"epg_listings\":[]}");
	assert_int_equal(xt_decode_epg(o, on_listing, &s), 0);
	json_decref(o);

	char out[64];
	static const struct {
		const char *in, *out;
	} b64[] = {
		{ "2YbYtNix2Kkg2KfZhNij2K7YqNin2LE=", "نشرة الأخبار" },
		{ "News", "News" }, /* decodes to bytes that are not UTF-8: kept */
		{ "Plain text, not base64", "Plain text, not base64" },
		{ "", "" },
		{ "QQ", "A" }, /* no padding */
	};
	for (size_t i = 0; i < sizeof(b64) / sizeof(b64[0]); i++) {
		xt_base64_text(b64[i].in, out, sizeof(out));
		assert_string_equal(out, b64[i].out);
	}
	/* cut at a character boundary, never inside an Arabic letter */
	char small[6];
	xt_base64_text("2YbYtNix2Kkg2KfZhNij2K7YqNin2LE=", small, sizeof(small));
	assert_string_equal(small, "نش");
}

static void test_wall_time(void **state)
{
	int64_t t;
	assert_int_equal(xt_parse_wall_time("2018-12-18 21:58:20", &t), 0);
	assert_int_equal(t, 1545170300);
	assert_int_equal(xt_parse_wall_time("2018-12-18T21:58", &t), 0);
	assert_int_equal(t, 1545170280);
	assert_int_equal(xt_parse_wall_time("1970-01-01 00:00:00", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(xt_parse_wall_time("2024-02-29 12:00:00", &t), 0);
	assert_int_equal(t, 1709208000);
	assert_int_equal(xt_parse_wall_time("18/12/2018 21:58", &t), -EINVAL);
	assert_int_equal(xt_parse_wall_time("2018-13-18 21:58:20", &t), -EINVAL);
	assert_int_equal(xt_parse_wall_time(NULL, &t), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_shapes),
		cmocka_unit_test(test_int_shapes),
		cmocka_unit_test(test_real_and_bool),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_live_items),
		cmocka_unit_test(test_vod_and_series_items),
		cmocka_unit_test(test_vod_info),
		cmocka_unit_test(test_series_info),
		cmocka_unit_test(test_epg),
		cmocka_unit_test(test_wall_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
