/* SPDX-License-Identifier: MIT */
/* Account state, reminders, messages (store-backed) and the operator API calls. */
#include "account.h"

#include "plat_http.h"
#include "plat_id.h"
#include "plat_log.h"
#include "plat_redact.h"

#include <errno.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct account {
	struct store *store; /* borrowed */
	struct account_config cfg;
	char auth_header[400]; /* "Authorization: Basic ..." */
};

static const char *const migrations[] = {
	"CREATE TABLE account_reminder(exp_date INTEGER NOT NULL, day INTEGER NOT NULL,"
	" PRIMARY KEY (exp_date, day));"
	"CREATE TABLE account_motd(text TEXT PRIMARY KEY);"
	"CREATE TABLE account_message(id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,"
	" severity INTEGER NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
	" dismissed INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE account_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE account_idempotency(request TEXT PRIMARY KEY, key TEXT NOT NULL);",
};

static void base64(const char *in, char *out, size_t cap)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(in), o = 0;
	for (size_t i = 0; i < len && o + 5 < cap; i += 3) {
		unsigned v = (unsigned char)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned char)in[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)in[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < len ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? tab[v & 63] : '=';
	}
	out[o] = '\0';
}

int account_create(struct store *s, const struct account_config *cfg, struct account **out)
{
	*out = NULL;
	int rc = store_migrate(s, "account", migrations, (int)(sizeof(migrations) / sizeof(migrations[0])));
	if (rc < 0)
		return rc;
	struct account *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->store = s;
	a->cfg = *cfg;
	char userpass[260], encoded[360];
	snprintf(userpass, sizeof(userpass), "%s:%s", cfg->username, cfg->password);
	base64(userpass, encoded, sizeof(encoded));
	snprintf(a->auth_header, sizeof(a->auth_header), "Authorization: Basic %s", encoded);
	*out = a;
	return 0;
}

void account_destroy(struct account **ap)
{
	if (!ap || !*ap)
		return;
	free(*ap);
	*ap = NULL;
}

enum account_status account_status_from_text(const char *text)
{
	static const struct {
		const char *name;
		enum account_status status;
	} map[] = { { "Active", ACCOUNT_ACTIVE },
		    { "Expired", ACCOUNT_EXPIRED },
		    { "Banned", ACCOUNT_BANNED },
		    { "Disabled", ACCOUNT_DISABLED } };
	for (size_t i = 0; text && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(text, map[i].name) == 0)
			return map[i].status;
	return ACCOUNT_OTHER;
}

int account_days_left(const struct account_info *info, int64_t now)
{
	if (info->exp_date <= 0)
		return INT32_MAX;
	int64_t left = info->exp_date - now;
	/* floor division: an account that expired a minute ago has -1 days left */
	int64_t days = left >= 0 ? left / 86400 : -((-left + 86399) / 86400);
	return days > INT32_MAX - 1 ? INT32_MAX - 1 : (int)days;
}

/* Runs a statement with up to two integer and two text parameters; returns the first integer column
 * of the first row (>= 0), -ENOENT for no row, or a negative errno. */
static int64_t query(struct account *a, const char *sql, int64_t i1, int64_t i2, const char *t1,
		     const char *t2)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(store_db(a->store), sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(rc);
	int n = sqlite3_bind_parameter_count(st);
	for (int i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		if (!name)
			continue;
		if (strcmp(name, ":i1") == 0)
			sqlite3_bind_int64(st, i, i1);
		else if (strcmp(name, ":i2") == 0)
			sqlite3_bind_int64(st, i, i2);
		else if (strcmp(name, ":t1") == 0)
			sqlite3_bind_text(st, i, t1, -1, SQLITE_TRANSIENT);
		else if (strcmp(name, ":t2") == 0)
			sqlite3_bind_text(st, i, t2, -1, SQLITE_TRANSIENT);
	}
	rc = sqlite3_step(st);
	int64_t result = rc == SQLITE_ROW    ? sqlite3_column_int64(st, 0)
			 : rc == SQLITE_DONE ? -ENOENT
					     : store_errno(rc);
	sqlite3_finalize(st);
	return result;
}

