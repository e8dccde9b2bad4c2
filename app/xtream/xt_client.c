/* SPDX-License-Identifier: MIT */
/* The player API over the box's HTTP layer (plat_http.h): one plat_http_session per client (keeps
 * the connections between requests), the login and details as PLAT_HTTP_API requests, the lists as
 * PLAT_HTTP_LIST, both cancel tokens on every transfer, failover across the panel URLs, bodies either
 * buffered (login, details: capped) or fed to the element scanner (lists: bounded memory), login
 * outcomes, the server's Retry-After and the back-off. Transport failures are plat_http's codes
 * (two remapped where they would read as a panel answer: transport_code). Every URL that reaches a
 * log goes through plat_redact_url. */
#include "xtream.h"

#include "plat_cancel.h"
#include "plat_clock.h"
#include "plat_http.h"
#include "plat_log.h"
#include "plat_redact.h"
#include "qanat_config.h"
#include "xt_decode.h"
#include "xt_jscan.h"
#include "xt_url.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MOD "xtream"
#define LOGIN_BODY_CAP (1u << 20)
#define DETAIL_BODY_CAP (16u << 20)
#define BACKOFF_MAX_MS (30 * 60 * 1000)
#define NET_BACKOFF_MAX_MS (5 * 60 * 1000)
#define LOGIN_RETRY_WAIT_MAX_S 10 /* a busy panel's Retry-After up to this is waited out once */

struct xt_client {
	char **urls; /* normalized bases */
	size_t url_count;
	size_t current; /* index of the base that answered last */
	char *username, *password, *user_agent;
	long connect_timeout_ms, request_timeout_ms, stall_timeout_ms, backoff_ms;
	size_t max_element;
	struct plat_http_session *http; /* NULL for xt_fetch_url's one-shot client */
	int retry_after_s;              /* the last answer's Retry-After, -1 none */
	/* xt_client_cancel() fires own from any thread (the only field other threads touch); token is
	 * the caller's (xt_client_set_cancel), borrowed, fired by its owner from any thread */
	struct plat_cancel *own;
	struct plat_cancel *token;
	/* login back-off (monotonic ms) */
	int64_t backoff_until;
	int64_t backoff_step;
	enum xt_login_outcome backoff_reason;
	struct xt_user_info backoff_user; /* the refused account, for the back-off message */
	int backoff_http;
	char last_error[320];
};

/* ---------------------------------------------------------------------------------------------- */
/* creation */

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

void xt_client_destroy(struct xt_client **cp)
{
	struct xt_client *c = cp ? *cp : NULL;
	if (!c)
		return;
	for (size_t i = 0; i < c->url_count; i++)
		free(c->urls[i]);
	free(c->urls);
	free(c->username);
	free(c->password);
	free(c->user_agent);
	plat_http_session_free(c->http);
	plat_cancel_free(&c->own);
	free(c);
	*cp = NULL;
}

int xt_client_create(const struct xt_config *cfg, struct xt_client **out)
{
	*out = NULL;
	if (!cfg || !cfg->urls || cfg->url_count == 0 || !cfg->username || !cfg->username[0] ||
	    !cfg->password)
		return -EINVAL;
	struct xt_client *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->urls = calloc(cfg->url_count, sizeof(*c->urls));
	int rc = c->urls ? 0 : -ENOMEM;
	for (size_t i = 0; rc == 0 && i < cfg->url_count; i++) {
		char base[256];
		rc = xt_url_base_normalize(cfg->urls[i], base, sizeof(base));
		if (rc >= 0) {
			c->urls[i] = strdup(base);
			rc = c->urls[i] ? 0 : -ENOMEM;
			c->url_count++;
		} else {
			rc = -EINVAL;
		}
	}
	if (rc == 0) {
		char ua[64];
		snprintf(ua, sizeof(ua), "Qanat/%s", QANAT_VERSION);
		c->username = dup_str(cfg->username);
		c->password = dup_str(cfg->password);
		c->user_agent = dup_str(cfg->user_agent && cfg->user_agent[0] ? cfg->user_agent : ua);
		c->http = plat_http_session_new();
		if (!c->username || !c->password || !c->user_agent || !c->http ||
		    plat_cancel_create(&c->own) < 0)
			rc = -ENOMEM;
	}
	if (rc < 0) {
		xt_client_destroy(&c);
		return rc;
	}
	/* 0 keeps the policy of the request's kind (plat_http_policy_for) */
	c->connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 0;
	c->request_timeout_ms = cfg->request_timeout_ms > 0 ? cfg->request_timeout_ms : 0;
	c->stall_timeout_ms = cfg->stall_timeout_ms > 0 ? cfg->stall_timeout_ms : 0;
	c->retry_after_s = -1;
	c->backoff_ms = cfg->backoff_ms > 0 ? cfg->backoff_ms : 30000;
	c->max_element = cfg->max_element_bytes ? cfg->max_element_bytes : 1u << 20;
	*out = c;
	return 0;
}

int xt_client_set_credentials(struct xt_client *c, const char *username, const char *password)
{
	if (!username || !username[0] || !password)
		return -EINVAL;
	char *u = strdup(username), *p = strdup(password);
	if (!u || !p) {
		free(u);
		free(p);
		return -ENOMEM;
	}
	free(c->username);
	free(c->password);
	c->username = u;
	c->password = p;
	c->backoff_until = 0;
	c->backoff_step = 0;
	return 0;
}

