/* SPDX-License-Identifier: MIT */
/* Stream URL builder and the panel clock. All output goes through one bounded writer (struct ubuf)
 * so an overlong URL is an error, never a truncated URL that would play something else. */
#include "xt_url.h"

#include "xt_decode.h"
#include "xtream_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct ubuf {
	char *out;
	size_t cap, len;
	bool overflow;
};

static void ub_init(struct ubuf *b, char *out, size_t cap)
{
	b->out = out;
	b->cap = cap;
	b->len = 0;
	b->overflow = cap == 0;
	if (cap)
		out[0] = '\0';
}

static void ub_add(struct ubuf *b, const char *s, size_t n)
{
	if (b->overflow || b->len + n + 1 > b->cap) {
		b->overflow = true;
		return;
	}
	memcpy(b->out + b->len, s, n);
	b->len += n;
	b->out[b->len] = '\0';
}

static void ub_str(struct ubuf *b, const char *s)
{
	ub_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void ub_fmt(struct ubuf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		b->overflow = true;
	else
		ub_add(b, tmp, (size_t)n);
}

static void ub_enc(struct ubuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			ub_add(b, (const char *)p, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			ub_add(b, e, 3);
		}
	}
}

static int ub_done(struct ubuf *b)
{
	if (b->overflow) {
		if (b->cap)
			b->out[0] = '\0';
		return -ENOSPC;
	}
	return (int)b->len;
}

static bool ctx_ok(const struct xt_url_ctx *c)
{
	return c && c->base && c->base[0] && c->username && c->password;
}

/* {base}/{kind}/{u}/{p}/ */
static void path_prefix(struct ubuf *b, const struct xt_url_ctx *c, const char *kind)
{
	ub_str(b, c->base);
	ub_str(b, "/");
	if (kind) {
		ub_str(b, kind);
		ub_str(b, "/");
	}
	ub_enc(b, c->username);
	ub_str(b, "/");
	ub_enc(b, c->password);
	ub_str(b, "/");
}

static const char *format_ext(enum xt_stream_format f)
{
	return f == XT_STREAM_M3U8 ? "m3u8" : "ts";
}

enum xt_stream_format xt_stream_format_pick(unsigned allowed, enum xt_stream_format preferred)
{
	unsigned want = preferred == XT_STREAM_M3U8 ? XT_FORMAT_M3U8 : XT_FORMAT_TS;
	if (!(allowed & (XT_FORMAT_TS | XT_FORMAT_M3U8)) || (allowed & want))
		return preferred;
	return allowed & XT_FORMAT_TS ? XT_STREAM_TS : XT_STREAM_M3U8;
}

int xt_url_encode(const char *in, char *out, size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	if (!in)
		return -EINVAL;
	ub_enc(&b, in);
	return ub_done(&b);
}

int xt_url_base_normalize(const char *in, char *out, size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	if (!in)
		return -EINVAL;
	while (*in == ' ' || *in == '\t')
		in++;
	size_t n = strcspn(in, "?# \t\r\n");
	const char *scheme_end = strstr(in, "://");
	if (scheme_end && (size_t)(scheme_end - in) < n) {
		size_t sl = (size_t)(scheme_end - in);
		if (!((sl == 4 && strncasecmp(in, "http", 4) == 0) ||
		      (sl == 5 && strncasecmp(in, "https", 5) == 0)))
			return -EINVAL;
	} else {
		ub_str(&b, "http://");
	}
	static const char *const tails[] = { "/player_api.php", "/get.php", "/xmltv.php", "/panel_api.php" };
	bool again = true;
	while (again) {
		again = false;
		while (n > 0 && in[n - 1] == '/') {
			n--;
			again = true;
		}
		for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
			size_t tl = strlen(tails[i]);
			if (n >= tl && strncasecmp(in + n - tl, tails[i], tl) == 0) {
				n -= tl;
				again = true;
			}
		}
	}
	const char *host = scheme_end && (size_t)(scheme_end - in) < n ? scheme_end + 3 : in;
	if (host >= in + n)
		return -EINVAL;
	ub_add(&b, in, n);
	return ub_done(&b);
}

int xt_url_player_api(const struct xt_url_ctx *c, const char *action, const char *extra, char *out,
		      size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	if (!ctx_ok(c))
		return -EINVAL;
	ub_str(&b, c->base);
	ub_str(&b, "/player_api.php?username=");
	ub_enc(&b, c->username);
	ub_str(&b, "&password=");
	ub_enc(&b, c->password);
	if (action && action[0]) {
		ub_str(&b, "&action=");
		ub_enc(&b, action);
	}
	if (extra && extra[0]) {
		ub_str(&b, "&");
		ub_str(&b, extra);
	}
	return ub_done(&b);
}

int xt_url_live(const struct xt_url_ctx *c, int64_t stream_id, enum xt_stream_format f, char *out, size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	if (!ctx_ok(c) || stream_id < 0)
		return -EINVAL;
	path_prefix(&b, c, "live");
	ub_fmt(&b, "%lld.%s", (long long)stream_id, format_ext(f));
	return ub_done(&b);
}

int xt_url_live_legacy(const struct xt_url_ctx *c, int64_t stream_id, char *out, size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	if (!ctx_ok(c) || stream_id < 0)
		return -EINVAL;
	path_prefix(&b, c, NULL);
	ub_fmt(&b, "%lld", (long long)stream_id);
	return ub_done(&b);
}

