/* SPDX-License-Identifier: MIT */
/* Lenient decoders from jansson values to the structs of xtream.h: every field is read through the
 * scalar helpers at the top, so each quirk of section 9 of XTREAM.md is handled in one place. */
#include "xt_decode.h"

#include "plat_base64.h"
#include "xtream_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------------------------------------- */
/* scalars */

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

static bool only_space(const char *s)
{
	return *skip_space(s) == '\0';
}

static int bool_word(const char *s, size_t len)
{
	static const struct {
		const char *word;
		int value;
	} words[] = { { "true", 1 }, { "false", 0 }, { "yes", 1 }, { "no", 0 }, { "on", 1 }, { "off", 0 } };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == len && strncasecmp(s, words[i].word, len) == 0)
			return words[i].value;
	return -1;
}

static size_t trimmed_len(const char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n;
}

static int real_from_text(const char *text, double *out)
{
	const char *s = skip_space(text);
	size_t len = trimmed_len(s);
	if (len == 0 || (len == 4 && strncasecmp(s, "null", 4) == 0))
		return -ENOENT;
	int b = bool_word(s, len);
	if (b >= 0) {
		*out = b;
		return 0;
	}
	char *end = NULL;
	errno = 0;
	double d = strtod(s, &end);
	if (end == s || (size_t)(end - s) != len || errno == ERANGE || !isfinite(d))
		return -EINVAL;
	*out = d;
	return 0;
}

static int empty_container(const json_t *v)
{
	if (json_is_array(v))
		return json_array_size(v) == 0 ? -ENOENT : -EINVAL;
	return json_object_size(v) == 0 ? -ENOENT : -EINVAL;
}

int xt_json_real(const json_t *v, double *out)
{
	if (!v || json_is_null(v))
		return -ENOENT;
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (json_is_boolean(v)) {
		*out = json_is_true(v) ? 1 : 0;
		return 0;
	}
	if (json_is_string(v))
		return real_from_text(json_string_value(v), out);
	return empty_container(v);
}

double xt_json_real_or(const json_t *v, double dflt)
{
	double d;
	return xt_json_real(v, &d) == 0 ? d : dflt;
}

static int int_from_real(double d, int64_t *out)
{
	if (!isfinite(d) || d >= 9.2e18 || d <= -9.2e18)
		return -EINVAL;
	*out = (int64_t)d;
	return 0;
}

int xt_json_int(const json_t *v, int64_t *out)
{
	if (!v || json_is_null(v))
		return -ENOENT;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_real(v))
		return int_from_real(json_real_value(v), out);
	if (json_is_boolean(v)) {
		*out = json_is_true(v) ? 1 : 0;
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = skip_space(json_string_value(v));
		size_t len = trimmed_len(s);
		char *end = NULL;
		errno = 0;
		long long n = strtoll(s, &end, 10);
		if (len > 0 && end != s && (size_t)(end - s) == len && errno == 0) {
			*out = n;
			return 0;
		}
		double d;
		int rc = real_from_text(s, &d);
		return rc < 0 ? rc : int_from_real(d, out);
	}
	return empty_container(v);
}

int xt_json_id(const json_t *v, int64_t *out)
{
	int64_t n;
	if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else if (json_is_real(v)) {
		double d = json_real_value(v);
		if (int_from_real(d, &n) < 0 || (double)n != d)
			return -EINVAL; /* no libm here: an integral real survives the round trip */
	} else if (json_is_string(v)) {
		const char *s = skip_space(json_string_value(v));
		size_t len = trimmed_len(s);
		if (len == 0 || len > 18)
			return -EINVAL;
		n = 0;
		for (size_t i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -EINVAL;
			n = n * 10 + (s[i] - '0');
		}
	} else {
		return -EINVAL;
	}
	if (n < 0)
		return -EINVAL;
	*out = n;
	return 0;
}

/* an item's id: xt_json_id() and > 0 */
static int item_id(const json_t *o, const char *key, int64_t *out)
{
	return xt_json_id(json_object_get(o, key), out) == 0 && *out > 0 ? 0 : -EINVAL;
}

