/* SPDX-License-Identifier: MIT */
/* The UI thread's loop: remote controls handed over from their reader thread, desktop keys, task
 * results and player events, each frame; and the headless script runner with its hooks (state
 * reports, `idle`, `sleep`).
 *
 * The loop never polls. It sleeps until something is due: input (desktop keys, a remote's action
 * pushed by the evdev thread), a task result (app_loop_wake), a player wake-up (an event, a picture
 * due), a finished image, or the earliest deadline (the UI's animations and toasts, the app's timers
 * of app_loop_timer_at()). Where the video driver really sleeps in SDL_WaitEvent (x11, wayland) it
 * sleeps there; the others (dummy, kmsdrm) would poll every millisecond inside SDL, so there the
 * loop sleeps in poll() on a pipe that every wake source writes (SIGTERM interrupts it and becomes
 * SDL_QUIT). It also measures itself: the wake-ups, and the longest time a wake waited for the
 * frame that answered it (QANAT_LOOP_STATS=1 prints both on exit; `state` reports them). */
#include "app.h"
#include "app_loop.h"
#include "app_box.h"
#include "app_gate.h"

#include "plat_clock.h"
#include "plat_log.h"
#include "ui_script.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { TIMER_SLOTS = 8 };

/* The loop's own state (app->loop): UI thread, except what the wake-ups read from other threads:
 * player_event, sdl_waits, pipe_wr and thread are fixed while they can be called (set before the
 * player's, the UI's and SDL's wake-ups are installed, and kept until they are removed, each
 * synchronously), player_pending is atomic. */
struct app_loop {
	struct app *app;
	uint32_t player_event;       /* SDL user event: the player has news (at most one queued) */
	_Atomic bool player_pending; /* a player_event is queued and the loop has not taken it */
	bool sdl_waits;              /* the video driver sleeps in SDL_WaitEvent (x11, wayland) */
	bool armed;                  /* app_loop_run installed the wake-ups */
	int pipe_rd, pipe_wr;        /* else the loop sleeps in poll() on this pipe, -1 when none */
	SDL_threadID thread;         /* the UI thread: its own pushes need no pipe write */
	/* app_loop_timer_at: pending deadlines (plat_clock_mono_ms), sorted, earliest first */
	int64_t timers[TIMER_SLOTS];
	size_t n_timers;
	/* figures */
	unsigned long wakeups;
	int64_t longest_gap_ms;
	int64_t due_ms;   /* the earliest wake not answered by a frame yet, -1 when none */
	int64_t since_ms; /* the loop started: what was queued before is due from then (cold start) */
};

/* The loop state, made on first use (UI thread). NULL when out of memory. */
static struct app_loop *loop_get(struct app *app)
{
	if (app->loop)
		return app->loop;
	struct app_loop *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->app = app;
	l->pipe_rd = l->pipe_wr = -1;
	l->due_ms = -1;
	app->loop = l;
	return l;
}

void app_loop_free(struct app *app)
{
	app_gate_free(app);
	app_box_free(app);
	free(app->loop);
	app->loop = NULL;
}

/* ---- figures ---- */

static int64_t now_ms(void)
{
	return (int64_t)plat_clock_mono_ms();
}

/* When an SDL event was pushed, on our clock (SDL stamps events with SDL_GetTicks()). */
static int64_t event_ms(const SDL_Event *ev, int64_t now)
{
	Uint32 age = SDL_GetTicks() - ev->common.timestamp;
	return age < 3600u * 1000u ? now - (int64_t)age : now;
}

/* Something became due at due_ms (an event's arrival, a deadline, a picture ready). */
static void note_due(struct app_loop *l, int64_t due_ms)
{
	if (!l)
		return;
	if (due_ms < l->since_ms)
		due_ms = l->since_ms;
	if (l->due_ms < 0 || due_ms < l->due_ms)
		l->due_ms = due_ms;
}

/* The frame that answers what was due is presented (or nothing needed drawing). */
static void note_answered(struct app_loop *l)
{
	if (!l || l->due_ms < 0)
		return;
	int64_t gap = now_ms() - l->due_ms;
	if (gap > l->longest_gap_ms)
		l->longest_gap_ms = gap;
	l->due_ms = -1;
}