int xt_url_movie(const struct xt_url_ctx *c, int64_t stream_id, const char *ext, char *out, size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	if (!ctx_ok(c) || stream_id < 0)
		return -EINVAL;
	char e[16];
	xt_extension_clean(ext, e);
	path_prefix(&b, c, "movie");
	ub_fmt(&b, "%lld.%s", (long long)stream_id, e);
	return ub_done(&b);
}

int xt_url_episode(const struct xt_url_ctx *c, const char *episode_id, const char *ext, char *out, size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	if (!ctx_ok(c) || !episode_id || !episode_id[0])
		return -EINVAL;
	char e[16];
	xt_extension_clean(ext, e);
	path_prefix(&b, c, "series");
	ub_enc(&b, episode_id);
	ub_str(&b, ".");
	ub_str(&b, e);
	return ub_done(&b);
}

int xt_url_m3u(const struct xt_url_ctx *c, enum xt_stream_format f, char *out, size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	if (!ctx_ok(c))
		return -EINVAL;
	ub_str(&b, c->base);
	ub_str(&b, "/get.php?username=");
	ub_enc(&b, c->username);
	ub_str(&b, "&password=");
	ub_enc(&b, c->password);
	ub_str(&b, "&type=m3u_plus&output=");
	ub_str(&b, format_ext(f));
	return ub_done(&b);
}

int xt_url_xmltv(const struct xt_url_ctx *c, char *out, size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	if (!ctx_ok(c))
		return -EINVAL;
	ub_str(&b, c->base);
	ub_str(&b, "/xmltv.php?username=");
	ub_enc(&b, c->username);
	ub_str(&b, "&password=");
	ub_enc(&b, c->password);
	return ub_done(&b);
}

/* ---------------------------------------------------------------------------------------------- */
/* the panel clock */

void xt_clock_from_server(const struct xt_server_info *si, int64_t local_now, struct xt_clock *out)
{
	memset(out, 0, sizeof(*out));
	if (!si)
		return;
	snprintf(out->zone, sizeof(out->zone), "%s", si->timezone);
	if (si->timestamp_now <= 0)
		return;
	out->skew_s = si->timestamp_now - local_now;
	int64_t wall;
	if (xt_parse_wall_time(si->time_now, &wall) == 0) {
		int64_t diff = wall - si->timestamp_now;
		/* round to the nearest 15 minutes: both values are read at slightly different moments */
		int64_t q = diff >= 0 ? (diff + 450) / 900 : -((-diff + 450) / 900);
		if (q >= -14 * 4 && q <= 14 * 4) {
			out->fallback_offset_s = (int)(q * 900);
			out->have_fallback = true;
		}
	}
}

int xt_clock_zone_offset(const struct xt_clock *clk, int64_t t, int *offset_s)
{
	*offset_s = 0;
	if (clk->zone[0] && xt_tz_offset(NULL, clk->zone, t, offset_s) == 0)
		return 0;
	if (clk->have_fallback) {
		*offset_s = clk->fallback_offset_s;
		return 0;
	}
	return -ENOENT;
}

int xt_clock_panel_time(const struct xt_clock *clk, int64_t t, char *out, size_t cap)
{
	int off = 0;
	xt_clock_zone_offset(clk, t, &off);
	int64_t local = t + off;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t secs = local - days * 86400;
	int64_t y;
	int m, d;
	xt_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return -EINVAL;
	int n = snprintf(out, cap, "%04lld-%02d-%02d:%02d-%02d", (long long)y, m, d, (int)(secs / 3600),
			 (int)(secs % 3600 / 60));
	if (n < 0 || (size_t)n >= cap) {
		if (cap)
			out[0] = '\0';
		return -ENOSPC;
	}
	return n;
}

int xt_timeshift_minutes(int64_t start, int64_t stop)
{
	int64_t secs = stop - start;
	if (secs <= 0)
		return 1;
	int64_t m = (secs + 59) / 60;
	return m > 100000 ? 100000 : (int)m;
}

int xt_url_timeshift(const struct xt_url_ctx *c, const struct xt_clock *clk, int64_t stream_id, int64_t start,
		     int64_t stop, enum xt_stream_format f, char *out, size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	char when[24];
	if (!ctx_ok(c) || !clk || stream_id < 0 || xt_clock_panel_time(clk, start, when, sizeof(when)) < 0)
		return -EINVAL;
	path_prefix(&b, c, "timeshift");
	ub_fmt(&b, "%d/%s/%lld.%s", xt_timeshift_minutes(start, stop), when, (long long)stream_id,
	       format_ext(f));
	return ub_done(&b);
}

int xt_url_timeshift_legacy(const struct xt_url_ctx *c, const struct xt_clock *clk, int64_t stream_id,
			    int64_t start, int64_t stop, char *out, size_t cap)
{
	struct ubuf b;
	ub_init(&b, out, cap);
	char when[24];
	if (!ctx_ok(c) || !clk || stream_id < 0 || xt_clock_panel_time(clk, start, when, sizeof(when)) < 0)
		return -EINVAL;
	ub_str(&b, c->base);
	ub_str(&b, "/streaming/timeshift.php?username=");
	ub_enc(&b, c->username);
	ub_str(&b, "&password=");
	ub_enc(&b, c->password);
	ub_fmt(&b, "&stream=%lld&start=", (long long)stream_id);
	ub_enc(&b, when);
	ub_fmt(&b, "&duration=%d", xt_timeshift_minutes(start, stop));
	return ub_done(&b);
}