void xt_client_cancel(struct xt_client *c)
{
	plat_cancel_fire(c->own);
}

void xt_client_reset_cancel(struct xt_client *c)
{
	plat_cancel_reset(c->own);
}

struct plat_cancel *xt_client_set_cancel(struct xt_client *c, struct plat_cancel *token)
{
	struct plat_cancel *previous = c->token;
	c->token = token;
	return previous;
}

static bool cancelled(const struct xt_client *c)
{
	return plat_cancel_fired(c->own) || plat_cancel_fired(c->token);
}

const char *xt_client_base(const struct xt_client *c)
{
	return c->urls[c->current];
}

const char *xt_client_username(const struct xt_client *c)
{
	return c->username;
}

const char *xt_client_password(const struct xt_client *c)
{
	return c->password;
}

const char *xt_client_last_error(const struct xt_client *c)
{
	return c->last_error;
}

__attribute__((format(printf, 2, 3))) static void set_error(struct xt_client *c, const char *fmt, ...)
{
	char raw[sizeof(c->last_error)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	plat_redact_text(raw, c->last_error, sizeof(c->last_error));
}

/* ---------------------------------------------------------------------------------------------- */
/* transfers */

enum body_mode { BODY_BUFFER, BODY_SCAN, BODY_SINK };

struct transfer {
	enum body_mode mode;
	char *buf; /* BODY_BUFFER */
	size_t len, cap, limit;
	struct xt_jscan *scan; /* BODY_SCAN */
	xt_sink_cb sink;       /* BODY_SINK */
	void *sink_ud;
	int body_err; /* why the write callback stopped the transfer */
	uint64_t bytes;
	struct xt_client *c;
};

/* Lists and raw fetches: each decoded piece of the body, as it arrives. */
static bool on_data(void *ud, long status, const char *data, size_t n)
{
	struct transfer *t = ud;
	(void)status; /* checked once the answer is complete */
	t->bytes += n;
	int rc = t->mode == BODY_SCAN ? xt_jscan_feed(t->scan, data, n) : t->sink(t->sink_ud, data, n);
	if (rc < 0) {
		t->body_err = rc;
		return false; /* PLAT_HTTP_ESINK */
	}
	return true;
}

/* plat_http's codes are this client's transport errors, except the two whose numbers mean a panel's
 * answer here (xtream.h): an untrusted certificate and a failed TLS handshake get their own. */
static int transport_code(int err, const struct transfer *t)
{
	if (err == PLAT_HTTP_ESINK)
		return t->body_err ? t->body_err : -EIO;
	if (err == PLAT_HTTP_EUNTRUSTED)
		return XT_EUNTRUSTED;
	if (err == PLAT_HTTP_ETLS)
		return XT_ETLS;
	return err;
}

/* errors after which the next panel URL is worth a try: nothing arrived from this one */
static bool is_connection_error(int err)
{
	return err == PLAT_HTTP_ECONNECT || err == PLAT_HTTP_ERESOLVE || err == PLAT_HTTP_ECUT ||
	       err == PLAT_HTTP_ETIMEDOUT || err == PLAT_HTTP_ESTALLED || err == XT_EUNTRUSTED ||
	       err == XT_ETLS;
}

static int perform(struct xt_client *c, struct transfer *t, const char *url, enum plat_http_kind kind,
		   long *status)
{
	char safe[256];
	*status = 0;
	t->c = c;
	t->body_err = 0;
	t->bytes = 0;
	free(t->buf); /* an earlier URL's answer (failover) */
	t->buf = NULL;
	t->len = 0;
	c->retry_after_s = -1;
	if (cancelled(c))
		return -ECANCELED;
	struct plat_http_request req = {
		.kind = kind,
		.url = url,
		.user_agent = c->user_agent,
		.connect_timeout_ms = (uint32_t)c->connect_timeout_ms,
		.timeout_ms = kind == PLAT_HTTP_API ? (uint32_t)c->request_timeout_ms : 0,
		.low_speed_ms = kind == PLAT_HTTP_LIST ? (uint32_t)c->stall_timeout_ms : 0,
		.max_body = t->mode == BODY_BUFFER ? t->limit : 0,
		.session = c->http,
		.token = c->own,
		.token2 = c->token,
	};
	if (t->mode != BODY_BUFFER) {
		req.on_data = on_data;
		req.on_data_user = t;
	}
	struct plat_http_response resp;
	int err = transport_code(plat_http_perform(&req, &resp), t);
	*status = resp.status;
	c->retry_after_s = resp.retry_after_s;
	if (t->mode == BODY_BUFFER) {
		t->buf = resp.body; /* NULL after a failure */
		t->len = resp.body_len;
		t->bytes = resp.body_len;
		resp.body = NULL;
	}
	plat_http_response_free(&resp);
	plat_redact_url(url, safe, sizeof(safe));
	if (err < 0 && err != t->body_err)
		set_error(c, "%s: %s", safe, xt_strerror(err));
	plat_log_debug(MOD, "GET %s -> HTTP %ld, %llu bytes, %d", safe, *status, (unsigned long long)t->bytes,
		       err);
	return err;
}

/* One player_api request with failover: starting from the URL that answered last, the next one is
 * tried only when nothing at all came back from this one. */
static int api_request(struct xt_client *c, const char *action, const char *extra, struct transfer *t,
		       enum plat_http_kind kind, long *status)
{
	int err = PLAT_HTTP_ECONNECT, first = 0;
	for (size_t k = 0; k < c->url_count; k++) {
		size_t idx = (c->current + k) % c->url_count;
		struct xt_url_ctx ctx = { c->urls[idx], c->username, c->password };
		char url[2048];
		if (xt_url_player_api(&ctx, action, extra, url, sizeof(url)) < 0)
			return -ENAMETOOLONG;
		err = perform(c, t, url, kind, status);
		if (!(is_connection_error(err) && t->bytes == 0 && *status == 0)) {
			c->current = idx;
			return err;
		}
		/* the first failure that says more than "nothing answers" is the one to tell */
		if (first == 0 || (first == PLAT_HTTP_ECONNECT && err != PLAT_HTTP_ECONNECT))
			first = err;
		plat_log_warn(MOD, "panel %s: %s%s", c->urls[idx], xt_strerror(err),
			      k + 1 < c->url_count ? ", trying the next address" : "");
	}
	return first ? first : err;
}

static bool looks_like_json(const char *body, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char ch = body[i];
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		return ch == '{' || ch == '[';
	}
	return false;
}

