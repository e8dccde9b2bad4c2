/* SPDX-License-Identifier: MIT */
/* What the viewer sees of the subscription without the network: days left, reminders that show once
 * per threshold and start again after a renewal, the message of the day once, the renewal QR code. */
#include "account.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	char path[64];
	struct store *store;
	struct account *account;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "/tmp/qanat-account-XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	struct account_config cfg = { .renewal_page = "https://pay.example.com/renew?u={username}&src=box",
				      .username = "ali+tv@home",
				      .password = "s3cret" };
	assert_int_equal(store_open(f->path, &f->store), 0);
	assert_int_equal(account_create(f->store, &cfg, &f->account), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	account_destroy(&f->account);
	store_close(&f->store);
	char side[80];
	unlink(f->path);
	snprintf(side, sizeof(side), "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", f->path);
	unlink(side);
	free(f);
	return 0;
}

static void test_status_and_days_left(void **state)
{
	assert_int_equal(account_status_from_text("Active"), ACCOUNT_ACTIVE);
	assert_int_equal(account_status_from_text("Expired"), ACCOUNT_EXPIRED);
	assert_int_equal(account_status_from_text("Banned"), ACCOUNT_BANNED);
	assert_int_equal(account_status_from_text("Disabled"), ACCOUNT_DISABLED);
	assert_int_equal(account_status_from_text("Inactive"), ACCOUNT_OTHER);
	assert_int_equal(account_status_from_text(NULL), ACCOUNT_OTHER);

	const int64_t now = 1795000000;
	struct account_info info = { .exp_date = now + 2 * 86400 + 3600 };
	assert_int_equal(account_days_left(&info, now), 2);
	info.exp_date = now + 3600;
	assert_int_equal(account_days_left(&info, now), 0);
	info.exp_date = now - 60;
	assert_int_equal(account_days_left(&info, now), -1);
	info.exp_date = 0;
	assert_int_equal(account_days_left(&info, now), INT32_MAX);
}

static void test_reminders_once_per_threshold(void **state)
{
	struct fixture *f = *state;
	static const int days[] = { 7, 3, 1, 0 };
	const int64_t exp = 1795000000;
	struct account_info info = { .status = ACCOUNT_ACTIVE, .exp_date = exp };
	/* 10 days before: nothing */
	assert_int_equal(account_reminder_take(f->account, &info, exp - 10 * 86400, days, 4), -ENOENT);
	/* 6.5 days before: the 7-day banner, once */
	assert_int_equal(account_reminder_take(f->account, &info, exp - 6 * 86400 - 43200, days, 4), 7);
	assert_int_equal(account_reminder_take(f->account, &info, exp - 6 * 86400, days, 4), -ENOENT);
	/* 2 days before: the 3-day banner */
	assert_int_equal(account_reminder_take(f->account, &info, exp - 2 * 86400, days, 4), 3);
	/* on the day */
	assert_int_equal(account_reminder_take(f->account, &info, exp - 3600, days, 4), 0);
	assert_int_equal(account_reminder_take(f->account, &info, exp - 60, days, 4), -ENOENT);
	/* expired: the account screen says so, no reminder banner */
	assert_int_equal(account_reminder_take(f->account, &info, exp + 60, days, 4), -ENOENT);
	/* renewed: a new expiry date starts the reminders again */
	info.exp_date = exp + 30 * 86400;
	assert_int_equal(account_reminder_take(f->account, &info, info.exp_date - 5 * 86400, days, 4), 7);
	/* unlimited accounts never get one */
	info.exp_date = 0;
	assert_int_equal(account_reminder_take(f->account, &info, exp, days, 4), -ENOENT);
}

static void test_motd_once(void **state)
{
	struct fixture *f = *state;
	assert_true(account_motd_take(f->account, "Welcome back my friends"));
	assert_false(account_motd_take(f->account, "Welcome back my friends"));
	assert_true(account_motd_take(f->account, "New: 4K channels"));
	assert_false(account_motd_take(f->account, ""));
	assert_false(account_motd_take(f->account, NULL));
}

static void test_renewal_url_and_qr(void **state)
{
	struct fixture *f = *state;
	char url[256];
	int n = account_renewal_url(f->account, url, sizeof(url));
	assert_string_equal(url, "https://pay.example.com/renew?u=ali%2Btv%40home&src=box");
	assert_int_equal(n, (int)strlen(url));
	assert_int_equal(account_renewal_url(f->account, url, 10), -ENOSPC);

	struct account_qr *qr = malloc(sizeof(*qr));
	assert_int_equal(account_qr_encode(url, qr), 0);
	assert_true(qr->size >= 21 && (qr->size - 17) % 4 == 0); /* a valid QR version size */
	/* the three finder patterns: dark 7x7 rings in three corners, light separator */
	const int s = qr->size;
	for (int i = 0; i < 7; i++) {
		assert_int_equal(qr->modules[i], 1);               /* top-left, top row */
		assert_int_equal(qr->modules[i * s], 1);           /* top-left, left column */
		assert_int_equal(qr->modules[s - 1 - i], 1);       /* top-right, top row */
		assert_int_equal(qr->modules[(s - 1 - i) * s], 1); /* bottom-left, left column */
	}
	assert_int_equal(qr->modules[1 * s + 1], 0); /* the light ring inside the top-left finder */
	assert_int_equal(qr->modules[3 * s + 3], 1); /* its dark centre */
	assert_int_equal(qr->modules[7 * s + 7], 0); /* separator */
	free(qr);
}

static void test_diagnostics_redacted(void **state)
{
	json_t *d = json_pack("{s:s,s:s,s:[s],s:{s:s}}", "panel",
			      "http://tv.example/player_api.php?username=ali&password=s3cret", "last_url",
			      "http://tv.example/live/ali/s3cret/12.ts", "errors",
			      "open failed for pass s3cret", "login", "password", "s3cret");
	account_diagnostics_redact(d, "s3cret");
	char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	assert_null(strstr(text, "s3cret"));
	assert_non_null(strstr(text, "http://tv.example/live/*/*/12.ts"));
	assert_non_null(strstr(text, "\"login\":{}"));
	free(text);
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_and_days_left),
		cmocka_unit_test_setup_teardown(test_reminders_once_per_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_motd_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renewal_url_and_qr, setup, teardown),
		cmocka_unit_test(test_diagnostics_redacted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
