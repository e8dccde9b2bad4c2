/* SPDX-License-Identifier: MIT */
/* The player screen: the video full screen and what a viewer expects over it. For live TV: the info
 * bar (number, name, now/next with progress, clock) on every zap and on INFO, number entry with a
 * short timeout ("1", "12" then the zap after 2 s or on OK), CH+/CH-, RECALL, a mini guide of the
 * neighbouring channels (EPG or UP/DOWN), and a clear sentence when a channel fails while the box
 * keeps working. When the panel closes the stream of an account with a connection limit, the box
 * asks the panel (a login on the worker) whether another device holds the connections and then
 * says so instead of reconnecting and kicking that device in turn. For movies, episodes and
 * catch-up: pause, seek by 30 s (catch-up seeks reopen the archive at a later start) and a progress
 * bar that runs left to right in both languages. GREEN or MENU shows the stream-info overlay.
 *
 * It renders the playback controller (app->playback: ctl_playback_now) and sends it actions; the
 * line-up answers CH+/CH-, numbers and RECALL, and every zap goes through its gate (app_pin.h: a
 * locked channel asks for the PIN). It hears the controller through a listener: the events of the
 * current session, and an update after each of the loop's wake-ups, when it uploads the picture
 * that is due (pulled from the controller) and runs its own timers, arming the loop's timer for the
 * next one (app_loop_timer_at): nothing here needs a periodic tick.
 *
 * State: one struct app_player_ui per app (app->screen_state[APP_SCREEN_PLAYER]), kept across
 * rebuilds. UI thread only; the account check runs the login on the worker (app_run_bg). */
#include "app.h"
#include "app_loop.h"
#include "app_pin.h"

#include "plat_clock.h"
#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	INFO_BAR_MS = 5000,     /* the info bar hides itself after a zap */
	NUMBER_ENTRY_MS = 2000, /* digits wait this long for the next one */
	NUMBER_MAX_DIGITS = 5,
	SEEK_STEP_MS = 30000,
	CATCHUP_STEP_MS = 60000,
	MINI_ROWS_VISIBLE = 7,
	MINI_REACH = 100, /* the mini guide lists this many channels either side of the one playing */
	REFRESH_MS = 500, /* the stream info and a programme's position move this often */
};

struct app_player_ui {
	struct app *app;
	struct ui_widget *screen, *video;
	struct ui_widget *bar, *bar_number, *bar_name, *bar_clock, *bar_now, *bar_next, *bar_progress,
	    *bar_times;
	struct ui_widget *entry_box, *entry;
	struct ui_widget *msg_box, *msg;
	struct ui_widget *mini_box, *mini;
	struct ui_widget *stats_box, *stats;
	struct ui_widget *paused;
	bool bar_on, mini_on, stats_on, msg_on;
	char msg_text[512]; /* what the overlays show (the toolkit has no getter) */
	char digits[NUMBER_MAX_DIGITS + 1];
	uint64_t digits_at; /* ui time of the last digit */
	uint64_t bar_until; /* ui time the info bar hides (0 = stays while shown) */
	int shown_session;  /* the session the overlays were prepared for */
	int64_t shown_id;   /* and its stream */
	bool kick_checking; /* a login is on its way to the panel */
	uint64_t kick_job;  /* its job id (cancelled when the viewer leaves the player) */
	unsigned kick_gen;  /* bumped on leaving: the answer of an older check is dropped */
	bool kicked;        /* another device holds the connections: do not reconnect */
	int64_t kicked_id;  /* the channel to retry with OK */
	int64_t renewal_id; /* the line ended while this channel played (it plays again once renewed) */
	int64_t last_clock; /* the minute the clock shows */
	uint64_t seek_at;   /* ui time of the last seek key, and where it aimed */
	int64_t seek_target_ms;
	uint64_t stats_at, bar_at; /* ui time of the last refresh of the overlays */
	uint64_t pace_ui_ms;       /* headless pacing: ui and real time at the last tick */
	uint64_t pace_real_ms;
	int64_t mini_ids[2 * MINI_REACH + 1]; /* the channels around the one playing, in zap order */
	size_t mini_n;
	uint64_t video_seq; /* the picture on the video widget */
	bool video_shown;   /* the widget shows a picture (cleared when playback stops) */
};

/* ---- small helpers ---- */

static struct app_player_ui *pui(struct app *app)
{
	return app->screen_state[APP_SCREEN_PLAYER];
}

static const struct ctl_now_playing *now_playing(const struct app *app)
{
	return ctl_playback_now(app->playback);
}

static bool is_live(const struct app *app)
{
	return ctl_playback_is_live(app->playback);
}

/* The number the viewer knows a channel by (its id when the line-up does not know it). */
static int64_t number_of(struct app *app, int64_t id)
{
	int64_t n = ctl_lineup_number(app->lineup, id);
	return n ? n : id;
}

