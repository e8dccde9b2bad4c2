/* SPDX-License-Identifier: MIT */
/* The script runner: the same UI as on a TV, driven by lines of text. Screenshots are read with
 * SDL_RenderReadPixels before present and written as PNG; with the context's virtual time a script
 * gives the same pixels on every run and on every architecture. Parsing a line is pure (no context:
 * fuzzed on its own); running it is the only part that touches the UI. */
#include "ui_script.h"

#include "ui_internal.h"

#include "plat_clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { STEP_MS = 16, SCRIPT_CAP = 1 << 20, LINE_CAP = 1024 };

void ui_script_settle(struct ui_ctx *ctx, uint32_t timeout_ms)
{
	uint64_t until = plat_clock_mono_ms() + timeout_ms;
	while (ui_ctx_busy(ctx) && plat_clock_mono_ms() < until) {
		ui_imgcache_settle(ui_ctx_images(ctx), (uint32_t)(until - plat_clock_mono_ms()));
		ui_ctx_frame(ctx, false); /* takes the results */
	}
	ui_ctx_frame(ctx, false);
}

void ui_script_wait(struct ui_ctx *ctx, uint32_t ms, const struct ui_script_hooks *h)
{
	for (uint32_t done = 0; done < ms;) {
		uint32_t step = ms - done < STEP_MS ? ms - done : STEP_MS;
		/* virtual time moves at once; real time really passes */
		uint64_t before = ui_ctx_now_ms(ctx);
		ui_ctx_advance(ctx, step);
		if (ui_ctx_now_ms(ctx) == before)
			plat_clock_sleep_ms(step);
		done += step;
		if (h && h->tick)
			h->tick(h->user, ctx);
		ui_ctx_frame(ctx, false);
	}
	/* Image loads finish in real time; for reproducible pixels a wait lets them land. */
	ui_script_settle(ctx, 5000);
}

/* Every visible text of a frame redrawn for the purpose (field names read by checks outside this
 * repository: keep them). */
static json_t *state_texts(struct ui_ctx *ctx)
{
	json_t *a = json_array();
	const struct ui_text_seen *v = NULL;
	size_t n = 0;
	if (ui_ctx_texts(ctx, &v, &n) < 0)
		return a;
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_object();
		json_object_set_new(t, "text", json_string(v[i].text));
		json_object_set_new(t, "x", json_integer(v[i].box.x));
		json_object_set_new(t, "y", json_integer(v[i].box.y));
		json_object_set_new(t, "w", json_integer(v[i].box.w));
		json_object_set_new(t, "h", json_integer(v[i].box.h));
		json_object_set_new(t, "clipped", json_boolean(v[i].clipped));
		json_object_set_new(t, "ellipsized", json_boolean(v[i].ellipsized));
		json_object_set_new(t, "partial", json_boolean(v[i].partial));
		json_object_set_new(t, "missing_glyphs", json_integer(v[i].missing_glyphs));
		json_object_set_new(t, "lang", json_string(v[i].arabic ? "ar" : "en"));
		json_object_set_new(t, "rtl", json_boolean(v[i].rtl));
		json_object_set_new(t, "screen", json_string(v[i].screen));
		json_array_append_new(a, t);
	}
	return a;
}

json_t *ui_script_state(struct ui_ctx *ctx, const struct ui_script_hooks *h)
{
	json_t *o = json_object();
	struct ui_widget *top = ui_screen_top(ctx);
	json_object_set_new(o, "screen", json_string(top ? ui_screen_name(top) : ""));
	json_object_set_new(o, "depth", json_integer((json_int_t)ui_screen_depth(ctx)));
	json_object_set_new(o, "rtl", json_boolean(ui_ctx_rtl(ctx)));
	struct ui_widget *f = ui_focused(ctx);
	if (f) {
		char label[512];
		long item = ui_widget_item(f, label, sizeof(label));
		json_t *fo = json_object();
		json_object_set_new(fo, "id", json_string(ui_widget_id(f)));
		json_object_set_new(fo, "kind", json_string(ui_widget_kind(f)));
		if (item >= 0)
			json_object_set_new(fo, "index", json_integer(item));
		json_object_set_new(fo, "label", json_string(label));
		if (strcmp(ui_widget_kind(f), "keyboard") == 0)
			json_object_set_new(fo, "text", json_string(ui_keyboard_text(f)));
		json_object_set_new(o, "focused", fo);
	} else {
		json_object_set_new(o, "focused", json_null());
	}
	const char *toast = ui_toast_text(ctx);
	json_object_set_new(o, "toast", toast ? json_string(toast) : json_null());
	json_object_set_new(o, "time_ms", json_integer((json_int_t)ui_ctx_now_ms(ctx)));
	json_object_set_new(o, "wall_ms", json_integer((json_int_t)ui_ctx_wall_ms(ctx)));
	json_object_set_new(o, "texts", state_texts(ctx));
	if (h && h->state)
		h->state(h->user, ctx, o);
	return o;
}

