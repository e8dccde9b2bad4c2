/* SPDX-License-Identifier: MIT */
/* QoE beacons end to end against the local panel's beacon sink (real HTTP on loopback, real SQLite
 * files): the recorded event sequences of scripted sessions go through the player-event contract
 * (the boundary: the player itself is not started), and the records the sink stored are checked one
 * by one and in order. Then delivery: 429 with and without Retry-After, 503, 410, 400, the sink down
 * and back, kill -9 between enqueue and send, the queue cap, the wall clock set late, the JSON
 * envelope, reporting switched off. Short intervals and back-off come from the configuration. */
#include "plat_clock.h"
#include "qanat_config.h"
#include "qoe.h"
#include "test_panel.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define EPOCH 1767225600000LL /* the test wall clock starts here */

/* The sink has a batch as soon as it answers, but the uploader counts it only once the answer has
 * reached it: wait (bounded) for the count instead of racing it. */
static void stats_after_sent(struct qoe *q, uint64_t sent, struct qoe_stats *s)
{
	for (int i = 0; i < 250; i++) {
		qoe_stats_get(q, s);
		if (s->sent >= sent)
			return;
		plat_clock_sleep_ms(20);
	}
}

static struct test_panel panel;
static char dir[64];
static char db[128];
static uint64_t mono0_ms;
static _Atomic bool clock_set = true;

static int64_t test_wall(void *ctx)
{
	(void)ctx;
	return clock_set ? EPOCH + (int64_t)(plat_clock_mono_ms() - mono0_ms) : 0;
}

/* ---- the sink ------------------------------------------------------------------------------- */

struct buf {
	char *p;
	size_t n;
};

static size_t collect(char *d, size_t s, size_t n, void *u)
{
	struct buf *b = u;
	char *p = realloc(b->p, b->n + s * n + 1);
	assert_non_null(p);
	memcpy(p + b->n, d, s * n);
	b->p = p;
	b->n += s * n;
	b->p[b->n] = '\0';
	return s * n;
}

/* Every POST the sink stored: [{content_type, records, headers, received_at}, ...]. */
static json_t *sink_entries(void)
{
	char url[128];
	snprintf(url, sizeof(url), "%s/_control/beacons", panel.base);
	CURL *c = curl_easy_init();
	struct buf b = { 0 };
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_cleanup(c);
	json_t *j = json_loads(b.p, 0, NULL);
	free(b.p);
	assert_true(json_is_array(j));
	return j;
}

/* The CMCD lines the sink stored, in arrival order (a JSON array of strings). */
static json_t *sink_lines(void)
{
	json_t *entries = sink_entries(), *lines = json_array(), *e, *r;
	size_t i, k;
	json_array_foreach(entries, i, e)
	{
		if (strcmp(json_string_value(json_object_get(e, "content_type")), "application/cmcd") != 0)
			continue;
		json_array_foreach(json_object_get(e, "records"), k, r) json_array_append(lines, r);
	}
	json_decref(entries);
	return lines;
}

static void sink_clear(void)
{
	assert_int_equal(test_panel_control(&panel, "DELETE", "/_control/beacons", NULL), 200);
	assert_int_equal(test_panel_control(&panel, "DELETE", "/_control/faults", NULL), 200);
}

static void sink_fault(const char *json)
{
	assert_int_equal(test_panel_control(&panel, "POST", "/_control/faults", json), 201);
}

/* The value of `sid="..."` in a line, into out. */
static void line_sid(const char *line, char *out, size_t cap)
{
	const char *s = strstr(line, "sid=\"");
	out[0] = '\0';
	if (s)
		snprintf(out, cap, "%.*s", (int)strcspn(s + 5, "\""), s + 5);
}

static long long line_int(const char *line, const char *key)
{
	char pat[32];
	snprintf(pat, sizeof(pat), ",%s=", key);
	const char *s = strncmp(line, pat + 1, strlen(pat) - 1) == 0 ? line - 1 : strstr(line, pat);
	return s ? strtoll(s + strlen(pat), NULL, 10) : -1;
}

/* The line with sid and ts replaced by SID and TS, for exact comparison. */
static void normalize(const char *line, char *out, size_t cap)
{
	char tmp[2048];
	snprintf(tmp, sizeof(tmp), "%s", line);
	char *s = strstr(tmp, "sid=\"");
	if (s) {
		char *end = strchr(s + 5, '"');
		memmove(s + 8, end, strlen(end) + 1);
		memcpy(s + 5, "SID", 3);
	}
	char *t = strstr(tmp, ",ts=");
	if (t) {
		char *end = t + 4 + strspn(t + 4, "0123456789");
		memmove(t + 6, end, strlen(end) + 1);
		memcpy(t + 4, "TS", 2);
	}
	snprintf(out, cap, "%s", tmp);
}

/* Lines of one sid, in sn order, each (sid, sn) once (duplicates of at-least-once delivery must be
 * identical and are folded). */
static json_t *session_lines(json_t *lines, const char *sid)
{
	json_t *by_sn = json_array(), *l;
	size_t i;
	json_array_foreach(lines, i, l)
	{
		char s[40];
		line_sid(json_string_value(l), s, sizeof(s));
		if (strcmp(s, sid) != 0)
			continue;
		long long sn = line_int(json_string_value(l), "sn");
		assert_true(sn >= 0 && sn < 10000);
		while (json_array_size(by_sn) <= (size_t)sn)
			json_array_append_new(by_sn, json_null());
		json_t *have = json_array_get(by_sn, (size_t)sn);
		if (json_is_string(have))
			assert_string_equal(json_string_value(have), json_string_value(l));
		else
			json_array_set(by_sn, (size_t)sn, l);
	}
	return by_sn;
}

