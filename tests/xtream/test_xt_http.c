/* SPDX-License-Identifier: MIT */
/* The Xtream client on the box's HTTP layer: each transport failure says its own sentence and each
 * HTTP answer means what it means, against the local panel and a TLS server on loopback:
 * - a 404 on get_vod_info / get_series_info with a working login is "no longer available"; with a
 *   refused login (XUI's 404 page on everything) it stays a refusal;
 * - a 503 login with a short Retry-After waits that long once and signs in; a long one tells the
 *   viewer when to try again (and is the back-off); the wait is cancellable;
 * - a redirect loop says "kept redirecting", an untrusted certificate says so (not "cannot be
 *   reached"), and the operator's CA makes that server trusted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plat_cancel.h"
#include "plat_clock.h"
#include "plat_http.h"
#include "test_panel.h"
#include "xtream.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef QANAT_SOURCE_DIR
#error "QANAT_SOURCE_DIR must be defined by the build"
#endif

static struct test_panel panel;

static int stop_panel(void **state)
{
	(void)state;
	test_panel_stop(&panel);
	return 0;
}

static void start(const char *flavor)
{
	if (test_panel_start(&panel, flavor, NULL, NULL) < 0)
		fail_msg("the local panel did not start");
}

static void fault(const char *json)
{
	int rc = test_panel_control(&panel, "POST", "/_control/faults", json);
	assert_true(rc == 200 || rc == 201);
}

static struct xt_client *client(const char *base, const char *user, const char *pass)
{
	const char *urls[] = { base };
	struct xt_config cfg = { .urls = urls, .url_count = 1, .username = user, .password = pass };
	struct xt_client *c = NULL;
	assert_int_equal(xt_client_create(&cfg, &c), 0);
	return c;
}

static int on_vod(void *ud, const struct xt_vod_info *info)
{
	(void)ud;
	(void)info;
	return 0;
}

static void test_details_404_is_gone(void **state)
{
	(void)state;
	start("xc2");
	struct xt_client *c = client(panel.base, "demo", "demo");
	assert_int_equal(xt_client_vod_info(c, 1001, on_vod, NULL), 0);
	fault(
	    "{\"match\":\"action=get_(vod|series)_info\",\"kind\":\"status\",\"status\":404,"
	    "\"body\":\"<html><body><h1>404 Not Found</h1></body></html>\",\"content_type\":\"text/html\"}");
	int rc = xt_client_vod_info(c, 1001, on_vod, NULL);
	assert_int_equal(rc, -ENOENT);
	assert_string_equal(xt_strerror(rc), "this title is no longer available");
	struct xt_series_visitor v = { 0 };
	assert_int_equal(xt_client_series_info(c, 1, &v, NULL), -ENOENT);
	xt_client_destroy(&c);
	test_panel_stop(&panel);

	/* XUI answers a wrong password with the same 404 page on every action: still a refusal */
	start("xui");
	c = client(panel.base, "demo", "wrong");
	assert_int_equal(xt_client_vod_info(c, 1001, on_vod, NULL), -EACCES);
	xt_client_destroy(&c);
	test_panel_stop(&panel);
}

static void test_login_retry_after(void **state)
{
	(void)state;
	start("xc2");
	/* a short Retry-After: waited out once, then signed in */
	fault("{\"match\":\"player_api\\\\.php\\\\?username=demo&password=demo$\",\"kind\":\"status\","
	      "\"status\":503,\"body\":\"busy\",\"headers\":{\"Retry-After\":\"2\"},\"count\":1}");
	struct xt_client *c = client(panel.base, "demo", "demo");
	struct xt_login l;
	uint64_t t0 = plat_clock_mono_ms();
	int rc = xt_client_login(c, &l);
	uint64_t ms = plat_clock_mono_ms() - t0;
	printf("503 with Retry-After: 2 -> %s after %llu ms\n", xt_login_outcome_name(l.outcome),
	       (unsigned long long)ms);
	assert_int_equal(rc, 0);
	assert_int_equal(l.outcome, XT_LOGIN_OK);
	assert_true(ms >= 1900 && ms < 30000);
	xt_client_destroy(&c);

	/* a long one: the viewer is told when, and that is the back-off */
	fault("{\"match\":\"player_api\\\\.php\\\\?username=demo&password=demo$\",\"kind\":\"status\","
	      "\"status\":429,\"body\":\"slow down\",\"headers\":{\"Retry-After\":\"120\"}}");
	c = client(panel.base, "demo", "demo");
	t0 = plat_clock_mono_ms();
	xt_client_login(c, &l);
	assert_true(plat_clock_mono_ms() - t0 < 10000);
	assert_int_equal(l.outcome, XT_LOGIN_SERVER_ERROR);
	assert_int_equal(l.server_retry_after_s, 120);
	assert_int_equal(l.retry_after_ms, 120000);
	char msg[256];
	xt_login_message(&l, msg, sizeof(msg));
	assert_string_equal(msg, "The service is busy (HTTP 429). You can try again in 120 s.");
	assert_true(xt_client_backoff_remaining_ms(c) > 100000);
	xt_client_destroy(&c);
	test_panel_stop(&panel);
}

struct canceller {
	struct plat_cancel *token;
	uint32_t after_ms;
};

static void *fire_later(void *arg)
{
	struct canceller *k = arg;
	usleep(k->after_ms * 1000);
	plat_cancel_fire(k->token);
	return NULL;
}