static void format_duration(int64_t ms, char *out, size_t cap)
{
	int64_t s = ms > 0 ? ms / 1000 : 0;
	if (s >= 3600)
		snprintf(out, cap, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
			 (long long)(s % 60));
	else
		snprintf(out, cap, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

struct name_copy {
	char name[256];
};

static int copy_name(void *ud, const struct library_item *it)
{
	struct name_copy *c = ud;
	snprintf(c->name, sizeof(c->name), "%s", it->name ? it->name : "");
	return 0;
}

static void channel_name(struct app *app, int64_t id, char *out, size_t cap)
{
	struct name_copy c = { "" };
	library_item(app->library, LIBRARY_LIVE, id, copy_name, &c);
	snprintf(out, cap, "%s", c.name);
}

static int copy_archive(void *ud, const struct library_item *it)
{
	*(bool *)ud = it->archive;
	return 0;
}

/* The channel keeps an archive on the panel (tv_archive): its programmes can be started over. */
static bool channel_archive(struct app *app, int64_t id)
{
	bool archive = false;
	library_item(app->library, LIBRARY_LIVE, id, copy_archive, &archive);
	return archive;
}

static void show_message(struct app_player_ui *p, const char *text)
{
	p->msg_on = text && text[0];
	snprintf(p->msg_text, sizeof(p->msg_text), "%s", p->msg_on ? text : "");
	ui_widget_set_visible(p->msg_box, p->msg_on);
	if (p->msg_on)
		ui_label_set_text(p->msg, text);
}

/* ---- the info bar ---- */

static void bar_fill(struct app_player_ui *p)
{
	struct app *app = p->app;
	const struct ctl_now_playing *pl = now_playing(app);
	char buf[2 * EPG_TITLE_MAX + 64], t1[16], t2[16];
	int64_t now = app_now(app);
	app_format_hhmm(now, t1, sizeof(t1));
	ui_label_set_text(p->bar_clock, t1);
	p->last_clock = now / 60;
	if (pl->kind == LIBRARY_LIVE && !pl->catchup) {
		snprintf(buf, sizeof(buf), "%lld", (long long)number_of(app, pl->id));
		ui_label_set_text(p->bar_number, buf);
		ui_label_set_text(p->bar_name, pl->name);
		int sid = (int)pl->id;
		struct epg_now_next nn = { 0 };
		epg_now_next(app->store, &sid, 1, now, app->settings.lang, &nn);
		if (nn.has_now) {
			app_format_hhmm(nn.now.start, t1, sizeof(t1));
			app_format_hhmm(nn.now.stop, t2, sizeof(t2));
			snprintf(buf, sizeof(buf), "%s  %s - %s  %s", TR(app, "Now"), t1, t2, nn.now.title);
			ui_label_set_text(p->bar_now, buf);
			int64_t len = nn.now.stop - nn.now.start;
			ui_progress_set(p->bar_progress,
					len > 0 ? (double)(now - nn.now.start) / (double)len : 0);
		} else {
			ui_label_set_text(p->bar_now, TR(app, "No programme information"));
			ui_progress_set(p->bar_progress, 0);
		}
		if (nn.has_next) {
			app_format_hhmm(nn.next.start, t1, sizeof(t1));
			snprintf(buf, sizeof(buf), "%s  %s  %s", TR(app, "Next"), t1, nn.next.title);
			ui_label_set_text(p->bar_next, buf);
		} else {
			ui_label_set_text(p->bar_next, "");
		}
		/* the programme on now can be watched from its start on an archive channel */
		ui_label_set_text(p->bar_times, nn.has_now && channel_archive(app, pl->id)
						    ? TR(app, "REW: start over")
						    : "");
		return;
	}
	/* a movie, an episode or a catch-up programme */
	if (pl->catchup) {
		snprintf(buf, sizeof(buf), "%lld", (long long)number_of(app, pl->id));
		ui_label_set_text(p->bar_number, buf);
		char ch[256], day[32] = "";
		channel_name(app, pl->id, ch, sizeof(ch));
		time_t st = (time_t)pl->catchup_start;
		struct tm tm;
		if (localtime_r(&st, &tm))
			strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		app_format_hhmm(pl->catchup_start, t1, sizeof(t1));
		app_format_hhmm(pl->catchup_end, t2, sizeof(t2));
		snprintf(buf, sizeof(buf), "%s  %s  %s %s - %s", TR(app, "Catch-up"), ch, day, t1, t2);
		ui_label_set_text(p->bar_next, buf);
	} else {
		ui_label_set_text(p->bar_number, "");
		ui_label_set_text(p->bar_next,
				  pl->kind == LIBRARY_EPISODE ? TR(app, "Episode") : TR(app, "Movie"));
	}
	ui_label_set_text(p->bar_name, pl->name);
	/* the label says the step a press really moves: a catch-up moves by whole minutes */
	ui_label_set_text(p->bar_now, pl->state == PLAYER_STATE_PAUSED ? TR(app, "Paused")
				      : pl->catchup ? TR(app, "FF/REW: 1 min   PLAY: pause")
						    : TR(app, "FF/REW: 30 s   PLAY: pause"));
	char pos[24], dur[24];
	format_duration(pl->position_ms, pos, sizeof(pos));
	format_duration(pl->duration_ms, dur, sizeof(dur));
	snprintf(buf, sizeof(buf), "%s / %s", pos, dur);
	ui_label_set_text(p->bar_times, buf);
	ui_progress_set(p->bar_progress,
			pl->duration_ms > 0 ? (double)pl->position_ms / (double)pl->duration_ms : 0);
}

static void bar_show(struct app_player_ui *p, uint32_t ms)
{
	bar_fill(p);
	ui_widget_set_visible(p->bar, true);
	p->bar_on = true;
	p->bar_until = ms ? ui_ctx_now_ms(p->app->ui) + ms : 0;
}

static void bar_hide(struct app_player_ui *p)
{
	ui_widget_set_visible(p->bar, false);
	p->bar_on = false;
	p->bar_until = 0;
}

/* ---- the stream-info overlay ---- */

static void stats_fill(struct app_player_ui *p)
{
	struct app *app = p->app;
	struct player_info in;
	ctl_playback_info(app->playback, &in);
	const struct ctl_now_playing *pl = now_playing(app);
	char text[1024];
	snprintf(text, sizeof(text),
		 "%s: %s / %s\n%s: %dx%d%s\n%s: %u kb/s\n%s: %u ms\n%s: %u\n%s: %s (%s)\n%s: %u ms, %s: %u",
		 TR(app, "Codecs"), in.video_codec[0] ? in.video_codec : "-",
		 in.audio_codec[0] ? in.audio_codec : "-", TR(app, "Size"), in.width, in.height,
		 in.interlaced ? "i" : "", TR(app, "Bitrate"),
		 in.bitrate_kbps ? in.bitrate_kbps : pl->bitrate_kbps, TR(app, "Buffer"), in.buffer_ms,
		 TR(app, "Dropped frames"), in.dropped_frames, TR(app, "Decoder"),
		 in.decoder[0] ? in.decoder : pl->decoder,
		 in.decoder_hardware ? TR(app, "hardware") : TR(app, "software"), TR(app, "Zap time"),
		 in.first_frame_ms, TR(app, "Reconnects"), in.reconnects);
	ui_label_set_text(p->stats, text);
}

/* ---- the mini guide ---- */

static size_t mini_count(void *user)
{
	return ((struct app_player_ui *)user)->mini_n;
}

static void mini_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct app_player_ui *p = user;
	struct app *app = p->app;
	const struct ui_theme *t = ui_draw_theme(d);
	if (i >= p->mini_n)
		return;
	int64_t id = p->mini_ids[i];
	bool current = id == now_playing(app)->id && is_live(app);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused   ? t->accent
		     : current ? t->surface
			       : t->surface_alt);
	struct ui_color fg = focused ? t->on_accent : t->text, dim = focused ? t->on_accent : t->text_dim;
	char num[24], name[256];
	snprintf(num, sizeof(num), "%lld", (long long)number_of(app, id));
	struct ui_text_style sn = { .size = t->text_body,
				    .color = dim,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER };
	ui_draw_text(d, (struct ui_rect){ 4, 0, 96, h }, num, &sn);
	channel_name(app, id, name, sizeof(name));
	struct ui_text_style st = { .size = t->text_body,
				    .color = fg,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 110, 4, w - 130, h / 2 }, name, &st);
	int sid = (int)id;
	struct epg_now_next nn = { 0 };
	epg_now_next(app->store, &sid, 1, app_now(app), app->settings.lang, &nn);
	struct ui_text_style se = { .size = t->text_small,
				    .color = dim,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	char line[EPG_TITLE_MAX + 32], t1[16];
	if (nn.has_now) {
		app_format_hhmm(nn.now.start, t1, sizeof(t1));
		snprintf(line, sizeof(line), "%s %s", t1, nn.now.title);
	} else {
		snprintf(line, sizeof(line), "%s", TR(app, "No programme information"));
	}
	ui_draw_text(d, (struct ui_rect){ 110, h / 2, w - 130, h / 2 - 4 }, line, &se);
}