/* Polls the sink until the session has n records or 20 s passed. */
static json_t *wait_session(const char *sid, size_t n)
{
	json_t *got = NULL;
	for (int i = 0; i < 200; i++) {
		json_t *lines = sink_lines();
		json_decref(got);
		got = session_lines(lines, sid);
		json_decref(lines);
		size_t have = 0, k;
		json_t *l;
		json_array_foreach(got, k, l) have += json_is_string(l);
		if (have >= n)
			break;
		plat_clock_sleep_ms(100);
	}
	return got;
}

/* ---- the box -------------------------------------------------------------------------------- */

static void config(struct qoe_config *c, const char *path)
{
	qoe_config_defaults(c);
	c->ntargets = 1;
	snprintf(c->targets[0].url, sizeof(c->targets[0].url), "%s%s", panel.base, path);
	c->targets[0].format = strstr(path, "json") ? QOE_FORMAT_JSON : QOE_FORMAT_CMCD;
	c->targets[0].interval_ms = 1000;
	c->targets[0].batch = 20;
	c->targets[0].events = QOE_EVENT_ALL;
	c->backoff_base_ms = 100;
	c->backoff_cap_ms = 800;
	snprintf(c->device_model, sizeof(c->device_model), "test-box");
	c->wall_ms = test_wall;
}

static struct qoe *box(const struct qoe_config *c)
{
	struct qoe *q = NULL;
	assert_int_equal(qoe_create(c, db, &q), 0);
	return q;
}

/* The scripted sessions' events: times are offsets (ms) from a base two minutes in the past, so
 * every record's msd and ts follow from the script. */
static uint64_t base_us;
static uint32_t player_session = 100;

static struct player_event ev(enum player_event_type type, int at_ms)
{
	struct player_event e;
	memset(&e, 0, sizeof(e));
	e.type = type;
	e.mono_us = base_us + (uint64_t)at_ms * 1000u;
	e.session = player_session;
	return e;
}

static void tune(struct qoe *q, const char *cid, enum qoe_stream_type st, const char *chno, const char *how,
		 char sid[37])
{
	struct qoe_session_info info;
	memset(&info, 0, sizeof(info));
	snprintf(info.cid, sizeof(info.cid), "%s", cid);
	info.st = st;
	info.sf = QOE_SF_OTHER;
	snprintf(info.channel_number, sizeof(info.channel_number), "%s", chno);
	snprintf(info.tuned_by, sizeof(info.tuned_by), "%s", how);
	base_us = plat_clock_mono_us() - 120000000ull;
	info.requested_mono_us = base_us;
	player_session++;
	assert_int_equal(qoe_session_start(q, &info), 0);
	qoe_session_sid(q, sid);
	assert_int_equal(strlen(sid), 36);
	assert_int_equal(sid[14], '4'); /* UUIDv4 */
	struct player_event e = ev(PLAYER_EV_PLAY_REQUESTED, 3);
	qoe_on_player_event(q, &e);
}

static void response(struct qoe *q, int at, int status, int ttfb, const char *path)
{
	struct player_event e = ev(PLAYER_EV_RESPONSE, at);
	e.u.response.http_status = status;
	e.u.response.ttfb_ms = (uint32_t)ttfb;
	/* credentials in the URL on purpose: the record must not carry them */
	snprintf(e.u.response.url, sizeof(e.u.response.url), "%s%s", panel.base, path);
	qoe_on_player_event(q, &e);
}

static void simple(struct qoe *q, enum player_event_type type, int at)
{
	struct player_event e = ev(type, at);
	qoe_on_player_event(q, &e);
}

static void stats(struct qoe *q, int at, uint32_t br, uint32_t bl, uint32_t dropped, int64_t pos)
{
	struct player_event e = ev(PLAYER_EV_STATS, at);
	e.u.stats.bitrate_kbps = br;
	e.u.stats.buffer_ms = bl;
	e.u.stats.dropped_frames = dropped;
	e.u.stats.position_ms = pos;
	qoe_on_player_event(q, &e);
}

static void state(struct qoe *q, int at, enum player_state s)
{
	struct player_event e = ev(PLAYER_EV_STATE, at);
	e.state = s;
	qoe_on_player_event(q, &e);
}

static void stall(struct qoe *q, int at, bool start, uint32_t dur, uint32_t count, uint32_t total)
{
	struct player_event e = ev(start ? PLAYER_EV_STALL_START : PLAYER_EV_STALL_END, at);
	e.u.stall.duration_ms = dur;
	e.u.stall.count = count;
	e.u.stall.total_ms = total;
	qoe_on_player_event(q, &e);
}

static void error(struct qoe *q, int at, enum player_error_kind kind, bool fatal, int http, const char *net,
		  int averror)
{
	struct player_event e = ev(PLAYER_EV_ERROR, at);
	e.u.error.kind = kind;
	e.u.error.fatal = fatal;
	e.u.error.http_status = http;
	e.u.error.averror = averror;
	snprintf(e.u.error.net, sizeof(e.u.error.net), "%s", net ? net : "");
	qoe_on_player_event(q, &e);
}

/* Checks the session's records against want[] (with SID/TS/PORT placeholders) and each ts against
 * at[] (the script's offsets; -1: "now", only checked to be in order). */
