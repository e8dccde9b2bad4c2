/* SPDX-License-Identifier: MIT */
/* The subscription as the viewer sees it (OPERATOR.md): account state from the panel's user_info,
 * expiry reminders, the message of the day and operator messages shown once, renewal by QR code or
 * voucher, and support tickets carrying a redacted diagnostics report.
 *
 * The account knows nothing of the Xtream client: app/ fills struct account_info from a login.
 * Threads: a struct account uses one store connection and blocking HTTP calls (plat_http): create it
 * on the worker thread that runs the network calls. */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include "store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum account_status { ACCOUNT_ACTIVE, ACCOUNT_EXPIRED, ACCOUNT_BANNED, ACCOUNT_DISABLED, ACCOUNT_OTHER };

struct account_info {
	enum account_status status;
	char status_text[32]; /* as the panel wrote it: clones invent "Inactive" and others */
	int64_t exp_date;     /* unix time; 0 = unlimited */
	int64_t created_at;   /* 0 = unknown */
	bool trial;
	int active_cons;
	int max_connections; /* 0 = unlimited */
	char message[1024];  /* message of the day, "" for none */
};

/* The operator API and the subscriber's credentials (OPERATOR.md). */
struct plat_cancel;

struct account_config {
	char api_base[512];     /* "" switches messages/vouchers/support off */
	char renewal_page[512]; /* template with {username}, "" for none */
	char username[128];
	char password[128];
	uint32_t timeout_ms; /* 0: PLAT_HTTP_OPERATOR's deadline (20 s) */
	/* Borrowed, may be NULL: fired, it stops an operator API call at once (-ECANCELED). */
	struct plat_cancel *cancel;
};

struct account;

/* Creates the account service on store s (borrowed; must outlive it) and migrates its tables.
 * *out is owned by the caller: account_destroy(). Returns 0 or a negative errno. */
int account_create(struct store *s, const struct account_config *cfg, struct account **out);
void account_destroy(struct account **a);

/* Maps a panel status string: "Active" -> ACTIVE, "Expired", "Banned", "Disabled"; anything else
 * (clones) -> OTHER, which is treated as not active but shown as written. */
enum account_status account_status_from_text(const char *text);

/* Whole days left until exp_date: 0 during the last 24 hours, negative once expired, INT32_MAX when
 * the account is unlimited (exp_date 0). */
int account_days_left(const struct account_info *info, int64_t now);

/* The reminder banner to show now, if any: with thresholds days[] (e.g. 7, 3, 1, 0), returns the
 * smallest threshold that days_left has reached and that was not yet shown for this exp_date, and
 * records it so each banner shows once. A renewal (new exp_date) starts the reminders afresh.
 * Returns the threshold (>= 0), -ENOENT when nothing is due, or another negative errno. */
int account_reminder_take(struct account *a, const struct account_info *info, int64_t now, const int *days,
			  int count);

/* True the first time a given message of the day is offered (it is then recorded as seen). */
bool account_motd_take(struct account *a, const char *message);

/* Operator messages -------------------------------------------------------------------------- */

enum account_severity { ACCOUNT_INFO, ACCOUNT_WARNING, ACCOUNT_CRITICAL };

struct account_message {
	char id[64];
	char title[160];
	char body[1024];
	enum account_severity severity;
	int64_t starts_at, ends_at; /* 0 when open-ended */
};

/* GET {api}/messages?since=<last fetch> and stores the new ones. Returns how many arrived or a
 * negative errno (-ENOTSUP without an API). */
int account_messages_fetch(struct account *a, int64_t now);

/* The next message to show at `now`: unseen info/warning ones, and critical ones until dismissed.
 * Returns 1 with *out filled, 0 when there is none, or a negative errno. */
int account_messages_next(struct account *a, int64_t now, struct account_message *out);

/* The operator's answer to GET /messages, decoded without any I/O (the fuzz target's entry): each
 * message with an id goes to each(ud, m) (borrowed for the call; return 1 counted, 0 not, negative
 * to stop with that error; NULL counts them). Returns how many were counted, or -EPROTO when the
 * answer is not a 200 with a JSON array. */
int account_messages_decode(long status, const char *body, size_t len,
			    int (*each)(void *ud, const struct account_message *m), void *ud);

/* Records that the viewer saw (info/warning) or dismissed (critical) message id. */
int account_messages_dismiss(struct account *a, const char *id);

/* Renewal ---------------------------------------------------------------------------------------- */

/* The renewal page with {username} filled in (percent-encoded). Returns its length, -ENOTSUP when
 * the operator has none, -ENOSPC when out is too small. */
int account_renewal_url(const struct account *a, char *out, size_t cap);

/* A QR code as a square of modules: size x size bytes, 1 for dark. */
struct account_qr {
	int size;
	unsigned char modules[177 * 177];
};

/* Encodes text (medium error correction). Returns 0, -EFBIG when too long for a QR code, -ENOMEM. */
int account_qr_encode(const char *text, struct account_qr *out);

enum account_voucher_result {
	ACCOUNT_VOUCHER_APPLIED,
	ACCOUNT_VOUCHER_UNKNOWN,  /* 404 unknown_code */
	ACCOUNT_VOUCHER_USED,     /* 409 already_used */
	ACCOUNT_VOUCHER_EXPIRED,  /* 410 code_expired */
	ACCOUNT_VOUCHER_TOO_MANY, /* 429: wait retry_after_s */
	ACCOUNT_VOUCHER_REFUSED,  /* another 4xx */
};

struct account_voucher_outcome {
	enum account_voucher_result result;
	int64_t exp_date; /* APPLIED: the new expiry */
	int retry_after_s;
};

/* POST {api}/vouchers/redeem with an Idempotency-Key that is kept (in the store) for this code until
 * the request gets an answer, so a retry after a timeout can never apply the voucher twice.
 * Returns 0 with *out filled when the operator answered, or a negative errno when it could not be
 * reached (-ETIMEDOUT, -ECONNREFUSED, -EIO for 5xx ...: the same key is reused next time). */
int account_voucher_redeem(struct account *a, const char *code, const char *plan_id,
			   struct account_voucher_outcome *out);

/* A sentence for the viewer. */
const char *account_voucher_text(enum account_voucher_result r);

/* The operator's answer to a redeem (HTTP status, body, its Retry-After or -1) as an outcome; pure. */
void account_voucher_decode(long status, const char *body, size_t len, int retry_after_s,
			    struct account_voucher_outcome *out);

/* Support ------------------------------------------------------------------------------------------ */

struct account_ticket {
	char ticket_id[64];
	int eta_minutes;
};

/* POST {api}/support/tickets with category, message and diagnostics (borrowed JSON object, redacted
 * first: every string that looks like a URL goes through plat_redact_text, and the subscriber's
 * password is removed wherever it appears). Idempotent like vouchers. Returns 0, -EMSGSIZE when the
 * operator refused the report as too big (413), -ENOTSUP without an API, or a negative errno. */
int account_support_ticket(struct account *a, const char *category, const char *message, json_t *diagnostics,
			   struct account_ticket *out);

/* The operator's answer to a ticket as *out; pure. Returns 0, -EMSGSIZE for 413, -EPROTO otherwise. */
int account_ticket_decode(long status, const char *body, size_t len, struct account_ticket *out);

/* Redacts a diagnostics object in place (see account_support_ticket). Exposed for the diagnostics
 * view and for tests. */
void account_diagnostics_redact(json_t *diagnostics, const char *password);

#endif
