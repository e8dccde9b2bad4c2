/* SPDX-License-Identifier: MIT */
/* libcurl behind plat_http: one easy handle per request, a body buffer with a hard cap, and the
 * transfer loop on a multi handle that a cancel token wakes (plat_http_curl_perform). */
#include "plat_http.h"

#include "plat_cancel.h"
#include "plat_log.h"
#include "qanat_config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct transfer {
	struct plat_http_response *resp;
	size_t cap;
	size_t max_body;
	bool too_big;
	const atomic_bool *cancel;
};

int plat_http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -EIO;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
	struct transfer *t = user;
	size_t n = size * nmemb;
	struct plat_http_response *r = t->resp;
	if (r->body_len + n > t->max_body) {
		t->too_big = true;
		return 0;
	}
	if (r->body_len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < r->body_len + n + 1)
			cap *= 2;
		char *grown = realloc(r->body, cap);
		if (!grown)
			return 0;
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
	static const char key[] = "retry-after:";
	if (n > sizeof(key) && strncasecmp(line, key, sizeof(key) - 1) == 0) {
		char *end = NULL;
		long s = strtol(line + sizeof(key) - 1, &end, 10);
		/* an HTTP-date form is taken as "a while": 60 s */
		t->resp->retry_after_s = (end != line + sizeof(key) - 1 && s >= 0 && s < 86400) ? (int)s : 60;
	}
	return n;
}

static int on_progress(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct transfer *t = user;
	return t->cancel && atomic_load(t->cancel) ? 1 : 0;
}

static int curl_errno(CURLcode cc, bool too_big)
{
	switch (cc) {
	case CURLE_OK:
		return 0;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return -EHOSTUNREACH;
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
		return -ECONNRESET;
	case CURLE_WRITE_ERROR:
		return too_big ? -EFBIG : -ENOMEM;
	case CURLE_ABORTED_BY_CALLBACK:
		return -ECANCELED;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return -EINVAL;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_WEIRD_SERVER_REPLY:
		return -EPROTO;
	default:
		return -EIO;
	}
}

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
			  const atomic_bool *flag)
{
	for (;;) {
		if (any_fired(tokens, count, flag))
			return CURLE_ABORTED_BY_CALLBACK;
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

int plat_http_curl_perform(void *multi, void *easy, struct plat_cancel *const *tokens, size_t count,
			   const atomic_bool *flag)
{
	if (count > MAX_TOKENS || !easy)
		return CURLE_BAD_FUNCTION_ARGUMENT;
	CURLM *m = multi ? multi : curl_multi_init();
	if (!m)
		return CURLE_OUT_OF_MEMORY;
	CURLcode rc = CURLE_OK;
	if (curl_multi_add_handle(m, easy) != CURLM_OK)
		rc = CURLE_FAILED_INIT;
	struct plat_cancel_watch watches[MAX_TOKENS];
	bool cancelled = false;
	for (size_t i = 0; i < count; i++)
		cancelled |= plat_cancel_watch(tokens[i], &watches[i], wake_multi, m) < 0;
	if (rc == CURLE_OK)
		rc = cancelled ? CURLE_ABORTED_BY_CALLBACK : run_multi(m, easy, tokens, count, flag);
	/* after unwatch no wake-up can touch m: it may be cleaned up */
	for (size_t i = 0; i < count; i++)
		plat_cancel_unwatch(tokens[i], &watches[i]);
	curl_multi_remove_handle(m, easy);
	if (!multi)
		curl_multi_cleanup(m);
	return (int)rc;
}

int plat_http_perform(const struct plat_http_request *req, struct plat_http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->retry_after_s = -1;
	CURL *h = curl_easy_init();
	if (!h)
		return -ENOMEM;
	struct transfer t = { .resp = resp,
			      .max_body = req->max_body ? req->max_body : 1u << 20,
			      .cancel = req->cancel };
	struct curl_slist *headers = NULL;
	for (size_t i = 0; req->headers && req->headers[i]; i++)
		headers = curl_slist_append(headers, req->headers[i]);

	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "Qanat/" QANAT_VERSION);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(req->connect_timeout_ms ? req->connect_timeout_ms : 5000));
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(req->timeout_ms ? req->timeout_ms : 15000));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (req->method && strcmp(req->method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)req->body_len);
	}

	struct plat_cancel *tokens[] = { req->token };
	CURLcode cc = (CURLcode)plat_http_curl_perform(NULL, h, tokens, 1, req->cancel);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	char *ctype = NULL;
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype)
		snprintf(resp->content_type, sizeof(resp->content_type), "%s", ctype);
	curl_off_t ttfb = 0, total = 0;
	curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total);
	resp->ttfb_ms = (uint32_t)(ttfb / 1000);
	resp->total_ms = (uint32_t)(total / 1000);
	int rc = curl_errno(cc, t.too_big);
	if (rc < 0)
		plat_log_info("http", "%s %s: %s", req->method ? req->method : "GET", req->url,
			      curl_easy_strerror(cc));
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return rc;
}

void plat_http_response_free(struct plat_http_response *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
}

const char *plat_http_strerror(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case -EHOSTUNREACH:
		return "the server's name could not be found";
	case -ECONNREFUSED:
		return "the server refused the connection";
	case -ETIMEDOUT:
		return "the server did not answer in time";
	case -ECONNRESET:
		return "the connection was cut";
	case -EFBIG:
		return "the server's answer was too large";
	case -ECANCELED:
		return "cancelled";
	case -EPROTO:
		return "a secure connection could not be made";
	case -EINVAL:
		return "the address is not valid";
	default:
		return "the network failed";
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