static void expect_session(const char *sid, const char *const *want, const int *at, size_t n)
{
	json_t *got = wait_session(sid, n);
	if (json_array_size(got) != n) {
		char *d = json_dumps(got, JSON_INDENT(1));
		fail_msg("session %s: %zu records, want %zu:\n%s", sid, json_array_size(got), n, d);
	}
	long long prev_ts = 0;
	for (size_t i = 0; i < n; i++) {
		const char *line = json_string_value(json_array_get(got, i));
		assert_non_null(line);
		if (getenv("QANAT_QOE_DUMP")) /* the records as the sink stored them, for a human */
			fprintf(stderr, "sink: %s\n", line);
		char norm[2048], exp[2048];
		normalize(line, norm, sizeof(norm));
		/* PORT in want[] is the panel's port */
		const char *p = strstr(want[i], "PORT");
		if (p)
			snprintf(exp, sizeof(exp), "%.*s%d%s", (int)(p - want[i]), want[i], panel.port,
				 p + 4);
		else
			snprintf(exp, sizeof(exp), "%s", want[i]);
		if (strcmp(norm, exp) != 0)
			fail_msg("record %zu:\n got  %s\n want %s", i, norm, exp);
		assert_null(strstr(line, "demo/demo"));
		long long ts = line_int(line, "ts");
		assert_true(ts >= prev_ts);
		if (at[i] >= 0) {
			long long want_ts =
			    EPOCH + (long long)(base_us / 1000u) + at[i] - (long long)mono0_ms;
			if (ts < want_ts - 2 || ts > want_ts + 2)
				fail_msg("record %zu: ts %lld, want %lld", i, ts, want_ts);
		}
		prev_ts = ts;
	}
	json_decref(got);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/qanat-qoe-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/box.db", dir);
	sink_clear();
	clock_set = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* ---- scripted sessions ---------------------------------------------------------------------- */

static void test_zap_that_starts(void **st)
{
	(void)st;
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	char sid[37];
	tune(q, "live:1234", QOE_ST_LIVE, "101", "number", sid);
	response(q, 12, 200, 84, "/live/demo/demo/1234.ts?token=secret");
	struct player_event d = ev(PLAYER_EV_DECODER, 900);
	snprintf(d.u.decoder.name, sizeof(d.u.decoder.name), "h264");
	qoe_on_player_event(q, &d);
	stats(q, 1000, 4500, 1200, 0, 0);
	simple(q, PLAYER_EV_FIRST_FRAME, 1168);
	stats(q, 2000, 4500, 1400, 0, 800);  /* under the 1 s interval: no e=t */
	stats(q, 2300, 4400, 1500, 2, 1100); /* e=t */
	/* late events of the stream zapped away from are not this session's */
	player_session--;
	simple(q, PLAYER_EV_FIRST_FRAME, 2400);
	error(q, 2400, PLAYER_ERR_HTTP, true, 500, NULL, 0);
	player_session++;
	qoe_session_stop(q);
	assert_int_equal(qoe_flush(q, 5000), 0);
	static const char *const want[] = {
		"cid=\"live:1234\",e=ps,org.qanat-chno=\"101\",org.qanat-tune=\"number\",sf=o,sid=\"SID\",sn="
		"0,st=l,"
		"sta=s,ts=TS,v=2",
		"e=rr,ot=av,rc=200,sid=\"SID\",sn=1,ts=TS,ttfb=84,url=\"http://127.0.0.1:PORT/live/*/*/"
		"1234.ts\",v=2",
		"bl=(1200),br=(4500),e=ps,msd=1168,org.qanat-dec=\"h264\",sid=\"SID\",sn=2,sta=p,ts=TS,v=2",
		"bl=(1500),br=(4400),bsa=(0),bsda=(0),dfa=2,e=t,pt=1100,sid=\"SID\",sn=3,sta=p,ts=TS,v=2",
		"e=ps,pt=1100,sid=\"SID\",sn=4,sta=q,ts=TS,v=2",
	};
	static const int at[] = { 0, 12, 1168, 2300, -1 };
	expect_session(sid, want, at, 5);
	/* one POST per flush trigger, each an application/cmcd body without a trailing LF (the sink is
	 * strict and would have answered 400) */
	json_t *entries = sink_entries(), *e;
	size_t i;
	json_array_foreach(entries, i, e)
	{
		assert_string_equal(json_string_value(json_object_get(e, "content_type")),
				    "application/cmcd");
		assert_string_equal(
		    json_string_value(json_object_get(json_object_get(e, "headers"), "User-Agent")),
		    "Qanat/" QANAT_VERSION);
	}
	json_decref(entries);
	struct qoe_stats s;
	stats_after_sent(q, 5, &s);
	assert_int_equal(s.recorded, 5);
	assert_int_equal(s.sent, 5);
	assert_int_equal(s.queued, 0);
	qoe_destroy(&q);
	assert_null(q);
}

static void test_start_fails_with_404(void **st)
{
	(void)st;
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	char sid[37];
	tune(q, "live:77", QOE_ST_LIVE, "7", "chup", sid);
	response(q, 40, 404, 35, "/live/demo/demo/77.ts");
	error(q, 41, PLAYER_ERR_HTTP, true, 404, NULL, 0);
	state(q, 41, PLAYER_STATE_FAILED);
	qoe_session_stop(q); /* the viewer gives up: the session already failed, no q */
	assert_int_equal(qoe_flush(q, 5000), 0);
	static const char *const want[] = {
		"cid=\"live:77\",e=ps,org.qanat-chno=\"7\",org.qanat-tune=\"chup\",sf=o,sid=\"SID\",sn=0,st="
		"l,sta=s,"
		"ts=TS,v=2",
		"e=rr,ot=av,rc=404,sid=\"SID\",sn=1,ts=TS,ttfb=35,url=\"http://127.0.0.1:PORT/live/*/*/"
		"77.ts\",v=2",
		"e=e,ec=(\"tech.http.404\"),sid=\"SID\",sn=2,ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=3,sta=f,ts=TS,v=2",
	};
	static const int at[] = { 0, 40, 41, 41 };
	expect_session(sid, want, at, 4);
	qoe_destroy(&q);
}

static void test_exit_before_first_frame(void **st)
{
	(void)st;
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	char sid[37];
	tune(q, "live:9", QOE_ST_LIVE, "9", "ok", sid);
	response(q, 30, 200, 25, "/live/demo/demo/9.ts");
	char next[37];
	tune(q, "live:10", QOE_ST_LIVE, "10", "chup", next); /* zapping on ends the first session */
	assert_string_not_equal(sid, next);
	qoe_destroy(&q); /* and leaving the box ends the second: both flushed within the 1 s cap */
	static const char *const want[] = {
		"cid=\"live:9\",e=ps,org.qanat-chno=\"9\",org.qanat-tune=\"ok\",sf=o,sid=\"SID\",sn=0,st=l,"
		"sta=s,"
		"ts=TS,v=2",
		"e=rr,ot=av,rc=200,sid=\"SID\",sn=1,ts=TS,ttfb=25,url=\"http://127.0.0.1:PORT/live/*/*/"
		"9.ts\",v=2",
		"e=ps,sid=\"SID\",sn=2,sta=q,ts=TS,v=2",
	};
	static const int at[] = { 0, 30, -1 };
	expect_session(sid, want, at, 3);
	static const char *const want2[] = {
		"cid=\"live:10\",e=ps,org.qanat-chno=\"10\",org.qanat-tune=\"chup\",sf=o,sid=\"SID\",sn=0,st="
		"l,sta=s,"
		"ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=1,sta=q,ts=TS,v=2",
	};
	static const int at2[] = { 0, -1 };
	expect_session(next, want2, at2, 2);
}

static void test_stall_and_recovery(void **st)
{
	(void)st;
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	char sid[37];
	tune(q, "live:1234", QOE_ST_LIVE, "101", "epg", sid);
	response(q, 10, 200, 80, "/live/demo/demo/1234.ts");
	simple(q, PLAYER_EV_FIRST_FRAME, 800);
	stall(q, 40000, true, 0, 1, 0);
	state(q, 40000, PLAYER_STATE_STALLED);
	stall(q, 41300, false, 1300, 1, 1300);
	state(q, 41300, PLAYER_STATE_PLAYING);
	qoe_session_stop(q);
	assert_int_equal(qoe_flush(q, 5000), 0);
	static const char *const want[] = {
		"cid=\"live:1234\",e=ps,org.qanat-chno=\"101\",org.qanat-tune=\"epg\",sf=o,sid=\"SID\",sn=0,"
		"st=l,"
		"sta=s,ts=TS,v=2",
		"e=rr,ot=av,rc=200,sid=\"SID\",sn=1,ts=TS,ttfb=80,url=\"http://127.0.0.1:PORT/live/*/*/"
		"1234.ts\",v=2",
		"e=ps,msd=800,sid=\"SID\",sn=2,sta=p,ts=TS,v=2",
		"bl=(0),bsa=(1),e=ps,sid=\"SID\",sn=3,sta=r,ts=TS,v=2",
		"bsa=(1),bsd=(1300),bsda=(1300),e=ps,sid=\"SID\",sn=4,sta=p,ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=5,sta=q,ts=TS,v=2",
	};
	static const int at[] = { 0, 10, 800, 40000, 41300, -1 };
	expect_session(sid, want, at, 6);
	qoe_destroy(&q);
}

static void test_fatal_error_mid_playback(void **st)
{
	(void)st;
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	char sid[37];
	tune(q, "live:5", QOE_ST_LIVE, "5", "chdown", sid);
	response(q, 10, 200, 50, "/live/demo/demo/5.ts");
	simple(q, PLAYER_EV_FIRST_FRAME, 700);
	error(q, 20000, PLAYER_ERR_NET, false, 0, "reset", 0); /* a reconnect that worked */
	error(q, 25000, PLAYER_ERR_FFMPEG, true, 0, NULL, -0x41444e49 /* AVERROR_INVALIDDATA */);
	qoe_session_stop(q);
	assert_int_equal(qoe_flush(q, 5000), 0);
	static const char *const want[] = {
		"cid=\"live:5\",e=ps,org.qanat-chno=\"5\",org.qanat-tune=\"chdown\",sf=o,sid=\"SID\",sn=0,st="
		"l,sta=s,"
		"ts=TS,v=2",
		"e=rr,ot=av,rc=200,sid=\"SID\",sn=1,ts=TS,ttfb=50,url=\"http://127.0.0.1:PORT/live/*/*/"
		"5.ts\",v=2",
		"e=ps,msd=700,sid=\"SID\",sn=2,sta=p,ts=TS,v=2",
		"e=e,ec=(\"tech.net.reset\"),sid=\"SID\",sn=3,ts=TS,v=2",
		"e=e,ec=(\"tech.ffmpeg.INVALIDDATA\"),sid=\"SID\",sn=4,ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=5,sta=f,ts=TS,v=2",
	};
	static const int at[] = { 0, 10, 700, 20000, 25000, 25000 };
	expect_session(sid, want, at, 6);
	qoe_destroy(&q);
}

static void test_vod_pause_seek_end(void **st)
{
	(void)st;
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	char sid[37];
	tune(q, "vod:55", QOE_ST_VOD, "", "resume", sid);
	response(q, 20, 206, 30, "/movie/demo/demo/55.mp4");
	simple(q, PLAYER_EV_FIRST_FRAME, 500);
	state(q, 10000, PLAYER_STATE_PAUSED);
	state(q, 15000, PLAYER_STATE_PLAYING);
	struct player_event seek = ev(PLAYER_EV_SEEK, 16000);
	seek.u.seek.to_ms = 600000;
	qoe_on_player_event(q, &seek);
	state(q, 16010, PLAYER_STATE_BUFFERING);
	state(q, 16500, PLAYER_STATE_PLAYING);
	simple(q, PLAYER_EV_ENDED, 90000);
	state(q, 90000, PLAYER_STATE_ENDED);
	qoe_session_stop(q);
	assert_int_equal(qoe_flush(q, 5000), 0);
	static const char *const want[] = {
		"cid=\"vod:55\",e=ps,org.qanat-tune=\"resume\",sf=o,sid=\"SID\",sn=0,st=v,sta=s,ts=TS,v=2",
		"e=rr,ot=av,rc=206,sid=\"SID\",sn=1,ts=TS,ttfb=30,url=\"http://127.0.0.1:PORT/movie/*/*/"
		"55.mp4\",v=2",
		"e=ps,msd=500,sid=\"SID\",sn=2,sta=p,ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=3,sta=a,ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=4,sta=p,ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=5,sta=k,ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=6,sta=p,ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=7,sta=e,ts=TS,v=2",
	};
	static const int at[] = { 0, 20, 500, 10000, 15000, 16000, 16500, 90000 };
	expect_session(sid, want, at, 8);
	qoe_destroy(&q);
}

static void test_box_events_and_standby(void **st)
{
	(void)st;
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	const char *keys[] = { "ms", "programmes" };
	const char *vals[] = { "8123", "250000" };
	assert_int_equal(qoe_box_event(q, "epg_import", keys, vals, 2), 0);
	const char *bad[] = { "Not A Key" };
	assert_int_equal(qoe_box_event(q, "x", bad, vals, 1), -EINVAL);
	/* a refused login: the operator counts it by CMCD's own ec */
	const char *lkeys[] = { "outcome", "ec" };
	const char *lvals[] = { "expired", "biz.xtream.expired" };
	assert_int_equal(qoe_box_event(q, "login", lkeys, lvals, 2), 0);
	qoe_standby(q, true);
	qoe_standby(q, false);
	assert_int_equal(qoe_flush(q, 5000), 0);
	json_t *lines = sink_lines();
	assert_int_equal(json_array_size(lines), 4);
	char sid[40];
	line_sid(json_string_value(json_array_get(lines, 0)), sid, sizeof(sid));
	json_decref(lines);
	static const char *const want[] = {
		"cen=\"epg_import\",e=ce,org.qanat-ms=\"8123\",org.qanat-programmes=\"250000\",sid=\"SID\","
		"sn=0,ts=TS,"
		"v=2",
		"cen=\"login\",e=ce,ec=(\"biz.xtream.expired\"),org.qanat-outcome=\"expired\",sid=\"SID\",sn="
		"1,"
		"ts=TS,v=2",
		"bg,e=b,sid=\"SID\",sn=2,ts=TS,v=2",
		"e=b,sid=\"SID\",sn=3,ts=TS,v=2",
	};
	static const int at[] = { -1, -1, -1, -1 };
	expect_session(sid, want, at, 4);
	qoe_destroy(&q);
}

static void test_json_envelope_target(void **st)
{
	(void)st;
	struct qoe_config c;
	config(&c, "/qoe/json");
	snprintf(c.targets[0].auth, sizeof(c.targets[0].auth), "Bearer abc");
	struct qoe *q = box(&c);
	char sid[37];
	tune(q, "live:1234", QOE_ST_LIVE, "101", "ok", sid);
	stats(q, 100, 4500, 1200, 0, 0);
	simple(q, PLAYER_EV_FIRST_FRAME, 900);
	assert_int_equal(qoe_flush(q, 5000), 0);
	json_t *entries = sink_entries();
	assert_int_equal(json_array_size(entries), 1);
	json_t *e = json_array_get(entries, 0);
	assert_string_equal(json_string_value(json_object_get(e, "content_type")), "application/json");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(e, "headers"), "Authorization")), "Bearer abc");
	json_t *env = json_object_get(e, "envelope");
	assert_string_equal(json_string_value(json_object_get(env, "schema")), "org.qanat.qoe.cmcd-v2/1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(env, "device"), "model")),
			    "test-box");
	assert_true(json_integer_value(json_object_get(env, "sent_at")) >= EPOCH);
	json_t *events = json_object_get(e, "records");
	assert_int_equal(json_array_size(events), 2);
	char *text = json_dumps(json_array_get(events, 1), JSON_COMPACT | JSON_SORT_KEYS);
	char want[512];
	long long ts = json_integer_value(json_object_get(json_array_get(events, 1), "ts"));
	snprintf(
	    want, sizeof(want),
	    "{\"bl\":[1200],\"br\":[4500],\"e\":\"ps\",\"msd\":900,\"sid\":\"%s\",\"sn\":1,\"sta\":\"p\","
	    "\"ts\":%lld,\"v\":2}",
	    sid, ts);
	assert_string_equal(text, want);
	free(text);
	json_decref(entries);
	qoe_destroy(&q);
}

