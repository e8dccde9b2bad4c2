/* SPDX-License-Identifier: MIT */
/* Keymap parser and lookups (plat_keymap.h). The text comes from a file an OEM edits by hand, so every
 * refusal names the file, the line and the word. The KEY_* table below holds the kernel's evdev codes
 * as numbers (they are ABI and never change), so the build does not depend on how new the kernel
 * headers of a board's SDK are; tests check a sample against linux/input-event-codes.h. */
#include "plat_keymap.h"
#include "plat_log.h"

#include <SDL2/SDL_keyboard.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kb_binding {
	int32_t key; /* SDL_Keycode */
	uint8_t action;
};

struct plat_keymap {
	uint8_t remote[PLAT_KEYMAP_CODE_MAX + 1]; /* enum plat_action per evdev code */
	struct kb_binding kb[PLAT_KEYMAP_MAX_KEYBOARD];
	size_t kb_count;
	size_t remote_count;
};

struct key_name {
	const char *name;
	uint16_t code;
};

/* Every KEY_* of linux/input-event-codes.h (6.1), in header order: for a code with several names
 * (KEY_MUTE / KEY_MIN_INTERESTING, KEY_HANGEUL / KEY_HANGUEL) the first is the one printed. */
static const struct key_name key_names[] = {
	{ "KEY_ESC", 0x1 },
	{ "KEY_1", 0x2 },
	{ "KEY_2", 0x3 },
	{ "KEY_3", 0x4 },
	{ "KEY_4", 0x5 },
	{ "KEY_5", 0x6 },
	{ "KEY_6", 0x7 },
	{ "KEY_7", 0x8 },
	{ "KEY_8", 0x9 },
	{ "KEY_9", 0xa },
	{ "KEY_0", 0xb },
	{ "KEY_MINUS", 0xc },
	{ "KEY_EQUAL", 0xd },
	{ "KEY_BACKSPACE", 0xe },
	{ "KEY_TAB", 0xf },
	{ "KEY_Q", 0x10 },
	{ "KEY_W", 0x11 },
	{ "KEY_E", 0x12 },
	{ "KEY_R", 0x13 },
	{ "KEY_T", 0x14 },
	{ "KEY_Y", 0x15 },
	{ "KEY_U", 0x16 },
	{ "KEY_I", 0x17 },
	{ "KEY_O", 0x18 },
	{ "KEY_P", 0x19 },
	{ "KEY_LEFTBRACE", 0x1a },
	{ "KEY_RIGHTBRACE", 0x1b },
	{ "KEY_ENTER", 0x1c },
	{ "KEY_LEFTCTRL", 0x1d },
	{ "KEY_A", 0x1e },
	{ "KEY_S", 0x1f },
	{ "KEY_D", 0x20 },
	{ "KEY_F", 0x21 },
	{ "KEY_G", 0x22 },
	{ "KEY_H", 0x23 },
	{ "KEY_J", 0x24 },
	{ "KEY_K", 0x25 },
	{ "KEY_L", 0x26 },
	{ "KEY_SEMICOLON", 0x27 },
	{ "KEY_APOSTROPHE", 0x28 },
	{ "KEY_GRAVE", 0x29 },
	{ "KEY_LEFTSHIFT", 0x2a },
	{ "KEY_BACKSLASH", 0x2b },
	{ "KEY_Z", 0x2c },
	{ "KEY_X", 0x2d },
	{ "KEY_C", 0x2e },
	{ "KEY_V", 0x2f },
	{ "KEY_B", 0x30 },
	{ "KEY_N", 0x31 },
	{ "KEY_M", 0x32 },
	{ "KEY_COMMA", 0x33 },
	{ "KEY_DOT", 0x34 },
	{ "KEY_SLASH", 0x35 },
	{ "KEY_RIGHTSHIFT", 0x36 },
	{ "KEY_KPASTERISK", 0x37 },
	{ "KEY_LEFTALT", 0x38 },
	{ "KEY_SPACE", 0x39 },
	{ "KEY_CAPSLOCK", 0x3a },
	{ "KEY_F1", 0x3b },
	{ "KEY_F2", 0x3c },
	{ "KEY_F3", 0x3d },
	{ "KEY_F4", 0x3e },
	{ "KEY_F5", 0x3f },
	{ "KEY_F6", 0x40 },
	{ "KEY_F7", 0x41 },
	{ "KEY_F8", 0x42 },
	{ "KEY_F9", 0x43 },
	{ "KEY_F10", 0x44 },
	{ "KEY_NUMLOCK", 0x45 },
	{ "KEY_SCROLLLOCK", 0x46 },
	{ "KEY_KP7", 0x47 },
	{ "KEY_KP8", 0x48 },
	{ "KEY_KP9", 0x49 },
	{ "KEY_KPMINUS", 0x4a },
	{ "KEY_KP4", 0x4b },
	{ "KEY_KP5", 0x4c },
	{ "KEY_KP6", 0x4d },
	{ "KEY_KPPLUS", 0x4e },
	{ "KEY_KP1", 0x4f },
	{ "KEY_KP2", 0x50 },
	{ "KEY_KP3", 0x51 },
	{ "KEY_KP0", 0x52 },
	{ "KEY_KPDOT", 0x53 },
	{ "KEY_ZENKAKUHANKAKU", 0x55 },
	{ "KEY_102ND", 0x56 },
	{ "KEY_F11", 0x57 },
	{ "KEY_F12", 0x58 },
	{ "KEY_RO", 0x59 },
	{ "KEY_KATAKANA", 0x5a },
	{ "KEY_HIRAGANA", 0x5b },
	{ "KEY_HENKAN", 0x5c },
	{ "KEY_KATAKANAHIRAGANA", 0x5d },
	{ "KEY_MUHENKAN", 0x5e },
	{ "KEY_KPJPCOMMA", 0x5f },
	{ "KEY_KPENTER", 0x60 },
	{ "KEY_RIGHTCTRL", 0x61 },
	{ "KEY_KPSLASH", 0x62 },
	{ "KEY_SYSRQ", 0x63 },
	{ "KEY_RIGHTALT", 0x64 },
	{ "KEY_LINEFEED", 0x65 },
	{ "KEY_HOME", 0x66 },
	{ "KEY_UP", 0x67 },
	{ "KEY_PAGEUP", 0x68 },
	{ "KEY_LEFT", 0x69 },
	{ "KEY_RIGHT", 0x6a },
	{ "KEY_END", 0x6b },
	{ "KEY_DOWN", 0x6c },
	{ "KEY_PAGEDOWN", 0x6d },
	{ "KEY_INSERT", 0x6e },
	{ "KEY_DELETE", 0x6f },
	{ "KEY_MACRO", 0x70 },
	{ "KEY_MUTE", 0x71 },
	{ "KEY_VOLUMEDOWN", 0x72 },
	{ "KEY_VOLUMEUP", 0x73 },
	{ "KEY_POWER", 0x74 },
	{ "KEY_KPEQUAL", 0x75 },
	{ "KEY_KPPLUSMINUS", 0x76 },
	{ "KEY_PAUSE", 0x77 },
	{ "KEY_SCALE", 0x78 },
	{ "KEY_KPCOMMA", 0x79 },
	{ "KEY_HANGEUL", 0x7a },
	{ "KEY_HANGUEL", 0x7a },
	{ "KEY_HANJA", 0x7b },
	{ "KEY_YEN", 0x7c },
	{ "KEY_LEFTMETA", 0x7d },
	{ "KEY_RIGHTMETA", 0x7e },
	{ "KEY_COMPOSE", 0x7f },
	{ "KEY_STOP", 0x80 },
	{ "KEY_AGAIN", 0x81 },
	{ "KEY_PROPS", 0x82 },
	{ "KEY_UNDO", 0x83 },
	{ "KEY_FRONT", 0x84 },
	{ "KEY_COPY", 0x85 },
	{ "KEY_OPEN", 0x86 },
	{ "KEY_PASTE", 0x87 },
	{ "KEY_FIND", 0x88 },
	{ "KEY_CUT", 0x89 },
	{ "KEY_HELP", 0x8a },
	{ "KEY_MENU", 0x8b },
	{ "KEY_CALC", 0x8c },
	{ "KEY_SETUP", 0x8d },
	{ "KEY_SLEEP", 0x8e },
	{ "KEY_WAKEUP", 0x8f },
	{ "KEY_FILE", 0x90 },
	{ "KEY_SENDFILE", 0x91 },
	{ "KEY_DELETEFILE", 0x92 },
	{ "KEY_XFER", 0x93 },
	{ "KEY_PROG1", 0x94 },
	{ "KEY_PROG2", 0x95 },
	{ "KEY_WWW", 0x96 },
	{ "KEY_MSDOS", 0x97 },
	{ "KEY_COFFEE", 0x98 },
	{ "KEY_SCREENLOCK", 0x98 },
	{ "KEY_ROTATE_DISPLAY", 0x99 },
	{ "KEY_DIRECTION", 0x99 },
	{ "KEY_CYCLEWINDOWS", 0x9a },
	{ "KEY_MAIL", 0x9b },
	{ "KEY_BOOKMARKS", 0x9c },
	{ "KEY_COMPUTER", 0x9d },
	{ "KEY_BACK", 0x9e },
	{ "KEY_FORWARD", 0x9f },
	{ "KEY_CLOSECD", 0xa0 },
	{ "KEY_EJECTCD", 0xa1 },
	{ "KEY_EJECTCLOSECD", 0xa2 },
	{ "KEY_NEXTSONG", 0xa3 },
	{ "KEY_PLAYPAUSE", 0xa4 },
	{ "KEY_PREVIOUSSONG", 0xa5 },
	{ "KEY_STOPCD", 0xa6 },
	{ "KEY_RECORD", 0xa7 },
	{ "KEY_REWIND", 0xa8 },
	{ "KEY_PHONE", 0xa9 },
	{ "KEY_ISO", 0xaa },
	{ "KEY_CONFIG", 0xab },
	{ "KEY_HOMEPAGE", 0xac },
	{ "KEY_REFRESH", 0xad },
	{ "KEY_EXIT", 0xae },
	{ "KEY_MOVE", 0xaf },
	{ "KEY_EDIT", 0xb0 },
	{ "KEY_SCROLLUP", 0xb1 },
	{ "KEY_SCROLLDOWN", 0xb2 },
	{ "KEY_KPLEFTPAREN", 0xb3 },
	{ "KEY_KPRIGHTPAREN", 0xb4 },
	{ "KEY_NEW", 0xb5 },
	{ "KEY_REDO", 0xb6 },
	{ "KEY_F13", 0xb7 },
	{ "KEY_F14", 0xb8 },
	{ "KEY_F15", 0xb9 },
	{ "KEY_F16", 0xba },
	{ "KEY_F17", 0xbb },
	{ "KEY_F18", 0xbc },
	{ "KEY_F19", 0xbd },
	{ "KEY_F20", 0xbe },
	{ "KEY_F21", 0xbf },
	{ "KEY_F22", 0xc0 },
	{ "KEY_F23", 0xc1 },
	{ "KEY_F24", 0xc2 },
	{ "KEY_PLAYCD", 0xc8 },
	{ "KEY_PAUSECD", 0xc9 },
	{ "KEY_PROG3", 0xca },
	{ "KEY_PROG4", 0xcb },
	{ "KEY_ALL_APPLICATIONS", 0xcc },
	{ "KEY_DASHBOARD", 0xcc },
	{ "KEY_SUSPEND", 0xcd },
	{ "KEY_CLOSE", 0xce },
	{ "KEY_PLAY", 0xcf },
	{ "KEY_FASTFORWARD", 0xd0 },
	{ "KEY_BASSBOOST", 0xd1 },
	{ "KEY_PRINT", 0xd2 },
	{ "KEY_HP", 0xd3 },
	{ "KEY_CAMERA", 0xd4 },
	{ "KEY_SOUND", 0xd5 },
	{ "KEY_QUESTION", 0xd6 },
	{ "KEY_EMAIL", 0xd7 },
	{ "KEY_CHAT", 0xd8 },
	{ "KEY_SEARCH", 0xd9 },
	{ "KEY_CONNECT", 0xda },
	{ "KEY_FINANCE", 0xdb },
	{ "KEY_SPORT", 0xdc },
	{ "KEY_SHOP", 0xdd },
	{ "KEY_ALTERASE", 0xde },
	{ "KEY_CANCEL", 0xdf },
	{ "KEY_BRIGHTNESSDOWN", 0xe0 },
	{ "KEY_BRIGHTNESSUP", 0xe1 },
	{ "KEY_MEDIA", 0xe2 },
	{ "KEY_SWITCHVIDEOMODE", 0xe3 },
	{ "KEY_KBDILLUMTOGGLE", 0xe4 },
	{ "KEY_KBDILLUMDOWN", 0xe5 },
	{ "KEY_KBDILLUMUP", 0xe6 },
	{ "KEY_SEND", 0xe7 },
	{ "KEY_REPLY", 0xe8 },
	{ "KEY_FORWARDMAIL", 0xe9 },
	{ "KEY_SAVE", 0xea },
	{ "KEY_DOCUMENTS", 0xeb },
	{ "KEY_BATTERY", 0xec },
	{ "KEY_BLUETOOTH", 0xed },
	{ "KEY_WLAN", 0xee },
	{ "KEY_UWB", 0xef },
	{ "KEY_UNKNOWN", 0xf0 },
	{ "KEY_VIDEO_NEXT", 0xf1 },
	{ "KEY_VIDEO_PREV", 0xf2 },
	{ "KEY_BRIGHTNESS_CYCLE", 0xf3 },
	{ "KEY_BRIGHTNESS_AUTO", 0xf4 },
	{ "KEY_BRIGHTNESS_ZERO", 0xf4 },
	{ "KEY_DISPLAY_OFF", 0xf5 },
	{ "KEY_WWAN", 0xf6 },
	{ "KEY_WIMAX", 0xf6 },
	{ "KEY_RFKILL", 0xf7 },
	{ "KEY_MICMUTE", 0xf8 },
	{ "KEY_OK", 0x160 },
	{ "KEY_SELECT", 0x161 },
	{ "KEY_GOTO", 0x162 },
	{ "KEY_CLEAR", 0x163 },
	{ "KEY_POWER2", 0x164 },
	{ "KEY_OPTION", 0x165 },
	{ "KEY_INFO", 0x166 },
	{ "KEY_TIME", 0x167 },
	{ "KEY_VENDOR", 0x168 },
	{ "KEY_ARCHIVE", 0x169 },
	{ "KEY_PROGRAM", 0x16a },
	{ "KEY_CHANNEL", 0x16b },
	{ "KEY_FAVORITES", 0x16c },
	{ "KEY_EPG", 0x16d },
	{ "KEY_PVR", 0x16e },
	{ "KEY_MHP", 0x16f },
	{ "KEY_LANGUAGE", 0x170 },
	{ "KEY_TITLE", 0x171 },
	{ "KEY_SUBTITLE", 0x172 },
	{ "KEY_ANGLE", 0x173 },
	{ "KEY_FULL_SCREEN", 0x174 },
	{ "KEY_ZOOM", 0x174 },
	{ "KEY_MODE", 0x175 },
	{ "KEY_KEYBOARD", 0x176 },
	{ "KEY_ASPECT_RATIO", 0x177 },
	{ "KEY_SCREEN", 0x177 },
	{ "KEY_PC", 0x178 },
	{ "KEY_TV", 0x179 },
	{ "KEY_TV2", 0x17a },
	{ "KEY_VCR", 0x17b },
	{ "KEY_VCR2", 0x17c },
	{ "KEY_SAT", 0x17d },
	{ "KEY_SAT2", 0x17e },
	{ "KEY_CD", 0x17f },
	{ "KEY_TAPE", 0x180 },
	{ "KEY_RADIO", 0x181 },
	{ "KEY_TUNER", 0x182 },
	{ "KEY_PLAYER", 0x183 },
	{ "KEY_TEXT", 0x184 },
	{ "KEY_DVD", 0x185 },
	{ "KEY_AUX", 0x186 },
	{ "KEY_MP3", 0x187 },
	{ "KEY_AUDIO", 0x188 },
	{ "KEY_VIDEO", 0x189 },
	{ "KEY_DIRECTORY", 0x18a },
	{ "KEY_LIST", 0x18b },
	{ "KEY_MEMO", 0x18c },
	{ "KEY_CALENDAR", 0x18d },
	{ "KEY_RED", 0x18e },
	{ "KEY_GREEN", 0x18f },
	{ "KEY_YELLOW", 0x190 },
	{ "KEY_BLUE", 0x191 },
	{ "KEY_CHANNELUP", 0x192 },
	{ "KEY_CHANNELDOWN", 0x193 },
	{ "KEY_FIRST", 0x194 },
	{ "KEY_LAST", 0x195 },
	{ "KEY_AB", 0x196 },
	{ "KEY_NEXT", 0x197 },
	{ "KEY_RESTART", 0x198 },
	{ "KEY_SLOW", 0x199 },
	{ "KEY_SHUFFLE", 0x19a },
	{ "KEY_BREAK", 0x19b },
	{ "KEY_PREVIOUS", 0x19c },
	{ "KEY_DIGITS", 0x19d },
	{ "KEY_TEEN", 0x19e },
	{ "KEY_TWEN", 0x19f },
	{ "KEY_VIDEOPHONE", 0x1a0 },
	{ "KEY_GAMES", 0x1a1 },
	{ "KEY_ZOOMIN", 0x1a2 },
	{ "KEY_ZOOMOUT", 0x1a3 },
	{ "KEY_ZOOMRESET", 0x1a4 },
	{ "KEY_WORDPROCESSOR", 0x1a5 },
	{ "KEY_EDITOR", 0x1a6 },
	{ "KEY_SPREADSHEET", 0x1a7 },
	{ "KEY_GRAPHICSEDITOR", 0x1a8 },
	{ "KEY_PRESENTATION", 0x1a9 },
	{ "KEY_DATABASE", 0x1aa },
	{ "KEY_NEWS", 0x1ab },
	{ "KEY_VOICEMAIL", 0x1ac },
	{ "KEY_ADDRESSBOOK", 0x1ad },
	{ "KEY_MESSENGER", 0x1ae },
	{ "KEY_DISPLAYTOGGLE", 0x1af },
	{ "KEY_BRIGHTNESS_TOGGLE", 0x1af },
	{ "KEY_SPELLCHECK", 0x1b0 },
	{ "KEY_LOGOFF", 0x1b1 },
	{ "KEY_DOLLAR", 0x1b2 },
	{ "KEY_EURO", 0x1b3 },
	{ "KEY_FRAMEBACK", 0x1b4 },
	{ "KEY_FRAMEFORWARD", 0x1b5 },
	{ "KEY_CONTEXT_MENU", 0x1b6 },
	{ "KEY_MEDIA_REPEAT", 0x1b7 },
	{ "KEY_10CHANNELSUP", 0x1b8 },
	{ "KEY_10CHANNELSDOWN", 0x1b9 },
	{ "KEY_IMAGES", 0x1ba },
	{ "KEY_NOTIFICATION_CENTER", 0x1bc },
	{ "KEY_PICKUP_PHONE", 0x1bd },
	{ "KEY_HANGUP_PHONE", 0x1be },
	{ "KEY_LINK_PHONE", 0x1bf },
	{ "KEY_DEL_EOL", 0x1c0 },
	{ "KEY_DEL_EOS", 0x1c1 },
	{ "KEY_INS_LINE", 0x1c2 },
	{ "KEY_DEL_LINE", 0x1c3 },
	{ "KEY_FN", 0x1d0 },
	{ "KEY_FN_ESC", 0x1d1 },
	{ "KEY_FN_F1", 0x1d2 },
	{ "KEY_FN_F2", 0x1d3 },
	{ "KEY_FN_F3", 0x1d4 },
	{ "KEY_FN_F4", 0x1d5 },
	{ "KEY_FN_F5", 0x1d6 },
	{ "KEY_FN_F6", 0x1d7 },
	{ "KEY_FN_F7", 0x1d8 },
	{ "KEY_FN_F8", 0x1d9 },
	{ "KEY_FN_F9", 0x1da },
	{ "KEY_FN_F10", 0x1db },
	{ "KEY_FN_F11", 0x1dc },
	{ "KEY_FN_F12", 0x1dd },
	{ "KEY_FN_1", 0x1de },
	{ "KEY_FN_2", 0x1df },
	{ "KEY_FN_D", 0x1e0 },
	{ "KEY_FN_E", 0x1e1 },
	{ "KEY_FN_F", 0x1e2 },
	{ "KEY_FN_S", 0x1e3 },
	{ "KEY_FN_B", 0x1e4 },
	{ "KEY_FN_RIGHT_SHIFT", 0x1e5 },
	{ "KEY_BRL_DOT1", 0x1f1 },
	{ "KEY_BRL_DOT2", 0x1f2 },
	{ "KEY_BRL_DOT3", 0x1f3 },
	{ "KEY_BRL_DOT4", 0x1f4 },
	{ "KEY_BRL_DOT5", 0x1f5 },
	{ "KEY_BRL_DOT6", 0x1f6 },
	{ "KEY_BRL_DOT7", 0x1f7 },
	{ "KEY_BRL_DOT8", 0x1f8 },
	{ "KEY_BRL_DOT9", 0x1f9 },
	{ "KEY_BRL_DOT10", 0x1fa },
	{ "KEY_NUMERIC_0", 0x200 },
	{ "KEY_NUMERIC_1", 0x201 },
	{ "KEY_NUMERIC_2", 0x202 },
	{ "KEY_NUMERIC_3", 0x203 },
	{ "KEY_NUMERIC_4", 0x204 },
	{ "KEY_NUMERIC_5", 0x205 },
	{ "KEY_NUMERIC_6", 0x206 },
	{ "KEY_NUMERIC_7", 0x207 },
	{ "KEY_NUMERIC_8", 0x208 },
	{ "KEY_NUMERIC_9", 0x209 },
	{ "KEY_NUMERIC_STAR", 0x20a },
	{ "KEY_NUMERIC_POUND", 0x20b },
	{ "KEY_NUMERIC_A", 0x20c },
	{ "KEY_NUMERIC_B", 0x20d },
	{ "KEY_NUMERIC_C", 0x20e },
	{ "KEY_NUMERIC_D", 0x20f },
	{ "KEY_CAMERA_FOCUS", 0x210 },
	{ "KEY_WPS_BUTTON", 0x211 },
	{ "KEY_TOUCHPAD_TOGGLE", 0x212 },
	{ "KEY_TOUCHPAD_ON", 0x213 },
	{ "KEY_TOUCHPAD_OFF", 0x214 },
	{ "KEY_CAMERA_ZOOMIN", 0x215 },
	{ "KEY_CAMERA_ZOOMOUT", 0x216 },
	{ "KEY_CAMERA_UP", 0x217 },
	{ "KEY_CAMERA_DOWN", 0x218 },
	{ "KEY_CAMERA_LEFT", 0x219 },
	{ "KEY_CAMERA_RIGHT", 0x21a },
	{ "KEY_ATTENDANT_ON", 0x21b },
	{ "KEY_ATTENDANT_OFF", 0x21c },
	{ "KEY_ATTENDANT_TOGGLE", 0x21d },
	{ "KEY_LIGHTS_TOGGLE", 0x21e },
	{ "KEY_ALS_TOGGLE", 0x230 },
	{ "KEY_ROTATE_LOCK_TOGGLE", 0x231 },
	{ "KEY_REFRESH_RATE_TOGGLE", 0x232 },
	{ "KEY_BUTTONCONFIG", 0x240 },
	{ "KEY_TASKMANAGER", 0x241 },
	{ "KEY_JOURNAL", 0x242 },
	{ "KEY_CONTROLPANEL", 0x243 },
	{ "KEY_APPSELECT", 0x244 },
	{ "KEY_SCREENSAVER", 0x245 },
	{ "KEY_VOICECOMMAND", 0x246 },
	{ "KEY_ASSISTANT", 0x247 },
	{ "KEY_KBD_LAYOUT_NEXT", 0x248 },
	{ "KEY_EMOJI_PICKER", 0x249 },
	{ "KEY_DICTATE", 0x24a },
	{ "KEY_BRIGHTNESS_MIN", 0x250 },
	{ "KEY_BRIGHTNESS_MAX", 0x251 },
	{ "KEY_KBDINPUTASSIST_PREV", 0x260 },
	{ "KEY_KBDINPUTASSIST_NEXT", 0x261 },
	{ "KEY_KBDINPUTASSIST_PREVGROUP", 0x262 },
	{ "KEY_KBDINPUTASSIST_NEXTGROUP", 0x263 },
	{ "KEY_KBDINPUTASSIST_ACCEPT", 0x264 },
	{ "KEY_KBDINPUTASSIST_CANCEL", 0x265 },
	{ "KEY_RIGHT_UP", 0x266 },
	{ "KEY_RIGHT_DOWN", 0x267 },
	{ "KEY_LEFT_UP", 0x268 },
	{ "KEY_LEFT_DOWN", 0x269 },
	{ "KEY_ROOT_MENU", 0x26a },
	{ "KEY_MEDIA_TOP_MENU", 0x26b },
	{ "KEY_NUMERIC_11", 0x26c },
	{ "KEY_NUMERIC_12", 0x26d },
	{ "KEY_AUDIO_DESC", 0x26e },
	{ "KEY_3D_MODE", 0x26f },
	{ "KEY_NEXT_FAVORITE", 0x270 },
	{ "KEY_STOP_RECORD", 0x271 },
	{ "KEY_PAUSE_RECORD", 0x272 },
	{ "KEY_VOD", 0x273 },
	{ "KEY_UNMUTE", 0x274 },
	{ "KEY_FASTREVERSE", 0x275 },
	{ "KEY_SLOWREVERSE", 0x276 },
	{ "KEY_DATA", 0x277 },
	{ "KEY_ONSCREEN_KEYBOARD", 0x278 },
	{ "KEY_PRIVACY_SCREEN_TOGGLE", 0x279 },
	{ "KEY_SELECTIVE_SCREENSHOT", 0x27a },
	{ "KEY_NEXT_ELEMENT", 0x27b },
	{ "KEY_PREVIOUS_ELEMENT", 0x27c },
	{ "KEY_AUTOPILOT_ENGAGE_TOGGLE", 0x27d },
	{ "KEY_MARK_WAYPOINT", 0x27e },
	{ "KEY_SOS", 0x27f },
	{ "KEY_NAV_CHART", 0x280 },
	{ "KEY_FISHING_CHART", 0x281 },
	{ "KEY_SINGLE_RANGE_RADAR", 0x282 },
	{ "KEY_DUAL_RANGE_RADAR", 0x283 },
	{ "KEY_RADAR_OVERLAY", 0x284 },
	{ "KEY_TRADITIONAL_SONAR", 0x285 },
	{ "KEY_CLEARVU_SONAR", 0x286 },
	{ "KEY_SIDEVU_SONAR", 0x287 },
	{ "KEY_NAV_INFO", 0x288 },
	{ "KEY_BRIGHTNESS_MENU", 0x289 },
	{ "KEY_MACRO1", 0x290 },
	{ "KEY_MACRO2", 0x291 },
	{ "KEY_MACRO3", 0x292 },
	{ "KEY_MACRO4", 0x293 },
	{ "KEY_MACRO5", 0x294 },
	{ "KEY_MACRO6", 0x295 },
	{ "KEY_MACRO7", 0x296 },
	{ "KEY_MACRO8", 0x297 },
	{ "KEY_MACRO9", 0x298 },
	{ "KEY_MACRO10", 0x299 },
	{ "KEY_MACRO11", 0x29a },
	{ "KEY_MACRO12", 0x29b },
	{ "KEY_MACRO13", 0x29c },
	{ "KEY_MACRO14", 0x29d },
	{ "KEY_MACRO15", 0x29e },
	{ "KEY_MACRO16", 0x29f },
	{ "KEY_MACRO17", 0x2a0 },
	{ "KEY_MACRO18", 0x2a1 },
	{ "KEY_MACRO19", 0x2a2 },
	{ "KEY_MACRO20", 0x2a3 },
	{ "KEY_MACRO21", 0x2a4 },
	{ "KEY_MACRO22", 0x2a5 },
	{ "KEY_MACRO23", 0x2a6 },
	{ "KEY_MACRO24", 0x2a7 },
	{ "KEY_MACRO25", 0x2a8 },
	{ "KEY_MACRO26", 0x2a9 },
	{ "KEY_MACRO27", 0x2aa },
	{ "KEY_MACRO28", 0x2ab },
	{ "KEY_MACRO29", 0x2ac },
	{ "KEY_MACRO30", 0x2ad },
	{ "KEY_MACRO_RECORD_START", 0x2b0 },
	{ "KEY_MACRO_RECORD_STOP", 0x2b1 },
	{ "KEY_MACRO_PRESET_CYCLE", 0x2b2 },
	{ "KEY_MACRO_PRESET1", 0x2b3 },
	{ "KEY_MACRO_PRESET2", 0x2b4 },
	{ "KEY_MACRO_PRESET3", 0x2b5 },
	{ "KEY_KBD_LCD_MENU1", 0x2b8 },
	{ "KEY_KBD_LCD_MENU2", 0x2b9 },
	{ "KEY_KBD_LCD_MENU3", 0x2ba },
	{ "KEY_KBD_LCD_MENU4", 0x2bb },
	{ "KEY_KBD_LCD_MENU5", 0x2bc },
};

