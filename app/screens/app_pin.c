/* SPDX-License-Identifier: MIT */
/* The parental PIN prompt every screen shares, and the gate of the plays that may meet the lock: a
 * held play keeps its own copy of what to retry (mpv's dispatch: a closure with copied arguments),
 * the prompt unlocks through the parental controller, and the continuation runs once the prompt is
 * off the stack. */
#include "app_pin.h"

#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct app_pin {
	struct app *app;
	struct ui_widget *screen, *kb, *msg, *why;
	app_pin_then_fn then;
	unsigned char arg[APP_PIN_ARG_MAX];
	size_t len;
	bool pending; /* then has not run (nor been dropped) yet */
};

void app_pin_free(struct app_pin **pin)
{
	if (!pin || !*pin)
		return;
	/* the screen belongs to the UI context, which is gone by now */
	free(*pin);
	*pin = NULL;
}

static struct app_pin *pin_state(struct app *app)
{
	struct app_pin **slot = &app->pin;
	if (!*slot) {
		*slot = calloc(1, sizeof(**slot));
		if (*slot)
			(*slot)->app = app;
	}
	return *slot;
}

bool app_pin_open(const struct app *app)
{
	const struct app_pin *p = app->pin;
	return p && p->screen && ui_screen_top(app->ui) == p->screen;
}

static void run_then(void *user)
{
	struct app_pin *p = user;
	if (!p->pending)
		return;
	p->pending = false;
	unsigned char arg[APP_PIN_ARG_MAX];
	memcpy(arg, p->arg, p->len);
	p->then(p->app, arg);
}

static void pin_done(void *user, struct ui_widget *w, const char *text)
{
	struct app_pin *p = user;
	struct app *app = p->app;
	int rc = ctl_parental_unlock(app->parental, text);
	ui_keyboard_set_text(w, "");
	if (rc < 0) {
		ui_label_set_text(p->msg, rc == -ENOENT ? TR(app, "No PIN is set yet: set one in Settings")
							: TR(app, "Wrong PIN"));
		return;
	}
	if (ui_screen_top(app->ui) == p->screen)
		ui_screen_pop(app->ui);
	ui_toast_show(app->ui, TR(app, "Unlocked until the box restarts"), 3000);
	/* the screens that hide locked rows show them now */
	app_screens_changed(app, APP_CHANGED_CATALOGUE);
	/* after this key has been handled: the continuation may push the player */
	if (p->pending && ui_ctx_later(app->ui, run_then, p) < 0)
		run_then(p);
}

static bool pin_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct app_pin *p = user;
	if (a == PLAT_ACT_BACK)
		p->pending = false; /* nothing plays; the context pops the prompt */
	return false;
}

static int pin_build(struct app_pin *p)
{
	struct app *app = p->app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = ui_screen_create(app->ui, "pin");
	if (!s)
		return -ENOMEM;
	ui_screen_set_overlay(s, true);
	ui_screen_on_action(s, pin_keys, p);
	struct ui_widget *panel = ui_box_create(s, (struct ui_rect){ 260, 90, 1400, 900 });
	ui_widget_set_background(panel, t->surface_alt);
	struct ui_text_style title = { .size = t->text_title, .flags = UI_TEXT_MIDDLE };
	ui_label_create(panel, (struct ui_rect){ 40, 20, 1320, 80 }, TR(app, "Enter your parental PIN"),
			&title);
	struct ui_text_style msg = { .size = t->text_body, .color = t->text_dim, .flags = UI_TEXT_MIDDLE };
	p->msg = ui_label_create(panel, (struct ui_rect){ 40, 100, 1320, 60 }, "", &msg);
	ui_widget_set_id(p->msg, "pin_message");
	p->kb = ui_keyboard_create(panel, (struct ui_rect){ 0, 170, 1400, 720 }, UI_KB_LATIN, pin_done, p);
	ui_widget_set_id(p->kb, "pin");
	ui_keyboard_set_secret(p->kb, true);
	p->screen = s;
	return 0;
}

