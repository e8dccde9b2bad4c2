/* SPDX-License-Identifier: MIT */
/* libcurl behind plat_http: the box's one set of transfer rules (plat_http.h) applied to every easy
 * handle in one place (setup_easy), the transfer loop on a multi handle that a cancel token wakes,
 * the caps counted in the write and progress callbacks, and the one mapping from CURLcode to the
 * PLAT_HTTP_E* codes (map_result). Nothing else in the tree configures a curl handle. */
#include "plat_http.h"

#include "plat_cancel.h"
#include "plat_clock.h"
#include "plat_log.h"
#include "plat_redact.h"
#include "qanat_config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KIB 1024ull
#define MIB (1024ull * 1024ull)
#define GIB (1024ull * 1024ull * 1024ull)

static const struct plat_http_policy policies[PLAT_HTTP_KIND_COUNT] = {
	[PLAT_HTTP_API] = { 5000, 20000, 100, 15000, 8 * MIB, 32 * MIB },
	[PLAT_HTTP_LIST] = { 10000, 300000, 1024, 30000, 256 * MIB, 512 * MIB },
	[PLAT_HTTP_GUIDE] = { 15000, 1800000, 1024, 60000, 1 * GIB, 2 * GIB },
	[PLAT_HTTP_IMAGE] = { 5000, 15000, 1024, 10000, 8 * MIB, 8 * MIB },
	[PLAT_HTTP_BEACON] = { 5000, 10000, 100, 5000, 64 * KIB, 64 * KIB },
	[PLAT_HTTP_OPERATOR] = { 5000, 20000, 100, 15000, 1 * MIB, 4 * MIB },
	[PLAT_HTTP_PROBE] = { 5000, 15000, 1, 10000, 64 * MIB, 64 * MIB },
};

const struct plat_http_policy *plat_http_policy_for(enum plat_http_kind kind)
{
	return (unsigned)kind < PLAT_HTTP_KIND_COUNT ? &policies[kind] : NULL;
}

/* The trust store. Written only by plat_http_set_ca_file() on the main thread before other threads
 * start (plat_http.h), read-only afterwards: no lock. ca_bundle is the system bundle followed by the
 * operator's file, handed to every handle as CURLOPT_CAINFO_BLOB (OpenSSL takes one CAINFO file,
 * and a blob replaces it, so the system certificates must be in the same blob). */
static struct {
	char path[512];
	char *bundle;
	size_t bundle_len;
} trust;

#define SYSTEM_CA_FALLBACK "/etc/ssl/certs/ca-certificates.crt"
#define CA_FILE_MAX (16 * MIB)

int plat_http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : PLAT_HTTP_EIO;
}

/* Reads a whole file into a new NUL-terminated buffer (caller frees). */
static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -ENOENT;
	size_t cap = 64 * KIB, n = 0;
	char *buf = malloc(cap);
	int rc = buf ? 0 : -ENOMEM;
	while (rc == 0) {
		if (n + 1 >= cap) {
			char *grown = cap < CA_FILE_MAX ? realloc(buf, cap * 2) : NULL;
			if (!grown) {
				rc = cap < CA_FILE_MAX ? -ENOMEM : -EFBIG;
				break;
			}
			buf = grown;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - 1 - n, f);
		n += got;
		if (got == 0)
			rc = ferror(f) ? -EIO : 1;
	}
	fclose(f);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* The system bundle libcurl was built to use, else Debian's usual path. */
static void system_ca_path(char *out, size_t cap)
{
	snprintf(out, cap, "%s", SYSTEM_CA_FALLBACK);
	CURL *h = curl_easy_init();
	char *path = NULL;
	if (h && curl_easy_getinfo(h, CURLINFO_CAINFO, &path) == CURLE_OK && path && path[0])
		snprintf(out, cap, "%s", path);
	curl_easy_cleanup(h);
}

