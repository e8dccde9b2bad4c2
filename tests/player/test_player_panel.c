/* SPDX-License-Identifier: MIT */
/* The player against the local panel (tests/panel): real HTTP on loopback, the panel's paced live
 * TS, HLS, radio, movies, and its fault injection: 401, 403, 404, 5xx, an empty body, HTML instead
 * of a stream, a stall mid-stream, a connection cut, the max-connections kick; plus track switching,
 * subtitles, the decoder fallback and 100 zaps without leaks or memory growth. */
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
#include <time.h>
#if defined(__SANITIZE_ADDRESS__)
/* from libasan (sanitizer/allocator_interface.h is not always installed) */
size_t __sanitizer_get_current_allocated_bytes(void);
#else
#include <malloc.h>
#endif

#include <cmocka.h>

static struct test_panel panel;

static int setup(void **state)
{
	(void)state;
	return test_panel_start(&panel, NULL, NULL, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	test_panel_stop(&panel);
	return 0;
}

static void url(char *out, size_t cap, const char *path)
{
	snprintf(out, cap, "%s%s", panel.base, path);
}

static void fault(const char *json)
{
	int st = test_panel_control(&panel, "POST", "/_control/faults", json);
	assert_true(st >= 200 && st < 300);
}

static void faults_clear(void)
{
	test_panel_control(&panel, "DELETE", "/_control/faults", NULL);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* True when more pictures are shown within ms (checked every 100 ms). */
static bool frames_move(struct rec *r, int ms)
{
	struct player_info a, b;
	player_info_get(r->p, &a);
	for (int waited = 0; waited < ms; waited += 100) {
		sleep_ms(100);
		player_info_get(r->p, &b);
		if (b.frames_shown > a.frames_shown + 2)
			return true;
	}
	return false;
}

static void live_ts_plays_with_codecs(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/live/demo/demo/1.ts");
	assert_true(rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL) > 0);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
	assert_int_equal(rec_count(&r, PLAYER_EV_PLAY_REQUESTED), 1);
	assert_true(rec_count(&r, PLAYER_EV_RESPONSE) >= 1);
	assert_int_equal(r.last[PLAYER_EV_RESPONSE].u.response.http_status, 200);
	/* the credentials never leave the player in an event */
	assert_null(strstr(r.last[PLAYER_EV_RESPONSE].u.response.url, "demo/demo"));
	sleep_ms(1500);
	struct player_info in;
	player_info_get(r.p, &in);
	assert_int_equal(in.state, PLAYER_STATE_PLAYING);
	assert_string_equal(in.video_codec, "h264");
	assert_string_equal(in.audio_codec, "aac");
	assert_string_equal(in.container, "mpegts");
	assert_int_equal(in.width, 480);
	assert_int_equal(in.height, 270);
	assert_true(in.frames_shown > 10);
	struct player_video_frame f;
	assert_int_equal(player_video_frame_acquire(r.p, &f), 1);
	assert_int_equal(f.width, 480);
	assert_int_equal(f.format, PLAYER_PIXFMT_YUV420P);
	assert_non_null(f.planes[0]);
	assert_true(f.linesize[0] >= 480);
	player_video_frame_release(r.p);
	rec_fini(&r);
}

static void expect_fatal_http(const char *path, int status)
{
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), path);
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait_state(&r, PLAYER_STATE_FAILED, 15000));
	assert_int_equal(r.first_error.u.error.kind, PLAYER_ERR_HTTP);
	assert_int_equal(r.first_error.u.error.http_status, status);
	assert_true(r.first_error.u.error.fatal);
	assert_int_equal(rec_count(&r, PLAYER_EV_FIRST_FRAME), 0);
	rec_fini(&r);
}

static void http_401_bad_password(void **state)
{
	(void)state;
	expect_fatal_http("/live/demo/wrong/1.ts", 401);
}

static void http_404_unknown_channel(void **state)
{
	(void)state;
	expect_fatal_http("/live/demo/demo/99999.ts", 404);
}

