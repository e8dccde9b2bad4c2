/* SPDX-License-Identifier: MIT */
/* The top-level element scanner: a byte-level state machine that tracks strings, escapes and
 * nesting depth, copying only the current element into a capped buffer. */
#include "xt_jscan.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum state {
	ST_START,  /* before the top-level value */
	ST_FIRST,  /* after '[' or '{': an element/key or the end */
	ST_VALUE,  /* after ',' in an array (or ':' in an object): an element */
	ST_KEY,    /* after ',' in an object: a key */
	ST_KEYSTR, /* inside a key */
	ST_COLON,  /* after a key */
	ST_ELEM,   /* inside an element */
	ST_AFTER,  /* after an element: ',' or the end */
	ST_DONE,
	ST_ERROR,
};

#define KEY_CAP 256

struct xt_jscan {
	xt_jscan_cb cb;
	void *ud;
	enum state st;
	enum xt_jscan_top top;
	int err;
	/* the element in progress */
	char *buf;
	size_t len, cap, max;
	int depth;      /* of [ and { inside the element */
	bool in_string; /* inside a string of the element */
	bool escape;    /* the previous byte was a backslash inside a string */
	bool scalar;    /* the element is a bare number/true/false/null */
	char key[KEY_CAP];
	size_t key_len;
	bool key_escape;
	char head[64];
	size_t head_len;
	char refusal[128]; /* "" when none: see xt_jscan_refusal() */
	size_t objects;    /* members of a top-level object that are objects */
};

int xt_jscan_create(size_t max_element, xt_jscan_cb cb, void *ud, struct xt_jscan **out)
{
	*out = NULL;
	struct xt_jscan *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cb = cb;
	s->ud = ud;
	s->max = max_element ? max_element : 1u << 20;
	*out = s;
	return 0;
}

void xt_jscan_destroy(struct xt_jscan **sp)
{
	if (!sp || !*sp)
		return;
	free((*sp)->buf);
	free(*sp);
	*sp = NULL;
}

enum xt_jscan_top xt_jscan_top(const struct xt_jscan *s)
{
	return s->top;
}

