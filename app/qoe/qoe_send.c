/* SPDX-License-Identifier: MIT */
/* The uploader: one POST of one batch to one target (PLAT_HTTP_BEACON on the worker's session), and what
 * the answer means for the rows (QOE.md "Delivery rules"): 2xx delete, 429 wait Retry-After or back
 * off, 5xx and network errors back off with full jitter, 410 stop the target, other 4xx drop. */
#include "qoe_internal.h"

#include "plat_clock.h"
#include "plat_log.h"
#include "plat_redact.h"
#include "qanat_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BATCH 256

/* Discards the response body: beacons need only the status. */
static bool discard(void *user, long status, const char *data, size_t len)
{
	(void)user;
	(void)status;
	(void)data;
	(void)len;
	return true;
}

/* The body of rows[0..*n) in the target's format, at most max_body bytes (the first record always
 * goes, however long, so one oversized record cannot block the queue). *n shrinks to what fits.
 * Caller owns the result (free). */
static char *build_body(struct qoe *q, const struct qoe_target_config *t, struct qoe_row *rows, int *n,
			size_t *len)
{
	size_t cap = q->cfg.max_body + 1;
	if (t->format == QOE_FORMAT_JSON) {
		json_t *events = json_array();
		size_t used = 0;
		int i = 0;
		for (; i < *n; i++) {
			json_t *ev = qoe_record_to_json(rows[i].rec);
			if (!ev)
				ev = json_object(); /* invalid stored record: sent empty so the row goes */
			size_t sz = json_dumpb(ev, NULL, 0, JSON_COMPACT) + 1;
			if (i > 0 && used + sz > q->cfg.max_body) {
				json_decref(ev);
				break;
			}
			used += sz;
			json_array_append_new(events, ev);
		}
		*n = i;
		json_t *device = json_object();
		if (q->cfg.device_model[0])
			json_object_set_new(device, "model", json_string(q->cfg.device_model));
		if (q->cfg.device_id[0])
			json_object_set_new(device, "id", json_string(q->cfg.device_id));
		json_object_set_new(device, "app", json_string("qanat"));
		json_object_set_new(device, "version",
				    json_string(q->cfg.app_version[0] ? q->cfg.app_version : QANAT_VERSION));
		int64_t now = qoe_wall_now(q);
		json_t *env = qoe_envelope_new(events, device, now >= 0 ? now : 0);
		json_decref(device);
		char *body = env ? json_dumps(env, JSON_COMPACT) : NULL;
		json_decref(env);
		*len = body ? strlen(body) : 0;
		return body;
	}
	char *body = malloc(cap);
	char line[8192];
	size_t used = 0;
	int i = 0;
	for (; body && i < *n; i++) {
		int l = qoe_record_to_cmcd(rows[i].rec, line, sizeof(line));
		if (l < 0) {
			plat_log_warn("qoe", "a queued record cannot be written as CMCD (%s): dropped",
				      strerror(-l));
			l = 0;
		}
		size_t need = (size_t)l + (used > 0 ? 1 : 0);
		if (i > 0 && used + need > q->cfg.max_body)
			break;
		if (l == 0)
			continue;
		if (used + need >= cap) {
			char *bigger = realloc(body, used + need + 1);
			if (!bigger)
				break;
			body = bigger;
			cap = used + need + 1;
		}
		if (used > 0)
			body[used++] = '\n'; /* separators only: no LF after the last record */
		memcpy(body + used, line, (size_t)l);
		used += (size_t)l;
	}
	*n = i;
	if (body)
		body[used] = '\0';
	*len = used;
	return body;
}

static uint64_t backoff_ms(struct qoe *q, struct qoe_target_state *ts)
{
	uint64_t ceiling = q->cfg.backoff_base_ms;
	for (uint32_t i = 0; i < ts->attempt && ceiling < q->cfg.backoff_cap_ms; i++)
		ceiling *= 2;
	if (ceiling > q->cfg.backoff_cap_ms)
		ceiling = q->cfg.backoff_cap_ms;
	ts->attempt++;
	pthread_mutex_lock(&q->lock);
	uint64_t r = qoe_random(q);
	pthread_mutex_unlock(&q->lock);
	return r % (ceiling + 1); /* full jitter */
}

static void count(struct qoe *q, uint64_t *field, uint64_t n, int status)
{
	pthread_mutex_lock(&q->lock);
	*field += n;
	q->stats.last_status = status;
	pthread_mutex_unlock(&q->lock);
}

