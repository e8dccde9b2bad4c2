/* SPDX-License-Identifier: MIT */
/* The player against hostile streams (issue 14, "Trust"), each ending with its sentence within a
 * generous bound: a 16000x16000 H.264 channel refused before any decoder allocates a picture (peak
 * RSS measured), an HLS master playlist pointing to itself and a chain of masters deeper than 3
 * refused after a handful of requests (counted by the server), a master with 2000 variants held to
 * the request-rate cap, a server certificate the box does not trust refused before any request
 * (none reaches the panel), the same panel trusted through the operator's CA file (TS and HLS, so
 * FFmpeg's nested opens verify too), a stream with nothing decodable ended, an open that never
 * finishes given up, and a 20 s outage counted as one stall whose time runs until pictures flow
 * again. Uses the local panel (its TLS port, stream 9016, faults hls_loop and outage) and
 * tests/player/hostile_http.py for the shapes the panel does not make. */
#include "test_panel.h"
#include "test_player_support.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#define PKI MEDIA_DIR "/pki"

static struct test_panel panel;
static struct file_server hostile;
static int tls_port;

static uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static long peak_rss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

/* The test PKI (test_tls_make_pki), made once per build tree. */
static int make_pki(void)
{
	struct stat st;
	if (stat(PKI "/srv.pem", &st) == 0)
		return 0;
	if (run_cmd("mkdir -p " PKI) != 0)
		return -1;
	return test_tls_make_pki(PKI);
}

/* seg.ts: a short playable clip (the wide playlist's segment); noidr.ts: H.264 without SPS, PPS or
 * a single IDR picture (filter_units), so nothing in it can ever be decoded. */
static int make_media(void)
{
	struct stat st;
	if (stat(MEDIA_DIR "/noidr.ts", &st) == 0 && stat(MEDIA_DIR "/seg.ts", &st) == 0)
		return 0;
	return run_cmd(
	    "mkdir -p " MEDIA_DIR " && ffmpeg -hide_banner -loglevel error -y -f lavfi -i "
	    "testsrc=s=320x240:r=25 -t 2 -c:v libx264 -preset ultrafast -g 25 " MEDIA_DIR
	    "/seg.ts && ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=s=320x240:r=25 -t "
	    "20 -c:v libx264 -preset ultrafast -g 50 -bsf:v 'filter_units=remove_types=5|7|8' -f "
	    "mpegts " MEDIA_DIR "/noidr.ts");
}

static int setup(void **state)
{
	(void)state;
	if (make_pki() != 0 || make_media() != 0)
		return -1;
	tls_port = test_free_port();
	char port[16];
	snprintf(port, sizeof(port), "%d", tls_port);
	const char *const extra[] = { "--tls-port", port,           "--tls-cert", PKI "/srv.pem",
				      "--tls-key",  PKI "/srv.key", NULL };
	if (test_panel_start(&panel, NULL, NULL, extra) != 0)
		return -1;
	return hostile_server_start(&hostile, MEDIA_DIR) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	file_server_stop(&hostile);
	test_panel_stop(&panel);
	return 0;
}

static void fault(const char *json)
{
	int st = test_panel_control(&panel, "POST", "/_control/faults", json);
	assert_true(st >= 200 && st < 300);
}

static void faults_clear(void)
{
	test_panel_control(&panel, "DELETE", "/_control/faults", NULL);
	test_panel_control(&panel, "DELETE", "/_control/requests", NULL);
}

/* Requests the panel answered whose target holds needle (the request log). */
static int panel_requests(const char *needle)
{
	static char body[1 << 20];
	assert_int_equal(http_get(panel.port, "/_control/requests", body, sizeof(body)), 200);
	return count_of(body, needle);
}

/* Waits up to ms for the fatal error of r's session; true when it came. */
static bool wait_fatal(struct rec *r, int ms)
{
	return rec_wait_state(r, PLAYER_STATE_FAILED, ms) && r->fatal;
}

static const struct player_event *fatal_error(struct rec *r)
{
	return &r->last[PLAYER_EV_ERROR];
}

static void expect_refusal(struct rec *r, enum player_refusal why, const char *sentence)
{
	const struct player_event *e = fatal_error(r);
	assert_true(e->u.error.fatal);
	assert_int_equal(e->u.error.refusal, why);
	assert_string_equal(e->u.error.message, sentence);
}

/* ---- the picture limit ---- */