static int mini_label(void *user, size_t i, char *buf, size_t cap)
{
	struct app_player_ui *p = user;
	if (i >= p->mini_n)
		return -ENOENT;
	char name[256];
	channel_name(p->app, p->mini_ids[i], name, sizeof(name));
	snprintf(buf, cap, "%lld %s", (long long)number_of(p->app, p->mini_ids[i]), name);
	return 0;
}

static void zap(struct app_player_ui *p, int64_t id, enum ctl_zap_from from, const char *how);

static void mini_activate(void *user, size_t i)
{
	struct app_player_ui *p = user;
	if (i >= p->mini_n)
		return;
	int64_t id = p->mini_ids[i];
	ui_widget_set_visible(p->mini_box, false);
	p->mini_on = false;
	if (id != now_playing(p->app)->id || !is_live(p->app))
		zap(p, id, CTL_ZAP_GUIDE, "epg");
	else
		bar_show(p, INFO_BAR_MS);
}

static const struct ui_list_model mini_model = {
	.count = mini_count, .draw = mini_draw, .activate = mini_activate, .label = mini_label
};

/* The channels CH+/CH- would reach from the one playing, MINI_REACH either way (the channels the
 * lock hides are not among them): once round a short zap list, a window of a long one. */
static void mini_fill(struct app_player_ui *p, int64_t cur)
{
	struct ctl_lineup *l = p->app->lineup;
	int64_t back[MINI_REACH];
	size_t nb = 0, n = 0;
	for (int64_t id = cur; nb < MINI_REACH;) {
		id = ctl_lineup_neighbour(l, id, -1);
		if (id == 0 || id == cur)
			break;
		back[nb++] = id;
	}
	while (nb > 0)
		p->mini_ids[n++] = back[--nb];
	p->mini_ids[n++] = cur;
	int64_t stop = n > 1 ? p->mini_ids[0] : cur; /* going forward meets the far end of the way back */
	for (int64_t id = cur, k = 0; k < MINI_REACH; k++) {
		id = ctl_lineup_neighbour(l, id, 1);
		if (id == 0 || id == cur || id == stop)
			break;
		p->mini_ids[n++] = id;
	}
	p->mini_n = n;
}

static void mini_show(struct app_player_ui *p, int delta)
{
	struct app *app = p->app;
	int64_t cur = now_playing(app)->id;
	mini_fill(p, cur);
	size_t at = 0;
	for (size_t i = 0; i < p->mini_n; i++)
		if (p->mini_ids[i] == cur)
			at = i;
	at = (at + p->mini_n + (size_t)(delta + (int)p->mini_n)) % p->mini_n;
	ui_widget_set_visible(p->mini_box, true);
	p->mini_on = true;
	ui_list_refresh(p->mini);
	ui_list_set_index(p->mini, at);
	ui_widget_focus(p->mini);
	bar_hide(p);
}

/* ---- zapping ---- */

static void video_clear(struct app_player_ui *p)
{
	ui_video_clear(p->video);
	p->video_shown = false;
}

