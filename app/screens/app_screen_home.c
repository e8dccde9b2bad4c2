/* SPDX-License-Identifier: MIT */
/* Home: the way into everything (Live TV, Guide, Movies, Series, Search, Favourites, Continue
 * watching, Account, Settings), the account at a glance, the operator's message of the day once, the
 * expiry reminder at the thresholds of operator.json (7, 3, 1 days and on the day) and operator
 * messages (app_account_banner). */
#include "app.h"
#include "app_pin.h"
#include "app_vod.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct tile {
	enum app_screen screen;
	const char *id, *label; /* label: an English msgid */
};

static const struct tile tiles[] = {
	{ APP_SCREEN_LIVE, "live", N_("Live TV") },
	{ APP_SCREEN_GUIDE, "guide", N_("Guide") },
	{ APP_SCREEN_MOVIES, "movies", N_("Movies") },
	{ APP_SCREEN_SERIES, "series", N_("Series") },
	{ APP_SCREEN_SEARCH, "search", N_("Search") },
	{ APP_SCREEN_FAVOURITES, "favourites", N_("Favourites") },
	{ APP_SCREEN_CONTINUE, "continue", N_("Continue watching") },
	{ APP_SCREEN_ACCOUNT, "account", N_("Account") },
	{ APP_SCREEN_SETTINGS, "settings", N_("Settings") },
};

static void open_tile(void *user, struct ui_widget *w)
{
	struct app *app = user;
	const char *id = ui_widget_id(w);
	for (size_t i = 0; i < sizeof(tiles) / sizeof(tiles[0]); i++)
		if (strcmp(id, tiles[i].id) == 0)
			app_show(app, tiles[i].screen, true);
}

/* "Active · expires 2027-11-22 (365 days)" in the UI language. */
static void account_line(const struct app *app, char *out, size_t cap)
{
	const struct account_info *i = ctl_session_account(app->session);
	if (i->exp_date <= 0) {
		snprintf(out, cap, "%s", TR(app, "Subscription: unlimited"));
		return;
	}
	char date[32];
	app_vod_date_text(i->exp_date, date, sizeof(date));           /* the same date as Account shows */
	int days = ctl_session_days_left(app->session, app_now(app)); /* the one Account shows too */
	snprintf(out, cap,
		 TRN(app, "Subscription expires %s (%d day)", "Subscription expires %s (%d days)", days),
		 date, days);
}

static void motd(struct app *app)
{
	const char *m = ctl_session_account(app->session)->message;
	if (!app->account || !m[0] || !account_motd_take(app->account, m))
		return;
	const char *ok[] = { TR(app, "OK") };
	ui_dialog_open(app->ui, TR(app, "Message from your provider"), m, ok, 1, NULL, NULL);
}

/* The message of the day first, then the expiry reminder and operator messages (account screen). */
static void announce(void *user)
{
	motd(user);
	app_account_banner(user);
}

static bool home_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct app *app = user;
	if (a == PLAT_ACT_EPG)
		return app_show(app, APP_SCREEN_GUIDE, true) == 0;
	if (a == PLAT_ACT_BACK)
		return true; /* home is the bottom of the stack */
	if (a == PLAT_ACT_RECALL) {
		/* the channel before the current one, through the gate: it may have been locked since */
		int64_t id = ctl_lineup_recall(app->lineup);
		if (id)
			app_pin_play_live(app, id, CTL_ZAP_RECALL, "recall");
		return id != 0;
	}
	return false;
}

static struct ui_widget *build(struct app *app)
{
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = ui_screen_create(app->ui, "home");
	if (!s)
		return NULL;
	ui_screen_on_action(s, home_keys, app);
	struct ui_text_style title = { .size = t->text_huge, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	struct ui_text_style dim = { .size = t->text_body,
				     .color = t->text_dim,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_label_create(s, (struct ui_rect){ 100, 50, 1000, 120 }, app->prov.name, &title);
	char line[200];
	account_line(app, line, sizeof(line));
	ui_widget_set_id(ui_label_create(s, (struct ui_rect){ 100, 170, 1720, 60 }, line, &dim),
			 "account-line");

	struct ui_widget *grid = ui_box_create(s, (struct ui_rect){ 100, 280, 1720, 720 });
	ui_widget_set_wrap(grid, true, false);
	struct ui_widget *first = NULL;
	for (size_t i = 0; i < sizeof(tiles) / sizeof(tiles[0]); i++) {
		int col = (int)(i % 3), row = (int)(i / 3);
		struct ui_widget *b =
		    ui_button_create(grid, (struct ui_rect){ col * 580, row * 240, 540, 200 },
				     TR(app, tiles[i].label), open_tile, app);
		ui_widget_set_id(b, tiles[i].id);
		if (!first)
			first = b;
	}
	ui_widget_focus(first);
	/* once home is on screen: a dialog opened now would go under the stack reset that shows home */
	ui_ctx_later(app->ui, announce, app);
	return s;
}

const struct app_screen_class app_screen_home_class = {
	.name = "home",
	.build = build,
};
