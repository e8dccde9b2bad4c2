/* SPDX-License-Identifier: MIT */
/* The viewer's favourites, history and resume points in memory (read by the screens at once), with
 * every change queued on the store writer as the library's own statements (library_writes.h). The
 * lists are short (a viewer's favourites and history), so plain arrays searched linearly. */
#include "ctl_viewer.h"

#include "library_writes.h"
#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { KINDS = LIBRARY_EPISODE + 1, HISTORY_MAX = 1000, RESUME_LOAD_MAX = 500 };

struct resume_point {
	enum library_kind kind;
	char id[LIBRARY_ID_MAX];
	int64_t position_ms, duration_ms;
};

struct ctl_viewer {
	struct store_writer *w; /* borrowed */
	char **fav[KINDS];      /* owned strings, most recent first */
	size_t fav_n[KINDS], fav_cap[KINDS];
	struct ctl_viewer_seen *hist[KINDS]; /* most recent first */
	size_t hist_n[KINDS], hist_cap[KINDS];
	struct resume_point *res;
	size_t res_n, res_cap;
};

static const char *const kind_names[KINDS] = { "live", "vod", "series", "episode" };

static bool args_ok(enum library_kind kind, const char *id)
{
	return (unsigned)kind < KINDS && id && id[0] && strlen(id) < LIBRARY_ID_MAX;
}

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	void *p = realloc(*arr, n * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

static int submit(struct ctl_viewer *v, const char *what, enum library_kind kind, const char *id,
		  const struct store_stmt *st)
{
	char key[128];
	snprintf(key, sizeof(key), "%s:%s:%s", what, kind_names[kind], id);
	int rc = v->w ? store_writer_exec_many(v->w, key, st, 1) : -ENODEV;
	if (rc < 0)
		plat_log_warn("viewer", "%s not queued (%d): kept until quit only", key, rc);
	return rc;
}

/* ---- favourites ---- */

static ptrdiff_t fav_find(const struct ctl_viewer *v, enum library_kind kind, const char *id)
{
	for (size_t i = 0; i < v->fav_n[kind]; i++)
		if (strcmp(v->fav[kind][i], id) == 0)
			return (ptrdiff_t)i;
	return -1;
}

/* at_end: loading (the database's order, most recent first) rather than a new favourite */
static int fav_insert(struct ctl_viewer *v, enum library_kind kind, const char *id, bool at_end)
{
	if (grow((void **)&v->fav[kind], &v->fav_cap[kind], v->fav_n[kind] + 1, sizeof(char *)) < 0)
		return -ENOMEM;
	char *copy = strdup(id);
	if (!copy)
		return -ENOMEM;
	size_t at = at_end ? v->fav_n[kind] : 0;
	memmove(&v->fav[kind][at + 1], &v->fav[kind][at], (v->fav_n[kind] - at) * sizeof(char *));
	v->fav[kind][at] = copy;
	v->fav_n[kind]++;
	return 0;
}

static void fav_remove(struct ctl_viewer *v, enum library_kind kind, size_t i)
{
	free(v->fav[kind][i]);
	memmove(&v->fav[kind][i], &v->fav[kind][i + 1], (v->fav_n[kind] - i - 1) * sizeof(char *));
	v->fav_n[kind]--;
}

bool ctl_viewer_favourite_is(const struct ctl_viewer *v, enum library_kind kind, const char *id)
{
	return v && args_ok(kind, id) && fav_find(v, kind, id) >= 0;
}

int ctl_viewer_favourite_set(struct ctl_viewer *v, enum library_kind kind, const char *id, bool on)
{
	if (!v || !args_ok(kind, id))
		return -EINVAL;
	ptrdiff_t at = fav_find(v, kind, id);
	if (on && at < 0 && fav_insert(v, kind, id, false) < 0)
		return -ENOMEM;
	if (!on && at >= 0)
		fav_remove(v, kind, (size_t)at);
	struct store_param p[LIBRARY_STMT_MAX_PARAMS];
	struct store_stmt st;
	int rc = library_stmt_favourite(kind, id, on, (int64_t)time(NULL), &st, p);
	return rc < 0 ? rc : submit(v, "favourite", kind, id, &st);
}

size_t ctl_viewer_favourites(const struct ctl_viewer *v, enum library_kind kind, const char *const **ids)
{
	if (!v || (unsigned)kind >= KINDS) {
		*ids = NULL;
		return 0;
	}
	*ids = (const char *const *)v->fav[kind];
	return v->fav_n[kind];
}

/* ---- history ---- */

static int hist_put(struct ctl_viewer *v, enum library_kind kind, const char *id, int64_t when, bool at_end)
{
	struct ctl_viewer_seen *h = v->hist[kind];
	for (size_t i = 0; i < v->hist_n[kind]; i++)
		if (strcmp(h[i].id, id) == 0) {
			memmove(&h[i], &h[i + 1], (v->hist_n[kind] - i - 1) * sizeof(*h));
			v->hist_n[kind]--;
			break;
		}
	if (v->hist_n[kind] >= HISTORY_MAX)
		v->hist_n[kind]--; /* the oldest goes from memory (the database keeps it) */
	if (grow((void **)&v->hist[kind], &v->hist_cap[kind], v->hist_n[kind] + 1, sizeof(*h)) < 0)
		return -ENOMEM;
	h = v->hist[kind];
	size_t at = at_end ? v->hist_n[kind] : 0;
	memmove(&h[at + 1], &h[at], (v->hist_n[kind] - at) * sizeof(*h));
	snprintf(h[at].id, sizeof(h[at].id), "%s", id);
	h[at].when = when;
	v->hist_n[kind]++;
	return 0;
}

int ctl_viewer_history_add(struct ctl_viewer *v, enum library_kind kind, const char *id, int64_t when)
{
	if (!v || !args_ok(kind, id))
		return -EINVAL;
	if (hist_put(v, kind, id, when, false) < 0)
		return -ENOMEM;
	struct store_param p[LIBRARY_STMT_MAX_PARAMS];
	struct store_stmt st;
	int rc = library_stmt_history(kind, id, when, &st, p);
	return rc < 0 ? rc : submit(v, "history", kind, id, &st);
}

size_t ctl_viewer_history(const struct ctl_viewer *v, enum library_kind kind,
			  const struct ctl_viewer_seen **out)
{
	if (!v || (unsigned)kind >= KINDS) {
		*out = NULL;
		return 0;
	}
	*out = v->hist[kind];
	return v->hist_n[kind];
}

/* ---- resume points ---- */

static struct resume_point *res_find(const struct ctl_viewer *v, enum library_kind kind, const char *id)
{
	for (size_t i = 0; i < v->res_n; i++)
		if (v->res[i].kind == kind && strcmp(v->res[i].id, id) == 0)
			return &v->res[i];
	return NULL;
}

static int res_put(struct ctl_viewer *v, enum library_kind kind, const char *id, int64_t pos, int64_t dur)
{
	struct resume_point *r = res_find(v, kind, id);
	if (library_resume_finished(pos, dur)) {
		if (r) {
			*r = v->res[v->res_n - 1];
			v->res_n--;
		}
		return 0;
	}
	if (!r) {
		if (grow((void **)&v->res, &v->res_cap, v->res_n + 1, sizeof(*v->res)) < 0)
			return -ENOMEM;
		r = &v->res[v->res_n++];
		r->kind = kind;
		snprintf(r->id, sizeof(r->id), "%s", id);
	}
	r->position_ms = pos;
	r->duration_ms = dur;
	return 0;
}

int ctl_viewer_resume_set(struct ctl_viewer *v, enum library_kind kind, const char *id, int64_t position_ms,
			  int64_t duration_ms)
{
	if (!v || !args_ok(kind, id) || position_ms < 0 || duration_ms < 0)
		return -EINVAL;
	if (res_put(v, kind, id, position_ms, duration_ms) < 0)
		return -ENOMEM;
	struct store_param p[LIBRARY_STMT_MAX_PARAMS];
	struct store_stmt st;
	int rc = library_stmt_resume(kind, id, position_ms, duration_ms, (int64_t)time(NULL), &st, p);
	return rc < 0 ? rc : submit(v, "resume", kind, id, &st);
}

int ctl_viewer_resume_get(const struct ctl_viewer *v, enum library_kind kind, const char *id,
			  int64_t *position_ms, int64_t *duration_ms)
{
	if (!v || !args_ok(kind, id))
		return -EINVAL;
	const struct resume_point *r = res_find(v, kind, id);
	if (!r)
		return -ENOENT;
	*position_ms = r->position_ms;
	*duration_ms = r->duration_ms;
	return 0;
}

int ctl_viewer_watched(struct ctl_viewer *v, enum library_kind kind, const char *id)
{
	if (!v || !args_ok(kind, id))
		return -EINVAL;
	res_put(v, kind, id, 0, 0);
	struct store_param p[LIBRARY_STMT_MAX_PARAMS];
	struct store_stmt st;
	int rc = library_stmt_watched(kind, id, &st, p);
	return rc < 0 ? rc : submit(v, "resume", kind, id, &st);
}

/* ---- loading ---- */

static int load_fav(void *ud, const struct library_item *it)
{
	struct ctl_viewer *v = ud;
	char id[32];
	snprintf(id, sizeof(id), "%lld", (long long)it->id);
	return fav_insert(v, it->kind, id, true) < 0 ? -ENOMEM : 0;
}

struct hist_load {
	struct ctl_viewer *v;
	enum library_kind kind;
};

static int load_hist(void *ud, const char *id, int64_t when)
{
	struct hist_load *h = ud;
	if (!args_ok(h->kind, id))
		return 0;
	return hist_put(h->v, h->kind, id, when, true) < 0 ? -ENOMEM : 0;
}

/* Resume points exist for what was watched: look them up for the recent history. */
static void load_resume(struct ctl_viewer *v, struct library *lib)
{
	static const enum library_kind kinds[] = { LIBRARY_VOD, LIBRARY_EPISODE, LIBRARY_LIVE };
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t i = 0; i < v->hist_n[kinds[k]] && i < RESUME_LOAD_MAX; i++) {
			int64_t pos = 0, dur = 0;
			const char *id = v->hist[kinds[k]][i].id;
			if (library_resume_get(lib, kinds[k], id, &pos, &dur) == 0)
				res_put(v, kinds[k], id, pos, dur);
		}
}

