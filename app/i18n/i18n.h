/* SPDX-License-Identifier: MIT */
/* The UI's languages as GNU gettext catalogues (app/i18n/po/LANG.po, compiled to .mo by msgfmt at build
 * time). English is the source language (msgids); every other language is one catalogue, looked up
 * with dgettext in a text domain of its own ("qanat-ar"), so a language switch is a pointer change
 * and the process environment never changes after start.
 *
 * Threads: i18n_init() runs once in main() before any thread starts (it sets LC_MESSAGES and unsets
 * LANGUAGE, which gettext would otherwise prefer); after that the lookups are thread-safe (glibc's
 * catalogue cache is locked) and a struct i18n is read by any thread but changed only by its owner. */
#ifndef I18N_H
#define I18N_H

#include <stdbool.h>

struct i18n;

/* Process set-up for gettext (see above). Returns 0, or -ENOENT when no UTF-8 messages locale exists
 * (lookups then return English). Main thread, before other threads. */
int i18n_init(void);

/* Creates a translator over the catalogues in locale_dir (LOCALE/LC_MESSAGES/qanat-LANG.mo), in
 * English. On success *out is owned by the caller (i18n_free). Returns 0 or -ENOMEM. */
int i18n_create(const char *locale_dir, struct i18n **out);
void i18n_free(struct i18n **t);

/* Switches the language: "en", or a language with a catalogue ("ar"). Returns 0, or -ENOENT when
 * there is no catalogue for lang (the language stays as it was). Owner thread. */
int i18n_set_lang(struct i18n *t, const char *lang);
const char *i18n_lang(const struct i18n *t);
/* True when the language is written right to left. */
bool i18n_rtl(const struct i18n *t);

/* The translation of msgid (the English text itself when there is none). The result is static
 * (catalogue memory): never free it. */
const char *i18n_tr(const struct i18n *t, const char *msgid);
/* The plural form for n (Arabic has six: nplurals=6). */
const char *i18n_ntr(const struct i18n *t, const char *msgid, const char *plural, unsigned long n);
/* With a context, for one English word with two meanings ("Series": the screen, or a kind). */
const char *i18n_ctr(const struct i18n *t, const char *ctx, const char *msgid);

/* The languages the UI offers: English, then every language whose catalogue is installed, by code;
 * NULL-terminated, borrowed from t. */
const char *const *i18n_languages(const struct i18n *t);
/* A language's name as its own catalogue writes it ("العربية"; its msgstr for the context
 * "language name" of the msgid "English"), the code when the catalogue has none. Static memory. */
const char *i18n_language_name(const struct i18n *t, const char *lang);

#endif
