/* SPDX-License-Identifier: MIT */
/* Lenient decoding of Xtream JSON into the typed structs of xtream.h (shared/XTREAM.md section 9):
 * every scalar may be a number, a numeric string, "", null, a boolean or "true"/"false"; `[]` stands
 * for an empty object; unknown keys are ignored. Pure functions over jansson values, no I/O: the
 * client, the unit tests and the fuzz target share them.
 *
 * Ownership: the const char * fields a decoder fills are borrowed from the json_t passed in and live
 * as long as it does. */
#ifndef XT_DECODE_H
#define XT_DECODE_H

#include "xtream.h"

#include <jansson.h>

/* Integer from a number (reals truncated), a numeric string ("12", " 7 ", "-3", "3.0"), a boolean or
 * "true"/"false". Returns 0 and sets *out; -ENOENT for absent, null, "", [] or {}; -EINVAL for
 * anything else (text that is not a number, out of range). */
int xt_json_int(const json_t *v, int64_t *out);
int64_t xt_json_int_or(const json_t *v, int64_t dflt);

/* An id: a whole number >= 0 given as a JSON integer, an integral real or a decimal string ("14",
 * " 7 "). Returns 0 and sets *out, or -EINVAL for anything else: booleans, fractions, text, "",
 * null, negatives, containers. Stricter than xt_json_int(): a hostile list of `true` or `1.5` ids
 * would otherwise collapse onto id 1. */
int xt_json_id(const json_t *v, int64_t *out);

/* Real number, same rules (a comma is not accepted as the decimal point). */
int xt_json_real(const json_t *v, double *out);
double xt_json_real_or(const json_t *v, double dflt);

/* Truth value: true/false, numbers (non-zero), "1"/"0", "true"/"false", "yes"/"no" (any case). */
bool xt_json_bool_or(const json_t *v, bool dflt);

/* The string, or NULL for anything that is not a string. */
const char *xt_json_str(const json_t *v);
/* The string, or NULL when it is not a string or is empty. */
const char *xt_json_str_nonempty(const json_t *v);
/* A string, or an integer written into buf (ids that arrive either way); NULL for anything else. */
const char *xt_json_text(const json_t *v, char *buf, size_t cap);
/* v when it is an object, NULL otherwise (`[]`, null...). */
json_t *xt_json_object(const json_t *v);

/* Account status word -> enum (case-insensitive; unknown words are XT_ACCOUNT_OTHER). */
enum xt_account_status xt_account_status_parse(const char *s);

/* The login answer. Returns 0 when root has a user_info object (auth may still be 0), -EINVAL when
 * it is not a login answer at all. */
int xt_decode_login(const json_t *root, struct xt_user_info *user, struct xt_server_info *server);

/* One list element each. -EINVAL when it is not an object or has no usable id (xt_json_id; items
 * also need it > 0). */
int xt_decode_category(const json_t *o, struct xt_category *out);
int xt_decode_live(const json_t *o, struct xt_live *out);
int xt_decode_vod(const json_t *o, struct xt_vod *out);
int xt_decode_series(const json_t *o, struct xt_series *out);

/* get_vod_info answer. -ENOENT for `{"info":[]}` without movie_data, `[]` and other refusals. */
int xt_decode_vod_info(const json_t *root, struct xt_vod_info *out);

/* get_series_info answer through the visitor. -ENOENT for an unknown series (`[]`, or no episodes
 * and a null name). Returns the number of episodes or a callback's negative value. */
int xt_decode_series_info(const json_t *root, const struct xt_series_visitor *v, void *ud);

/* get_short_epg / get_simple_data_table answer (epg_listings as an array, or an object keyed by
 * stream id). Returns the number of listings delivered or a callback's negative value. */
int xt_decode_epg(const json_t *root, xt_epg_cb cb, void *ud);

/* Decodes base64 text into out (cap bytes, NUL-terminated) when in is valid base64 of valid UTF-8,
 * otherwise copies in as it is (clones send plain text). Cuts at a UTF-8 character boundary.
 * Returns the length written. */
size_t xt_base64_text(const char *in, char *out, size_t cap);

/* "YYYY-MM-DD HH:MM[:SS]" (also with 'T') read as if it were UTC: the wall-clock fields as seconds
 * since the epoch. Returns 0 or -EINVAL. */
int xt_parse_wall_time(const char *s, int64_t *out);

/* Container extension: lower case, letters and digits only, at most 15 bytes; "mp4" when empty. */
void xt_extension_clean(const char *in, char out[16]);

#endif