int plat_http_set_ca_file(const char *path)
{
	if (!path || !path[0]) {
		free(trust.bundle);
		memset(&trust, 0, sizeof(trust));
		return 0;
	}
	char *op = NULL, *sys = NULL;
	size_t op_len = 0, sys_len = 0;
	int rc = read_file(path, &op, &op_len);
	if (rc < 0)
		return rc == -ENOENT ? -ENOENT : rc;
	if (!strstr(op, "-----BEGIN CERTIFICATE-----")) {
		free(op);
		return -EINVAL;
	}
	char sys_path[512];
	system_ca_path(sys_path, sizeof(sys_path));
	if (read_file(sys_path, &sys, &sys_len) < 0)
		plat_log_warn("http", "no system CA bundle at %s: only the operator's CA is trusted",
			      sys_path);
	char *bundle = malloc(sys_len + 1 + op_len + 1);
	if (!bundle) {
		free(op);
		free(sys);
		return -ENOMEM;
	}
	size_t n = 0;
	if (sys_len) {
		memcpy(bundle, sys, sys_len);
		n = sys_len;
		bundle[n++] = '\n';
	}
	memcpy(bundle + n, op, op_len);
	n += op_len;
	bundle[n] = '\0';
	free(op);
	free(sys);
	free(trust.bundle);
	trust.bundle = bundle;
	trust.bundle_len = n;
	snprintf(trust.path, sizeof(trust.path), "%s", path);
	return 0;
}

const char *plat_http_ca_file(void)
{
	return trust.bundle ? trust.path : NULL;
}

const char *plat_http_ca_bundle(size_t *len)
{
	if (len)
		*len = trust.bundle_len;
	return trust.bundle;
}

/* ---- sessions ---- */

struct plat_http_session {
	CURLM *multi; /* owns the connection cache */
	CURL *easy;   /* reset before each request */
};

struct plat_http_session *plat_http_session_new(void)
{
	struct plat_http_session *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->multi = curl_multi_init();
	s->easy = curl_easy_init();
	if (!s->multi || !s->easy) {
		plat_http_session_free(s);
		return NULL;
	}
	return s;
}

void plat_http_session_free(struct plat_http_session *s)
{
	if (!s)
		return;
	if (s->easy)
		curl_easy_cleanup(s->easy);
	if (s->multi)
		curl_multi_cleanup(s->multi);
	free(s);
}

/* ---- the transfer loop ---- */

enum { MAX_TOKENS = 4, FLAG_POLL_MS = 100, IDLE_POLL_MS = 1000 };

/* A token's wake-up: runs on the firing thread with the token's lock held; curl_multi_wakeup() is
 * the one multi call libcurl allows from another thread. */
static void wake_multi(void *ud)
{
	curl_multi_wakeup(ud);
}

static bool any_fired(struct plat_cancel *const *tokens, size_t count, const atomic_bool *flag)
{
	for (size_t i = 0; i < count; i++)
		if (plat_cancel_fired(tokens[i]))
			return true;
	return flag && atomic_load(flag);
}

/* Drives the transfer until it ends or a token fires. Each poll returns at curl's own next timer
 * (timeouts, low-speed checks), on socket activity or on a wake-up, whichever comes first. */
static CURLcode run_multi(CURLM *m, CURL *easy, struct plat_cancel *const *tokens, size_t count,
			  const atomic_bool *flag, bool *cancelled)
{
	for (;;) {
		if (any_fired(tokens, count, flag)) {
			*cancelled = true;
			return CURLE_ABORTED_BY_CALLBACK;
		}
		int running = 0;
		CURLMcode mc = curl_multi_perform(m, &running);
		if (mc != CURLM_OK)
			return mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left)))
			if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy)
				return msg->data.result;
		if (running == 0)
			return CURLE_FAILED_INIT; /* not reached: a finished transfer leaves a DONE message */
		mc = curl_multi_poll(m, NULL, 0, flag ? FLAG_POLL_MS : IDLE_POLL_MS, NULL);
		if (mc != CURLM_OK)
			return mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_RECV_ERROR;
	}
}

