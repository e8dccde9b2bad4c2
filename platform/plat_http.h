/* SPDX-License-Identifier: MIT */
/* One HTTP request over libcurl with the box's rules: a User-Agent always (XUI rejects an empty one),
 * connect and total timeouts, redirects followed (at most 5), TLS verified, a cap on the body, and
 * cancellation from another thread. The one place where CURLcode becomes an errno.
 * Every transfer runs on a curl multi handle and waits in curl_multi_poll(), so a cancel token
 * (plat_cancel.h) fired from another thread wakes it with curl_multi_wakeup() and it returns
 * -ECANCELED at once, even when the server sends nothing or a few bytes a second.
 * Thread-safe: each call uses its own handle. Call plat_http_global_init() once from main first. */
#ifndef PLAT_HTTP_H
#define PLAT_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plat_cancel;

struct plat_http_request {
	const char *method; /* "GET" (NULL) or "POST" */
	const char *url;
	const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
	const char *body;           /* POST body, or NULL */
	size_t body_len;
	uint32_t connect_timeout_ms; /* 0: 5000 */
	uint32_t timeout_ms;         /* 0: 15000 */
	size_t max_body;             /* 0: 1 MiB; a longer body fails with -EFBIG */
	const atomic_bool *cancel;   /* set to true from any thread to abort (seen within 100 ms), or NULL */
	struct plat_cancel *token;   /* fired from any thread: aborts at once; NULL: none */
};

struct plat_http_response {
	long status; /* HTTP status, 0 when none arrived */
	char *body;  /* NUL-terminated, owned: plat_http_response_free() */
	size_t body_len;
	char content_type[64];
	int retry_after_s; /* Retry-After in seconds, -1 when absent */
	uint32_t ttfb_ms;  /* request to first byte */
	uint32_t total_ms;
};

/* curl_global_init; main thread, before other threads start. Returns 0 or -EIO. */
int plat_http_global_init(void);

/* Performs the request. Returns 0 when an HTTP answer arrived (any status: check resp->status), or
 * -EHOSTUNREACH (name not resolved), -ECONNREFUSED, -ETIMEDOUT, -ECONNRESET (cut mid-answer),
 * -EFBIG (body over max_body), -ECANCELED, -EPROTO (TLS or protocol failure), -EINVAL (bad URL),
 * -ENOMEM, -EIO. resp is always initialised and must be freed with plat_http_response_free(). */
int plat_http_perform(const struct plat_http_request *req, struct plat_http_response *resp);

/* The transfer loop every libcurl user of the services shares: performs the easy handle `easy`
 * (a CURL * the caller configured) to its end like curl_easy_perform(), but on the multi handle
 * `multi` (a CURLM * the caller owns, which keeps its connections alive between calls; NULL: a
 * private one for this call), waiting in curl_multi_poll(). Any of the count tokens (NULL entries
 * allowed) fired from another thread wakes the wait and ends the transfer at once; `flag`, when not
 * NULL, is a legacy cancel flag checked at least every 100 ms. The easy handle is detached from the
 * multi handle again before the call returns. Returns the transfer's CURLcode as an int (the caller
 * converts it, in its one place), CURLE_ABORTED_BY_CALLBACK when cancelled. */
int plat_http_curl_perform(void *multi, void *easy, struct plat_cancel *const *tokens, size_t count,
			   const atomic_bool *flag);

/* Frees the body; safe on a zeroed or already freed response. */
void plat_http_response_free(struct plat_http_response *resp);

/* A short viewer-facing reason for a plat_http_perform() error ("the server did not answer in time"). */
const char *plat_http_strerror(int err);

/* Percent-encodes src (RFC 3986 unreserved kept) into out. Returns the length or -ENOSPC. */
int plat_http_escape(const char *src, char *out, size_t cap);

#endif