/* Parse state: the keymap being filled and, per binding, the line that made it (for duplicates). */
struct parser {
	struct plat_keymap *km;
	unsigned remote_line[PLAT_KEYMAP_CODE_MAX + 1];
	unsigned kb_line[PLAT_KEYMAP_MAX_KEYBOARD];
	const char *origin;
	unsigned line;
	char *err;
	size_t errcap;
};

__attribute__((format(printf, 2, 3))) static int fail(struct parser *p, const char *fmt, ...)
{
	if (p->err && p->errcap) {
		int n = snprintf(p->err, p->errcap, "%s:%u: ", p->origin, p->line);
		if (n >= 0 && (size_t)n < p->errcap) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(p->err + n, p->errcap - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -EINVAL;
}

int plat_keymap_code_from_name(const char *name)
{
	if (!name)
		return -ENOENT;
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (strcmp(key_names[i].name, name) == 0)
			return key_names[i].code;
	return -ENOENT;
}

const char *plat_keymap_code_name(unsigned code)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (key_names[i].code == code)
			return key_names[i].name;
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits the next whitespace-delimited word off *s (NUL-terminating it in place); NULL at the end. */
static char *next_word(char **s)
{
	char *p = *s;
	while (is_space(*p))
		p++;
	if (!*p) {
		*s = p;
		return NULL;
	}
	char *w = p;
	while (*p && !is_space(*p))
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return w;
}

/* A code is a KEY_* name or a number (decimal or 0x hex) in 1..PLAT_KEYMAP_CODE_MAX. */
static int parse_code(struct parser *p, const char *word)
{
	if (word[0] >= '0' && word[0] <= '9') {
		char *end = NULL;
		errno = 0;
		long v = strtol(word, &end, 0);
		if (errno || !end || *end || v < 1 || v > PLAT_KEYMAP_CODE_MAX)
			return fail(p, "'%s' is not a key code (1..%#x)", word, PLAT_KEYMAP_CODE_MAX);
		return (int)v;
	}
	if (word[0] == '#')
		return fail(p, "'%s': a comment goes on a line of its own", word);
	int code = plat_keymap_code_from_name(word);
	if (code < 0)
		return fail(
		    p, "unknown key name '%s' (KEY_* names of linux/input-event-codes.h, or a number)", word);
	return code;
}

static int parse_remote(struct parser *p, enum plat_action action, char *rest)
{
	char *word = next_word(&rest);
	if (!word)
		return fail(p, "'remote %s' names no key", plat_action_name(action));
	for (; word; word = next_word(&rest)) {
		int code = parse_code(p, word);
		if (code < 0)
			return code;
		if (p->km->remote[code] != PLAT_ACT_NONE)
			return fail(p, "%s is already bound to '%s' on line %u", word,
				    plat_action_name((enum plat_action)p->km->remote[code]),
				    p->remote_line[code]);
		p->km->remote[code] = (uint8_t)action;
		p->remote_line[code] = p->line;
		p->km->remote_count++;
	}
	return 0;
}

static int parse_keyboard(struct parser *p, enum plat_action action, char *rest)
{
	while (is_space(*rest))
		rest++;
	size_t len = strlen(rest);
	while (len && is_space(rest[len - 1]))
		rest[--len] = '\0';
	if (!len)
		return fail(p, "'keyboard %s' names no key", plat_action_name(action));
	SDL_Keycode key = SDL_GetKeyFromName(rest);
	if (key == SDLK_UNKNOWN) {
		/* a real key that the current keyboard layout does not have (Xvfb has no Application
		 * key): SDL reports such a key by its scancode, so bind that */
		SDL_Scancode sc = SDL_GetScancodeFromName(rest);
		if (sc != SDL_SCANCODE_UNKNOWN)
			key = SDL_SCANCODE_TO_KEYCODE(sc);
	}
	if (key == SDLK_UNKNOWN) {
		/* Key names depend on the platform (X11 calls the Application key "Menu"): one file serves
		 * every desktop, so a name this one does not know is skipped, not fatal. */
		plat_log_info("keymap",
			      "%s:%u: no key named '%s' here (names as SDL_GetKeyName writes them: "
			      "Return, Up, PageUp, F1, Keypad Enter, M ...): skipped",
			      p->origin, p->line, rest);
		return 0;
	}
	struct plat_keymap *km = p->km;
	for (size_t i = 0; i < km->kb_count; i++) {
		if (km->kb[i].key != key)
			continue;
		if (km->kb[i].action == (uint8_t)action)
			return 0; /* two names of one key on this platform, for the same action */
		return fail(p, "keyboard key '%s' is already bound to '%s' on line %u", rest,
			    plat_action_name((enum plat_action)km->kb[i].action), p->kb_line[i]);
	}
	if (km->kb_count == PLAT_KEYMAP_MAX_KEYBOARD)
		return fail(p, "more than %d keyboard bindings", PLAT_KEYMAP_MAX_KEYBOARD);
	km->kb[km->kb_count].key = key;
	km->kb[km->kb_count].action = (uint8_t)action;
	p->kb_line[km->kb_count] = p->line;
	km->kb_count++;
	return 0;
}

static int parse_line(struct parser *p, char *line)
{
	char *rest = line;
	while (is_space(*rest))
		rest++;
	if (!*rest || *rest == '#')
		return 0;
	for (const char *c = rest; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return fail(p, "control character 0x%02x", (unsigned)(unsigned char)*c);
	char *device = next_word(&rest);
	bool remote = strcmp(device, "remote") == 0;
	if (!remote && strcmp(device, "keyboard") != 0)
		return fail(p, "'%s' is neither 'remote' nor 'keyboard'", device);
	char *name = next_word(&rest);
	if (!name)
		return fail(p, "'%s' names no action", device);
	enum plat_action action = plat_action_from_name(name);
	if (action == PLAT_ACT_NONE)
		return fail(p,
			    "unknown action '%s' (up, down, left, right, ok, back, home, menu, info, epg, "
			    "chup, chdown, pgup, pgdown, volup, voldown, mute, 0-9, red, green, yellow, "
			    "blue, play, pause, playpause, stop, ff, rew, recall, quit)",
			    name);
	return remote ? parse_remote(p, action, rest) : parse_keyboard(p, action, rest);
}

int plat_keymap_parse(const char *text, size_t len, const char *origin, struct plat_keymap **out, char *err,
		      size_t errcap)
{
	if (err && errcap)
		err[0] = '\0';
	if (!out)
		return -EINVAL;
	*out = NULL;
	struct parser *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->origin = origin ? origin : "keymap";
	p->err = err;
	p->errcap = errcap;
	int rc = 0;
	if (!text && len) {
		rc = fail(p, "no text");
		goto done;
	}
	if (len > PLAT_KEYMAP_MAX_BYTES) {
		if (err && errcap)
			snprintf(err, errcap, "%s: larger than %d bytes", p->origin, PLAT_KEYMAP_MAX_BYTES);
		rc = -EFBIG;
		goto done;
	}
	p->km = calloc(1, sizeof(*p->km));
	if (!p->km) {
		rc = -ENOMEM;
		goto done;
	}
	char line[PLAT_KEYMAP_MAX_LINE + 1];
	size_t pos = 0;
	while (pos < len && rc == 0) {
		p->line++;
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		pos += n + (nl ? 1 : 0);
		if (n && start[n - 1] == '\r')
			n--;
		if (n > PLAT_KEYMAP_MAX_LINE) {
			rc = fail(p, "line longer than %d bytes", PLAT_KEYMAP_MAX_LINE);
			break;
		}
		if (memchr(start, '\0', n)) {
			rc = fail(p, "NUL byte");
			break;
		}
		memcpy(line, start, n);
		line[n] = '\0';
		rc = parse_line(p, line);
	}
	if (rc == 0 && p->km->remote_count == 0 && p->km->kb_count == 0) {
		p->line = p->line ? p->line : 1;
		rc = fail(p, "no key is bound (lines like 'remote ok KEY_OK' or 'keyboard ok Return')");
	}
done:
	if (rc == 0)
		*out = p->km;
	else
		free(p->km);
	free(p);
	return rc;
}

int plat_keymap_load(const char *path, struct plat_keymap **out, char *err, size_t errcap)
{
	if (out)
		*out = NULL;
	if (!path || !out)
		return -EINVAL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		if (err && errcap)
			snprintf(err, errcap, "%s: cannot open: %s", path, strerror(e));
		return -e;
	}
	char *buf = malloc(PLAT_KEYMAP_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	size_t len = fread(buf, 1, PLAT_KEYMAP_MAX_BYTES + 1, f);
	int rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (rc < 0) {
		if (err && errcap)
			snprintf(err, errcap, "%s: read error", path);
	} else {
		rc = plat_keymap_parse(buf, len, path, out, err, errcap);
	}
	free(buf);
	return rc;
}

void plat_keymap_free(struct plat_keymap **km)
{
	if (km) {
		free(*km);
		*km = NULL;
	}
}

enum plat_action plat_keymap_remote(const struct plat_keymap *km, unsigned code)
{
	if (!km || code > PLAT_KEYMAP_CODE_MAX)
		return PLAT_ACT_NONE;
	return (enum plat_action)km->remote[code];
}

enum plat_action plat_keymap_keyboard(const struct plat_keymap *km, int32_t sdl_keycode)
{
	for (size_t i = 0; km && i < km->kb_count; i++)
		if (km->kb[i].key == sdl_keycode)
			return (enum plat_action)km->kb[i].action;
	return PLAT_ACT_NONE;
}

void plat_keymap_counts(const struct plat_keymap *km, size_t *remote, size_t *keyboard)
{
	if (remote)
		*remote = km ? km->remote_count : 0;
	if (keyboard)
		*keyboard = km ? km->kb_count : 0;
}

int plat_keymap_remote_code_for(const struct plat_keymap *km, enum plat_action action)
{
	for (unsigned code = 1; km && action != PLAT_ACT_NONE && code <= PLAT_KEYMAP_CODE_MAX; code++)
		if (km->remote[code] == action)
			return (int)code;
	return -ENOENT;
}

int plat_keymap_path(const char *configured, const char *assets_dir, char *out, size_t cap)
{
	const char *env = getenv("QANAT_KEYMAP");
	int n;
	if (!out || !cap)
		return -EINVAL;
	if (!assets_dir)
		assets_dir = ".";
	if (env && *env)
		n = snprintf(out, cap, "%s", env);
	else if (configured && *configured == '/')
		n = snprintf(out, cap, "%s", configured);
	else if (configured && *configured)
		n = snprintf(out, cap, "%s/keymaps/%s", assets_dir, configured);
	else
		n = snprintf(out, cap, "%s/keymaps/remote-default.keymap", assets_dir);
	if (n < 0 || (size_t)n >= cap) {
		out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}