static void huge_picture(const char *base, const char *path)
{
	struct player_config c;
	player_config_default(&c);
	/* the panel makes stream 9016 at its first request (8-15 s): wait for it */
	c.read_timeout_ms = 60000;
	c.limits.open_timeout_ms = 90000;
	struct rec r;
	rec_init_config(&r, &c);
	char u[256];
	snprintf(u, sizeof(u), "%s%s", base, path);
	uint64_t t0 = now_ms();
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(wait_fatal(&r, 120000));
	uint64_t took = now_ms() - t0;
	expect_refusal(&r, PLAYER_REFUSAL_TOO_LARGE,
		       "This channel's picture (16000x16000) is larger than this box can show (4096x2304).");
	const struct player_event *e = fatal_error(&r);
	assert_int_equal(e->u.error.width, 16000);
	assert_int_equal(e->u.error.height, 16000);
	assert_int_equal(e->u.error.max_width, 4096);
	assert_int_equal(e->u.error.max_height, 2304);
	assert_int_equal(rec_count(&r, PLAYER_EV_FIRST_FRAME), 0);
	rec_fini(&r);
	long rss = peak_rss_mb();
	printf("# %s refused after %llu ms, peak RSS of the test %ld MB\n", path, (unsigned long long)took,
	       rss);
	/* a decoded 16000x16000 picture alone is 384 MB; main peaked at 3.8 GB */
	assert_true(rss < 400);
}

static void huge_picture_refused_before_decoding(void **state)
{
	(void)state;
	huge_picture(panel.base, "/live/demo/demo/9016.ts");
}

static void huge_picture_over_hls_refused(void **state)
{
	(void)state;
	huge_picture(panel.base, "/live/demo/demo/9016.m3u8");
}

/* Joined between two PMTs a frame (750 kB) apart: the header names no stream, and probing would
 * decode a 16000x16000 picture. The panel's own clip (in its cache, made by the first case), cut. */
static void huge_picture_joined_after_its_pmt_refused(void **state)
{
	(void)state;
	char body[8192];
	assert_int_equal(http_get(panel.port, "/_control/state", body, sizeof(body)), 200);
	const char *m = strstr(body, "\"media_dir\"");
	assert_non_null(m);
	m = strchr(m + 11, '"');
	assert_non_null(m);
	char dir[1024];
	size_t n = strcspn(m + 1, "\"");
	assert_true(n < sizeof(dir));
	memcpy(dir, m + 1, n);
	dir[n] = '\0';
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
		 "f=$(ls -S '%s'/../huge-*/huge.ts | head -1) && dd if=\"$f\" of=" MEDIA_DIR
		 "/cut.ts bs=188 skip=100 2>/dev/null",
		 dir);
	assert_int_equal(run_cmd(cmd), 0);
	huge_picture(hostile.base, "/cut.ts");
}

/* ---- HLS nesting and request rate ---- */

static void hls_master_pointing_to_itself_refused(void **state)
{
	(void)state;
	faults_clear();
	fault("{\"match\":\"^/live/demo/demo/1\\\\.m3u8\",\"kind\":\"hls_loop\"}");
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	snprintf(u, sizeof(u), "%s/live/demo/demo/1.m3u8", panel.base);
	uint64_t t0 = now_ms();
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(wait_fatal(&r, 30000));
	uint64_t took = now_ms() - t0;
	expect_refusal(&r, PLAYER_REFUSAL_PLAYLIST_LOOP,
		       "This channel's playlist points to itself or nests too deep.");
	sleep_ms(1000); /* nothing more goes out once refused */
	int n = panel_requests("1.m3u8");
	printf("# self-referencing master: refused after %llu ms, %d requests\n", (unsigned long long)took,
	       n);
	assert_true(n >= 1 && n < 5); /* main: ~850 a second, for ever */
	rec_fini(&r);
	faults_clear();
}

static void hls_chain(int depth, bool plays)
{
	faults_clear();
	char f[256];
	snprintf(f, sizeof(f),
		 "{\"match\":\"^/live/demo/demo/3\\\\.m3u8\",\"kind\":\"hls_loop\",\"depth\":%d}", depth);
	fault(f);
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	snprintf(u, sizeof(u), "%s/live/demo/demo/3.m3u8", panel.base);
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	if (plays) {
		assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 30000));
	} else {
		assert_true(wait_fatal(&r, 30000));
		expect_refusal(&r, PLAYER_REFUSAL_PLAYLIST_LOOP,
			       "This channel's playlist points to itself or nests too deep.");
		sleep_ms(1000);
		int n = panel_requests("3.m3u8");
		printf("# chain of %d masters: %d requests\n", depth, n);
		assert_true(n < 8);
	}
	rec_fini(&r);
	faults_clear();
}