const char *xt_jscan_head(const struct xt_jscan *s)
{
	return s->head;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int fail(struct xt_jscan *s, int err)
{
	s->st = ST_ERROR;
	s->err = err;
	return err;
}

static int append(struct xt_jscan *s, const char *data, size_t n)
{
	if (n == 0)
		return 0;
	if (s->len + n > s->max)
		return fail(s, -EFBIG);
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		while (cap < s->len + n)
			cap *= 2;
		if (cap > s->max)
			cap = s->max;
		char *nb = realloc(s->buf, cap);
		if (!nb)
			return fail(s, -ENOMEM);
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	return 0;
}

static bool is_refusal_key(const char *key, size_t len)
{
	return (len == 5 && memcmp(key, "error", 5) == 0) || (len == 7 && memcmp(key, "message", 7) == 0);
}

/* keeps the text of a top-level "error"/"message" string member */
static void note_refusal(struct xt_jscan *s)
{
	if (s->top == XT_JSCAN_OBJECT && s->len > 0 && s->buf[0] == '{')
		s->objects++;
	if (s->top != XT_JSCAN_OBJECT || s->refusal[0] || !is_refusal_key(s->key, s->key_len) || s->len < 2 ||
	    s->buf[0] != '"')
		return;
	size_t n = 0;
	for (size_t i = 1; i + 1 < s->len && n + 1 < sizeof(s->refusal); i++) {
		unsigned char c = (unsigned char)s->buf[i];
		s->refusal[n++] = c < 0x20 ? ' ' : (char)c;
	}
	s->refusal[n] = '\0';
}

const char *xt_jscan_refusal(const struct xt_jscan *s)
{
	return s->refusal[0] ? s->refusal : NULL;
}

static int emit(struct xt_jscan *s)
{
	note_refusal(s);
	int rc = s->cb ? s->cb(s->ud, s->top == XT_JSCAN_OBJECT ? s->key : NULL,
			       s->top == XT_JSCAN_OBJECT ? s->key_len : 0, s->buf, s->len)
		       : 0;
	s->len = 0;
	s->st = ST_AFTER;
	return rc < 0 ? fail(s, rc) : 0;
}

static void begin_element(struct xt_jscan *s, char c)
{
	s->st = ST_ELEM;
	s->len = 0;
	s->depth = 0;
	s->in_string = false;
	s->escape = false;
	s->scalar = !(c == '{' || c == '[' || c == '"');
}

/* Scans an element from data[i]; returns the index after the bytes consumed. The element's bytes
 * are copied in one block per chunk. */
static size_t scan_element(struct xt_jscan *s, const char *data, size_t i, size_t len)
{
	size_t start = i;
	for (; i < len; i++) {
		char c = data[i];
		if (s->in_string) {
			if (s->escape) {
				s->escape = false;
			} else if (c == '\\') {
				s->escape = true;
			} else if (c == '"') {
				s->in_string = false;
				if (s->depth == 0) {
					/* a bare string element ends here */
					if (append(s, data + start, i + 1 - start) < 0)
						return len;
					emit(s);
					return i + 1;
				}
			}
			continue;
		}
		if (s->scalar) {
			if (c == ',' || c == ']' || c == '}' || is_space(c)) {
				if (append(s, data + start, i - start) < 0)
					return len;
				emit(s);
				return i; /* the delimiter is handled by ST_AFTER */
			}
			continue;
		}
		switch (c) {
		case '"':
			s->in_string = true;
			break;
		case '{':
		case '[':
			s->depth++;
			break;
		case '}':
		case ']':
			if (--s->depth == 0) {
				if (append(s, data + start, i + 1 - start) < 0)
					return len;
				emit(s);
				return i + 1;
			}
			if (s->depth < 0) {
				fail(s, -EPROTO);
				return len;
			}
			break;
		default:
			break;
		}
	}
	append(s, data + start, len - start);
	return len;
}

static void keep_head(struct xt_jscan *s, const char *data, size_t len)
{
	size_t room = sizeof(s->head) - 1 - s->head_len;
	size_t n = len < room ? len : room;
	memcpy(s->head + s->head_len, data, n);
	s->head_len += n;
	s->head[s->head_len] = '\0';
}

static int step(struct xt_jscan *s, char c)
{
	switch (s->st) {
	case ST_START:
		if (is_space(c))
			return 0;
		if (c == '[' || c == '{') {
			s->top = c == '[' ? XT_JSCAN_ARRAY : XT_JSCAN_OBJECT;
			s->st = ST_FIRST;
			return 0;
		}
		return fail(s, -EBADMSG);
	case ST_FIRST:
		if (is_space(c))
			return 0;
		if ((s->top == XT_JSCAN_ARRAY && c == ']') || (s->top == XT_JSCAN_OBJECT && c == '}')) {
			s->st = ST_DONE;
			return 0;
		}
		if (s->top == XT_JSCAN_OBJECT) {
			s->st = ST_KEY;
			return step(s, c);
		}
		begin_element(s, c);
		return 1; /* re-scan this byte as part of the element */
	case ST_VALUE:
		if (is_space(c))
			return 0;
		if (c == ',' || c == ']' || c == '}' || c == ':')
			return fail(s, -EPROTO);
		begin_element(s, c);
		return 1;
	case ST_KEY:
		if (is_space(c))
			return 0;
		if (c != '"')
			return fail(s, -EPROTO);
		s->key_len = 0;
		s->key_escape = false;
		s->st = ST_KEYSTR;
		return 0;
	case ST_KEYSTR:
		if (!s->key_escape && c == '"') {
			s->key[s->key_len] = '\0';
			s->st = ST_COLON;
			return 0;
		}
		s->key_escape = !s->key_escape && c == '\\';
		if (s->key_len + 1 < KEY_CAP)
			s->key[s->key_len++] = c;
		return 0;
	case ST_COLON:
		if (is_space(c))
			return 0;
		if (c != ':')
			return fail(s, -EPROTO);
		s->st = ST_VALUE;
		return 0;
	case ST_AFTER:
		if (is_space(c))
			return 0;
		if (c == ',') {
			s->st = s->top == XT_JSCAN_ARRAY ? ST_VALUE : ST_KEY;
			return 0;
		}
		if ((s->top == XT_JSCAN_ARRAY && c == ']') || (s->top == XT_JSCAN_OBJECT && c == '}')) {
			s->st = ST_DONE;
			return 0;
		}
		return fail(s, -EPROTO);
	case ST_DONE:
		return 0;
	default:
		return s->err;
	}
}

int xt_jscan_feed(struct xt_jscan *s, const char *data, size_t len)
{
	if (s->st == ST_ERROR)
		return s->err;
	if (s->head_len + 1 < sizeof(s->head))
		keep_head(s, data, len);
	size_t i = 0;
	while (i < len) {
		if (s->st == ST_DONE)
			return 0;
		if (s->st == ST_ELEM) {
			i = scan_element(s, data, i, len);
		} else {
			int rc = step(s, data[i]);
			if (rc < 0)
				return rc;
			if (rc == 0)
				i++;
		}
		if (s->st == ST_ERROR)
			return s->err;
	}
	return 0;
}

int xt_jscan_finish(struct xt_jscan *s)
{
	if (s->st == ST_ERROR)
		return s->err;
	if (s->st == ST_ELEM && s->scalar && s->depth == 0 && !s->in_string && s->len > 0) {
		/* a bare scalar right at the end is only complete if a delimiter follows; it did not */
		return fail(s, -EPROTO);
	}
	if (s->st == ST_START)
		return fail(s, -ENODATA);
	if (s->st != ST_DONE)
		return fail(s, -EPROTO);
	if (s->top == XT_JSCAN_OBJECT && s->refusal[0] && s->objects == 0)
		return fail(s, -ENOMSG);
	return 0;
}
