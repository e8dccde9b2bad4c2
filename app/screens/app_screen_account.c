/* SPDX-License-Identifier: MIT */
/* The account screen (OPERATOR.md): the subscription as the panel reports it (status, expiry date and
 * days left, trial, connections in use and allowed, created date, the message of the day) and the
 * self-service the operator offers: renewal by QR code with the player API polled every 10 s (for up
 * to 10 minutes, while the QR is on screen) until exp_date moves, voucher redemption, operator
 * messages and a support request carrying redacted diagnostics. Operator calls run on the worker
 * with their own account service on the worker's store connection. Also app_account_banner() for
 * home: the expiry reminder and the next operator message. */
#include "app.h"
#include "app_vod.h"

#include "plat_clock.h"
#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { POLL_EVERY_MS = 10000, POLL_FOR_MS = 10 * 60 * 1000 };

enum info_row {
	ROW_STATUS,
	ROW_EXPIRES,
	ROW_TRIAL,
	ROW_CONNECTIONS,
	ROW_CREATED,
	ROW_USER,
	ROW_MESSAGE,
	ROW_COUNT
};
enum action { ACT_RENEW, ACT_VOUCHER, ACT_MESSAGES, ACT_SUPPORT, ACT_COUNT };

/* UI thread only: the poll job gets copies (due time, panels) and is cancelled by its id. */
struct poll_state {
	bool on;            /* the QR is shown: polling goes on */
	uint64_t job;       /* the poll job queued or running, 0 = none */
	unsigned gen;       /* bumped by poll_stop: an answer of an older job is dropped */
	uint64_t due_ms;    /* mono time of the next login */
	uint64_t until_ms;  /* give up then */
	int64_t exp_before; /* the expiry the viewer is renewing */
};

struct account_ui {
	struct app *app;
	struct ui_widget *screen, *actions, *info;
	/* renewal */
	struct ui_widget *renew, *qr_view, *renew_url, *renew_status;
	struct account_qr qr;
	char qr_text[1024];
	bool have_qr;
	struct poll_state poll;
	/* voucher */
	struct ui_widget *voucher, *voucher_kb, *voucher_status;
	bool redeeming;
	uint64_t fetch_job; /* the messages fetch, cancelled when the viewer leaves the screen */
	unsigned fetch_gen; /* bumped when it is cancelled: a late answer is dropped */
};

/* ---- the account service on the worker ---- */

struct op_config {
	struct account_config cfg;
	char db_path[512];
};

static void op_config_fill(const struct app *app, struct op_config *o)
{
	*o = (struct op_config){ 0 };
	snprintf(o->cfg.api_base, sizeof(o->cfg.api_base), "%s", app->prov.api_base);
	snprintf(o->cfg.renewal_page, sizeof(o->cfg.renewal_page), "%s", app->prov.renewal_page);
	snprintf(o->cfg.username, sizeof(o->cfg.username), "%s", ctl_session_username(app->session));
	snprintf(o->cfg.password, sizeof(o->cfg.password), "%s", ctl_session_password(app->session));
	snprintf(o->db_path, sizeof(o->db_path), "%s", app->db_path);
}

/* Worker: an account service on a connection of the job's own (one connection per thread; the job
 * works only on its copy o), whose operator calls stop at once when the job's token fires.
 * op_close() releases both. */
static int op_open(const struct op_config *o, struct plat_cancel *cancel, struct store **st,
		   struct account **out)
{
	int rc = store_open(o->db_path, st);
	if (rc < 0)
		return rc;
	struct account_config cfg = o->cfg;
	cfg.cancel = cancel;
	rc = account_create(*st, &cfg, out);
	explicit_bzero(cfg.password, sizeof(cfg.password));
	return rc;
}

static void op_close(struct store **st, struct account **acc)
{
	account_destroy(acc);
	store_close(st);
}

/* A renewal or a poll changed the subscription: the session keeps it (the one copy). */
static void session_account_set(struct app *app, const struct account_info *info)
{
	ctl_session_account_update(app->session, info);
}