static void test_login_retry_wait_cancels(void **state)
{
	(void)state;
	start("xc2");
	fault("{\"match\":\"player_api\\\\.php\\\\?username=demo&password=demo$\",\"kind\":\"status\","
	      "\"status\":503,\"body\":\"busy\",\"headers\":{\"Retry-After\":\"8\"}}");
	struct xt_client *c = client(panel.base, "demo", "demo");
	struct canceller k = { .after_ms = 500 };
	assert_int_equal(plat_cancel_create(&k.token), 0);
	xt_client_set_cancel(c, k.token);
	pthread_t th;
	pthread_create(&th, NULL, fire_later, &k);
	struct xt_login l;
	uint64_t t0 = plat_clock_mono_ms();
	int rc = xt_client_login(c, &l);
	uint64_t ms = plat_clock_mono_ms() - t0;
	pthread_join(th, NULL);
	printf("cancel during the Retry-After wait: %d after %llu ms\n", rc, (unsigned long long)ms);
	assert_int_equal(rc, -ECANCELED);
	assert_true(ms < 4000);
	xt_client_destroy(&c);
	plat_cancel_free(&k.token);
	test_panel_stop(&panel);
}

static void test_login_redirect_loop(void **state)
{
	(void)state;
	start("xc2");
	fault("{\"match\":\"^/player_api\",\"kind\":\"status\",\"status\":302,\"body\":\"\","
	      "\"headers\":{\"Location\":\"/player_api.php?again=1\"}}");
	struct xt_client *c = client(panel.base, "demo", "demo");
	struct xt_login l;
	int rc = xt_client_login(c, &l);
	char msg[256];
	xt_login_message(&l, msg, sizeof(msg));
	printf("redirect loop at login: %d, %s: %s\n", rc, xt_login_outcome_name(l.outcome), msg);
	assert_int_equal(rc, PLAT_HTTP_EREDIRECTS);
	assert_int_equal(l.net_error, PLAT_HTTP_EREDIRECTS);
	assert_non_null(strstr(msg, "The server kept redirecting."));
	assert_null(strstr(msg, "cannot be reached"));
	xt_client_destroy(&c);
	test_panel_stop(&panel);
}

/* ---- TLS: tests/platform/http_rules_server.py with a CA and a certificate made here ---- */

static struct {
	pid_t pid;
	int out; /* the server's stdout, open until it stops (a closed pipe would kill its print) */
	char dir[64], ca[128], base[64];
} tls = { .out = -1 };

static int make_tls_server(void)
{
	snprintf(tls.dir, sizeof(tls.dir), "/tmp/qanat-xt-tls-XXXXXX");
	if (!mkdtemp(tls.dir))
		return -errno;
	snprintf(tls.ca, sizeof(tls.ca), "%s/ca.pem", tls.dir);
	if (test_tls_make_pki(tls.dir) < 0)
		return -EIO;
	int port = test_free_port(), tls_port = test_free_port();
	char p[16], tp[16], cert[128], key[128];
	snprintf(p, sizeof(p), "%d", port);
	snprintf(tp, sizeof(tp), "%d", tls_port);
	snprintf(cert, sizeof(cert), "%s/srv.pem", tls.dir);
	snprintf(key, sizeof(key), "%s/srv.key", tls.dir);
	snprintf(tls.base, sizeof(tls.base), "https://127.0.0.1:%d", tls_port);
	int out[2];
	if (pipe(out) < 0)
		return -errno;
	tls.pid = fork();
	if (tls.pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		close(out[1]);
		execlp("python3", "python3", QANAT_SOURCE_DIR "/tests/platform/http_rules_server.py",
		       "--port", p, "--tls-port", tp, "--tls-cert", cert, "--tls-key", key, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	tls.out = out[0];
	char buf[64] = "";
	size_t got = 0;
	while (got < sizeof(buf) - 1 && !strstr(buf, "ready\n")) {
		ssize_t n = read(tls.out, buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
	}
	return strstr(buf, "ready\n") ? 0 : -EIO;
}

static int stop_tls_server(void **state)
{
	(void)state;
	if (tls.pid > 0) {
		kill(tls.pid, SIGTERM);
		waitpid(tls.pid, NULL, 0);
		tls.pid = 0;
	}
	if (tls.out >= 0) {
		close(tls.out);
		tls.out = -1;
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tls.dir);
	if (tls.dir[0] && system(cmd) != 0)
		return -1;
	plat_http_set_ca_file(NULL);
	return 0;
}

static void test_login_untrusted_then_operator_ca(void **state)
{
	(void)state;
	assert_int_equal(make_tls_server(), 0);
	plat_http_set_ca_file(NULL);
	struct xt_client *c = client(tls.base, "demo", "demo");
	struct xt_login l;
	int rc = xt_client_login(c, &l);
	char msg[256];
	xt_login_message(&l, msg, sizeof(msg));
	printf("untrusted certificate at login: %d, %s: %s\n", rc, xt_login_outcome_name(l.outcome), msg);
	assert_int_equal(rc, XT_EUNTRUSTED);
	assert_int_equal(l.net_error, XT_EUNTRUSTED);
	assert_non_null(strstr(msg, "The server's certificate is not trusted."));
	assert_null(strstr(msg, "cannot be reached"));
	xt_client_destroy(&c);

	assert_int_equal(plat_http_set_ca_file(tls.ca), 0);
	c = client(tls.base, "demo", "demo");
	assert_int_equal(xt_client_login(c, &l), 0);
	assert_int_equal(l.outcome, XT_LOGIN_OK);
	xt_client_destroy(&c);
}

int main(void)
{
	if (plat_http_global_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_details_404_is_gone, stop_panel),
		cmocka_unit_test_teardown(test_login_retry_after, stop_panel),
		cmocka_unit_test_teardown(test_login_retry_wait_cancels, stop_panel),
		cmocka_unit_test_teardown(test_login_redirect_loop, stop_panel),
		cmocka_unit_test_teardown(test_login_untrusted_then_operator_ca, stop_tls_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
