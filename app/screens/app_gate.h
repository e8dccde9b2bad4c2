/* SPDX-License-Identifier: MIT */
/* The screens gate (app_gate.c): before a play that would stop another device, "N of N screens in
 * use" - Watch here / Cancel. UI thread only. */
#ifndef APP_GATE_H
#define APP_GATE_H

#include <jansson.h>
#include <stdint.h>

struct app;

enum app_gate_kind { APP_GATE_LIVE, APP_GATE_VOD, APP_GATE_EPISODE, APP_GATE_CATCHUP };

/* A play, copied so it can be replayed once the question is answered. */
struct app_gate_request {
	enum app_gate_kind kind;
	int64_t id; /* stream id (live, VOD, catch-up channel) */
	int64_t start, end;
	char how[16];
	char episode_id[64];
	char extension[16];
	char name[256]; /* movie/episode name, catch-up title */
};

/* Returns 1 when the play may go on now; 0 when it waits (the panel is asked, then the viewer): the
 * request is replayed by the gate itself once answered. */
int app_gate_check(struct app *app, const struct app_gate_request *r);
void app_gate_free(struct app *app);
/* A login answered: the panel's figures in the session are fresh now. */
void app_gate_login(struct app *app);
/* "screens_gate": {checking, active, max} into a state report. */
void app_gate_report(const struct app *app, json_t *obj);

#endif