static void wipe(void *p, size_t n)
{
	for (volatile unsigned char *c = p; n--; c++)
		*c = 0;
}

/* ---- text ---- */

static void status_text(const struct app *app, char *out, size_t cap)
{
	const struct account_info *i = ctl_session_account(app->session);
	const char *s;
	switch (i->status) {
	case ACCOUNT_ACTIVE:
		s = TR(app, "Active");
		break;
	case ACCOUNT_EXPIRED:
		s = TR(app, "Expired");
		break;
	case ACCOUNT_BANNED:
		s = TR(app, "Banned");
		break;
	case ACCOUNT_DISABLED:
		s = TR(app, "Disabled");
		break;
	default:
		s = i->status_text[0] ? i->status_text : TR(app, "Unknown");
		break;
	}
	snprintf(out, cap, "%s", s);
}

static void expiry_text(const struct app *app, int64_t exp, char *out, size_t cap)
{
	if (exp <= 0) {
		snprintf(out, cap, "%s", TR(app, "Never (unlimited)"));
		return;
	}
	char date[32];
	app_vod_date_text(exp, date, sizeof(date));
	int days = ctl_session_days_left(app->session, app_now(app)); /* the one Home shows too */
	if (days < 0)
		snprintf(out, cap, "%s (%s)", date, TR(app, "expired"));
	else if (days == 0)
		snprintf(out, cap, "%s (%s)", date, TR(app, "ends today"));
	else
		snprintf(out, cap, TRN(app, "%s (%d day left)", "%s (%d days left)", days), date, days);
}

static void row_text(struct account_ui *a, size_t row, char *out, size_t cap)
{
	struct app *app = a->app;
	const struct account_info *i = ctl_session_account(app->session);
	char v[1200] = "";
	const char *k = "";
	switch (row) {
	case ROW_STATUS:
		k = TR(app, "Status");
		status_text(app, v, sizeof(v));
		break;
	case ROW_EXPIRES:
		k = TR(app, "Expires");
		expiry_text(app, i->exp_date, v, sizeof(v));
		break;
	case ROW_TRIAL:
		k = TR(app, "Trial");
		snprintf(v, sizeof(v), "%s", i->trial ? TR(app, "Yes") : TR(app, "No"));
		break;
	case ROW_CONNECTIONS:
		k = TR(app, "Connections");
		if (i->max_connections > 0)
			snprintf(v, sizeof(v), TR(app, "%d in use of %d allowed"), i->active_cons,
				 i->max_connections);
		else
			snprintf(v, sizeof(v), TR(app, "%d in use, no limit"), i->active_cons);
		break;
	case ROW_CREATED:
		k = TR(app, "Created");
		app_vod_date_text(i->created_at, v, sizeof(v));
		break;
	case ROW_USER:
		k = TR(app, "Username");
		snprintf(v, sizeof(v), "%s", ctl_session_username(app->session));
		break;
	case ROW_MESSAGE:
		k = TR(app, "Message");
		snprintf(v, sizeof(v), "%s", i->message[0] ? i->message : TRC(app, "no messages", "None"));
		break;
	}
	snprintf(out, cap, "%s: %s", k, v);
}

static size_t info_count(void *user)
{
	return ROW_COUNT;
}