static CURLcode perform_on(CURLM *multi, CURL *easy, struct plat_cancel *const *tokens, size_t count,
			   const atomic_bool *flag, bool *cancelled)
{
	CURLM *m = multi ? multi : curl_multi_init();
	if (!m)
		return CURLE_OUT_OF_MEMORY;
	CURLcode rc = CURLE_OK;
	if (curl_multi_add_handle(m, easy) != CURLM_OK)
		rc = CURLE_FAILED_INIT;
	struct plat_cancel_watch watches[MAX_TOKENS];
	bool fired = false;
	for (size_t i = 0; i < count; i++)
		fired |= plat_cancel_watch(tokens[i], &watches[i], wake_multi, m) < 0;
	if (rc == CURLE_OK && fired) {
		*cancelled = true;
		rc = CURLE_ABORTED_BY_CALLBACK;
	} else if (rc == CURLE_OK) {
		rc = run_multi(m, easy, tokens, count, flag, cancelled);
	}
	/* after unwatch no wake-up can touch m: it may be cleaned up */
	for (size_t i = 0; i < count; i++)
		plat_cancel_unwatch(tokens[i], &watches[i]);
	curl_multi_remove_handle(m, easy);
	if (!multi)
		curl_multi_cleanup(m);
	return rc;
}

/* ---- one request ---- */

struct transfer {
	CURL *easy;
	const struct plat_http_request *req;
	struct plat_http_response *resp;
	uint64_t max_body, max_decoded;
	size_t cap; /* of resp->body */
	bool too_big, bomb, sink_stopped, oom;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
	struct transfer *t = user;
	struct plat_http_response *r = t->resp;
	size_t n = size * nmemb;
	curl_off_t got = 0;
	curl_easy_getinfo(t->easy, CURLINFO_SIZE_DOWNLOAD_T, &got);
	if ((uint64_t)got > t->max_body) {
		t->too_big = true;
		return 0;
	}
	if (r->decoded + n > t->max_decoded) {
		/* an identity body over the cap is simply too big; a compressed one is a bomb */
		bool encoded = r->content_encoding[0] && strcasecmp(r->content_encoding, "identity") != 0;
		*(encoded ? &t->bomb : &t->too_big) = true;
		return 0;
	}
	r->decoded += n;
	if (t->req->on_data) {
		long status = 0;
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
		if (!t->req->on_data(t->req->on_data_user, status, data, n)) {
			t->sink_stopped = true;
			return 0;
		}
		return n;
	}
	if (r->body_len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 16384;
		while (cap < r->body_len + n + 1)
			cap *= 2;
		char *grown = realloc(r->body, cap);
		if (!grown) {
			t->oom = true;
			return 0;
		}
		r->body = grown;
		t->cap = cap;
	}
	memcpy(r->body + r->body_len, data, n);
	r->body_len += n;
	r->body[r->body_len] = '\0';
	return n;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *user)
{
	struct transfer *t = user;
	size_t n = size * nmemb;
	plat_http_header_line(t->resp, line, n, time(NULL));
	return n;
}

static int on_progress(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt;
	(void)ut;
	(void)un;
	struct transfer *t = user;
	if (dn > 0 && (uint64_t)dn > t->max_body) {
		t->too_big = true;
		return 1;
	}
	return 0;
}

/* "http" or "https" when url starts with one of them (any case), else NULL. */
static const char *url_scheme(const char *url)
{
	if (!url)
		return NULL;
	if (strncasecmp(url, "http://", 7) == 0)
		return "http";
	if (strncasecmp(url, "https://", 8) == 0)
		return "https";
	return NULL;
}

static long ms_to_s_up(uint32_t ms)
{
	return (long)((ms + 999) / 1000);
}

/* Every rule of plat_http.h on one easy handle. */
static void setup_easy(CURL *h, const struct plat_http_request *req, const struct plat_http_policy *p,
		       const char *scheme, struct transfer *t, struct curl_slist *headers, char *errbuf)
{
	uint32_t connect_ms = req->connect_timeout_ms ? req->connect_timeout_ms : p->connect_timeout_ms;
	uint32_t deadline_ms = req->timeout_ms ? req->timeout_ms : p->deadline_ms;
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, scheme);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (trust.bundle) {
		struct curl_blob blob = { .data = trust.bundle,
					  .len = trust.bundle_len,
					  .flags = CURL_BLOB_NOCOPY };
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	curl_easy_setopt(h, CURLOPT_USERAGENT, req->user_agent ? req->user_agent : "Qanat/" QANAT_VERSION);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)connect_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)deadline_ms);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, (long)p->low_speed_bps);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
			 ms_to_s_up(req->low_speed_ms ? req->low_speed_ms : p->low_speed_ms));
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->max_body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, t);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (headers)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	const char *method = req->method ? req->method : "GET";
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_len : 0));
		if (req->keep_post)
			curl_easy_setopt(h, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	}
}

