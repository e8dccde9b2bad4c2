/* SPDX-License-Identifier: MIT */
/* The CMCD v2 serializer: a key table gives every known key its type, records are written with the
 * keys sorted, strings escaped as structured-field strings and lists as inner lists. */
#include "qoe_record.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_INT, K_STRING, K_TOKEN, K_BOOL, K_INT_LIST, K_STRING_LIST };

/* CMCD v2 keys (CTA-5004-B) the box may send. */
static const struct {
	const char *key;
	enum kind kind;
} keys[] = {
	{ "ab", K_INT_LIST },  { "bg", K_BOOL },      { "bl", K_INT_LIST },  { "br", K_INT_LIST },
	{ "bs", K_BOOL },      { "bsa", K_INT_LIST }, { "bsd", K_INT_LIST }, { "bsda", K_INT_LIST },
	{ "cdn", K_STRING },   { "cen", K_STRING },   { "cid", K_STRING },   { "d", K_INT },
	{ "dfa", K_INT },      { "dl", K_INT },       { "e", K_TOKEN },      { "ec", K_STRING_LIST },
	{ "lb", K_INT_LIST },  { "ltc", K_INT },      { "msd", K_INT },      { "mtp", K_INT_LIST },
	{ "nor", K_STRING },   { "ot", K_TOKEN },     { "pb", K_INT_LIST },  { "pt", K_INT },
	{ "rc", K_INT },       { "sf", K_TOKEN },     { "sid", K_STRING },   { "sn", K_INT },
	{ "st", K_TOKEN },     { "sta", K_TOKEN },    { "su", K_BOOL },      { "tb", K_INT_LIST },
	{ "tbl", K_INT_LIST }, { "ts", K_INT },       { "ttfb", K_INT },     { "ttlb", K_INT },
	{ "url", K_STRING },   { "v", K_INT },
};

#define MAX_CUSTOM_VALUE 64
#define MAX_KEYS 64

static bool is_custom_key(const char *k)
{
	size_t n = strlen(QOE_CUSTOM_PREFIX);
	if (strncmp(k, QOE_CUSTOM_PREFIX, n) != 0 || k[n] == '\0')
		return false;
	for (const char *p = k + n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return false;
	return true;
}

static int key_kind(const char *k, enum kind *out)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].key, k) == 0) {
			*out = keys[i].kind;
			return 0;
		}
	}
	if (is_custom_key(k)) {
		*out = K_STRING;
		return 0;
	}
	return -EINVAL;
}

/* RFC 8941 token: ( ALPHA / "*" ) *( tchar / ":" / "/" ). */
static bool is_token(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '*'))
		return false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (!strchr("!#$%&'*+-.^_`|~:/", c))
			return false;
	}
	return true;
}