static bool blank(const char *body, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r' && body[i] != '\n')
			return false;
	return true;
}

/* a short printable excerpt of a body for error lines */
static void excerpt(const char *body, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n + 1 < cap && n < 40; i++) {
		unsigned char ch = (unsigned char)body[i];
		out[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : ' ';
	}
	out[n] = '\0';
}

/* Buffered request -> JSON document. On success *root is owned by the caller (json_decref). */
static int api_json(struct xt_client *c, const char *action, const char *extra, size_t limit, json_t **root,
		    long *status)
{
	*root = NULL;
	struct transfer t = { .mode = BODY_BUFFER, .limit = limit };
	int err = api_request(c, action, extra, &t, PLAT_HTTP_API, status);
	const char *base = c->urls[c->current];
	if (err == 0 && (*status == 401 || *status == 403 || *status == 404)) {
		set_error(c, "HTTP %ld from %s: the panel refused the credentials", *status, base);
		err = -EACCES;
	} else if (err == 0 && (*status >= 500 || *status == 429)) {
		set_error(c, "HTTP %ld from %s", *status, base);
		err = -EREMOTEIO;
	} else if (err == 0 && (t.len == 0 || blank(t.buf, t.len))) {
		set_error(c, "empty answer from %s", base);
		err = -ENODATA;
	} else if (err == 0 && !looks_like_json(t.buf, t.len)) {
		char ex[48];
		excerpt(t.buf, t.len, ex, sizeof(ex));
		set_error(c, "HTTP %ld from %s is not JSON: \"%s\"", *status, base, ex);
		err = -EBADMSG;
	} else if (err == 0) {
		json_error_t jerr;
		*root = json_loadb(t.buf, t.len, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &jerr);
		if (!*root) {
			set_error(c, "broken JSON from %s: %s", base, jerr.text);
			err = -EPROTO;
		}
	} else if (err == -EFBIG) {
		set_error(c, "answer from %s larger than %zu bytes", base, limit);
	}
	if (err < 0 && err != -EACCES && err != -EREMOTEIO && err != -EBADMSG && t.len > 0 &&
	    (*status == 401 || *status == 403)) {
		err = -EACCES;
	}
	/* the caller may still want the body of a refusal (clones put JSON in 401/403) */
	if (err == -EACCES && t.len > 0 && looks_like_json(t.buf, t.len))
		*root = json_loadb(t.buf, t.len, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, NULL);
	else if ((err == -EBADMSG || err == -EACCES) && t.len > 0) /* plain-text refusals ("blocked") */
		*root = json_stringn_nocheck(t.buf, t.len < 512 ? t.len : 512);
	free(t.buf);
	return err;
}

/* ---------------------------------------------------------------------------------------------- */
/* login */

static int64_t now_ms(void)
{
	return (int64_t)plat_clock_mono_ms();
}

int64_t xt_client_backoff_remaining_ms(const struct xt_client *c)
{
	int64_t left = c->backoff_until - now_ms();
	return left > 0 ? left : 0;
}

static bool is_refusal(enum xt_login_outcome o)
{
	return o == XT_LOGIN_WRONG_CREDENTIALS || o == XT_LOGIN_EXPIRED || o == XT_LOGIN_BANNED ||
	       o == XT_LOGIN_DISABLED || o == XT_LOGIN_INACTIVE;
}

static void start_backoff(struct xt_client *c, enum xt_login_outcome o, struct xt_login *out)
{
	bool refusal = is_refusal(o);
	int64_t base = refusal ? c->backoff_ms : (c->backoff_ms / 6 > 0 ? c->backoff_ms / 6 : 1);
	int64_t cap = refusal ? BACKOFF_MAX_MS : NET_BACKOFF_MAX_MS;
	if (c->backoff_reason != o || c->backoff_step == 0)
		c->backoff_step = base;
	else
		c->backoff_step = c->backoff_step * 2 > cap ? cap : c->backoff_step * 2;
	c->backoff_reason = o;
	c->backoff_until = now_ms() + c->backoff_step;
	out->retry_after_ms = c->backoff_step;
}

static bool text_mentions(const char *text, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = text; *p; p++)
		if (strncasecmp(p, word, wl) == 0)
			return true;
	return false;
}

