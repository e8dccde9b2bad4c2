/* SPDX-License-Identifier: MIT */
/* The panel as a child process: fork/exec tests/panel/run, read its stdout until "ready". */
#include "test_panel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef QANAT_SOURCE_DIR
#error "QANAT_SOURCE_DIR must be defined by the build"
#endif

int test_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
	if (rc == 0)
		rc = getsockname(fd, (struct sockaddr *)&a, &len);
	int port = rc == 0 ? ntohs(a.sin_port) : -errno;
	close(fd);
	return port;
}

static int wait_ready(int fd, int timeout_ms)
{
	char buf[256];
	size_t used = 0;
	while (timeout_ms > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n = poll(&pfd, 1, 500);
		timeout_ms -= 500;
		if (n <= 0)
			continue;
		ssize_t got = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (got <= 0)
			return -EPIPE;
		used += (size_t)got;
		buf[used] = '\0';
		if (strstr(buf, "ready"))
			return 0;
		if (used == sizeof(buf) - 1)
			used = 0;
	}
	return -ETIMEDOUT;
}

int test_panel_start(struct test_panel *p, const char *flavor, const char *scenario,
		     const char *const *extra_args)
{
	memset(p, 0, sizeof(*p));
	p->port = test_free_port();
	if (p->port < 0)
		return p->port;
	snprintf(p->base, sizeof(p->base), "http://127.0.0.1:%d", p->port);
	int out[2];
	if (pipe(out) < 0)
		return -errno;
	char port[16];
	snprintf(port, sizeof(port), "%d", p->port);
	const char *argv[32] = { QANAT_SOURCE_DIR "/tests/panel/run", "--port", port };
	int argc = 3;
	if (flavor) {
		argv[argc++] = "--flavor";
		argv[argc++] = flavor;
	}
	if (scenario) {
		argv[argc++] = "--scenario";
		argv[argc++] = scenario;
	}
	for (int i = 0; extra_args && extra_args[i] && argc < 31; i++)
		argv[argc++] = extra_args[i];
	argv[argc] = NULL;

	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (p->pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		close(out[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	int rc = wait_ready(out[0], 180000);
	close(out[0]);
	if (rc < 0) {
		fprintf(stderr, "test_panel: %s did not print ready (%s)\n", argv[0], strerror(-rc));
		test_panel_stop(p);
	}
	return rc;
}

void test_panel_stop(struct test_panel *p)
{
	if (p->pid <= 0)
		return;
	kill(p->pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
			p->pid = 0;
			return;
		}
		usleep(100000);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	p->pid = 0;
}

int test_panel_control(const struct test_panel *p, const char *method, const char *path, const char *json)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)p->port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	char req[4096];
	size_t body = json ? strlen(json) : 0;
	int n = snprintf(req, sizeof(req),
			 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			 method, path, body, json ? json : "");
	int status = -EIO;
	if (n > 0 && (size_t)n < sizeof(req) && write(fd, req, (size_t)n) == n) {
		char resp[64] = "";
		ssize_t got = read(fd, resp, sizeof(resp) - 1);
		if (got > 12 && strncmp(resp, "HTTP/1.", 7) == 0)
			status = (int)strtol(resp + 9, NULL, 10);
	}
	close(fd);
	return status;
}

int test_tls_make_pki(const char *dir)
{
	char cmd[2048];
	int n = snprintf(
	    cmd, sizeof(cmd),
	    "cd '%s' && "
	    "openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj '/CN=Qanat Test Operator CA' "
	    "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign "
	    "-keyout ca.key -out ca.pem >/dev/null 2>&1 && "
	    "openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout srv.key -out srv.csr "
	    ">/dev/null 2>&1 && "
	    "printf "
	    "'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' "
	    "> srv.ext && "
	    "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile "
	    "srv.ext "
	    "-out srv.pem >/dev/null 2>&1",
	    dir);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -EIO;
	return system(cmd) == 0 ? 0 : -EIO;
}
