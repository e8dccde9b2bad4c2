/* SPDX-License-Identifier: MIT */
/* The viewer's settings and the remembered login: read once at start from the UI thread's store
 * connection, written through the store writer (one keyed operation per setting, "setting:NAME",
 * and "login" for the login), so the UI thread never waits on SQLite. The app_settings and app_login
 * tables are the app's own (owner "app" in store_migrate).
 *
 * Threads: UI thread (the writer applies the writes on its own thread). */
#ifndef CTL_SETTINGS_H
#define CTL_SETTINGS_H

#include "store.h"
#include "store_writer.h"

#include <stdbool.h>
#include <stddef.h>

/* Viewer settings (stored in the app_settings table, key/value). */
struct app_settings {
	char lang[4];        /* "en" or "ar" */
	char live_format[8]; /* "ts" or "m3u8" */
	char audio_lang[4];  /* ISO 639-2 preferred audio, "" = the stream's default */
	char sub_lang[4];    /* ISO 639-2 preferred subtitles, "" = off */
	int guide_shift_min; /* added to every guide time (panels with a wrong zone) */
	bool qoe;            /* the viewer lets the box report playback quality */
};

/* Creates or upgrades the app's tables in st (before the store writer starts: it may replay writes
 * to them). Returns 0 or a negative errno. */
int ctl_settings_migrate(struct store *st);

/* Fills *s with the defaults (lang and live_format from the provisioning; NULL or "" keep "en"/"ts")
 * overridden by what st holds. Returns 0 (missing keys keep their default). */
int ctl_settings_load(struct store *st, const char *default_lang, const char *default_format,
		      struct app_settings *s);

/* Queues every setting of s on w (each keyed "setting:NAME": a newer save replaces a queued one).
 * Returns 0 or the writer's refusal (store_writer_exec). */
int ctl_settings_save(struct store_writer *w, const struct app_settings *s);

/* Queues the box's login (after a successful sign-in; key "login"; the password only as a bound
 * value, never logged). Returns 0 or the writer's refusal. */
int ctl_settings_login_remember(struct store_writer *w, const char *server, const char *username,
				const char *password);

/* The remembered login, into the caller's buffers. Returns 0, or -ENOENT when none is stored. */
int ctl_settings_login_recall(struct store *st, char *server, size_t server_cap, char *username,
			      size_t username_cap, char *password, size_t password_cap);

#endif
