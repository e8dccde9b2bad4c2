/* SPDX-License-Identifier: MIT */
/* The player on streams made with the ffmpeg CLI at test time (in the build dir) and served over
 * loopback HTTP: a stream with no audio, a truncated file, corrupt packets, a VOD that ends, pause
 * and resume, volume. Shapes the panel does not serve. */
#include "test_player_support.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#ifndef MEDIA_DIR
#error MEDIA_DIR must be defined
#endif

static struct file_server fs;

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int make(const char *name, const char *args)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -hide_banner -loglevel error -y %s -f mpegts '%s/%s'",
		 args, MEDIA_DIR, name);
	return run_cmd(cmd);
}

/* Copies src to dst keeping the first `keep` bytes and flipping bytes in the packet payloads of the
 * rest every `every` bytes (the TS sync bytes stay, so the demuxer goes on and decoders see junk). */
static int derive(const char *src, const char *dst, long keep, long every)
{
	char a[512], b[512];
	snprintf(a, sizeof(a), "%s/%s", MEDIA_DIR, src);
	snprintf(b, sizeof(b), "%s/%s", MEDIA_DIR, dst);
	FILE *in = fopen(a, "rb"), *out = fopen(b, "wb");
	if (!in || !out)
		return -1;
	long pos = 0;
	int c;
	while ((c = fgetc(in)) != EOF) {
		if (keep > 0 && pos >= keep)
			break;
		if (every > 0 && pos > 20000 && pos % every == 0 && pos % 188 > 8)
			c ^= 0x5a;
		fputc(c, out);
		pos++;
	}
	fclose(in);
	fclose(out);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	mkdir(MEDIA_DIR, 0755);
	const char *av =
	    "-f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 "
	    "-t 6 -g 50 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 64k";
	if (make("av.ts", av) != 0)
		return -1;
	if (make("noaudio.ts", "-f lavfi -i testsrc2=size=320x180:rate=25 -t 4 -g 50 -c:v libx264 -preset "
			       "ultrafast -pix_fmt yuv420p") != 0)
		return -1;
	if (derive("av.ts", "truncated.ts", 120000, 0) < 0 || derive("av.ts", "corrupt.ts", 0, 1499) < 0)
		return -1;
	return file_server_start(&fs, MEDIA_DIR) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	file_server_stop(&fs);
	return 0;
}

static void open_file(struct rec *r, const char *name, enum player_kind kind)
{
	char u[256];
	snprintf(u, sizeof(u), "%s/%s", fs.base, name);
	assert_true(rec_open(r, u, kind, NULL, NULL) > 0);
}

static void vod_plays_to_the_end(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	open_file(&r, "av.ts", PLAYER_KIND_VOD);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 10000));
	assert_true(rec_wait(&r, PLAYER_EV_ENDED, 1, 20000));
	struct player_info in;
	player_info_get(r.p, &in);
	assert_int_equal(in.state, PLAYER_STATE_ENDED);
	assert_true(in.frames_shown >= 140); /* 6 s at 25 fps, a few dropped at most */
	assert_true(in.position_ms >= 5000);
	assert_false(r.have_error);
	rec_fini(&r);
}

static void no_audio_stream_plays_on_the_video_clock(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	open_file(&r, "noaudio.ts", PLAYER_KIND_VOD);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 10000));
	sleep_ms(1000);
	struct player_info in;
	player_info_get(r.p, &in);
	assert_string_equal(in.audio_codec, "");
	assert_string_equal(in.video_codec, "h264");
	/* paced in real time, not as fast as it decodes */
	assert_true(in.frames_shown >= 15 && in.frames_shown <= 60);
	assert_true(rec_wait(&r, PLAYER_EV_ENDED, 1, 15000));
	rec_fini(&r);
}

static void truncated_file_ends_cleanly(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	open_file(&r, "truncated.ts", PLAYER_KIND_VOD);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 10000));
	assert_true(rec_wait(&r, PLAYER_EV_ENDED, 1, 20000));
	assert_false(r.fatal);
	rec_fini(&r);
}

static void corrupt_packets_keep_playing(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	open_file(&r, "corrupt.ts", PLAYER_KIND_VOD);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 10000));
	assert_true(rec_wait(&r, PLAYER_EV_ENDED, 1, 20000));
	struct player_info in;
	player_info_get(r.p, &in);
	assert_true(in.frames_shown > 50);
	assert_false(r.fatal);
	rec_fini(&r);
}

static void pause_freezes_and_resume_continues(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	open_file(&r, "av.ts", PLAYER_KIND_VOD);
	assert_true(rec_wait(&r, PLAYER_EV_FIRST_FRAME, 1, 10000));
	sleep_ms(500);
	assert_int_equal(player_set_paused(r.p, true), 0);
	assert_true(rec_wait_state(&r, PLAYER_STATE_PAUSED, 2000));
	sleep_ms(200);
	struct player_info a, b;
	player_info_get(r.p, &a);
	sleep_ms(800);
	player_info_get(r.p, &b);
	assert_true(b.frames_shown - a.frames_shown <= 1);
	assert_true(b.position_ms - a.position_ms < 100);
	player_set_volume(r.p, 30);
	player_set_muted(r.p, true);
	assert_int_equal(player_set_paused(r.p, false), 0);
	sleep_ms(800);
	player_info_get(r.p, &b);
	assert_int_equal(b.state, PLAYER_STATE_PLAYING);
	assert_true(b.frames_shown > a.frames_shown + 5);
	rec_fini(&r);
}

static void nothing_listening_fails_with_connect(void **state)
{
	(void)state;
	struct rec r;
	rec_init(&r, NULL);
	rec_open(&r, "http://127.0.0.1:9/none.ts", PLAYER_KIND_LIVE, NULL, NULL);
	assert_true(rec_wait_state(&r, PLAYER_STATE_FAILED, 60000));
	assert_int_equal(r.last[PLAYER_EV_ERROR].u.error.kind, PLAYER_ERR_NET);
	assert_string_equal(r.last[PLAYER_EV_ERROR].u.error.net, "connect");
	rec_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vod_plays_to_the_end),
		cmocka_unit_test(no_audio_stream_plays_on_the_video_clock),
		cmocka_unit_test(truncated_file_ends_cleanly),
		cmocka_unit_test(corrupt_packets_keep_playing),
		cmocka_unit_test(pause_freezes_and_resume_continues),
		cmocka_unit_test(nothing_listening_fails_with_connect),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
