/* SPDX-License-Identifier: MIT */
/* The UI's languages through the real compiled catalogues of this build (app/i18n): Arabic's six
 * plural forms land on the numbers a reader expects, one English word with two meanings gets its two
 * Arabic words, English needs no catalogue, a language without one is refused, and the languages
 * offered are the catalogues installed (a new language is one new .po file). */
#include "i18n.h"
#include "qanat_config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static int setup(void **state)
{
	assert_int_equal(i18n_init(), 0);
	struct i18n *t = NULL;
	assert_int_equal(i18n_create(QANAT_LOCALE_DIR, &t), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct i18n *t = *state;
	i18n_free(&t);
	return 0;
}

/* n -> what an Arabic reader sees for "%zu movie(s)" (forms: 0, 1, 2, 3-10, 11-99, 100+) */
static void arabic_plurals(void **state)
{
	struct i18n *t = *state;
	assert_int_equal(i18n_set_lang(t, "ar"), 0);
	assert_true(i18n_rtl(t));
	static const struct {
		unsigned long n;
		const char *want;
	} cases[] = {
		{ 0, "لا أفلام" },   { 1, "فيلم واحد" },  { 2, "فيلمان" },      { 3, "3 أفلام" },
		{ 10, "10 أفلام" },  { 11, "11 فيلمًا" },  { 60, "60 فيلمًا" },   { 99, "99 فيلمًا" },
		{ 100, "100 فيلم" }, { 101, "101 فيلم" }, { 103, "103 أفلام" }, { 111, "111 فيلمًا" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];
		snprintf(out, sizeof(out), i18n_ntr(t, "%zu movie", "%zu movies", cases[i].n),
			 (size_t)cases[i].n);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("n=%lu: got \"%s\", want \"%s\"", cases[i].n, out, cases[i].want);
	}
}

static void english_needs_no_catalogue(void **state)
{
	struct i18n *t = *state;
	assert_int_equal(i18n_set_lang(t, "en"), 0);
	assert_false(i18n_rtl(t));
	assert_string_equal(i18n_ntr(t, "%zu movie", "%zu movies", 1), "%zu movie");
	assert_string_equal(i18n_ntr(t, "%zu movie", "%zu movies", 2), "%zu movies");
	assert_string_equal(i18n_tr(t, "Live TV"), "Live TV");
}

static void contexts_keep_two_meanings_apart(void **state)
{
	struct i18n *t = *state;
	assert_int_equal(i18n_set_lang(t, "ar"), 0);
	assert_string_equal(i18n_tr(t, "Series"), "المسلسلات");                  /* the screen */
	assert_string_equal(i18n_ctr(t, "kind", "Series"), "مسلسل");             /* one item's kind */
	assert_string_equal(i18n_ctr(t, "no such context", "Series"), "Series"); /* untranslated */
	assert_string_equal(i18n_tr(t, "Live TV"), "البث المباشر");
}

static void a_language_without_catalogue_is_refused(void **state)
{
	struct i18n *t = *state;
	assert_int_equal(i18n_set_lang(t, "ar"), 0);
	assert_int_equal(i18n_set_lang(t, "xx"), -ENOENT);
	assert_string_equal(i18n_lang(t), "ar"); /* the language stays as it was */
	assert_int_equal(i18n_set_lang(t, ""), -EINVAL);
}

static void languages_are_the_catalogues_installed(void **state)
{
	struct i18n *t = *state;
	const char *const *langs = i18n_languages(t);
	assert_non_null(langs[0]);
	assert_string_equal(langs[0], "en");
	bool ar = false;
	for (size_t i = 1; langs[i]; i++)
		ar = ar || strcmp(langs[i], "ar") == 0;
	assert_true(ar);
	assert_string_equal(i18n_language_name(t, "en"), "English");
	assert_string_equal(i18n_language_name(t, "ar"), "العربية");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(arabic_plurals, setup, teardown),
		cmocka_unit_test_setup_teardown(english_needs_no_catalogue, setup, teardown),
		cmocka_unit_test_setup_teardown(contexts_keep_two_meanings_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(a_language_without_catalogue_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(languages_are_the_catalogues_installed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