static void print_stats(const struct app_loop *l)
{
	const char *env = getenv("QANAT_LOOP_STATS");
	if (l && env && strcmp(env, "1") == 0)
		fprintf(stderr, "qanat: loop: wakeups %lu, longest frame gap %lld ms\n", l->wakeups,
			(long long)l->longest_gap_ms);
}

/* ---- timers ---- */

/* Earliest wins: a deadline already pending is kept once; with every slot taken the new one merges
 * with the latest pending one (the loop wakes at the earlier of the two, never later than asked). */
void app_loop_timer_at(struct app *app, int64_t mono_ms)
{
	struct app_loop *l = loop_get(app);
	if (!l)
		return;
	size_t i = 0;
	while (i < l->n_timers && l->timers[i] < mono_ms)
		i++;
	if (i < l->n_timers && l->timers[i] == mono_ms)
		return;
	if (l->n_timers == TIMER_SLOTS) {
		if (i == TIMER_SLOTS)
			return; /* later than all: the latest pending one wakes the loop first */
		l->n_timers--;  /* the latest merges into the new one (earlier) */
	}
	memmove(&l->timers[i + 1], &l->timers[i], (l->n_timers - i) * sizeof(l->timers[0]));
	l->timers[i] = mono_ms;
	l->n_timers++;
}

/* Drops the deadlines that are due at now, noting the earliest as the wake's due time. */
static void timers_expire(struct app_loop *l, int64_t now)
{
	size_t n = 0;
	while (n < l->n_timers && l->timers[n] <= now)
		n++;
	if (n == 0)
		return;
	note_due(l, l->timers[0]);
	memmove(&l->timers[0], &l->timers[n], (l->n_timers - n) * sizeof(l->timers[0]));
	l->n_timers -= n;
}

/* ms until the earliest deadline: the UI's next frame that differs, the app's timers; -1: none. */
static int next_timeout(struct app_loop *l, int64_t now)
{
	int64_t t = ui_ctx_next_deadline(l->app->ui);
	if (l->n_timers) {
		int64_t d = l->timers[0] > now ? l->timers[0] - now : 0;
		if (t < 0 || d < t)
			t = d;
	}
	return t > INT_MAX ? INT_MAX : (int)t;
}

/* ---- wake-ups (any thread) ---- */

static void pipe_signal(struct app_loop *l)
{
	if (l->pipe_wr < 0 || SDL_ThreadID() == l->thread)
		return;
	ssize_t n = write(l->pipe_wr, "w", 1); /* full: a wake-up is pending anyway */
	(void)n;
}

void app_loop_wake(void *opaque)
{
	const struct app *app = opaque;
	SDL_Event ev = { .type = app->wake_event };
	SDL_PushEvent(&ev); /* where SDL does not wait, wake_watch turns it into a pipe write */
}

/* SDL calls event watches on the pushing thread, under its watch lock (SDL_DelEventWatch waits for
 * it). The pushers of wake_event (task results, remotes) only know struct app, never app->loop,
 * which lives only as long as the loop: this is how they reach the pipe safely. */
static int wake_watch(void *user, SDL_Event *ev)
{
	struct app_loop *l = user;
	if (ev->type == l->app->wake_event)
		pipe_signal(l);
	return 0;
}

/* The player has news (an event, a picture due): one SDL event until the loop takes it. */
static void on_player_wake(void *opaque)
{
	struct app_loop *l = opaque;
	if (atomic_exchange(&l->player_pending, true))
		return;
	SDL_Event ev = { .type = l->player_event };
	if (l->player_event == (uint32_t)-1 || SDL_PushEvent(&ev) != 1)
		atomic_store(&l->player_pending, false);
	pipe_signal(l);
}

/* An image worker finished a load (its SDL event wakes SDL_WaitEvent by itself). */
static void on_ui_wake(void *opaque)
{
	pipe_signal(opaque);
}

/* ---- remote controls ---- */

/* On the input thread: hand the action to the UI thread as an SDL event (thread-safe push), then
 * wake the loop: the wake event comes second, so a loop woken by it finds the action queued. */