/* The one mapping from a finished transfer to a PLAT_HTTP_E* code. */
static int map_result(CURLcode cc, const struct transfer *t, bool cancelled, bool connected,
		      uint64_t elapsed_ms, uint32_t deadline_ms)
{
	if (cancelled)
		return PLAT_HTTP_ECANCELED;
	switch (cc) {
	case CURLE_OK:
		return 0;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return PLAT_HTTP_ERESOLVE;
	case CURLE_COULDNT_CONNECT:
		return PLAT_HTTP_ECONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		/* the low-speed limit and the deadline share this code: a connected transfer that ended
		 * well before its deadline was cut by the low-speed limit */
		return connected && elapsed_ms + 500 < deadline_ms ? PLAT_HTTP_ESTALLED : PLAT_HTTP_ETIMEDOUT;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
		return PLAT_HTTP_ECUT;
	case CURLE_FILESIZE_EXCEEDED:
		return PLAT_HTTP_ETOOBIG;
	case CURLE_WRITE_ERROR:
	case CURLE_ABORTED_BY_CALLBACK:
		return t->too_big                ? PLAT_HTTP_ETOOBIG
		       : t->bomb                 ? PLAT_HTTP_EBOMB
		       : t->sink_stopped         ? PLAT_HTTP_ESINK
		       : t->oom                  ? PLAT_HTTP_ENOMEM
		       : cc == CURLE_WRITE_ERROR ? PLAT_HTTP_EIO
						 : PLAT_HTTP_ECANCELED;
	case CURLE_URL_MALFORMAT:
		return PLAT_HTTP_EBADURL;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* the first URL's scheme was checked before the transfer: this is a redirect's */
		return PLAT_HTTP_EREDIRECT_REFUSED;
	case CURLE_TOO_MANY_REDIRECTS:
		return PLAT_HTTP_EREDIRECTS;
	case CURLE_PEER_FAILED_VERIFICATION: /* also CURLE_SSL_CACERT, the same code (60) */
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return PLAT_HTTP_EUNTRUSTED;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_USE_SSL_FAILED:
		return PLAT_HTTP_ETLS;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP3:
	case CURLE_RANGE_ERROR:
		return PLAT_HTTP_EBADREPLY;
	case CURLE_OUT_OF_MEMORY:
		return PLAT_HTTP_ENOMEM;
	default:
		return PLAT_HTTP_EIO;
	}
}

static void fill_response(CURL *h, struct plat_http_response *resp, const char *errbuf)
{
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	char *ctype = NULL;
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype)
		snprintf(resp->content_type, sizeof(resp->content_type), "%s", ctype);
	curl_off_t ttfb = 0, total = 0, got = 0;
	curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total);
	curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &got);
	resp->ttfb_ms = (uint32_t)(ttfb / 1000);
	resp->total_ms = (uint32_t)(total / 1000);
	resp->received = got > 0 ? (uint64_t)got : 0;
	curl_off_t dns = 0, conn = 0, tls = 0, speed = 0;
	curl_easy_getinfo(h, CURLINFO_NAMELOOKUP_TIME_T, &dns);
	curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &conn);
	curl_easy_getinfo(h, CURLINFO_APPCONNECT_TIME_T, &tls);
	curl_easy_getinfo(h, CURLINFO_SPEED_DOWNLOAD_T, &speed);
	resp->timings = (struct plat_http_timings){ .dns_ms = (uint32_t)(dns / 1000),
						    .connect_ms = (uint32_t)(conn / 1000),
						    .tls_ms = (uint32_t)(tls / 1000),
						    .ttfb_ms = resp->ttfb_ms,
						    .total_ms = resp->total_ms,
						    .speed_bps = speed > 0 ? (uint64_t)speed * 8 : 0 };
	snprintf(resp->detail, sizeof(resp->detail), "%s", errbuf);
}