/* ---- delivery ------------------------------------------------------------------------------- */

static void start_and_play(struct qoe *q, char sid[37])
{
	tune(q, "live:1", QOE_ST_LIVE, "1", "ok", sid);
	response(q, 10, 200, 20, "/live/demo/demo/1.ts");
	simple(q, PLAYER_EV_FIRST_FRAME, 600); /* the first p: sent at once */
}

static double now_s(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void test_429_with_retry_after(void **st)
{
	(void)st;
	sink_fault("{\"match\":\"^/qoe/\",\"kind\":\"status\",\"status\":429,\"count\":1,"
		   "\"headers\":{\"Retry-After\":\"2\"}}");
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	double t0 = now_s();
	char sid[37];
	start_and_play(q, sid);
	json_t *got = wait_session(sid, 3);
	assert_int_equal(json_array_size(got), 3);
	json_decref(got);
	json_t *entries = sink_entries();
	assert_int_equal(json_array_size(entries), 1); /* once, after the wait */
	double at = json_real_value(json_object_get(json_array_get(entries, 0), "received_at"));
	assert_true(at - t0 >= 1.9); /* Retry-After honoured (a lower bound: noise cannot break it) */
	json_decref(entries);
	struct qoe_stats s;
	stats_after_sent(q, 3, &s);
	assert_int_equal(s.sent, 3);
	qoe_destroy(&q);
}

static void test_429_without_retry_after_and_503(void **st)
{
	(void)st;
	static const char *const faults[] = {
		"{\"match\":\"^/qoe/\",\"kind\":\"status\",\"status\":429,\"count\":1}",
		"{\"match\":\"^/qoe/\",\"kind\":\"status\",\"status\":503,\"count\":3}",
	};
	for (int f = 0; f < 2; f++) {
		sink_clear();
		sink_fault(faults[f]);
		struct qoe_config c;
		config(&c, "/qoe/cmcd");
		struct qoe *q = box(&c);
		char sid[37];
		start_and_play(q, sid);
		json_t *got = wait_session(sid, 3);
		assert_int_equal(json_array_size(got), 3);
		json_decref(got);
		json_t *lines = sink_lines();
		assert_int_equal(json_array_size(lines), 3); /* backed off and retried, nothing twice */
		json_decref(lines);
		struct qoe_stats s;
		stats_after_sent(q, 3, &s);
		assert_int_equal(s.sent, 3);
		assert_int_equal(s.last_status, 204);
		qoe_destroy(&q);
	}
}

static void test_410_stops_the_target_until_config_changes(void **st)
{
	(void)st;
	sink_fault("{\"match\":\"^/qoe/\",\"kind\":\"status\",\"status\":410}");
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	char sid[37];
	start_and_play(q, sid);
	struct qoe_stats s = { 0 };
	for (int i = 0; i < 100 && !s.gone_targets; i++) {
		plat_clock_sleep_ms(50);
		qoe_stats_get(q, &s);
	}
	assert_int_equal(s.gone_targets, 1);
	assert_int_equal(s.last_status, 410);
	assert_int_equal(test_panel_control(&panel, "DELETE", "/_control/faults", NULL), 200);
	qoe_session_stop(q);
	assert_int_equal(qoe_flush(q, 3000), 0);
	qoe_stats_get(q, &s);
	assert_int_equal(s.queued, 0);
	qoe_destroy(&q);
	/* a restart with the same configuration: still stopped */
	q = box(&c);
	start_and_play(q, sid);
	qoe_session_stop(q);
	assert_int_equal(qoe_flush(q, 3000), 0);
	qoe_stats_get(q, &s);
	assert_int_equal(s.gone_targets, 1);
	qoe_destroy(&q);
	json_t *lines = sink_lines();
	assert_int_equal(json_array_size(lines), 0);
	json_decref(lines);
	/* the operator changes the configuration: sending resumes */
	snprintf(c.targets[0].auth, sizeof(c.targets[0].auth), "Bearer rotated");
	q = box(&c);
	start_and_play(q, sid);
	json_t *got = wait_session(sid, 3);
	assert_int_equal(json_array_size(got), 3);
	json_decref(got);
	json_t *entries = sink_entries();
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(json_array_get(entries, 0), "headers"), "Authorization")),
			    "Bearer rotated");
	json_decref(entries);
	qoe_destroy(&q);
}

