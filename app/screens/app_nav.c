/* SPDX-License-Identifier: MIT */
/* Navigation over the screen table: routes on a back stack (app_show), rebuilding every screen
 * (app_screens_reset), telling the built screens what changed (app_screens_changed), the top
 * screen's report, and freeing the screens' own state. The table itself (app->classes) is set by
 * the shell at start-up, so a screen that navigates knows only this file and the route names, never
 * another screen: the screens' file graph has no circle. UI thread only. */
#include "app.h"

#include <errno.h>

int app_show(struct app *app, enum app_screen s, bool push)
{
	if (!app->screens[s]) {
		app->screens[s] = app->classes[s]->build(app);
		if (!app->screens[s])
			return -ENOMEM;
	}
	if (!push || ui_screen_depth(app->ui) == 0)
		return ui_screen_reset(app->ui, app->screens[s]);
	int rc = ui_screen_push(app->ui, app->screens[s]);
	/* already lower on the stack (home from deep inside): come back to it */
	while (rc == -EBUSY && ui_screen_top(app->ui) != app->screens[s])
		rc = ui_screen_pop(app->ui) < 0 ? -EIO : -EBUSY;
	return rc == -EBUSY ? 0 : rc;
}

void app_screens_reset(struct app *app)
{
	/* take every screen of ours off the stack first, so each can be freed now */
	if (!app->blank)
		app->blank = ui_screen_create(app->ui, "blank");
	if (app->blank)
		ui_screen_reset(app->ui, app->blank);
	for (int i = 0; i < APP_SCREEN_COUNT; i++) {
		ui_screen_destroy(&app->screens[i]);
		app->screens[i] = NULL;
	}
}

void app_screens_changed(struct app *app, unsigned changes)
{
	if (changes & APP_CHANGED_CATALOGUE) /* the line-up first: the screens read their numbers */
		ctl_parental_reload(app->parental), ctl_lineup_reload(app->lineup);
	for (int i = 0; i < APP_SCREEN_COUNT; i++)
		if (app->screens[i] && app->classes[i]->refresh && (app->classes[i]->refresh_on & changes))
			app->classes[i]->refresh(app);
}

void app_screens_report(struct app *app, json_t *obj)
{
	struct ui_widget *top = ui_screen_top(app->ui);
	for (int i = 0; i < APP_SCREEN_COUNT; i++)
		if (app->classes[i]->report && app->screens[i] && app->screens[i] == top)
			app->classes[i]->report(app, obj);
}

void app_screen_state_free(struct app *app)
{
	for (int i = 0; i < APP_SCREEN_COUNT; i++) {
		if (app->screen_state[i] && app->classes[i]->free_state)
			app->classes[i]->free_state(app->screen_state[i]);
		app->screen_state[i] = NULL;
	}
}