static void http_403_injected(void **state)
{
	(void)state;
	fault("{\"match\":\"^/live/demo/demo/2\\\\.ts\",\"kind\":\"status\",\"status\":403}");
	expect_fatal_http("/live/demo/demo/2.ts", 403);
	faults_clear();
}

static void http_503_retried_then_plays(void **state)
{
	(void)state;
	/* two 503s, then the stream: the player retries with back-off and plays */
	fault("{\"match\":\"^/live/demo/demo/3\\\\.ts\",\"kind\":\"status\",\"status\":503,\"count\":2}");
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/live/demo/demo/3.ts");
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 20000));
	assert_int_equal(r.first_error.u.error.http_status, 503);
	assert_false(r.first_error.u.error.fatal);
	assert_false(r.fatal);
	rec_fini(&r);
	faults_clear();
}

static void http_5xx_gives_up(void **state)
{
	(void)state;
	fault("{\"match\":\"^/live/demo/demo/4\\\\.ts\",\"kind\":\"status\",\"status\":502}");
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/live/demo/demo/4.ts");
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait_state(&r, PLAYER_STATE_FAILED, 60000));
	assert_int_equal(r.last[PLAYER_EV_ERROR].u.error.http_status, 502);
	assert_true(r.last[PLAYER_EV_ERROR].u.error.fatal);
	assert_true(rec_count(&r, PLAYER_EV_ERROR) >= 2); /* retried before giving up */
	rec_fini(&r);
	faults_clear();
}

static void expect_no_media(const char *fault_json)
{
	fault(fault_json);
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/live/demo/demo/5.ts");
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait_state(&r, PLAYER_STATE_FAILED, 30000));
	assert_int_equal(r.last[PLAYER_EV_ERROR].u.error.kind, PLAYER_ERR_NO_MEDIA);
	assert_int_equal(rec_count(&r, PLAYER_EV_FIRST_FRAME), 0);
	rec_fini(&r);
	faults_clear();
}

static void empty_body_fails_as_no_media(void **state)
{
	(void)state;
	expect_no_media(
	    "{\"match\":\"^/live/demo/demo/5\\\\.ts\",\"kind\":\"status\",\"status\":200,\"body\":\"\","
	    "\"content_type\":\"video/mp2t\"}");
}

static void html_as_stream_fails_as_no_media(void **state)
{
	(void)state;
	expect_no_media("{\"match\":\"^/live/demo/demo/5\\\\.ts\",\"kind\":\"html\"}");
}

static void stall_mid_stream_then_recovers(void **state)
{
	(void)state;
	/* the server stops sending for 2.5 s after 300 kB (about 5 s of channel 6), once */
	fault("{\"match\":\"^/live/demo/demo/"
	      "6\\\\.ts\",\"kind\":\"stall_after\",\"bytes\":300000,\"seconds\":2.5,"
	      "\"count\":1}");
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/live/demo/demo/6.ts");
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
	assert_true(rec_wait(&r, PLAYER_EV_STALL_START, 1, 30000));
	assert_true(rec_wait(&r, PLAYER_EV_STALL_END, 1, 30000));
	assert_true(r.last[PLAYER_EV_STALL_END].u.stall.duration_ms > 0);
	/* pictures move again (a reconnect joins mid-GOP: up to one GOP of 2 s without a picture) */
	assert_true(frames_move(&r, 6000));
	struct player_info b;
	player_info_get(r.p, &b);
	assert_int_not_equal(b.state, PLAYER_STATE_FAILED);
	assert_false(r.fatal);
	rec_fini(&r);
	faults_clear();
}

static void connection_cut_reconnects(void **state)
{
	(void)state;
	fault(
	    "{\"match\":\"^/live/demo/demo/8\\\\.ts\",\"kind\":\"drop_after\",\"bytes\":200000,\"count\":1}");
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/live/demo/demo/8.ts");
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
	assert_true(rec_wait(&r, PLAYER_EV_ERROR, 1, 30000));
	assert_false(r.first_error.u.error.fatal);
	/* a second response: the canonical URL was requested again */
	assert_true(rec_wait(&r, PLAYER_EV_RESPONSE, 2, 15000));
	sleep_ms(1500);
	struct player_info in;
	player_info_get(r.p, &in);
	assert_true(in.reconnects >= 1);
	assert_int_not_equal(in.state, PLAYER_STATE_FAILED);
	assert_true(frames_move(&r, 6000));
	rec_fini(&r);
	faults_clear();
}