static void test_400_drops_that_batch(void **st)
{
	(void)st;
	sink_fault("{\"match\":\"^/qoe/\",\"kind\":\"status\",\"status\":400,\"count\":1}");
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	char sid[37];
	start_and_play(q, sid);
	struct qoe_stats s = { 0 };
	for (int i = 0; i < 100 && !s.dropped_4xx; i++) {
		plat_clock_sleep_ms(50);
		qoe_stats_get(q, &s);
	}
	assert_int_equal(s.dropped_4xx, 3);
	qoe_session_stop(q);
	assert_int_equal(qoe_flush(q, 5000), 0);
	json_t *lines = sink_lines();
	assert_int_equal(json_array_size(lines), 1); /* the refused batch never comes back */
	char norm[512];
	normalize(json_string_value(json_array_get(lines, 0)), norm, sizeof(norm));
	assert_string_equal(norm, "e=ps,sid=\"SID\",sn=3,sta=q,ts=TS,v=2");
	json_decref(lines);
	stats_after_sent(q, 1, &s);
	assert_int_equal(s.sent, 1);
	qoe_destroy(&q);
}

/* Three scripted sessions while nothing listens on the sink's port, then the sink comes back on
 * the same port: every record arrives, in sn order per session, nothing but identical repeats. */
static void test_sink_down_then_up(void **st)
{
	(void)st;
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	int port = panel.port;
	test_panel_stop(&panel);
	struct qoe *q = box(&c);
	char sids[3][37];
	for (int i = 0; i < 3; i++) {
		start_and_play(q, sids[i]);
		stall(q, 5000, true, 0, 1, 0);
		stall(q, 6000, false, 1000, 1, 1000);
		error(q, 9000, PLAYER_ERR_NET, true, 0, "timeout", 0);
	}
	assert_int_equal(qoe_sync(q, 5000), 0);
	plat_clock_sleep_ms(1500); /* several refused attempts, backing off */
	struct qoe_stats s;
	qoe_stats_get(q, &s);
	assert_int_equal(s.queued, 21);
	assert_int_equal(s.last_status, -ECONNREFUSED);
	char portarg[16];
	snprintf(portarg, sizeof(portarg), "%d", port);
	const char *const again[] = { "--port", portarg, NULL }; /* the last --port wins */
	assert_int_equal(test_panel_start(&panel, NULL, NULL, again), 0);
	panel.port = port;
	snprintf(panel.base, sizeof(panel.base), "http://127.0.0.1:%d", port);
	for (int i = 0; i < 3; i++) {
		json_t *got = wait_session(sids[i], 7);
		assert_int_equal(json_array_size(got), 7);
		for (size_t k = 0; k < 7; k++)
			assert_true(json_is_string(json_array_get(got, k)));
		assert_non_null(
		    strstr(json_string_value(json_array_get(got, 5)), "ec=(\"tech.net.timeout\")"));
		json_decref(got);
	}
	qoe_destroy(&q);
}

