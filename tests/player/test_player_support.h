/* SPDX-License-Identifier: MIT */
/* Helpers of the player tests: a player whose events are recorded for the test to wait on, and a
 * loopback file server (python3 -m http.server) for media made with the ffmpeg CLI at test time. */
#ifndef TEST_PLAYER_SUPPORT_H
#define TEST_PLAYER_SUPPORT_H

#include "player.h"

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

struct rec {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct player *p;
	uint32_t last_id;
	uint32_t session; /* events of sessions up to this one are ignored (older streams) */
	int counts[16];   /* per enum player_event_type */
	struct player_event last[16];
	struct player_event first_error;
	bool have_error;
	bool fatal;
	enum player_state state;
	char decoders[8][32]; /* names of every PLAYER_EV_DECODER, in order */
	int ndecoders;
};

/* Creates a player (null audio) recording into r. decoders may be NULL. */
void rec_init(struct rec *r, const char *decoders);
/* The same with the caller's configuration (its callbacks are replaced by the recorder's). */
void rec_init_config(struct rec *r, const struct player_config *c);
void rec_fini(struct rec *r);
/* Opens url (kind, audio_lang, sub_lang) and resets the counters for its session. */
int rec_open(struct rec *r, const char *url, enum player_kind kind, const char *alang, const char *slang);
/* Waits until events of type reach count, or the state becomes st (when st >= 0), for at most ms.
 * Returns true when it happened. */
bool rec_wait(struct rec *r, enum player_event_type type, int count, int ms);
bool rec_wait_state(struct rec *r, enum player_state st, int ms);
int rec_count(struct rec *r, enum player_event_type type);

struct file_server {
	pid_t pid;
	int port;
	char base[64];
};
/* Serves dir on a free loopback port. Returns 0 or -errno. */
int file_server_start(struct file_server *fs, const char *dir);
void file_server_stop(struct file_server *fs);

/* tests/player/hostile_http.py on a free loopback port, serving dir (see the script). */
int hostile_server_start(struct file_server *fs, const char *dir);

/* GET http://127.0.0.1:port/path (Connection: close) into out (cap bytes, NUL-terminated): the body.
 * Returns the HTTP status or -errno. */
int http_get(int port, const char *path, char *out, size_t cap);
/* Occurrences of needle in haystack. */
int count_of(const char *haystack, const char *needle);

/* Runs a shell command (ffmpeg); returns its exit status. */
int run_cmd(const char *cmd);

#endif