/* A new session (or a refused one): no picture of the previous stream, the info bar, its message. */
static void prepare_for(struct app_player_ui *p)
{
	const struct ctl_now_playing *pl = now_playing(p->app);
	p->shown_session = pl->session;
	p->shown_id = pl->id;
	p->kicked = false;
	p->renewal_id = 0;
	video_clear(p);
	show_message(p, pl->error);
	ui_widget_set_visible(p->paused, false);
	bar_show(p, INFO_BAR_MS);
}

/* Every zap of this screen goes through the line-up's gate: a locked channel asks for the PIN
 * (app_pin_play_live opens the prompt and plays it after the right one). */
static void zap(struct app_player_ui *p, int64_t id, enum ctl_zap_from from, const char *how)
{
	struct app *app = p->app;
	if (id <= 0)
		return;
	int rc = app_pin_play_live(app, id, from, how);
	if (rc == -EACCES)
		return; /* the prompt is up; what plays goes on */
	if (rc < 0 && !now_playing(app)->error[0])
		ctl_playback_set_error(app->playback, TR(app, "This channel cannot be played."));
	prepare_for(p);
}

static void digits_commit(struct app_player_ui *p)
{
	struct app *app = p->app;
	int64_t number = strtoll(p->digits, NULL, 10);
	p->digits[0] = '\0';
	ui_widget_set_visible(p->entry_box, false);
	int64_t id = ctl_lineup_by_number(app->lineup, number);
	if (id == 0) {
		char msg[128];
		snprintf(msg, sizeof(msg), TR(app, "There is no channel %lld"), (long long)number);
		ui_toast_show(app->ui, msg, 2500);
		return;
	}
	if (id != now_playing(app)->id || !is_live(app))
		zap(p, id, CTL_ZAP_NUMBER, "number");
}

static void digit_typed(struct app_player_ui *p, int digit)
{
	size_t n = strlen(p->digits);
	if (n >= NUMBER_MAX_DIGITS)
		n = 0; /* start over rather than ignore the key */
	p->digits[n] = (char)('0' + digit);
	p->digits[n + 1] = '\0';
	p->digits_at = ui_ctx_now_ms(p->app->ui);
	ui_label_set_text(p->entry, p->digits);
	ui_widget_set_visible(p->entry_box, true);
}

/* ---- the account check: a stream the panel closed or refused ---- */

/* The line ended while channel id played: the renewal view over the stopped channel; once the line
 * is active again the channel plays again. */
static void renewal_open(struct app_player_ui *p)
{
	(void)p;
}

/* XTREAM.md: a refused or closed stream says nothing by its status alone (401, 403, 404 and other
 * 4xx vary by panel build and proxy; an expired line may get a placeholder clip with 200), so the
 * box asks the panel (one login on the worker) and then tells the viewer the cause: the line is no
 * longer active (the renewal view over the stopped channel), another device holds the connections
 * (a kick: say so, never reconnect in a fight), or neither (the stream's own trouble). */
struct check_job {
	struct ctl_panel_copy panel; /* the session's panels and credentials */
	struct xt_login login;
	int64_t stream_id;
	int session;
	unsigned gen;    /* p->kick_gen when queued */
	bool stopped;    /* playback was stopped for the check (a reconnect would kick) */
	bool fatal;      /* the player gave up: its sentence stands unless the account explains */
	char error[256]; /* that sentence */
	int64_t now;     /* unix time of the check (the expiry is compared with it) */
};

static void check_free(struct check_job *j)
{
	for (volatile unsigned char *c = (unsigned char *)&j->panel;
	     c < (unsigned char *)&j->panel + sizeof(j->panel); c++)
		*c = 0;
	free(j);
}

/* Worker: one login with the job's copy of the credentials (the worker's client of the session). */
static int check_work(struct ctl_worker *w, void *arg, struct plat_cancel *cancel)
{
	struct check_job *j = arg;
	struct xt_client *xt = NULL;
	int rc = ctl_worker_client(w, &j->panel, cancel, &xt);
	if (rc < 0)
		return rc == -EINVAL ? -ENOTCONN : rc;
	return xt_client_login(xt, &j->login);
}

/* The line is no longer one that plays: expired, banned, disabled, another not-active status, an
 * expiry in the past, or a refusal of the credentials that played minutes ago (XUI answers an
 * expired line like a wrong password). Returns the QoE error code, or NULL when the line is fine. */
static const char *account_problem(const struct check_job *j)
{
	const struct xt_login *l = &j->login;
	switch (l->outcome) {
	case XT_LOGIN_EXPIRED:
		return "biz.xtream.expired";
	case XT_LOGIN_BANNED:
	case XT_LOGIN_DISABLED:
	case XT_LOGIN_INACTIVE:
		return "biz.xtream.disabled";
	case XT_LOGIN_WRONG_CREDENTIALS:
		return "biz.xtream.auth";
	case XT_LOGIN_OK:
		return l->user.exp_date > 0 && l->user.exp_date <= j->now ? "biz.xtream.expired" : NULL;
	default:
		return NULL; /* the panel did not answer: nothing is known of the account */
	}
}

