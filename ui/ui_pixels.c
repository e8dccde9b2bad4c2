/* SPDX-License-Identifier: MIT */
/* Image decode and PNG encode with FFmpeg's own codecs (png, mjpeg, webp): one dependency the
 * project already has instead of libpng, libjpeg and libwebp. AVERROR codes are converted to
 * negative errno here and nowhere else. */
#include "ui_pixels.h"

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <libavutil/macros.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FILE_CAP = 32 << 20 };

static int from_averror(int e)
{
	if (e == AVERROR(ENOMEM))
		return -ENOMEM;
	return -EINVAL;
}

static enum AVCodecID sniff(const uint8_t *d, size_t n)
{
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return AV_CODEC_ID_PNG;
	if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return AV_CODEC_ID_MJPEG;
	if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
		return AV_CODEC_ID_WEBP;
	return AV_CODEC_ID_NONE;
}

/* JPEG decodes to the deprecated full-range yuvj formats; swscale wants the plain ones plus range. */
static enum AVPixelFormat plain_format(enum AVPixelFormat f, int *full_range)
{
	*full_range = 1;
	switch (f) {
	case AV_PIX_FMT_YUVJ420P:
		return AV_PIX_FMT_YUV420P;
	case AV_PIX_FMT_YUVJ422P:
		return AV_PIX_FMT_YUV422P;
	case AV_PIX_FMT_YUVJ444P:
		return AV_PIX_FMT_YUV444P;
	case AV_PIX_FMT_YUVJ440P:
		return AV_PIX_FMT_YUV440P;
	default:
		*full_range = 0;
		return f;
	}
}

static void fit(int w, int h, int max_dim, int *ow, int *oh)
{
	*ow = w;
	*oh = h;
	if (max_dim <= 0 || (w <= max_dim && h <= max_dim))
		return;
	if (w >= h) {
		*ow = max_dim;
		*oh = (int)((long)h * max_dim / w);
	} else {
		*oh = max_dim;
		*ow = (int)((long)w * max_dim / h);
	}
	if (*ow < 1)
		*ow = 1;
	if (*oh < 1)
		*oh = 1;
}

static int convert(const AVFrame *f, int max_dim, struct ui_pixels *out)
{
	int full = 0, ow, oh;
	enum AVPixelFormat src = plain_format((enum AVPixelFormat)f->format, &full);
	fit(f->width, f->height, max_dim, &ow, &oh);
	struct SwsContext *sws =
	    sws_getContext(f->width, f->height, src, ow, oh, AV_PIX_FMT_RGBA, SWS_AREA, NULL, NULL, NULL);
	if (!sws)
		return -EINVAL;
	if (full) {
		const int *coef = sws_getCoefficients(SWS_CS_DEFAULT);
		sws_setColorspaceDetails(sws, coef, 1, coef, 1, 0, 1 << 16, 1 << 16);
	}
	/* swscale's SIMD code writes whole vectors past the end of a row: scale into an aligned,
	 * padded buffer, then pack the rows. */
	int stride = FFALIGN(ow * 4, 64);
	uint8_t *tmp = av_malloc((size_t)stride * (oh + 1) + 64);
	out->rgba = malloc((size_t)ow * oh * 4);
	if (!out->rgba || !tmp) {
		free(out->rgba);
		out->rgba = NULL;
		av_free(tmp);
		sws_freeContext(sws);
		return -ENOMEM;
	}
	uint8_t *dst[4] = { tmp, NULL, NULL, NULL };
	int dst_ls[4] = { stride, 0, 0, 0 };
	sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, dst_ls);
	sws_freeContext(sws);
	for (int y = 0; y < oh; y++)
		memcpy(out->rgba + (size_t)y * ow * 4, tmp + (size_t)y * stride, (size_t)ow * 4);
	av_free(tmp);
	out->width = ow;
	out->height = oh;
	return 0;
}

int ui_pixels_decode(const uint8_t *data, size_t len, int max_dim, struct ui_pixels *out)
{
	*out = (struct ui_pixels){ 0 };
	enum AVCodecID id = data ? sniff(data, len) : AV_CODEC_ID_NONE;
	const AVCodec *codec = avcodec_find_decoder(id);
	if (!codec || len > FILE_CAP)
		return -EINVAL;
	AVCodecContext *c = avcodec_alloc_context3(codec);
	AVPacket *pkt = av_packet_alloc();
	AVFrame *f = av_frame_alloc();
	int rc = (!c || !pkt || !f) ? -ENOMEM : 0;
	if (rc == 0) {
		c->max_pixels = (int64_t)UI_PIXELS_MAX_DIM * UI_PIXELS_MAX_DIM;
		c->thread_count = 1;
		int e = avcodec_open2(c, codec, NULL);
		if (e >= 0)
			e = av_new_packet(pkt, (int)len);
		if (e >= 0) {
			memcpy(pkt->data, data, len);
			e = avcodec_send_packet(c, pkt);
		}
		if (e >= 0)
			e = avcodec_send_packet(c, NULL); /* drain: single-image codecs may hold the frame */
		if (e >= 0 || e == AVERROR_EOF)
			e = avcodec_receive_frame(c, f);
		rc = e < 0 ? from_averror(e) : 0;
	}
	if (rc == 0 && (f->width > UI_PIXELS_MAX_DIM || f->height > UI_PIXELS_MAX_DIM))
		rc = -E2BIG;
	if (rc == 0)
		rc = convert(f, max_dim, out);
	av_frame_free(&f);
	av_packet_free(&pkt);
	avcodec_free_context(&c);
	return rc;
}

