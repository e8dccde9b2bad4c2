/* SPDX-License-Identifier: MIT */
/* Checks that FFmpeg has what live TV, HLS and VOD need. */
#include "player_selftest.h"

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <string.h>

void player_selftest(struct plat_report *r)
{
	static const char *const decoders[] = { "h264", "hevc", "aac", "mp2", "ac3", "subrip", "dvbsub" };
	static const char *const demuxers[] = { "mpegts", "hls", "mov", "matroska" };
	char missing[96] = "";
	for (size_t i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++)
		if (!avcodec_find_decoder_by_name(decoders[i]))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), " %s",
				 decoders[i]);
	for (size_t i = 0; i < sizeof(demuxers) / sizeof(demuxers[0]); i++)
		if (!av_find_input_format(demuxers[i]))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), " %s",
				 demuxers[i]);

	char version[64];
	snprintf(version, sizeof(version), "%s (avcodec %u.%u)", av_version_info(), LIBAVCODEC_VERSION_MAJOR,
		 LIBAVCODEC_VERSION_MINOR);
	const AVCodec *h264 = avcodec_find_decoder(AV_CODEC_ID_H264);
	if (missing[0])
		plat_report_add(r, "ffmpeg", version, -ENOENT, "missing:%s", missing);
	else
		plat_report_add(r, "ffmpeg", version, 0, "decoder %s (%s), demuxers mpegts hls mov matroska",
				h264->name, h264->long_name);

	unsigned f = avfilter_version(), s = swscale_version(), w = swresample_version();
	const AVFilter *deint = avfilter_get_by_name("bwdif");
	snprintf(version, sizeof(version), "avfilter %u.%u, swscale %u.%u, swresample %u.%u", f >> 16,
		 (f >> 8) & 0xff, s >> 16, (s >> 8) & 0xff, w >> 16, (w >> 8) & 0xff);
	plat_report_add(r, "ffmpeg-filters", version, deint ? 0 : -ENOENT, "%s",
			deint ? "deinterlacer bwdif present" : "deinterlacer bwdif missing");
}