static void check_done(struct app *app, void *arg, int rc)
{
	struct check_job *j = arg;
	struct app_player_ui *p = pui(app);
	/* a check that finished just before the viewer left still answers: drop it */
	if (rc == -ECANCELED || !p || j->gen != p->kick_gen) {
		check_free(j);
		return;
	}
	p->kick_checking = false;
	p->kick_job = 0;
	const struct xt_user_info *u = &j->login.user;
	if (rc == 0)
		ctl_session_user_update(app->session, u);
	bool still_ours =
	    p->shown_session == j->session &&
	    (j->stopped ? now_playing(app)->session == 0 : now_playing(app)->session == j->session);
	const char *ec = still_ours ? account_problem(j) : NULL;
	if (ec) {
		plat_log_info("player", "stream closed by the panel: the line is not active (%s)",
			      xt_login_outcome_name(j->login.outcome));
		if (app->qoe) {
			const char *keys[] = { "outcome", "ec" };
			const char *vals[] = { xt_login_outcome_name(j->login.outcome), ec };
			qoe_box_event(app->qoe, "playback_account", keys, vals, 2);
		}
		if (!j->stopped)
			app_play_stop(app);
		video_clear(p);
		bar_hide(p);
		p->renewal_id = j->stream_id;
		show_message(p, TR(app, "Your subscription is no longer active."));
		renewal_open(p);
	} else if (rc == 0 && still_ours && u->max_connections > 0 && u->active_cons >= u->max_connections) {
		plat_log_info("player",
			      "stream closed by the panel: %lld of %lld connections in use elsewhere",
			      (long long)u->active_cons, (long long)u->max_connections);
		if (!j->stopped)
			app_play_stop(app);
		p->kicked = true;
		p->kicked_id = j->stream_id;
		char msg[512];
		snprintf(msg, sizeof(msg), "%s (%lld/%lld)\n%s",
			 TR(app, "Another device is using your subscription"), (long long)u->active_cons,
			 (long long)u->max_connections, TR(app, "Press OK to watch here instead."));
		ctl_playback_set_error(app->playback, TR(app, "Another device is using your subscription"));
		show_message(p, msg);
		bar_hide(p);
	} else if (still_ours && j->fatal) {
		show_message(p, j->error); /* the stream's own trouble, as the player said */
	} else if (still_ours && j->stopped) {
		/* the connection was free again: a network hiccup, not a kick */
		zap(p, j->stream_id, CTL_ZAP_LIST, "reconnect");
	}
	check_free(j);
}

/* The panel closed or refused the stream: ask the panel why. stop: end playback first (an account
 * with a connection limit, where the player's reconnect would take the connection back from the
 * other device); otherwise the player goes on reconnecting meanwhile. */
static void account_check(struct app_player_ui *p, bool stop, bool fatal)
{
	struct app *app = p->app;
	if (p->kick_checking || !ctl_session_logged_in(app->session))
		return;
	struct check_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	ctl_session_panel_copy(app->session, &j->panel);
	j->gen = p->kick_gen;
	const struct ctl_now_playing *pl = now_playing(app);
	j->stream_id = pl->id;
	j->session = pl->session;
	j->fatal = fatal;
	j->now = app_now(app);
	snprintf(j->error, sizeof(j->error), "%s", pl->error);
	j->stopped = stop || fatal;
	if (stop && !fatal)
		app_play_stop(app);
	p->shown_session = j->session;
	if (app_run_bg(app, check_work, check_done, j, &p->kick_job) < 0) {
		check_free(j);
		return;
	}
	p->kick_checking = true;
	if (j->stopped && !fatal) /* a refusal keeps the player's sentence until the panel answers */
		show_message(p, TR(app, "The stream stopped. Checking your subscription..."));
}

/* The viewer leaves the player: playback stops and a kick check on its way is of no use any more
 * (its done gets -ECANCELED). */
static void player_leave(struct app_player_ui *p)
{
	p->kick_gen++;
	app_bg_cancel(p->app, &p->kick_job);
	p->kick_checking = false;
	app_play_stop(p->app);
}

/* The listener's on_event: one event of the current session, already in ctl_playback_now(). */
static void on_player_event(void *user, const struct player_event *ev)
{
	struct app_player_ui *p = user;
	struct app *app = p->app;
	const struct ctl_now_playing *pl = now_playing(app);
	if (!p->screen || ev->session != (uint32_t)pl->session)
		return;
	switch (ev->type) {
	case PLAYER_EV_ERROR: {
		/* a live stream that played and that the panel then closes or refuses (HLS answers 403
		 * once kicked, an expired line gets a clip or a 4xx), or any stream refused with a 4xx:
		 * the account may be the cause (XTREAM.md), so the panel is asked */
		int http = ev->u.error.kind == PLAYER_ERR_HTTP ? ev->u.error.http_status : 0;
		bool refused = http >= 400 && http < 500;
		bool limited = ctl_session_max_connections(app->session) > 0;
		if (is_live(app) && pl->first_frame_ms > 0 && !ev->u.error.fatal) {
			account_check(p, limited, false);
			return;
		}
		if (refused && ev->u.error.fatal)
			account_check(p, true, true);
		if (ev->u.error.fatal) {
			/* no picture of the channel zapped away from under the message */
			video_clear(p);
			show_message(p, pl->error);
			if (is_live(app) || pl->catchup)
				bar_show(p, 0);
		}
		break;
	}
	case PLAYER_EV_FIRST_FRAME:
		show_message(p, NULL);
		break;
	case PLAYER_EV_STATE:
		ui_widget_set_visible(p->paused, ev->state == PLAYER_STATE_PAUSED);
		break;
	default:
		break;
	}
}

/* ---- per tick ---- */

/* Headless runs move the UI clock by script waits (virtual time) while the player plays in real
 * time: while a stream is open or the player screen shows, a scripted wait lasts as long as it
 * says, so the video (and the panel's answers about it) arrive as they would for a viewer. */
static void pace(struct app_player_ui *p, bool shown)
{
	uint64_t ui_ms = ui_ctx_now_ms(p->app->ui), real_ms = plat_clock_mono_ms();
	if ((shown || now_playing(p->app)->session > 0) && p->pace_ui_ms && ui_ms > p->pace_ui_ms) {
		uint64_t dv = ui_ms - p->pace_ui_ms, dr = real_ms - p->pace_real_ms;
		if (dv > dr && dv - dr < 1000) {
			plat_clock_sleep_ms((uint32_t)(dv - dr));
			real_ms = plat_clock_mono_ms();
		}
	}
	p->pace_ui_ms = ui_ms;
	p->pace_real_ms = real_ms;
}

