/* SPDX-License-Identifier: MIT */
/* Settings and the remembered login: reads on the UI thread's connection, writes through the store
 * writer (ctl_settings.h). */
#include "ctl_settings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
	"CREATE TABLE app_settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE app_login(id INTEGER PRIMARY KEY CHECK (id = 1), server TEXT NOT NULL,"
	" username TEXT NOT NULL, password TEXT NOT NULL);",
};

int ctl_settings_migrate(struct store *st)
{
	return store_migrate(st, "app", migrations, sizeof(migrations) / sizeof(migrations[0]));
}

static void get(struct store *st, const char *key, char *out, size_t cap)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(store_db(st), "SELECT value FROM app_settings WHERE key = ?", -1, &q, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			snprintf(out, cap, "%s", (const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
}

int ctl_settings_load(struct store *st, const char *default_lang, const char *default_format,
		      struct app_settings *s)
{
	*s = (struct app_settings){ .qoe = true };
	snprintf(s->lang, sizeof(s->lang), "%s", default_lang && default_lang[0] ? default_lang : "en");
	snprintf(s->live_format, sizeof(s->live_format), "%s",
		 default_format && default_format[0] ? default_format : "ts");
	char buf[32] = "";
	get(st, "lang", s->lang, sizeof(s->lang));
	get(st, "live_format", s->live_format, sizeof(s->live_format));
	get(st, "audio_lang", s->audio_lang, sizeof(s->audio_lang));
	get(st, "sub_lang", s->sub_lang, sizeof(s->sub_lang));
	get(st, "guide_shift_min", buf, sizeof(buf));
	s->guide_shift_min = (int)strtol(buf, NULL, 10);
	buf[0] = '\0';
	get(st, "qoe", buf, sizeof(buf));
	s->qoe = strcmp(buf, "0") != 0;
	return 0;
}

int ctl_settings_save(struct store_writer *w, const struct app_settings *s)
{
	char shift[16];
	snprintf(shift, sizeof(shift), "%d", s->guide_shift_min);
	const char *kv[][2] = { { "lang", s->lang },
				{ "live_format", s->live_format },
				{ "audio_lang", s->audio_lang },
				{ "sub_lang", s->sub_lang },
				{ "guide_shift_min", shift },
				{ "qoe", s->qoe ? "1" : "0" } };
	int first_err = 0;
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		char key[48];
		snprintf(key, sizeof(key), "setting:%s", kv[i][0]);
		struct store_param p[2] = { STORE_PARAM_TEXT(kv[i][0]), STORE_PARAM_TEXT(kv[i][1]) };
		int rc = store_writer_exec(
		    w, key, "INSERT OR REPLACE INTO app_settings(key, value) VALUES (?1, ?2)", p, 2);
		if (rc < 0 && first_err == 0)
			first_err = rc;
	}
	return first_err;
}

int ctl_settings_login_remember(struct store_writer *w, const char *server, const char *username,
				const char *password)
{
	struct store_param p[3] = { STORE_PARAM_TEXT(server), STORE_PARAM_TEXT(username),
				    STORE_PARAM_TEXT(password) };
	return store_writer_exec(
	    w, "login",
	    "INSERT OR REPLACE INTO app_login(id, server, username, password) VALUES (1, ?1, ?2, ?3)", p, 3);
}

int ctl_settings_login_recall(struct store *st, char *server, size_t server_cap, char *username,
			      size_t username_cap, char *password, size_t password_cap)
{
	sqlite3_stmt *q = NULL;
	int rc = -ENOENT;
	if (sqlite3_prepare_v2(store_db(st), "SELECT server, username, password FROM app_login WHERE id = 1",
			       -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW) {
		snprintf(server, server_cap, "%s", (const char *)sqlite3_column_text(q, 0));
		snprintf(username, username_cap, "%s", (const char *)sqlite3_column_text(q, 1));
		snprintf(password, password_cap, "%s", (const char *)sqlite3_column_text(q, 2));
		rc = 0;
	}
	sqlite3_finalize(q);
	return rc;
}
