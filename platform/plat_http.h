/* SPDX-License-Identifier: MIT */
/* The box's one HTTP layer: every libcurl transfer of the services (player API, lists, guides,
 * images, beacons, operator API, network checks) goes through plat_http_perform() with the box's
 * rules, and nothing else in the tree calls curl_easy_setopt():
 * - http and https only, also after a redirect; redirects bounded (at most 5) and never to another
 *   scheme (so never from https to http, where the credentials in an Xtream path would travel clear);
 * - TLS verified always, against the system store plus the operator's own CA bundle when
 *   operator.json names one (plat_http_set_ca_file); an untrusted certificate is its own error;
 * - per kind of request (enum plat_http_kind) a connect timeout, an overall deadline, a low-speed
 *   limit, a cap on the bytes received and a cap on the bytes after decompression (a gzip bomb ends
 *   at the cap, not at 4 GiB);
 * - Retry-After parsed once (delta-seconds or HTTP-date);
 * - one mapping from curl and HTTP outcomes to typed errors (the PLAT_HTTP_E* codes below, negative
 *   errno values), each with one viewer sentence (plat_http_strerror).
 * Every transfer runs on a curl multi handle and waits in curl_multi_poll(), so a cancel token
 * (plat_cancel.h) fired from another thread wakes it with curl_multi_wakeup() and it returns
 * PLAT_HTTP_ECANCELED at once, even when the server sends nothing or a few bytes a second.
 * Thread-safe: each call uses its own handle, or the caller's session (one thread at a time).
 * Call plat_http_global_init() once from main first, then plat_http_set_ca_file() if configured. */
#ifndef PLAT_HTTP_H
#define PLAT_HTTP_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct plat_cancel;

/* The typed outcomes. Each is a distinct negative errno so callers that pass errors up as ints keep
 * working; plat_http_strerror() gives the viewer's sentence for each. */
#define PLAT_HTTP_ERESOLVE (-EHOSTUNREACH)   /* the server's name could not be found */
#define PLAT_HTTP_ECONNECT (-ECONNREFUSED)   /* nothing answers at that address and port */
#define PLAT_HTTP_ETIMEDOUT (-ETIMEDOUT)     /* no connection, or the whole answer, in time */
#define PLAT_HTTP_ESTALLED (-ETIME)          /* the answer came slower than the low-speed limit */
#define PLAT_HTTP_ECUT (-ECONNRESET)         /* the connection was cut mid-answer */
#define PLAT_HTTP_ETOOBIG (-EFBIG)           /* more bytes than the cap for this kind */
#define PLAT_HTTP_EBOMB (-E2BIG)             /* decompresses to more than the cap */
#define PLAT_HTTP_EUNTRUSTED (-EKEYREJECTED) /* the server's certificate is not trusted */
#define PLAT_HTTP_ETLS (-EPROTO)             /* a secure connection could not be made */
#define PLAT_HTTP_EREDIRECTS (-ELOOP)        /* too many redirects (a loop) */
#define PLAT_HTTP_EREDIRECT_REFUSED (-EPERM) /* a redirect to another scheme or protocol */
#define PLAT_HTTP_EBADURL (-EINVAL)          /* not an http or https address */
#define PLAT_HTTP_EBADREPLY (-EBADMSG)       /* the server's answer is not valid HTTP */
#define PLAT_HTTP_ECANCELED (-ECANCELED)     /* cancelled by the caller */
#define PLAT_HTTP_ENOMEM (-ENOMEM)
#define PLAT_HTTP_ESINK (-EPIPE) /* the caller's on_data stopped the transfer */
#define PLAT_HTTP_EIO (-EIO)     /* any other network failure */

/* What a request is for; each kind has its own limits (plat_http_policy_for). */
enum plat_http_kind {
	PLAT_HTTP_API = 0,  /* player_api.php login and small answers (get_vod_info, short EPG) */
	PLAT_HTTP_LIST,     /* player_api.php lists and M3U playlists: tens of MB */
	PLAT_HTTP_GUIDE,    /* XMLTV: hundreds of MB, streamed to on_data */
	PLAT_HTTP_IMAGE,    /* logos, posters */
	PLAT_HTTP_BEACON,   /* QoE beacons (POST, small answer) */
	PLAT_HTTP_OPERATOR, /* the operator API (OPERATOR.md) */
	PLAT_HTTP_PROBE,    /* network checks: first bytes and throughput of a stream */
	PLAT_HTTP_KIND_COUNT
};

struct plat_http_policy {
	uint32_t connect_timeout_ms;
	uint32_t deadline_ms;   /* the whole transfer, redirects included */
	uint32_t low_speed_bps; /* slower than this ... */
	uint32_t low_speed_ms;  /* ... for this long: PLAT_HTTP_ESTALLED */
	uint64_t max_body;      /* bytes received (compressed), else PLAT_HTTP_ETOOBIG */
	uint64_t max_decoded;   /* bytes after decompression, else PLAT_HTTP_EBOMB */
};

/* The built-in limits of a kind (never NULL for a valid kind). */
const struct plat_http_policy *plat_http_policy_for(enum plat_http_kind kind);

/* A reusable connection cache (keep-alive between requests, e.g. the API client's). Used by one
 * thread at a time. */
struct plat_http_session;
struct plat_http_session *plat_http_session_new(void);
void plat_http_session_free(struct plat_http_session *s);

/* Called with each piece of the (decoded) body when the request sets on_data; `status` is the final
 * HTTP status (after redirects). Return false to stop the transfer (PLAT_HTTP_ESINK). */