/* Uploads the picture that is due, when it is a new one. */
static void video_update(struct app_player_ui *p)
{
	struct ctl_playback *pb = p->app->playback;
	struct player_video_frame f;
	if (ctl_playback_frame_acquire(pb, &f) != 1)
		return;
	if (f.seq != p->video_seq || !p->video_shown) {
		struct ui_video_frame uf = { .width = f.width,
					     .height = f.height,
					     .format = f.format == PLAYER_PIXFMT_NV12 ? UI_VIDEO_NV12
										      : UI_VIDEO_YUV420P,
					     .sar_num = f.sar_num,
					     .sar_den = f.sar_den };
		for (int i = 0; i < 3; i++) {
			uf.planes[i] = f.planes[i];
			uf.linesize[i] = f.linesize[i];
		}
		ui_video_show(p->video, &uf);
		p->video_seq = f.seq;
		p->video_shown = true;
	}
	ctl_playback_frame_release(pb);
}

/* Wakes the loop when the earliest of this screen's timers runs out (digits, info bar, clock,
 * refreshes of the overlays): the loop sleeps otherwise. */
static void timers_arm(struct app_player_ui *p, bool shown)
{
	struct app *app = p->app;
	uint64_t now = ui_ctx_now_ms(app->ui), due = UINT64_MAX;
	if (p->digits[0])
		due = p->digits_at + NUMBER_ENTRY_MS;
	if (shown && p->bar_until && p->bar_until < due)
		due = p->bar_until;
	if (shown && p->bar_on) {
		uint64_t minute = now + (uint64_t)(60000 - ui_ctx_wall_ms(app->ui) % 60000);
		if (minute < due)
			due = minute;
		if (now_playing(app)->session > 0 && !is_live(app) && p->bar_at + REFRESH_MS < due)
			due = p->bar_at + REFRESH_MS;
	}
	if (shown && p->stats_on && p->stats_at + REFRESH_MS < due)
		due = p->stats_at + REFRESH_MS;
	if (due == UINT64_MAX)
		return;
	app_loop_timer_at(app, (int64_t)plat_clock_mono_ms() + (due > now ? (int64_t)(due - now) : 0));
}

/* The listener's on_update, after every wake-up of the loop (also when nothing plays). */
static void on_update(void *user)
{
	struct app_player_ui *p = user;
	struct app *app = p->app;
	if (!p->screen)
		return;
	const struct ctl_now_playing *pl = now_playing(app);
	struct ui_widget *top = ui_screen_top(app->ui);
	bool shown = top == p->screen;
	for (int i = 0; i < APP_SCREEN_COUNT && !shown && top; i++)
		if (i != APP_SCREEN_PLAYER && app->screens[i] == top) {
			/* another screen took over (HOME): the video goes away with this one */
			if (pl->session > 0)
				app_play_stop(app);
			return;
		}
	pace(p, shown);
	if (pl->session > 0 && pl->session != p->shown_session)
		prepare_for(p);
	if (pl->session > 0 && shown)
		video_update(p);
	else if (pl->session <= 0 && p->video_shown)
		video_clear(p); /* stopped: no frozen picture under the overlays */
	uint64_t now = ui_ctx_now_ms(app->ui);
	if (p->digits[0] && now - p->digits_at >= NUMBER_ENTRY_MS)
		digits_commit(p);
	if (p->bar_until && now >= p->bar_until)
		bar_hide(p);
	else if (p->bar_on && app_now(app) / 60 != p->last_clock)
		bar_fill(p);
	if (p->stats_on && now - p->stats_at >= REFRESH_MS) {
		stats_fill(p);
		p->stats_at = now;
	}
	if (p->bar_on && now_playing(app)->session > 0 && !is_live(app) && now - p->bar_at >= REFRESH_MS) {
		bar_fill(p); /* the position moves */
		p->bar_at = now;
	}
	timers_arm(p, shown);
}

/* ---- keys ---- */

static bool overlays_hide(struct app_player_ui *p)
{
	bool any = false;
	if (p->digits[0]) {
		p->digits[0] = '\0';
		ui_widget_set_visible(p->entry_box, false);
		any = true;
	}
	if (p->mini_on) {
		ui_widget_set_visible(p->mini_box, false);
		p->mini_on = false;
		any = true;
	}
	if (p->stats_on) {
		ui_widget_set_visible(p->stats_box, false);
		p->stats_on = false;
		any = true;
	}
	return any;
}

static void seek_by(struct app_player_ui *p, int64_t delta_ms)
{
	struct app *app = p->app;
	const struct ctl_now_playing *pl = now_playing(app);
	if (pl->session <= 0 || is_live(app))
		return;
	/* presses in a row add up: the position reported by the player lags behind a seek */
	uint64_t now = ui_ctx_now_ms(app->ui);
	int64_t base = p->seek_at && now - p->seek_at < 2000 ? p->seek_target_ms : pl->position_ms;
	int64_t target = base + delta_ms;
	if (pl->catchup) {
		/* the archive is stored a minute per file and a catch-up URL starts at a whole minute:
		 * step by minutes, so every press lands where the viewer expects */
		target = base + (delta_ms > 0 ? CATCHUP_STEP_MS : -CATCHUP_STEP_MS);
		target -= target % CATCHUP_STEP_MS;
	}
	if (target < 0)
		target = 0;
	if (pl->duration_ms > 0 && target > pl->duration_ms - 1000)
		target = pl->duration_ms - 1000;
	p->seek_target_ms = target;
	p->seek_at = now;
	app_play_seek(app, target);
	bar_show(p, INFO_BAR_MS);
}

