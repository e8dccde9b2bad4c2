/* SPDX-License-Identifier: MIT */
/* M3U/M3U8 playlist parser (XTREAM.md section 8): #EXTINF lines with m3u_plus attributes (tvg-id,
 * tvg-name, tvg-logo, group-title; catchup, catchup-days, catchup-source, timeshift, tvg-rec,
 * tvg-shift; any case), #EXTGRP, CRLF or LF, a UTF-8 BOM, the URL on the next non-comment line.
 * Incremental with a fixed line buffer, so a playlist of any size costs 32 KiB. */
#include "library_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINE_CAP 16384

struct library_m3u {
	library_m3u_cb cb;
	void *ud;
	char line[LINE_CAP];
	size_t len;
	bool overlong; /* the current line went past LINE_CAP: skipped */
	char extinf[LINE_CAP];
	bool have_extinf;
	char group[512];
	bool seen_header;
	size_t entries;
	bool first_line;
};

int library_m3u_create(library_m3u_cb cb, void *ud, struct library_m3u **out)
{
	*out = NULL;
	struct library_m3u *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->cb = cb;
	p->ud = ud;
	p->first_line = true;
	*out = p;
	return 0;
}

void library_m3u_destroy(struct library_m3u **p)
{
	if (!p || !*p)
		return;
	free(*p);
	*p = NULL;
}

static bool starts_with_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static int attr_int(const char *v)
{
	if (!v)
		return 0;
	long n = strtol(v, NULL, 10);
	return n > 0 && n < 100000 ? (int)n : 0;
}

/* Splits "#EXTINF:-1 k="v" k2=v2,Name" in place and fills e. */
static void parse_extinf(char *s, struct library_m3u_entry *e)
{
	const char *timeshift = NULL, *days = NULL, *rec = NULL, *shift = NULL;
	s += strlen("#EXTINF:");
	e->duration = strtod(s, &s);
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return;
		if (*s == ',') {
			char *name = s + 1;
			while (*name == ' ')
				name++;
			if (*name)
				e->name = name;
			break;
		}
		char *key = s;
		while (*s && *s != '=' && *s != ' ' && *s != ',')
			s++;
		if (*s != '=') {
			continue; /* a bare word: skip it */
		}
		*s++ = '\0';
		char *val;
		if (*s == '"') {
			val = ++s;
			while (*s && *s != '"')
				s++;
			if (*s)
				*s++ = '\0';
		} else {
			val = s;
			while (*s && *s != ' ' && *s != ',')
				s++;
			if (*s == ' ')
				*s++ = '\0';
			else if (*s == ',') {
				/* the name follows: terminate the value, keep the comma visible */
				*s = '\0';
				char *name = s + 1;
				while (*name == ' ')
					name++;
				if (*name)
					e->name = name;
				break;
			}
		}
		if (strcasecmp(key, "tvg-id") == 0)
			e->tvg_id = val;
		else if (strcasecmp(key, "tvg-name") == 0)
			e->tvg_name = val;
		else if (strcasecmp(key, "tvg-logo") == 0)
			e->tvg_logo = val;
		else if (strcasecmp(key, "group-title") == 0)
			e->group = val;
		else if (strcasecmp(key, "catchup") == 0 || strcasecmp(key, "catchup-type") == 0)
			e->catchup = val;
		else if (strcasecmp(key, "catchup-source") == 0)
			e->catchup_source = val;
		else if (strcasecmp(key, "catchup-days") == 0)
			days = val;
		else if (strcasecmp(key, "timeshift") == 0)
			timeshift = val;
		else if (strcasecmp(key, "tvg-rec") == 0)
			rec = val;
		else if (strcasecmp(key, "tvg-shift") == 0)
			shift = val;
	}
	e->catchup_days = attr_int(days);
	if (e->catchup_days == 0)
		e->catchup_days = attr_int(timeshift);
	if (e->catchup_days == 0)
		e->catchup_days = attr_int(rec);
	if (e->catchup_days == 0 && e->catchup && e->catchup[0])
		e->catchup_days = 1;
	if (shift)
		e->tvg_shift = strtod(shift, NULL);
	if (e->catchup && !e->catchup[0])
		e->catchup = NULL;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int handle_line(struct library_m3u *p, char *raw)
{
	char *s = raw;
	if (p->first_line) {
		p->first_line = false;
		if ((unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb && (unsigned char)s[2] == 0xbf)
			s += 3;
	}
	s = trim(s);
	if (*s == '\0')
		return 0;
	if (starts_with_ci(s, "#EXTM3U")) {
		p->seen_header = true;
		return 0;
	}
	if (starts_with_ci(s, "#EXTINF:")) {
		p->seen_header = true;
		memcpy(p->extinf, s, strlen(s) + 1);
		p->have_extinf = true;
		p->group[0] = '\0';
		return 0;
	}
	if (starts_with_ci(s, "#EXTGRP:")) {
		size_t n = strlen(s + 8);
		if (n >= sizeof(p->group))
			n = sizeof(p->group) - 1;
		memcpy(p->group, s + 8, n);
		p->group[n] = '\0';
		return 0;
	}
	if (s[0] == '#')
		return 0;
	/* a URL */
	struct library_m3u_entry e;
	memset(&e, 0, sizeof(e));
	e.duration = -1;
	if (p->have_extinf)
		parse_extinf(p->extinf, &e);
	if (!e.group && p->group[0])
		e.group = trim(p->group);
	e.url = s;
	p->have_extinf = false;
	p->entries++;
	int rc = p->cb ? p->cb(p->ud, &e) : 0;
	p->group[0] = '\0';
	return rc < 0 ? rc : 0;
}

int library_m3u_feed(struct library_m3u *p, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (c == '\n' || c == '\r') {
			if (!p->overlong && p->len > 0) {
				p->line[p->len] = '\0';
				int rc = handle_line(p, p->line);
				if (rc < 0)
					return rc;
			}
			p->len = 0;
			p->overlong = false;
			continue;
		}
		if (p->len + 1 >= LINE_CAP) {
			p->overlong = true;
			continue;
		}
		p->line[p->len++] = c;
	}
	return 0;
}

int library_m3u_finish(struct library_m3u *p)
{
	if (p->len > 0 && !p->overlong) {
		p->line[p->len] = '\0';
		int rc = handle_line(p, p->line);
		p->len = 0;
		if (rc < 0)
			return rc;
	}
	if (!p->seen_header)
		return -EBADMSG;
	return p->entries > INT32_MAX ? INT32_MAX : (int)p->entries;
}