static enum xt_login_outcome outcome_of_account(const struct xt_user_info *u)
{
	switch (u->status) {
	case XT_ACCOUNT_EXPIRED:
		return XT_LOGIN_EXPIRED;
	case XT_ACCOUNT_BANNED:
		return XT_LOGIN_BANNED;
	case XT_ACCOUNT_DISABLED:
		return XT_LOGIN_DISABLED;
	case XT_ACCOUNT_OTHER:
		return u->auth ? XT_LOGIN_INACTIVE : XT_LOGIN_WRONG_CREDENTIALS;
	default:
		return u->auth ? XT_LOGIN_OK : XT_LOGIN_WRONG_CREDENTIALS;
	}
}

static enum xt_login_outcome classify(int err, long status, const json_t *root, struct xt_login *out)
{
	if (root && json_is_object(root) && xt_decode_login(root, &out->user, &out->server) == 0)
		return outcome_of_account(&out->user);
	switch (err) {
	case 0:
		/* JSON without user_info: {"error":"Unauthorized"} is a refusal, anything else is not a panel */
		return json_object_get(root, "error") ? XT_LOGIN_WRONG_CREDENTIALS : XT_LOGIN_NOT_A_PANEL;
	case -EACCES:
	case -EBADMSG: {
		const char *text = json_string_value(root);
		if (text && (text_mentions(text, "banned") || text_mentions(text, "blocked")))
			return XT_LOGIN_BANNED;
		while (text && (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n'))
			text++;
		out->web_page = text && *text == '<';
		return err == -EACCES ? XT_LOGIN_WRONG_CREDENTIALS : XT_LOGIN_NOT_A_PANEL;
	}
	case -ENODATA:
		/* XC2 answers an empty 200 when it does not accept the credentials at all */
		return XT_LOGIN_WRONG_CREDENTIALS;
	case -EPROTO:
	case -EFBIG:
		return XT_LOGIN_NOT_A_PANEL;
	case PLAT_HTTP_ETIMEDOUT:
	case PLAT_HTTP_ESTALLED:
		return XT_LOGIN_TIMED_OUT;
	case -EREMOTEIO:
		return XT_LOGIN_SERVER_ERROR;
	default:
		return XT_LOGIN_UNREACHABLE;
	}
}

/* A token's wake-up that fires the wait's own token (a child: plat_cancel.h's lock order). */
static void fire_child(void *ud)
{
	plat_cancel_fire(ud);
}

/* Sleeps ms unless either of the client's tokens fires. Returns 0 or -ECANCELED. */
static int wait_cancellable(struct xt_client *c, uint32_t ms)
{
	struct plat_cancel *wait = NULL;
	if (plat_cancel_create(&wait) < 0)
		return -ENOMEM;
	struct plat_cancel_watch w_own = { 0 }, w_token = { 0 };
	int rc = plat_cancel_watch(c->own, &w_own, fire_child, wait);
	if (rc == 0)
		rc = plat_cancel_watch(c->token, &w_token, fire_child, wait);
	if (rc == 0)
		rc = plat_cancel_sleep_ms(wait, ms);
	plat_cancel_unwatch(c->token, &w_token);
	plat_cancel_unwatch(c->own, &w_own);
	plat_cancel_free(&wait);
	return rc < 0 ? -ECANCELED : 0;
}

/* A busy panel (429/503) that says when to come back. */
static bool busy_with_retry_after(const struct xt_client *c, long status)
{
	return (status == 429 || status == 503) && c->retry_after_s >= 0;
}

static int outcome_errno(enum xt_login_outcome o)
{
	static const int map[] = {
		[XT_LOGIN_OK] = 0,
		[XT_LOGIN_WRONG_CREDENTIALS] = -EACCES,
		[XT_LOGIN_EXPIRED] = -EKEYEXPIRED,
		[XT_LOGIN_BANNED] = -EKEYREJECTED,
		[XT_LOGIN_DISABLED] = -EKEYREJECTED,
		[XT_LOGIN_INACTIVE] = -EKEYREJECTED,
		[XT_LOGIN_NOT_A_PANEL] = -EBADMSG,
		[XT_LOGIN_UNREACHABLE] = -ECONNREFUSED,
		[XT_LOGIN_TIMED_OUT] = -ETIMEDOUT,
		[XT_LOGIN_SERVER_ERROR] = -EREMOTEIO,
		[XT_LOGIN_BACKING_OFF] = -EAGAIN,
	};
	return map[o];
}

int xt_client_login(struct xt_client *c, struct xt_login *out)
{
	memset(out, 0, sizeof(*out));
	out->server_retry_after_s = -1;
	int64_t left = xt_client_backoff_remaining_ms(c);
	if (left > 0) {
		out->outcome = XT_LOGIN_BACKING_OFF;
		out->previous = c->backoff_reason;
		out->retry_after_ms = left;
		out->user = c->backoff_user;
		out->http_status = c->backoff_http;
		snprintf(c->last_error, sizeof(c->last_error), "not retrying the login for %lld s after: %s",
			 (long long)(left + 999) / 1000, xt_login_outcome_name(c->backoff_reason));
		return -EAGAIN;
	}
	long status = 0;
	json_t *root = NULL;
	int err = api_json(c, NULL, NULL, LOGIN_BODY_CAP, &root, &status);
	if (busy_with_retry_after(c, status) && c->retry_after_s <= LOGIN_RETRY_WAIT_MAX_S) {
		/* the panel asked for a short wait: wait it out (cancellable) and ask once more */
		plat_log_info(MOD, "login: HTTP %ld, retrying once after the panel's %d s", status,
			      c->retry_after_s);
		json_decref(root);
		root = NULL;
		if (wait_cancellable(c, (uint32_t)c->retry_after_s * 1000u) < 0)
			return -ECANCELED;
		err = api_json(c, NULL, NULL, LOGIN_BODY_CAP, &root, &status);
	}
	out->http_status = (int)status;
	out->server_retry_after_s = busy_with_retry_after(c, status) ? c->retry_after_s : -1;
	snprintf(out->base, sizeof(out->base), "%s", c->urls[c->current]);
	out->outcome = classify(err, status, root, out);
	json_decref(root);
	if (err == -ECANCELED)
		return err;
	if (out->outcome == XT_LOGIN_UNREACHABLE || out->outcome == XT_LOGIN_TIMED_OUT)
		out->net_error = err;
	if (out->outcome == XT_LOGIN_OK) {
		c->backoff_step = 0;
		c->backoff_until = 0;
		c->last_error[0] = '\0';
		return 0;
	}
	if (err == 0 || err == -EACCES || err == -ENODATA) {
		char msg[256];
		xt_login_message(out, msg, sizeof(msg));
		set_error(c, "%s: %s", c->urls[c->current], msg);
	}
	start_backoff(c, out->outcome, out);
	if (out->server_retry_after_s >= 0) {
		/* the panel said when: that, not our own doubling */
		c->backoff_step =
		    out->server_retry_after_s > 0 ? (int64_t)out->server_retry_after_s * 1000 : 1;
		c->backoff_until = now_ms() + c->backoff_step;
		out->retry_after_ms = c->backoff_step;
	}
	c->backoff_user = out->user;
	c->backoff_http = out->http_status;
	plat_log_info(MOD, "login refused: %s (HTTP %d); next attempt in %lld ms",
		      xt_login_outcome_name(out->outcome), out->http_status, (long long)out->retry_after_ms);
	return out->net_error ? out->net_error : outcome_errno(out->outcome);
}

/* ---------------------------------------------------------------------------------------------- */
/* lists */

struct list_ctx {
	struct xt_client *c;
	int (*emit)(struct list_ctx *l, const json_t *e);
	void *cb;
	void *ud;
	struct xt_list_stats st;
	bool account_object;
	struct xt_user_info account;
};

static int on_element(void *ud, const char *key, size_t key_len, const char *elem, size_t len)
{
	struct list_ctx *l = ud;
	json_t *e = json_loadb(elem, len, JSON_DECODE_ANY, NULL);
	if (!e) {
		l->st.skipped++;
		return 0;
	}
	int rc = 0;
	if (key && key_len == 9 && memcmp(key, "user_info", 9) == 0) {
		/* the account object instead of a list: the line is not active */
		json_t *wrap = json_pack("{s:O}", "user_info", e);
		struct xt_server_info si;
		if (wrap && xt_decode_login(wrap, &l->account, &si) == 0)
			l->account_object = true;
		json_decref(wrap);
	} else if (key && (key_len == 11 && memcmp(key, "server_info", 11) == 0)) {
		/* part of the account object */
	} else {
		rc = l->emit(l, e);
		if (rc > 0) {
			l->st.items++;
			rc = 0;
		} else if (rc == 0) {
			l->st.skipped++;
		}
	}
	json_decref(e);
	return rc;
}

static int list_request(struct xt_client *c, const char *action, int64_t category, struct list_ctx *l,
			struct xt_list_stats *stats)
{
	char extra[48] = "";
	if (category >= 0)
		snprintf(extra, sizeof(extra), "category_id=%lld", (long long)category);
	l->c = c;
	struct transfer t = { .mode = BODY_SCAN };
	int err = xt_jscan_create(c->max_element, on_element, l, &t.scan);
	if (err < 0)
		return err;
	long status = 0;
	err = api_request(c, action, extra, &t, PLAT_HTTP_LIST, &status);
	const char *base = c->urls[c->current];
	int fin = xt_jscan_finish(t.scan);
	if (err == 0 || err == -EPROTO || err == -EBADMSG) {
		if (status == 401 || status == 403 || status == 404) {
			set_error(c, "HTTP %ld from %s: the panel refused the credentials", status, base);
			err = -EACCES;
		} else if (status >= 500 || status == 429) {
			set_error(c, "HTTP %ld from %s", status, base);
			err = -EREMOTEIO;
		} else if (l->account_object) {
			set_error(c, "%s answered %s with the account object: the line is %s", base, action,
				  l->account.status_text[0] ? l->account.status_text : "not active");
			err = -EKEYREJECTED;
		} else if (err == 0 && fin < 0) {
			err = fin;
		}
		if (err == -EBADMSG) {
			char ex[48];
			const char *head = xt_jscan_head(t.scan);
			excerpt(head, strlen(head), ex, sizeof(ex));
			set_error(c, "HTTP %ld from %s is not JSON: \"%s\"", status, base, ex);
		} else if (err == -EPROTO) {
			set_error(c, "%s: the %s list is broken or cut short after %zu items", base, action,
				  l->st.items);
		} else if (err == -ENODATA) {
			set_error(c, "empty answer from %s to %s", base, action);
		} else if (err == -ENOMSG) {
			set_error(c, "%s", xt_jscan_refusal(t.scan)); /* the panel's own words */
		}
	} else if (err == -EFBIG) {
		set_error(c, "%s: one %s element is larger than %zu bytes", base, action, c->max_element);
	}
	l->st.bytes = t.bytes;
	if (stats)
		*stats = l->st;
	xt_jscan_destroy(&t.scan);
	if (err < 0)
		return err;
	return l->st.items > INT32_MAX ? INT32_MAX : (int)l->st.items;
}

static int emit_category(struct list_ctx *l, const json_t *e)
{
	struct xt_category v;
	if (xt_decode_category(e, &v) < 0)
		return 0;
	int rc = ((xt_category_cb)l->cb)(l->ud, &v);
	return rc < 0 ? rc : 1;
}

static int emit_live(struct list_ctx *l, const json_t *e)
{
	struct xt_live v;
	if (xt_decode_live(e, &v) < 0)
		return 0;
	int rc = ((xt_live_cb)l->cb)(l->ud, &v);
	return rc < 0 ? rc : 1;
}

static int emit_vod(struct list_ctx *l, const json_t *e)
{
	struct xt_vod v;
	if (xt_decode_vod(e, &v) < 0)
		return 0;
	int rc = ((xt_vod_cb)l->cb)(l->ud, &v);
	return rc < 0 ? rc : 1;
}

static int emit_series(struct list_ctx *l, const json_t *e)
{
	struct xt_series v;
	if (xt_decode_series(e, &v) < 0)
		return 0;
	int rc = ((xt_series_cb)l->cb)(l->ud, &v);
	return rc < 0 ? rc : 1;
}

int xt_client_categories(struct xt_client *c, enum xt_kind kind, xt_category_cb cb, void *ud,
			 struct xt_list_stats *stats)
{
	static const char *const actions[] = { "get_live_categories", "get_vod_categories",
					       "get_series_categories" };
	struct list_ctx l = { .emit = emit_category, .cb = (void *)cb, .ud = ud };
	return list_request(c, actions[kind], -1, &l, stats);
}

int xt_client_live_streams(struct xt_client *c, int64_t category, xt_live_cb cb, void *ud,
			   struct xt_list_stats *stats)
{
	struct list_ctx l = { .emit = emit_live, .cb = (void *)cb, .ud = ud };
	return list_request(c, "get_live_streams", category, &l, stats);
}

int xt_client_vod_streams(struct xt_client *c, int64_t category, xt_vod_cb cb, void *ud,
			  struct xt_list_stats *stats)
{
	struct list_ctx l = { .emit = emit_vod, .cb = (void *)cb, .ud = ud };
	return list_request(c, "get_vod_streams", category, &l, stats);
}

int xt_client_series(struct xt_client *c, int64_t category, xt_series_cb cb, void *ud,
		     struct xt_list_stats *stats)
{
	struct list_ctx l = { .emit = emit_series, .cb = (void *)cb, .ud = ud };
	return list_request(c, "get_series", category, &l, stats);
}

/* ---------------------------------------------------------------------------------------------- */
/* details */

/* a details answer that is the account object: the line is not active */
static int account_instead(struct xt_client *c, const json_t *root, const char *action)
{
	struct xt_user_info u;
	struct xt_server_info s;
	if (json_is_object(root) && json_object_get(root, "user_info") &&
	    xt_decode_login(root, &u, &s) == 0) {
		set_error(c, "%s answered %s with the account object: the line is %s", c->urls[c->current],
			  action, u.status_text[0] ? u.status_text : "not active");
		return -EKEYREJECTED;
	}
	return 0;
}

/* True when the login itself works now (auth 1, an active account). */
static bool login_works(struct xt_client *c)
{
	long status = 0;
	json_t *root = NULL;
	int err = api_json(c, NULL, NULL, LOGIN_BODY_CAP, &root, &status);
	struct xt_login l;
	memset(&l, 0, sizeof(l));
	bool ok = err == 0 && json_is_object(root) && xt_decode_login(root, &l.user, &l.server) == 0 &&
		  outcome_of_account(&l.user) == XT_LOGIN_OK;
	json_decref(root);
	return ok;
}

static int details(struct xt_client *c, const char *action, const char *extra, json_t **root)
{
	long status;
	int err = api_json(c, action, extra, DETAIL_BODY_CAP, root, &status);
	if (err == -EACCES && status == 404 && !cancelled(c)) {
		/* a 404 is the item gone, unless the credentials are refused: XUI answers bad credentials
		 * with the same 404 page on every action (XTREAM.md), so the login tells them apart */
		char why[sizeof(c->last_error)];
		snprintf(why, sizeof(why), "%s", c->last_error);
		if (login_works(c)) {
			set_error(c, "%s: %s answered HTTP 404: the item is no longer on the panel",
				  c->urls[c->current], action);
			err = -ENOENT;
		} else if (!cancelled(c)) {
			snprintf(c->last_error, sizeof(c->last_error), "%s", why);
		} else {
			err = -ECANCELED;
		}
	}
	if (err == 0)
		err = account_instead(c, *root, action);
	if (err < 0) {
		json_decref(*root);
		*root = NULL;
	}
	return err;
}

int xt_client_vod_info(struct xt_client *c, int64_t vod_id,
		       int (*cb)(void *ud, const struct xt_vod_info *info), void *ud)
{
	char extra[48];
	snprintf(extra, sizeof(extra), "vod_id=%lld", (long long)vod_id);
	json_t *root;
	int err = details(c, "get_vod_info", extra, &root);
	if (err < 0)
		return err;
	struct xt_vod_info info;
	err = xt_decode_vod_info(root, &info);
	if (err == 0 && info.stream_id == 0)
		info.stream_id = vod_id;
	if (err == 0 && cb)
		err = cb(ud, &info);
	if (err == -ENOENT)
		set_error(c, "movie %lld: not found on the panel", (long long)vod_id);
	json_decref(root);
	return err < 0 ? err : 0;
}

int xt_client_series_info(struct xt_client *c, int64_t series_id, const struct xt_series_visitor *v, void *ud)
{
	char extra[48];
	snprintf(extra, sizeof(extra), "series_id=%lld", (long long)series_id);
	json_t *root;
	int err = details(c, "get_series_info", extra, &root);
	if (err < 0)
		return err;
	err = xt_decode_series_info(root, v, ud);
	if (err == -ENOENT)
		set_error(c, "series %lld: not found on the panel", (long long)series_id);
	json_decref(root);
	return err;
}

static int epg_request(struct xt_client *c, const char *action, const char *extra, xt_epg_cb cb, void *ud)
{
	json_t *root;
	int err = details(c, action, extra, &root);
	if (err < 0)
		return err;
	err = xt_decode_epg(root, cb, ud);
	if (err == -EBADMSG)
		set_error(c, "%s: %s is not an EPG answer", c->urls[c->current], action);
	json_decref(root);
	return err;
}

int xt_client_short_epg(struct xt_client *c, int64_t stream_id, int limit, xt_epg_cb cb, void *ud)
{
	char extra[64];
	if (limit > 0)
		snprintf(extra, sizeof(extra), "stream_id=%lld&limit=%d", (long long)stream_id, limit);
	else
		snprintf(extra, sizeof(extra), "stream_id=%lld", (long long)stream_id);
	return epg_request(c, "get_short_epg", extra, cb, ud);
}

int xt_client_simple_data_table(struct xt_client *c, int64_t stream_id, xt_epg_cb cb, void *ud)
{
	char extra[48];
	snprintf(extra, sizeof(extra), "stream_id=%lld", (long long)stream_id);
	return epg_request(c, "get_simple_data_table", extra, cb, ud);
}

int xt_client_fetch(struct xt_client *c, const char *url, xt_sink_cb sink, void *ud)
{
	struct transfer t = { .mode = BODY_SINK, .sink = sink, .sink_ud = ud };
	long status = 0;
	int err = perform(c, &t, url, PLAT_HTTP_LIST, &status);
	char safe[256];
	plat_redact_url(url, safe, sizeof(safe));
	if (err == 0 && (status == 401 || status == 403 || status == 404)) {
		set_error(c, "HTTP %ld from %s", status, safe);
		return -EACCES;
	}
	if (err == 0 && status >= 400) {
		set_error(c, "HTTP %ld from %s", status, safe);
		return status >= 500 ? -EREMOTEIO : -EIO;
	}
	return err < 0 ? err : (int)status;
}

int xt_fetch_url_ex(const char *url, xt_sink_cb sink, void *ud, struct plat_cancel *cancel, char *err,
		    size_t errcap)
{
	/* a one-shot client: no session (a private handle), the list policy */
	struct xt_client tmp = { .user_agent = (char *)"Qanat/" QANAT_VERSION, .token = cancel };
	int rc = xt_client_fetch(&tmp, url, sink, ud);
	if (rc < 0 && err && errcap)
		snprintf(err, errcap, "%s", tmp.last_error[0] ? tmp.last_error : xt_strerror(rc));
	return rc;
}

int xt_fetch_url(const char *url, xt_sink_cb sink, void *ud, char *err, size_t errcap)
{
	return xt_fetch_url_ex(url, sink, ud, NULL, err, errcap);
}

/* ---------------------------------------------------------------------------------------------- */
/* words for people */

const char *xt_strerror(int err)
{
	switch (err) {
	case 0:
		return "no error";
	case -EBADMSG:
		return "the server does not answer like an IPTV panel";
	case -ENODATA:
		return "the panel sent an empty answer";
	case -EPROTO:
		return "the panel's answer was broken or cut short";
	case -EKEYREJECTED:
		return "the account is not active";
	case -EKEYEXPIRED:
		return "the subscription has expired";
	case -EACCES:
		return "the panel refused the username or password";
	case PLAT_HTTP_ECONNECT:
		return "the panel cannot be reached";
	case PLAT_HTTP_ERESOLVE:
		return "the panel's name could not be found";
	case PLAT_HTTP_ECUT:
		return "the panel closed the connection";
	case PLAT_HTTP_ETIMEDOUT:
		return "the panel did not answer in time";
	case PLAT_HTTP_ESTALLED:
		return "the panel is sending too slowly";
	case XT_EUNTRUSTED:
		return "the panel's certificate is not trusted";
	case XT_ETLS:
		return "a secure connection to the panel could not be made";
	case PLAT_HTTP_EREDIRECT_REFUSED:
		return "the panel redirected to another kind of address (such as from https to unencrypted "
		       "http), which this box does not follow";
	case PLAT_HTTP_EBOMB:
		return "the panel's answer unpacks to more data than this box accepts";
	case -ENOENT:
		return "this title is no longer available";
	case -EAGAIN:
		return "waiting before trying again";
	case -ECANCELED:
		return "cancelled";
	case -EFBIG:
		return "the panel sent more data than this box accepts";
	case -EREMOTEIO:
		return "the panel has a server error";
	case PLAT_HTTP_EREDIRECTS:
		return "the panel kept redirecting";
	case -ENOMEM:
		return "out of memory";
	case -EINVAL:
		return "invalid request";
	default:
		return "network or panel error";
	}
}

const char *xt_login_outcome_name(enum xt_login_outcome o)
{
	static const char *const names[] = {
		[XT_LOGIN_OK] = "ok",
		[XT_LOGIN_WRONG_CREDENTIALS] = "wrong_credentials",
		[XT_LOGIN_EXPIRED] = "expired",
		[XT_LOGIN_BANNED] = "banned",
		[XT_LOGIN_DISABLED] = "disabled",
		[XT_LOGIN_INACTIVE] = "inactive",
		[XT_LOGIN_NOT_A_PANEL] = "not_a_panel",
		[XT_LOGIN_UNREACHABLE] = "unreachable",
		[XT_LOGIN_TIMED_OUT] = "timed_out",
		[XT_LOGIN_SERVER_ERROR] = "server_error",
		[XT_LOGIN_BACKING_OFF] = "backing_off",
	};
	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "unknown";
}

const char *xt_account_status_name(enum xt_account_status s)
{
	static const char *const names[] = { "Unknown", "Active", "Expired", "Banned", "Disabled", "Other" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "Unknown";
}

static void format_date(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || !localtime_r(&tt, &tm) || strftime(out, cap, "%Y-%m-%d", &tm) == 0)
		snprintf(out, cap, "an unknown date");
}

static int base_message(const struct xt_login *l, enum xt_login_outcome o, char *out, size_t cap)
{
	char date[32];
	switch (o) {
	case XT_LOGIN_OK:
		if (l->user.exp_date > 0) {
			format_date(l->user.exp_date, date, sizeof(date));
			return snprintf(out, cap, "Signed in. Your subscription runs until %s.", date);
		}
		return snprintf(out, cap, "Signed in. Your subscription has no end date.");
	case XT_LOGIN_WRONG_CREDENTIALS:
		if (l->http_status == 404) /* XUI hides every refusal behind the same page */
			return snprintf(out, cap,
					"The service refused this login: wrong username or password, or the "
					"subscription has expired or been suspended.");
		return snprintf(out, cap, "Wrong username or password. Check them and try again.");
	case XT_LOGIN_EXPIRED:
		if (l->user.exp_date > 0) {
			format_date(l->user.exp_date, date, sizeof(date));
			return snprintf(
			    out, cap, "Your subscription expired on %s. Renew it with your provider.", date);
		}
		return snprintf(out, cap, "Your subscription has expired. Renew it with your provider.");
	case XT_LOGIN_BANNED:
		return snprintf(out, cap,
				"This account has been banned by the provider. Please contact them.");
	case XT_LOGIN_DISABLED:
		return snprintf(out, cap, "This account is disabled. Please contact your provider.");
	case XT_LOGIN_INACTIVE:
		return snprintf(out, cap, "This account is not active (%s). Please contact your provider.",
				l->user.status_text[0] ? l->user.status_text : "unknown state");
	case XT_LOGIN_NOT_A_PANEL:
		if (l->web_page)
			return snprintf(
			    out, cap,
			    "This server answered with a web page, not the IPTV service. Check the "
			    "server address, or try again later if the service is down.");
		return snprintf(
		    out, cap, "This server does not answer like an IPTV service. Check the server address.");
	case XT_LOGIN_UNREACHABLE:
		if (xt_login_net_specific(l->net_error))
			return snprintf(out, cap, "%s Check the server address or ask your provider.",
					plat_http_strerror(xt_login_net_http(l->net_error)));
		return snprintf(
		    out, cap,
		    "The server cannot be reached. Check the address and your internet connection.");
	case XT_LOGIN_TIMED_OUT:
		if (l->net_error == PLAT_HTTP_ESTALLED)
			return snprintf(out, cap,
					"The server is sending too slowly. Please try again later.");
		return snprintf(out, cap, "The server did not answer in time. Please try again later.");
	case XT_LOGIN_SERVER_ERROR:
		if (l->server_retry_after_s >= 0)
			return snprintf(out, cap, "The service is busy (HTTP %d). You can try again in %d s.",
					l->http_status, l->server_retry_after_s);
		return snprintf(out, cap, "The service has a problem (HTTP %d). Please try again later.",
				l->http_status);
	case XT_LOGIN_BACKING_OFF:
		return snprintf(out, cap, "Please wait before trying again.");
	}
	return snprintf(out, cap, "Sign-in failed.");
}

bool xt_login_net_specific(int net_error)
{
	return net_error != 0 && net_error != PLAT_HTTP_ECONNECT && net_error != PLAT_HTTP_ERESOLVE &&
	       net_error != PLAT_HTTP_ECUT && net_error != PLAT_HTTP_EIO && net_error != -ENOMEM;
}

int xt_login_net_http(int net_error)
{
	return net_error == XT_EUNTRUSTED ? PLAT_HTTP_EUNTRUSTED
	       : net_error == XT_ETLS     ? PLAT_HTTP_ETLS
					  : net_error;
}

int xt_login_message(const struct xt_login *l, char *out, size_t cap)
{
	if (cap == 0)
		return -ENOSPC;
	int n;
	if (l->outcome == XT_LOGIN_BACKING_OFF) {
		char prev[200];
		base_message(l, l->previous, prev, sizeof(prev));
		n = snprintf(out, cap, "%s You can try again in %lld s.", prev,
			     (long long)(l->retry_after_ms + 999) / 1000);
	} else {
		n = base_message(l, l->outcome, out, cap);
	}
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}
