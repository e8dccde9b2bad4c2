/* SPDX-License-Identifier: MIT */
/* Semantic actions: every input device (SDL keyboard, evdev remote, the headless script) becomes one of
 * these, through a keymap that is data (a .keymap file in assets/). The UI and app never see key codes. */
#ifndef PLAT_INPUT_H
#define PLAT_INPUT_H

#include <stdbool.h>
#include <stdint.h>

enum plat_action {
	PLAT_ACT_NONE,
	PLAT_ACT_UP,
	PLAT_ACT_DOWN,
	PLAT_ACT_LEFT,
	PLAT_ACT_RIGHT,
	PLAT_ACT_OK,
	PLAT_ACT_BACK,
	PLAT_ACT_HOME,
	PLAT_ACT_MENU,
	PLAT_ACT_INFO,
	PLAT_ACT_EPG,
	PLAT_ACT_CH_UP,
	PLAT_ACT_CH_DOWN,
	PLAT_ACT_PAGE_UP,
	PLAT_ACT_PAGE_DOWN,
	PLAT_ACT_VOL_UP,
	PLAT_ACT_VOL_DOWN,
	PLAT_ACT_MUTE,
	PLAT_ACT_DIGIT_0, /* DIGIT_0 + n for n in 0..9 */
	PLAT_ACT_DIGIT_9 = PLAT_ACT_DIGIT_0 + 9,
	PLAT_ACT_RED,
	PLAT_ACT_GREEN,
	PLAT_ACT_YELLOW,
	PLAT_ACT_BLUE,
	PLAT_ACT_PLAY,
	PLAT_ACT_PAUSE,
	PLAT_ACT_PLAY_PAUSE,
	PLAT_ACT_STOP,
	PLAT_ACT_FF,
	PLAT_ACT_REW,
	PLAT_ACT_RECALL, /* last channel */
	PLAT_ACT_POWER,  /* standby and back (the box stays on: a set-top box's power key) */
	PLAT_ACT_QUIT,   /* desktop only: close the window */
	PLAT_ACT_COUNT
};

/* One action from an input device. repeat is true for auto-repeat of a held key. */
struct plat_input_event {
	enum plat_action action;
	bool repeat;
	uint64_t mono_us; /* when the key was pressed: carried through to the first frame of a zap */
};

/* The script/keymap name of an action ("up", "ok", "chup", "0".."9", "recall"...), or NULL. */
const char *plat_action_name(enum plat_action a);

/* The action for a name as plat_action_name() writes it; PLAT_ACT_NONE when unknown. */
enum plat_action plat_action_from_name(const char *name);

#endif