static void on_remote(void *ud, const struct plat_input_event *ev)
{
	const struct app *app = ud;
	SDL_Event e = { .type = app->input_event };
	e.user.code = (Sint32)ev->action;
	SDL_PushEvent(&e);
	app_loop_wake(ud);
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

/* Remote actions queued since the last call (headless runs, where no SDL loop drains events). Each
 * batch counts as a wake-up; its gap is the time the action waited in the queue (the script's step
 * draws the frame right after). */
static void drain_remotes(struct app *app)
{
	SDL_Event ev;
	bool any = false;
	while (app->remote_thread &&
	       SDL_PeepEvents(&ev, 1, SDL_GETEVENT, app->input_event, app->input_event) == 1) {
		note_due(app->loop, event_ms(&ev, now_ms()));
		any = true;
		ui_ctx_action(app->ui, (enum plat_action)ev.user.code);
	}
	if (any && app->loop) {
		app->loop->wakeups++;
		note_answered(app->loop);
	}
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
	json_object_set_new(o, "logged_in", json_boolean(ctl_session_logged_in(app->session)));
	app_playback_state(app, o);
	app_screens_report(app, o);
	app_box_report(app, o);
	app_gate_report(app, o);
	if (app->loop)
		json_object_set_new(o, "loop",
				    json_pack("{s:I,s:I}", "wakeups", (json_int_t)app->loop->wakeups,
					      "longest_gap_ms", (json_int_t)app->loop->longest_gap_ms));
	const struct xt_login *login = ctl_session_last_login(app->session);
	if (!ctl_session_logged_in(app->session) && login->outcome != XT_LOGIN_OK) {
		char msg[600];
		app_login_message(app, msg, sizeof(msg));
		json_object_set_new(
		    o, "login",
		    json_pack("{s:s,s:s}", "outcome", xt_login_outcome_name(login->outcome), "message", msg));
	}
}

/* `idle` waits (real time) until the background worker has nothing in flight: login, sync.
 * `playing MS` waits (real time, at most MS) until the player shows pictures: the panel makes an
 * archive minute on demand, slower on a loaded machine, and a journey checks what follows it. */
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
	if (strcmp(cmd, "playing") == 0) {
		long limit = arg && arg[0] ? strtol(arg, NULL, 10) : 20000;
		uint64_t until = plat_clock_mono_ms() + (uint64_t)(limit > 0 ? limit : 0);
		for (;;) {
			const struct ctl_now_playing *p = ctl_playback_now(app->playback);
			if ((p->session > 0 && p->state == PLAYER_STATE_PLAYING) ||
			    plat_clock_mono_ms() >= until)
				break;
			plat_clock_sleep_ms(20);
			hook_tick(app, ctx);
			ui_ctx_frame(ctx, false);
		}
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

/* Installs the wake-ups of the interactive loop: the player's and, where SDL does not wait, the
 * pipe with the UI's wake-up and the watch on wake_event. */
static void loop_arm(struct app_loop *l)
{
	struct app *app = l->app;
	const char *drv = SDL_GetCurrentVideoDriver();
	l->sdl_waits = drv && (strcmp(drv, "x11") == 0 || strcmp(drv, "wayland") == 0);
	l->thread = SDL_ThreadID();
	l->player_event = SDL_RegisterEvents(1);
	int fds[2];
	if (!l->sdl_waits && pipe(fds) == 0) {
		for (int i = 0; i < 2; i++) {
			fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
			fcntl(fds[i], F_SETFD, FD_CLOEXEC);
		}
		l->pipe_rd = fds[0];
		l->pipe_wr = fds[1];
		SDL_AddEventWatch(wake_watch, l);
		ui_ctx_set_wake(app->ui, on_ui_wake, l);
	} else if (!l->sdl_waits) {
		plat_log_warn("app", "no pipe for the UI loop (%s): it waits in SDL", strerror(errno));
		l->sdl_waits = true;
	}
	player_set_wake(app->player, on_player_wake, l);
	l->armed = true;
}

/* Removes every wake-up (each removal waits for a call that runs), so l may be freed. */
static void loop_disarm(struct app_loop *l)
{
	if (!l->armed)
		return;
	player_set_wake(l->app->player, NULL, NULL);
	if (l->pipe_rd >= 0) {
		ui_ctx_set_wake(l->app->ui, NULL, NULL);
		SDL_DelEventWatch(wake_watch, l);
		close(l->pipe_rd);
		close(l->pipe_wr);
		l->pipe_rd = l->pipe_wr = -1;
	}
	l->armed = false;
}

enum { WAIT_TIMEOUT = 0, WAIT_EVENT = 1, WAIT_WOKEN = 2 };

/* Sleeps until an event (WAIT_EVENT, in *ev), timeout_ms (< 0: none) or a wake-up without an event
 * queued yet (WAIT_WOKEN: an image landed, a task result's event is on its way). */
static int loop_wait(struct app_loop *l, SDL_Event *ev, int timeout_ms)
{
	if (l->sdl_waits) {
		int got = timeout_ms < 0 ? SDL_WaitEvent(ev) : SDL_WaitEventTimeout(ev, timeout_ms);
		return got ? WAIT_EVENT : WAIT_TIMEOUT;
	}
	SDL_PumpEvents(); /* a SIGTERM caught since becomes SDL_QUIT here */
	if (SDL_PeepEvents(ev, 1, SDL_GETEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) == 1)
		return WAIT_EVENT;
	if (timeout_ms == 0)
		return WAIT_TIMEOUT;
	struct pollfd pfd = { .fd = l->pipe_rd, .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms); /* -1 with EINTR: a signal, SDL's handler noted it */
	char buf[64];
	while (read(l->pipe_rd, buf, sizeof(buf)) > 0)
		;
	SDL_PumpEvents();
	if (SDL_PeepEvents(ev, 1, SDL_GETEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) == 1)
		return WAIT_EVENT;
	return n == 0 ? WAIT_TIMEOUT : WAIT_WOKEN;
}

/* One event; returns true for quit. */
static bool handle_event(struct app *app, const SDL_Event *ev)
{
	struct app_loop *l = app->loop;
	if (ev->type == SDL_QUIT)
		return true;
	note_due(l, event_ms(ev, now_ms()));
	if (ev->type == SDL_KEYDOWN) {
		enum plat_action a = desktop_key(app, ev->key.keysym.sym);
		if (a == PLAT_ACT_QUIT)
			return true;
		if (a != PLAT_ACT_NONE)
			ui_ctx_action(app->ui, a);
	} else if (ev->type == app->input_event) {
		ui_ctx_action(app->ui, (enum plat_action)ev->user.code);
	} else if (ev->type == l->player_event) {
		atomic_store(&l->player_pending, false); /* news after this point pushes again */
	} else if (ev->type == SDL_TEXTINPUT) {
		ui_ctx_type_text(app->ui, ev->text.text);
	} else if (ev->type == SDL_WINDOWEVENT) {
		/* a desktop's minimised window is the box's standby */
		if (ev->window.event == SDL_WINDOWEVENT_MINIMIZED)
			app_box_standby(app, true);
		else if (ev->window.event == SDL_WINDOWEVENT_RESTORED)
			app_box_standby(app, false);
		ui_ctx_frame(app->ui, true);
	}
	return false;
}

int app_loop_run(struct app *app)
{
	struct app_loop *l = loop_get(app);
	if (!l)
		return -ENOMEM;
	loop_arm(l);
	app_box_attach(app);
	bool quit = false;
	ui_ctx_frame(app->ui, true);
	l->since_ms = now_ms();
	while (!quit) {
		int64_t start = now_ms();
		int timeout = next_timeout(l, start);
		SDL_Event ev;
		int got = loop_wait(l, &ev, timeout);
		l->wakeups++;
		int64_t now = now_ms();
		if (timeout >= 0 && now >= start + timeout)
			note_due(l, start + timeout);
		if (got == WAIT_WOKEN)
			note_due(l, now);
		while (got == WAIT_EVENT && !quit) {
			quit = handle_event(app, &ev);
			got = SDL_PollEvent(&ev) ? WAIT_EVENT : WAIT_TIMEOUT;
		}
		timers_expire(l, now_ms());
		/* the periodic work runs after every wake-up (until each part has its own timer) */
		tick(app);
		ui_ctx_frame(app->ui, false);
		note_answered(l);
	}
	loop_disarm(l);
	print_stats(l);
	app_loop_free(app);
	return 0;
}

int app_loop_script(struct app *app, const char *script, const char *snap, char *err, size_t cap)
{
	struct ui_script_hooks hooks = {
		.state = hook_state, .tick = hook_tick, .command = hook_command, .user = app
	};
	if (loop_get(app)) /* the figures of the state report */
		app->loop->since_ms = now_ms();
	app_box_attach(app);
	int rc = script ? ui_script_run_file(app->ui, script, snap, &hooks, err, cap)
			: ui_script_run(app->ui, "idle\nwait 500\nsnap screen\n", snap ? snap : ".", &hooks,
					err, cap);
	print_stats(app->loop);
	app_loop_free(app);
	return rc;
}
