/* SPDX-License-Identifier: MIT */
/* The one base64 decoder (plat_base64) with what panels send in EPG titles: padded and unpadded,
 * the URL-safe alphabet, CR/LF wrapping, Arabic text cut at a letter boundary, and the plain-text
 * titles of clones kept as sent (including ones that happen to use only base64 letters). */
#include "plat_base64.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void test_decode(void **state)
{
	uint8_t out[64];
	static const struct {
		const char *in;
		long rc;
		const char *out;
	} cases[] = {
		{ "ZmFrZSBwcm9ncmFtbWU=", 14, "fake programme" },
		{ "ZmFrZQ", 4, "fake" },   /* no padding */
		{ "ZmFrZQ==", 4, "fake" }, /* padding */
		{ "QQ", 1, "A" },
		{ "Pz8_Pw", 4, "???\x3f" },          /* URL-safe '_' */
		{ "Pz8/Pw==", 4, "????" },           /* the same, standard */
		{ "Pj4-", 3, ">>>" },                /* URL-safe '-' */
		{ "Zm\r\nFr\nZQ==\r\n", 4, "fake" }, /* wrapped lines */
		{ "  ZmFrZQ==\t", 4, "fake" },       /* blanks at the ends */
		{ "", -EINVAL, NULL },
		{ "====", -EINVAL, NULL },
		{ "Z", -EINVAL, NULL },         /* one symbol cannot be a byte */
		{ "ZmFrZ", -EINVAL, NULL },     /* 5 symbols: 4n+1 */
		{ "Zm=FrZQ==", -EINVAL, NULL }, /* data after the padding */
		{ "ZmFrZQ=", -EINVAL, NULL },   /* padding that does not complete a quantum */
		{ "ZmFrZQ===", -EINVAL, NULL },
		{ "Zm Fr", -EINVAL, NULL }, /* a space inside: plain text */
		{ "Hello world", -EINVAL, NULL },
		{ "caf\xc3\xa9", -EINVAL, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long rc = plat_base64_decode(cases[i].in, strlen(cases[i].in), out, sizeof(out));
		if (rc != cases[i].rc)
			fail_msg("case %zu '%s': %ld, expected %ld", i, cases[i].in, rc, cases[i].rc);
		if (rc > 0 && memcmp(out, cases[i].out, (size_t)rc) != 0)
			fail_msg("case %zu '%s': wrong bytes", i, cases[i].in);
	}
	assert_int_equal(plat_base64_decode("ZmFrZQ==", 8, out, 3), -ENOBUFS);
	assert_int_equal(plat_base64_decode("ZmFrZQ==", 8, out, 4), 4);
	assert_int_equal(plat_base64_decode(NULL, 0, out, sizeof(out)), -EINVAL);
	/* len is honoured: the bytes after it are not read */
	assert_int_equal(plat_base64_decode("QQ==garbage", 4, out, sizeof(out)), 1);
}

static void test_text(void **state)
{
	char out[64];
	static const struct {
		const char *in, *out;
		bool decoded;
	} cases[] = {
		{ "2YbYtNix2Kkg2KfZhNij2K7YqNin2LE=", "نشرة الأخبار", true },
		{ "ZmFrZSBwcm9ncmFtbWU=", "fake programme", true },
		{ "QQ", "A", true },
		{ "News", "News", false }, /* valid alphabet, decodes to bytes that are not UTF-8 */
		{ "Plain text, not base64", "Plain text, not base64", false },
		{ "AAE=", "AAE=", false }, /* decodes to control bytes: not text */
		{ "wMA=", "wMA=", false }, /* an overlong sequence */
		{ "7aCA", "7aCA", false }, /* a UTF-16 surrogate */
		{ "TGluZQpOZXh0", "Line\nNext", true },
		{ "", "", false },
		{ "نشرة", "نشرة", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool d = plat_base64_text(cases[i].in, out, sizeof(out));
		if (d != cases[i].decoded || strcmp(out, cases[i].out) != 0)
			fail_msg("case %zu '%s': '%s' (%d)", i, cases[i].in, out, d);
	}
	assert_false(plat_base64_text(NULL, out, sizeof(out)));
	assert_string_equal(out, "");
	/* cut at a character boundary, never inside an Arabic letter (2 bytes each) */
	char small[6];
	assert_true(plat_base64_text("2YbYtNix2Kkg2KfZhNij2K7YqNin2LE=", small, sizeof(small)));
	assert_string_equal(small, "نش");
	char four[4];
	assert_true(plat_base64_text("ZmFrZSBwcm9ncmFtbWU=", four, sizeof(four)));
	assert_string_equal(four, "fak");
	assert_false(plat_base64_text("نشرة", small, sizeof(small))); /* plain text is cut the same way */
	assert_string_equal(small, "نش");
	char none[1] = { 'x' };
	assert_false(plat_base64_text("QQ", none, 0));
	assert_int_equal(none[0], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