int64_t xt_json_int_or(const json_t *v, int64_t dflt)
{
	int64_t n;
	return xt_json_int(v, &n) == 0 ? n : dflt;
}

bool xt_json_bool_or(const json_t *v, bool dflt)
{
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_string(v)) {
		const char *s = skip_space(json_string_value(v));
		int b = bool_word(s, trimmed_len(s));
		if (b >= 0)
			return b;
	}
	double d;
	if (xt_json_real(v, &d) == 0)
		return d != 0;
	return dflt;
}

const char *xt_json_str(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *xt_json_str_nonempty(const json_t *v)
{
	const char *s = xt_json_str(v);
	return s && !only_space(s) ? s : NULL;
}

const char *xt_json_text(const json_t *v, char *buf, size_t cap)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v) && cap > 0) {
		snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v) && cap > 0) {
		int64_t n;
		if (int_from_real(json_real_value(v), &n) == 0) {
			snprintf(buf, cap, "%lld", (long long)n);
			return buf;
		}
	}
	return NULL;
}

json_t *xt_json_object(const json_t *v)
{
	return json_is_object(v) ? (json_t *)v : NULL;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

void xt_extension_clean(const char *in, char out[16])
{
	size_t n = 0;
	for (const char *p = in ? in : ""; *p && n < 15; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '.' && n == 0)
			continue;
		if (!isalnum(ch) || ch >= 0x80)
			break;
		out[n++] = (char)tolower(ch);
	}
	out[n] = '\0';
	if (n == 0)
		copy_text(out, 16, "mp4");
}

static const char *get_str(const json_t *o, const char *key)
{
	return xt_json_str_nonempty(json_object_get(o, key));
}

static const char *first_str(const json_t *o, const char *a, const char *b)
{
	const char *s = get_str(o, a);
	return s ? s : get_str(o, b);
}

static int64_t get_int(const json_t *o, const char *key)
{
	return xt_json_int_or(json_object_get(o, key), 0);
}

static int get_small(const json_t *o, const char *key)
{
	int64_t n = get_int(o, key);
	return n > INT_MAX || n < INT_MIN ? 0 : (int)n;
}

static double get_real(const json_t *o, const char *key)
{
	return xt_json_real_or(json_object_get(o, key), 0);
}

/* backdrop_path: an array (first usable entry), a single string, or null */
static const char *first_image(const json_t *v)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			const char *s = xt_json_str_nonempty(e);
			if (s)
				return s;
		}
		return NULL;
	}
	return xt_json_str_nonempty(v);
}

static size_t category_ids(const json_t *arr, int64_t *ids)
{
	size_t n = 0, i;
	json_t *e;
	if (!json_is_array(arr))
		return 0;
	json_array_foreach(arr, i, e)
	{
		int64_t id;
		if (n < XT_MAX_CATEGORY_IDS && xt_json_int(e, &id) == 0)
			ids[n++] = id;
	}
	return n;
}

/* the year from "year", else the first four digits of a release date */
static int year_of(const json_t *o, const char *release_date)
{
	int64_t y;
	if (xt_json_int(json_object_get(o, "year"), &y) == 0 && y > 1800 && y < 3000)
		return (int)y;
	if (release_date && strlen(release_date) >= 4 && isdigit((unsigned char)release_date[0]) &&
	    isdigit((unsigned char)release_date[1]) && isdigit((unsigned char)release_date[2]) &&
	    isdigit((unsigned char)release_date[3]))
		return (release_date[0] - '0') * 1000 + (release_date[1] - '0') * 100 +
		       (release_date[2] - '0') * 10 + (release_date[3] - '0');
	return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* login */

enum xt_account_status xt_account_status_parse(const char *s)
{
	static const struct {
		const char *word;
		enum xt_account_status status;
	} map[] = { { "active", XT_ACCOUNT_ACTIVE },
		    { "expired", XT_ACCOUNT_EXPIRED },
		    { "banned", XT_ACCOUNT_BANNED },
		    { "disabled", XT_ACCOUNT_DISABLED } };
	if (!s || only_space(s))
		return XT_ACCOUNT_UNKNOWN;
	s = skip_space(s);
	size_t len = trimmed_len(s);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].word) == len && strncasecmp(s, map[i].word, len) == 0)
			return map[i].status;
	return XT_ACCOUNT_OTHER;
}

