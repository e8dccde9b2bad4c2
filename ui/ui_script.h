/* SPDX-License-Identifier: MIT */
/* Headless automation (ARCHITECTURE.md section 6): a plain-text script, one command a line, `#`
 * comments: `key NAME [COUNT]` (a remote action by its plat_input name), `type TEXT` (text for the
 * focused on-screen keyboard), `wait MS` (time passes: virtual time in steps of one frame, so
 * animations and screenshots are reproducible), `snap NAME` (DIR/NAME.png, read back before present),
 * `state NAME` (DIR/NAME.json: screen, focused widget and item, toast, every visible text, plus what
 * the app adds), `quit`.
 * Commands the toolkit does not know go to the app's hook. UI thread only. */
#ifndef UI_SCRIPT_H
#define UI_SCRIPT_H

#include "ui.h"

#include <jansson.h>

struct ui_script_hooks {
	/* Adds the app's fields to a state object (what is playing, the player state...). Optional. */
	void (*state)(void *user, struct ui_ctx *ctx, json_t *obj);
	/* Runs at every frame step of a wait (feed video frames, poll services). Optional. */
	void (*tick)(void *user, struct ui_ctx *ctx);
	/* An unknown command: 0 when handled, -ENOENT when unknown too. Optional. */
	int (*command)(void *user, struct ui_ctx *ctx, const char *cmd, const char *arg);
	void *user;
};

/* One line of a script, parsed (the words point into the line given to the parser). */
enum ui_script_op {
	UI_SCRIPT_NONE, /* blank or a comment */
	UI_SCRIPT_KEY,  /* action, count */
	UI_SCRIPT_TYPE, /* arg: the text */
	UI_SCRIPT_WAIT, /* ms */
	UI_SCRIPT_SNAP, /* arg: a safe file name (letters, digits, - _ .) */
	UI_SCRIPT_STATE,
	UI_SCRIPT_QUIT,
	UI_SCRIPT_OTHER /* cmd and arg for the app's hook */
};
struct ui_script_cmd {
	enum ui_script_op op;
	const char *cmd, *arg; /* never NULL ("" when absent) */
	enum plat_action action;
	uint32_t count; /* 1 to 1000000 */
	uint32_t ms;    /* 0 to 600000 */
};

/* Parses one line (no newline in it) in place: the line is cut into words with NULs. Returns 0 and
 * *out, or -EINVAL with the reason in err (errcap bytes; no "line N:" prefix). Pure: any thread. */
int ui_script_parse_line(char *line, struct ui_script_cmd *out, char *err, size_t errcap);

/* Parses a whole script without running it: 0, or -EINVAL with "line N: reason" in err. Pure. */
int ui_script_check(const char *text, char *err, size_t errcap);

/* Runs a script held in memory. snap_dir must exist (NULL refuses snap and state). On failure err
 * gets "line N: reason". Returns 0 when the script ran to its end or to `quit`, -EINVAL for a bad
 * line, or the error of a failed snapshot/state write. */
int ui_script_run(struct ui_ctx *ctx, const char *text, const char *snap_dir, const struct ui_script_hooks *h,
		  char *err, size_t errcap);

/* Reads the file (at most 1 MiB) and runs it. */
int ui_script_run_file(struct ui_ctx *ctx, const char *path, const char *snap_dir,
		       const struct ui_script_hooks *h, char *err, size_t errcap);

/* The state object of `state NAME`: caller owns the result (json_decref). "texts" lists every text of
 * the frame, redrawn for it: [{"text", "x", "y", "w", "h" (its lines on the output, pixels), "clipped"
 * (cut, overflowing its box or lines dropped, none of it asked for), "ellipsized" (an ellipsis asked
 * for and used), "partial" (cut only by the edge of a scrolling list), "missing_glyphs" (drawn as
 * .notdef), "lang" ("ar" with Arabic letters, else "en"), "rtl" (resolved base direction), "screen"}]. */
json_t *ui_script_state(struct ui_ctx *ctx, const struct ui_script_hooks *h);

/* Lets time pass: ms of virtual time (or real time without virtual_time) in frame steps. */
void ui_script_wait(struct ui_ctx *ctx, uint32_t ms, const struct ui_script_hooks *h);

/* Waits (real time, at most timeout_ms) for pending image loads and draws their results. */
void ui_script_settle(struct ui_ctx *ctx, uint32_t timeout_ms);

#endif