int app_pin_ask(struct app *app, const char *why, app_pin_then_fn then, const void *arg, size_t len)
{
	struct app_pin *p = pin_state(app);
	if (!p || len > APP_PIN_ARG_MAX)
		return p ? -E2BIG : -ENOMEM;
	if (p->screen && ui_screen_top(app->ui) == p->screen)
		ui_screen_pop(app->ui);
	/* built for each question: the language may have changed and a screen reset may have taken the
	 * old one off the stack (the context frees it with the others) */
	if (p->screen)
		ui_screen_destroy(&p->screen);
	int rc = pin_build(p);
	if (rc < 0)
		return rc;
	p->then = then;
	p->len = then ? len : 0;
	if (p->len)
		memcpy(p->arg, arg, len);
	p->pending = then != NULL;
	ui_label_set_text(p->msg, why ? why : "");
	rc = ui_screen_push(app->ui, p->screen);
	if (rc == 0)
		ui_widget_focus(p->kb);
	return rc;
}

/* ---- the gates ---- */

struct live_retry {
	int64_t stream_id;
	enum ctl_zap_from from;
	char how[16];
};

static void retry_live(struct app *app, const void *arg)
{
	const struct live_retry *r = arg;
	int rc = app_pin_play_live(app, r->stream_id, r->from, r->how);
	if (rc < 0 && rc != -EACCES)
		ui_toast_show(app->ui,
			      app_playing(app)->error[0] ? app_playing(app)->error
							 : TR(app, "This channel cannot be played."),
			      4000);
}

int app_pin_play_live(struct app *app, int64_t stream_id, enum ctl_zap_from from, const char *how)
{
	int rc = ctl_lineup_zap(app->lineup, stream_id, from);
	if (rc == -EACCES) {
		struct live_retry r = { .stream_id = stream_id, .from = from };
		snprintf(r.how, sizeof(r.how), "%s", how ? how : "ok");
		int prc = app_pin_ask(app, TR(app, "This channel is locked."), retry_live, &r, sizeof(r));
		return prc < 0 ? prc : -EACCES;
	}
	if (rc < 0) {
		plat_log_warn("pin", "zap to %lld: %s", (long long)stream_id, strerror(-rc));
		return rc;
	}
	return app_play_live(app, stream_id, how);
}

struct catchup_retry {
	int64_t stream_id, start, end;
	char title[256];
};

static void retry_catchup(struct app *app, const void *arg)
{
	const struct catchup_retry *r = arg;
	int rc = app_pin_play_catchup(app, r->stream_id, r->start, r->end, r->title);
	if (rc < 0 && rc != -EACCES)
		ui_toast_show(app->ui, TR(app, "This programme cannot be played."), 3000);
}

int app_pin_play_catchup(struct app *app, int64_t stream_id, int64_t start, int64_t end, const char *title)
{
	/* a catch-up is the channel's archive: the same lock as the channel, but no zap to recall */
	int rc = ctl_parental_check(app->parental, LIBRARY_LIVE, stream_id);
	if (rc == -EACCES) {
		struct catchup_retry r = { .stream_id = stream_id, .start = start, .end = end };
		snprintf(r.title, sizeof(r.title), "%s", title ? title : "");
		int prc = app_pin_ask(app, TR(app, "This channel is locked."), retry_catchup, &r, sizeof(r));
		return prc < 0 ? prc : -EACCES;
	}
	return app_play_catchup(app, stream_id, start, end, title);
}

int app_pin_check(struct app *app, enum library_kind kind, int64_t id, app_pin_then_fn then, const void *arg,
		  size_t len)
{
	if (ctl_parental_check(app->parental, kind, id) == 0)
		return 0;
	int rc = app_pin_ask(app,
			     kind == LIBRARY_SERIES ? TR(app, "This series is locked.")
						    : TR(app, "This movie is locked."),
			     then, arg, len);
	return rc < 0 ? rc : -EACCES;
}