typedef bool (*plat_http_on_data)(void *user, long status, const char *data, size_t len);

struct plat_http_request {
	enum plat_http_kind kind;
	const char *method; /* "GET" (NULL), "POST" or "HEAD" */
	const char *url;
	const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
	const char *body;           /* POST body, or NULL */
	size_t body_len;
	const char *user_agent; /* NULL: "Qanat/<version>" */
	/* Overrides of the kind's policy; 0 keeps the kind's value. */
	uint32_t connect_timeout_ms;
	uint32_t timeout_ms;       /* the overall deadline */
	uint32_t low_speed_ms;     /* the low-speed window (e.g. a list's stall timeout) */
	size_t max_body;           /* the cap on both received and decoded bytes */
	plat_http_on_data on_data; /* NULL: the body is collected in resp->body */
	void *on_data_user;
	struct plat_http_session *session; /* NULL: a private handle for this call */
	const atomic_bool *cancel;         /* legacy flag, seen within 100 ms, or NULL */
	struct plat_cancel *token;         /* fired from any thread: aborts at once; NULL: none */
	struct plat_cancel *token2;        /* a second token (e.g. the job's and the client's), or NULL */
	bool keep_post;                    /* a POST stays a POST with its body across 301/302/303 */
};

/* Where the time of a transfer went (curl's own timings, the last answer's connection): a network
 * check tells the viewer's side from the server's with them. Each figure is from the start of the
 * request; 0 when that phase did not happen (no TLS over http, a reused connection). */
struct plat_http_timings {
	uint32_t dns_ms;     /* the name resolved (CURLINFO_NAMELOOKUP_TIME_T) */
	uint32_t connect_ms; /* TCP connected (CONNECT_TIME_T) */
	uint32_t tls_ms;     /* TLS handshake done (APPCONNECT_TIME_T); 0 over http */
	uint32_t ttfb_ms;    /* the first byte of the answer (STARTTRANSFER_TIME_T) */
	uint32_t total_ms;
	uint64_t speed_bps; /* average download speed in bits a second (SPEED_DOWNLOAD_T * 8) */
};

struct plat_http_response {
	long status; /* HTTP status, 0 when none arrived */
	char *body;  /* NUL-terminated, owned: plat_http_response_free(); NULL with on_data */
	size_t body_len;
	char content_type[64];
	char content_encoding[32];
	int retry_after_s; /* Retry-After in seconds from now, -1 when absent */
	uint32_t ttfb_ms;  /* request to first byte */
	uint32_t total_ms;
	uint64_t received; /* body bytes as received (before decompression) */
	uint64_t decoded;  /* body bytes after decompression */
	char detail[128];  /* curl's own words for a failure, for logs (never shown, may be "") */
	char etag[128];    /* the answer's ETag (quotes kept, for If-None-Match), "" when none */
	struct plat_http_timings timings;
};

/* curl_global_init; main thread, before other threads start. Returns 0 or PLAT_HTTP_EIO. */
int plat_http_global_init(void);

/* The operator's CA bundle (PEM file), trusted in addition to the system store by every request and
 * by playback (plat_http_ca_file). NULL or "" clears it. Main thread, before other threads start.
 * Returns 0, or -ENOENT when the file cannot be read, -EINVAL when it holds no PEM certificate
 * (the setting is then not applied). */
int plat_http_set_ca_file(const char *path);
const char *plat_http_ca_file(void); /* the bundle set, or NULL */

/* The PEM bundle every request trusts while an operator CA is set: the system bundle (libcurl's
 * CAINFO, else /etc/ssl/certs/ca-certificates.crt) followed by the operator's file; NULL (and *len
 * 0) when none is set, so libcurl's own system store applies. Borrowed, valid until the next
 * plat_http_set_ca_file(). */
const char *plat_http_ca_bundle(size_t *len);

/* Performs the request. Returns 0 when an HTTP answer arrived (any status: check resp->status), or
 * one of the PLAT_HTTP_E* codes. resp is always initialised and must be freed with
 * plat_http_response_free(). Failures are logged with the URL redacted (plat_redact.h). */
int plat_http_perform(const struct plat_http_request *req, struct plat_http_response *resp);

/* Frees the body; safe on a zeroed or already freed response. */
void plat_http_response_free(struct plat_http_response *resp);

/* The viewer's sentence for a PLAT_HTTP_E* code (English msgid; screens translate it):
 * "The server's certificate is not trusted.", "The server did not answer in time." ... */
const char *plat_http_strerror(int err);

/* The viewer's sentence for an HTTP status that is an error (4xx/5xx), NULL for others. */
const char *plat_http_status_sentence(long status);

/* Applies one response header line as libcurl hands it (CRLF included, not NUL-terminated) to
 * resp: a status line ("HTTP/1.1 503 ...") starts a new answer (status set; content_type,
 * content_encoding, retry_after_s and etag cleared), and Content-Type, Content-Encoding, ETag and
 * Retry-After (against `now`) are taken. Pure: plat_http_perform's header callback and the fuzz target. */
void plat_http_header_line(struct plat_http_response *resp, const char *line, size_t len, time_t now);

/* Parses a Retry-After value (delta-seconds or an IMF-fixdate / RFC 850 / asctime HTTP-date) against
 * `now`. Returns the seconds to wait (0 for a date in the past), capped at 86400, or -1 when the
 * value is not valid. */
int plat_http_parse_retry_after(const char *value, size_t len, time_t now);

/* Percent-encodes src (RFC 3986 unreserved kept) into out. Returns the length or -ENOSPC. */
int plat_http_escape(const char *src, char *out, size_t cap);

#endif
