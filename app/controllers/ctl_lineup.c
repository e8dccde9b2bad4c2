/* SPDX-License-Identifier: MIT */
/* The channel line-up: the panel's full list (number = place in it), an index by id for the number of
 * a channel, the zap list CH+/CH- walk, the current and previous channel for recall, and the parental
 * lock asked on every one of those paths (ctl_parental_check), so no screen decides it alone. */
#include "ctl_lineup.h"

#include "plat_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { LINEUP_MAX_CHANNELS = 200000 };

struct id_number {
	int64_t id, number;
};

struct ctl_lineup {
	struct library *lib;           /* borrowed */
	struct ctl_parental *parental; /* borrowed */
	int64_t *all_ids;              /* the full list: number = index + 1 */
	size_t all_n;
	struct id_number *by_id; /* all_ids sorted by id */
	int64_t *zap_ids;        /* the list the viewer last zapped from; NULL: the full list */
	size_t zap_n;
	int64_t current, previous; /* the last two channels zapped to */
};

struct id_vec {
	int64_t *v;
	size_t n, cap;
};

static int collect_id(void *ud, const struct library_item *it)
{
	struct id_vec *vec = ud;
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 256;
		if (cap > LINEUP_MAX_CHANNELS)
			return -E2BIG;
		int64_t *v = realloc(vec->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = it->id;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	const struct id_number *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

void ctl_lineup_reload(struct ctl_lineup *l)
{
	if (!l)
		return;
	struct id_vec vec = { 0 };
	library_items(l->lib, LIBRARY_LIVE, -1, 0, 0, collect_id, &vec);
	struct id_number *by_id = vec.n ? calloc(vec.n, sizeof(*by_id)) : NULL;
	if (vec.n && !by_id) {
		free(vec.v);
		return; /* keep the old list rather than none */
	}
	for (size_t i = 0; i < vec.n; i++)
		by_id[i] = (struct id_number){ vec.v[i], (int64_t)i + 1 };
	if (vec.n)
		qsort(by_id, vec.n, sizeof(*by_id), cmp_id);
	free(l->all_ids);
	free(l->by_id);
	l->all_ids = vec.v;
	l->all_n = vec.n;
	l->by_id = by_id;
}

int ctl_lineup_create(struct library *lib, struct ctl_parental *parental, struct ctl_lineup **out)
{
	*out = NULL;
	if (!lib || !parental)
		return -EINVAL;
	struct ctl_lineup *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->lib = lib;
	l->parental = parental;
	ctl_lineup_reload(l);
	*out = l;
	return 0;
}

void ctl_lineup_free(struct ctl_lineup **l)
{
	if (!l || !*l)
		return;
	free((*l)->all_ids);
	free((*l)->by_id);
	free((*l)->zap_ids);
	free(*l);
	*l = NULL;
}

int64_t ctl_lineup_number(const struct ctl_lineup *l, int64_t stream_id)
{
	if (!l || !l->by_id)
		return 0;
	struct id_number key = { stream_id, 0 };
	const struct id_number *hit = bsearch(&key, l->by_id, l->all_n, sizeof(key), cmp_id);
	return hit ? hit->number : 0;
}

int64_t ctl_lineup_by_number(const struct ctl_lineup *l, int64_t number)
{
	if (!l || number < 1 || (uint64_t)number > l->all_n)
		return 0;
	return l->all_ids[number - 1];
}

void ctl_lineup_set_zap_list(struct ctl_lineup *l, const int64_t *ids, size_t n)
{
	if (!l)
		return;
	int64_t *copy = n ? malloc(n * sizeof(*copy)) : NULL;
	if (n && !copy)
		return; /* CH+/CH- keep the previous order */
	if (n)
		memcpy(copy, ids, n * sizeof(*copy));
	free(l->zap_ids);
	l->zap_ids = copy;
	l->zap_n = n;
}

size_t ctl_lineup_channels(const struct ctl_lineup *l, const int64_t **ids)
{
	*ids = l ? l->all_ids : NULL;
	return l ? l->all_n : 0;
}

size_t ctl_lineup_zap_list(const struct ctl_lineup *l, const int64_t **ids)
{
	*ids = NULL;
	if (!l)
		return 0;
	*ids = l->zap_n ? l->zap_ids : l->all_ids;
	return l->zap_n ? l->zap_n : l->all_n;
}

int64_t ctl_lineup_neighbour(struct ctl_lineup *l, int64_t stream_id, int delta)
{
	const int64_t *ids;
	size_t n = ctl_lineup_zap_list(l, &ids);
	if (n == 0 || delta == 0)
		return 0;
	long long step = delta > 0 ? 1 : -1, from = -1;
	for (size_t i = 0; i < n && from < 0; i++)
		if (ids[i] == stream_id)
			from = (long long)i;
	if (from < 0) /* not in the list: start before its first (CH+) or after its last (CH-) */
		from = delta > 0 ? -1 : (long long)n;
	/* |delta| allowed channels away; the ones the lock hides do not count and are never landed on */
	long long left = delta > 0 ? delta : -(long long)delta;
	long long k = from;
	for (size_t tries = 0; tries < n * (size_t)left + n; tries++) {
		k = ((k + step) % (long long)n + (long long)n) % (long long)n;
		if (ctl_parental_check(l->parental, LIBRARY_LIVE, ids[k]) != 0)
			continue;
		if (--left == 0)
			return ids[k] == stream_id ? 0 : ids[k]; /* round to itself: no other */
	}
	return 0;
}

int ctl_lineup_zap(struct ctl_lineup *l, int64_t stream_id, enum ctl_zap_from from)
{
	if (!l || stream_id <= 0)
		return -EINVAL;
	if (ctl_lineup_number(l, stream_id) == 0) {
		ctl_lineup_reload(l); /* a sync may have added it since the last reload */
		if (ctl_lineup_number(l, stream_id) == 0)
			return -ENOENT;
	}
	int rc = ctl_parental_check(l->parental, LIBRARY_LIVE, stream_id);
	if (rc < 0) {
		plat_log_info("lineup", "zap to %lld (from %d) held by the parental lock",
			      (long long)stream_id, (int)from);
		return rc;
	}
	if (stream_id != l->current) {
		l->previous = l->current;
		l->current = stream_id;
	}
	return 0;
}

int64_t ctl_lineup_recall(const struct ctl_lineup *l)
{
	return l ? l->previous : 0;
}

int64_t ctl_lineup_current(const struct ctl_lineup *l)
{
	return l ? l->current : 0;
}