static unsigned output_formats(const json_t *arr)
{
	unsigned f = 0;
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
	{
		const char *s = xt_json_str(e);
		if (!s)
			continue;
		if (strcasecmp(s, "ts") == 0 || strcasecmp(s, "mpegts") == 0)
			f |= XT_FORMAT_TS;
		else if (strcasecmp(s, "m3u8") == 0 || strcasecmp(s, "hls") == 0)
			f |= XT_FORMAT_M3U8;
		else if (strcasecmp(s, "rtmp") == 0)
			f |= XT_FORMAT_RTMP;
	}
	return f ? f : XT_FORMAT_TS | XT_FORMAT_M3U8;
}

static int port_of(const json_t *o, const char *key)
{
	int64_t p = get_int(o, key);
	return p > 0 && p < 65536 ? (int)p : 0;
}

int xt_decode_login(const json_t *root, struct xt_user_info *user, struct xt_server_info *server)
{
	memset(user, 0, sizeof(*user));
	memset(server, 0, sizeof(*server));
	user->formats = XT_FORMAT_TS | XT_FORMAT_M3U8;
	json_t *ui = xt_json_object(json_object_get(root, "user_info"));
	if (!ui)
		return -EINVAL;
	user->auth = xt_json_bool_or(json_object_get(ui, "auth"), false);
	copy_text(user->username, sizeof(user->username), xt_json_str(json_object_get(ui, "username")));
	const char *status = xt_json_str(json_object_get(ui, "status"));
	copy_text(user->status_text, sizeof(user->status_text), status);
	user->status = xt_account_status_parse(status);
	if (user->status == XT_ACCOUNT_UNKNOWN && user->auth)
		user->status = XT_ACCOUNT_ACTIVE;
	int64_t exp = get_int(ui, "exp_date");
	user->exp_date = exp > 0 ? exp : 0;
	user->created_at = get_int(ui, "created_at");
	user->is_trial = xt_json_bool_or(json_object_get(ui, "is_trial"), false);
	user->active_cons = get_int(ui, "active_cons");
	int64_t maxc = get_int(ui, "max_connections");
	user->max_connections = maxc > 0 ? maxc : 0;
	copy_text(user->message, sizeof(user->message), xt_json_str(json_object_get(ui, "message")));
	user->formats = output_formats(json_object_get(ui, "allowed_output_formats"));

	json_t *si = xt_json_object(json_object_get(root, "server_info"));
	if (si) {
		copy_text(server->url, sizeof(server->url), xt_json_str(json_object_get(si, "url")));
		copy_text(server->protocol, sizeof(server->protocol),
			  xt_json_str(json_object_get(si, "server_protocol")));
		server->port = port_of(si, "port");
		server->https_port = port_of(si, "https_port");
		server->rtmp_port = port_of(si, "rtmp_port");
		copy_text(server->timezone, sizeof(server->timezone),
			  xt_json_str(json_object_get(si, "timezone")));
		server->timestamp_now = get_int(si, "timestamp_now");
		copy_text(server->time_now, sizeof(server->time_now),
			  xt_json_str(json_object_get(si, "time_now")));
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* list items */

int xt_decode_category(const json_t *o, struct xt_category *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(o) || xt_json_id(json_object_get(o, "category_id"), &out->id) < 0)
		return -EINVAL;
	out->name = xt_json_str(json_object_get(o, "category_name"));
	out->parent_id = get_int(o, "parent_id");
	return 0;
}

int xt_decode_live(const json_t *o, struct xt_live *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(o) || item_id(o, "stream_id", &out->stream_id) < 0)
		return -EINVAL;
	out->num = get_int(o, "num");
	out->name = xt_json_str(json_object_get(o, "name"));
	out->stream_type = get_str(o, "stream_type");
	out->icon = get_str(o, "stream_icon");
	out->epg_channel_id = get_str(o, "epg_channel_id");
	out->direct_source = get_str(o, "direct_source");
	out->category_id = get_int(o, "category_id");
	out->category_id_count = category_ids(json_object_get(o, "category_ids"), out->category_ids);
	out->tv_archive = xt_json_bool_or(json_object_get(o, "tv_archive"), false);
	out->tv_archive_days = get_small(o, "tv_archive_duration");
	if (out->tv_archive_days < 0)
		out->tv_archive_days = 0;
	out->added = get_int(o, "added");
	return 0;
}