static void hls_chain_deeper_than_3_refused(void **state)
{
	(void)state;
	hls_chain(8, false);
}

static void hls_chain_within_the_depth_plays(void **state)
{
	(void)state;
	hls_chain(2, true);
}

static void hls_request_rate_capped(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	char u[256], body[1 << 16];
	snprintf(u, sizeof(u), "%s/wide.m3u8", hostile.base);
	uint64_t t0 = now_ms();
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(wait_fatal(&r, 30000));
	double secs = (double)(now_ms() - t0) / 1000.0;
	expect_refusal(&r, PLAYER_REFUSAL_REQUEST_RATE,
		       "This channel asks for more requests than this box allows.");
	rec_fini(&r);
	assert_int_equal(http_get(hostile.port, "/_count", body, sizeof(body)), 200);
	long n = strtol(strstr(body, "\"requests\":") + 11, NULL, 10);
	printf("# 2000 variants: refused after %.1f s, %ld requests\n", secs, n);
	/* a burst of 40, then 20 a second (main: every variant and segment, thousands) */
	assert_true(n < 40 + 20 * secs + 10);
}

/* ---- TLS ---- */

static void tls_url(char *out, size_t cap, const char *host, const char *path)
{
	snprintf(out, cap, "https://%s:%d%s", host, tls_port, path);
}

static void tls_untrusted_refused_before_any_request(void **state)
{
	(void)state;
	faults_clear();
	struct rec r;
	rec_init(&r, NULL); /* the system store: the test CA is unknown */
	char u[256];
	tls_url(u, sizeof(u), "127.0.0.1", "/live/demo/demo/1.ts");
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(wait_fatal(&r, 30000));
	expect_refusal(&r, PLAYER_REFUSAL_TLS_UNTRUSTED, "The stream's server certificate is not trusted.");
	assert_int_equal(fatal_error(&r)->u.error.kind, PLAYER_ERR_NET);
	assert_string_equal(fatal_error(&r)->u.error.net, "tls");
	sleep_ms(1500); /* no retry: a certificate does not become trusted by asking again */
	rec_fini(&r);
	/* the credentials never reached the panel (FFmpeg's GnuTLS verifies once the handshake is
	 * done, then closes: the panel sees a handshake, never a request) */
	assert_int_equal(panel_requests("\"tls\""), 0);
}

static void tls_wrong_host_refused(void **state)
{
	(void)state;
	faults_clear();
	struct player_config c;
	player_config_default(&c);
	c.ca_file = PKI "/ca.pem";
	struct rec r;
	rec_init_config(&r, &c);
	char u[256];
	tls_url(u, sizeof(u), "localhost", "/live/demo/demo/1.ts"); /* the certificate names 127.0.0.1 */
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(wait_fatal(&r, 30000));
	expect_refusal(&r, PLAYER_REFUSAL_TLS_UNTRUSTED, "The stream's server certificate is not trusted.");
	rec_fini(&r);
	assert_int_equal(panel_requests("\"tls\""), 0);
}

/* ca_file, or the CA as a bundle in memory (what ctl_playback and qanat play hand over) */
static void tls_trusted_with_the_operator_ca(const char *path, bool bundle)
{
	faults_clear();
	struct player_config c;
	player_config_default(&c);
	static char pem[16384];
	if (bundle) {
		FILE *f = fopen(PKI "/ca.pem", "rb");
		assert_non_null(f);
		c.ca_bundle_len = fread(pem, 1, sizeof(pem), f);
		fclose(f);
		c.ca_bundle = pem;
	} else {
		c.ca_file = PKI "/ca.pem";
	}
	struct rec r;
	rec_init_config(&r, &c);
	char u[256];
	tls_url(u, sizeof(u), "127.0.0.1", path);
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 30000));
	assert_false(r.fatal);
	rec_fini(&r);
	assert_true(panel_requests("\"tls\"") >= 1);
}

static void tls_trusted_ts_plays(void **state)
{
	(void)state;
	tls_trusted_with_the_operator_ca("/live/demo/demo/1.ts", false);
}

static void tls_trusted_hls_plays(void **state)
{
	(void)state;
	/* playlist and segments: FFmpeg's nested opens verify against the same CA */
	tls_trusted_with_the_operator_ca("/live/demo/demo/4.m3u8", true);
}

