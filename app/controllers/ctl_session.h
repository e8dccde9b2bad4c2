/* SPDX-License-Identifier: MIT */
/* The session: ONE source of truth for the login state, the credentials (owned copies), the last
 * login answer, the account info and the days left; and the jobs it sends to the worker (the login,
 * then the catalogue sync and the guide import, again once a day). Each job gets a heap copy of what
 * it needs (panels, credentials, language code, guide options) and its own cancel token; its answer
 * comes back only through its done callback (drain, UI thread), which updates the session and then
 * tells the listener the shell set. The session knows no screen.
 *
 * Threads: UI thread only (the jobs run on the worker with their copies). */
#ifndef CTL_SESSION_H
#define CTL_SESSION_H

#include "account.h"
#include "ctl_jobs.h"
#include "store_writer.h"
#include "xt_url.h"
#include "xtream.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_session;

/* Copied at create. */
struct ctl_session_config {
	const char *const *panels; /* provisioned panel URLs for failover (may be NULL) */
	size_t panel_count;
	const char *epg_xmltv_url; /* operator's guide URL, "" or NULL: the panel's xmltv.php */
	int epg_days_forward;      /* 0: the import's default */
	uint32_t refresh_every_s;  /* catalogue and guide refresh period; 0: a day */
};

enum ctl_session_event {
	CTL_SESSION_LOGIN_OK,     /* signed in: the account info is new, a sync has started */
	CTL_SESSION_LOGIN_FAILED, /* ctl_session_last_login() says why */
	CTL_SESSION_SYNCED,       /* a catalogue sync and guide import finished (the data changed) */
};
/* Called on the UI thread from a job's done callback, after the session is updated. */
typedef void (*ctl_session_listener_fn)(void *ud, enum ctl_session_event ev);

/* jobs and w (the remembered login goes through it) are borrowed and must outlive the session.
 * *out owned by the caller (ctl_session_free). Returns 0, -EINVAL or -ENOMEM. */
int ctl_session_create(const struct ctl_session_config *cfg, struct ctl_jobs *jobs, struct store_writer *w,
		       struct ctl_session **out);
/* Accepts NULL; nulls *s. Call after the worker is joined (its done callbacks are delivered). */
void ctl_session_free(struct ctl_session **s);

void ctl_session_set_listener(struct ctl_session *s, ctl_session_listener_fn fn, void *ud);
/* The UI language the next guide import prefers ("en", "ar"); copied. */
void ctl_session_set_lang(struct ctl_session *s, const char *lang);

/* The server and credentials of the next login (copied; NULL keeps the current value). */
void ctl_session_set_credentials(struct ctl_session *s, const char *server, const char *username,
				 const char *password);
const char *ctl_session_server(const struct ctl_session *s);
const char *ctl_session_username(const struct ctl_session *s);
const char *ctl_session_password(const struct ctl_session *s);
/* True when a server (typed or provisioned), a username and a password are known. */
bool ctl_session_can_login(const struct ctl_session *s);

/* Sends the login to the worker with copies of the credentials. On success the login is remembered
 * (the store writer), the account info is taken from the answer and a sync starts; the listener hears
 * LOGIN_OK or LOGIN_FAILED. Returns 0, -EINVAL (no credentials), -EBUSY (a login is in flight) or the
 * queue's error. */
int ctl_session_login(struct ctl_session *s);

bool ctl_session_logged_in(const struct ctl_session *s);
bool ctl_session_login_pending(const struct ctl_session *s);
/* The last login answer (outcome NOT_A_PANEL before any); borrowed. */
const struct xt_login *ctl_session_last_login(const struct ctl_session *s);
/* Our unix time when the last answer arrived (for the panel clock's skew). */
int64_t ctl_session_login_time(const struct ctl_session *s);
/* The panel's clock from the last answer (zone, skew). */
void ctl_session_clock(const struct ctl_session *s, struct xt_clock *out);

/* The subscription from the last login, kept up to date by the account screen (renewal, a poll). */
const struct account_info *ctl_session_account(const struct ctl_session *s);
/* Replaces the account info (after a renewal or a poll answer); the last answer's user_info follows. */
void ctl_session_account_update(struct ctl_session *s, const struct account_info *info);
/* Takes a fresh user_info from a screen's own login job (the player's kick check): the last answer's
 * user_info becomes *u (copied) and the account's connection counts follow. */
void ctl_session_user_update(struct ctl_session *s, const struct xt_user_info *u);
/* The connection limit of the last answer (0: none, or not logged in yet). */
int ctl_session_max_connections(const struct ctl_session *s);
/* THE days left of the subscription at unix time now, as Home and Account show it: floor of the
 * days to exp_date (negative once expired, 0 on the last day), INT32_MAX when unlimited. */
int ctl_session_days_left(const struct ctl_session *s, int64_t now);

/* Starts a catalogue sync and guide import unless one is running. Returns 0, -EALREADY, -ENOTCONN
 * (not logged in) or the queue's error. */
int ctl_session_sync(struct ctl_session *s);
bool ctl_session_sync_running(const struct ctl_session *s);

/* What the last finished sync kept back (CTL_SESSION_SYNCED): a list that failed its checks keeps
 * the previous one (library.h), a guide that could not be imported keeps the guide in force. */
struct ctl_sync_problem {
	bool lists_kept, guide_kept;
	char detail[256]; /* the first reason, in English (logs and the detail line) */
};
const struct ctl_sync_problem *ctl_session_sync_problem(const struct ctl_session *s);
/* The daily refresh: starts a sync when now (unix) has reached the next refresh. Returns the unix
 * time of the next refresh (0 when none is planned: not logged in). */
int64_t ctl_session_tick(struct ctl_session *s, int64_t now);
int64_t ctl_session_next_refresh(const struct ctl_session *s);

/* The panels and credentials of the session (the typed or stored server first, then the provisioned
 * panels) as a copy for a job of the screens' own: its run gets the worker's client for them with
 * ctl_worker_client() (the one of the last login when nothing changed). *out is overwritten; it
 * holds the password, so wipe it when done. */
void ctl_session_panel_copy(const struct ctl_session *s, struct ctl_panel_copy *out);

/* Fires the tokens of the session's jobs in flight (quit, a new login). */
void ctl_session_cancel(struct ctl_session *s);

#endif