/* A child queues records the sink cannot take yet, waits until they are in SQLite, and is killed
 * with SIGKILL. The next run sends them, with the sn they were given: none reused, none lost. */
static void test_kill_9_between_enqueue_and_send(void **st)
{
	(void)st;
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		struct qoe *q = NULL;
		if (qoe_create(&c, db, &q) < 0)
			_exit(2);
		char sid[37];
		start_and_play(q, sid);
		if (qoe_flush(q, 5000) < 0)
			_exit(3);
		/* the sink goes away (503 from now on); the session goes on */
		if (test_panel_control(&panel, "POST", "/_control/faults",
				       "{\"match\":\"^/qoe/\",\"kind\":\"status\",\"status\":503}") != 201)
			_exit(4);
		stall(q, 5000, true, 0, 1, 0);
		stall(q, 7000, false, 2000, 1, 2000);
		error(q, 9000, PLAYER_ERR_HTTP, true, 502, NULL, 0);
		if (qoe_sync(q, 5000) < 0)
			_exit(5);
		if (write(fds[1], sid, 37) != 37 ||
		    write(fds[1], &base_us, sizeof(base_us)) != sizeof(base_us))
			_exit(6);
		for (;;)
			pause();
	}
	close(fds[1]);
	char sid[37] = "";
	assert_int_equal(read(fds[0], sid, 37), 37);
	assert_int_equal(read(fds[0], &base_us, sizeof(base_us)), sizeof(base_us)); /* the child's script */
	close(fds[0]);
	kill(pid, SIGKILL);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	json_t *lines = sink_lines();
	json_t *before = session_lines(lines, sid);
	json_decref(lines);
	assert_int_equal(json_array_size(before), 3); /* s, rr, p went before the kill */
	json_decref(before);

	assert_int_equal(test_panel_control(&panel, "DELETE", "/_control/faults", NULL), 200);
	struct qoe *q = box(&c);
	static const char *const want[] = {
		"cid=\"live:1\",e=ps,org.qanat-chno=\"1\",org.qanat-tune=\"ok\",sf=o,sid=\"SID\",sn=0,st=l,"
		"sta=s,"
		"ts=TS,v=2",
		"e=rr,ot=av,rc=200,sid=\"SID\",sn=1,ts=TS,ttfb=20,url=\"http://127.0.0.1:PORT/live/*/*/"
		"1.ts\",v=2",
		"e=ps,msd=600,sid=\"SID\",sn=2,sta=p,ts=TS,v=2",
		"bl=(0),bsa=(1),e=ps,sid=\"SID\",sn=3,sta=r,ts=TS,v=2",
		"bsa=(1),bsd=(2000),bsda=(2000),e=ps,sid=\"SID\",sn=4,sta=p,ts=TS,v=2",
		"e=e,ec=(\"tech.http.502\"),sid=\"SID\",sn=5,ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=6,sta=f,ts=TS,v=2",
	};
	static const int at[] = { 0, 10, 600, 5000, 7000, 9000, 9000 };
	expect_session(sid, want, at, 7);
	/* the new run's sessions count from 0 under their own sid */
	char sid2[37];
	start_and_play(q, sid2);
	json_t *got = wait_session(sid2, 3);
	assert_int_equal(json_array_size(got), 3);
	json_decref(got);
	qoe_destroy(&q);
}

