/* SPDX-License-Identifier: MIT */
/* The operator API against the local panel (real HTTP): vouchers with every answer, a retry after a
 * server error that keeps its idempotency key, messages in the order a viewer should see them, and a
 * support ticket whose diagnostics reach the operator without the password. */
#include "account.h"
#include "plat_http.h"
#include "test_panel.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fixture {
	struct test_panel panel;
	char path[64];
	struct store *store;
	struct account *account;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (plat_http_global_init() < 0 || test_panel_start(&f->panel, NULL, NULL, NULL) < 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "/tmp/qanat-acct-op-XXXXXX");
	close(mkstemp(f->path));
	unlink(f->path);
	struct account_config cfg = { .username = "demo", .password = "demo" };
	snprintf(cfg.api_base, sizeof(cfg.api_base), "%s/api/v1", f->panel.base);
	if (store_open(f->path, &f->store) < 0 || account_create(f->store, &cfg, &f->account) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	account_destroy(&f->account);
	store_close(&f->store);
	test_panel_stop(&f->panel);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm", f->path, f->path, f->path);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* GET on the panel's control API, parsed. */
static json_t *control_get(struct fixture *f, const char *path)
{
	char url[160];
	snprintf(url, sizeof(url), "%s%s", f->panel.base, path);
	struct plat_http_request req = { .url = url };
	struct plat_http_response resp;
	assert_int_equal(plat_http_perform(&req, &resp), 0);
	json_t *j = json_loadb(resp.body, resp.body_len, 0, NULL);
	plat_http_response_free(&resp);
	return j;
}

static long long pending_keys(struct fixture *f)
{
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(store_db(f->store), "SELECT count(*) FROM account_idempotency", -1, &st, NULL);
	sqlite3_step(st);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_vouchers(void **state)
{
	struct fixture *f = *state;
	struct account_voucher_outcome out;
	const int64_t now = time(NULL);

	assert_int_equal(account_voucher_redeem(f->account, "VALID-30", NULL, &out), 0);
	assert_int_equal(out.result, ACCOUNT_VOUCHER_APPLIED);
	assert_true(out.exp_date > now + 360 * 86400); /* demo had a year; now 30 days more */
	assert_int_equal(account_voucher_redeem(f->account, "VALID-30", NULL, &out), 0);
	assert_int_equal(out.result, ACCOUNT_VOUCHER_USED);
	assert_int_equal(account_voucher_redeem(f->account, "EXPIRED-1", NULL, &out), 0);
	assert_int_equal(out.result, ACCOUNT_VOUCHER_EXPIRED);
	assert_int_equal(account_voucher_redeem(f->account, "NO-SUCH-CODE", NULL, &out), 0);
	assert_int_equal(out.result, ACCOUNT_VOUCHER_UNKNOWN);
	assert_string_equal(account_voucher_text(out.result),
			    "This voucher code is not known. Check the code and try again.");
	assert_int_equal(account_voucher_redeem(f->account, "RATE-1", NULL, &out), 0);
	assert_int_equal(out.result, ACCOUNT_VOUCHER_TOO_MANY);
	assert_int_equal(out.retry_after_s, 3);
	assert_int_equal(pending_keys(f), 0);
}

static void test_voucher_retry_after_server_error(void **state)
{
	struct fixture *f = *state;
	int status =
	    test_panel_control(&f->panel, "POST", "/_control/faults",
			       "{\"match\":\"/api/v1/vouchers/redeem\",\"kind\":\"status\",\"status\":503,"
			       "\"count\":1}");
	assert_int_equal(status / 100, 2);
	struct account_voucher_outcome out;
	assert_int_equal(account_voucher_redeem(f->account, "VALID-7", NULL, &out), -EIO);
	/* the key is kept for the retry, so the operator can recognise the same request */
	assert_int_equal(pending_keys(f), 1);
	assert_int_equal(account_voucher_redeem(f->account, "VALID-7", NULL, &out), 0);
	assert_int_equal(out.result, ACCOUNT_VOUCHER_APPLIED);
	assert_int_equal(pending_keys(f), 0);
}

static void test_messages_order_and_dismissal(void **state)
{
	struct fixture *f = *state;
	const int64_t now = time(NULL);
	assert_true(account_messages_fetch(f->account, now) >= 3);
	struct account_message m;
	/* critical first, then warning, then info; each gone once dismissed */
	assert_int_equal(account_messages_next(f->account, now, &m), 1);
	assert_int_equal(m.severity, ACCOUNT_CRITICAL);
	assert_string_equal(m.title, "تنبيه");
	assert_int_equal(account_messages_dismiss(f->account, m.id), 0);
	assert_int_equal(account_messages_next(f->account, now, &m), 1);
	assert_int_equal(m.severity, ACCOUNT_WARNING);
	assert_int_equal(account_messages_dismiss(f->account, m.id), 0);
	assert_int_equal(account_messages_next(f->account, now, &m), 1);
	assert_int_equal(m.severity, ACCOUNT_INFO);
	assert_int_equal(account_messages_dismiss(f->account, m.id), 0);
	assert_int_equal(account_messages_next(f->account, now, &m), 0);
	/* a second fetch brings nothing new back */
	account_messages_fetch(f->account, now + 1);
	assert_int_equal(account_messages_next(f->account, now + 1, &m), 0);
}

static void test_support_ticket_without_password(void **state)
{
	struct fixture *f = *state;
	json_t *diag = json_pack("{s:s,s:s,s:[{s:s,s:s}]}", "app_version", "0.1.0", "panel",
				 "http://127.0.0.1/player_api.php?username=demo&password=demo", "sessions",
				 "url", "http://127.0.0.1/live/demo/demo/3.ts", "error", "tech.http.403");
	struct account_ticket t;
	assert_int_equal(account_support_ticket(f->account, "playback", "Channel 3 does not start", diag, &t),
			 0);
	assert_true(strncmp(t.ticket_id, "T-", 2) == 0);
	assert_int_equal(t.eta_minutes, 30);
	json_decref(diag);

	json_t *tickets = control_get(f, "/_control/tickets");
	assert_int_equal(json_array_size(tickets), 1);
	json_t *request = json_object_get(json_array_get(tickets, 0), "request");
	char *text = json_dumps(request, JSON_COMPACT);
	assert_non_null(strstr(text, "/live/*/*/3.ts"));
	assert_non_null(strstr(text, "tech.http.403"));
	assert_null(strstr(text, "demo/demo"));
	assert_null(strstr(text, "password=demo"));
	free(text);
	json_decref(tickets);

	/* a report over the operator's limit is refused in words, not silently */
	json_t *big = json_object();
	char *blob = malloc(70000);
	memset(blob, 'x', 69999);
	blob[69999] = '\0';
	json_object_set_new(big, "log", json_string(blob));
	free(blob);
	assert_int_equal(account_support_ticket(f->account, "playback", "big", big, &t), -EMSGSIZE);
	json_decref(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vouchers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voucher_retry_after_server_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages_order_and_dismissal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_support_ticket_without_password, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
