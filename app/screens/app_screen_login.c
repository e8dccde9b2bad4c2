/* SPDX-License-Identifier: MIT */
/* First run: the server URL, username and password typed on the on-screen keyboard (the server is
 * hidden when operator.json names the panels), sign in through the session controller, and a clear
 * sentence for every failure with the way forward (retry, renew, contact the provider): the shell
 * calls app_login_failed() when the session reports a failed login. */
#include "app.h"
#include "app_vod.h"
#include "plat_http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field { FIELD_SERVER, FIELD_USER, FIELD_PASS };

/* What the viewer types lives here until sign-in hands it to the session (ctl_session_set_credentials):
 * the session's copies are the truth; the form starts from them on its first build. */
struct app_login_ui {
	struct app *app;
	struct ui_widget *screen, *fields[3], *status, *spinner, *sign_in;
	struct ui_widget *kb_screen, *kb;
	enum field editing;
	char server[512];
	char username[128];
	char password[128];
};

static char *field_buf(struct app_login_ui *l, enum field f, size_t *cap)
{
	if (f == FIELD_SERVER)
		return *cap = sizeof(l->server), l->server;
	if (f == FIELD_USER)
		return *cap = sizeof(l->username), l->username;
	return *cap = sizeof(l->password), l->password;
}

static const char *field_value(const struct app_login_ui *l, enum field f)
{
	return f == FIELD_SERVER ? l->server : f == FIELD_USER ? l->username : l->password;
}

static void field_label(const struct app_login_ui *l, enum field f, char *out, size_t cap)
{
	const struct app *app = l->app;
	static const char *const labels[] = { N_("Server"), N_("Username"), N_("Password") };
	const char *v = field_value(l, f);
	char shown[160];
	if (f == FIELD_PASS && v[0]) {
		size_t n = strlen(v) < sizeof(shown) - 1 ? strlen(v) : sizeof(shown) - 1;
		memset(shown, '*', n);
		shown[n] = '\0';
	} else {
		snprintf(shown, sizeof(shown), "%s", v[0] ? v : "-");
	}
	snprintf(out, cap, "%s: %s", TR(app, labels[f]), shown);
}

static void refresh_fields(struct app_login_ui *l)
{
	for (int f = 0; f < 3; f++) {
		char text[256];
		field_label(l, (enum field)f, text, sizeof(text));
		ui_button_set_text(l->fields[f], text);
	}
}

static void keyboard_done(void *user, struct ui_widget *w, const char *utf8)
{
	struct app_login_ui *l = user;
	struct app *app = l->app;
	size_t cap = 0;
	char *dst = field_buf(l, l->editing, &cap);
	snprintf(dst, cap, "%s", utf8);
	refresh_fields(l);
	ui_screen_pop(app->ui);
	ui_widget_focus(l->editing == FIELD_PASS ? l->sign_in : l->fields[l->editing + 1]);
}

static void edit_field(void *user, struct ui_widget *w)
{
	struct app_login_ui *l = user;
	struct app *app = l->app;
	for (int f = 0; f < 3; f++)
		if (l->fields[f] == w)
			l->editing = (enum field)f;
	ui_keyboard_set_text(l->kb, field_value(l, l->editing));
	ui_keyboard_set_secret(l->kb, l->editing == FIELD_PASS);
	ui_keyboard_set_layout(l->kb, UI_KB_LATIN); /* URLs and credentials are Latin */
	ui_screen_push(app->ui, l->kb_screen);
	ui_widget_focus(l->kb);
}

static void sign_in(void *user, struct ui_widget *w)
{
	struct app_login_ui *l = user;
	struct app *app = l->app;
	if (!l->server[0] || !l->username[0] || !l->password[0]) {
		ui_label_set_text(l->status, TR(app, "Enter the server, your username and your password."));
		return;
	}
	ctl_session_set_credentials(app->session, l->server, l->username, l->password);
	ui_label_set_text(l->status, TR(app, "Signing in…"));
	ui_widget_set_visible(l->spinner, true);
	if (app_session_login(app) < 0) {
		ui_label_set_text(l->status, TR(app, "Busy, try again in a moment."));
		ui_widget_set_visible(l->spinner, false);
	}
}

void app_login_failed(struct app *app)
{
	struct app_login_ui *l = app->login_ui;
	if (!l)
		return;
	const struct xt_login *last = ctl_session_last_login(app->session);
	app_show(app, APP_SCREEN_LOGIN, false);
	char msg[600];
	app_login_message(app, msg, sizeof(msg));
	if (last->outcome == XT_LOGIN_EXPIRED && app->prov.renewal_page[0]) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, " %s",
			 TR(app,
			    "You can renew from your phone: open Account after signing in, or visit your "
			    "provider."));
	}
	ui_label_set_text(l->status, msg);
	ui_widget_set_visible(l->spinner, false);
	ui_widget_focus(last->outcome == XT_LOGIN_WRONG_CREDENTIALS ? l->fields[FIELD_USER] : l->sign_in);
}

