/* SPDX-License-Identifier: MIT */
/* The box's own moments (app_box.c): QoE box events (app start, login outcomes, guide imports) and
 * standby (the power key, a minimised window). UI thread only. */
#ifndef APP_BOX_H
#define APP_BOX_H

#include <jansson.h>
#include <stdbool.h>

struct app;

/* Installs the standby key hook on app->ui and sends the app start (the loop calls it). */
void app_box_attach(struct app *app);
void app_box_free(struct app *app);

/* e=ce cen=app_start with the milliseconds since the process started; sent once. */
void app_box_started(struct app *app);
/* e=ce cen=login for the session's last login (outcome, HTTP status, ec=biz.xtream.* on refusal). */
void app_box_login(struct app *app);
/* e=ce cen=epg_import: programmes imported, milliseconds, whether the previous guide was kept. */
void app_box_guide(struct app *app, long long programmes, long long ms, bool kept);

/* Standby: entering stops what plays, blanks the screen, sends e=b with bg; leaving sends e=b and
 * plays again the live channel that was playing. */
void app_box_standby(struct app *app, bool entering);
bool app_box_in_standby(const struct app *app);
/* "standby": true/false into a state report. */
void app_box_report(const struct app *app, json_t *obj);

#endif
