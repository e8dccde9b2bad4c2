/* SPDX-License-Identifier: MIT */
/* Recording player and loopback file server for the player tests (see the header). */
#include "test_player_support.h"

#include "test_panel.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

static void on_event(void *opaque, const struct player_event *ev)
{
	struct rec *r = opaque;
	pthread_mutex_lock(&r->lock);
	if (ev->session > r->session) {
		if ((unsigned)ev->type < 16) {
			r->counts[ev->type]++;
			r->last[ev->type] = *ev;
		}
		if (ev->type == PLAYER_EV_ERROR) {
			if (!r->have_error)
				r->first_error = *ev;
			r->have_error = true;
			if (ev->u.error.fatal)
				r->fatal = true;
		}
		if (ev->type == PLAYER_EV_STATE)
			r->state = ev->state;
		if (ev->type == PLAYER_EV_DECODER && r->ndecoders < 8)
			snprintf(r->decoders[r->ndecoders++], 32, "%s", ev->u.decoder.name);
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
}

void rec_init_config(struct rec *r, const struct player_config *config)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);
	struct player_config c = *config;
	c.on_event = on_event;
	c.event_opaque = r;
	if (player_create(&c, &r->p) < 0)
		abort();
}

void rec_init(struct rec *r, const char *decoders)
{
	struct player_config c;
	player_config_default(&c);
	c.decoders = decoders;
	rec_init_config(r, &c);
}

void rec_fini(struct rec *r)
{
	player_destroy(&r->p);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
}

int rec_open(struct rec *r, const char *url, enum player_kind kind, const char *alang, const char *slang)
{
	struct player_open_options o = { .kind = kind, .audio_lang = alang, .sub_lang = slang };
	pthread_mutex_lock(&r->lock);
	r->session = r->last_id;
	memset(r->counts, 0, sizeof(r->counts));
	r->have_error = r->fatal = false;
	r->ndecoders = 0;
	r->state = PLAYER_STATE_OPENING;
	pthread_mutex_unlock(&r->lock);
	int id = player_open(r->p, url, &o);
	pthread_mutex_lock(&r->lock);
	if (id > 0)
		r->last_id = (uint32_t)id;
	pthread_mutex_unlock(&r->lock);
	return id;
}

static void deadline(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

bool rec_wait(struct rec *r, enum player_event_type type, int count, int ms)
{
	struct timespec dl;
	deadline(&dl, ms);
	pthread_mutex_lock(&r->lock);
	while (r->counts[type] < count && pthread_cond_timedwait(&r->cond, &r->lock, &dl) != ETIMEDOUT)
		;
	bool ok = r->counts[type] >= count;
	pthread_mutex_unlock(&r->lock);
	return ok;
}

bool rec_wait_state(struct rec *r, enum player_state st, int ms)
{
	struct timespec dl;
	deadline(&dl, ms);
	pthread_mutex_lock(&r->lock);
	while (r->state != st && pthread_cond_timedwait(&r->cond, &r->lock, &dl) != ETIMEDOUT)
		;
	bool ok = r->state == st;
	pthread_mutex_unlock(&r->lock);
	return ok;
}

int rec_count(struct rec *r, enum player_event_type type)
{
	pthread_mutex_lock(&r->lock);
	int n = r->counts[type];
	pthread_mutex_unlock(&r->lock);
	return n;
}

int run_cmd(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool port_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return false;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bool ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

static int server_wait(struct file_server *fs)
{
	for (int i = 0; i < 100; i++) { /* up to 10 s for python to listen */
		if (port_open(fs->port))
			return 0;
		struct timespec ts = { 0, 100000000L };
		nanosleep(&ts, NULL);
	}
	file_server_stop(fs);
	return -ETIMEDOUT;
}

int hostile_server_start(struct file_server *fs, const char *dir)
{
	fs->port = test_free_port();
	if (fs->port < 0)
		return fs->port;
	char port[16];
	snprintf(port, sizeof(port), "%d", fs->port);
	snprintf(fs->base, sizeof(fs->base), "http://127.0.0.1:%d", fs->port);
	fs->pid = fork();
	if (fs->pid < 0)
		return -errno;
	if (fs->pid == 0) {
		int null = open("/dev/null", 1);
		if (null >= 0)
			dup2(null, 1);
		execlp("python3", "python3", QANAT_SOURCE_DIR "/tests/player/hostile_http.py", "--port", port,
		       "--dir", dir, (char *)NULL);
		_exit(127);
	}
	return server_wait(fs);
}

int count_of(const char *haystack, const char *needle)
{
	int n = 0;
	size_t len = strlen(needle);
	for (const char *p = haystack; len && (p = strstr(p, needle)); p += len)
		n++;
	return n;
}

int http_get(int port, const char *path, char *out, size_t cap)
{
	out[0] = '\0';
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	char req[512];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
			 path);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -EIO;
	}
	char *buf = malloc(cap + 4096);
	size_t got = 0;
	ssize_t r;
	while (buf && got < cap + 4095 && (r = read(fd, buf + got, cap + 4095 - got)) > 0)
		got += (size_t)r;
	close(fd);
	if (!buf)
		return -ENOMEM;
	buf[got] = '\0';
	int status = -EIO;
	if (strncmp(buf, "HTTP/1.", 7) == 0 && got > 12)
		status = (int)strtol(buf + 9, NULL, 10);
	const char *body = strstr(buf, "\r\n\r\n");
	if (body)
		snprintf(out, cap, "%s", body + 4);
	free(buf);
	return status;
}

int file_server_start(struct file_server *fs, const char *dir)
{
	fs->port = test_free_port();
	if (fs->port < 0)
		return fs->port;
	char port[16];
	snprintf(port, sizeof(port), "%d", fs->port);
	snprintf(fs->base, sizeof(fs->base), "http://127.0.0.1:%d", fs->port);
	fs->pid = fork();
	if (fs->pid < 0)
		return -errno;
	if (fs->pid == 0) {
		int null = open("/dev/null", 1);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execlp("python3", "python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir,
		       port, (char *)NULL);
		_exit(127);
	}
	return server_wait(fs);
}

void file_server_stop(struct file_server *fs)
{
	if (fs->pid > 0) {
		kill(fs->pid, SIGTERM);
		waitpid(fs->pid, NULL, 0);
		fs->pid = 0;
	}
}