/* Offline with a cap of 12 rows: the oldest e=t go first, every state change and error stays. */
static void test_queue_cap(void **st)
{
	(void)st;
	sink_fault("{\"match\":\"^/qoe/\",\"kind\":\"status\",\"status\":503}");
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	c.max_rows = 12;
	c.backoff_base_ms = 60000;
	c.backoff_cap_ms = 60000;
	struct qoe *q = box(&c);
	char sid[37];
	start_and_play(q, sid);
	for (int i = 1; i <= 30; i++) {
		if (i == 15) {
			stall(q, 15500, true, 0, 1, 0);
			stall(q, 16000, false, 500, 1, 500);
		}
		stats(q, 600 + i * 1000, 4000, 1000, 0, i * 1000);
		assert_int_equal(qoe_sync(q, 5000), 0); /* one write each, so the cap acts on the way */
	}
	qoe_session_stop(q);
	assert_int_equal(qoe_sync(q, 5000), 0);
	struct qoe_stats s;
	qoe_stats_get(q, &s);
	assert_int_equal(s.recorded, 36);
	assert_int_equal(s.queued, 12);
	assert_int_equal(s.dropped_cap, 24);
	qoe_destroy(&q);
	/* `qanat qoe show` prints the queue as it will be sent */
	char *shown = NULL;
	size_t shown_len = 0;
	FILE *mem = open_memstream(&shown, &shown_len);
	assert_int_equal(qoe_queue_print(db, mem, false), 12);
	fclose(mem);

	assert_int_equal(test_panel_control(&panel, "DELETE", "/_control/faults", NULL), 200);
	config(&c, "/qoe/cmcd");
	c.max_rows = 12;
	q = box(&c);
	assert_int_equal(qoe_flush(q, 5000), 0);
	json_t *lines = sink_lines();
	assert_int_equal(json_array_size(lines), 12);
	/* s, rr, p, r, p, q (sn 0, 1, 2, 17, 18, 35) and the newest six e=t (sn 29..34) */
	static const int sns[] = { 0, 1, 2, 17, 18, 29, 30, 31, 32, 33, 34, 35 };
	json_t *got = session_lines(lines, sid);
	size_t k;
	json_t *l;
	int n = 0;
	json_array_foreach(got, k, l)
	{
		if (!json_is_string(l))
			continue;
		assert_int_equal((int)k, sns[n]);
		bool is_t = strstr(json_string_value(l), ",e=t,") != NULL;
		assert_true(is_t == (k >= 29 && k <= 34));
		n++;
	}
	assert_int_equal(n, 12);
	json_decref(got);
	/* what support saw is what the operator got, line for line */
	char want[8192];
	int at = snprintf(want, sizeof(want), "# %s/qoe/cmcd: 12 records\n", panel.base);
	json_array_foreach(lines, k, l) at +=
	    snprintf(want + at, sizeof(want) - (size_t)at, "%s\n", json_string_value(l));
	assert_string_equal(shown, want);
	free(shown);
	json_decref(lines);
	qoe_destroy(&q);
}