/* Whether a value is "unknown" and so omitted rather than sent empty. */
static bool is_omitted(const json_t *v)
{
	return json_is_null(v) || json_is_false(v) || (json_is_string(v) && json_string_length(v) == 0) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

static int check_value(const char *key, enum kind kind, const json_t *v)
{
	size_t i;
	const json_t *item;
	switch (kind) {
	case K_INT:
		return json_is_integer(v) ? 0 : -EINVAL;
	case K_STRING:
		if (!json_is_string(v))
			return -EINVAL;
		if (is_custom_key(key) && json_string_length(v) > MAX_CUSTOM_VALUE)
			return -EINVAL;
		return 0;
	case K_TOKEN:
		return json_is_string(v) && is_token(json_string_value(v)) ? 0 : -EINVAL;
	case K_BOOL:
		return json_is_true(v) ? 0 : -EINVAL;
	case K_INT_LIST:
	case K_STRING_LIST:
		if (!json_is_array(v))
			return -EINVAL;
		json_array_foreach(v, i, item)
		{
			if (kind == K_INT_LIST ? !json_is_integer(item) : !json_is_string(item))
				return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

struct out {
	char *buf;
	size_t cap, len;
	bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || o->len + n >= o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_int(struct out *o, json_int_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, v);
	put(o, tmp, (size_t)n);
}

/* A structured-field string: `"` and `\` escaped; bytes a string may not hold (controls, non-ASCII
 * UTF-8) are percent-encoded so a validator never sees them. */
static void put_quoted(struct out *o, const char *s)
{
	put(o, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			char esc[2] = { '\\', (char)*p };
			put(o, esc, 2);
		} else if (*p < 0x20 || *p > 0x7e) {
			char pct[4];
			snprintf(pct, sizeof(pct), "%%%02X", *p);
			put(o, pct, 3);
		} else {
			put(o, (const char *)p, 1);
		}
	}
	put(o, "\"", 1);
}

static void put_value(struct out *o, enum kind kind, const json_t *v)
{
	size_t i;
	const json_t *item;
	switch (kind) {
	case K_INT:
		put_int(o, json_integer_value(v));
		break;
	case K_STRING:
		put_quoted(o, json_string_value(v));
		break;
	case K_TOKEN:
		put_str(o, json_string_value(v));
		break;
	case K_BOOL:
		break;
	case K_INT_LIST:
	case K_STRING_LIST:
		put(o, "(", 1);
		json_array_foreach(v, i, item)
		{
			if (i > 0)
				put(o, " ", 1);
			if (kind == K_INT_LIST)
				put_int(o, json_integer_value(item));
			else
				put_quoted(o, json_string_value(item));
		}
		put(o, ")", 1);
		break;
	}
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of rec that are sent, sorted; each validated. Returns the count or -EINVAL. */
static int sorted_keys(const json_t *rec, const char **out, size_t cap)
{
	if (!json_is_object(rec))
		return -EINVAL;
	size_t n = 0;
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)rec, k, v)
	{
		enum kind kind = K_STRING; /* key_kind() sets it: sorted_keys() returns known keys only */
		if (key_kind(k, &kind) < 0)
			return -EINVAL;
		if (is_omitted(v))
			continue;
		if (check_value(k, kind, v) < 0 || n == cap)
			return -EINVAL;
		out[n++] = k;
	}
	qsort(out, n, sizeof(*out), cmp_keys);
	return (int)n;
}

int qoe_record_validate(const json_t *rec)
{
	const char *k[MAX_KEYS];
	int n = sorted_keys(rec, k, MAX_KEYS);
	return n < 0 ? n : 0;
}

int qoe_record_to_cmcd(const json_t *rec, char *out, size_t cap)
{
	const char *k[MAX_KEYS];
	if (cap == 0)
		return -ENOSPC;
	out[0] = '\0';
	int n = sorted_keys(rec, k, MAX_KEYS);
	if (n < 0)
		return n;
	struct out o = { .buf = out, .cap = cap };
	for (int i = 0; i < n; i++) {
		enum kind kind = K_STRING; /* key_kind() sets it: sorted_keys() returns known keys only */
		key_kind(k[i], &kind);
		if (i > 0)
			put(&o, ",", 1);
		put_str(&o, k[i]);
		if (kind != K_BOOL) {
			put(&o, "=", 1);
			put_value(&o, kind, json_object_get(rec, k[i]));
		}
	}
	return o.full ? -ENOSPC : (int)o.len;
}

json_t *qoe_record_to_json(const json_t *rec)
{
	const char *k[MAX_KEYS];
	int n = sorted_keys(rec, k, MAX_KEYS);
	if (n < 0)
		return NULL;
	json_t *obj = json_object();
	for (int i = 0; obj && i < n; i++) {
		if (json_object_set(obj, k[i], json_object_get(rec, k[i])) < 0) {
			json_decref(obj);
			obj = NULL;
		}
	}
	return obj;
}

json_t *qoe_envelope_new(json_t *events, const json_t *device, int64_t sent_at_ms)
{
	json_t *env = json_object();
	if (!env) {
		json_decref(events);
		return NULL;
	}
	json_object_set_new(env, "schema", json_string(QOE_ENVELOPE_SCHEMA));
	json_object_set_new(env, "device", device ? json_deep_copy(device) : json_object());
	json_object_set_new(env, "sent_at", json_integer(sent_at_ms));
	json_object_set_new(env, "events", events);
	return env;
}