static void info_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct account_ui *a = user;
	const struct ui_theme *t = ui_draw_theme(d);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused ? t->accent
		     : i % 2 ? t->surface_alt
			     : t->surface);
	char text[1400];
	row_text(a, i, text, sizeof(text));
	char *colon = strchr(text, ':');
	struct ui_text_style key = { .size = t->text_small,
				     .color = focused ? t->on_accent : t->text_dim,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	struct ui_text_style val = { .color = focused ? t->on_accent : t->text,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	if (i == ROW_STATUS && ctl_session_account(a->app->session)->status != ACCOUNT_ACTIVE && !focused)
		val.color = t->danger;
	if (colon) {
		*colon = '\0';
		ui_draw_text(d, (struct ui_rect){ 24, 0, 300, h }, text, &key);
		ui_draw_text(d, (struct ui_rect){ 340, 0, w - 364, h }, colon + 2, &val);
	}
}

static int info_label(void *user, size_t i, char *buf, size_t cap)
{
	row_text(user, i, buf, cap);
	return 0;
}

static const struct ui_list_model info_model = { .count = info_count,
						 .draw = info_draw,
						 .label = info_label };

/* ---- renewal: QR code and polling ---- */

static size_t qr_count(void *user)
{
	return 1;
}

static void qr_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct account_ui *a = user;
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h }, (struct ui_color){ 255, 255, 255, 255 });
	if (!a->have_qr)
		return;
	int n = a->qr.size + 8; /* 4 modules of quiet zone on each side */
	int cell = (w < h ? w : h) / n;
	int off = ((w < h ? w : h) - cell * n) / 2 + 4 * cell;
	struct ui_color dark = { 0, 0, 0, 255 };
	for (int y = 0; y < a->qr.size; y++)
		for (int x = 0; x < a->qr.size; x++)
			if (a->qr.modules[y * a->qr.size + x])
				ui_draw_fill(
				    d, (struct ui_rect){ off + x * cell, off + y * cell, cell, cell }, dark);
}

static int qr_label(void *user, size_t i, char *buf, size_t cap)
{
	struct account_ui *a = user;
	if (a->have_qr)
		snprintf(buf, cap, "QR %dx%d: %s", a->qr.size, a->qr.size, a->qr_text);
	else
		snprintf(buf, cap, "QR: none");
	return 0;
}

static const struct ui_list_model qr_model = { .count = qr_count, .draw = qr_draw, .label = qr_label };

struct poll_job {
	struct account_ui *a;        /* done only (UI thread) */
	struct ctl_panel_copy panel; /* the session's panels and credentials */
	uint64_t due_ms;             /* mono time of the login */
	unsigned gen;                /* a->poll.gen when queued */
	struct xt_login login;
	bool polled;
};

static void poll_free(struct poll_job *j)
{
	wipe(&j->panel, sizeof(j->panel));
	free(j);
}

/* Worker: waits for the next poll in short slices (a cancel wakes it at once), giving the worker back
 * to other tasks whenever some wait (the done callback queues this job again), then logs in once. */
static int poll_work(struct ctl_worker *w, void *arg, struct plat_cancel *cancel)
{
	struct poll_job *j = arg;
	while (!plat_cancel_fired(cancel) && plat_clock_mono_ms() < j->due_ms) {
		if (ctl_worker_others_waiting(w) > 0)
			return 0;
		plat_cancel_sleep_ms(cancel, 100);
	}
	if (plat_cancel_fired(cancel))
		return -ECANCELED;
	struct xt_client *xt = NULL;
	int rc = ctl_worker_client(w, &j->panel, cancel, &xt);
	if (rc < 0)
		return rc;
	j->polled = true;
	return xt_client_login(xt, &j->login);
}

/* The viewer left the QR code (BACK, Done, another route, a rebuild): no more logins. */
static void poll_stop(struct account_ui *a)
{
	a->poll.on = false;
	a->poll.gen++;
	app_bg_cancel(a->app, &a->poll.job);
}

static void poll_start(struct account_ui *a);

static void renewed(struct account_ui *a, int64_t exp)
{
	struct app *app = a->app;
	struct account_info info = *ctl_session_account(app->session);
	info.exp_date = exp;
	session_account_set(app, &info);
	char when[96], msg[300];
	expiry_text(app, exp, when, sizeof(when));
	snprintf(msg, sizeof(msg), "%s %s", TR(app, "Thank you! Your subscription now runs until"), when);
	ui_label_set_text(a->renew_status, msg);
	ui_toast_show(app->ui, msg, 8000);
	ui_list_refresh(a->info);
}

