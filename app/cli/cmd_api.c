/* SPDX-License-Identifier: MIT */
/* `qanat api --server URL [--server URL2...] --user U --pass P ACTION [ARGS]`: one player-API call
 * through the real client, decoded and printed as text or, with --json, one JSON object (lists are
 * written item by item, so a 100k list prints in constant memory). Several --server options are
 * tried in order (failover). The url action prints a stream URL, credentials included: it is meant
 * for `qanat play`. HTTPS trusts the system store plus operator.json's ca_file (set by main.c), or
 * the bundle given with --ca-file FILE. */
#include "app_commands.h"

#include "plat_http.h"
#include "plat_log.h"
#include "xt_url.h"
#include "xtream.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SERVERS 8

struct api_args {
	const char *servers[MAX_SERVERS];
	size_t server_count;
	const char *user, *pass;
	long timeout_ms;
	char **rest; /* ACTION and its arguments */
	int rest_count;
};

static int parse_common(int argc, char **argv, struct api_args *a, const char *cmd)
{
	memset(a, 0, sizeof(*a));
	static char *rest[32];
	a->rest = rest;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(arg, "--server") == 0 && has_value) {
			if (a->server_count < MAX_SERVERS)
				a->servers[a->server_count++] = argv[++i];
			else
				i++;
		} else if (strcmp(arg, "--user") == 0 && has_value) {
			a->user = argv[++i];
		} else if (strcmp(arg, "--pass") == 0 && has_value) {
			a->pass = argv[++i];
		} else if (strcmp(arg, "--timeout") == 0 && has_value) {
			a->timeout_ms = strtol(argv[++i], NULL, 10) * 1000;
		} else if (strcmp(arg, "--ca-file") == 0 && has_value) {
			const char *file = argv[++i];
			int rc = plat_http_set_ca_file(file); /* single-threaded here: plat_http.h */
			if (rc < 0) {
				fprintf(stderr, "qanat: %s: --ca-file %s: %s\n", cmd, file,
					rc == -ENOENT ? "cannot be read" : "holds no PEM certificate");
				return -EINVAL;
			}
		} else if (a->rest_count < 32) {
			rest[a->rest_count++] = argv[i];
		}
	}
	if (a->server_count == 0 || !a->user || !a->pass) {
		fprintf(stderr, "qanat: %s: --server URL, --user U and --pass P are required\n", cmd);
		return -EINVAL;
	}
	return 0;
}

static int make_client(const struct api_args *a, struct xt_client **c)
{
	struct xt_config cfg = { .urls = a->servers,
				 .url_count = a->server_count,
				 .username = a->user,
				 .password = a->pass,
				 .request_timeout_ms = a->timeout_ms,
				 .stall_timeout_ms = a->timeout_ms,
				 .connect_timeout_ms =
				     a->timeout_ms > 0 && a->timeout_ms < 5000 ? a->timeout_ms : 0 };
	return xt_client_create(&cfg, c);
}

static void print_json(json_t *o)
{
	char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputs(text ? text : "null", stdout);
	free(text);
	json_decref(o);
}

/* ---------------------------------------------------------------------------------------------- */
/* login */

static json_t *login_json(const struct xt_login *l, const char *message)
{
	const struct xt_user_info *u = &l->user;
	const struct xt_server_info *s = &l->server;
	json_t *formats = json_array();
	if (u->formats & XT_FORMAT_TS)
		json_array_append_new(formats, json_string("ts"));
	if (u->formats & XT_FORMAT_M3U8)
		json_array_append_new(formats, json_string("m3u8"));
	if (u->formats & XT_FORMAT_RTMP)
		json_array_append_new(formats, json_string("rtmp"));
	json_t *o =
	    json_pack("{s:s,s:b,s:s,s:i,s:s}", "action", "login", "ok", l->outcome == XT_LOGIN_OK, "outcome",
		      xt_login_outcome_name(l->outcome), "http_status", l->http_status, "message", message);
	json_object_set_new(o, "server", json_string(l->base));
	if (l->outcome == XT_LOGIN_BACKING_OFF)
		json_object_set_new(o, "previous", json_string(xt_login_outcome_name(l->previous)));
	if (l->retry_after_ms > 0)
		json_object_set_new(o, "retry_after_ms", json_integer(l->retry_after_ms));
	json_t *user = json_pack("{s:s,s:b,s:s,s:s,s:I,s:b,s:I,s:I,s:s,s:o}", "username", u->username, "auth",
				 u->auth, "status", xt_account_status_name(u->status), "status_text",
				 u->status_text, "exp_date", (json_int_t)u->exp_date, "is_trial", u->is_trial,
				 "active_cons", (json_int_t)u->active_cons, "max_connections",
				 (json_int_t)u->max_connections, "message", u->message, "formats", formats);
	json_t *server = json_pack("{s:s,s:s,s:i,s:i,s:s,s:I,s:s}", "url", s->url, "protocol", s->protocol,
				   "port", s->port, "https_port", s->https_port, "timezone", s->timezone,
				   "timestamp_now", (json_int_t)s->timestamp_now, "time_now", s->time_now);
	json_object_set_new(o, "user_info", user);
	json_object_set_new(o, "server_info", server);
	return o;
}