static void max_connections_kick_reconnects(void **state)
{
	(void)state;
	/* "single" may hold one connection: a second viewer kicks the first, which comes back */
	struct rec a, b;
	rec_init(&a, NULL);
	rec_init(&b, NULL);
	char u[256];
	url(u, sizeof(u), "/live/single/single/1.ts");
	rec_open(&a, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait(&a, PLAYER_EV_FIRST_FRAME, 1, 15000));
	rec_open(&b, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait(&b, PLAYER_EV_FIRST_FRAME, 1, 15000));
	assert_true(rec_wait(&a, PLAYER_EV_ERROR, 1, 20000)); /* a saw its connection closed */
	assert_false(a.first_error.u.error.fatal);
	assert_true(rec_wait(&a, PLAYER_EV_RESPONSE, 2, 20000)); /* and asked again */
	rec_fini(&b);
	rec_fini(&a);
}

static void radio_plays_without_video(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/live/demo/demo/11.ts");
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
	sleep_ms(1000);
	struct player_info in;
	player_info_get(r.p, &in);
	assert_int_equal(in.state, PLAYER_STATE_PLAYING);
	assert_string_equal(in.video_codec, "");
	assert_string_equal(in.audio_codec, "aac");
	struct player_video_frame f;
	assert_int_equal(player_video_frame_acquire(r.p, &f), 0);
	rec_fini(&r);
}

static void audio_tracks_with_languages_switch(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/live/demo/demo/7.ts");
	rec_open(&r, u, PLAYER_KIND_LIVE, "eng", NULL);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
	struct player_track t[8];
	size_t n = 0;
	assert_int_equal(player_tracks_get(r.p, t, 8, &n), 0);
	int ara = -1, eng = -1;
	for (size_t i = 0; i < n; i++) {
		if (t[i].type != PLAYER_TRACK_AUDIO)
			continue;
		if (strcmp(t[i].lang, "ara") == 0)
			ara = (int)i;
		if (strcmp(t[i].lang, "eng") == 0)
			eng = (int)i;
	}
	assert_true(ara >= 0 && eng >= 0);
	assert_true(t[eng].selected); /* the preferred language picked the default */
	assert_false(t[ara].selected);
	assert_int_equal(player_track_select(r.p, PLAYER_TRACK_AUDIO, t[ara].id), 0);
	sleep_ms(1500);
	assert_int_equal(player_tracks_get(r.p, t, 8, &n), 0);
	assert_true(t[ara].selected);
	assert_false(t[eng].selected);
	struct player_info in;
	player_info_get(r.p, &in);
	assert_int_equal(in.state, PLAYER_STATE_PLAYING);
	assert_int_equal(player_track_select(r.p, PLAYER_TRACK_AUDIO, 999), -ENOENT);
	rec_fini(&r);
}

static void vod_subrip_subtitles_as_overlays(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/movie/demo/demo/1002.mkv");
	rec_open(&r, u, PLAYER_KIND_VOD, "eng", "eng");
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
	/* the first cue runs from 1 s to 5 s of the film */
	bool seen = false;
	for (int i = 0; i < 60 && !seen; i++) {
		struct player_subtitle s;
		if (player_subtitle_acquire(r.p, &s) == 1) {
			seen = strstr(s.text, "Subtitle number 1") != NULL;
			assert_false(s.bitmap);
			player_subtitle_release(r.p);
		}
		sleep_ms(100);
	}
	assert_true(seen);
	struct player_info in;
	player_info_get(r.p, &in);
	assert_string_equal(in.container, "matroska");
	assert_true(in.duration_ms > 100000);
	rec_fini(&r);
}

