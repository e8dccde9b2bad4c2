/* SPDX-License-Identifier: MIT */
/* The Xtream player API client (shared/XTREAM.md): login with outcomes a viewer understands and a
 * back-off that never hammers a panel, failover across several panel URLs, and every action decoded
 * into typed structs. Lists are stream-parsed: the top-level array is scanned as curl delivers it and
 * each element is decoded on its own, so a 60 MB get_vod_streams costs one element of memory, and
 * the caller gets one callback per item.
 *
 * Ownership: structs handed to callbacks are borrowed and valid only during the callback (their
 * strings point into the element being decoded); copy what you keep.
 * Threads: a struct xt_client belongs to one thread; only xt_client_cancel() may be called from
 * another one (and plat_cancel_fire() on the token given to xt_client_set_cancel()). Every transfer
 * waits in curl_multi_poll(), so either of them stops a request at once with -ECANCELED, even one
 * whose panel sends nothing or a few bytes a second. Errors are negative errno values (see
 * xt_strerror()). */
#ifndef XTREAM_H
#define XTREAM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Project error codes for answers a panel gives, next to the plain errno ones:
 * -EBADMSG       the body is not JSON (HTML page, plain text, garbage): not an Xtream panel
 * -ENODATA       empty body
 * -EPROTO        JSON broken or cut short (truncated transfer)
 * -EKEYREJECTED  a list action answered with the account object: the line is not active
 * -EACCES        HTTP 401/403/404: the panel refused the credentials (XUI hides every refusal
 *                behind a fake 404 page; a details 404 with a working login is -ENOENT)
 * -ECONNREFUSED  no panel URL could be reached; -ETIMEDOUT a request timed out (-ETIME: stalled)
 * -ENOENT        the item does not exist (vod-info / series-info of an unknown id, or their HTTP
 *                404 while the login itself works): "this title is no longer available"
 * -EAGAIN        login refused locally: the back-off after a failed login has not elapsed
 * -ECANCELED     xt_client_cancel(), the client's cancel token, or a callback asked to stop;
 * -EFBIG         an element too large
 * Transport failures are plat_http's codes (plat_http.h: PLAT_HTTP_ECONNECT, _ETIMEDOUT, _ESTALLED,
 * _EREDIRECTS, _EBOMB, ...), except the two whose numbers above mean a panel's answer: */
#define XT_EUNTRUSTED (-ENOKEY) /* the panel's certificate is not trusted (PLAT_HTTP_EUNTRUSTED) */
#define XT_ETLS (-ENOLINK)      /* no secure connection could be made (PLAT_HTTP_ETLS) */

enum xt_kind { XT_KIND_LIVE, XT_KIND_VOD, XT_KIND_SERIES };

enum xt_account_status {
	XT_ACCOUNT_UNKNOWN,
	XT_ACCOUNT_ACTIVE,
	XT_ACCOUNT_EXPIRED,
	XT_ACCOUNT_BANNED,
	XT_ACCOUNT_DISABLED,
	XT_ACCOUNT_OTHER, /* a clone's own word ("Inactive"...): not active; status_text says which */
};

#define XT_FORMAT_TS 1u
#define XT_FORMAT_M3U8 2u
#define XT_FORMAT_RTMP 4u

struct xt_user_info {
	char username[128];
	bool auth;
	enum xt_account_status status;
	char status_text[32]; /* the panel's own word, "" when absent */
	int64_t exp_date;     /* unix time; 0 = unlimited */
	int64_t created_at;   /* 0 when unknown */
	bool is_trial;
	int64_t active_cons;
	int64_t max_connections; /* 0 = unlimited */
	char message[1024];      /* operator's message of the day, "" when none */
	unsigned formats;        /* XT_FORMAT_* allowed; TS|M3U8 when the panel says nothing */
};

struct xt_server_info {
	char url[256]; /* as sent; may hold a scheme and port on clones */
	char protocol[8];
	int port, https_port, rtmp_port; /* 0 when "" or absent */
	char timezone[64];               /* IANA zone, "" when absent */
	int64_t timestamp_now;           /* 0 when absent */
	char time_now[40];               /* panel wall clock text */
};