/* Records made before NTP set the clock carry the monotonic time; ts is fixed up when they go. */
static void test_clock_set_late(void **st)
{
	(void)st;
	clock_set = false;
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	char sid[37];
	start_and_play(q, sid);
	qoe_session_stop(q);
	assert_int_equal(qoe_sync(q, 5000), 0);
	plat_clock_sleep_ms(1200);
	json_t *lines = sink_lines();
	assert_int_equal(json_array_size(lines), 0); /* held until the clock is set */
	json_decref(lines);
	clock_set = true;
	static const char *const want[] = {
		"cid=\"live:1\",e=ps,org.qanat-chno=\"1\",org.qanat-tune=\"ok\",sf=o,sid=\"SID\",sn=0,st=l,"
		"sta=s,"
		"ts=TS,v=2",
		"e=rr,ot=av,rc=200,sid=\"SID\",sn=1,ts=TS,ttfb=20,url=\"http://127.0.0.1:PORT/live/*/*/"
		"1.ts\",v=2",
		"e=ps,msd=600,sid=\"SID\",sn=2,sta=p,ts=TS,v=2",
		"e=ps,sid=\"SID\",sn=3,sta=q,ts=TS,v=2",
	};
	static const int at[] = { 0, 10, 600, -1 };
	expect_session(sid, want, at, 4);
	qoe_destroy(&q);
}

static void test_reporting_off(void **st)
{
	(void)st;
	sink_fault("{\"match\":\"^/qoe/\",\"kind\":\"status\",\"status\":503}");
	struct qoe_config c;
	config(&c, "/qoe/cmcd");
	struct qoe *q = box(&c);
	char sid[37];
	start_and_play(q, sid);
	assert_int_equal(qoe_sync(q, 5000), 0);
	qoe_set_reporting(q, false); /* the viewer says no: what is queued goes too */
	assert_int_equal(qoe_sync(q, 5000), 0);
	struct qoe_session_info info = { .cid = "live:2", .st = QOE_ST_LIVE };
	assert_int_equal(qoe_session_start(q, &info), 0);
	qoe_session_sid(q, sid);
	assert_string_equal(sid, ""); /* no session is recorded */
	simple(q, PLAYER_EV_FIRST_FRAME, 600);
	qoe_session_stop(q);
	assert_int_equal(test_panel_control(&panel, "DELETE", "/_control/faults", NULL), 200);
	assert_int_equal(qoe_flush(q, 2000), 0);
	struct qoe_stats s;
	qoe_stats_get(q, &s);
	assert_int_equal(s.queued, 0);
	assert_int_equal(s.recorded, 3);
	qoe_destroy(&q);
	json_t *lines = sink_lines();
	assert_int_equal(json_array_size(lines), 0);
	json_decref(lines);
	/* and an operator who switched QoE off gets nothing either */
	config(&c, "/qoe/cmcd");
	c.enabled = false;
	q = box(&c);
	assert_int_equal(qoe_session_start(q, &info), 0);
	qoe_session_sid(q, sid);
	assert_string_equal(sid, "");
	qoe_destroy(&q);
}

static int group_setup(void **state)
{
	(void)state;
	mono0_ms = plat_clock_mono_ms();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return test_panel_start(&panel, NULL, NULL, NULL) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	test_panel_stop(&panel);
	curl_global_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_zap_that_starts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_fails_with_404, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_before_first_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stall_and_recovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fatal_error_mid_playback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vod_pause_seek_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_box_events_and_standby, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_envelope_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_429_with_retry_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_429_without_retry_after_and_503, setup, teardown),
		cmocka_unit_test_setup_teardown(test_410_stops_the_target_until_config_changes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_400_drops_that_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_9_between_enqueue_and_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_set_late, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reporting_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sink_down_then_up, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
