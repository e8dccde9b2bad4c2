/* SPDX-License-Identifier: MIT */
/* The UI thread's loop: remote controls handed over from their reader thread, desktop keys, task
 * results and player events, each frame; and the headless script runner with its hooks (state
 * reports, `idle`, `sleep`). */
#include "app.h"
#include "app_loop.h"

#include "plat_clock.h"
#include "plat_log.h"
#include "ui_script.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void app_loop_wake(void *opaque)
{
	const struct app *app = opaque;
	SDL_Event ev = { .type = app->wake_event };
	SDL_PushEvent(&ev);
}

/* ---- remote controls ---- */

/* On the input thread: hand the action to the UI thread as an SDL event (thread-safe push). */
static void on_remote(void *ud, const struct plat_input_event *ev)
{
	const struct app *app = ud;
	SDL_Event e = { .type = app->input_event };
	e.user.code = (Sint32)ev->action;
	SDL_PushEvent(&e);
}

/* Reads remotes from dir (a box: /dev/input, grabbed so no key arrives twice; tests: a folder of
 * FIFOs fed with struct input_event records). */
void app_loop_start_remotes(struct app *app, const char *dir, bool box)
{
	if (!dir || !app->keymap)
		return;
	struct plat_evdev_set_options o = { .dir = dir, .accept_any = !box, .device = { .grab = box } };
	int rc = plat_evdev_set_create(app->keymap, &o, &app->remotes);
	if (rc == 0)
		rc = plat_evdev_runner_start(app->remotes, on_remote, app, &app->remote_thread);
	if (rc < 0)
		plat_log_warn("app", "remote controls in %s: %s", dir, strerror(-rc));
}

/* Remote actions queued since the last call (headless runs, where no SDL loop drains events). */
static void drain_remotes(struct app *app)
{
	SDL_Event ev;
	while (app->remote_thread &&
	       SDL_PeepEvents(&ev, 1, SDL_GETEVENT, app->input_event, app->input_event) == 1)
		ui_ctx_action(app->ui, (enum plat_action)ev.user.code);
}

/* ---- the loop ---- */

enum plat_action app_loop_map_key(void *user, int sdl_keycode)
{
	const struct plat_keymap *km = user;
	return km ? plat_keymap_keyboard(km, sdl_keycode) : PLAT_ACT_NONE;
}

static void tick(struct app *app)
{
	plat_tasks_drain(app->tasks);
	app_playback_tick(app);
	app_session_tick(app);
}

static void hook_tick(void *user, struct ui_ctx *ctx)
{
	drain_remotes(user);
	tick(user);
}

static void hook_state(void *user, struct ui_ctx *ctx, json_t *o)
{
	struct app *app = user;
	json_object_set_new(o, "lang", json_string(app->settings.lang));
	json_object_set_new(o, "logged_in", json_boolean(app->logged_in));
	app_playback_state(app, o);
	app_screens_report(app, o);
	if (!app->logged_in && app->login.outcome != XT_LOGIN_OK) {
		char msg[600];
		app_login_message(app, msg, sizeof(msg));
		json_object_set_new(o, "login",
				    json_pack("{s:s,s:s}", "outcome",
					      xt_login_outcome_name(app->login.outcome), "message", msg));
	}
}

/* `idle` waits (real time) until the background worker has nothing in flight: login, sync. */
static int hook_command(void *user, struct ui_ctx *ctx, const char *cmd, const char *arg)
{
	struct app *app = user;
	if (strcmp(cmd, "sleep") == 0) {
		/* real time, for input that comes from outside the script (a remote through --input) */
		uint64_t until = plat_clock_mono_ms() + (uint64_t)strtoul(arg ? arg : "0", NULL, 10);
		while (plat_clock_mono_ms() < until) {
			plat_clock_sleep_ms(10);
			hook_tick(app, ctx);
			ui_ctx_frame(ctx, false);
		}
		return 0;
	}
	if (strcmp(cmd, "idle") == 0) {
		long limit = arg && arg[0] ? strtol(arg, NULL, 10) : 60000;
		uint64_t until = plat_clock_mono_ms() + (uint64_t)(limit > 0 ? limit : 0);
		while (plat_tasks_pending(app->tasks) > 0 && plat_clock_mono_ms() < until) {
			plat_clock_sleep_ms(20);
			tick(app);
			ui_ctx_frame(ctx, false);
		}
		ui_script_settle(ctx, 5000);
		return 0;
	}
	return -ENOENT;
}

/* A desktop key. While the on-screen keyboard has the focus, the desktop keyboard types into it:
 * printable keys arrive as SDL_TEXTINPUT (so they are not actions), Backspace deletes and Enter
 * finishes, as a viewer at a computer expects. */
static enum plat_action desktop_key(struct app *app, SDL_Keycode sym)
{
	const struct ui_widget *f = ui_focused(app->ui);
	if (f && strcmp(ui_widget_kind(f), "keyboard") == 0) {
		if (sym >= 32 && sym < 127)
			return PLAT_ACT_NONE;
		if (sym == SDLK_BACKSPACE)
			return PLAT_ACT_RED;
		if (sym == SDLK_RETURN || sym == SDLK_KP_ENTER)
			return PLAT_ACT_GREEN;
	}
	return app_loop_map_key(app->keymap, sym);
}

int app_loop_run(struct app *app)
{
	bool quit = false;
	ui_ctx_frame(app->ui, true);
	while (!quit) {
		int timeout = ui_ctx_next_deadline(app->ui);
		if (app->playing.session > 0 && (timeout < 0 || timeout > 10))
			timeout = 10; /* video frames are due */
		SDL_Event ev;
		int got = timeout < 0 ? SDL_WaitEvent(&ev) : SDL_WaitEventTimeout(&ev, timeout);
		while (got) {
			if (ev.type == SDL_QUIT) {
				quit = true;
			} else if (ev.type == SDL_KEYDOWN) {
				enum plat_action a = desktop_key(app, ev.key.keysym.sym);
				if (a == PLAT_ACT_QUIT)
					quit = true;
				else if (a != PLAT_ACT_NONE)
					ui_ctx_action(app->ui, a);
			} else if (ev.type == app->input_event) {
				ui_ctx_action(app->ui, (enum plat_action)ev.user.code);
			} else if (ev.type == SDL_TEXTINPUT) {
				ui_ctx_type_text(app->ui, ev.text.text);
			} else if (ev.type == SDL_WINDOWEVENT) {
				ui_ctx_frame(app->ui, true);
			}
			got = SDL_PollEvent(&ev);
		}
		tick(app);
		ui_ctx_frame(app->ui, false);
	}
	return 0;
}

int app_loop_script(struct app *app, const char *script, const char *snap, char *err, size_t cap)
{
	struct ui_script_hooks hooks = {
		.state = hook_state, .tick = hook_tick, .command = hook_command, .user = app
	};
	if (script)
		return ui_script_run_file(app->ui, script, snap, &hooks, err, cap);
	return ui_script_run(app->ui, "idle\nwait 500\nsnap screen\n", snap ? snap : ".", &hooks, err, cap);
}
