/* SPDX-License-Identifier: MIT */
/* Action names: the one vocabulary of keymaps, headless scripts and logs. */
#include "plat_input.h"

#include <string.h>

static const char *const names[PLAT_ACT_COUNT] = {
	[PLAT_ACT_UP] = "up",         [PLAT_ACT_DOWN] = "down",
	[PLAT_ACT_LEFT] = "left",     [PLAT_ACT_RIGHT] = "right",
	[PLAT_ACT_OK] = "ok",         [PLAT_ACT_BACK] = "back",
	[PLAT_ACT_HOME] = "home",     [PLAT_ACT_MENU] = "menu",
	[PLAT_ACT_INFO] = "info",     [PLAT_ACT_EPG] = "epg",
	[PLAT_ACT_CH_UP] = "chup",    [PLAT_ACT_CH_DOWN] = "chdown",
	[PLAT_ACT_PAGE_UP] = "pgup",  [PLAT_ACT_PAGE_DOWN] = "pgdown",
	[PLAT_ACT_VOL_UP] = "volup",  [PLAT_ACT_VOL_DOWN] = "voldown",
	[PLAT_ACT_MUTE] = "mute",     [PLAT_ACT_DIGIT_0] = "0",
	[PLAT_ACT_DIGIT_0 + 1] = "1", [PLAT_ACT_DIGIT_0 + 2] = "2",
	[PLAT_ACT_DIGIT_0 + 3] = "3", [PLAT_ACT_DIGIT_0 + 4] = "4",
	[PLAT_ACT_DIGIT_0 + 5] = "5", [PLAT_ACT_DIGIT_0 + 6] = "6",
	[PLAT_ACT_DIGIT_0 + 7] = "7", [PLAT_ACT_DIGIT_0 + 8] = "8",
	[PLAT_ACT_DIGIT_9] = "9",     [PLAT_ACT_RED] = "red",
	[PLAT_ACT_GREEN] = "green",   [PLAT_ACT_YELLOW] = "yellow",
	[PLAT_ACT_BLUE] = "blue",     [PLAT_ACT_PLAY] = "play",
	[PLAT_ACT_PAUSE] = "pause",   [PLAT_ACT_PLAY_PAUSE] = "playpause",
	[PLAT_ACT_STOP] = "stop",     [PLAT_ACT_FF] = "ff",
	[PLAT_ACT_REW] = "rew",       [PLAT_ACT_RECALL] = "recall",
	[PLAT_ACT_POWER] = "power",   [PLAT_ACT_QUIT] = "quit",
};

const char *plat_action_name(enum plat_action a)
{
	return (a > PLAT_ACT_NONE && a < PLAT_ACT_COUNT) ? names[a] : NULL;
}

enum plat_action plat_action_from_name(const char *name)
{
	for (int a = PLAT_ACT_NONE + 1; name && a < PLAT_ACT_COUNT; a++)
		if (names[a] && strcmp(names[a], name) == 0)
			return (enum plat_action)a;
	return PLAT_ACT_NONE;
}
