/* SPDX-License-Identifier: MIT */
/* The provisioning file operator.json (ARCHITECTURE.md section 4, OPERATOR.md): read-only, shipped in
 * the firmware image. Every part is optional; a missing part switches its feature off. An invalid file
 * is refused as a whole with one message naming the key, and the box falls back to a manual login. */
#ifndef APP_PROVISION_H
#define APP_PROVISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	APP_PROVISION_MAX_PANELS = 8,
	APP_PROVISION_MAX_REMINDERS = 8,
	APP_PROVISION_URL_MAX = 512,
};

/* A brand colour (the theme's struct ui_color has the same layout; config does not link ui/). */
struct app_provision_colour {
	uint8_t r, g, b, a;
};

struct app_provision {
	bool present; /* false: no file, every operator feature off, manual login */
	char name[64];
	char logo[256];
	struct app_provision_colour primary; /* the theme's accent: selected items, progress */
	struct app_provision_colour accent;  /* the theme's focus ring */
	bool has_brand_colours;
	char panels[APP_PROVISION_MAX_PANELS][APP_PROVISION_URL_MAX];
	int panel_count;
	char default_language[8]; /* "en", "ar" */
	char live_format[8];      /* "ts" or "m3u8" */
	int reminder_days[APP_PROVISION_MAX_REMINDERS];
	int reminder_count;
	char api_base[APP_PROVISION_URL_MAX];
	char renewal_page[APP_PROVISION_URL_MAX]; /* with {username} */
	char support_phone[32];
	char epg_xmltv_url[APP_PROVISION_URL_MAX];
	int epg_days_forward;
	char keymap[256];
	char display[16]; /* "sdl", "kmsdrm", "headless"; "" = choose by the environment */
	/* "ca_file": a PEM bundle of the operator's own CA, trusted besides the system store by every
	 * HTTPS request and by playback; "" = the system store only. TLS is verified always. */
	char ca_file[256];
	/* "player": {"max_width", "max_height", "max_memory_mb"}: the box's limits for a stream; a
	 * larger picture is refused with a sentence instead of exhausting memory. */
	struct {
		int max_width, max_height; /* default 4096 x 2304 */
		int max_memory_mb;         /* decoded-frame and packet queues together; default 64 */
	} player;
	/* qoe is on when features.qoe allows it and "qoe" has targets; the targets themselves are read
	 * by the QoE service (qoe_config_from_json), which owns its options. */
	struct {
		bool parental_lock, renewal, support, messages, qoe;
	} features;
};

/* Fills *out with the defaults of a box without a provisioning file. */
void app_provision_defaults(struct app_provision *out);

/* Parses operator.json text. On success returns 0 with *out filled (present = true). On failure
 * returns -EINVAL, leaves *out at the defaults and writes one viewer/OEM-readable message naming the
 * key into err ("operator.json: panels[1]: not an http(s) URL"). */
int app_provision_parse(const char *text, size_t len, struct app_provision *out, char *err, size_t errcap);

/* Reads and parses the file at path. A missing file is not an error: returns 0 with the defaults
 * (present = false). Files over 256 KiB are refused. Errors as app_provision_parse(), or -EIO. */
int app_provision_load(const char *path, struct app_provision *out, char *err, size_t errcap);

#endif
