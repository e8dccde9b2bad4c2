/* SPDX-License-Identifier: MIT */
/* The Xtream client against the real local panel over HTTP (tests/panel): both flavours, every
 * account state, the back-off, every list and detail action, and the failure shapes a real panel
 * produces (HTML for JSON, truncated and empty bodies, the account object for a list, 5xx, refusals
 * in JSON and plain text, timeouts, stalls, a refused URL before a working one, 100k items). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plat_clock.h"
#include "plat_http.h"
#include "test_panel.h"
#include "xt_url.h"
#include "xtream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the panels of the running test, stopped by the teardown even when an assertion fails mid-test */
static struct test_panel panels[2];

static struct test_panel *start(const char *flavor, const char *scenario)
{
	struct test_panel *p = panels[0].pid > 0 ? &panels[1] : &panels[0];
	int rc = test_panel_start(p, flavor, scenario, NULL);
	if (rc < 0)
		fail_msg("the local panel did not start: %d", rc);
	return p;
}

static int stop_panels(void **state)
{
	for (int i = 0; i < 2; i++)
		test_panel_stop(&panels[i]);
	return 0;
}

static struct xt_client *client_for(const char *base, const char *user, const char *pass, long backoff_ms)
{
	const char *urls[] = { base };
	struct xt_config cfg = { .urls = urls,
				 .url_count = 1,
				 .username = user,
				 .password = pass,
				 .backoff_ms = backoff_ms,
				 .request_timeout_ms = 10000 };
	struct xt_client *c = NULL;
	assert_int_equal(xt_client_create(&cfg, &c), 0);
	return c;
}

struct login_case {
	const char *user, *pass;
	enum xt_login_outcome outcome;
	int http;
	const char *message_part;
};

static void check_logins(const char *flavor, const struct login_case *cases, size_t n)
{
	struct test_panel *p = start(flavor, NULL);
	for (size_t i = 0; i < n; i++) {
		struct xt_client *c = client_for(p->base, cases[i].user, cases[i].pass, 0);
		struct xt_login l;
		int rc = xt_client_login(c, &l);
		char msg[512];
		xt_login_message(&l, msg, sizeof(msg));
		if (l.outcome != cases[i].outcome || l.http_status != cases[i].http ||
		    (rc == 0) != (cases[i].outcome == XT_LOGIN_OK) || !strstr(msg, cases[i].message_part))
			fail_msg("%s %s: outcome %s HTTP %d rc %d \"%s\"", flavor, cases[i].user,
				 xt_login_outcome_name(l.outcome), l.http_status, rc, msg);
		if (l.outcome != XT_LOGIN_OK)
			assert_true(l.retry_after_ms > 0);
		xt_client_destroy(&c);
		assert_null(c);
	}
	test_panel_stop(p);
}