static int post(struct qoe *q, const struct qoe_target_config *t, const char *body, size_t len,
		uint64_t flush_deadline_ms, long *status, long *retry_after_s)
{
	char auth[600] = "";
	const char *headers[4] = { t->format == QOE_FORMAT_JSON ? "Content-Type: application/json"
								: "Content-Type: application/cmcd",
				   "Expect:", NULL, NULL };
	if (t->auth[0]) {
		snprintf(auth, sizeof(auth), "Authorization: %s", t->auth);
		headers[2] = auth;
	}
	uint64_t timeout = q->cfg.timeout_ms;
	if (flush_deadline_ms) {
		uint64_t now = plat_clock_mono_ms();
		uint64_t left = flush_deadline_ms > now ? flush_deadline_ms - now : 1;
		if (!timeout || left < timeout)
			timeout = left;
	}
	struct plat_http_request req = {
		.kind = PLAT_HTTP_BEACON,
		.method = "POST",
		.url = t->url,
		.headers = headers,
		.body = body,
		.body_len = len,
		.keep_post = true, /* a moved sink still gets the batch, not an empty GET */
		.connect_timeout_ms = q->cfg.connect_timeout_ms,
		.timeout_ms = (uint32_t)timeout,
		.on_data = discard,
		.session = q->http,
	};
	struct plat_http_response resp;
	int rc = plat_http_perform(&req, &resp);
	*status = resp.status;
	*retry_after_s = resp.retry_after_s > 0 ? resp.retry_after_s : -1;
	plat_http_response_free(&resp);
	if (rc < 0)
		*status = 0;
	return rc;
}

int qoe_send_batch(struct qoe *q, int target, uint64_t flush_deadline_ms)
{
	const struct qoe_target_config *t = &q->cfg.targets[target];
	struct qoe_target_state *ts = &q->ts[target];
	struct qoe_row rows[MAX_BATCH];
	int max = t->batch > MAX_BATCH ? MAX_BATCH : (int)t->batch;
	int n = qoe_db_select(q->db, t->url, q->boot_id, qoe_wall_now(q), plat_clock_mono_ms(), rows, max);
	if (n <= 0) {
		ts->unsent = 0;
		ts->urgent = false;
		return n;
	}
	int sendable = n;
	size_t len = 0;
	char *body = build_body(q, t, rows, &sendable, &len);
	char where[160];
	plat_redact_url(t->url, where, sizeof(where));
	long status = 0, retry_after = -1;
	int rc = body ? post(q, t, body, len, flush_deadline_ms, &status, &retry_after) : -ENOMEM;
	free(body);
	uint64_t now = plat_clock_mono_ms();
	if (rc == 0 && status >= 200 && status < 300) {
		rc = qoe_db_delete(q, rows, sendable);
		if (rc == 0) {
			ts->unsent = ts->unsent > (uint64_t)sendable ? ts->unsent - (uint64_t)sendable : 0;
			ts->attempt = 0;
			ts->urgent = ts->unsent > 0 && ts->urgent;
			if (ts->unsent == 0)
				ts->oldest_mono_ms = 0;
			count(q, &q->stats.sent, (uint64_t)sendable, (int)status);
		}
	} else if (rc == 0 && status == 410) {
		plat_log_warn("qoe",
			      "%s answered 410 Gone: no more beacons to it until the configuration "
			      "changes",
			      where);
		ts->gone = true;
		ts->unsent = 0;
		qoe_db_set_gone(q, target);
		pthread_mutex_lock(&q->lock);
		q->stats.gone_targets |= 1u << target;
		q->stats.last_status = 410;
		pthread_mutex_unlock(&q->lock);
	} else if (rc == 0 && status >= 400 && status < 500 && status != 429 && status != 408) {
		plat_log_warn("qoe", "%s refused a batch of %d records with HTTP %ld: dropped", where,
			      sendable, status);
		if (qoe_db_delete(q, rows, sendable) == 0)
			ts->unsent = ts->unsent > (uint64_t)sendable ? ts->unsent - (uint64_t)sendable : 0;
		count(q, &q->stats.dropped_4xx, (uint64_t)sendable, (int)status);
	} else {
		uint64_t wait =
		    status == 429 && retry_after >= 0 ? (uint64_t)retry_after * 1000u : backoff_ms(q, ts);
		ts->backoff_until_ms = now + wait;
		ts->urgent = true; /* retry as soon as the wait is over */
		if (rc < 0)
			plat_log_info("qoe", "%s unreachable (%s): retry in %llu ms", where,
				      plat_http_strerror(rc), (unsigned long long)wait);
		else
			plat_log_info("qoe", "%s answered HTTP %ld: retry in %llu ms", where, status,
				      (unsigned long long)wait);
		count(q, &q->stats.sent, 0, rc < 0 ? rc : (int)status);
		rc = -EAGAIN;
	}
	qoe_rows_free(rows, n);
	return rc;
}
