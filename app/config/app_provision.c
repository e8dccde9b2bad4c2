/* SPDX-License-Identifier: MIT */
/* operator.json: strict where a wrong value would misbehave (URLs, colours, formats), lenient about
 * keys it does not know (a newer file on an older box still works). */
#include "app_provision.h"

#include "ui_theme.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A parse failure carries one message; the first failure wins. */
struct parse {
	char *err;
	size_t errcap;
	bool failed;
};

static void fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct parse *p, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = true;
	if (!p->err || !p->errcap)
		return;
	int n = snprintf(p->err, p->errcap, "operator.json: ");
	va_list ap;
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < p->errcap)
		vsnprintf(p->err + n, p->errcap - (size_t)n, fmt, ap);
	va_end(ap);
}

static bool is_http_url(const char *s)
{
	return (strncmp(s, "http://", 7) == 0 && s[7]) || (strncmp(s, "https://", 8) == 0 && s[8]);
}

/* Copies an optional string member; a non-string is an error, a too-long string too. */
static void get_string(struct parse *p, json_t *obj, const char *key, const char *path, char *dst, size_t cap)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return;
	if (!json_is_string(v)) {
		fail(p, "%s%s: must be a string", path, key);
		return;
	}
	if (json_string_length(v) >= cap) {
		fail(p, "%s%s: longer than %zu characters", path, key, cap - 1);
		return;
	}
	snprintf(dst, cap, "%s", json_string_value(v));
}

static void get_url(struct parse *p, json_t *obj, const char *key, const char *path, char *dst, size_t cap)
{
	get_string(p, obj, key, path, dst, cap);
	if (!p->failed && dst[0] && !is_http_url(dst))
		fail(p, "%s%s: not an http(s) URL", path, key);
}

static void get_int(struct parse *p, json_t *obj, const char *key, const char *path, int min, int max,
		    int *dst)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		fail(p, "%s%s: must be a whole number from %d to %d", path, key, min, max);
		return;
	}
	*dst = (int)json_integer_value(v);
}

static void get_bool(struct parse *p, json_t *obj, const char *key, bool *dst)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return;
	if (!json_is_boolean(v)) {
		fail(p, "features.%s: must be true or false", key);
		return;
	}
	*dst = json_is_true(v);
}

static void get_colour(struct parse *p, json_t *brand, const char *key, struct app_provision_colour *dst)
{
	char text[16] = "";
	get_string(p, brand, key, "brand.", text, sizeof(text));
	struct ui_color c;
	if (!p->failed && text[0] && ui_color_parse(text, &c) < 0)
		fail(p, "brand.%s: must be a colour like \"#0B6E4F\"", key);
	else if (!p->failed && text[0])
		*dst = (struct app_provision_colour){ c.r, c.g, c.b, c.a };
}

static void parse_brand(struct parse *p, json_t *root, struct app_provision *out)
{
	json_t *brand = json_object_get(root, "brand");
	if (!brand)
		return;
	if (!json_is_object(brand)) {
		fail(p, "brand: must be an object");
		return;
	}
	get_string(p, brand, "logo", "brand.", out->logo, sizeof(out->logo));
	get_colour(p, brand, "primary", &out->primary);
	get_colour(p, brand, "accent", &out->accent);
	out->has_brand_colours = json_object_get(brand, "primary") || json_object_get(brand, "accent");
}

static void parse_panels(struct parse *p, json_t *root, struct app_provision *out)
{
	json_t *panels = json_object_get(root, "panels");
	if (!panels)
		return;
	if (!json_is_array(panels)) {
		fail(p, "panels: must be a list of URLs");
		return;
	}
	if (json_array_size(panels) > APP_PROVISION_MAX_PANELS) {
		fail(p, "panels: at most %d URLs", APP_PROVISION_MAX_PANELS);
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(panels, i, v)
	{
		const char *s = json_string_value(v);
		if (!s || !is_http_url(s) || strlen(s) >= APP_PROVISION_URL_MAX) {
			fail(p, "panels[%zu]: not an http(s) URL", i);
			return;
		}
		snprintf(out->panels[out->panel_count++], APP_PROVISION_URL_MAX, "%s", s);
	}
}

static void parse_reminders(struct parse *p, json_t *root, struct app_provision *out)
{
	json_t *days = json_object_get(root, "reminder_days");
	if (!days)
		return;
	if (!json_is_array(days) || json_array_size(days) > APP_PROVISION_MAX_REMINDERS) {
		fail(p, "reminder_days: must be a list of at most %d day counts",
		     APP_PROVISION_MAX_REMINDERS);
		return;
	}
	out->reminder_count = 0;
	size_t i;
	json_t *v;
	json_array_foreach(days, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 366) {
			fail(p, "reminder_days[%zu]: must be a whole number of days from 0 to 366", i);
			return;
		}
		out->reminder_days[out->reminder_count++] = (int)json_integer_value(v);
	}
}