static int do_login(struct xt_client *c, bool json, struct xt_login *l)
{
	int rc = xt_client_login(c, l);
	char msg[512];
	xt_login_message(l, msg, sizeof(msg));
	if (json) {
		print_json(login_json(l, msg));
		putchar('\n');
	} else if (rc == 0) {
		const struct xt_user_info *u = &l->user;
		printf("%s\n", msg);
		printf("  server       %s\n", l->base);
		printf("  status       %s\n",
		       u->status_text[0] ? u->status_text : xt_account_status_name(u->status));
		if (u->max_connections)
			printf("  connections  %lld of %lld\n", (long long)u->active_cons,
			       (long long)u->max_connections);
		else
			printf("  connections  %lld (no limit)\n", (long long)u->active_cons);
		printf("  trial        %s\n", u->is_trial ? "yes" : "no");
		printf("  formats      %s%s%s\n", u->formats & XT_FORMAT_TS ? "ts " : "",
		       u->formats & XT_FORMAT_M3U8 ? "m3u8 " : "", u->formats & XT_FORMAT_RTMP ? "rtmp" : "");
		printf("  time zone    %s (panel time %s)\n",
		       l->server.timezone[0] ? l->server.timezone : "unknown", l->server.time_now);
		if (u->message[0])
			printf("  message      %s\n", u->message);
	}
	if (rc < 0)
		fprintf(stderr, "qanat: api login: %s (%s)\n", msg, xt_login_outcome_name(l->outcome));
	return rc;
}

/* ---------------------------------------------------------------------------------------------- */
/* lists */

struct printer {
	bool json;
	size_t count;
};