static void poll_done(struct app *app, void *arg, int rc)
{
	struct poll_job *j = arg;
	struct account_ui *a = j->a;
	/* a job that finished just before poll_stop cancelled it still answers: drop it */
	if (rc == -ECANCELED || app->screen_state[APP_SCREEN_ACCOUNT] != a || j->gen != a->poll.gen) {
		poll_free(j);
		return;
	}
	a->poll.job = 0;
	/* the QR code is no longer what the viewer sees (HOME went past it): stop asking */
	if (a->poll.on && ui_screen_top(app->ui) != a->renew)
		a->poll.on = false;
	if (!a->poll.on) {
		poll_free(j);
		return;
	}
	if (j->polled) {
		a->poll.due_ms = plat_clock_mono_ms() + POLL_EVERY_MS;
		if (rc == 0 && j->login.user.exp_date != a->poll.exp_before) {
			struct account_info info = *ctl_session_account(app->session);
			info.active_cons = (int)j->login.user.active_cons;
			info.status = account_status_from_text(j->login.user.status_text);
			snprintf(info.status_text, sizeof(info.status_text), "%s", j->login.user.status_text);
			session_account_set(app, &info);
			a->poll.on = false;
			renewed(a, j->login.user.exp_date);
			poll_free(j);
			return;
		}
		char at[32], msg[200];
		app_vod_clock_text((app_now(app) % 86400) * 1000, at, sizeof(at));
		snprintf(msg, sizeof(msg), "%s (%s %s)", TR(app, "Waiting for your payment…"),
			 TR(app, "checked"), at);
		ui_label_set_text(a->renew_status, msg);
	}
	poll_free(j);
	if (plat_clock_mono_ms() >= a->poll.until_ms) {
		a->poll.on = false;
		ui_label_set_text(
		    a->renew_status,
		    TR(app, "Stopped checking after 10 minutes. Open this page again after paying."));
		return;
	}
	poll_start(a);
}

static void poll_start(struct account_ui *a)
{
	if (a->poll.job || !a->poll.on)
		return;
	struct poll_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->a = a;
	j->due_ms = a->poll.due_ms;
	j->gen = a->poll.gen;
	ctl_session_panel_copy(a->app->session, &j->panel);
	if (app_run_bg(a->app, poll_work, poll_done, j, &a->poll.job) < 0)
		poll_free(j);
}

static bool renew_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct account_ui *ac = user;
	if (a == PLAT_ACT_BACK)
		poll_stop(ac); /* the screen pops after this hook */
	return false;
}

static void renew_close(void *user, struct ui_widget *w)
{
	struct account_ui *a = user;
	poll_stop(a);
	if (ui_screen_top(a->app->ui) == a->renew)
		ui_screen_pop(a->app->ui);
}

static void renew_open(struct account_ui *a)
{
	struct app *app = a->app;
	char url[1024];
	int rc = app->account ? account_renewal_url(app->account, url, sizeof(url)) : -ENOTSUP;
	a->have_qr = rc >= 0 && account_qr_encode(url, &a->qr) == 0;
	snprintf(a->qr_text, sizeof(a->qr_text), "%s", a->have_qr ? url : "");
	if (rc < 0) {
		ui_toast_show(
		    app->ui,
		    TR(app, "Your provider does not offer renewal from the box. Contact them to renew."),
		    5000);
		return;
	}
	ui_label_set_text(a->renew_url, url);
	ui_label_set_text(a->renew_status,
			  TR(app, "Scan the code with your phone and pay: this page notices the renewal."));
	ui_list_refresh(a->qr_view);
	ui_screen_push(app->ui, a->renew);
	poll_stop(a); /* a poll of an earlier visit */
	a->poll.on = true;
	a->poll.exp_before = ctl_session_account(app->session)->exp_date;
	a->poll.due_ms = plat_clock_mono_ms() + POLL_EVERY_MS;
	a->poll.until_ms = plat_clock_mono_ms() + POLL_FOR_MS;
	poll_start(a);
}

