/* SPDX-License-Identifier: MIT */
/* gettext lookups for the UI language (i18n.h). */
#include "i18n.h"

#include "plat_log.h"

#include <errno.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

/* gettext joins a context and its msgid with EOT (as pgettext does). */
#define I18N_CTX_SEP "\004"

enum { I18N_CTX_MAX = 512, I18N_MAX_LANGS = 16 };

/* How each catalogue names its own language (its msgstr for this context and msgid). */
#define I18N_NAME_CTX "language name"
#define I18N_NAME_ID "English"

static const char *const rtl_languages[] = { "ar", "fa", "he", "ur", NULL };

struct i18n {
	char dir[512];
	char lang[8];
	char domain[24]; /* "qanat-ar"; "" for English */
	bool rtl;
	/* English, then every language with a catalogue in dir (found at create), NULL-terminated */
	char codes[I18N_MAX_LANGS][8];
	const char *languages[I18N_MAX_LANGS + 1];
};

/* The catalogues installed: LANG of every qanat-LANG.mo, so a new language is one new .po file. */
static void find_languages(struct i18n *t)
{
	size_t n = 0;
	snprintf(t->codes[n++], sizeof(t->codes[0]), "en");
	char path[600];
	snprintf(path, sizeof(path), "%s/C.UTF-8/LC_MESSAGES", t->dir);
	DIR *d = opendir(path);
	const struct dirent *e;
	while (d && n < I18N_MAX_LANGS && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len <= 9 || len - 9 >= sizeof(t->codes[0]) || strncmp(e->d_name, "qanat-", 6) != 0 ||
		    strcmp(e->d_name + len - 3, ".mo") != 0)
			continue;
		snprintf(t->codes[n], sizeof(t->codes[0]), "%.*s", (int)(len - 9), e->d_name + 6);
		n++;
	}
	if (d)
		closedir(d);
	/* a stable order whatever the directory's: English first, then by code */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(t->codes[j], t->codes[i]) < 0) {
				char tmp[sizeof(t->codes[0])];
				memcpy(tmp, t->codes[i], sizeof(tmp));
				memcpy(t->codes[i], t->codes[j], sizeof(tmp));
				memcpy(t->codes[j], tmp, sizeof(tmp));
			}
	for (size_t i = 0; i < n; i++)
		t->languages[i] = t->codes[i];
	t->languages[n] = NULL;
}

int i18n_init(void)
{
	/* gettext honours LANGUAGE before the locale: the UI language is the viewer's setting */
	unsetenv("LANGUAGE");
	/* the catalogues are installed under this locale's name (app/i18n/CMakeLists.txt) */
	static const char *const names[] = { "C.UTF-8", "C.utf8" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (setlocale(LC_MESSAGES, names[i]))
			return 0;
	plat_log_warn("i18n", "no UTF-8 messages locale: the UI stays in English");
	return -ENOENT;
}

int i18n_create(const char *locale_dir, struct i18n **out)
{
	struct i18n *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	snprintf(t->dir, sizeof(t->dir), "%s", locale_dir ? locale_dir : "");
	snprintf(t->lang, sizeof(t->lang), "en");
	find_languages(t);
	*out = t;
	return 0;
}

void i18n_free(struct i18n **t)
{
	if (!t || !*t)
		return;
	free(*t);
	*t = NULL;
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

int i18n_set_lang(struct i18n *t, const char *lang)
{
	if (!lang || !lang[0] || strlen(lang) >= sizeof(t->lang))
		return -EINVAL;
	if (strcmp(lang, "en") == 0) {
		snprintf(t->lang, sizeof(t->lang), "en");
		t->domain[0] = '\0';
		t->rtl = false;
		return 0;
	}
	char domain[sizeof(t->domain)], mo[700];
	snprintf(domain, sizeof(domain), "qanat-%s", lang);
	snprintf(mo, sizeof(mo), "%s/C.UTF-8/LC_MESSAGES/%s.mo", t->dir, domain);
	struct stat st;
	if (stat(mo, &st) != 0) {
		plat_log_warn("i18n", "no catalogue for '%s' (%s)", lang, mo);
		return -ENOENT;
	}
	bindtextdomain(domain, t->dir);
	bind_textdomain_codeset(domain, "UTF-8");
	snprintf(t->lang, sizeof(t->lang), "%s", lang);
	snprintf(t->domain, sizeof(t->domain), "%s", domain);
	t->rtl = in_list(rtl_languages, lang);
	return 0;
}

const char *i18n_lang(const struct i18n *t)
{
	return t ? t->lang : "en";
}

bool i18n_rtl(const struct i18n *t)
{
	return t && t->rtl;
}

const char *i18n_tr(const struct i18n *t, const char *msgid)
{
	if (!t || !t->domain[0])
		return msgid;
	return dgettext(t->domain, msgid);
}

const char *i18n_ntr(const struct i18n *t, const char *msgid, const char *plural, unsigned long n)
{
	if (!t || !t->domain[0])
		return n == 1 ? msgid : plural;
	return dngettext(t->domain, msgid, plural, n);
}

const char *i18n_ctr(const struct i18n *t, const char *ctx, const char *msgid)
{
	if (!t || !t->domain[0])
		return msgid;
	char key[I18N_CTX_MAX];
	int n = snprintf(key, sizeof(key), "%s" I18N_CTX_SEP "%s", ctx, msgid);
	if (n < 0 || (size_t)n >= sizeof(key))
		return msgid;
	const char *tr = dgettext(t->domain, key);
	return tr == key ? msgid : tr; /* untranslated: gettext hands back our own buffer */
}

const char *const *i18n_languages(const struct i18n *t)
{
	return t->languages;
}

const char *i18n_language_name(const struct i18n *t, const char *lang)
{
	if (!lang || strcmp(lang, "en") == 0)
		return I18N_NAME_ID;
	char domain[sizeof(t->domain)], key[64];
	snprintf(domain, sizeof(domain), "qanat-%s", lang);
	bindtextdomain(domain, t->dir);
	bind_textdomain_codeset(domain, "UTF-8");
	snprintf(key, sizeof(key), "%s" I18N_CTX_SEP "%s", I18N_NAME_CTX, I18N_NAME_ID);
	const char *name = dgettext(domain, key);
	return name == key ? lang : name; /* a catalogue without its name: the code */
}