int xt_decode_vod(const json_t *o, struct xt_vod *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(o) || item_id(o, "stream_id", &out->stream_id) < 0)
		return -EINVAL;
	out->num = get_int(o, "num");
	out->name = xt_json_str(json_object_get(o, "name"));
	out->title = get_str(o, "title");
	out->icon = get_str(o, "stream_icon");
	out->plot = get_str(o, "plot");
	out->cast = get_str(o, "cast");
	out->director = get_str(o, "director");
	out->genre = get_str(o, "genre");
	out->release_date = first_str(o, "release_date", "releasedate");
	out->direct_source = get_str(o, "direct_source");
	out->year = year_of(o, out->release_date);
	out->rating = get_real(o, "rating");
	out->rating_5based = get_real(o, "rating_5based");
	out->added = get_int(o, "added");
	out->episode_run_time = get_small(o, "episode_run_time");
	out->category_id = get_int(o, "category_id");
	out->category_id_count = category_ids(json_object_get(o, "category_ids"), out->category_ids);
	xt_extension_clean(xt_json_str(json_object_get(o, "container_extension")), out->container_extension);
	return 0;
}

int xt_decode_series(const json_t *o, struct xt_series *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(o) || item_id(o, "series_id", &out->series_id) < 0)
		return -EINVAL;
	out->num = get_int(o, "num");
	out->name = xt_json_str(json_object_get(o, "name"));
	out->title = get_str(o, "title");
	out->cover = get_str(o, "cover");
	out->plot = get_str(o, "plot");
	out->cast = get_str(o, "cast");
	out->director = get_str(o, "director");
	out->genre = get_str(o, "genre");
	out->release_date = first_str(o, "release_date", "releaseDate");
	out->backdrop = first_image(json_object_get(o, "backdrop_path"));
	out->youtube_trailer = get_str(o, "youtube_trailer");
	out->year = year_of(o, out->release_date);
	out->rating = get_real(o, "rating");
	out->rating_5based = get_real(o, "rating_5based");
	out->last_modified = get_int(o, "last_modified");
	out->episode_run_time = get_small(o, "episode_run_time");
	out->category_id = get_int(o, "category_id");
	return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* details */

int xt_decode_vod_info(const json_t *root, struct xt_vod_info *out)
{
	memset(out, 0, sizeof(*out));
	json_t *info = xt_json_object(json_object_get(root, "info"));
	json_t *md = xt_json_object(json_object_get(root, "movie_data"));
	if (!md && (!info || json_object_size(info) == 0))
		return -ENOENT;
	out->stream_id = get_int(md, "stream_id");
	out->name = first_str(info, "name", "title");
	if (!out->name)
		out->name = get_str(md, "name");
	out->o_name = get_str(info, "o_name");
	out->cover = first_str(info, "cover_big", "movie_image");
	out->plot = first_str(info, "plot", "description");
	out->cast = first_str(info, "cast", "actors");
	out->director = get_str(info, "director");
	out->genre = get_str(info, "genre");
	out->release_date = first_str(info, "release_date", "releasedate");
	out->youtube_trailer = get_str(info, "youtube_trailer");
	out->country = get_str(info, "country");
	out->age = get_str(info, "age");
	out->duration = get_str(info, "duration");
	out->backdrop = first_image(json_object_get(info, "backdrop_path"));
	out->duration_secs = get_int(info, "duration_secs");
	out->rating = get_real(info, "rating");
	out->added = get_int(md, "added");
	out->category_id = get_int(md, "category_id");
	json_t *subs = json_object_get(info, "subtitles");
	out->subtitle_count = json_is_array(subs) ? json_array_size(subs) : 0;
	xt_extension_clean(xt_json_str(json_object_get(md, "container_extension")), out->container_extension);
	return 0;
}

