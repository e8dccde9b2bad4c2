/* SPDX-License-Identifier: MIT */
/* The in-memory stage of a list (library_internal.h): growable arrays of rows and a chunked string
 * arena, every byte counted against the stage's cap, so a hostile or broken panel costs at most
 * max_bytes before the list is refused. */
#include "library_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 256 * 1024 };

struct library_stage_chunk {
	struct library_stage_chunk *next;
	size_t cap, used;
	char data[];
};

void library_stage_init(struct library_stage *s, enum library_kind kind, size_t max_bytes, size_t max_items)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->max_bytes = max_bytes ? max_bytes : LIBRARY_STAGE_MAX_BYTES;
	s->max_items = max_items ? max_items : LIBRARY_STAGE_MAX_ITEMS;
}

void library_stage_free(struct library_stage *s)
{
	struct library_stage_chunk *c = s->chunks;
	while (c) {
		struct library_stage_chunk *next = c->next;
		free(c);
		c = next;
	}
	free(s->cats);
	free(s->items);
	free(s->more);
	enum library_kind kind = s->kind;
	library_stage_init(s, kind, s->max_bytes, s->max_items);
}

/* Accounts for `more` bytes; the first refusal sticks. */
static int charge(struct library_stage *s, size_t more)
{
	if (s->err)
		return s->err;
	if (more > s->max_bytes - s->bytes || s->bytes > s->max_bytes)
		return s->err = -EFBIG;
	s->bytes += more;
	return 0;
}

/* Grows *arr (of *cap elements of size) to hold one more than n. */
static int grow(struct library_stage *s, void **arr, size_t *cap, size_t n, size_t size, size_t first)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : first;
	int rc = charge(s, (ncap - *cap) * size);
	if (rc < 0)
		return rc;
	void *p = realloc(*arr, ncap * size);
	if (!p)
		return s->err = -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int library_stage_str(struct library_stage *s, const char *in, const char **out)
{
	*out = NULL;
	if (!in)
		return s->err;
	size_t len = strlen(in) + 1;
	struct library_stage_chunk *c = s->chunks;
	if (!c || c->cap - c->used < len) {
		/* a long string gets a chunk of its own behind the current one, which keeps its room */
		size_t cap = len > CHUNK / 4 ? len : CHUNK;
		int rc = charge(s, sizeof(*c) + cap);
		if (rc < 0)
			return rc;
		struct library_stage_chunk *n = malloc(sizeof(*n) + cap);
		if (!n)
			return s->err = -ENOMEM;
		n->cap = cap;
		n->used = 0;
		if (cap == len && c) {
			n->next = c->next;
			c->next = n;
		} else {
			n->next = c;
			s->chunks = n;
		}
		c = n;
	}
	char *dst = c->data + c->used;
	memcpy(dst, in, len);
	c->used += len;
	*out = dst;
	return 0;
}

int library_stage_category(struct library_stage *s, int64_t id, const char *name, int64_t parent_id)
{
	int rc = grow(s, (void **)&s->cats, &s->cats_cap, s->ncats, sizeof(*s->cats), 64);
	const char *copy = NULL;
	if (rc == 0)
		rc = library_stage_str(s, name, &copy);
	if (rc < 0)
		return rc;
	s->cats[s->ncats++] = (struct library_stage_category){ id, parent_id, copy };
	return 0;
}

int library_stage_item(struct library_stage *s, struct library_stage_item **out)
{
	*out = NULL;
	if (s->err)
		return s->err;
	if (s->nitems >= s->max_items)
		return s->err = -EFBIG;
	int rc = grow(s, (void **)&s->items, &s->items_cap, s->nitems, sizeof(*s->items), 1024);
	if (rc < 0)
		return rc;
	*out = &s->items[s->nitems++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

int library_stage_more(struct library_stage *s, struct library_stage_item *it, const int64_t *ids, size_t n)
{
	if (n == 0)
		return s->err;
	for (size_t i = 0; i < n; i++) {
		int rc = grow(s, (void **)&s->more, &s->more_cap, s->nmore, sizeof(*s->more), 1024);
		if (rc < 0)
			return rc;
		s->more[s->nmore++] = ids[i];
	}
	it->more_at = (uint32_t)(s->nmore - n);
	it->more_count = (uint32_t)n;
	return 0;
}