/* REW on an archive channel: the programme on now from its start, through the channel's catch-up
 * (the same lock as the channel). */
static void start_over(struct app_player_ui *p)
{
	struct app *app = p->app;
	int64_t id = now_playing(app)->id;
	int sid = (int)id;
	struct epg_now_next nn = { 0 };
	if (id <= 0 || !channel_archive(app, id) ||
	    epg_now_next(app->store, &sid, 1, app_now(app), app->settings.lang, &nn) < 0 || !nn.has_now) {
		ui_toast_show(app->ui, TR(app, "This channel has no catch-up."), 2500);
		return;
	}
	char title[EPG_TITLE_MAX];
	snprintf(title, sizeof(title), "%s", nn.now.title);
	int rc = app_pin_play_catchup(app, id, nn.now.start, nn.now.stop, title);
	if (rc < 0 && rc != -EACCES)
		ui_toast_show(app->ui, TR(app, "This programme cannot be played."), 3000);
}

static bool player_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct app_player_ui *p = user;
	struct app *app = p->app;
	const struct ctl_now_playing *pl = now_playing(app);
	bool live = pl->kind == LIBRARY_LIVE && !pl->catchup;
	if (a >= PLAT_ACT_DIGIT_0 && a <= PLAT_ACT_DIGIT_9 && (live || pl->session == 0)) {
		digit_typed(p, (int)(a - PLAT_ACT_DIGIT_0));
		return true;
	}
	switch (a) {
	case PLAT_ACT_OK:
		if (p->digits[0])
			digits_commit(p);
		else if (p->kicked)
			zap(p, p->kicked_id, CTL_ZAP_LIST, "retry");
		else if (p->renewal_id && now_playing(app)->session == 0)
			renewal_open(p);
		else
			bar_show(p, INFO_BAR_MS);
		return true;
	case PLAT_ACT_INFO:
		if (p->bar_on && p->bar_until == 0)
			bar_hide(p);
		else
			bar_show(p, 0);
		return true;
	case PLAT_ACT_CH_UP:
	case PLAT_ACT_CH_DOWN:
		if (live) {
			int64_t id = ctl_lineup_neighbour(app->lineup, pl->id, a == PLAT_ACT_CH_UP ? 1 : -1);
			if (id && id != pl->id)
				zap(p, id, CTL_ZAP_CHUPDOWN, a == PLAT_ACT_CH_UP ? "chup" : "chdown");
		}
		return true;
	case PLAT_ACT_UP:
	case PLAT_ACT_DOWN:
	case PLAT_ACT_EPG:
		if (live)
			mini_show(p, a == PLAT_ACT_UP ? -1 : a == PLAT_ACT_DOWN ? 1 : 0);
		return true;
	case PLAT_ACT_RECALL: {
		int64_t id = ctl_lineup_recall(app->lineup);
		if (id && (id != pl->id || !is_live(app)))
			zap(p, id, CTL_ZAP_RECALL, "recall");
		return true;
	}
	case PLAT_ACT_GREEN:
	case PLAT_ACT_MENU:
		p->stats_on = !p->stats_on;
		ui_widget_set_visible(p->stats_box, p->stats_on);
		if (p->stats_on)
			stats_fill(p);
		return true;
	case PLAT_ACT_PLAY:
	case PLAT_ACT_PAUSE:
	case PLAT_ACT_PLAY_PAUSE: {
		bool pause =
		    a == PLAT_ACT_PAUSE || (a == PLAT_ACT_PLAY_PAUSE && pl->state != PLAYER_STATE_PAUSED);
		ctl_playback_pause(app->playback, pause);
		bar_show(p, pause ? 0 : INFO_BAR_MS);
		return true;
	}
	case PLAT_ACT_FF:
	case PLAT_ACT_RIGHT:
		seek_by(p, SEEK_STEP_MS);
		return true;
	case PLAT_ACT_REW:
		if (live) {
			start_over(p);
			return true;
		}
		seek_by(p, -SEEK_STEP_MS);
		return true;
	case PLAT_ACT_LEFT:
		seek_by(p, -SEEK_STEP_MS);
		return true;
	case PLAT_ACT_STOP:
		player_leave(p);
		ui_screen_pop(app->ui);
		return true;
	case PLAT_ACT_BACK:
		if (overlays_hide(p))
			return true;
		player_leave(p);
		return false; /* the toolkit pops the screen */
	default:
		return false;
	}
}

/* ---- state reports ---- */

static void player_state(struct app *app, json_t *obj)
{
	struct app_player_ui *p = pui(app);
	if (!p)
		return;
	json_t *o = json_object();
	json_object_set_new(o, "info_bar", json_boolean(p->bar_on));
	json_object_set_new(o, "mini_guide", json_boolean(p->mini_on));
	json_object_set_new(o, "stream_info", json_boolean(p->stats_on));
	json_object_set_new(o, "number_entry", json_string(p->digits));
	json_object_set_new(o, "kicked", json_boolean(p->kicked));
	json_object_set_new(o, "account_ended", json_boolean(p->renewal_id != 0));
	json_object_set_new(
	    o, "number",
	    json_integer(is_live(app) ? ctl_lineup_number(app->lineup, now_playing(app)->id) : 0));
	if (p->msg_on)
		json_object_set_new(o, "message", json_string(p->msg_text));
	json_object_set_new(obj, "player_ui", o);
}

/* ---- the screen ---- */