static void parse_sections(struct parse *p, json_t *root, struct app_provision *out)
{
	get_string(p, root, "name", "", out->name, sizeof(out->name));
	parse_brand(p, root, out);
	parse_panels(p, root, out);
	get_string(p, root, "default_language", "", out->default_language, sizeof(out->default_language));
	if (!p->failed && strcmp(out->default_language, "en") != 0 &&
	    strcmp(out->default_language, "ar") != 0)
		fail(p, "default_language: \"en\" or \"ar\"");
	get_string(p, root, "live_format", "", out->live_format, sizeof(out->live_format));
	if (!p->failed && strcmp(out->live_format, "ts") != 0 && strcmp(out->live_format, "m3u8") != 0)
		fail(p, "live_format: \"ts\" or \"m3u8\"");
	parse_reminders(p, root, out);

	json_t *api = json_object_get(root, "api");
	if (api && !json_is_object(api))
		fail(p, "api: must be an object");
	get_url(p, api, "base", "api.", out->api_base, sizeof(out->api_base));
	get_url(p, api, "renewal_page", "api.", out->renewal_page, sizeof(out->renewal_page));
	get_string(p, api, "support_phone", "api.", out->support_phone, sizeof(out->support_phone));

	/* "qoe" belongs to the QoE service: qoe_config_from_json() reads and checks it */
	json_t *qoe = json_object_get(root, "qoe");
	if (qoe && !json_is_object(qoe))
		fail(p, "qoe: must be an object");

	json_t *epg = json_object_get(root, "epg");
	if (epg && !json_is_object(epg))
		fail(p, "epg: must be an object");
	get_url(p, epg, "xmltv_url", "epg.", out->epg_xmltv_url, sizeof(out->epg_xmltv_url));
	get_int(p, epg, "days_forward", "epg.", 0, 14, &out->epg_days_forward);

	get_string(p, root, "keymap", "", out->keymap, sizeof(out->keymap));
	get_string(p, root, "display", "", out->display, sizeof(out->display));
	if (!p->failed && out->display[0] && strcmp(out->display, "sdl") != 0 &&
	    strcmp(out->display, "kmsdrm") != 0 && strcmp(out->display, "headless") != 0)
		fail(p, "display: \"sdl\", \"kmsdrm\" or \"headless\"");

	get_string(p, root, "ca_file", "", out->ca_file, sizeof(out->ca_file));
	json_t *player = json_object_get(root, "player");
	if (player && !json_is_object(player))
		fail(p, "player: must be an object");
	get_int(p, player, "max_width", "player.", 320, 16384, &out->player.max_width);
	get_int(p, player, "max_height", "player.", 240, 16384, &out->player.max_height);
	get_int(p, player, "max_memory_mb", "player.", 16, 4096, &out->player.max_memory_mb);

	json_t *features = json_object_get(root, "features");
	if (features && !json_is_object(features))
		fail(p, "features: must be an object");
	get_bool(p, features, "parental_lock", &out->features.parental_lock);
	get_bool(p, features, "renewal", &out->features.renewal);
	get_bool(p, features, "support", &out->features.support);
	get_bool(p, features, "messages", &out->features.messages);
	get_bool(p, features, "qoe", &out->features.qoe);
	out->features.qoe = out->features.qoe && json_array_size(json_object_get(qoe, "targets")) > 0;
}

void app_provision_defaults(struct app_provision *out)
{
	*out = (struct app_provision){
		.primary = { 0x0B, 0x6E, 0x4F, 0xFF },
		.accent = { 0xF2, 0xC1, 0x4E, 0xFF },
		.default_language = "en",
		.live_format = "ts",
		.reminder_days = { 7, 3, 1, 0 },
		.reminder_count = 4,
		.epg_days_forward = 3,
		.player = { .max_width = 4096, .max_height = 2304, .max_memory_mb = 64 },
		.features = { .parental_lock = true,
			      .renewal = true,
			      .support = true,
			      .messages = true,
			      .qoe = true },
	};
	snprintf(out->name, sizeof(out->name), "Qanat");
}

int app_provision_parse(const char *text, size_t len, struct app_provision *out, char *err, size_t errcap)
{
	struct parse p = { err, errcap, false };
	if (err && errcap)
		err[0] = '\0';
	app_provision_defaults(out);
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		fail(&p, "not valid JSON (line %d: %s)", jerr.line, jerr.text);
	else if (!json_is_object(root))
		fail(&p, "must be a JSON object");
	else
		parse_sections(&p, root, out);
	json_decref(root);
	if (p.failed) {
		app_provision_defaults(out);
		return -EINVAL;
	}
	/* Features that need a part of the file that is missing are off. */
	out->features.renewal = out->features.renewal && (out->renewal_page[0] || out->api_base[0]);
	out->features.support = out->features.support && out->api_base[0];
	out->present = true;
	return 0;
}

int app_provision_load(const char *path, struct app_provision *out, char *err, size_t errcap)
{
	enum { MAX_FILE = 256 * 1024 };
	app_provision_defaults(out);
	if (err && errcap)
		err[0] = '\0';
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		int e = -errno;
		snprintf(err, errcap, "operator.json: cannot read %s: %s", path, strerror(-e));
		return e;
	}
	char *buf = malloc(MAX_FILE + 1);
	size_t n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
	int rc = 0;
	if (!buf) {
		rc = -ENOMEM;
	} else if (ferror(f)) {
		snprintf(err, errcap, "operator.json: cannot read %s", path);
		rc = -EIO;
	} else if (n > MAX_FILE) {
		snprintf(err, errcap, "operator.json: larger than %d KiB", MAX_FILE / 1024);
		rc = -EINVAL;
	} else {
		rc = app_provision_parse(buf, n, out, err, errcap);
	}
	fclose(f);
	free(buf);
	return rc;
}
