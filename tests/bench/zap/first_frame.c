/* SPDX-License-Identifier: MIT */
/* The lower bound of a zap: a minimal libav reader that opens a live TS with no stream-info probing,
 * skips to the first keyframe and decodes it. Prints "keyframe N ms" when the first keyframe packet
 * has fully arrived and "first frame N ms" when it is decoded (both since start). Bench only. */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	double t0 = now_ms();
	av_log_set_level(AV_LOG_QUIET);
	avformat_network_init();
	AVFormatContext *ic = NULL;
	AVDictionary *o = NULL;
	av_dict_set(&o, "scan_all_pmts", "0", 0);
	if (avformat_open_input(&ic, argv[1], NULL, &o) < 0)
		return 1;
	av_dict_free(&o);
	AVPacket *pkt = av_packet_alloc();
	AVFrame *f = av_frame_alloc();
	AVCodecContext *ctx = NULL;
	int vidx = -1;
	bool key = false;
	while (av_read_frame(ic, pkt) >= 0) {
		if (vidx < 0) {
			AVStream *st = ic->streams[pkt->stream_index];
			if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
				vidx = pkt->stream_index;
				const AVCodec *c = avcodec_find_decoder(st->codecpar->codec_id);
				ctx = avcodec_alloc_context3(c);
				avcodec_parameters_to_context(ctx, st->codecpar);
				if (avcodec_open2(ctx, c, NULL) < 0)
					return 1;
			}
		}
		if (pkt->stream_index == vidx && (key || (pkt->flags & AV_PKT_FLAG_KEY))) {
			if (!key) {
				printf("keyframe %.1f ms\n", now_ms() - t0);
				fflush(stdout);
			}
			key = true;
			avcodec_send_packet(ctx, pkt);
			if (avcodec_receive_frame(ctx, f) >= 0) {
				printf("first frame %.1f ms\n", now_ms() - t0);
				fflush(stdout);
				break;
			}
		}
		av_packet_unref(pkt);
	}
	return 0;
}