static void build_renew(struct account_ui *a)
{
	struct app *app = a->app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = a->renew = ui_screen_create(app->ui, "renew");
	if (!s)
		return;
	app_vod_header(app, s, TR(app, "Renew your subscription"));
	ui_screen_on_action(s, renew_keys, a);
	a->qr_view = ui_list_create(s, (struct ui_rect){ 100, 160, 560, 560 }, &qr_model, a, 560);
	ui_widget_set_id(a->qr_view, "qr");
	ui_widget_set_mirror(a->qr_view, false); /* a mirrored QR code is not a QR code */
	struct ui_text_style body = { .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS, .max_lines = 4 };
	ui_label_create(
	    s, (struct ui_rect){ 720, 160, 1140, 200 },
	    TR(app, "Scan this code with your phone to renew. You can also open the address below."), &body);
	struct ui_text_style url = {
		.size = t->text_small, .color = t->text_dim, .flags = UI_TEXT_WRAP, .max_lines = 3
	};
	a->renew_url = ui_label_create(s, (struct ui_rect){ 720, 380, 1140, 140 }, "", &url);
	ui_widget_set_id(a->renew_url, "url");
	ui_widget_set_mirror(a->renew_url, false);
	struct ui_text_style st = { .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS, .max_lines = 3 };
	a->renew_status = ui_label_create(s, (struct ui_rect){ 720, 560, 1140, 160 }, "", &st);
	ui_widget_set_id(a->renew_status, "renew-status");
	struct ui_widget *b =
	    ui_button_create(s, (struct ui_rect){ 720, 760, 400, 90 }, TR(app, "Done"), renew_close, a);
	ui_widget_set_id(b, "done");
}

/* ---- vouchers ---- */

struct voucher_job {
	struct account_ui *a; /* done only */
	struct op_config op;
	char code[64];
	struct account_voucher_outcome out;
};

static int voucher_work(struct ctl_worker *w, void *arg, struct plat_cancel *cancel)
{
	struct voucher_job *j = arg;
	struct store *st = NULL;
	struct account *acc = NULL;
	int rc = op_open(&j->op, cancel, &st, &acc);
	if (rc == 0)
		rc = account_voucher_redeem(acc, j->code, NULL, &j->out);
	op_close(&st, &acc);
	return rc;
}

static const char *voucher_text(const struct app *app, const struct account_voucher_outcome *o)
{
	switch (o->result) {
	case ACCOUNT_VOUCHER_APPLIED:
		return TR(app, "Voucher applied: your subscription has been extended.");
	case ACCOUNT_VOUCHER_UNKNOWN:
		return TR(app, "This voucher code is not known. Check the code and try again.");
	case ACCOUNT_VOUCHER_USED:
		return TR(app, "This voucher has already been used.");
	case ACCOUNT_VOUCHER_EXPIRED:
		return TR(app, "This voucher has expired.");
	case ACCOUNT_VOUCHER_TOO_MANY:
		return TR(app, "Too many attempts. Please wait a moment and try again.");
	default:
		return TR(app, "The operator refused this voucher.");
	}
}

static void voucher_done(struct app *app, void *arg, int rc)
{
	struct voucher_job *j = arg;
	struct account_ui *a = j->a;
	if (rc == -ECANCELED || app->screen_state[APP_SCREEN_ACCOUNT] != a) {
		wipe(&j->op, sizeof(j->op));
		free(j);
		return;
	}
	a->redeeming = false;
	char msg[400];
	if (rc < 0) {
		snprintf(msg, sizeof(msg), "%s",
			 rc == -ENOTSUP ? TR(app, "Your provider does not take vouchers on the box.")
					: TR(app, "The provider could not be reached. Try again: the voucher "
						  "is never used twice."));
	} else if (j->out.result == ACCOUNT_VOUCHER_APPLIED) {
		char when[96];
		expiry_text(app, j->out.exp_date, when, sizeof(when));
		snprintf(msg, sizeof(msg), "%s %s %s", voucher_text(app, &j->out),
			 TR(app, "Your subscription now runs until"), when);
		struct account_info info = *ctl_session_account(app->session);
		info.exp_date = j->out.exp_date;
		if (info.status == ACCOUNT_EXPIRED)
			info.status = ACCOUNT_ACTIVE;
		session_account_set(app, &info);
		ui_list_refresh(a->info);
		ui_keyboard_set_text(a->voucher_kb, "");
	} else if (j->out.result == ACCOUNT_VOUCHER_TOO_MANY && j->out.retry_after_s > 0) {
		snprintf(msg, sizeof(msg), "%s (%d s)", voucher_text(app, &j->out), j->out.retry_after_s);
	} else {
		snprintf(msg, sizeof(msg), "%s", voucher_text(app, &j->out));
	}
	ui_label_set_text(a->voucher_status, msg);
	ui_toast_show(app->ui, msg, 6000);
	wipe(&j->op, sizeof(j->op));
	free(j);
}