static void log_failure(const struct plat_http_request *req, const struct plat_http_response *resp, int rc)
{
	char safe[256];
	plat_redact_url(req->url, safe, sizeof(safe));
	char detail[sizeof(resp->detail) + 32];
	plat_redact_text(resp->detail, detail, sizeof(detail));
	plat_log_info("http", "%s %s: %s (%s; HTTP %ld, %llu bytes in)", req->method ? req->method : "GET",
		      safe, plat_http_strerror(rc), detail, resp->status, (unsigned long long)resp->received);
}

int plat_http_perform(const struct plat_http_request *req, struct plat_http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->retry_after_s = -1;
	const struct plat_http_policy *p = plat_http_policy_for(req->kind);
	const char *scheme = url_scheme(req->url);
	if (!p || !scheme) {
		if (req->url)
			log_failure(req, resp, PLAT_HTTP_EBADURL);
		return PLAT_HTTP_EBADURL;
	}
	struct plat_http_session *s = req->session;
	CURL *h = s ? s->easy : curl_easy_init();
	if (!h)
		return PLAT_HTTP_ENOMEM;
	if (s)
		curl_easy_reset(h); /* keeps the session's connections (the multi handle's cache) */
	struct transfer t = { .easy = h, .req = req, .resp = resp };
	t.max_body = req->max_body ? req->max_body : p->max_body;
	t.max_decoded = req->max_body ? req->max_body : p->max_decoded;
	struct curl_slist *headers = NULL;
	for (size_t i = 0; req->headers && req->headers[i]; i++) {
		struct curl_slist *grown = curl_slist_append(headers, req->headers[i]);
		if (!grown) {
			curl_slist_free_all(headers);
			if (!s)
				curl_easy_cleanup(h);
			return PLAT_HTTP_ENOMEM;
		}
		headers = grown;
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	setup_easy(h, req, p, scheme, &t, headers, errbuf);

	uint32_t deadline_ms = req->timeout_ms ? req->timeout_ms : p->deadline_ms;
	struct plat_cancel *tokens[2];
	size_t count = 0;
	if (req->token)
		tokens[count++] = req->token;
	if (req->token2)
		tokens[count++] = req->token2;
	bool cancelled = false;
	uint64_t t0 = plat_clock_mono_ms();
	CURLcode cc = perform_on(s ? s->multi : NULL, h, tokens, count, req->cancel, &cancelled);
	uint64_t elapsed = plat_clock_mono_ms() - t0;
	curl_off_t connect_us = 0;
	curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
	fill_response(h, resp, errbuf);
	int rc = map_result(cc, &t, cancelled, connect_us > 0, elapsed, deadline_ms);
	if (rc < 0 && rc != PLAT_HTTP_ECANCELED)
		log_failure(req, resp, rc);
	if (s)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL); /* the list is freed below */
	curl_slist_free_all(headers);
	if (!s)
		curl_easy_cleanup(h);
	if (rc < 0 && !req->on_data) {
		/* a failed transfer hands back no partial body */
		plat_http_response_free(resp);
	}
	return rc;
}

void plat_http_response_free(struct plat_http_response *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
}

/* ---- headers ---- */

static size_t trim(const char **s, size_t len)
{
	while (len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		len--;
	}
	while (len && ((*s)[len - 1] == ' ' || (*s)[len - 1] == '\t' || (*s)[len - 1] == '\r' ||
		       (*s)[len - 1] == '\n'))
		len--;
	return len;
}

