/* SPDX-License-Identifier: MIT */
/* The box's HTTP rules (plat_http.h), each against a real server on loopback: a redirect loop ends
 * with its own error and sentence, an https -> http redirect is refused, a body over the kind's cap
 * and a gzip bomb end at the cap (quickly, with bounded memory), a list dripping 4 B/s ends at the
 * low-speed limit instead of running forever, an untrusted certificate says so and the operator's CA
 * (built into one bundle with the system store) makes it trusted; plus the Retry-After parser and
 * the header parser with known answers. Servers: tests/platform/http_rules_server.py (the shapes the
 * panel does not make) and the local panel's "drip" fault. */
#include "plat_clock.h"
#include "plat_http.h"
#include "test_panel.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef QANAT_SOURCE_DIR
#error "QANAT_SOURCE_DIR must be defined by the build"
#endif

static struct {
	pid_t pid;
	int port, tls_port;
	char dir[64]; /* the temp dir with the CA and the server certificate */
	char ca[128];
} srv;

static int run(const char *cmd)
{
	int rc = system(cmd);
	return rc == 0 ? 0 : -EIO;
}

/* A CA and a server certificate for 127.0.0.1 signed by it, made with the openssl CLI. */
static int make_certs(void)
{
	snprintf(srv.dir, sizeof(srv.dir), "/tmp/qanat-http-rules-XXXXXX");
	if (!mkdtemp(srv.dir))
		return -errno;
	snprintf(srv.ca, sizeof(srv.ca), "%s/ca.pem", srv.dir);
	return test_tls_make_pki(srv.dir);
}

