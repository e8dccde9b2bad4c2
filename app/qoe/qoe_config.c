/* SPDX-License-Identifier: MIT */
/* The QoE part of operator.json (OPERATOR.md): "features.qoe" and the "qoe" object with its beacon
 * targets. Validated strictly, with a message that names the offending key. Also the support view of
 * the queue (`qanat qoe show`). */
#include "qoe_internal.h"

#include "plat_clock.h"
#include "plat_redact.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t cap, const char *fmt, ...)
{
	if (err && cap) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, cap, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A positive number of seconds (fractions allowed, for tests) as milliseconds. */
static int seconds_ms(const json_t *v, uint32_t max_s, uint32_t *out)
{
	if (!v)
		return 0;
	if (!json_is_number(v))
		return -EINVAL;
	double s = json_number_value(v);
	if (!(s > 0) || s > max_s)
		return -EINVAL;
	*out = (uint32_t)(s * 1000.0 + 0.5);
	return *out ? 0 : -EINVAL;
}

static int positive(const json_t *v, uint32_t max, uint32_t *out)
{
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0 || json_integer_value(v) > max)
		return -EINVAL;
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

static int parse_events(const json_t *v, uint32_t *out)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = { { "ps", QOE_EVENT_PS }, { "rr", QOE_EVENT_RR }, { "e", QOE_EVENT_E },
		      { "t", QOE_EVENT_T },   { "b", QOE_EVENT_B },   { "ce", QOE_EVENT_CE } };
	if (!v)
		return 0;
	if (json_is_string(v)) {
		/* "ps,e,t": the same list written as one string */
		char list[64];
		if (json_string_length(v) >= sizeof(list))
			return -EINVAL;
		snprintf(list, sizeof(list), "%s", json_string_value(v));
		json_t *arr = json_array();
		char *save = NULL;
		for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
			json_array_append_new(arr, json_string(tok));
		int rc = parse_events(arr, out);
		json_decref(arr);
		return rc;
	}
	if (!json_is_array(v))
		return -EINVAL;
	uint32_t mask = 0;
	size_t i;
	const json_t *item;
	json_array_foreach(v, i, item)
	{
		size_t k = 0;
		for (; k < sizeof(names) / sizeof(names[0]); k++)
			if (json_is_string(item) && strcmp(json_string_value(item), names[k].name) == 0)
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return -EINVAL;
		mask |= names[k].bit;
	}
	*out = mask;
	return mask ? 0 : -EINVAL;
}

static int parse_target(const json_t *o, int i, struct qoe_target_config *t, char *err, size_t cap)
{
	if (!json_is_object(o))
		return fail(err, cap, "qoe.targets[%d] is not an object", i);
	const json_t *url = json_object_get(o, "url");
	if (!json_is_string(url) ||
	    (strncmp(json_string_value(url), "http://", 7) != 0 &&
	     strncmp(json_string_value(url), "https://", 8) != 0) ||
	    json_string_length(url) >= sizeof(t->url))
		return fail(err, cap, "qoe.targets[%d].url must be an http(s) URL", i);
	snprintf(t->url, sizeof(t->url), "%s", json_string_value(url));
	const json_t *auth = json_object_get(o, "auth");
	if (auth && !json_is_null(auth)) {
		if (!json_is_string(auth) || json_string_length(auth) >= sizeof(t->auth) ||
		    strpbrk(json_string_value(auth), "\r\n"))
			return fail(err, cap, "qoe.targets[%d].auth must be a header value string", i);
		snprintf(t->auth, sizeof(t->auth), "%s", json_string_value(auth));
	}
	const json_t *format = json_object_get(o, "format");
	t->format = QOE_FORMAT_CMCD;
	if (format) {
		if (json_is_string(format) && strcmp(json_string_value(format), "json") == 0)
			t->format = QOE_FORMAT_JSON;
		else if (!json_is_string(format) || strcmp(json_string_value(format), "cmcd") != 0)
			return fail(err, cap, "qoe.targets[%d].format must be \"cmcd\" or \"json\"", i);
	}
	t->interval_ms = 30000;
	t->batch = 20;
	t->events = QOE_EVENT_ALL;
	if (seconds_ms(json_object_get(o, "interval_s"), 3600, &t->interval_ms) < 0)
		return fail(err, cap, "qoe.targets[%d].interval_s must be a number of seconds (0-3600]", i);
	if (positive(json_object_get(o, "batch"), 256, &t->batch) < 0)
		return fail(err, cap, "qoe.targets[%d].batch must be an integer 1-256", i);
	if (parse_events(json_object_get(o, "events"), &t->events) < 0)
		return fail(err, cap, "qoe.targets[%d].events must list some of ps, rr, e, t, b, ce", i);
	return 0;
}