static void copy_value(char *out, size_t cap, const char *v, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	for (size_t i = 0; i < len; i++)
		out[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?';
	out[len] = '\0';
}

/* True when line starts with "name:" (any case); *value is what follows the colon. */
static bool header_is(const char *line, size_t len, const char *name, const char **value, size_t *vlen)
{
	size_t n = strlen(name);
	if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
		return false;
	*value = line + n + 1;
	*vlen = trim(value, len - n - 1);
	return true;
}

void plat_http_header_line(struct plat_http_response *resp, const char *line, size_t len, time_t now)
{
	const char *v;
	size_t vlen;
	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* a new answer (after a redirect or a 100 Continue): its headers replace the last's */
		resp->content_type[0] = '\0';
		resp->content_encoding[0] = '\0';
		resp->etag[0] = '\0';
		resp->retry_after_s = -1;
		size_t i = 5;
		while (i < len && line[i] != ' ')
			i++;
		long status = 0;
		size_t digits = 0;
		for (i++; i < len && digits < 3 && line[i] >= '0' && line[i] <= '9'; i++, digits++)
			status = status * 10 + (line[i] - '0');
		resp->status = digits == 3 && status >= 100 ? status : 0; /* "024" is no status */
	} else if (header_is(line, len, "retry-after", &v, &vlen)) {
		resp->retry_after_s = plat_http_parse_retry_after(v, vlen, now);
	} else if (header_is(line, len, "content-type", &v, &vlen)) {
		copy_value(resp->content_type, sizeof(resp->content_type), v, vlen);
	} else if (header_is(line, len, "content-encoding", &v, &vlen)) {
		copy_value(resp->content_encoding, sizeof(resp->content_encoding), v, vlen);
	} else if (header_is(line, len, "etag", &v, &vlen)) {
		copy_value(resp->etag, sizeof(resp->etag), v, vlen);
	}
}

/* ---- Retry-After ---- */

enum { RETRY_AFTER_MAX = 86400 };

static const char *const month_names[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const day_short[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const day_long[7] = { "Monday", "Tuesday",  "Wednesday", "Thursday",
					 "Friday", "Saturday", "Sunday" };

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* A small cursor over the value: each take_* consumes exactly what it names or fails. */
struct cursor {
	const char *s;
	size_t len, at;
};

static bool take_lit(struct cursor *c, const char *lit)
{
	size_t n = strlen(lit);
	if (c->len - c->at < n || memcmp(c->s + c->at, lit, n) != 0)
		return false;
	c->at += n;
	return true;
}

static bool take_digits(struct cursor *c, size_t n, int *out)
{
	if (c->len - c->at < n)
		return false;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = c->s[c->at + i];
		if (ch < '0' || ch > '9')
			return false;
		v = v * 10 + (ch - '0');
	}
	c->at += n;
	*out = v;
	return true;
}

static bool take_name(struct cursor *c, const char *const *names, int count, int *out)
{
	for (int i = 0; i < count; i++) {
		if (take_lit(c, names[i])) {
			*out = i;
			return true;
		}
	}
	return false;
}

/* "HH:MM:SS" */
static bool take_time(struct cursor *c, int *h, int *m, int *s)
{
	return take_digits(c, 2, h) && take_lit(c, ":") && take_digits(c, 2, m) && take_lit(c, ":") &&
	       take_digits(c, 2, s) && *h < 24 && *m < 60 && *s <= 60;
}

/* The three HTTP-date forms of RFC 9110 section 5.6.7; returns false unless one matches exactly. */
static bool parse_http_date(const char *s, size_t len, int64_t *out)
{
	int y = 0, mon = 0, d = 0, h = 0, mi = 0, sec = 0, wd = 0;
	struct cursor c = { s, len, 0 };
	bool ok = false;
	if (take_name(&c, day_short, 7, &wd) && take_lit(&c, ", ")) {
		/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
		ok = take_digits(&c, 2, &d) && take_lit(&c, " ") && take_name(&c, month_names, 12, &mon) &&
		     take_lit(&c, " ") && take_digits(&c, 4, &y) && take_lit(&c, " ") &&
		     take_time(&c, &h, &mi, &sec) && take_lit(&c, " GMT");
	}
	if (!ok) {
		c.at = 0;
		if (take_name(&c, day_long, 7, &wd) && take_lit(&c, ", ")) {
			/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years: 70..99 are 19xx) */
			ok = take_digits(&c, 2, &d) && take_lit(&c, "-") &&
			     take_name(&c, month_names, 12, &mon) && take_lit(&c, "-") &&
			     take_digits(&c, 2, &y) && take_lit(&c, " ") && take_time(&c, &h, &mi, &sec) &&
			     take_lit(&c, " GMT");
			y += y < 70 ? 2000 : 1900;
		}
	}
	if (!ok) {
		c.at = 0;
		/* asctime: Sun Nov  6 08:49:37 1994 */
		if (take_name(&c, day_short, 7, &wd) && take_lit(&c, " ") &&
		    take_name(&c, month_names, 12, &mon) && take_lit(&c, " ")) {
			ok = take_lit(&c, " ") ? take_digits(&c, 1, &d) : take_digits(&c, 2, &d);
			ok = ok && take_lit(&c, " ") && take_time(&c, &h, &mi, &sec) && take_lit(&c, " ") &&
			     take_digits(&c, 4, &y);
		}
	}
	if (!ok || c.at != c.len || d < 1 || d > days_in_month(y, mon + 1))
		return false;
	*out = days_from_civil(y, mon + 1, d) * 86400 + h * 3600 + mi * 60 + sec;
	return true;
}