int ui_pixels_load(const char *path, int max_dim, struct ui_pixels *out)
{
	*out = (struct ui_pixels){ 0 };
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -errno;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = 0;
	if (fseek(fp, 0, SEEK_END) == 0) {
		long n = ftell(fp);
		rc = n < 0 ? -EIO : n > FILE_CAP ? -EFBIG : 0;
		len = n > 0 ? (size_t)n : 0;
		rewind(fp);
	}
	if (rc == 0) {
		buf = malloc(len ? len : 1);
		rc = !buf ? -ENOMEM : fread(buf, 1, len, fp) != len ? -EIO : 0;
	}
	fclose(fp);
	if (rc == 0)
		rc = ui_pixels_decode(buf, len, max_dim, out);
	free(buf);
	return rc;
}

static int encode_png(const struct ui_pixels *p, AVPacket *pkt)
{
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
	AVCodecContext *c = codec ? avcodec_alloc_context3(codec) : NULL;
	AVFrame *f = av_frame_alloc();
	int e = (!c || !f) ? AVERROR(ENOMEM) : 0;
	if (e == 0) {
		c->width = p->width;
		c->height = p->height;
		c->pix_fmt = AV_PIX_FMT_RGBA;
		c->time_base = (AVRational){ 1, 25 };
		e = avcodec_open2(c, codec, NULL);
	}
	if (e >= 0) {
		f->format = AV_PIX_FMT_RGBA;
		f->width = p->width;
		f->height = p->height;
		e = av_frame_get_buffer(f, 0);
	}
	if (e >= 0) {
		for (int y = 0; y < p->height; y++)
			memcpy(f->data[0] + (size_t)y * f->linesize[0], p->rgba + (size_t)y * p->width * 4,
			       (size_t)p->width * 4);
		e = avcodec_send_frame(c, f);
	}
	if (e >= 0)
		e = avcodec_receive_packet(c, pkt);
	av_frame_free(&f);
	avcodec_free_context(&c);
	return e < 0 ? from_averror(e) : 0;
}

int ui_pixels_write_png(const char *path, const struct ui_pixels *p)
{
	if (!p->rgba || p->width <= 0 || p->height <= 0)
		return -EINVAL;
	AVPacket *pkt = av_packet_alloc();
	if (!pkt)
		return -ENOMEM;
	int rc = encode_png(p, pkt);
	if (rc == 0) {
		FILE *fp = fopen(path, "wb");
		if (!fp) {
			rc = -errno;
		} else {
			if (fwrite(pkt->data, 1, (size_t)pkt->size, fp) != (size_t)pkt->size)
				rc = -EIO;
			if (fclose(fp) != 0 && rc == 0)
				rc = -EIO;
		}
	}
	av_packet_free(&pkt);
	return rc;
}

int ui_pixels_scale(const struct ui_pixels *src, int width, int height, struct ui_pixels *out)
{
	*out = (struct ui_pixels){ 0 };
	if (width <= 0 || height <= 0 || width > src->width || height > src->height)
		return -EINVAL;
	out->rgba = malloc((size_t)width * height * 4);
	if (!out->rgba)
		return -ENOMEM;
	out->width = width;
	out->height = height;
	for (int y = 0; y < height; y++) {
		int y0 = (int)((long)y * src->height / height),
		    y1 = (int)((long)(y + 1) * src->height / height);
		for (int x = 0; x < width; x++) {
			int x0 = (int)((long)x * src->width / width);
			int x1 = (int)((long)(x + 1) * src->width / width);
			unsigned long sum[4] = { 0, 0, 0, 0 }, n = 0;
			for (int sy = y0; sy < y1; sy++)
				for (int sx = x0; sx < x1; sx++, n++)
					for (int c = 0; c < 4; c++)
						sum[c] += src->rgba[((size_t)sy * src->width + sx) * 4 + c];
			for (int c = 0; c < 4; c++)
				out->rgba[((size_t)y * width + x) * 4 + c] = (uint8_t)((sum[c] + n / 2) / n);
		}
	}
	return 0;
}

int ui_pixels_compare(const struct ui_pixels *a, const struct ui_pixels *b, int tolerance,
		      struct ui_pixels_diff *d)
{
	*d = (struct ui_pixels_diff){ 0 };
	if (a->width != b->width || a->height != b->height || !a->rgba || !b->rgba)
		return -EINVAL;
	size_t n = (size_t)a->width * a->height;
	for (size_t i = 0; i < n; i++) {
		int worst = 0;
		for (int c = 0; c < 4; c++) {
			int delta = abs((int)a->rgba[i * 4 + c] - (int)b->rgba[i * 4 + c]);
			if (delta > worst)
				worst = delta;
		}
		if (worst > d->max_delta)
			d->max_delta = worst;
		if (worst > tolerance)
			d->differing++;
	}
	d->fraction = n ? (double)d->differing / (double)n : 0.0;
	return 0;
}

void ui_pixels_free(struct ui_pixels *p)
{
	if (!p)
		return;
	free(p->rgba);
	*p = (struct ui_pixels){ 0 };
}