static void voucher_entered(void *user, struct ui_widget *w, const char *text)
{
	struct account_ui *a = user;
	struct app *app = a->app;
	while (*text == ' ')
		text++;
	if (!text[0] || a->redeeming)
		return;
	struct voucher_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->a = a;
	op_config_fill(app, &j->op);
	snprintf(j->code, sizeof(j->code), "%s", text);
	a->redeeming = true;
	ui_label_set_text(a->voucher_status, TR(app, "Checking the voucher…"));
	/* not cancelled when the viewer leaves: the operator may apply it, and the session must hear */
	if (app_run_bg(app, voucher_work, voucher_done, j, NULL) < 0) {
		a->redeeming = false;
		wipe(&j->op, sizeof(j->op));
		free(j);
	}
}

static void build_voucher(struct account_ui *a)
{
	struct app *app = a->app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = a->voucher = ui_screen_create(app->ui, "voucher");
	if (!s)
		return;
	app_vod_header(app, s, TR(app, "Redeem a voucher"));
	a->voucher_kb =
	    ui_keyboard_create(s, (struct ui_rect){ 260, 140, 1400, 640 }, UI_KB_LATIN, voucher_entered, a);
	ui_widget_set_id(a->voucher_kb, "keyboard");
	struct ui_text_style st = { .size = t->text_body,
				    .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				    .max_lines = 3 };
	a->voucher_status =
	    ui_label_create(s, (struct ui_rect){ 260, 820, 1400, 180 },
			    TR(app, "Type the code on your voucher, then Done (or the green key)."), &st);
	ui_widget_set_id(a->voucher_status, "voucher-status");
}

/* ---- messages and support ---- */

struct fetch_job {
	struct account_ui *a; /* done only */
	struct op_config op;
	int64_t now;
	unsigned gen; /* a->fetch_gen when queued */
};

static int fetch_work(struct ctl_worker *w, void *arg, struct plat_cancel *cancel)
{
	struct fetch_job *j = arg;
	struct store *st = NULL;
	struct account *acc = NULL;
	int rc = op_open(&j->op, cancel, &st, &acc);
	if (rc == 0)
		rc = account_messages_fetch(acc, j->now);
	op_close(&st, &acc);
	return rc;
}

static void fetch_cancel(struct account_ui *a)
{
	a->fetch_gen++;
	app_bg_cancel(a->app, &a->fetch_job);
}

struct shown_message {
	struct app *app;
	char id[64];
};

static void message_dismiss(void *user, int button)
{
	struct shown_message *m = user;
	if (m->app->account)
		account_messages_dismiss(m->app->account, m->id);
	free(m);
}

/* Shows the next operator message, if any. Returns true when one is shown. */
static bool message_show(struct app *app)
{
	struct account_message msg;
	if (!app->account || account_messages_next(app->account, app_now(app), &msg) != 1)
		return false;
	struct shown_message *m = calloc(1, sizeof(*m));
	if (!m)
		return false;
	m->app = app;
	snprintf(m->id, sizeof(m->id), "%s", msg.id);
	const char *ok[] = { TR(app, "OK") };
	if (ui_dialog_open(app->ui, msg.title, msg.body, ok, 1, message_dismiss, m) < 0) {
		free(m);
		return false;
	}
	return true;
}

static void fetch_done(struct app *app, void *arg, int rc)
{
	struct fetch_job *j = arg;
	struct account_ui *a = j->a;
	bool ours = rc != -ECANCELED && app->screen_state[APP_SCREEN_ACCOUNT] == a && j->gen == a->fetch_gen;
	if (ours)
		a->fetch_job = 0;
	if (ours && !message_show(app))
		ui_toast_show(app->ui,
			      rc == -ENOTSUP ? TR(app, "Your provider sends no messages to the box.")
			      : rc < 0       ? TR(app, "Messages could not be fetched. Try again later.")
					     : TR(app, "No new messages."),
			      4000);
	wipe(&j->op, sizeof(j->op));
	free(j);
}