int plat_http_parse_retry_after(const char *value, size_t len, time_t now)
{
	if (!value)
		return -1;
	len = trim(&value, len);
	if (len == 0)
		return -1;
	bool digits = true;
	for (size_t i = 0; i < len && digits; i++)
		digits = value[i] >= '0' && value[i] <= '9';
	if (digits) {
		int64_t v = 0;
		for (size_t i = 0; i < len && v <= RETRY_AFTER_MAX; i++)
			v = v * 10 + (value[i] - '0');
		return v > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (int)v;
	}
	int64_t when;
	if (!parse_http_date(value, len, &when))
		return -1;
	int64_t wait = when - (int64_t)now;
	return wait <= 0 ? 0 : wait > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (int)wait;
}

/* ---- sentences ---- */

const char *plat_http_strerror(int err)
{
	switch (err) {
	case 0:
		return "No error.";
	case PLAT_HTTP_ERESOLVE:
		return "The server's name could not be found.";
	case PLAT_HTTP_ECONNECT:
		return "Nothing answers at the server's address.";
	case PLAT_HTTP_ETIMEDOUT:
		return "The server did not answer in time.";
	case PLAT_HTTP_ESTALLED:
		return "The server is sending too slowly.";
	case PLAT_HTTP_ECUT:
		return "The connection to the server was cut.";
	case PLAT_HTTP_ETOOBIG:
		return "The server sent more data than this box accepts.";
	case PLAT_HTTP_EBOMB:
		return "The server's answer unpacks to more data than this box accepts.";
	case PLAT_HTTP_EUNTRUSTED:
		return "The server's certificate is not trusted.";
	case PLAT_HTTP_ETLS:
		return "A secure connection to the server could not be made.";
	case PLAT_HTTP_EREDIRECTS:
		return "The server kept redirecting.";
	case PLAT_HTTP_EREDIRECT_REFUSED:
		return "The server redirected to another kind of address (such as from https to unencrypted "
		       "http), which this box does not follow.";
	case PLAT_HTTP_EBADURL:
		return "The server address is not valid.";
	case PLAT_HTTP_EBADREPLY:
		return "The server's answer is not valid.";
	case PLAT_HTTP_ECANCELED:
		return "Cancelled.";
	case PLAT_HTTP_ENOMEM:
		return "This box ran out of memory.";
	case PLAT_HTTP_ESINK:
		return "The download was stopped.";
	default:
		return "The network failed.";
	}
}

const char *plat_http_status_sentence(long status)
{
	if (status < 400 || status > 599)
		return NULL;
	switch (status) {
	case 400:
		return "The server did not understand the request.";
	case 401:
	case 403:
		return "The server refused access.";
	case 404:
	case 410:
		return "The server does not have what was asked for.";
	case 429:
	case 503:
		return "The server is busy; try again later.";
	default:
		return status < 500 ? "The server refused the request."
				    : "The server has a problem; try again later.";
	}
}

int plat_http_escape(const char *src, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
		bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			     (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~';
		size_t need = plain ? 1 : 3;
		if (n + need + 1 > cap) {
			if (cap)
				out[n] = '\0';
			return -ENOSPC;
		}
		if (plain) {
			out[n++] = (char)*p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	if (cap)
		out[n] = '\0';
	return (int)n;
}
