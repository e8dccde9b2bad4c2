/* SPDX-License-Identifier: MIT */
/* The parental PIN as stored: PBKDF2-HMAC-SHA256 checked against published known answers (RFC 7914
 * section 11 and the RFC 6070-style vectors for SHA-256) through the same verify the app uses, and a
 * PIN stored in the first format ("salt:hash", iterated SHA-256) that keeps opening the lock and is
 * rewritten in the current format at the first right entry, never at a wrong one. */
#include "library.h"
#include "store.h"

#include <errno.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* "salt" in hex, and PIN "1234" in the first format with salt 00112233...eeff (computed by the code
 * this replaced) */
#define SALT_HEX "73616c74"
#define LEGACY_1234 \
	"00112233445566778899aabbccddeeff:60780d27ec3e2f38ea03c537ce13e6e8dda5310a286a8f066e99165c37800366"

static void test_known_answers(void **state)
{
	static const struct {
		const char *stored, *pin;
	} kat[] = {
		{ "pbkdf2-sha256:1:" SALT_HEX
		  ":120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
		  "password" },
		{ "pbkdf2-sha256:2:" SALT_HEX
		  ":ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43",
		  "password" },
		{ "pbkdf2-sha256:4096:" SALT_HEX
		  ":c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a",
		  "password" },
		/* RFC 7914 section 11, first 32 bytes of the 64 */
		{ "pbkdf2-sha256:1:" SALT_HEX
		  ":55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
		  "passwd" },
	};
	for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		assert_int_equal(library_pin_verify(kat[i].stored, kat[i].pin), 0);
		assert_int_equal(library_pin_verify(kat[i].stored, "Password"), -EACCES);
		assert_true(library_pin_outdated(kat[i].stored)); /* fewer iterations than now */
	}
	/* malformed values open nothing */
	static const char *const bad[] = {
		"",
		"pbkdf2-sha256:",
		"pbkdf2-sha256:0:" SALT_HEX
		":120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
		"pbkdf2-sha256:99999999:" SALT_HEX
		":120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
		"pbkdf2-sha256:1:" SALT_HEX ":120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be1",
		"pbkdf2-sha256:1::120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
		"pbkdf2-sha256:1:7361zz74:120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
		"0011:60780d27ec3e2f38ea03c537ce13e6e8dda5310a286a8f066e99165c37800366",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(library_pin_verify(bad[i], "password"), -EACCES);
		assert_false(library_pin_outdated(bad[i]));
	}
	assert_int_equal(library_pin_verify(NULL, "password"), -EACCES);
}

static void test_new_pin_is_current(void **state)
{
	char a[LIBRARY_PIN_STORED_MAX], b[LIBRARY_PIN_STORED_MAX];
	assert_int_equal(library_pin_verify(LEGACY_1234, "1234"), 0);
	assert_int_equal(library_pin_verify(LEGACY_1234, "1235"), -EACCES);
	assert_true(library_pin_outdated(LEGACY_1234));
	/* two boxes with the same PIN store different values (a random salt each) */
	char dir[] = "/tmp/qanat-pin-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char db[300];
	struct store *s[2];
	struct library *l[2];
	for (int i = 0; i < 2; i++) {
		snprintf(db, sizeof(db), "%s/box%d.db", dir, i);
		assert_int_equal(store_open(db, &s[i]), 0);
		assert_int_equal(library_open(s[i], &l[i]), 0);
		assert_int_equal(library_pin_set(l[i], NULL, "2468"), 0);
	}
	assert_int_equal(library_pin_stored(l[0], a, sizeof(a)), 0);
	assert_int_equal(library_pin_stored(l[1], b, sizeof(b)), 0);
	assert_int_equal(strncmp(a, "pbkdf2-sha256:20000:", 20), 0);
	assert_string_not_equal(a, b);
	assert_null(strstr(a, "2468"));
	assert_false(library_pin_outdated(a));
	assert_int_equal(library_pin_verify(a, "2468"), 0);
	assert_int_equal(library_pin_verify(b, "2468"), 0);
	assert_int_equal(library_pin_verify(a, "2469"), -EACCES);
	for (int i = 0; i < 2; i++) {
		library_close(&l[i]);
		store_close(&s[i]);
		snprintf(db, sizeof(db), "%s/box%d.db", dir, i);
		unlink(db);
	}
	rmdir(dir);
}

static void put_raw(struct store *s, const char *value)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(s),
					    "INSERT INTO lib_setting(key, value) VALUES('parental_pin', ?)"
					    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* A box updated from the first format: the viewer's PIN still opens the lock, a wrong one changes
 * nothing, and the right one is stored again as PBKDF2 (which keeps opening it, across a reopen). */
static void test_upgrade(void **state)
{
	char dir[] = "/tmp/qanat-pin-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char db[300];
	snprintf(db, sizeof(db), "%s/box.db", dir);
	struct store *s;
	struct library *l;
	assert_int_equal(store_open(db, &s), 0);
	assert_int_equal(library_open(s, &l), 0);
	put_raw(s, LEGACY_1234);

	char stored[LIBRARY_PIN_STORED_MAX];
	assert_int_equal(library_pin_check(l, "4321"), -EACCES);
	assert_int_equal(library_pin_stored(l, stored, sizeof(stored)), 0);
	assert_string_equal(stored, LEGACY_1234); /* a wrong entry upgrades nothing */

	assert_int_equal(library_pin_check(l, "1234"), 0);
	assert_int_equal(library_pin_stored(l, stored, sizeof(stored)), 0);
	assert_int_equal(strncmp(stored, "pbkdf2-sha256:20000:", 20), 0);
	assert_false(library_pin_outdated(stored));
	assert_int_equal(library_pin_verify(stored, "1234"), 0);

	library_close(&l);
	store_close(&s);
	assert_int_equal(store_open(db, &s), 0);
	assert_int_equal(library_open(s, &l), 0);
	assert_int_equal(library_pin_check(l, "1234"), 0);
	assert_int_equal(library_pin_check(l, "4321"), -EACCES);
	/* and it is changed like any PIN */
	assert_int_equal(library_pin_set(l, "1234", "97531"), 0);
	assert_int_equal(library_pin_check(l, "97531"), 0);
	library_close(&l);
	store_close(&s);
	unlink(db);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_new_pin_is_current),
		cmocka_unit_test(test_upgrade),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
