/* SPDX-License-Identifier: MIT */
/* Keymap parsing: the shipped default keymap maps every key a remote of issue 10 has (checked against
 * the kernel's own KEY_* macros and SDL's keycodes), and every kind of bad line is refused with the
 * file, the line number and the offending word, as an OEM editing the file by hand would need. */
#include "plat_keymap.h"

#include <SDL2/SDL_keyboard.h>
#include <errno.h>
#include <linux/input-event-codes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define DEFAULT_KEYMAP QANAT_SOURCE_DIR "/assets/keymaps/remote-default.keymap"

static const char *action_text(enum plat_action a)
{
	const char *n = plat_action_name(a);
	return n ? n : "nothing";
}

static struct plat_keymap *parse_ok(const char *text)
{
	struct plat_keymap *km = NULL;
	char err[256];
	int rc = plat_keymap_parse(text, strlen(text), "t.keymap", &km, err, sizeof(err));
	if (rc != 0)
		fail_msg("unexpected refusal: %s", err);
	assert_non_null(km);
	return km;
}

static void test_default_remote_keys(void **state)
{
	static const struct {
		unsigned code;
		const char *action;
	} want[] = {
		{ KEY_OK, "ok" },
		{ KEY_SELECT, "ok" },
		{ KEY_ENTER, "ok" },
		{ KEY_BACK, "back" },
		{ KEY_EXIT, "back" },
		{ KEY_HOME, "home" },
		{ KEY_MENU, "menu" },
		{ KEY_INFO, "info" },
		{ KEY_EPG, "epg" },
		{ KEY_UP, "up" },
		{ KEY_DOWN, "down" },
		{ KEY_LEFT, "left" },
		{ KEY_RIGHT, "right" },
		{ KEY_CHANNELUP, "chup" },
		{ KEY_CHANNELDOWN, "chdown" },
		{ KEY_VOLUMEUP, "volup" },
		{ KEY_VOLUMEDOWN, "voldown" },
		{ KEY_MUTE, "mute" },
		{ KEY_RED, "red" },
		{ KEY_GREEN, "green" },
		{ KEY_YELLOW, "yellow" },
		{ KEY_BLUE, "blue" },
		{ KEY_PLAY, "play" },
		{ KEY_PAUSE, "pause" },
		{ KEY_PLAYPAUSE, "playpause" },
		{ KEY_STOP, "stop" },
		{ KEY_FASTFORWARD, "ff" },
		{ KEY_REWIND, "rew" },
		{ KEY_LAST, "recall" },
		{ KEY_PREVIOUS, "recall" },
	};
	struct plat_keymap *km = NULL;
	char err[256] = "";
	int rc = plat_keymap_load(DEFAULT_KEYMAP, &km, err, sizeof(err));
	if (rc != 0)
		fail_msg("default keymap refused: %s", err);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *got = plat_action_name(plat_keymap_remote(km, want[i].code));
		if (!got || strcmp(got, want[i].action) != 0)
			fail_msg("%s (%#x) gives %s, want %s", plat_keymap_code_name(want[i].code),
				 want[i].code, got ? got : "nothing", want[i].action);
	}
	static const unsigned numeric[10] = { KEY_NUMERIC_0, KEY_NUMERIC_1, KEY_NUMERIC_2, KEY_NUMERIC_3,
					      KEY_NUMERIC_4, KEY_NUMERIC_5, KEY_NUMERIC_6, KEY_NUMERIC_7,
					      KEY_NUMERIC_8, KEY_NUMERIC_9 };
	static const unsigned digit[10] = { KEY_0, KEY_1, KEY_2, KEY_3, KEY_4,
					    KEY_5, KEY_6, KEY_7, KEY_8, KEY_9 };
	for (int d = 0; d < 10; d++) {
		assert_int_equal(plat_keymap_remote(km, numeric[d]), PLAT_ACT_DIGIT_0 + d);
		assert_int_equal(plat_keymap_remote(km, digit[d]), PLAT_ACT_DIGIT_0 + d);
	}
	/* the power key is the box's standby */
	assert_int_equal(plat_keymap_remote(km, KEY_POWER), PLAT_ACT_POWER);
	/* keys a remote has but Qanat gives no meaning: ignored, not misread */
	assert_int_equal(plat_keymap_remote(km, KEY_TV), PLAT_ACT_NONE);
	assert_int_equal(plat_keymap_remote(km, 0x2ff), PLAT_ACT_NONE);
	assert_int_equal(plat_keymap_remote(km, 0x300), PLAT_ACT_NONE);
	assert_int_equal(plat_keymap_remote(km, 100000), PLAT_ACT_NONE);
	plat_keymap_free(&km);
	assert_null(km);
	plat_keymap_free(&km); /* NULL is accepted */
	plat_keymap_free(NULL);
}