/* plat_http_strerror()'s sentences, listed for scripts/update-pot only: the screen translates the
 * text plat_http returns (TR(app, plat_http_strerror(e))), so the English has one source. */
static const char *const http_msgids[] __attribute__((unused)) = {
	N_("The server's name could not be found."),
	N_("Nothing answers at the server's address."),
	N_("The server did not answer in time."),
	N_("The server is sending too slowly."),
	N_("The connection to the server was cut."),
	N_("The server sent more data than this box accepts."),
	N_("The server's answer unpacks to more data than this box accepts."),
	N_("The server's certificate is not trusted."),
	N_("A secure connection to the server could not be made."),
	N_("The server kept redirecting."),
	N_("The server redirected to another kind of address (such as from https to unencrypted "
	   "http), which this box does not follow."),
	N_("The server address is not valid."),
	N_("The server's answer is not valid."),
	N_("The network failed."),
};

/* The sentence of one outcome (xt_login_message's English is the msgid, so both languages say the
 * same thing, the XUI refusal included). */
static int outcome_message(const struct app *app, const struct xt_login *l, enum xt_login_outcome o,
			   char *out, size_t cap)
{
	char date[32] = "";
	if (l->user.exp_date > 0)
		app_vod_date_text(l->user.exp_date, date, sizeof(date));
	switch (o) {
	case XT_LOGIN_OK:
		if (date[0])
			return snprintf(out, cap, TR(app, "Signed in. Your subscription runs until %s."),
					date);
		return snprintf(out, cap, "%s", TR(app, "Signed in. Your subscription has no end date."));
	case XT_LOGIN_WRONG_CREDENTIALS:
		if (l->http_status == 404) /* XUI hides every refusal behind the same page */
			return snprintf(out, cap, "%s",
					TR(app,
					   "The service refused this login: wrong username or password, or "
					   "the subscription has expired or been suspended."));
		return snprintf(out, cap, "%s",
				TR(app, "Wrong username or password. Check them and try again."));
	case XT_LOGIN_EXPIRED:
		if (date[0])
			return snprintf(
			    out, cap,
			    TR(app, "Your subscription expired on %s. Renew it with your provider."), date);
		return snprintf(out, cap, "%s",
				TR(app, "Your subscription has expired. Renew it with your provider."));
	case XT_LOGIN_BANNED:
		return snprintf(
		    out, cap, "%s",
		    TR(app, "This account has been banned by the provider. Please contact them."));
	case XT_LOGIN_DISABLED:
		return snprintf(out, cap, "%s",
				TR(app, "This account is disabled. Please contact your provider."));
	case XT_LOGIN_INACTIVE:
		return snprintf(out, cap,
				TR(app, "This account is not active (%s). Please contact your provider."),
				l->user.status_text[0] ? l->user.status_text : TR(app, "unknown state"));
	case XT_LOGIN_NOT_A_PANEL:
		if (l->web_page)
			return snprintf(
			    out, cap, "%s",
			    TR(app, "This server answered with a web page, not the IPTV service. Check "
				    "the server address, or try again later if the service is down."));
		return snprintf(
		    out, cap, "%s",
		    TR(app, "This server does not answer like an IPTV service. Check the server address."));
	case XT_LOGIN_UNREACHABLE:
		/* an untrusted certificate, a redirect loop...: its own sentence, not "cannot be reached" */
		if (xt_login_net_specific(l->net_error))
			return snprintf(out, cap, "%s %s",
					TR(app, plat_http_strerror(xt_login_net_http(l->net_error))),
					TR(app, "Check the server address or ask your provider."));
		return snprintf(
		    out, cap, "%s",
		    TR(app, "The server cannot be reached. Check the address and your internet connection."));
	case XT_LOGIN_TIMED_OUT:
		if (l->net_error == PLAT_HTTP_ESTALLED)
			return snprintf(out, cap, "%s",
					TR(app, "The server is sending too slowly. Please try again later."));
		return snprintf(out, cap, "%s",
				TR(app, "The server did not answer in time. Please try again later."));
	case XT_LOGIN_SERVER_ERROR:
		if (l->server_retry_after_s >= 0) /* the panel said when */
			return snprintf(out, cap,
					TRN(app,
					    "The service is busy (HTTP %d). You can try again in %d second.",
					    "The service is busy (HTTP %d). You can try again in %d seconds.",
					    l->server_retry_after_s),
					l->http_status, l->server_retry_after_s);
		return snprintf(out, cap,
				TR(app, "The service has a problem (HTTP %d). Please try again later."),
				l->http_status);
	case XT_LOGIN_BACKING_OFF:
		break;
	}
	return snprintf(out, cap, "%s", TR(app, "Please wait before trying again."));
}

