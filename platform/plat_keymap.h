/* SPDX-License-Identifier: MIT */
/* Keymaps: the data that turns key codes into semantic actions (plat_input.h), so an OEM changes what
 * the remote does by replacing a text file, never by rebuilding. One file carries both worlds: the
 * Linux evdev codes of remotes and box keyboards (KEY_* names, as in linux/input-event-codes.h) and
 * the SDL keyboard key names used on desktops. The line format, with `#` comment lines:
 *
 *     remote   ACTION  KEY_NAME|CODE [KEY_NAME|CODE ...]    e.g.  remote ok KEY_OK KEY_SELECT 0x160
 *     keyboard ACTION  SDL KEY NAME                         e.g.  keyboard ok Keypad Enter
 *
 * ACTION is an action name of plat_action_name() ("ok", "chup", "0", "recall", ...). A keyboard line
 * names exactly one key: the rest of the line, as SDL_GetKeyName() writes it (case-insensitive, may
 * contain spaces). A key bound twice is an error, so a copied-and-edited file cannot silently keep a
 * stale binding. A parsed keymap is immutable: any number of threads may read it at once. */
#ifndef PLAT_KEYMAP_H
#define PLAT_KEYMAP_H

#include "plat_input.h"

#include <stddef.h>
#include <stdint.h>

enum {
	PLAT_KEYMAP_CODE_MAX = 0x2ff,     /* KEY_MAX: the largest evdev key code */
	PLAT_KEYMAP_MAX_KEYBOARD = 256,   /* keyboard bindings per keymap */
	PLAT_KEYMAP_MAX_LINE = 256,       /* bytes per line, without the newline */
	PLAT_KEYMAP_MAX_BYTES = 64 * 1024 /* a larger file is refused */
};

struct plat_keymap;

/* Parses keymap text of len bytes (need not be NUL-terminated). origin names the text in messages
 * (a file name; NULL gives "keymap"). On success returns 0 and *out is owned by the caller (free with
 * plat_keymap_free()). On failure returns -EINVAL (bad line: err gets "origin:LINE: reason", naming
 * the offending word), -EFBIG (over PLAT_KEYMAP_MAX_BYTES) or -ENOMEM, and *out is NULL. err may be
 * NULL when errcap is 0. A keymap with no binding at all is refused too (-EINVAL). */
int plat_keymap_parse(const char *text, size_t len, const char *origin, struct plat_keymap **out, char *err,
		      size_t errcap);

/* Reads and parses the file at path; errors as plat_keymap_parse(), plus -errno when the file cannot
 * be read (err says which file and why). */
int plat_keymap_load(const char *path, struct plat_keymap **out, char *err, size_t errcap);

/* Frees a keymap; accepts NULL and sets *km to NULL. */
void plat_keymap_free(struct plat_keymap **km);

/* The action bound to an evdev key code, PLAT_ACT_NONE when unbound (codes above
 * PLAT_KEYMAP_CODE_MAX included). */
enum plat_action plat_keymap_remote(const struct plat_keymap *km, unsigned code);

/* The action bound to an SDL keycode (SDL_Keycode, event.key.keysym.sym), PLAT_ACT_NONE when unbound. */
enum plat_action plat_keymap_keyboard(const struct plat_keymap *km, int32_t sdl_keycode);

/* The number of remote codes and keyboard keys bound. */
void plat_keymap_counts(const struct plat_keymap *km, size_t *remote, size_t *keyboard);

/* The first evdev code bound to action (lowest code), or -ENOENT. Used by tools that turn action
 * names into key records (a test feeding a remote through a pipe, a bring-up check). */
int plat_keymap_remote_code_for(const struct plat_keymap *km, enum plat_action action);

/* The evdev code of a KEY_* / BTN_* name ("KEY_OK" -> 0x160), or -ENOENT when the name is unknown. */
int plat_keymap_code_from_name(const char *name);

/* The KEY_* name of an evdev code (the first name when several share a code), or NULL. */
const char *plat_keymap_code_name(unsigned code);

/* Which keymap file to load, into out (cap bytes): the environment variable QANAT_KEYMAP when set and
 * non-empty; else `configured` (operator.json "keymap"; a bare or relative name is looked up in
 * ASSETS_DIR/keymaps/, an absolute path is taken as it is); else ASSETS_DIR/keymaps/remote-default.keymap.
 * Returns 0, or -ENAMETOOLONG when the path does not fit. The file is not opened here. */
int plat_keymap_path(const char *configured, const char *assets_dir, char *out, size_t cap);

#endif