int account_reminder_take(struct account *a, const struct account_info *info, int64_t now, const int *days,
			  int count)
{
	int left = account_days_left(info, now);
	if (left == INT32_MAX || left < 0)
		return -ENOENT;
	int due = -1;
	for (int i = 0; i < count; i++)
		if (left <= days[i] && (due < 0 || days[i] < due))
			due = days[i];
	if (due < 0)
		return -ENOENT;
	int64_t rc = query(a,
			   "INSERT OR IGNORE INTO account_reminder(exp_date, day) VALUES (:i1, :i2)"
			   " RETURNING day",
			   info->exp_date, due, NULL, NULL);
	return rc == -ENOENT ? -ENOENT : rc < 0 ? (int)rc : due;
}

bool account_motd_take(struct account *a, const char *message)
{
	if (!message || !message[0])
		return false;
	return query(a, "INSERT OR IGNORE INTO account_motd(text) VALUES (:t1) RETURNING 1", 0, 0, message,
		     NULL) == 1;
}

/* Operator API ------------------------------------------------------------------------------------ */

static int api_call(struct account *a, const char *method, const char *path, const char *body,
		    const char *idempotency_key, struct plat_http_response *resp)
{
	if (!a->cfg.api_base[0])
		return -ENOTSUP;
	char url[700], idem[96];
	snprintf(url, sizeof(url), "%s%s", a->cfg.api_base, path);
	const char *headers[4] = { a->auth_header, "Content-Type: application/json", NULL, NULL };
	if (idempotency_key) {
		snprintf(idem, sizeof(idem), "Idempotency-Key: %s", idempotency_key);
		headers[2] = idem;
	}
	/* PLAT_HTTP_OPERATOR's limits (20 s, 1 MiB); the configured timeout overrides the deadline */
	struct plat_http_request req = { .kind = PLAT_HTTP_OPERATOR,
					 .method = method,
					 .url = url,
					 .headers = headers,
					 .body = body,
					 .body_len = body ? strlen(body) : 0,
					 .timeout_ms = a->cfg.timeout_ms,
					 .token = a->cfg.cancel };
	int rc = plat_http_perform(&req, resp); /* failures logged there, the URL redacted */
	if (rc == 0 && resp->status >= 500) {
		char safe[700];
		plat_redact_url(url, safe, sizeof(safe));
		plat_log_warn("account", "%s %s: HTTP %ld", method, safe, resp->status);
		rc = -EIO;
	}
	if (rc < 0)
		plat_http_response_free(resp);
	return rc;
}

/* The idempotency key for a logical request ("voucher:CODE"), created on first use and kept until
 * idempotency_done(). */