int app_login_message(const struct app *app, char *out, size_t cap)
{
	const struct xt_login *l = ctl_session_last_login(app->session);
	if (cap == 0)
		return -ENOSPC;
	if (l->outcome != XT_LOGIN_BACKING_OFF)
		return outcome_message(app, l, l->outcome, out, cap);
	char prev[400];
	outcome_message(app, l, l->previous, prev, sizeof(prev));
	long long secs = (long long)(l->retry_after_ms + 999) / 1000;
	return snprintf(
	    out, cap,
	    TRN(app, "%s You can try again in %lld second.", "%s You can try again in %lld seconds.", secs),
	    prev, secs);
}

static struct ui_widget *build_keyboard(struct app_login_ui *l)
{
	struct app *app = l->app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = ui_screen_create(app->ui, "login-keyboard");
	struct ui_text_style title = { .size = t->text_title, .flags = UI_TEXT_MIDDLE };
	ui_label_create(s, (struct ui_rect){ 120, 40, 1680, 90 }, TR(app, "Type, then choose Done"), &title);
	l->kb = ui_keyboard_create(s, (struct ui_rect){ 260, 160, 1400, 760 }, UI_KB_LATIN, keyboard_done, l);
	ui_widget_set_id(l->kb, "keyboard");
	return s;
}

static struct ui_widget *build(struct app *app)
{
	struct app_login_ui *l = app->login_ui;
	if (!l) {
		l = app->login_ui = calloc(1, sizeof(*l));
		if (!l)
			return NULL;
		snprintf(l->server, sizeof(l->server), "%s", ctl_session_server(app->session));
		snprintf(l->username, sizeof(l->username), "%s", ctl_session_username(app->session));
		snprintf(l->password, sizeof(l->password), "%s", ctl_session_password(app->session));
	}
	l->app = app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = l->screen = ui_screen_create(app->ui, "login");
	if (!s)
		return NULL;
	struct ui_text_style huge = { .size = t->text_huge, .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER };
	struct ui_text_style body = { .size = t->text_body,
				      .flags = UI_TEXT_WRAP | UI_TEXT_CENTER | UI_TEXT_ELLIPSIS,
				      .max_lines = 4 };
	ui_label_create(s, (struct ui_rect){ 360, 90, 1200, 150 }, app->prov.name, &huge);
	ui_label_create(s, (struct ui_rect){ 360, 240, 1200, 60 },
			TR(app, "Sign in with the details from your provider"), &body);
	struct ui_widget *form = ui_box_create(s, (struct ui_rect){ 560, 330, 800, 500 });
	ui_widget_set_wrap(form, false, true);
	int y = 0;
	static const char *const ids[] = { "server", "username", "password" };
	for (int f = 0; f < 3; f++) {
		l->fields[f] = ui_button_create(form, (struct ui_rect){ 0, y, 800, 90 }, "", edit_field, l);
		ui_widget_set_id(l->fields[f], ids[f]);
		/* a provisioned box does not ask for the server */
		if (f == FIELD_SERVER && app->prov.panel_count > 0)
			ui_widget_set_visible(l->fields[f], false);
		else
			y += 110;
	}
	l->sign_in =
	    ui_button_create(form, (struct ui_rect){ 0, y + 20, 800, 100 }, TR(app, "Sign in"), sign_in, l);
	ui_widget_set_id(l->sign_in, "sign-in");
	l->status = ui_label_create(s, (struct ui_rect){ 260, 860, 1400, 180 }, "", &body);
	ui_widget_set_id(l->status, "status");
	l->spinner = ui_spinner_create(s, (struct ui_rect){ 920, 780, 80, 80 });
	bool signing_in = l->username[0] && l->password[0]; /* the shell logs in at once then */
	ui_widget_set_visible(l->spinner, signing_in);
	if (l->spinner && signing_in)
		ui_label_set_text(l->status, TR(app, "Signing in…"));
	refresh_fields(l);
	ui_screen_destroy(&l->kb_screen); /* from an earlier build (a language switch) */
	l->kb_screen = build_keyboard(l);
	ui_widget_focus(app->prov.panel_count > 0 ? l->fields[FIELD_USER] : l->fields[FIELD_SERVER]);
	return s;
}

const struct app_screen_class app_screen_login_class = {
	.name = "login",
	.build = build,
};
