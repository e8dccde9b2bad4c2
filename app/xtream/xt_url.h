/* SPDX-License-Identifier: MIT */
/* Stream URLs of an Xtream panel (shared/XTREAM.md section 7) and the panel's clock: live, movie,
 * episode and catch-up URLs with percent-encoded credentials, the legacy forms as fallbacks, and the
 * catch-up start written as wall-clock time in server_info.timezone (read from the tz database with
 * a small TZif reader, no setenv/tzset; without the zone, the offset time_now - timestamp_now rounded
 * to 15 minutes).
 *
 * Every function writes into a caller buffer of cap bytes (NUL-terminated) and returns the length,
 * -ENOSPC when it does not fit (out then holds "") or -EINVAL for bad arguments. Pure and
 * thread-safe. Log a built URL only through plat_redact_url(). */
#ifndef XT_URL_H
#define XT_URL_H

#include "xtream.h"

#include <stddef.h>
#include <stdint.h>

/* The panel a URL is built for. All borrowed. base as from xt_client_base(). */
struct xt_url_ctx {
	const char *base;
	const char *username;
	const char *password;
};

enum xt_stream_format { XT_STREAM_TS, XT_STREAM_M3U8 };

/* The live extension to use: the preferred one when the panel allows it (or says nothing), else
 * the other one the panel allows. allowed is a mask of XT_FORMAT_*. */
enum xt_stream_format xt_stream_format_pick(unsigned allowed, enum xt_stream_format preferred);

/* Percent-encodes everything but the RFC 3986 unreserved characters. */
int xt_url_encode(const char *in, char *out, size_t cap);

/* A panel address as typed or provisioned -> the canonical base: "http://" added when there is no
 * scheme, trailing slashes, "/player_api.php", "/get.php" and any query removed. -EINVAL for an
 * empty address or a scheme other than http(s). */
int xt_url_base_normalize(const char *in, char *out, size_t cap);

/* {base}/player_api.php?username=U&password=P[&action=A][&extra] (extra: "k=v&k2=v2", pre-encoded) */
int xt_url_player_api(const struct xt_url_ctx *c, const char *action, const char *extra, char *out,
		      size_t cap);

int xt_url_live(const struct xt_url_ctx *c, int64_t stream_id, enum xt_stream_format f, char *out,
		size_t cap);
/* {base}/{u}/{p}/{id}: the oldest form, TS */
int xt_url_live_legacy(const struct xt_url_ctx *c, int64_t stream_id, char *out, size_t cap);
/* ext: container_extension (cleaned; NULL or "" -> mp4) */
int xt_url_movie(const struct xt_url_ctx *c, int64_t stream_id, const char *ext, char *out, size_t cap);
int xt_url_episode(const struct xt_url_ctx *c, const char *episode_id, const char *ext, char *out,
		   size_t cap);
/* get.php?username&password&type=m3u_plus&output=ts|m3u8 and xmltv.php */
int xt_url_m3u(const struct xt_url_ctx *c, enum xt_stream_format f, char *out, size_t cap);
int xt_url_xmltv(const struct xt_url_ctx *c, char *out, size_t cap);

/* The panel's clock, taken at login. */
struct xt_clock {
	int64_t skew_s;        /* panel unix time minus ours (timestamp_now - local now), 0 if unknown */
	int fallback_offset_s; /* time_now - timestamp_now rounded to 15 min */
	bool have_fallback;
	char zone[64]; /* server_info.timezone, "" when absent */
};

/* From a login answer and our unix time when it arrived. Always succeeds (missing parts leave the
 * corresponding fields unset). */
void xt_clock_from_server(const struct xt_server_info *si, int64_t local_now, struct xt_clock *out);

/* The panel zone's UTC offset at instant t: from the tz database when the zone is known there, else
 * the fallback offset. Returns 0, or -ENOENT when neither is available (*offset_s = 0 then). */
int xt_clock_zone_offset(const struct xt_clock *clk, int64_t t, int *offset_s);

/* "YYYY-MM-DD:HH-MM" of instant t in the panel's zone (out must hold 17 bytes). */
int xt_clock_panel_time(const struct xt_clock *clk, int64_t t, char *out, size_t cap);

/* Catch-up duration: ceil((stop - start) / 60) minutes, at least 1. */
int xt_timeshift_minutes(int64_t start, int64_t stop);

/* {base}/timeshift/{u}/{p}/{minutes}/{YYYY-MM-DD:HH-MM}/{id}.{ts|m3u8} for the programme
 * [start, stop) in unix time. */
int xt_url_timeshift(const struct xt_url_ctx *c, const struct xt_clock *clk, int64_t stream_id, int64_t start,
		     int64_t stop, enum xt_stream_format f, char *out, size_t cap);
/* {base}/streaming/timeshift.php?username&password&stream&start&duration */
int xt_url_timeshift_legacy(const struct xt_url_ctx *c, const struct xt_clock *clk, int64_t stream_id,
			    int64_t start, int64_t stop, char *out, size_t cap);

/* UTC offset of IANA zone at instant t from the tz database (zoneinfo_dir NULL: $QANAT_ZONEINFO,
 * else $TZDIR, else /usr/share/zoneinfo). Reads TZif v1-v4 including the POSIX rule for instants after the last transition.
 * Returns 0, -ENOENT (unknown or malformed zone name), -EINVAL (not a TZif file). */
int xt_tz_offset(const char *zoneinfo_dir, const char *zone, int64_t t, int *offset_s);

#endif