static int start_server(void)
{
	srv.port = test_free_port();
	srv.tls_port = test_free_port();
	if (srv.port < 0 || srv.tls_port < 0 || srv.port == srv.tls_port)
		return -EIO;
	char port[16], tls_port[16], cert[128], key[128];
	snprintf(port, sizeof(port), "%d", srv.port);
	snprintf(tls_port, sizeof(tls_port), "%d", srv.tls_port);
	snprintf(cert, sizeof(cert), "%s/srv.pem", srv.dir);
	snprintf(key, sizeof(key), "%s/srv.key", srv.dir);
	int out[2];
	if (pipe(out) < 0)
		return -errno;
	srv.pid = fork();
	if (srv.pid < 0)
		return -errno;
	if (srv.pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		close(out[1]);
		execlp("python3", "python3", QANAT_SOURCE_DIR "/tests/platform/http_rules_server.py",
		       "--port", port, "--tls-port", tls_port, "--tls-cert", cert, "--tls-key", key,
		       (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	char buf[16] = "";
	ssize_t n = read(out[0], buf, sizeof(buf) - 1);
	close(out[0]);
	return n > 0 && strstr(buf, "ready") ? 0 : -EIO;
}

static int setup(void **state)
{
	(void)state;
	if (plat_http_global_init() < 0 || make_certs() < 0 || start_server() < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (srv.pid > 0) {
		kill(srv.pid, SIGTERM);
		waitpid(srv.pid, NULL, 0);
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", srv.dir);
	run(cmd);
	plat_http_set_ca_file(NULL);
	return 0;
}

static int get(enum plat_http_kind kind, const char *url, struct plat_http_response *resp)
{
	struct plat_http_request req = { .kind = kind, .url = url };
	return plat_http_perform(&req, resp);
}

static void url_of(char *out, size_t cap, bool tls, const char *path)
{
	snprintf(out, cap, "%s://127.0.0.1:%d%s", tls ? "https" : "http", tls ? srv.tls_port : srv.port,
		 path);
}

static void test_redirect_loop(void **state)
{
	(void)state;
	char url[256];
	struct plat_http_response resp;
	url_of(url, sizeof(url), false, "/loop");
	int rc = get(PLAT_HTTP_API, url, &resp);
	assert_int_equal(rc, PLAT_HTTP_EREDIRECTS);
	assert_string_equal(plat_http_strerror(rc), "The server kept redirecting.");
	plat_http_response_free(&resp);

	/* five hops are fine, a sixth is one too many */
	url_of(url, sizeof(url), false, "/hop/5");
	assert_int_equal(get(PLAT_HTTP_API, url, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "ok");
	plat_http_response_free(&resp);
	url_of(url, sizeof(url), false, "/hop/6");
	assert_int_equal(get(PLAT_HTTP_API, url, &resp), PLAT_HTTP_EREDIRECTS);
	plat_http_response_free(&resp);
}

static void test_https_to_http_refused(void **state)
{
	(void)state;
	assert_int_equal(plat_http_set_ca_file(srv.ca), 0);
	char url[256];
	struct plat_http_response resp;
	url_of(url, sizeof(url), true, "/to-http");
	int rc = get(PLAT_HTTP_API, url, &resp);
	assert_int_equal(rc, PLAT_HTTP_EREDIRECT_REFUSED);
	assert_null(resp.body);
	plat_http_response_free(&resp);
	/* the same redirect from plain http is followed (same scheme) */
	url_of(url, sizeof(url), false, "/to-http");
	assert_int_equal(get(PLAT_HTTP_API, url, &resp), 0);
	assert_string_equal(resp.body, "ok");
	plat_http_response_free(&resp);
	/* another scheme is never asked for */
	assert_int_equal(get(PLAT_HTTP_API, "ftp://127.0.0.1/x", &resp), PLAT_HTTP_EBADURL);
	assert_int_equal(get(PLAT_HTTP_API, "file:///etc/passwd", &resp), PLAT_HTTP_EBADURL);
	plat_http_set_ca_file(NULL);
}

static void test_body_over_cap(void **state)
{
	(void)state;
	char url[256];
	struct plat_http_response resp;
	/* API caps bodies at 8 MiB: with a Content-Length, and chunked (counted while it arrives) */
	url_of(url, sizeof(url), false, "/big?n=9437184");
	int rc = get(PLAT_HTTP_API, url, &resp);
	assert_int_equal(rc, PLAT_HTTP_ETOOBIG);
	assert_string_equal(plat_http_strerror(rc), "The server sent more data than this box accepts.");
	assert_null(resp.body);
	plat_http_response_free(&resp);
	url_of(url, sizeof(url), false, "/big-chunked?n=9437184");
	assert_int_equal(get(PLAT_HTTP_API, url, &resp), PLAT_HTTP_ETOOBIG);
	assert_true(resp.received <= 9u * 1024 * 1024);
	plat_http_response_free(&resp);
	/* the same body is a list's normal size */
	assert_int_equal(get(PLAT_HTTP_LIST, url, &resp), 0);
	assert_int_equal(resp.body_len, 9437184);
	plat_http_response_free(&resp);
	/* the request's own cap wins */
	struct plat_http_request req = { .kind = PLAT_HTTP_LIST, .url = url, .max_body = 1000 };
	assert_int_equal(plat_http_perform(&req, &resp), PLAT_HTTP_ETOOBIG);
	plat_http_response_free(&resp);
}

static long max_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void test_gzip_bomb(void **state)
{
	(void)state;
	char url[256];
	struct plat_http_response resp;
	url_of(url, sizeof(url), false, "/bomb?size=4294967296");
	long rss0 = max_rss_kib();
	uint64_t t0 = plat_clock_mono_ms();
	int rc = get(PLAT_HTTP_API, url, &resp);
	uint64_t ms = plat_clock_mono_ms() - t0;
	long grew_kib = max_rss_kib() - rss0;
	printf("gzip bomb (4 GiB) on PLAT_HTTP_API: %d after %llu ms, %llu bytes in, %llu decoded, max RSS "
	       "+%ld KiB\n",
	       rc, (unsigned long long)ms, (unsigned long long)resp.received,
	       (unsigned long long)resp.decoded, grew_kib);
	assert_int_equal(rc, PLAT_HTTP_EBOMB);
	assert_null(resp.body);
	assert_true(resp.decoded <= plat_http_policy_for(PLAT_HTTP_API)->max_decoded);
	assert_true(ms < 60000);
	assert_true(grew_kib < 256 * 1024); /* the API cap is 32 MiB decoded; 4 GiB would be far over */
	plat_http_response_free(&resp);
}

static void test_untrusted_then_operator_ca(void **state)
{
	(void)state;
	char url[256];
	struct plat_http_response resp;
	url_of(url, sizeof(url), true, "/login");
	plat_http_set_ca_file(NULL);
	int rc = get(PLAT_HTTP_API, url, &resp);
	assert_int_equal(rc, PLAT_HTTP_EUNTRUSTED);
	assert_string_equal(plat_http_strerror(rc), "The server's certificate is not trusted.");
	plat_http_response_free(&resp);

	assert_int_equal(plat_http_set_ca_file(srv.ca), 0);
	assert_string_equal(plat_http_ca_file(), srv.ca);
	assert_int_equal(get(PLAT_HTTP_API, url, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body, "\"auth\":1"));
	plat_http_response_free(&resp);

	/* the bundle holds the system store and the operator's CA */
	size_t len = 0;
	const char *bundle = plat_http_ca_bundle(&len);
	assert_non_null(bundle);
	FILE *f = fopen("/etc/ssl/certs/ca-certificates.crt", "rb");
	if (f) {
		char first[256] = "";
		size_t n = fread(first, 1, sizeof(first) - 1, f);
		fclose(f);
		first[n] = '\0';
		assert_true(n > 0 && strncmp(bundle, first, n) == 0);
		size_t certs = 0;
		for (const char *p = bundle; (p = strstr(p, "-----BEGIN CERTIFICATE-----")); p++)
			certs++;
		assert_true(certs > 2);
	}
	FILE *cf = fopen(srv.ca, "rb");
	assert_non_null(cf);
	char ca_pem[4096] = "";
	size_t ca_len = fread(ca_pem, 1, sizeof(ca_pem) - 1, cf);
	fclose(cf);
	ca_pem[ca_len] = '\0';
	assert_non_null(strstr(bundle, ca_pem));

	/* a file that is not a PEM bundle, or none at all, is refused and changes nothing */
	assert_int_equal(plat_http_set_ca_file("/nonexistent/ca.pem"), -ENOENT);
	assert_int_equal(plat_http_set_ca_file("/etc/hostname"), -EINVAL);
	assert_string_equal(plat_http_ca_file(), srv.ca);
	plat_http_set_ca_file(NULL);
	assert_null(plat_http_ca_file());
	assert_null(plat_http_ca_bundle(NULL));
}

/* A list dripping 4 B/s used to keep `qanat sync` running forever: PLAT_HTTP_LIST's low-speed limit
 * (1 KiB/s over 30 s) ends it. */
static void test_drip_list_stalls(void **state)
{
	(void)state;
	struct test_panel panel;
	assert_int_equal(test_panel_start(&panel, NULL, "drip", NULL), 0);
	char url[256];
	snprintf(url, sizeof(url), "%s/player_api.php?username=demo&password=demo&action=get_live_streams",
		 panel.base);
	struct plat_http_response resp;
	uint64_t t0 = plat_clock_mono_ms();
	int rc = get(PLAT_HTTP_LIST, url, &resp);
	uint64_t ms = plat_clock_mono_ms() - t0;
	printf("drip on PLAT_HTTP_LIST: %d (%s) after %llu ms\n", rc, plat_http_strerror(rc),
	       (unsigned long long)ms);
	test_panel_stop(&panel);
	assert_int_equal(rc, PLAT_HTTP_ESTALLED);
	assert_string_equal(plat_http_strerror(rc), "The server is sending too slowly.");
	assert_true(ms < 60000);
	plat_http_response_free(&resp);
}

static void test_retry_after_parser(void **state)
{
	(void)state;
	/* 1994-11-06 08:49:37 UTC = 784111777 */
	const time_t now = 784111777 - 120;
	static const struct {
		const char *v;
		int want;
	} cases[] = {
		{ "120", 120 },
		{ "  7 \r\n", 7 },
		{ "0", 0 },
		{ "86400", 86400 },
		{ "99999999999999999999999", 86400 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT", 120 },
		{ "Sunday, 06-Nov-94 08:49:37 GMT", 120 },
		{ "Sun Nov  6 08:49:37 1994", 120 },
		{ "Sun, 06 Nov 1994 08:47:37 GMT", 0 },     /* now */
		{ "Sat, 05 Nov 1994 08:49:37 GMT", 0 },     /* the past */
		{ "Mon, 07 Nov 1994 08:51:37 GMT", 86400 }, /* capped */
		{ "", -1 },
		{ "-5", -1 },
		{ "12s", -1 },
		{ "soon", -1 },
		{ "Sun, 06 Nov 1994 08:49:37", -1 },
		{ "Sun, 31 Feb 1994 08:49:37 GMT", -1 },
		{ "Sun, 06 Nov 1994 25:49:37 GMT", -1 },
		{ "Sun, 06 Foo 1994 08:49:37 GMT", -1 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT junk", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = plat_http_parse_retry_after(cases[i].v, strlen(cases[i].v), now);
		if (got != cases[i].want)
			printf("Retry-After '%s': got %d, want %d\n", cases[i].v, got, cases[i].want);
		assert_int_equal(got, cases[i].want);
	}
	assert_int_equal(plat_http_parse_retry_after(NULL, 0, now), -1);
}

static void test_header_lines(void **state)
{
	(void)state;
	struct plat_http_response r;
	memset(&r, 0, sizeof(r));
	r.retry_after_s = -1;
	static const char *const lines[] = { "HTTP/1.1 503 Service Unavailable\r\n", "Retry-After: 3\r\n",
					     "content-type: application/json\r\n",
					     "Content-Encoding:  gzip \r\n" };
	for (size_t i = 0; i < 4; i++)
		plat_http_header_line(&r, lines[i], strlen(lines[i]), 0);
	assert_int_equal(r.status, 503);
	assert_int_equal(r.retry_after_s, 3);
	assert_string_equal(r.content_type, "application/json");
	assert_string_equal(r.content_encoding, "gzip");
	/* the next answer (after a redirect) starts clean */
	plat_http_header_line(&r, "HTTP/2 200\r\n", 12, 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.retry_after_s, -1);
	assert_string_equal(r.content_type, "");
}

static void test_policies_and_sentences(void **state)
{
	(void)state;
	const struct plat_http_policy *list = plat_http_policy_for(PLAT_HTTP_LIST);
	assert_int_equal(list->deadline_ms, 300000);
	assert_int_equal(list->low_speed_bps, 1024);
	assert_int_equal(plat_http_policy_for(PLAT_HTTP_GUIDE)->max_decoded, 2ull << 30);
	assert_null(plat_http_policy_for(PLAT_HTTP_KIND_COUNT));
	static const int codes[] = { PLAT_HTTP_ERESOLVE,
				     PLAT_HTTP_ECONNECT,
				     PLAT_HTTP_ETIMEDOUT,
				     PLAT_HTTP_ESTALLED,
				     PLAT_HTTP_ECUT,
				     PLAT_HTTP_ETOOBIG,
				     PLAT_HTTP_EBOMB,
				     PLAT_HTTP_EUNTRUSTED,
				     PLAT_HTTP_ETLS,
				     PLAT_HTTP_EREDIRECTS,
				     PLAT_HTTP_EREDIRECT_REFUSED,
				     PLAT_HTTP_EBADURL,
				     PLAT_HTTP_EBADREPLY,
				     PLAT_HTTP_ECANCELED,
				     PLAT_HTTP_ENOMEM,
				     PLAT_HTTP_ESINK,
				     PLAT_HTTP_EIO };
	size_t n = sizeof(codes) / sizeof(codes[0]);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(plat_http_strerror(codes[i]), plat_http_strerror(codes[j]));
	assert_null(plat_http_status_sentence(200));
	assert_non_null(plat_http_status_sentence(503));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_after_parser),
		cmocka_unit_test(test_header_lines),
		cmocka_unit_test(test_policies_and_sentences),
		cmocka_unit_test(test_redirect_loop),
		cmocka_unit_test(test_https_to_http_refused),
		cmocka_unit_test(test_body_over_cap),
		cmocka_unit_test(test_gzip_bomb),
		cmocka_unit_test(test_untrusted_then_operator_ca),
		cmocka_unit_test(test_drip_list_stalls),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
