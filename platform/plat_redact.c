/* SPDX-License-Identifier: MIT */
/* Credential redaction for URLs and free text. Pure string work, no allocation, bounded output. */
#include "plat_redact.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct out_buf {
	char *p;
	size_t cap;
	size_t len;
	bool full;
};

static void put(struct out_buf *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (o->len + 1 >= o->cap) {
			o->full = true;
			return;
		}
		o->p[o->len++] = s[i];
	}
}

static void puts_(struct out_buf *o, const char *s)
{
	put(o, s, strlen(s));
}

static int finish(struct out_buf *o)
{
	if (o->cap == 0)
		return -ENOSPC;
	o->p[o->len] = '\0';
	return o->full ? -ENOSPC : (int)o->len;
}

static bool is_url_end(char c)
{
	return c == '\0' || c == ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\n' ||
	       c == '\r' || c == '\t';
}

/* Number of path segments ("a/b/c") from p up to the end of the path; segment lengths out. */
static size_t split_path(const char *p, size_t n, const char *seg[], size_t len[], size_t max)
{
	size_t count = 0;
	size_t i = 0;
	while (i < n && count < max) {
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		seg[count] = p + i;
		len[count] = j - i;
		count++;
		i = j + 1;
	}
	return count;
}

static bool seg_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

static bool seg_is_stream_id(const char *s, size_t n)
{
	/* "123" or "123.ts": what the legacy /u/p/<id> form ends in */
	size_t i = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 0 && (i == n || s[i] == '.');
}

/* Redacts one URL of length n into o. */
static void redact_one(struct out_buf *o, const char *url, size_t n)
{
	const char *scheme_end = NULL;
	for (size_t i = 0; i + 2 < n; i++) {
		if (url[i] == ':' && url[i + 1] == '/' && url[i + 2] == '/') {
			scheme_end = url + i + 3;
			break;
		}
		if (url[i] == '/' || url[i] == '?')
			break;
	}
	const char *end = url + n;
	const char *authority = scheme_end ? scheme_end : url;
	if (scheme_end)
		put(o, url, (size_t)(scheme_end - url));

	/* authority: drop userinfo */
	const char *path = authority;
	while (path < end && *path != '/' && *path != '?' && *path != '#')
		path++;
	if (!scheme_end)
		path = authority;
	const char *at = NULL;
	for (const char *q = authority; q < path; q++)
		if (*q == '@')
			at = q;
	put(o, at ? at + 1 : authority, (size_t)(path - (at ? at + 1 : authority)));

	const char *query = path;
	while (query < end && *query != '?' && *query != '#')
		query++;

	enum { MAX_SEG = 16 };
	const char *seg[MAX_SEG];
	size_t len[MAX_SEG];
	size_t plen = (size_t)(query - path);
	size_t nseg = plen && path[0] == '/' ? split_path(path + 1, plen - 1, seg, len, MAX_SEG) : 0;
	if (nseg == 0) {
		put(o, path, plen);
		return;
	}
	/* Credentials sit after a known word, or they are the first two segments of /u/p/<id>. */
	size_t cred = SIZE_MAX;
	for (size_t i = 0; i + 2 < nseg && cred == SIZE_MAX; i++) {
		if (seg_is(seg[i], len[i], "live") || seg_is(seg[i], len[i], "movie") ||
		    seg_is(seg[i], len[i], "series") || seg_is(seg[i], len[i], "timeshift"))
			cred = i + 1;
	}
	if (cred == SIZE_MAX && nseg == 3 && seg_is_stream_id(seg[2], len[2]))
		cred = 0;
	for (size_t i = 0; i < nseg; i++) {
		puts_(o, "/");
		if (cred != SIZE_MAX && (i == cred || i == cred + 1))
			puts_(o, "*");
		else
			put(o, seg[i], len[i]);
	}
	/* a path longer than MAX_SEG segments keeps its tail as is */
	const char *tail = seg[nseg - 1] + len[nseg - 1];
	if (tail < query)
		put(o, tail, (size_t)(query - tail));
	/* the query is removed: it is where username= and password= live */
}

int plat_redact_url(const char *url, char *out, size_t cap)
{
	struct out_buf o = { out, cap, 0, false };
	if (url)
		redact_one(&o, url, strlen(url));
	return finish(&o);
}

static bool starts_with_ci(const char *s, const char *word)
{
	for (; *word; s++, word++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *word)
			return false;
	}
	return true;
}

int plat_redact_text(const char *text, char *out, size_t cap)
{
	struct out_buf o = { out, cap, 0, false };
	const char *p = text ? text : "";
	while (*p) {
		if (starts_with_ci(p, "http://") || starts_with_ci(p, "https://")) {
			size_t n = 0;
			while (!is_url_end(p[n]))
				n++;
			redact_one(&o, p, n);
			p += n;
		} else if (starts_with_ci(p, "password=") || starts_with_ci(p, "username=")) {
			const char *eq = strchr(p, '=');
			put(&o, p, (size_t)(eq - p + 1));
			puts_(&o, "*");
			p = eq + 1;
			while (*p && *p != '&' && !is_url_end(*p))
				p++;
		} else {
			put(&o, p, 1);
			p++;
		}
	}
	return finish(&o);
}