static bool safe_name(const char *s)
{
	if (!*s || strlen(s) > 100)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static int do_snap(struct ui_ctx *ctx, const char *dir, const char *name)
{
	ui_script_settle(ctx, 5000);
	struct ui_pixels px;
	int rc = ui_ctx_capture(ctx, &px);
	if (rc < 0)
		return rc;
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s.png", dir, name);
	rc = ui_pixels_write_png(path, &px);
	ui_pixels_free(&px);
	return rc;
}

static int do_state(struct ui_ctx *ctx, const char *dir, const char *name, const struct ui_script_hooks *h)
{
	json_t *o = ui_script_state(ctx, h);
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	int rc = json_dump_file(o, path, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 ? 0 : -EIO;
	json_decref(o);
	return rc;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || *s == '-')
		return false;
	*out = v;
	return true;
}

int ui_script_parse_line(char *line, struct ui_script_cmd *out, char *err, size_t errcap)
{
	*out = (struct ui_script_cmd){ .op = UI_SCRIPT_NONE, .cmd = "", .arg = "" };
	if (err && errcap)
		err[0] = 0;
	char *cmd = line;
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	size_t len = strlen(cmd);
	while (len && (cmd[len - 1] == ' ' || cmd[len - 1] == '\t' || cmd[len - 1] == '\r'))
		cmd[--len] = 0;
	if (!*cmd || *cmd == '#')
		return 0;
	char *arg = cmd;
	while (*arg && *arg != ' ' && *arg != '\t')
		arg++;
	if (*arg)
		*arg++ = 0;
	while (*arg == ' ' || *arg == '\t')
		arg++;
	out->cmd = cmd;
	out->arg = arg;

	if (strcmp(cmd, "key") == 0) {
		char *count_s = strchr(arg, ' ');
		unsigned long count = 1;
		if (count_s) {
			*count_s++ = 0;
			if (!parse_uint(count_s, 1000000, &count) || count == 0) {
				snprintf(err, errcap, "bad repeat count '%s' (1 to 1000000)", count_s);
				return -EINVAL;
			}
		}
		out->action = plat_action_from_name(arg);
		if (out->action == PLAT_ACT_NONE) {
			snprintf(err, errcap, "unknown key '%s'", arg);
			return -EINVAL;
		}
		out->op = UI_SCRIPT_KEY;
		out->count = (uint32_t)count;
		return 0;
	}
	if (strcmp(cmd, "type") == 0) {
		out->op = UI_SCRIPT_TYPE;
		return 0;
	}
	if (strcmp(cmd, "wait") == 0) {
		unsigned long ms;
		if (!parse_uint(arg, 600000, &ms)) {
			snprintf(err, errcap, "bad wait '%s' (milliseconds, at most 600000)", arg);
			return -EINVAL;
		}
		out->op = UI_SCRIPT_WAIT;
		out->ms = (uint32_t)ms;
		return 0;
	}
	if (strcmp(cmd, "snap") == 0 || strcmp(cmd, "state") == 0) {
		if (!safe_name(arg)) {
			snprintf(err, errcap, "bad name '%s' (letters, digits, - _ .)", arg);
			return -EINVAL;
		}
		out->op = cmd[1] == 'n' ? UI_SCRIPT_SNAP : UI_SCRIPT_STATE;
		return 0;
	}
	out->op = strcmp(cmd, "quit") == 0 ? UI_SCRIPT_QUIT : UI_SCRIPT_OTHER;
	return 0;
}

/* Runs one parsed line; *quit set by `quit`. */
static int run_cmd(struct ui_ctx *ctx, const struct ui_script_cmd *c, const char *dir,
		   const struct ui_script_hooks *h, bool *quit, char *err, size_t errcap)
{
	switch (c->op) {
	case UI_SCRIPT_NONE:
		return 0;
	case UI_SCRIPT_KEY:
		for (uint32_t i = 0; i < c->count; i++) {
			ui_ctx_action(ctx, c->action);
			ui_ctx_frame(ctx, false);
		}
		return 0;
	case UI_SCRIPT_TYPE:
		if (!ui_ctx_type_text(ctx, c->arg)) {
			snprintf(err, errcap, "nothing focused takes text");
			return -EINVAL;
		}
		ui_ctx_frame(ctx, false);
		return 0;
	case UI_SCRIPT_WAIT:
		ui_script_wait(ctx, c->ms, h);
		return 0;
	case UI_SCRIPT_SNAP:
	case UI_SCRIPT_STATE: {
		if (!dir) {
			snprintf(err, errcap, "%s needs a snapshot directory (--snap DIR)", c->cmd);
			return -EINVAL;
		}
		int rc = c->op == UI_SCRIPT_SNAP ? do_snap(ctx, dir, c->arg) : do_state(ctx, dir, c->arg, h);
		if (rc < 0)
			snprintf(err, errcap, "cannot write %s/%s: %s", dir, c->arg, strerror(-rc));
		return rc;
	}
	case UI_SCRIPT_QUIT:
		*quit = true;
		return 0;
	case UI_SCRIPT_OTHER:
		break;
	}
	int rc = h && h->command ? h->command(h->user, ctx, c->cmd, c->arg) : -ENOENT;
	if (rc == -ENOENT)
		snprintf(err, errcap, "unknown command '%s'", c->cmd);
	else if (rc < 0)
		snprintf(err, errcap, "%s: %s", c->cmd, strerror(-rc));
	return rc < 0 ? (rc == -ENOENT ? -EINVAL : rc) : 0;
}

/* Copies the line at *p into line (LINE_CAP) and moves *p past it: 0, or -EINVAL when it is too long. */
static int next_line(const char **p, char line[LINE_CAP])
{
	const char *nl = strchr(*p, '\n');
	size_t len = nl ? (size_t)(nl - *p) : strlen(*p);
	if (len >= LINE_CAP)
		return -EINVAL;
	memcpy(line, *p, len);
	line[len] = 0;
	*p += len + (nl ? 1 : 0);
	return 0;
}

/* Every line of text through parse (and run, when ctx is given), stopping at the first error. */
static int script_lines(struct ui_ctx *ctx, const char *text, const char *snap_dir,
			const struct ui_script_hooks *h, char *err, size_t errcap)
{
	if (err && errcap)
		err[0] = 0;
	char line[LINE_CAP], why[256];
	unsigned lineno = 0;
	bool quit = false;
	for (const char *p = text; *p && !quit;) {
		lineno++;
		if (next_line(&p, line) < 0) {
			snprintf(err, errcap, "line %u: longer than %d bytes", lineno, LINE_CAP - 1);
			return -EINVAL;
		}
		struct ui_script_cmd c;
		int rc = ui_script_parse_line(line, &c, why, sizeof(why));
		if (rc == 0 && ctx)
			rc = run_cmd(ctx, &c, snap_dir, h, &quit, why, sizeof(why));
		else if (rc == 0)
			quit = c.op == UI_SCRIPT_QUIT;
		if (rc < 0) {
			snprintf(err, errcap, "line %u: %s", lineno, why);
			return rc;
		}
	}
	return 0;
}

int ui_script_check(const char *text, char *err, size_t errcap)
{
	return script_lines(NULL, text, NULL, NULL, err, errcap);
}

int ui_script_run(struct ui_ctx *ctx, const char *text, const char *snap_dir, const struct ui_script_hooks *h,
		  char *err, size_t errcap)
{
	if (err && errcap)
		err[0] = 0;
	ui_ctx_frame(ctx, true);
	return script_lines(ctx, text, snap_dir, h, err, errcap);
}

int ui_script_run_file(struct ui_ctx *ctx, const char *path, const char *snap_dir,
		       const struct ui_script_hooks *h, char *err, size_t errcap)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errcap, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	char *text = malloc(SCRIPT_CAP + 1);
	size_t n = text ? fread(text, 1, SCRIPT_CAP + 1, f) : 0;
	fclose(f);
	if (!text)
		return -ENOMEM;
	if (n > SCRIPT_CAP) {
		free(text);
		snprintf(err, errcap, "%s: over 1 MiB", path);
		return -EFBIG;
	}
	text[n] = 0;
	int rc = ui_script_run(ctx, text, snap_dir, h, err, errcap);
	free(text);
	return rc;
}