static void emit(struct printer *p, json_t *item, const char *text_fmt_line)
{
	if (p->json) {
		if (p->count)
			putchar(',');
		print_json(item);
	} else {
		json_decref(item);
		puts(text_fmt_line);
	}
	p->count++;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int print_category(void *ud, const struct xt_category *c)
{
	char line[512];
	snprintf(line, sizeof(line), "%8lld  %s%s", (long long)c->id, c->name ? c->name : "(no name)",
		 c->parent_id ? "  (sub-category)" : "");
	emit(ud,
	     json_pack("{s:I,s:o,s:I}", "id", (json_int_t)c->id, "name", str_or_null(c->name), "parent_id",
		       (json_int_t)c->parent_id),
	     line);
	return 0;
}

static int print_live(void *ud, const struct xt_live *s)
{
	char line[512];
	snprintf(line, sizeof(line), "%8lld  %-40s  cat %-5lld %s", (long long)s->stream_id,
		 s->name ? s->name : "(no name)", (long long)s->category_id, s->tv_archive ? "catch-up" : "");
	emit(ud,
	     json_pack("{s:I,s:o,s:o,s:o,s:I,s:b,s:i,s:o}", "id", (json_int_t)s->stream_id, "name",
		       str_or_null(s->name), "stream_type", str_or_null(s->stream_type), "epg_channel_id",
		       str_or_null(s->epg_channel_id), "category_id", (json_int_t)s->category_id,
		       "tv_archive", s->tv_archive, "tv_archive_days", s->tv_archive_days, "icon",
		       str_or_null(s->icon)),
	     line);
	return 0;
}

static int print_vod(void *ud, const struct xt_vod *v)
{
	char line[512];
	snprintf(line, sizeof(line), "%8lld  %-40s  %-4s %4d  %.1f", (long long)v->stream_id,
		 v->name ? v->name : "(no name)", v->container_extension, v->year, v->rating);
	emit(ud,
	     json_pack("{s:I,s:o,s:s,s:i,s:f,s:I,s:I}", "id", (json_int_t)v->stream_id, "name",
		       str_or_null(v->name), "extension", v->container_extension, "year", v->year, "rating",
		       v->rating, "category_id", (json_int_t)v->category_id, "added", (json_int_t)v->added),
	     line);
	return 0;
}

static int print_series(void *ud, const struct xt_series *s)
{
	char line[512];
	snprintf(line, sizeof(line), "%8lld  %-40s  %4d  %.1f", (long long)s->series_id,
		 s->name ? s->name : "(no name)", s->year, s->rating);
	emit(ud,
	     json_pack("{s:I,s:o,s:i,s:f,s:I,s:o}", "id", (json_int_t)s->series_id, "name",
		       str_or_null(s->name), "year", s->year, "rating", s->rating, "category_id",
		       (json_int_t)s->category_id, "backdrop", str_or_null(s->backdrop)),
	     line);
	return 0;
}

static int parse_kind(const char *s, enum xt_kind *k)
{
	if (s && strcmp(s, "live") == 0)
		*k = XT_KIND_LIVE;
	else if (s && (strcmp(s, "vod") == 0 || strcmp(s, "movie") == 0))
		*k = XT_KIND_VOD;
	else if (s && strcmp(s, "series") == 0)
		*k = XT_KIND_SERIES;
	else
		return -EINVAL;
	return 0;
}

static int do_list(struct xt_client *c, const char *action, char **args, int n, bool json)
{
	enum xt_kind kind;
	if (n < 1 || parse_kind(args[0], &kind) < 0) {
		fprintf(stderr, "qanat: api %s: say live, vod or series\n", action);
		return -EINVAL;
	}
	int64_t category = n >= 2 ? strtoll(args[1], NULL, 10) : -1;
	struct printer p = { .json = json };
	struct xt_list_stats st;
	if (json)
		printf("{\"action\":\"%s\",\"kind\":\"%s\",\"items\":[", action, args[0]);
	int rc;
	if (strcmp(action, "categories") == 0)
		rc = xt_client_categories(c, kind, print_category, &p, &st);
	else if (kind == XT_KIND_LIVE)
		rc = xt_client_live_streams(c, category, print_live, &p, &st);
	else if (kind == XT_KIND_VOD)
		rc = xt_client_vod_streams(c, category, print_vod, &p, &st);
	else
		rc = xt_client_series(c, category, print_series, &p, &st);
	if (json) {
		printf("],\"count\":%zu,\"skipped\":%zu,\"bytes\":%llu,\"ok\":%s", p.count, st.skipped,
		       (unsigned long long)st.bytes, rc >= 0 ? "true" : "false");
		if (rc < 0)
			printf(",\"error\":\"%s\"", xt_strerror(rc));
		printf("}\n");
	} else if (rc >= 0) {
		printf("%zu items (%zu skipped), %llu bytes\n", p.count, st.skipped,
		       (unsigned long long)st.bytes);
	}
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* details */

static int print_vod_info(void *ud, const struct xt_vod_info *i)
{
	bool json = *(bool *)ud;
	if (json) {
		print_json(json_pack("{s:s,s:I,s:o,s:o,s:o,s:o,s:I,s:f,s:s,s:I}", "action", "vod-info", "id",
				     (json_int_t)i->stream_id, "name", str_or_null(i->name), "plot",
				     str_or_null(i->plot), "genre", str_or_null(i->genre), "release_date",
				     str_or_null(i->release_date), "duration_secs",
				     (json_int_t)i->duration_secs, "rating", i->rating, "extension",
				     i->container_extension, "subtitles", (json_int_t)i->subtitle_count));
		putchar('\n');
	} else {
		printf("%lld  %s\n", (long long)i->stream_id, i->name ? i->name : "(no name)");
		printf("  duration  %lld s   rating %.1f   %s   %s\n", (long long)i->duration_secs, i->rating,
		       i->container_extension, i->release_date ? i->release_date : "");
		if (i->genre)
			printf("  genre     %s\n", i->genre);
		if (i->plot)
			printf("  plot      %s\n", i->plot);
		printf("  subtitles %zu\n", i->subtitle_count);
	}
	return 0;
}

struct series_out {
	bool json;
	json_t *root, *seasons, *episodes;
};

static int series_info_cb(void *ud, const struct xt_series_info *i)
{
	struct series_out *o = ud;
	if (o->json) {
		json_object_set_new(o->root, "name", str_or_null(i->name));
		json_object_set_new(o->root, "plot", str_or_null(i->plot));
		json_object_set_new(o->root, "rating", json_real(i->rating));
	} else {
		printf("%s  (%zu seasons listed, %zu episodes)\n", i->name ? i->name : "(no name)",
		       i->season_count, i->episode_count);
	}
	return 0;
}

static int season_cb(void *ud, const struct xt_season *s)
{
	struct series_out *o = ud;
	if (o->json)
		json_array_append_new(o->seasons,
				      json_pack("{s:i,s:o,s:i}", "number", s->number, "name",
						str_or_null(s->name), "episode_count", s->episode_count));
	else
		printf("  season %d: %s\n", s->number, s->name ? s->name : "");
	return 0;
}

static int episode_cb(void *ud, const struct xt_episode *e)
{
	struct series_out *o = ud;
	if (o->json)
		json_array_append_new(o->episodes,
				      json_pack("{s:s,s:i,s:i,s:o,s:s,s:I}", "id", e->id, "season", e->season,
						"episode", e->episode_num, "title", str_or_null(e->title),
						"extension", e->container_extension, "duration_secs",
						(json_int_t)e->duration_secs));
	else
		printf("    S%02dE%02d  %-10s %s.%s\n", e->season, e->episode_num, e->id,
		       e->title ? e->title : "", e->container_extension);
	return 0;
}

static int do_series_info(struct xt_client *c, int64_t id, bool json)
{
	struct series_out o = { .json = json };
	if (json) {
		o.root = json_pack("{s:s,s:I}", "action", "series-info", "id", (json_int_t)id);
		o.seasons = json_array();
		o.episodes = json_array();
	}
	struct xt_series_visitor v = { series_info_cb, season_cb, episode_cb };
	int rc = xt_client_series_info(c, id, &v, &o);
	if (json) {
		json_object_set_new(o.root, "seasons", o.seasons);
		json_object_set_new(o.root, "episodes", o.episodes);
		if (rc >= 0) {
			print_json(o.root);
			putchar('\n');
		} else {
			json_decref(o.root);
		}
	}
	return rc < 0 ? rc : 0;
}

static int epg_cb(void *ud, const struct xt_epg_listing *l)
{
	struct printer *p = ud;
	char line[700], a[32], b[32];
	time_t s = (time_t)l->start, e = (time_t)l->stop;
	struct tm tm;
	strftime(a, sizeof(a), "%Y-%m-%d %H:%M", localtime_r(&s, &tm));
	strftime(b, sizeof(b), "%H:%M", localtime_r(&e, &tm));
	snprintf(line, sizeof(line), "  %s-%s %s%s", a, b, l->title, l->has_archive ? "  [archive]" : "");
	emit(p,
	     json_pack("{s:s,s:I,s:I,s:s,s:s,s:b,s:b}", "id", l->id, "start", (json_int_t)l->start, "stop",
		       (json_int_t)l->stop, "title", l->title, "description", l->description, "now_playing",
		       l->now_playing, "has_archive", l->has_archive),
	     line);
	return 0;
}

static int do_epg(struct xt_client *c, const char *action, char **args, int n, bool json)
{
	if (n < 1) {
		fprintf(stderr, "qanat: api %s: give a stream id\n", action);
		return -EINVAL;
	}
	int64_t id = strtoll(args[0], NULL, 10);
	struct printer p = { .json = json };
	if (json)
		printf("{\"action\":\"%s\",\"stream_id\":%lld,\"listings\":[", action, (long long)id);
	int rc = strcmp(action, "short-epg") == 0
		     ? xt_client_short_epg(c, id, n >= 2 ? (int)strtol(args[1], NULL, 10) : 0, epg_cb, &p)
		     : xt_client_simple_data_table(c, id, epg_cb, &p);
	if (json)
		printf("],\"count\":%zu,\"ok\":%s}\n", p.count, rc >= 0 ? "true" : "false");
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* URLs */

static int parse_time(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end == '\0' && end != s) {
		*out = v;
		return 0;
	}
	return -EINVAL;
}

static int do_url(struct xt_client *c, char **args, int n, bool json)
{
	if (n < 2) {
		fprintf(stderr,
			"qanat: api url: live|live-legacy|movie|episode|timeshift|timeshift-legacy ID ...\n");
		return -EINVAL;
	}
	struct xt_url_ctx ctx = { xt_client_base(c), xt_client_username(c), xt_client_password(c) };
	const char *what = args[0];
	char url[2048];
	int rc = -EINVAL;
	int64_t id = strtoll(args[1], NULL, 10);
	enum xt_stream_format fmt = XT_STREAM_TS;
	if (strcmp(what, "live") == 0) {
		if (n >= 3 && strcmp(args[2], "m3u8") == 0)
			fmt = XT_STREAM_M3U8;
		rc = xt_url_live(&ctx, id, fmt, url, sizeof(url));
	} else if (strcmp(what, "live-legacy") == 0) {
		rc = xt_url_live_legacy(&ctx, id, url, sizeof(url));
	} else if (strcmp(what, "movie") == 0) {
		rc = xt_url_movie(&ctx, id, n >= 3 ? args[2] : NULL, url, sizeof(url));
	} else if (strcmp(what, "episode") == 0) {
		rc = xt_url_episode(&ctx, args[1], n >= 3 ? args[2] : NULL, url, sizeof(url));
	} else if (strcmp(what, "timeshift") == 0 || strcmp(what, "timeshift-legacy") == 0) {
		int64_t start, stop;
		if (n < 4 || parse_time(args[2], &start) < 0 || parse_time(args[3], &stop) < 0) {
			fprintf(stderr, "qanat: api url %s ID START STOP (unix times) [ts|m3u8]\n", what);
			return -EINVAL;
		}
		/* the panel's zone comes from its login answer */
		struct xt_login l;
		int lr = xt_client_login(c, &l);
		if (lr < 0) {
			char msg[512];
			xt_login_message(&l, msg, sizeof(msg));
			fprintf(stderr, "qanat: api url: %s\n", msg);
			return lr;
		}
		ctx.base = xt_client_base(c);
		struct xt_clock clk;
		xt_clock_from_server(&l.server, (int64_t)time(NULL), &clk);
		if (n >= 5 && strcmp(args[4], "m3u8") == 0)
			fmt = XT_STREAM_M3U8;
		if (strcmp(what, "timeshift") == 0)
			rc = xt_url_timeshift(&ctx, &clk, id, start, stop, fmt, url, sizeof(url));
		else
			rc = xt_url_timeshift_legacy(&ctx, &clk, id, start, stop, url, sizeof(url));
	}
	if (rc < 0) {
		fprintf(stderr, "qanat: api url: cannot build a %s URL\n", what);
		return rc;
	}
	if (json) {
		print_json(json_pack("{s:s,s:s,s:s}", "action", "url", "kind", what, "url", url));
		putchar('\n');
	} else {
		puts(url);
	}
	return 0;
}

static void usage_api(void)
{
	fprintf(stderr,
		"qanat: api: ACTION is one of: login, categories live|vod|series, streams live|vod|series "
		"[CATEGORY], vod-info ID, series-info ID, short-epg ID [LIMIT], epg-table ID, url ...\n"
		"  [--timeout S] [--ca-file FILE: a PEM bundle trusted besides the system store]\n");
}

int app_cmd_api(int argc, char **argv, bool json)
{
	struct api_args a;
	if (parse_common(argc, argv, &a, "api") < 0)
		return 2;
	if (a.rest_count < 1) {
		usage_api();
		return 2;
	}
	struct xt_client *c = NULL;
	int rc = make_client(&a, &c);
	if (rc < 0) {
		fprintf(stderr, "qanat: api: invalid server address or credentials\n");
		return 2;
	}
	const char *action = a.rest[0];
	char **args = a.rest + 1;
	int n = a.rest_count - 1;
	struct xt_login l;
	if (strcmp(action, "login") == 0) {
		rc = do_login(c, json, &l);
		xt_client_destroy(&c);
		return rc < 0 ? 1 : 0;
	}
	if (strcmp(action, "categories") == 0 || strcmp(action, "streams") == 0) {
		rc = do_list(c, action, args, n, json);
	} else if (strcmp(action, "vod-info") == 0 && n >= 1) {
		rc = xt_client_vod_info(c, strtoll(args[0], NULL, 10), print_vod_info, &json);
	} else if (strcmp(action, "series-info") == 0 && n >= 1) {
		rc = do_series_info(c, strtoll(args[0], NULL, 10), json);
	} else if (strcmp(action, "short-epg") == 0 || strcmp(action, "epg-table") == 0) {
		rc = do_epg(c, action, args, n, json);
	} else if (strcmp(action, "url") == 0) {
		rc = do_url(c, args, n, json);
	} else {
		usage_api();
		xt_client_destroy(&c);
		return 2;
	}
	if (rc < 0 && rc != -EINVAL) {
		const char *detail = xt_client_last_error(c);
		fprintf(stderr, "qanat: api %s: %s%s%s\n", action, xt_strerror(rc), detail[0] ? " - " : "",
			detail);
	}
	xt_client_destroy(&c);
	return rc < 0 ? 1 : 0;
}