struct ticket_job {
	struct op_config op;
	json_t *diagnostics; /* built on the UI thread (app_vod_diagnostics); the job's own */
	struct account_ticket ticket;
};

static int ticket_work(struct ctl_worker *w, void *arg, struct plat_cancel *cancel)
{
	struct ticket_job *j = arg;
	struct store *st = NULL;
	struct account *acc = NULL;
	int rc = op_open(&j->op, cancel, &st, &acc);
	if (rc == 0)
		rc = account_support_ticket(acc, "playback", "Help requested from the box", j->diagnostics,
					    &j->ticket);
	op_close(&st, &acc);
	return rc;
}

static void ticket_done(struct app *app, void *arg, int rc)
{
	struct ticket_job *j = arg;
	if (rc != -ECANCELED) {
		char msg[300];
		if (rc == 0)
			snprintf(msg, sizeof(msg),
				 TRN(app,
				     "Support request %s opened. Support will answer in about %d minute.",
				     "Support request %s opened. Support will answer in about %d minutes.",
				     j->ticket.eta_minutes),
				 j->ticket.ticket_id, j->ticket.eta_minutes);
		else if (rc == -ENOTSUP && app->prov.support_phone[0])
			snprintf(msg, sizeof(msg), "%s %s", TR(app, "Call support:"),
				 app->prov.support_phone);
		else
			snprintf(msg, sizeof(msg), "%s",
				 rc == -ENOTSUP
				     ? TR(app, "Your provider takes no support requests from the box.")
				     : TR(app, "The request could not be sent. Try again later."));
		ui_toast_show(app->ui, msg, 8000);
	}
	json_decref(j->diagnostics);
	wipe(&j->op, sizeof(j->op));
	free(j);
}

static void support_answer(void *user, int button)
{
	struct account_ui *a = user;
	struct app *app = a->app;
	if (button != 0)
		return;
	struct ticket_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	op_config_fill(app, &j->op);
	j->diagnostics = app_vod_diagnostics(app);
	/* a request the viewer asked for: it goes even when they leave the screen (quit cancels it) */
	if (app_run_bg(app, ticket_work, ticket_done, j, NULL) < 0) {
		json_decref(j->diagnostics);
		wipe(&j->op, sizeof(j->op));
		free(j);
		return;
	}
	ui_toast_show(app->ui, TR(app, "Sending your request…"), 3000);
}

/* ---- the actions ---- */

static const char *action_text(const struct app *app, size_t i)
{
	switch (i) {
	case ACT_RENEW:
		return TR(app, "Renew (QR code)");
	case ACT_VOUCHER:
		return TR(app, "Redeem a voucher");
	case ACT_MESSAGES:
		return TR(app, "Messages");
	default:
		return TR(app, "Ask for help");
	}
}

static size_t actions_count(void *user)
{
	return ACT_COUNT;
}

static void actions_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct account_ui *a = user;
	const struct ui_theme *t = ui_draw_theme(d);
	ui_draw_fill(d, (struct ui_rect){ 0, 4, w, h - 8 }, focused ? t->accent : t->surface);
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 24, 4, w - 48, h - 8 }, action_text(a->app, i), &st);
}

static int actions_label(void *user, size_t i, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s", action_text(((struct account_ui *)user)->app, i));
	return 0;
}