static void vod_seek_moves_the_play_head(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/movie/demo/demo/1001.mp4");
	rec_open(&r, u, PLAYER_KIND_VOD, NULL, NULL);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
	assert_int_equal(player_seek(r.p, 120000), 0);
	sleep_ms(2000);
	struct player_info in;
	player_info_get(r.p, &in);
	assert_true(in.position_ms > 115000 && in.position_ms < 130000);
	assert_int_equal(in.state, PLAYER_STATE_PLAYING);
	rec_fini(&r);
}

static void hw_decoder_falls_back_to_software(void **state)
{
	(void)state;
	/* no /dev/video* here: h264_v4l2m2m fails to open and the player says it uses h264 */
	struct rec r;
	rec_init(&r, "h264=h264_v4l2m2m,h264;hevc=hevc_v4l2m2m,hevc");
	char u[256];
	url(u, sizeof(u), "/live/demo/demo/10.ts");
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
	assert_true(rec_count(&r, PLAYER_EV_DECODER) >= 1);
	assert_string_equal(r.last[PLAYER_EV_DECODER].u.decoder.name, "hevc");
	assert_false(r.last[PLAYER_EV_DECODER].u.decoder.hardware);
	struct player_info in;
	player_info_get(r.p, &in);
	assert_string_equal(in.decoder, "hevc");
	assert_false(in.decoder_hardware);
	rec_fini(&r);
}

static void interlaced_1080i_is_deinterlaced(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	url(u, sizeof(u), "/live/demo/demo/9.ts");
	rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 20000));
	sleep_ms(500);
	struct player_info in;
	player_info_get(r.p, &in);
	assert_true(in.interlaced);
	assert_int_equal(in.width, 1920);
	assert_int_equal(in.height, 1080);
	assert_string_equal(in.audio_codec, "ac3");
	rec_fini(&r);
}

/* Bytes the program holds on the heap now (ASan's count when it runs: its quarantine would make
 * RSS meaningless). */
static long heap_kb(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return (long)(__sanitizer_get_current_allocated_bytes() / 1024);
#else
	struct mallinfo2 mi = mallinfo2();
	return (long)(mi.uordblks / 1024);
#endif
}

static void hundred_zaps_no_growth(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	char u[256];
	long rss20 = 0;
	for (int i = 0; i < 100; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/live/unlimited/unlimited/%d.ts", 1 + i % 8);
		url(u, sizeof(u), path);
		assert_true(rec_open(&r, u, PLAYER_KIND_LIVE, NULL, NULL) > 0);
		/* every fourth zap waits for its picture; the others zap away while opening */
		if (i % 4 == 0)
			assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
		else
			sleep_ms(30);
		if (i == 19)
			rss20 = heap_kb();
	}
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 15000));
	player_stop(r.p);
	sleep_ms(500);
	long rss100 = heap_kb();
	print_message("heap after 20 zaps %ld kB, after 100 zaps %ld kB\n", rss20, rss100);
	/* allocator slack aside, 80 more zaps must not keep memory */
	assert_true(rss100 - rss20 < 4 * 1024);
	rec_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(live_ts_plays_with_codecs),
		cmocka_unit_test(http_401_bad_password),
		cmocka_unit_test(http_404_unknown_channel),
		cmocka_unit_test(http_403_injected),
		cmocka_unit_test(http_503_retried_then_plays),
		cmocka_unit_test(http_5xx_gives_up),
		cmocka_unit_test(empty_body_fails_as_no_media),
		cmocka_unit_test(html_as_stream_fails_as_no_media),
		cmocka_unit_test(stall_mid_stream_then_recovers),
		cmocka_unit_test(connection_cut_reconnects),
		cmocka_unit_test(max_connections_kick_reconnects),
		cmocka_unit_test(radio_plays_without_video),
		cmocka_unit_test(audio_tracks_with_languages_switch),
		cmocka_unit_test(vod_subrip_subtitles_as_overlays),
		cmocka_unit_test(vod_seek_moves_the_play_head),
		cmocka_unit_test(hw_decoder_falls_back_to_software),
		cmocka_unit_test(interlaced_1080i_is_deinterlaced),
		cmocka_unit_test(hundred_zaps_no_growth),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
