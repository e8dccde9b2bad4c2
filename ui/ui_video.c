/* SPDX-License-Identifier: MIT */
/* The video layer: the player's frames (YUV420P or NV12 planes, a neutral struct so ui/ does not
 * know the player) uploaded into a streaming texture and drawn under the scene, which is transparent
 * over the layer. Aspect modes: fit (letterbox), fill (crop) and stretch. */
#include "ui_internal.h"

#include <errno.h>

struct video {
	SDL_Texture *tex;
	int w, h;
	enum ui_video_format fmt;
	int sar_num, sar_den;
	enum ui_video_aspect aspect;
	bool has_frame;
};

/* The scene is cleared to transparent over the layer so the picture shows through. */
static void video_draw(struct ui_widget *w, struct ui_draw *d)
{
	SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_NONE);
	SDL_SetRenderDrawColor(d->r, 0, 0, 0, 0);
	SDL_RenderFillRect(d->r, &d->px);
}

/* Picture and source rectangles for the aspect mode. */
static void place(const struct video *v, const SDL_Rect *px, SDL_Rect *src, SDL_Rect *dst)
{
	*src = (SDL_Rect){ 0, 0, v->w, v->h };
	*dst = *px;
	if (v->aspect == UI_ASPECT_STRETCH || v->w <= 0 || v->h <= 0)
		return;
	long num = (long)v->w * (v->sar_num > 0 ? v->sar_num : 1);
	long den = (long)v->h * (v->sar_den > 0 ? v->sar_den : 1);
	bool wider = num * px->h > den * px->w; /* picture wider than the layer */
	if (v->aspect == UI_ASPECT_FIT) {
		if (wider) {
			dst->h = (int)(px->w * den / num);
			dst->y += (px->h - dst->h) / 2;
		} else {
			dst->w = (int)(px->h * num / den);
			dst->x += (px->w - dst->w) / 2;
		}
	} else if (wider) { /* fill: crop the sides */
		src->w = (int)((long)v->w * den * px->w / (num * px->h));
		src->x = (v->w - src->w) / 2;
	} else {
		src->h = (int)((long)v->h * num * px->h / (den * px->w));
		src->y = (v->h - src->h) / 2;
	}
}

static void video_underlay(struct ui_widget *w, const SDL_Rect *px)
{
	struct video *v = w->data;
	if (!v->has_frame)
		return;
	SDL_Rect src, dst;
	place(v, px, &src, &dst);
	SDL_RenderCopy(ui_ctx_renderer(w->ctx), v->tex, &src, &dst);
}

static void video_destroy(struct ui_widget *w)
{
	struct video *v = w->data;
	if (v->tex)
		SDL_DestroyTexture(v->tex);
}

static const struct ui_widget_class video_class = {
	.kind = "video", .draw = video_draw, .underlay = video_underlay, .destroy = video_destroy
};

struct ui_widget *ui_video_create(struct ui_widget *parent, struct ui_rect r)
{
	struct ui_widget *w = ui_widget_new(parent, &video_class, r, sizeof(struct video));
	if (w)
		ui_ctx_track(w->ctx, w, true);
	return w;
}

static bool frame_ok(const struct ui_video_frame *f)
{
	if (!f || f->width <= 0 || f->height <= 0 || f->width > 8192 || f->height > 8192 || (f->width & 1) ||
	    (f->height & 1))
		return false;
	int planes = f->format == UI_VIDEO_YUV420P ? 3 : f->format == UI_VIDEO_NV12 ? 2 : 0;
	if (!planes)
		return false;
	for (int i = 0; i < planes; i++) {
		int need = i == 0 ? f->width : f->format == UI_VIDEO_NV12 ? f->width : f->width / 2;
		if (!f->planes[i] || f->linesize[i] < need)
			return false;
	}
	return true;
}

int ui_video_show(struct ui_widget *w, const struct ui_video_frame *f)
{
	if (w->cls != &video_class || !frame_ok(f))
		return -EINVAL;
	struct video *v = w->data;
	Uint32 sdl_fmt = f->format == UI_VIDEO_NV12 ? SDL_PIXELFORMAT_NV12 : SDL_PIXELFORMAT_IYUV;
	if (!v->tex || v->w != f->width || v->h != f->height || v->fmt != f->format) {
		if (v->tex)
			SDL_DestroyTexture(v->tex);
		v->tex = SDL_CreateTexture(ui_ctx_renderer(w->ctx), sdl_fmt, SDL_TEXTUREACCESS_STREAMING,
					   f->width, f->height);
		v->has_frame = false;
		if (!v->tex)
			return -EIO;
		v->w = f->width;
		v->h = f->height;
		v->fmt = f->format;
	}
	int rc = f->format == UI_VIDEO_NV12
		     ? SDL_UpdateNVTexture(v->tex, NULL, f->planes[0], f->linesize[0], f->planes[1],
					   f->linesize[1])
		     : SDL_UpdateYUVTexture(v->tex, NULL, f->planes[0], f->linesize[0], f->planes[1],
					    f->linesize[1], f->planes[2], f->linesize[2]);
	if (rc < 0)
		return -EIO;
	v->sar_num = f->sar_num;
	v->sar_den = f->sar_den;
	v->has_frame = true;
	ui_ctx_recompose(w->ctx);
	return 0;
}

void ui_video_clear(struct ui_widget *w)
{
	if (w->cls != &video_class)
		return;
	((struct video *)w->data)->has_frame = false;
	ui_ctx_recompose(w->ctx);
}

void ui_video_set_aspect(struct ui_widget *w, enum ui_video_aspect a)
{
	if (w->cls != &video_class)
		return;
	((struct video *)w->data)->aspect = a;
	ui_ctx_recompose(w->ctx);
}

void ui_video_picture_rect(const struct ui_widget *w, int *x, int *y, int *width, int *height)
{
	*x = *y = *width = *height = 0;
	if (w->cls != &video_class)
		return;
	const struct video *v = w->data;
	SDL_Rect px, src, dst;
	ui_widget_px(w, &px, NULL);
	if (!v->has_frame)
		return;
	place(v, &px, &src, &dst);
	*x = dst.x;
	*y = dst.y;
	*width = dst.w;
	*height = dst.h;
}
