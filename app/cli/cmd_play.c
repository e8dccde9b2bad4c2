/* SPDX-License-Identifier: MIT */
/* `qanat play URL [--seconds N] [--vod|--catchup] [--decoders LIST] [--audio-lang L] [--audio DRV]
 * [--ca-file PEM] [--max-size WxH]`: plays a stream headless through the real player (no window;
 * audio to the null driver unless asked) and prints what a viewer and an operator care about: time
 * to first frame, stalls and stall time (across reconnects), dropped frames, the decoder in use
 * (hardware or software), codecs, size, A/V offset, reconnects and the last error (a refused stream
 * says why in one sentence). The player's default limits apply (4096x2304, 64 MB of queues);
 * --max-size changes the picture limit. TLS is verified against the system store plus the
 * operator's CA when operator.json names one (plat_http's bundle), or against --ca-file alone. Exit 0
 * when a first frame was shown and the stream did not fail. */
#include "app_commands.h"

#include "plat_clock.h"
#include "plat_http.h"
#include "player.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct play_watch {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done; /* failed or ended */
	struct player_event last_error;
	bool have_error;
	uint32_t errors;
};

static void on_event(void *opaque, const struct player_event *ev)
{
	struct play_watch *w = opaque;
	pthread_mutex_lock(&w->lock);
	if (ev->type == PLAYER_EV_ERROR) {
		w->last_error = *ev;
		w->have_error = true;
		w->errors++;
	}
	if (ev->type == PLAYER_EV_ENDED ||
	    (ev->type == PLAYER_EV_STATE &&
	     (ev->state == PLAYER_STATE_FAILED || ev->state == PLAYER_STATE_ENDED))) {
		w->done = true;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_result(const struct player_info *in, const struct play_watch *w, bool json)
{
	const char *err = w->have_error ? w->last_error.u.error.message : "";
	if (json) {
		printf("{\"state\":\"%s\",\"first_frame_ms\":%u,\"stalls\":%u,\"stall_ms\":%u,"
		       "\"dropped_frames\":%u,\"frames_shown\":%u,\"decoder\":",
		       player_state_name(in->state), in->first_frame_ms, in->stalls, in->stall_ms,
		       in->dropped_frames, in->frames_shown);
		json_str(in->decoder);
		printf(",\"hardware\":%s,\"container\":", in->decoder_hardware ? "true" : "false");
		json_str(in->container);
		printf(",\"video_codec\":");
		json_str(in->video_codec);
		printf(",\"audio_codec\":");
		json_str(in->audio_codec);
		printf(",\"width\":%d,\"height\":%d,\"sar\":\"%d:%d\",\"interlaced\":%s,\"audio_rate\":%d,"
		       "\"audio_channels\":%d,\"av_offset_ms\":%d,\"position_ms\":%lld,\"duration_ms\":%lld,"
		       "\"bitrate_kbps\":%u,\"reconnects\":%u,\"errors\":%u",
		       in->width, in->height, in->sar_num, in->sar_den, in->interlaced ? "true" : "false",
		       in->audio_rate, in->audio_channels, in->av_offset_ms, (long long)in->position_ms,
		       (long long)in->duration_ms, in->bitrate_kbps, in->reconnects, w->errors);
		if (w->have_error) {
			printf(
			    ",\"error\":{\"kind\":\"%s\",\"refusal\":\"%s\",\"fatal\":%s,\"http_status\":%d,"
			    "\"message\":",
			    player_error_kind_name(w->last_error.u.error.kind),
			    player_refusal_name(w->last_error.u.error.refusal),
			    w->last_error.u.error.fatal ? "true" : "false",
			    w->last_error.u.error.http_status);
			json_str(err);
			printf("}");
		}
		printf("}\n");
		return;
	}
	printf("state            %s\n", player_state_name(in->state));
	printf("first frame      %u ms\n", in->first_frame_ms);
	printf("stalls           %u (%u ms)\n", in->stalls, in->stall_ms);
	printf("dropped frames   %u of %u shown\n", in->dropped_frames, in->frames_shown);
	printf("decoder          %s (%s)\n", in->decoder[0] ? in->decoder : "-",
	       in->decoder_hardware ? "hardware" : "software");
	printf("container        %s\n", in->container);
	printf("codecs           video %s, audio %s\n", in->video_codec[0] ? in->video_codec : "-",
	       in->audio_codec[0] ? in->audio_codec : "-");
	printf("size             %dx%d (SAR %d:%d)%s\n", in->width, in->height, in->sar_num, in->sar_den,
	       in->interlaced ? " interlaced, deinterlaced" : "");
	printf("audio            %d Hz, %d ch\n", in->audio_rate, in->audio_channels);
	printf("A/V offset       %d ms\n", in->av_offset_ms);
	printf("position         %lld ms of %lld\n", (long long)in->position_ms, (long long)in->duration_ms);
	printf("reconnects       %u\n", in->reconnects);
	if (w->have_error)
		printf("last error       %s\n", err);
}

int app_cmd_play(int argc, char **argv, bool json)
{
	const char *url = NULL;
	double seconds = 10;
	struct player_config cfg;
	player_config_default(&cfg);
	struct player_open_options opts = { .kind = PLAYER_KIND_LIVE };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--seconds") == 0 && v) {
			seconds = strtod(v, NULL);
			i++;
		} else if (strcmp(a, "--vod") == 0) {
			opts.kind = PLAYER_KIND_VOD;
		} else if (strcmp(a, "--catchup") == 0) {
			opts.kind = PLAYER_KIND_CATCHUP;
		} else if (strcmp(a, "--start") == 0 && v) {
			opts.start_ms = (int64_t)(strtod(v, NULL) * 1000);
			i++;
		} else if (strcmp(a, "--decoders") == 0 && v) {
			cfg.decoders = v;
			i++;
		} else if (strcmp(a, "--audio-lang") == 0 && v) {
			opts.audio_lang = v;
			i++;
		} else if (strcmp(a, "--ca-file") == 0 && v) {
			cfg.ca_file = v;
			i++;
		} else if (strcmp(a, "--max-size") == 0 && v) {
			char *x = NULL;
			long w = strtol(v, &x, 10),
			     h = x && (*x == 'x' || *x == 'X') ? strtol(x + 1, NULL, 10) : 0;
			if (w <= 0 || h <= 0 || w > 65536 || h > 65536) {
				fprintf(stderr,
					"qanat play: --max-size wants WIDTHxHEIGHT, e.g. 1920x1080\n");
				return 2;
			}
			cfg.limits.max_width = (int)w;
			cfg.limits.max_height = (int)h;
			i++;
		} else if (strcmp(a, "--audio") == 0 && v) {
			cfg.audio = plat_audio_driver_find(v);
			if (!cfg.audio) {
				fprintf(stderr, "qanat play: unknown audio driver '%s' (sdl, null)\n", v);
				return 2;
			}
			i++;
		} else if (a[0] != '-' && !url) {
			url = a;
		} else {
			fprintf(stderr, "qanat play: unknown option '%s'\n", a);
			return 2;
		}
	}
	if (!url || seconds <= 0) {
		fprintf(stderr, "usage: qanat play URL [--seconds N] [--vod|--catchup] [--start S] "
				"[--decoders h264=h264_v4l2m2m,h264] [--audio-lang ara] [--audio sdl|null] "
				"[--ca-file PEM] [--max-size WxH] [--json]\n");
		return 2;
	}
	if (!cfg.ca_file) /* the box's trust: the system store plus the operator's CA, if any */
		cfg.ca_bundle = plat_http_ca_bundle(&cfg.ca_bundle_len);
	struct play_watch w = { .done = false };
	pthread_mutex_init(&w.lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w.cond, &ca);
	pthread_condattr_destroy(&ca);
	cfg.on_event = on_event;
	cfg.event_opaque = &w;
	struct player *p = NULL;
	int rc = player_create(&cfg, &p);
	if (rc < 0) {
		fprintf(stderr, "qanat play: cannot create the player (%s)\n", strerror(-rc));
		return 1;
	}
	rc = player_open(p, url, &opts);
	if (rc < 0) {
		fprintf(stderr, "qanat play: cannot open (%s)\n", strerror(-rc));
		player_destroy(&p);
		return 1;
	}
	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += (time_t)seconds;
	dl.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_nsec -= 1000000000L;
		dl.tv_sec++;
	}
	pthread_mutex_lock(&w.lock);
	while (!w.done && pthread_cond_timedwait(&w.cond, &w.lock, &dl) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&w.lock);
	struct player_info in;
	player_info_get(p, &in);
	player_destroy(&p);
	print_result(&in, &w, json);
	int status = 0;
	if (in.state == PLAYER_STATE_FAILED || !in.first_frame_ms) {
		fprintf(stderr, "qanat play: %s\n",
			w.have_error ? w.last_error.u.error.message : "no frame within the time given");
		status = 1;
	}
	pthread_cond_destroy(&w.cond);
	pthread_mutex_destroy(&w.lock);
	return status;
}
