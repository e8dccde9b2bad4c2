/* SPDX-License-Identifier: MIT */
/* Starts the local panel (tests/panel/run) for an integration test and stops it afterwards.
 * The panel is a real HTTP server on loopback; tests talk to it with the production code paths. */
#ifndef TEST_PANEL_H
#define TEST_PANEL_H

#include <sys/types.h>

struct test_panel {
	pid_t pid;
	int port;
	char base[64]; /* "http://127.0.0.1:PORT" */
};

/* Starts the panel on a free loopback port with the given flavor ("xc2", "xui" or NULL for the
 * default) and scenario (NULL for none) and waits for its "ready" line (up to 180 s: the first start
 * generates media). extra_args may be NULL or a NULL-terminated list of more arguments.
 * Returns 0, or a negative errno when it could not start. */
int test_panel_start(struct test_panel *p, const char *flavor, const char *scenario,
		     const char *const *extra_args);

/* SIGTERM, then SIGKILL after 5 s; waits for the process. Safe to call twice. */
void test_panel_stop(struct test_panel *p);

/* A free TCP port on 127.0.0.1 (bound and released), or a negative errno. */
int test_free_port(void);

/* Makes, with the openssl CLI, in the existing folder dir: ca.pem and ca.key (a CA, "the
 * operator's"), srv.pem and srv.key (a server certificate for IP 127.0.0.1 only, signed by it, so
 * "localhost" is the wrong host). Returns 0 or -EIO. */
int test_tls_make_pki(const char *dir);

/* Sends one HTTP request to the panel's control API with a JSON body (may be NULL), e.g.
 * test_panel_control(p, "POST", "/_control/faults", "{...}"). Returns the HTTP status or -errno. */
int test_panel_control(const struct test_panel *p, const char *method, const char *path, const char *json);

#endif