enum xt_login_outcome {
	XT_LOGIN_OK,
	XT_LOGIN_WRONG_CREDENTIALS,
	XT_LOGIN_EXPIRED,
	XT_LOGIN_BANNED,
	XT_LOGIN_DISABLED,
	XT_LOGIN_INACTIVE,     /* another not-active status */
	XT_LOGIN_NOT_A_PANEL,  /* HTML, plain text or garbage where JSON belongs */
	XT_LOGIN_UNREACHABLE,  /* no URL answered (refused, no route, DNS, TLS, redirects: net_error) */
	XT_LOGIN_TIMED_OUT,    /* connected but no answer in time, or too slow (net_error) */
	XT_LOGIN_SERVER_ERROR, /* HTTP 5xx or 429 */
	XT_LOGIN_BACKING_OFF,  /* not attempted: waiting after a failure (see retry_after_ms) */
};

struct xt_login {
	enum xt_login_outcome outcome;
	enum xt_login_outcome previous; /* with XT_LOGIN_BACKING_OFF: the failure being waited out */
	int http_status;                /* 0 when no answer */
	int64_t retry_after_ms;         /* with a failure: how long before another attempt is allowed */
	int net_error;            /* UNREACHABLE / TIMED_OUT: the transfer's error (xt_strerror), else 0 */
	int server_retry_after_s; /* SERVER_ERROR: the panel's Retry-After (the back-off), else -1 */
	bool web_page;            /* NOT_A_PANEL: the answer was an HTML page (a proxy's error page...) */
	struct xt_user_info user;
	struct xt_server_info server;
	char base[256]; /* the panel URL that answered (credential-free) */
};

struct xt_category {
	int64_t id;
	const char *name; /* may be NULL (bad UTF-8 on the panel) */
	int64_t parent_id;
};

#define XT_MAX_CATEGORY_IDS 8

struct xt_live {
	int64_t stream_id;
	int64_t num;
	const char *name; /* may be NULL */
	const char *stream_type;
	const char *icon, *epg_channel_id, *direct_source; /* NULL when null or "" */
	int64_t category_id;                               /* 0 when null */
	int64_t category_ids[XT_MAX_CATEGORY_IDS];
	size_t category_id_count;
	bool tv_archive;
	int tv_archive_days;
	int64_t added;
};

struct xt_vod {
	int64_t stream_id;
	int64_t num;
	const char *name, *title;
	const char *icon, *plot, *cast, *director, *genre, *release_date, *direct_source;
	int year;
	double rating, rating_5based;
	int64_t added;
	int episode_run_time;
	int64_t category_id;
	int64_t category_ids[XT_MAX_CATEGORY_IDS];
	size_t category_id_count;
	char container_extension[16]; /* lower case, "mp4" when missing */
};

struct xt_series {
	int64_t series_id;
	int64_t num;
	const char *name, *title;
	const char *cover, *plot, *cast, *director, *genre, *release_date, *backdrop, *youtube_trailer;
	int year;
	double rating, rating_5based;
	int64_t last_modified;
	int episode_run_time;
	int64_t category_id;
};

struct xt_vod_info {
	int64_t stream_id;
	const char *name, *o_name, *cover, *plot, *cast, *director, *genre, *release_date;
	const char *youtube_trailer, *country, *age, *duration;
	const char *backdrop; /* first backdrop image */
	int64_t duration_secs;
	double rating;
	int64_t added;
	int64_t category_id;
	size_t subtitle_count;
	char container_extension[16];
};

struct xt_season {
	int number;
	const char *name, *air_date, *cover;
	int episode_count;
};

struct xt_episode {
	char id[48]; /* the id in the play URL (a string on the panel) */
	int season;  /* from the episodes key, else the episode's own season */
	int episode_num;
	const char *title, *plot, *image, *direct_source;
	int64_t duration_secs;
	double rating;
	int64_t added;
	char container_extension[16];
};