static int idempotency_key(struct account *a, const char *request, char key[PLAT_UUID_LEN + 1])
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(store_db(a->store),
				    "SELECT key FROM account_idempotency WHERE request = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(rc);
	sqlite3_bind_text(st, 1, request, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		snprintf(key, PLAT_UUID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (found)
		return 0;
	int err = plat_uuid_v4(key);
	if (err < 0)
		return err;
	int64_t ins = query(a, "INSERT INTO account_idempotency(request, key) VALUES (:t1, :t2) RETURNING 1",
			    0, 0, request, key);
	return ins < 0 ? (int)ins : 0;
}

static void idempotency_done(struct account *a, const char *request)
{
	query(a, "DELETE FROM account_idempotency WHERE request = :t1 RETURNING 1", 0, 0, request, NULL);
}

static json_t *parse_body(const char *body, size_t len)
{
	return body && len ? json_loadb(body, len, 0, NULL) : NULL;
}

static enum account_severity severity_from_text(const char *s)
{
	if (s && strcmp(s, "critical") == 0)
		return ACCOUNT_CRITICAL;
	if (s && strcmp(s, "warning") == 0)
		return ACCOUNT_WARNING;
	return ACCOUNT_INFO;
}

static int64_t json_time(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	return 0;
}

/* One message object; false for one without an id (it cannot be marked seen: skipped). */
static bool message_from_json(json_t *m, struct account_message *out)
{
	memset(out, 0, sizeof(*out));
	json_t *idv = json_object_get(m, "id");
	if (json_is_integer(idv))
		snprintf(out->id, sizeof(out->id), "%lld", (long long)json_integer_value(idv));
	else if (json_is_string(idv) && json_string_value(idv)[0])
		snprintf(out->id, sizeof(out->id), "%s", json_string_value(idv));
	else
		return false;
	const char *title = json_string_value(json_object_get(m, "title"));
	const char *body = json_string_value(json_object_get(m, "body"));
	snprintf(out->title, sizeof(out->title), "%s", title ? title : "");
	snprintf(out->body, sizeof(out->body), "%s", body ? body : "");
	out->severity = severity_from_text(json_string_value(json_object_get(m, "severity")));
	out->starts_at = json_time(json_object_get(m, "starts_at"));
	out->ends_at = json_time(json_object_get(m, "ends_at"));
	return true;
}

int account_messages_decode(long status, const char *body, size_t len,
			    int (*each)(void *ud, const struct account_message *m), void *ud)
{
	json_t *list = status == 200 ? parse_body(body, len) : NULL;
	if (!json_is_array(list)) {
		json_decref(list);
		return -EPROTO;
	}
	int added = 0, rc = 0;
	size_t i;
	json_t *m;
	json_array_foreach(list, i, m)
	{
		struct account_message msg;
		if (!message_from_json(m, &msg))
			continue;
		rc = each ? each(ud, &msg) : 1;
		if (rc < 0)
			break;
		added += rc;
	}
	json_decref(list);
	return rc < 0 ? rc : added;
}

static int store_message(void *ud, const struct account_message *m)
{
	struct account *a = ud;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    store_db(a->store),
	    "INSERT INTO account_message(id, title, body, severity, starts_at, ends_at)"
	    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
	    " body = excluded.body, severity = excluded.severity,"
	    " starts_at = excluded.starts_at, ends_at = excluded.ends_at",
	    -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, m->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, m->body, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, m->severity);
		sqlite3_bind_int64(st, 5, m->starts_at);
		sqlite3_bind_int64(st, 6, m->ends_at);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 1 : store_errno(rc);
}

int account_messages_fetch(struct account *a, int64_t now)
{
	int64_t since =
	    query(a, "SELECT CAST(value AS INTEGER) FROM account_meta WHERE key = 'messages_since'", 0, 0,
		  NULL, NULL);
	char path[64];
	snprintf(path, sizeof(path), "/messages?since=%lld", (long long)(since > 0 ? since : 0));
	struct plat_http_response resp;
	int rc = api_call(a, "GET", path, NULL, NULL, &resp);
	if (rc < 0)
		return rc;
	rc = account_messages_decode(resp.status, resp.body, resp.body_len, store_message, a);
	plat_http_response_free(&resp);
	if (rc >= 0)
		query(a,
		      "INSERT OR REPLACE INTO account_meta(key, value) VALUES ('messages_since', :i1) "
		      "RETURNING 1",
		      now, 0, NULL, NULL);
	return rc;
}

int account_messages_next(struct account *a, int64_t now, struct account_message *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    store_db(a->store),
	    "SELECT id, title, body, severity, starts_at, ends_at FROM account_message"
	    " WHERE dismissed = 0 AND (starts_at = 0 OR starts_at <= ?1)"
	    " AND (ends_at = 0 OR ends_at > ?1) ORDER BY severity DESC, starts_at, id LIMIT 1",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(rc);
	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out->id, sizeof(out->id), "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(out->title, sizeof(out->title), "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(out->body, sizeof(out->body), "%s", (const char *)sqlite3_column_text(st, 2));
		out->severity = (enum account_severity)sqlite3_column_int(st, 3);
		out->starts_at = sqlite3_column_int64(st, 4);
		out->ends_at = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : store_errno(rc);
}

int account_messages_dismiss(struct account *a, const char *id)
{
	int64_t rc =
	    query(a, "UPDATE account_message SET dismissed = 1 WHERE id = :t1 RETURNING 1", 0, 0, id, NULL);
	return rc < 0 ? (int)rc : 0;
}

int account_renewal_url(const struct account *a, char *out, size_t cap)
{
	const char *tpl = a->cfg.renewal_page;
	if (!tpl[0])
		return -ENOTSUP;
	char user[400];
	if (plat_http_escape(a->cfg.username, user, sizeof(user)) < 0)
		return -ENOSPC;
	const char *mark = strstr(tpl, "{username}");
	int n =
	    mark ? snprintf(out, cap, "%.*s%s%s", (int)(mark - tpl), tpl, user, mark + strlen("{username}"))
		 : snprintf(out, cap, "%s", tpl);
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

int account_qr_encode(const char *text, struct account_qr *out)
{
	QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!qr)
		return errno == ERANGE ? -EFBIG : -ENOMEM;
	out->size = qr->width;
	for (int i = 0; i < qr->width * qr->width; i++)
		out->modules[i] = qr->data[i] & 1;
	QRcode_free(qr);
	return 0;
}

const char *account_voucher_text(enum account_voucher_result r)
{
	switch (r) {
	case ACCOUNT_VOUCHER_APPLIED:
		return "Voucher applied: your subscription has been extended.";
	case ACCOUNT_VOUCHER_UNKNOWN:
		return "This voucher code is not known. Check the code and try again.";
	case ACCOUNT_VOUCHER_USED:
		return "This voucher has already been used.";
	case ACCOUNT_VOUCHER_EXPIRED:
		return "This voucher has expired.";
	case ACCOUNT_VOUCHER_TOO_MANY:
		return "Too many attempts. Please wait a moment and try again.";
	default:
		return "The operator refused this voucher.";
	}
}

int account_voucher_redeem(struct account *a, const char *code, const char *plan_id,
			   struct account_voucher_outcome *out)
{
	*out = (struct account_voucher_outcome){ .result = ACCOUNT_VOUCHER_REFUSED, .retry_after_s = -1 };
	char request[160], key[PLAT_UUID_LEN + 1];
	snprintf(request, sizeof(request), "voucher:%s", code);
	int rc = idempotency_key(a, request, key);
	if (rc < 0)
		return rc;
	json_t *body = json_pack("{s:s}", "code", code);
	if (plan_id)
		json_object_set_new(body, "plan_id", json_string(plan_id));
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	struct plat_http_response resp;
	rc = text ? api_call(a, "POST", "/vouchers/redeem", text, key, &resp) : -ENOMEM;
	free(text);
	if (rc < 0)
		return rc; /* the key stays: a retry is the same request */
	idempotency_done(a, request);
	account_voucher_decode(resp.status, resp.body, resp.body_len, resp.retry_after_s, out);
	if (out->result == ACCOUNT_VOUCHER_REFUSED)
		plat_log_warn("account", "voucher: HTTP %ld", resp.status);
	plat_http_response_free(&resp);
	return 0;
}

void account_voucher_decode(long status, const char *body, size_t len, int retry_after_s,
			    struct account_voucher_outcome *out)
{
	*out = (struct account_voucher_outcome){ .result = ACCOUNT_VOUCHER_REFUSED, .retry_after_s = -1 };
	switch (status) {
	case 200: {
		json_t *answer = parse_body(body, len);
		out->result = ACCOUNT_VOUCHER_APPLIED;
		out->exp_date = json_time(json_object_get(answer, "exp_date"));
		json_decref(answer);
		break;
	}
	case 404:
		out->result = ACCOUNT_VOUCHER_UNKNOWN;
		break;
	case 409:
		out->result = ACCOUNT_VOUCHER_USED;
		break;
	case 410:
		out->result = ACCOUNT_VOUCHER_EXPIRED;
		break;
	case 429:
		out->result = ACCOUNT_VOUCHER_TOO_MANY;
		out->retry_after_s = retry_after_s;
		break;
	default:
		break;
	}
}

void account_diagnostics_redact(json_t *d, const char *password)
{
	if (json_is_object(d)) {
		const char *key;
		json_t *v;
		void *tmp;
		json_object_foreach_safe(d, tmp, key, v)
		{
			if (strcasecmp(key, "password") == 0 || strcasecmp(key, "pass") == 0)
				json_object_del(d, key);
			else
				account_diagnostics_redact(v, password);
		}
	} else if (json_is_array(d)) {
		size_t i;
		json_t *v;
		json_array_foreach(d, i, v) account_diagnostics_redact(v, password);
	} else if (json_is_string(d)) {
		const char *s = json_string_value(d);
		/* redaction only ever shortens a segment, except an empty one that becomes "*" */
		size_t cap = 2 * json_string_length(d) + 16;
		char *clean = malloc(cap);
		if (!clean) {
			json_string_set(d, "");
			return;
		}
		plat_redact_text(s, clean, cap);
		/* a password can also appear outside a URL: blank every occurrence */
		for (char *p = password && password[0] ? strstr(clean, password) : NULL; p;
		     p = strstr(p, password))
			memset(p, '*', strlen(password));
		if (strcmp(clean, s) != 0)
			json_string_set(d, clean);
		free(clean);
	}
}

int account_support_ticket(struct account *a, const char *category, const char *message, json_t *diagnostics,
			   struct account_ticket *out)
{
	memset(out, 0, sizeof(*out));
	if (!a->cfg.api_base[0])
		return -ENOTSUP;
	json_t *body = json_pack("{s:s,s:s}", "category", category, "message", message);
	json_t *diag = diagnostics ? json_deep_copy(diagnostics) : json_object();
	account_diagnostics_redact(diag, a->cfg.password);
	json_object_set_new(body, "diagnostics", diag);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return -ENOMEM;
	char request[96], key[PLAT_UUID_LEN + 1];
	/* one ticket per distinct report: the same text retried is the same ticket */
	unsigned long h = 5381;
	for (const char *p = text; *p; p++)
		h = h * 33 + (unsigned char)*p;
	snprintf(request, sizeof(request), "ticket:%lx", h);
	int rc = idempotency_key(a, request, key);
	struct plat_http_response resp;
	if (rc == 0)
		rc = api_call(a, "POST", "/support/tickets", text, key, &resp);
	free(text);
	if (rc < 0)
		return rc;
	idempotency_done(a, request);
	rc = account_ticket_decode(resp.status, resp.body, resp.body_len, out);
	plat_http_response_free(&resp);
	return rc;
}

int account_ticket_decode(long status, const char *body, size_t len, struct account_ticket *out)
{
	memset(out, 0, sizeof(*out));
	if (status != 201 && status != 200)
		return status == 413 ? -EMSGSIZE : -EPROTO;
	json_t *answer = parse_body(body, len);
	json_t *id = json_object_get(answer, "ticket_id");
	if (json_is_integer(id))
		snprintf(out->ticket_id, sizeof(out->ticket_id), "%lld", (long long)json_integer_value(id));
	else
		snprintf(out->ticket_id, sizeof(out->ticket_id), "%s",
			 json_string_value(id) ? json_string_value(id) : "");
	int64_t eta = json_time(json_object_get(answer, "eta_minutes"));
	out->eta_minutes = eta < 0 ? 0 : eta > INT32_MAX ? INT32_MAX : (int)eta;
	json_decref(answer);
	return 0;
}