/* ---- nothing playable, the open deadline ---- */

static void nothing_playable_ends(void **state)
{
	(void)state;
	struct player_config c;
	player_config_default(&c);
	c.limits.nothing_playable_ms = 5000;
	struct rec r;
	rec_init_config(&r, &c);
	char u[256];
	snprintf(u, sizeof(u), "%s/paced/noidr.ts", hostile.base);
	uint64_t t0 = now_ms();
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(wait_fatal(&r, 30000));
	printf("# nothing decodable: ended after %llu ms\n", (unsigned long long)(now_ms() - t0));
	expect_refusal(&r, PLAYER_REFUSAL_NOTHING_PLAYABLE, "This channel sends nothing this box can play.");
	rec_fini(&r);
}

static void slow_open_has_a_deadline(void **state)
{
	(void)state;
	faults_clear();
	fault("{\"match\":\"^/live/demo/demo/2\\\\.ts\",\"kind\":\"trickle\",\"rate\":8}");
	struct player_config c;
	player_config_default(&c);
	c.limits.open_timeout_ms = 3000;
	c.reconnect_max = 2;
	struct rec r;
	rec_init_config(&r, &c);
	char u[256];
	snprintf(u, sizeof(u), "%s/live/demo/demo/2.ts", panel.base);
	uint64_t t0 = now_ms();
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(wait_fatal(&r, 30000));
	printf("# 8 B/s at the open: given up after %llu ms\n", (unsigned long long)(now_ms() - t0));
	const struct player_event *e = fatal_error(&r);
	assert_int_equal(e->u.error.kind, PLAYER_ERR_NET);
	assert_string_equal(e->u.error.net, "timeout");
	rec_fini(&r);
	faults_clear();
}

/* ---- stalls across reconnects ---- */

static void outage_is_one_stall_until_pictures_flow(void **state)
{
	(void)state;
	faults_clear();
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	snprintf(u, sizeof(u), "%s/live/demo/demo/6.ts", panel.base);
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
	sleep_ms(3000);
	/* every live connection dropped and every new one refused with 503 for 20 s */
	fault("{\"kind\":\"outage\",\"seconds\":20}");
	assert_true(rec_wait(&r, PLAYER_EV_STALL_START, 1, 10000));
	struct player_info mid;
	sleep_ms(10000);
	player_info_get(r.p, &mid); /* the stall running now counts */
	assert_true(rec_wait(&r, PLAYER_EV_STALL_END, 1, 60000));
	sleep_ms(2000);
	struct player_info in;
	player_info_get(r.p, &in);
	printf("# 20 s outage: stalls %u, stall time %u ms (%u ms 10 s in), reconnects %u\n", in.stalls,
	       in.stall_ms, mid.stall_ms, in.reconnects);
	assert_false(r.fatal);
	assert_int_equal(in.stalls, 1);
	assert_true(mid.stall_ms >= 9000);
	assert_true(in.stall_ms >= 18000);
	assert_true(in.reconnects >= 1);
	assert_int_not_equal(in.state, PLAYER_STATE_FAILED);
	assert_true(r.last[PLAYER_EV_STALL_END].u.stall.duration_ms >= 18000);
	rec_fini(&r);
	faults_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: its peak RSS is the process's */
		cmocka_unit_test(huge_picture_refused_before_decoding),
		cmocka_unit_test(huge_picture_over_hls_refused),
		cmocka_unit_test(huge_picture_joined_after_its_pmt_refused),
		cmocka_unit_test(hls_master_pointing_to_itself_refused),
		cmocka_unit_test(hls_chain_deeper_than_3_refused),
		cmocka_unit_test(hls_chain_within_the_depth_plays),
		cmocka_unit_test(hls_request_rate_capped),
		cmocka_unit_test(tls_untrusted_refused_before_any_request),
		cmocka_unit_test(tls_wrong_host_refused),
		cmocka_unit_test(tls_trusted_ts_plays),
		cmocka_unit_test(tls_trusted_hls_plays),
		cmocka_unit_test(nothing_playable_ends),
		cmocka_unit_test(slow_open_has_a_deadline),
		cmocka_unit_test(outage_is_one_stall_until_pictures_flow),
	};
	if (getenv("QANAT_TEST_FILTER")) /* one case at a time: QANAT_TEST_FILTER=outage* */
		cmocka_set_test_filter(getenv("QANAT_TEST_FILTER"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
