/* SPDX-License-Identifier: MIT */
/* One HTTP request over libcurl with the box's rules: a User-Agent always (XUI rejects an empty one),
 * connect and total timeouts, redirects followed (at most 5), TLS verified, a cap on the body, and
 * cancellation from another thread. The one place where CURLcode becomes an errno.
 * Thread-safe: each call uses its own handle. Call plat_http_global_init() once from main first. */
#ifndef PLAT_HTTP_H
#define PLAT_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plat_http_request {
	const char *method; /* "GET" (NULL) or "POST" */
	const char *url;
	const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
	const char *body;           /* POST body, or NULL */
	size_t body_len;
	uint32_t connect_timeout_ms; /* 0: 5000 */
	uint32_t timeout_ms;         /* 0: 15000 */
	size_t max_body;             /* 0: 1 MiB; a longer body fails with -EFBIG */
	const atomic_bool *cancel;   /* set to true from any thread to abort, or NULL */
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

/* Frees the body; safe on a zeroed or already freed response. */
void plat_http_response_free(struct plat_http_response *resp);

/* A short viewer-facing reason for a plat_http_perform() error ("the server did not answer in time"). */
const char *plat_http_strerror(int err);

/* Percent-encodes src (RFC 3986 unreserved kept) into out. Returns the length or -ENOSPC. */
int plat_http_escape(const char *src, char *out, size_t cap);

#endif