static void test_login_xc2(void **state)
{
	static const struct login_case cases[] = {
		{ "demo", "demo", XT_LOGIN_OK, 200, "Signed in" },
		{ "demo", "wrong", XT_LOGIN_WRONG_CREDENTIALS, 200, "Wrong username or password" },
		{ "nobody", "x", XT_LOGIN_WRONG_CREDENTIALS, 200, "Wrong username or password" },
		{ "expired", "expired", XT_LOGIN_EXPIRED, 200, "expired on 20" },
		{ "banned", "banned", XT_LOGIN_BANNED, 200, "banned" },
		{ "disabled", "disabled", XT_LOGIN_DISABLED, 200, "disabled" },
		{ "unlimited", "unlimited", XT_LOGIN_OK, 200, "no end date" },
		{ "ar", "p@ss:w rd&x", XT_LOGIN_OK, 200, "Signed in" }, /* percent-encoding */
	};
	check_logins("xc2", cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_login_xui(void **state)
{
	/* XUI answers every refusal with the same fake nginx 404 page */
	static const struct login_case cases[] = {
		{ "demo", "demo", XT_LOGIN_OK, 200, "Signed in" },
		{ "demo", "wrong", XT_LOGIN_WRONG_CREDENTIALS, 404, "wrong username or password" },
		{ "expired", "expired", XT_LOGIN_WRONG_CREDENTIALS, 404, "expired" },
		{ "banned", "banned", XT_LOGIN_WRONG_CREDENTIALS, 404, "suspended" },
		{ "disabled", "disabled", XT_LOGIN_WRONG_CREDENTIALS, 404, "refused" },
		{ "trial", "trial", XT_LOGIN_OK, 200, "Signed in" },
	};
	check_logins("xui", cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_login_details(void **state)
{
	struct test_panel *p = start("xui", NULL);
	struct xt_client *c = client_for(p->base, "unlimited", "unlimited", 0);
	struct xt_login l;
	assert_int_equal(xt_client_login(c, &l), 0);
	assert_int_equal(l.user.exp_date, 0);
	assert_int_equal(l.user.max_connections, 0);
	assert_int_equal(l.user.status, XT_ACCOUNT_ACTIVE);
	assert_true(l.user.formats & XT_FORMAT_M3U8);
	assert_string_equal(l.server.timezone, "Asia/Dubai");
	assert_true(l.server.timestamp_now > 0);
	/* the clock: the panel is this machine, so no skew; Dubai is UTC+4 */
	struct xt_clock clk;
	xt_clock_from_server(&l.server, plat_clock_wall_ms() / 1000, &clk);
	assert_true(clk.skew_s > -5 && clk.skew_s < 5);
	assert_true(clk.have_fallback);
	assert_int_equal(clk.fallback_offset_s, 4 * 3600);
	int off;
	assert_int_equal(xt_clock_zone_offset(&clk, l.server.timestamp_now, &off), 0);
	assert_int_equal(off, 4 * 3600);
	xt_client_destroy(&c);
	test_panel_stop(p);
}

static void test_backoff(void **state)
{
	struct test_panel *p = start("xc2", NULL);
	struct xt_client *c = client_for(p->base, "demo", "wrong", 300);
	struct xt_login l;
	assert_int_equal(xt_client_login(c, &l), -EACCES);
	assert_int_equal(l.retry_after_ms, 300);
	/* again at once: no request, the viewer is told why and for how long */
	uint64_t t0 = plat_clock_mono_ms();
	assert_int_equal(xt_client_login(c, &l), -EAGAIN);
	assert_int_equal(l.outcome, XT_LOGIN_BACKING_OFF);
	assert_int_equal(l.previous, XT_LOGIN_WRONG_CREDENTIALS);
	assert_true(l.retry_after_ms > 0 && l.retry_after_ms <= 300);
	assert_true(plat_clock_mono_ms() - t0 < 100);
	char msg[512];
	xt_login_message(&l, msg, sizeof(msg));
	assert_non_null(strstr(msg, "Wrong username or password"));
	assert_non_null(strstr(msg, "try again in"));
	/* after the wait the same failure doubles the wait */
	plat_clock_sleep_ms(350);
	assert_int_equal(xt_client_login(c, &l), -EACCES);
	assert_int_equal(l.retry_after_ms, 600);
	assert_true(xt_client_backoff_remaining_ms(c) > 0);
	/* new credentials typed by the viewer: a deliberate new attempt */
	assert_int_equal(xt_client_set_credentials(c, "demo", "demo"), 0);
	assert_int_equal(xt_client_login(c, &l), 0);
	assert_int_equal(xt_client_backoff_remaining_ms(c), 0);
	xt_client_destroy(&c);
	test_panel_stop(p);
}

/* ---------------------------------------------------------------------------------------------- */

#define MAX_ID 400

struct live_seen {
	int count;
	unsigned char times[MAX_ID + 1];
	bool null_name_15;
	bool string_id_14;
	int64_t cat_of_13;
	bool archive_20;
	int multi_category;
};

static int on_live(void *ud, const struct xt_live *s)
{
	struct live_seen *v = ud;
	v->count++;
	if (s->stream_id >= 0 && s->stream_id <= MAX_ID)
		v->times[s->stream_id]++;
	if (s->stream_id == 15)
		v->null_name_15 = s->name == NULL;
	if (s->stream_id == 14)
		v->string_id_14 = true;
	if (s->stream_id == 13)
		v->cat_of_13 = s->category_id;
	if (s->stream_id == 20)
		v->archive_20 = s->tv_archive && s->tv_archive_days == 3;
	if (s->category_id_count > 1)
		v->multi_category++;
	return 0;
}

static int distinct(const struct live_seen *v)
{
	int n = 0;
	for (int i = 0; i <= MAX_ID; i++)
		n += v->times[i] > 0;
	return n;
}

static int count_cat(void *ud, const struct xt_category *c)
{
	(*(int *)ud)++;
	return 0;
}

struct vod_seen {
	int count;
	char ext_1008[16], ext_1010[16];
};

static int on_vod(void *ud, const struct xt_vod *v)
{
	struct vod_seen *s = ud;
	s->count++;
	if (v->stream_id == 1008)
		snprintf(s->ext_1008, sizeof(s->ext_1008), "%s", v->container_extension);
	if (v->stream_id == 1010)
		snprintf(s->ext_1010, sizeof(s->ext_1010), "%s", v->container_extension);
	return 0;
}

static int count_series(void *ud, const struct xt_series *s)
{
	(*(int *)ud)++;
	return 0;
}

static void test_lists_xui(void **state)
{
	struct test_panel *p = start("xui", NULL);
	struct xt_client *c = client_for(p->base, "demo", "demo", 0);
	int cats = 0;
	assert_int_equal(xt_client_categories(c, XT_KIND_LIVE, count_cat, &cats, NULL), 20);
	struct live_seen v = { 0 };
	struct xt_list_stats st;
	int n = xt_client_live_streams(c, -1, on_live, &v, &st);
	/* XUI lists a stream once per category: more items than channels, deduped by id */
	assert_true(n > 320);
	assert_int_equal(distinct(&v), 320);
	assert_int_equal(st.skipped, 0);
	assert_true(v.null_name_15); /* invalid UTF-8 on the panel arrives as null */
	assert_true(v.multi_category > 0);
	/* one category */
	memset(&v, 0, sizeof(v));
	n = xt_client_live_streams(c, 13, on_live, &v, NULL);
	assert_int_equal(n, 2); /* the two radio stations */
	struct vod_seen vs = { 0 };
	assert_int_equal(xt_client_vod_streams(c, -1, on_vod, &vs, NULL), 60);
	assert_string_equal(vs.ext_1008, "mkv"); /* served upper case */
	int series = 0;
	assert_int_equal(xt_client_series(c, -1, count_series, &series, NULL), 12);
	xt_client_destroy(&c);
	test_panel_stop(p);
}

static void test_lists_xc2(void **state)
{
	struct test_panel *p = start("xc2", NULL);
	struct xt_client *c = client_for(p->base, "demo", "demo", 0);
	struct live_seen v = { 0 };
	assert_int_equal(xt_client_live_streams(c, -1, on_live, &v, NULL), 320);
	assert_int_equal(distinct(&v), 320);
	assert_true(v.string_id_14);      /* "stream_id":"14" */
	assert_int_equal(v.cat_of_13, 0); /* "category_id":null */
	assert_true(v.archive_20);        /* "tv_archive":"1" with days as a string */
	struct vod_seen vs = { 0 };
	assert_int_equal(xt_client_vod_streams(c, -1, on_vod, &vs, NULL), 60);
	assert_string_equal(vs.ext_1010, "mp4"); /* container_extension missing */
	xt_client_destroy(&c);
	test_panel_stop(p);
}

struct detail_seen {
	int info, seasons, episodes;
	int season_of_first, season_of_last;
	char first_id[48];
	int64_t vod_id;
	char vod_name[128];
	int listings;
	char title[128];
};

static int on_vod_info(void *ud, const struct xt_vod_info *i)
{
	struct detail_seen *d = ud;
	d->vod_id = i->stream_id;
	snprintf(d->vod_name, sizeof(d->vod_name), "%s", i->name ? i->name : "");
	return 0;
}

static int on_series_info(void *ud, const struct xt_series_info *i)
{
	((struct detail_seen *)ud)->info++;
	return 0;
}

static int on_season(void *ud, const struct xt_season *s)
{
	((struct detail_seen *)ud)->seasons++;
	return 0;
}

static int on_episode(void *ud, const struct xt_episode *e)
{
	struct detail_seen *d = ud;
	if (d->episodes++ == 0) {
		d->season_of_first = e->season;
		snprintf(d->first_id, sizeof(d->first_id), "%s", e->id);
	}
	d->season_of_last = e->season;
	return 0;
}

static int on_listing(void *ud, const struct xt_epg_listing *l)
{
	struct detail_seen *d = ud;
	if (d->listings++ == 0)
		snprintf(d->title, sizeof(d->title), "%s", l->title);
	assert_true(l->stop > l->start);
	return 0;
}

static void test_details(void **state)
{
	static const char *const flavors[] = { "xc2", "xui" };
	for (int f = 0; f < 2; f++) {
		struct test_panel *p = start(flavors[f], NULL);
		struct xt_client *c = client_for(p->base, "demo", "demo", 0);
		struct detail_seen d = { 0 };
		assert_int_equal(xt_client_vod_info(c, 1001, on_vod_info, &d), 0);
		assert_int_equal(d.vod_id, 1001);
		assert_true(d.vod_name[0] != '\0');
		assert_int_equal(xt_client_vod_info(c, 999999, on_vod_info, &d), -ENOENT);

		struct xt_series_visitor v = { on_series_info, on_season, on_episode };
		memset(&d, 0, sizeof(d));
		assert_int_equal(xt_client_series_info(c, 1, &v, &d), 6); /* seasons 1, 2: an object */
		assert_int_equal(d.info, 1);
		assert_int_equal(d.season_of_first, 1);
		assert_int_equal(d.season_of_last, 2);
		assert_string_equal(d.first_id, "5101");
		memset(&d, 0, sizeof(d));
		assert_int_equal(xt_client_series_info(c, 2, &v, &d), 6); /* seasons 0, 1: an array */
		assert_int_equal(d.season_of_first, 0);
		assert_int_equal(d.season_of_last, 1);
		assert_int_equal(xt_client_series_info(c, 9999, &v, &d), -ENOENT);

		memset(&d, 0, sizeof(d));
		assert_true(xt_client_short_epg(c, 1, 4, on_listing, &d) >= 1);
		assert_true(d.title[0] != '\0');
		assert_null(strchr(d.title, '=')); /* base64 decoded */
		memset(&d, 0, sizeof(d));
		assert_true(xt_client_simple_data_table(c, 1, on_listing, &d) > 4);
		memset(&d, 0, sizeof(d));
		assert_int_equal(xt_client_short_epg(c, 6, 4, on_listing, &d), 0); /* no EPG */
		xt_client_destroy(&c);
		test_panel_stop(p);
	}
}

static void test_account_object(void **state)
{
	/* XC2: an expired line gets the account object for every action, lists included */
	struct test_panel *p = start("xc2", NULL);
	struct xt_client *c = client_for(p->base, "expired", "expired", 0);
	struct live_seen v = { 0 };
	assert_int_equal(xt_client_live_streams(c, -1, on_live, &v, NULL), -EKEYREJECTED);
	assert_int_equal(v.count, 0);
	assert_non_null(strstr(xt_client_last_error(c), "Expired"));
	struct detail_seen d = { 0 };
	assert_int_equal(xt_client_vod_info(c, 1001, on_vod_info, &d), -EKEYREJECTED);
	xt_client_destroy(&c);
	/* XUI: the 404 page */
	test_panel_stop(p);
	p = start("xui", NULL);
	c = client_for(p->base, "banned", "banned", 0);
	assert_int_equal(xt_client_live_streams(c, -1, on_live, &v, NULL), -EACCES);
	xt_client_destroy(&c);
	test_panel_stop(p);
}

static void fault(struct test_panel *p, const char *json)
{
	int status = test_panel_control(p, "POST", "/_control/faults", json);
	if (status != 201)
		fail_msg("fault %s: HTTP %d", json, status);
}

static void clear_faults(struct test_panel *p)
{
	assert_int_equal(test_panel_control(p, "DELETE", "/_control/faults", NULL), 200);
}

static enum xt_login_outcome login_outcome(struct test_panel *p, long timeout_ms)
{
	const char *urls[] = { p->base };
	struct xt_config cfg = { .urls = urls,
				 .url_count = 1,
				 .username = "demo",
				 .password = "demo",
				 .request_timeout_ms = timeout_ms };
	struct xt_client *c = NULL;
	assert_int_equal(xt_client_create(&cfg, &c), 0);
	struct xt_login l;
	xt_client_login(c, &l);
	xt_client_destroy(&c);
	return l.outcome;
}

static int list_error(struct test_panel *p, long stall_ms, struct live_seen *v)
{
	const char *urls[] = { p->base };
	struct xt_config cfg = { .urls = urls,
				 .url_count = 1,
				 .username = "demo",
				 .password = "demo",
				 .stall_timeout_ms = stall_ms };
	struct xt_client *c = NULL;
	assert_int_equal(xt_client_create(&cfg, &c), 0);
	memset(v, 0, sizeof(*v));
	int rc = xt_client_live_streams(c, -1, on_live, v, NULL);
	xt_client_destroy(&c);
	return rc;
}

static void test_failure_shapes(void **state)
{
	struct test_panel *p = start("xc2", NULL);
	struct live_seen v;

	/* HTML where JSON belongs (a CDN error page with HTTP 200) */
	assert_int_equal(test_panel_control(p, "POST", "/_control/scenario", "{\"name\":\"html\"}"), 200);
	assert_int_equal(login_outcome(p, 0), XT_LOGIN_NOT_A_PANEL);
	assert_int_equal(list_error(p, 0, &v), -EBADMSG);
	clear_faults(p);

	/* a list cut short: an error, not a short catalogue */
	assert_int_equal(test_panel_control(p, "POST", "/_control/scenario", "{\"name\":\"truncated\"}"),
			 200);
	assert_int_equal(list_error(p, 0, &v), -EPROTO);
	assert_true(v.count < 320);
	clear_faults(p);

	/* empty bodies */
	fault(p, "{\"match\":\"^/player_api\",\"kind\":\"status\",\"status\":200,\"body\":\"\"}");
	assert_int_equal(list_error(p, 0, &v), -ENODATA);
	assert_int_equal(login_outcome(p, 0), XT_LOGIN_WRONG_CREDENTIALS);
	clear_faults(p);

	/* server errors and clone refusals */
	fault(p, "{\"match\":\"^/player_api\",\"kind\":\"status\",\"status\":503,\"body\":\"busy\"}");
	assert_int_equal(login_outcome(p, 0), XT_LOGIN_SERVER_ERROR);
	assert_int_equal(list_error(p, 0, &v), -EREMOTEIO);
	clear_faults(p);
	fault(p, "{\"match\":\"^/player_api\",\"kind\":\"status\",\"status\":401,\"body\":"
		 "\"{\\\"error\\\":\\\"Unauthorized\\\"}\",\"content_type\":\"application/json\"}");
	assert_int_equal(login_outcome(p, 0), XT_LOGIN_WRONG_CREDENTIALS);
	clear_faults(p);
	fault(p, "{\"match\":\"^/player_api\",\"kind\":\"status\",\"status\":403,\"body\":\"blocked\"}");
	assert_int_equal(login_outcome(p, 0), XT_LOGIN_BANNED);
	clear_faults(p);
	fault(p, "{\"match\":\"^/player_api\",\"kind\":\"status\",\"status\":200,\"body\":\"blocked\"}");
	assert_int_equal(login_outcome(p, 0), XT_LOGIN_BANNED);
	clear_faults(p);

	/* a panel that does not answer in time, and a list that stalls half-way */
	fault(p, "{\"match\":\"^/player_api\",\"kind\":\"latency\",\"ms\":4000,\"count\":1}");
	assert_int_equal(login_outcome(p, 1000), XT_LOGIN_TIMED_OUT);
	clear_faults(p);
	fault(
	    p,
	    "{\"match\":\"action=get_live_streams\",\"kind\":\"stall_after\",\"bytes\":3000,\"seconds\":8}");
	assert_int_equal(list_error(p, 1000, &v), PLAT_HTTP_ESTALLED);
	assert_true(v.count > 0 && v.count < 320);
	clear_faults(p);

	/* and everything is fine again */
	assert_int_equal(login_outcome(p, 0), XT_LOGIN_OK);
	assert_int_equal(list_error(p, 0, &v), 320);
	test_panel_stop(p);
}

static void test_failover(void **state)
{
	struct test_panel *p = start("xui", NULL);
	char dead[64];
	snprintf(dead, sizeof(dead), "http://127.0.0.1:%d", test_free_port()); /* nobody listens */
	const char *urls[] = { dead, p->base };
	struct xt_config cfg = { .urls = urls, .url_count = 2, .username = "demo", .password = "demo" };
	struct xt_client *c = NULL;
	assert_int_equal(xt_client_create(&cfg, &c), 0);
	assert_string_equal(xt_client_base(c), dead);
	struct xt_login l;
	assert_int_equal(xt_client_login(c, &l), 0);
	assert_string_equal(l.base, p->base);
	assert_string_equal(xt_client_base(c), p->base); /* remembered */
	int cats = 0;
	assert_int_equal(xt_client_categories(c, XT_KIND_VOD, count_cat, &cats, NULL), 6);
	xt_client_destroy(&c);

	/* nothing reachable at all */
	const char *none[] = { dead };
	cfg.urls = none;
	cfg.url_count = 1;
	assert_int_equal(xt_client_create(&cfg, &c), 0);
	assert_int_equal(xt_client_login(c, &l), -ECONNREFUSED);
	assert_int_equal(l.outcome, XT_LOGIN_UNREACHABLE);
	char msg[256];
	xt_login_message(&l, msg, sizeof(msg));
	assert_non_null(strstr(msg, "cannot be reached"));
	xt_client_destroy(&c);
	test_panel_stop(p);
}

static int count_vod(void *ud, const struct xt_vod *v)
{
	int64_t *n = ud;
	if (v->stream_id == 100000 + n[0])
		n[1]++; /* in order, each once */
	n[0]++;
	return 0;
}

static void test_huge_vod(void **state)
{
	struct test_panel *p = start("xui", "huge-vod");
	struct xt_client *c = client_for(p->base, "demo", "demo", 0);
	int64_t n[2] = { 0, 0 };
	struct xt_list_stats st;
	assert_int_equal(xt_client_vod_streams(c, -1, count_vod, n, &st), 100000);
	assert_int_equal(n[1], 100000);
	assert_true(st.bytes > 40u * 1024 * 1024);
	xt_client_destroy(&c);
	test_panel_stop(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_login_xc2, stop_panels),
		cmocka_unit_test_teardown(test_login_xui, stop_panels),
		cmocka_unit_test_teardown(test_login_details, stop_panels),
		cmocka_unit_test_teardown(test_backoff, stop_panels),
		cmocka_unit_test_teardown(test_lists_xui, stop_panels),
		cmocka_unit_test_teardown(test_lists_xc2, stop_panels),
		cmocka_unit_test_teardown(test_details, stop_panels),
		cmocka_unit_test_teardown(test_account_object, stop_panels),
		cmocka_unit_test_teardown(test_failure_shapes, stop_panels),
		cmocka_unit_test_teardown(test_failover, stop_panels),
		cmocka_unit_test_teardown(test_huge_vod, stop_panels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