int ctl_viewer_create(struct library *lib, struct store_writer *w, struct ctl_viewer **out)
{
	if (!lib || !out)
		return -EINVAL;
	struct ctl_viewer *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->w = w;
	int rc = 0;
	static const enum library_kind fav_kinds[] = { LIBRARY_LIVE, LIBRARY_VOD, LIBRARY_SERIES };
	for (size_t k = 0; rc >= 0 && k < sizeof(fav_kinds) / sizeof(fav_kinds[0]); k++)
		rc = library_favourites(lib, fav_kinds[k], load_fav, v);
	for (int k = 0; rc >= 0 && k < KINDS; k++) {
		struct hist_load h = { v, (enum library_kind)k };
		rc = library_history(lib, (enum library_kind)k, HISTORY_MAX, load_hist, &h);
	}
	if (rc < 0) {
		ctl_viewer_free(&v);
		return rc;
	}
	load_resume(v, lib);
	*out = v;
	return 0;
}

void ctl_viewer_free(struct ctl_viewer **vp)
{
	struct ctl_viewer *v = vp ? *vp : NULL;
	if (!v)
		return;
	for (int k = 0; k < KINDS; k++) {
		for (size_t i = 0; i < v->fav_n[k]; i++)
			free(v->fav[k][i]);
		free(v->fav[k]);
		free(v->hist[k]);
	}
	free(v->res);
	free(v);
	*vp = NULL;
}