static void actions_activate(void *user, size_t i)
{
	struct account_ui *a = user;
	struct app *app = a->app;
	if (i == ACT_RENEW) {
		renew_open(a);
	} else if (i == ACT_VOUCHER) {
		ui_screen_push(app->ui, a->voucher);
		ui_widget_focus(a->voucher_kb);
	} else if (i == ACT_MESSAGES) {
		if (message_show(app))
			return;
		struct fetch_job *j = calloc(1, sizeof(*j));
		if (!j)
			return;
		j->a = a;
		op_config_fill(app, &j->op);
		j->now = app_now(app);
		fetch_cancel(a);
		j->gen = a->fetch_gen;
		if (app_run_bg(app, fetch_work, fetch_done, j, &a->fetch_job) < 0) {
			wipe(&j->op, sizeof(j->op));
			free(j);
		}
	} else {
		const char *buttons[] = { TR(app, "Send"), TR(app, "Cancel") };
		ui_dialog_open(app->ui, TR(app, "Ask for help"),
			       TR(app, "Send a support request with a report of this box (versions, the last "
				       "playback and its "
				       "errors)? It contains no password."),
			       buttons, 2, support_answer, a);
	}
}

static const struct ui_list_model actions_model = {
	.count = actions_count, .draw = actions_draw, .activate = actions_activate, .label = actions_label
};

/* ---- the screen ---- */

/* BACK leaves the account screen: a messages fetch on its way would open a dialog elsewhere. */
static bool account_keys(void *user, struct ui_widget *screen, enum plat_action act)
{
	struct account_ui *a = user;
	if (act == PLAT_ACT_BACK)
		fetch_cancel(a);
	return false;
}

static void account_free(void *p)
{
	free(p);
}

static struct ui_widget *build(struct app *app)
{
	struct account_ui *a = app->screen_state[APP_SCREEN_ACCOUNT];
	if (!a) {
		a = calloc(1, sizeof(*a));
		if (!a)
			return NULL;
		app->screen_state[APP_SCREEN_ACCOUNT] = a;
	}
	/* a rebuild (language switch): the old renewal and voucher screens go; a running poll stops */
	a->app = app;
	poll_stop(a);
	fetch_cancel(a);
	if (a->renew && a->renew != ui_screen_top(app->ui))
		ui_screen_destroy(&a->renew);
	if (a->voucher && a->voucher != ui_screen_top(app->ui))
		ui_screen_destroy(&a->voucher);
	a->app = app;
	a->renew = a->voucher = NULL;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = a->screen = ui_screen_create(app->ui, "account");
	if (!s)
		return NULL;
	app_vod_header(app, s, TR(app, "Account"));
	ui_screen_on_action(s, account_keys, a);
	a->actions = ui_list_create(s, (struct ui_rect){ 60, 140, 520, 400 }, &actions_model, a, 96);
	ui_widget_set_id(a->actions, "actions");
	a->info = ui_list_create(s, (struct ui_rect){ 620, 140, 1240, 7 * 90 }, &info_model, a, 90);
	ui_widget_set_id(a->info, "info");
	struct ui_text_style small = {
		.size = t->text_small, .color = t->text_dim, .flags = UI_TEXT_WRAP, .max_lines = 3
	};
	char note[300];
	snprintf(note, sizeof(note), "%s%s%s", app->prov.name[0] ? app->prov.name : "",
		 app->prov.support_phone[0] ? " · " : "", app->prov.support_phone);
	ui_widget_set_id(ui_label_create(s, (struct ui_rect){ 620, 800, 1240, 120 }, note, &small),
			 "operator");
	build_renew(a);
	build_voucher(a);
	ui_widget_focus(a->actions);
	return s;
}

/* ---- the banner home shows ---- */

void app_account_banner(struct app *app)
{
	if (!app->account)
		return;
	int day = account_reminder_take(app->account, ctl_session_account(app->session), app_now(app),
					app->prov.reminder_days, app->prov.reminder_count);
	if (day >= 0) {
		int left = ctl_session_days_left(app->session, app_now(app));
		char text[300];
		if (left <= 0)
			snprintf(text, sizeof(text), "%s",
				 TR(app, "Your subscription ends today. Renew it in Account."));
		else
			snprintf(text, sizeof(text),
				 TRN(app, "Your subscription ends in %d day. Renew it in Account.",
				     "Your subscription ends in %d days. Renew it in Account.", left),
				 left);
		ui_toast_show(app->ui, text, 8000);
	}
	message_show(app);
}

const struct app_screen_class app_screen_account_class = {
	.name = "account",
	.build = build,
	.free_state = account_free,
};