struct xt_series_info {
	const char *name, *cover, *plot, *cast, *director, *genre, *release_date, *backdrop;
	double rating;
	int64_t category_id;
	size_t season_count, episode_count;
};

/* Callbacks for get_series_info, any may be NULL. Called in this order: info, seasons, episodes. */
struct xt_series_visitor {
	int (*info)(void *ud, const struct xt_series_info *info);
	int (*season)(void *ud, const struct xt_season *s);
	int (*episode)(void *ud, const struct xt_episode *e);
};

struct xt_epg_listing {
	char id[32];
	const char *epg_id, *channel_id, *lang;
	char title[512];        /* base64-decoded (plain text kept as it is) */
	char description[2048]; /* same, cut at a character boundary */
	int64_t start, stop;    /* unix time */
	bool now_playing, has_archive;
};

typedef int (*xt_category_cb)(void *ud, const struct xt_category *c);
typedef int (*xt_live_cb)(void *ud, const struct xt_live *s);
typedef int (*xt_vod_cb)(void *ud, const struct xt_vod *v);
typedef int (*xt_series_cb)(void *ud, const struct xt_series *s);
typedef int (*xt_epg_cb)(void *ud, const struct xt_epg_listing *l);
/* A raw body sink: return a negative errno to stop the transfer. */
typedef int (*xt_sink_cb)(void *ud, const char *data, size_t len);

struct xt_config {
	const char *const *urls; /* panel base URLs in the order to try; "host:port" gets http:// */
	size_t url_count;
	const char *username, *password;
	const char *user_agent;   /* NULL: "Qanat/<version>" */
	long connect_timeout_ms;  /* 0: 5000 */
	long request_timeout_ms;  /* whole login/details request; 0: 20000 */
	long stall_timeout_ms;    /* a list fails after this long without a byte; 0: 20000 */
	long backoff_ms;          /* first wait after a refused login, doubling; 0: 30000 */
	size_t max_element_bytes; /* one list element; 0: 1 MiB */
};

struct xt_list_stats {
	size_t items;   /* delivered to the callback */
	size_t skipped; /* elements that were not a usable item (no id, not an object, bad JSON) */
	uint64_t bytes; /* body bytes received */
};

struct xt_client;
struct plat_cancel;

/* Copies everything it needs from cfg. *out is owned by the caller: xt_client_destroy().
 * Returns 0, -EINVAL (no URL, a URL that is not http(s), no credentials), -ENOMEM. */
int xt_client_create(const struct xt_config *cfg, struct xt_client **out);
void xt_client_destroy(struct xt_client **c);

/* Replaces the credentials (a viewer typed new ones): also clears the login back-off. */
int xt_client_set_credentials(struct xt_client *c, const char *username, const char *password);

/* Asks the request in progress to stop with -ECANCELED; thread-safe, async-signal-unsafe. The flag
 * stays set until xt_client_reset_cancel(). */
void xt_client_cancel(struct xt_client *c);
void xt_client_reset_cancel(struct xt_client *c);

/* Makes token (borrowed; NULL: none) stop this client's requests when it fires, from any thread:
 * the request in progress and every later one return -ECANCELED until another token is set. Owner
 * thread only, between requests. Returns the token it replaces (NULL when none), so a caller that
 * sets one for a while can put the previous one back. */
struct plat_cancel *xt_client_set_cancel(struct xt_client *c, struct plat_cancel *token);

/* The panel URL in use (the last one that answered; the first one before any request). Borrowed. */
const char *xt_client_base(const struct xt_client *c);
const char *xt_client_username(const struct xt_client *c);
const char *xt_client_password(const struct xt_client *c);

/* One login (player_api.php with no action). Fills *out in every case and returns 0 only for
 * XT_LOGIN_OK; otherwise a negative errno matching the outcome. A failure starts a back-off
 * (30 s doubling up to 30 min for refusals, 5 s doubling up to 5 min for network trouble); during
 * it the call makes no request and answers XT_LOGIN_BACKING_OFF with -EAGAIN. */