static struct ui_widget *panel(struct ui_widget *parent, struct ui_rect r, const char *id)
{
	struct ui_widget *b = ui_box_create(parent, r);
	ui_widget_set_background(b, (struct ui_color){ 0x10, 0x14, 0x1c, 0xe0 });
	ui_widget_set_id(b, id);
	return b;
}

static void player_state_free(void *state)
{
	free(state);
}

static struct ui_widget *build(struct app *app)
{
	struct app_player_ui *p = pui(app);
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return NULL;
		p->app = app;
		app->screen_state[APP_SCREEN_PLAYER] = p;
	}
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = ui_screen_create(app->ui, "player");
	if (!s)
		return NULL;
	p->screen = s;
	ui_widget_set_background(s, (struct ui_color){ 0, 0, 0, 0xff });
	ui_screen_on_action(s, player_keys, p);
	p->video = ui_video_create(s, (struct ui_rect){ 0, 0, UI_DESIGN_WIDTH, UI_DESIGN_HEIGHT });
	ui_widget_set_id(p->video, "video");

	struct ui_text_style huge = { .size = t->text_huge, .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER };
	struct ui_text_style title = { .size = t->text_title, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	struct ui_text_style title_end = { .size = t->text_title, .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	struct ui_text_style body = { .size = t->text_body, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	struct ui_text_style dim = { .size = t->text_body,
				     .color = t->text_dim,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	struct ui_text_style small_end = { .size = t->text_small,
					   .color = t->text_dim,
					   .flags = UI_TEXT_MIDDLE | UI_TEXT_END };

	p->bar = panel(s, (struct ui_rect){ 0, 760, 1920, 320 }, "infobar");
	p->bar_number = ui_label_create(p->bar, (struct ui_rect){ 40, 24, 200, 100 }, "", &huge);
	ui_widget_set_id(p->bar_number, "info_number");
	p->bar_name = ui_label_create(p->bar, (struct ui_rect){ 260, 24, 1280, 100 }, "", &title);
	ui_widget_set_id(p->bar_name, "info_name");
	p->bar_clock = ui_label_create(p->bar, (struct ui_rect){ 1560, 24, 300, 100 }, "", &title_end);
	ui_widget_set_id(p->bar_clock, "clock");
	p->bar_now = ui_label_create(p->bar, (struct ui_rect){ 260, 130, 1300, 50 }, "", &body);
	ui_widget_set_id(p->bar_now, "info_now");
	p->bar_times = ui_label_create(p->bar, (struct ui_rect){ 1560, 130, 300, 50 }, "", &small_end);
	ui_widget_set_id(p->bar_times, "info_times");
	p->bar_progress = ui_progress_create(p->bar, (struct ui_rect){ 260, 194, 1600, 12 });
	ui_widget_set_id(p->bar_progress, "info_progress");
	p->bar_next = ui_label_create(p->bar, (struct ui_rect){ 260, 222, 1600, 56 }, "", &dim);
	ui_widget_set_id(p->bar_next, "info_next");

	p->entry_box = panel(s, (struct ui_rect){ 1580, 60, 280, 140 }, "number_box");
	p->entry = ui_label_create(p->entry_box, (struct ui_rect){ 0, 0, 280, 140 }, "", &huge);
	ui_widget_set_id(p->entry, "number_entry");

	p->msg_box = panel(s, (struct ui_rect){ 300, 360, 1320, 280 }, "message_box");
	struct ui_text_style msg = { .size = t->text_title,
				     .flags = UI_TEXT_WRAP | UI_TEXT_CENTER | UI_TEXT_MIDDLE,
				     .max_lines = 4 };
	p->msg = ui_label_create(p->msg_box, (struct ui_rect){ 40, 20, 1240, 240 }, "", &msg);
	ui_widget_set_id(p->msg, "message");

	p->mini_box = panel(s, (struct ui_rect){ 60, 60, 800, 680 }, "miniguide_box");
	ui_label_create(p->mini_box, (struct ui_rect){ 24, 0, 760, 70 }, TR(app, "Channels"), &title);
	p->mini = ui_list_create(p->mini_box, (struct ui_rect){ 0, 74, 800, 600 }, &mini_model, p, 100);
	ui_widget_set_id(p->mini, "miniguide");

	p->stats_box = panel(s, (struct ui_rect){ 1060, 60, 800, 560 }, "streaminfo_box");
	ui_label_create(p->stats_box, (struct ui_rect){ 30, 10, 740, 70 }, TR(app, "Stream information"),
			&title);
	struct ui_text_style st = { .size = t->text_body, .flags = UI_TEXT_WRAP, .max_lines = 10 };
	p->stats = ui_label_create(p->stats_box, (struct ui_rect){ 30, 90, 740, 460 }, "", &st);
	ui_widget_set_id(p->stats, "streaminfo");

	p->paused = panel(s, (struct ui_rect){ 760, 60, 400, 100 }, "paused");
	ui_label_create(p->paused, (struct ui_rect){ 0, 0, 400, 100 }, TR(app, "Paused"), &huge);

	ui_widget_set_visible(p->entry_box, false);
	ui_widget_set_visible(p->msg_box, false);
	ui_widget_set_visible(p->mini_box, false);
	ui_widget_set_visible(p->stats_box, false);
	ui_widget_set_visible(p->paused, false);
	ui_widget_set_visible(p->bar, false);
	p->bar_on = p->mini_on = p->stats_on = p->msg_on = false;
	p->digits[0] = '\0';
	p->shown_session = -1;
	static const struct ctl_playback_listener listener = { .on_event = on_player_event,
							       .on_update = on_update };
	ctl_playback_set_listener(app->playback, &listener, p);
	return s;
}

const struct app_screen_class app_screen_player_class = {
	.name = "player",
	.build = build,
	.report = player_state,
	.free_state = player_state_free,
};