static void test_default_keyboard_keys(void **state)
{
	static const struct {
		int32_t key;
		enum plat_action action;
	} want[] = {
		{ SDLK_UP, PLAT_ACT_UP },        { SDLK_DOWN, PLAT_ACT_DOWN },
		{ SDLK_LEFT, PLAT_ACT_LEFT },    { SDLK_RIGHT, PLAT_ACT_RIGHT },
		{ SDLK_RETURN, PLAT_ACT_OK },    { SDLK_KP_ENTER, PLAT_ACT_OK },
		{ SDLK_ESCAPE, PLAT_ACT_BACK },  { SDLK_BACKSPACE, PLAT_ACT_BACK },
		{ SDLK_HOME, PLAT_ACT_HOME },    { SDLK_m, PLAT_ACT_MENU },
		{ SDLK_i, PLAT_ACT_INFO },       { SDLK_g, PLAT_ACT_EPG },
		{ SDLK_PAGEUP, PLAT_ACT_CH_UP }, { SDLK_PAGEDOWN, PLAT_ACT_CH_DOWN },
		{ SDLK_0, PLAT_ACT_DIGIT_0 },    { SDLK_7, PLAT_ACT_DIGIT_0 + 7 },
		{ SDLK_KP_9, PLAT_ACT_DIGIT_9 }, { SDLK_F1, PLAT_ACT_RED },
		{ SDLK_F4, PLAT_ACT_BLUE },      { SDLK_SPACE, PLAT_ACT_PLAY_PAUSE },
		{ SDLK_l, PLAT_ACT_RECALL },
	};
	struct plat_keymap *km = NULL;
	assert_int_equal(plat_keymap_load(DEFAULT_KEYMAP, &km, NULL, 0), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (plat_keymap_keyboard(km, want[i].key) != want[i].action)
			fail_msg("SDL key %s gives %s, want %s", SDL_GetKeyName(want[i].key),
				 action_text(plat_keymap_keyboard(km, want[i].key)),
				 action_text(want[i].action));
	assert_int_equal(plat_keymap_keyboard(km, SDLK_z), PLAT_ACT_NONE);
	size_t remote = 0, keyboard = 0;
	plat_keymap_counts(km, &remote, &keyboard);
	assert_true(remote >= 60);
	assert_true(keyboard >= 50);
	plat_keymap_free(&km);
}

static void test_good_variants(void **state)
{
	/* CRLF, tabs, leading blanks, numbers in hex and decimal, no final newline, trailing blanks on a
	 * keyboard line, lower-case SDL names */
	struct plat_keymap *km = parse_ok("# OEM remote\r\n\r\n\tremote\tok\tKEY_OK 0x161 28\r\n"
					  "   remote 5 KEY_NUMERIC_5\n"
					  "keyboard ok keypad enter   \n"
					  "keyboard back escape");
	assert_int_equal(plat_keymap_remote(km, KEY_OK), PLAT_ACT_OK);
	assert_int_equal(plat_keymap_remote(km, KEY_SELECT), PLAT_ACT_OK);
	assert_int_equal(plat_keymap_remote(km, KEY_ENTER), PLAT_ACT_OK);
	assert_int_equal(plat_keymap_remote(km, KEY_NUMERIC_5), PLAT_ACT_DIGIT_0 + 5);
	assert_int_equal(plat_keymap_keyboard(km, SDLK_KP_ENTER), PLAT_ACT_OK);
	assert_int_equal(plat_keymap_keyboard(km, SDLK_ESCAPE), PLAT_ACT_BACK);
	assert_int_equal(plat_keymap_remote_code_for(km, PLAT_ACT_OK), KEY_ENTER); /* the lowest code */
	assert_int_equal(plat_keymap_remote_code_for(km, PLAT_ACT_EPG), -ENOENT);
	size_t remote = 0, keyboard = 0;
	plat_keymap_counts(km, &remote, &keyboard);
	assert_int_equal(remote, 4);
	assert_int_equal(keyboard, 2);
	plat_keymap_free(&km);

	/* a keyboard name this platform does not know is skipped (names differ between X11, Wayland,
	 * KMSDRM), the rest of the file still works */
	km = parse_ok("keyboard up Up\nkeyboard down Page Dwn\nremote ok KEY_OK\n");
	plat_keymap_counts(km, &remote, &keyboard);
	assert_int_equal(keyboard, 1);
	assert_int_equal(plat_keymap_keyboard(km, SDLK_UP), PLAT_ACT_UP);
	plat_keymap_free(&km);

	/* an OEM file with only a remote section is fine: the keyboard simply does nothing */
	km = parse_ok("remote ok KEY_OK\n");
	assert_int_equal(plat_keymap_keyboard(km, SDLK_RETURN), PLAT_ACT_NONE);
	plat_keymap_free(&km);
}

static void test_bad_lines(void **state)
{
	static char long_line[400];
	memset(long_line, 'x', sizeof(long_line) - 1);
	memcpy(long_line, "remote ok ", 10);
	static const struct {
		const char *text;
		const char *want; /* substring of the message */
	} cases[] = {
		{ "remote okk KEY_OK\n", "t.keymap:1: unknown action 'okk'" },
		{ "remote ok KEY_OK\n\nremote back KEY_OOK\n", "t.keymap:3: unknown key name 'KEY_OOK'" },
		{ "remote ok KEY_OK\n# c\nremote back KEY_ESC KEY_OK\n",
		  "t.keymap:3: KEY_OK is already bound to 'ok' on line 1" },
		{ "remote ok 352\nremote back KEY_OK\n",
		  "t.keymap:2: KEY_OK is already bound to 'ok' on line 1" },
		{ "keyboard ok Return\nkeyboard back return\n",
		  "t.keymap:2: keyboard key 'return' is already bound to 'ok' on line 1" },
		{ "remote ok 0x300\n", "t.keymap:1: '0x300' is not a key code" },
		{ "remote ok 0\n", "t.keymap:1: '0' is not a key code" },
		{ "remote ok 12abc\n", "t.keymap:1: '12abc' is not a key code" },
		{ "remote ok 99999999999999999999\n", "is not a key code" },
		{ "mouse ok BTN_LEFT\n", "t.keymap:1: 'mouse' is neither 'remote' nor 'keyboard'" },
		{ "remote\n", "t.keymap:1: 'remote' names no action" },
		{ "remote ok\n", "t.keymap:1: 'remote ok' names no key" },
		{ "keyboard ok   \n", "t.keymap:1: 'keyboard ok' names no key" },
		{ "remote ok KEY_OK # the OK key\n", "t.keymap:1: '#': a comment goes on a line of its own" },
		{ "remote ok KEY_OK\x01\n", "t.keymap:1: control character 0x01" },
		{ "# nothing here\n\n", "no key is bound" },
		{ "", "t.keymap:1: no key is bound" },
		{ long_line, "t.keymap:1: line longer than 256 bytes" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct plat_keymap *km = (struct plat_keymap *)&km; /* must be reset to NULL */
		char err[256] = "";
		int rc = plat_keymap_parse(cases[i].text, strlen(cases[i].text), "t.keymap", &km, err,
					   sizeof(err));
		if (rc != -EINVAL || km != NULL || !strstr(err, cases[i].want))
			fail_msg("case %zu: rc %d, message '%s', want '%s'", i, rc, err, cases[i].want);
	}

	/* a NUL byte inside the text */
	static const char nul[] = "remote ok KEY_OK\nremote back KEY_\0ESC\n";
	struct plat_keymap *km = NULL;
	char err[256] = "";
	assert_int_equal(plat_keymap_parse(nul, sizeof(nul) - 1, NULL, &km, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "keymap:2: NUL byte");

	/* too large as a whole */
	size_t big = PLAT_KEYMAP_MAX_BYTES + 1;
	char *text = malloc(big);
	assert_non_null(text);
	memset(text, '\n', big);
	assert_int_equal(plat_keymap_parse(text, big, "big.keymap", &km, err, sizeof(err)), -EFBIG);
	assert_non_null(strstr(err, "big.keymap: larger than"));
	free(text);

	/* a tiny message buffer is truncated, never overrun */
	char tiny[8];
	assert_int_equal(plat_keymap_parse("remote okk KEY_OK", 17, "t.keymap", &km, tiny, sizeof(tiny)),
			 -EINVAL);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
}

static void test_load_errors(void **state)
{
	struct plat_keymap *km = NULL;
	char err[256] = "";
	assert_int_equal(plat_keymap_load("/nonexistent/oem.keymap", &km, err, sizeof(err)), -ENOENT);
	assert_null(km);
	assert_non_null(strstr(err, "/nonexistent/oem.keymap: cannot open"));

	/* a bad file names itself in the message */
	char path[] = "/tmp/qanat-keymap-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char bad[] = "remote ok KEY_OK\nremote menu KEY_MENU KEY_BOGUS\n";
	assert_int_equal(write(fd, bad, sizeof(bad) - 1), (ssize_t)(sizeof(bad) - 1));
	close(fd);
	assert_int_equal(plat_keymap_load(path, &km, err, sizeof(err)), -EINVAL);
	char want[300];
	snprintf(want, sizeof(want), "%s:2: unknown key name 'KEY_BOGUS'", path);
	assert_non_null(strstr(err, want));
	unlink(path);
}

static void test_code_names(void **state)
{
	/* the literal table against the kernel's macros */
	static const struct {
		const char *name;
		unsigned code;
	} sample[] = {
		{ "KEY_ESC", KEY_ESC },
		{ "KEY_ENTER", KEY_ENTER },
		{ "KEY_UP", KEY_UP },
		{ "KEY_OK", KEY_OK },
		{ "KEY_SELECT", KEY_SELECT },
		{ "KEY_INFO", KEY_INFO },
		{ "KEY_EPG", KEY_EPG },
		{ "KEY_RED", KEY_RED },
		{ "KEY_BLUE", KEY_BLUE },
		{ "KEY_CHANNELUP", KEY_CHANNELUP },
		{ "KEY_LAST", KEY_LAST },
		{ "KEY_PREVIOUS", KEY_PREVIOUS },
		{ "KEY_NUMERIC_0", KEY_NUMERIC_0 },
		{ "KEY_NUMERIC_9", KEY_NUMERIC_9 },
		{ "KEY_PLAYPAUSE", KEY_PLAYPAUSE },
		{ "KEY_FASTFORWARD", KEY_FASTFORWARD },
		{ "KEY_EXIT", KEY_EXIT },
		{ "KEY_MUTE", KEY_MUTE },
	};
	for (size_t i = 0; i < sizeof(sample) / sizeof(sample[0]); i++) {
		assert_int_equal(plat_keymap_code_from_name(sample[i].name), (int)sample[i].code);
		assert_string_equal(plat_keymap_code_name(sample[i].code), sample[i].name);
	}
	assert_int_equal(plat_keymap_code_from_name("KEY_NOPE"), -ENOENT);
	assert_int_equal(plat_keymap_code_from_name(NULL), -ENOENT);
	assert_null(plat_keymap_code_name(0x2ff + 1));
}

static void test_path_choice(void **state)
{
	char out[128];
	unsetenv("QANAT_KEYMAP");
	assert_int_equal(plat_keymap_path(NULL, "/usr/share/qanat", out, sizeof(out)), 0);
	assert_string_equal(out, "/usr/share/qanat/keymaps/remote-default.keymap");
	assert_int_equal(plat_keymap_path("", "/usr/share/qanat", out, sizeof(out)), 0);
	assert_string_equal(out, "/usr/share/qanat/keymaps/remote-default.keymap");
	assert_int_equal(plat_keymap_path("acme-rc6.keymap", "/usr/share/qanat", out, sizeof(out)), 0);
	assert_string_equal(out, "/usr/share/qanat/keymaps/acme-rc6.keymap");
	assert_int_equal(plat_keymap_path("/etc/qanat/acme.keymap", "/usr/share/qanat", out, sizeof(out)), 0);
	assert_string_equal(out, "/etc/qanat/acme.keymap");
	/* the environment wins over the provisioning file (bring-up, the unit's Environment=) */
	setenv("QANAT_KEYMAP", "/run/test.keymap", 1);
	assert_int_equal(plat_keymap_path("/etc/qanat/acme.keymap", "/usr/share/qanat", out, sizeof(out)), 0);
	assert_string_equal(out, "/run/test.keymap");
	setenv("QANAT_KEYMAP", "", 1); /* empty = unset */
	assert_int_equal(plat_keymap_path(NULL, "/a", out, sizeof(out)), 0);
	assert_string_equal(out, "/a/keymaps/remote-default.keymap");
	unsetenv("QANAT_KEYMAP");
	char small[16];
	assert_int_equal(plat_keymap_path(NULL, "/usr/share/qanat", small, sizeof(small)), -ENAMETOOLONG);
	assert_string_equal(small, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_remote_keys), cmocka_unit_test(test_default_keyboard_keys),
		cmocka_unit_test(test_good_variants),       cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_load_errors),         cmocka_unit_test(test_code_names),
		cmocka_unit_test(test_path_choice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