int xt_client_login(struct xt_client *c, struct xt_login *out);

/* Milliseconds left before xt_client_login() will try the network again (0 = now). */
int64_t xt_client_backoff_remaining_ms(const struct xt_client *c);

/* The lists. category < 0 means all. Return the number of items delivered (>= 0) or a negative
 * error; a callback returning a negative value stops the transfer with that value. stats may be
 * NULL. Duplicated stream ids (XUI lists a stream once per category) are delivered as they come. */
int xt_client_categories(struct xt_client *c, enum xt_kind kind, xt_category_cb cb, void *ud,
			 struct xt_list_stats *stats);
int xt_client_live_streams(struct xt_client *c, int64_t category, xt_live_cb cb, void *ud,
			   struct xt_list_stats *stats);
int xt_client_vod_streams(struct xt_client *c, int64_t category, xt_vod_cb cb, void *ud,
			  struct xt_list_stats *stats);
int xt_client_series(struct xt_client *c, int64_t category, xt_series_cb cb, void *ud,
		     struct xt_list_stats *stats);

/* Details. -ENOENT for an unknown id. */
int xt_client_vod_info(struct xt_client *c, int64_t vod_id,
		       int (*cb)(void *ud, const struct xt_vod_info *info), void *ud);
int xt_client_series_info(struct xt_client *c, int64_t series_id, const struct xt_series_visitor *v,
			  void *ud);
/* get_short_epg (limit <= 0: the panel's default); returns the number of listings. */
int xt_client_short_epg(struct xt_client *c, int64_t stream_id, int limit, xt_epg_cb cb, void *ud);
/* get_simple_data_table: every stored programme with now_playing and has_archive. */
int xt_client_simple_data_table(struct xt_client *c, int64_t stream_id, xt_epg_cb cb, void *ud);

/* GET of any absolute URL (an M3U playlist, xmltv.php) through the client's HTTP settings, body
 * streamed to sink. Returns the HTTP status (2xx) or a negative error (-EACCES for 401/403/404...). */
int xt_client_fetch(struct xt_client *c, const char *url, xt_sink_cb sink, void *ud);

/* The same without a panel (an M3U playlist URL): default timeouts, Qanat's User-Agent. On failure
 * a one-line reason (no credentials) goes into err (errcap bytes) when err is not NULL. */
int xt_fetch_url(const char *url, xt_sink_cb sink, void *ud, char *err, size_t errcap);
/* The same, stopped at once with -ECANCELED when cancel (NULL: none) fires from any thread. */
int xt_fetch_url_ex(const char *url, xt_sink_cb sink, void *ud, struct plat_cancel *cancel, char *err,
		    size_t errcap);

/* A one-line description of the last failure of this client, for a log or stderr (no credentials):
 * e.g. "HTTP 404 from http://host:8080: not JSON". Borrowed, valid until the next request. */
const char *xt_client_last_error(const struct xt_client *c);

/* Viewer-facing text for an error code of this module (never NULL). */
const char *xt_strerror(int err);

/* "ok", "wrong_credentials", "expired", ... (for JSON output and logs). */
const char *xt_login_outcome_name(enum xt_login_outcome o);
/* "Active", "Expired", ... ("Unknown" for XT_ACCOUNT_UNKNOWN). */
const char *xt_account_status_name(enum xt_account_status s);

/* The sentence to show the viewer for a login result, with the expiry date in the viewer's time zone
 * and the back-off delay where they apply. Returns the length or -ENOSPC when cut. */
/* True when a login's net_error says more than "nothing answers" (an untrusted certificate, a
 * redirect loop, an answer too big...): its sentence is then plat_http_strerror(xt_login_net_http(e)). */
bool xt_login_net_specific(int net_error);
/* net_error as a PLAT_HTTP_E* code (XT_EUNTRUSTED and XT_ETLS mapped back). */
int xt_login_net_http(int net_error);

int xt_login_message(const struct xt_login *l, char *out, size_t cap);

#endif