static int parse_qoe(const json_t *qoe, struct qoe_config *c, char *err, size_t cap)
{
	if (!json_is_object(qoe))
		return fail(err, cap, "qoe must be an object");
	const json_t *targets = json_object_get(qoe, "targets");
	if (!json_is_array(targets))
		return fail(err, cap, "qoe.targets must be an array");
	if (json_array_size(targets) > QOE_MAX_TARGETS)
		return fail(err, cap, "qoe.targets: at most %d targets", QOE_MAX_TARGETS);
	c->ntargets = 0;
	for (size_t i = 0; i < json_array_size(targets); i++) {
		int rc = parse_target(json_array_get(targets, i), (int)i, &c->targets[i], err, cap);
		if (rc < 0)
			return rc;
		c->ntargets++;
	}
	uint32_t s = 0;
	if (seconds_ms(json_object_get(qoe, "backoff_base_s"), 3600, &c->backoff_base_ms) < 0)
		return fail(err, cap, "qoe.backoff_base_s must be a number of seconds");
	if (seconds_ms(json_object_get(qoe, "backoff_cap_s"), 86400, &c->backoff_cap_ms) < 0)
		return fail(err, cap, "qoe.backoff_cap_s must be a number of seconds");
	if (positive(json_object_get(qoe, "max_rows"), 1000000, &c->max_rows) < 0)
		return fail(err, cap, "qoe.max_rows must be a positive integer");
	if (positive(json_object_get(qoe, "max_bytes"), 1u << 30, &c->max_bytes) < 0)
		return fail(err, cap, "qoe.max_bytes must be a positive integer");
	if (seconds_ms(json_object_get(qoe, "max_age_s"), 7 * 86400, &s) < 0)
		return fail(err, cap, "qoe.max_age_s must be a number of seconds");
	if (s)
		c->max_age_ms = s;
	return 0;
}

int qoe_config_from_json(const char *text, struct qoe_config *c, char *err, size_t cap)
{
	json_error_t jerr;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		c->enabled = false;
		return fail(err, cap, "operator.json: line %d: %s", jerr.line,
			    root ? "not an object" : jerr.text);
	}
	int rc = 0;
	const json_t *qoe = json_object_get(root, "qoe");
	const json_t *features = json_object_get(root, "features");
	const json_t *on = json_is_object(features) ? json_object_get(features, "qoe") : NULL;
	if (on && !json_is_boolean(on))
		rc = fail(err, cap, "features.qoe must be true or false");
	else if (qoe && !json_is_null(qoe))
		rc = parse_qoe(qoe, c, err, cap);
	c->enabled = rc == 0 && qoe && !json_is_null(qoe) && c->ntargets > 0 && (!on || json_is_true(on));
	json_decref(root);
	return rc;
}

int qoe_queue_print(const char *db_path, FILE *out, bool json)
{
	struct store *db = NULL;
	int rc = store_open(db_path, &db);
	if (rc == 0)
		rc = qoe_db_migrate(db);
	sqlite3_stmt *st = NULL;
	if (rc == 0 &&
	    sqlite3_prepare_v2(store_db(db), "SELECT DISTINCT target FROM qoe_queue ORDER BY target", -1, &st,
			       NULL) != SQLITE_OK)
		rc = -EIO;
	char boot[40] = "";
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (!fgets(boot, sizeof(boot), f))
			boot[0] = '\0';
		fclose(f);
	}
	boot[strcspn(boot, "\n")] = '\0';
	int64_t wall = plat_clock_wall_ms();
	json_t *doc = json ? json_object() : NULL;
	int total = 0;
	enum { MAX_ROWS = 5000 };
	struct qoe_row *rows = calloc(MAX_ROWS, sizeof(*rows));
	if (!rows)
		rc = -ENOMEM;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *target = (const char *)sqlite3_column_text(st, 0);
		int n = qoe_db_select(db, target, boot, wall, plat_clock_mono_ms(), rows, MAX_ROWS);
		if (n < 0) {
			rc = n;
			break;
		}
		json_t *list = json ? json_array() : NULL;
		char where[512];
		plat_redact_url(target, where, sizeof(where));
		if (!json)
			fprintf(out, "# %s: %d records\n", where, n);
		for (int i = 0; i < n; i++) {
			char line[8192];
			if (json)
				json_array_append_new(list, qoe_record_to_json(rows[i].rec));
			else if (qoe_record_to_cmcd(rows[i].rec, line, sizeof(line)) >= 0)
				fprintf(out, "%s\n", line);
		}
		if (json)
			json_object_set_new(doc, where, list);
		qoe_rows_free(rows, n);
		total += n;
	}
	free(rows);
	sqlite3_finalize(st);
	store_close(&db);
	if (json && rc == 0) {
		json_dumpf(doc, out, JSON_INDENT(2));
		fputc('\n', out);
	}
	json_decref(doc);
	return rc < 0 ? rc : total;
}