static int decode_episode(const json_t *o, int season, struct xt_episode *out)
{
	memset(out, 0, sizeof(*out));
	char buf[48];
	const char *id = xt_json_text(json_object_get(o, "id"), buf, sizeof(buf));
	if (!json_is_object(o) || !id || only_space(id))
		return -EINVAL;
	copy_text(out->id, sizeof(out->id), id);
	out->season = season >= 0 ? season : get_small(o, "season");
	out->episode_num = get_small(o, "episode_num");
	out->title = get_str(o, "title");
	out->direct_source = get_str(o, "direct_source");
	out->added = get_int(o, "added");
	xt_extension_clean(xt_json_str(json_object_get(o, "container_extension")), out->container_extension);
	json_t *info = xt_json_object(json_object_get(o, "info"));
	out->plot = get_str(info, "plot");
	out->image = first_str(info, "movie_image", "cover_big");
	out->duration_secs = get_int(info, "duration_secs");
	out->rating = get_real(info, "rating");
	return 0;
}

/* a season's episodes: an array, or an object (PHP keyed array) of episode objects */
static int visit_season_episodes(const json_t *list, int season, const struct xt_series_visitor *v, void *ud,
				 size_t *count)
{
	size_t i;
	const char *key;
	json_t *e;
	struct xt_episode ep;
	if (json_is_array(list)) {
		json_array_foreach(list, i, e)
		{
			if (decode_episode(e, season, &ep) < 0)
				continue;
			(*count)++;
			int rc = v && v->episode ? v->episode(ud, &ep) : 0;
			if (rc < 0)
				return rc;
		}
	} else if (json_is_object(list)) {
		json_object_foreach((json_t *)list, key, e)
		{
			if (decode_episode(e, season, &ep) < 0)
				continue;
			(*count)++;
			int rc = v && v->episode ? v->episode(ud, &ep) : 0;
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int season_from_key(const char *key)
{
	char *end = NULL;
	long n = strtol(key, &end, 10);
	return end != key && *end == '\0' && n >= 0 && n < 100000 ? (int)n : -1;
}

static size_t count_episodes(const json_t *episodes)
{
	size_t n = 0, i;
	const char *key;
	json_t *e;
	if (json_is_array(episodes)) {
		json_array_foreach(episodes, i, e) n +=
		    json_is_array(e) ? json_array_size(e) : json_object_size(e);
	} else if (json_is_object(episodes)) {
		json_object_foreach((json_t *)episodes, key, e) n +=
		    json_is_array(e) ? json_array_size(e) : json_object_size(e);
	}
	return n;
}

int xt_decode_series_info(const json_t *root, const struct xt_series_visitor *v, void *ud)
{
	if (!json_is_object(root))
		return -ENOENT;
	json_t *info = xt_json_object(json_object_get(root, "info"));
	json_t *episodes = json_object_get(root, "episodes");
	json_t *seasons = json_object_get(root, "seasons");
	size_t total = count_episodes(episodes);
	if (total == 0 && (!info || !get_str(info, "name")))
		return -ENOENT;

	struct xt_series_info si = { 0 };
	si.name = get_str(info, "name");
	si.cover = get_str(info, "cover");
	si.plot = get_str(info, "plot");
	si.cast = get_str(info, "cast");
	si.director = get_str(info, "director");
	si.genre = get_str(info, "genre");
	si.release_date = first_str(info, "releaseDate", "release_date");
	si.backdrop = first_image(json_object_get(info, "backdrop_path"));
	si.rating = get_real(info, "rating");
	si.category_id = get_int(info, "category_id");
	si.season_count = json_is_array(seasons) ? json_array_size(seasons) : 0;
	si.episode_count = total;
	int rc = v && v->info ? v->info(ud, &si) : 0;
	if (rc < 0)
		return rc;

	size_t i;
	json_t *e;
	if (json_is_array(seasons)) {
		json_array_foreach(seasons, i, e)
		{
			if (!json_is_object(e))
				continue;
			struct xt_season s = { 0 };
			s.number = get_small(e, "season_number");
			s.name = get_str(e, "name");
			s.air_date = get_str(e, "air_date");
			s.cover = first_str(e, "cover", "cover_big");
			s.episode_count = get_small(e, "episode_count");
			rc = v && v->season ? v->season(ud, &s) : 0;
			if (rc < 0)
				return rc;
		}
	}

	size_t count = 0;
	if (json_is_array(episodes)) {
		/* seasons exactly 0..n-1: PHP wrote the keyed array as a list, the index is the season */
		json_array_foreach(episodes, i, e)
		{
			rc = visit_season_episodes(e, (int)i, v, ud, &count);
			if (rc < 0)
				return rc;
		}
	} else if (json_is_object(episodes)) {
		const char *key;
		json_object_foreach(episodes, key, e)
		{
			rc = visit_season_episodes(e, season_from_key(key), v, ud, &count);
			if (rc < 0)
				return rc;
		}
	}
	return count > INT_MAX ? INT_MAX : (int)count;
}

/* ---------------------------------------------------------------------------------------------- */
/* EPG */

static int decode_listing(const json_t *o, xt_epg_cb cb, void *ud)
{
	if (!json_is_object(o))
		return 0;
	struct xt_epg_listing l;
	memset(&l, 0, sizeof(l));
	char idbuf[32];
	copy_text(l.id, sizeof(l.id), xt_json_text(json_object_get(o, "id"), idbuf, sizeof(idbuf)));
	l.epg_id = get_str(o, "epg_id");
	l.channel_id = get_str(o, "channel_id");
	l.lang = get_str(o, "lang");
	xt_base64_text(xt_json_str(json_object_get(o, "title")), l.title, sizeof(l.title));
	xt_base64_text(xt_json_str(json_object_get(o, "description")), l.description, sizeof(l.description));
	if (xt_json_int(json_object_get(o, "start_timestamp"), &l.start) < 0 &&
	    xt_parse_wall_time(xt_json_str(json_object_get(o, "start")), &l.start) < 0)
		return 0;
	if (xt_json_int(json_object_get(o, "stop_timestamp"), &l.stop) < 0 &&
	    xt_json_int(json_object_get(o, "end"), &l.stop) < 0 &&
	    xt_parse_wall_time(xt_json_str(json_object_get(o, "stop")), &l.stop) < 0)
		return 0;
	l.now_playing = xt_json_bool_or(json_object_get(o, "now_playing"), false);
	l.has_archive = xt_json_bool_or(json_object_get(o, "has_archive"), false);
	int rc = cb ? cb(ud, &l) : 0;
	return rc < 0 ? rc : 1;
}

static int decode_listing_list(const json_t *arr, xt_epg_cb cb, void *ud, int *count)
{
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
	{
		int rc = decode_listing(e, cb, ud);
		if (rc < 0)
			return rc;
		*count += rc;
	}
	return 0;
}

int xt_decode_epg(const json_t *root, xt_epg_cb cb, void *ud)
{
	json_t *listings = json_object_get(root, "epg_listings");
	int count = 0, rc = 0;
	if (json_is_array(listings)) {
		rc = decode_listing_list(listings, cb, ud, &count);
	} else if (json_is_object(listings)) {
		const char *key;
		json_t *e;
		json_object_foreach(listings, key, e)
		{
			rc = json_is_array(e) ? decode_listing_list(e, cb, ud, &count) : 0;
			if (rc < 0)
				break;
		}
	} else if (!json_is_object(root)) {
		return -EBADMSG;
	}
	return rc < 0 ? rc : count;
}

/* ---------------------------------------------------------------------------------------------- */
/* text helpers */

size_t xt_base64_text(const char *in, char *out, size_t cap)
{
	plat_base64_text(in, out, cap);
	return cap ? strlen(out) : 0;
}

static int digits(const char *s, int count, int *out)
{
	int v = 0;
	for (int i = 0; i < count; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int xt_parse_wall_time(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0;
	if (!s)
		return -EINVAL;
	s = skip_space(s);
	if (strlen(s) < 16 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d) || (s[10] != ' ' && s[10] != 'T') || digits(s + 11, 2, &h) || s[13] != ':' ||
	    digits(s + 14, 2, &mi))
		return -EINVAL;
	if (s[16] == ':' && digits(s + 17, 2, &sec))
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	*out = xt_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}
