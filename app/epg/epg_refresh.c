/* SPDX-License-Identifier: MIT */
/* A guide refresh in the background: one thread, its own SQLite connection, the import's staging and
 * swap (so readers keep the old guide until the new one is complete), cancellation through the
 * import's cancel token (a download stuck mid-body stops at once), and the sweep of programmes older
 * than the catch-up window whatever the import's outcome. The handle owns copies of every string it
 * needs.
 *
 * Threads: epg_refresh_start/finished/cancel/join are called from the owner's thread; the worker
 * touches only the handle's copies, `cancel` (fired from the owner, plat_cancel is thread-safe) and
 * `done` (atomic), and writes rc/stats before it sets `done` (release) and the joiner reads them
 * after pthread_join. */
#include "epg_internal.h"

#include "plat_cancel.h"
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct epg_refresh {
	pthread_t thread;
	char *db_path, *source, *zone, *lang, *user_agent;
	char **keys;
	struct epg_import_opts opts;
	struct plat_cancel *cancel;
	atomic_bool done;
	int rc;
	struct epg_import_stats stats;
};

/* A refresh that failed (server down, guide refused) still drops what is older than the catch-up
 * window: the guide in force would otherwise keep its past for as long as the server is broken. A
 * successful import has swept already. */
static void sweep_anyway(struct store *s, const struct epg_import_opts *o, struct epg_import_stats *st)
{
	int64_t now = o->now ? o->now : (int64_t)time(NULL);
	int swept = epg_sweep(s, now, o->days_back);
	if (swept < 0)
		plat_log_warn("epg", "sweep: %s", epg_strerror(swept));
	else
		st->swept = swept;
}

static void *worker(void *arg)
{
	struct epg_refresh *r = arg;
	struct store *s = NULL;
	r->rc = store_open(r->db_path, &s);
	if (r->rc == 0)
		r->rc = epg_import(s, r->source, &r->opts, &r->stats);
	if (r->rc < 0 && r->rc != -ECANCELED)
		plat_log_warn("epg", "background guide refresh failed, the guide in force is kept: %s",
			      epg_strerror(r->rc));
	if (s && r->rc < 0 && r->rc != -ECANCELED && r->opts.days_back >= 0)
		sweep_anyway(s, &r->opts, &r->stats);
	store_close(&s);
	atomic_store(&r->done, true);
	return NULL;
}

static void release(struct epg_refresh *r)
{
	for (size_t i = 0; r->keys && i < r->opts.only_count; i++)
		free(r->keys[i]);
	free(r->keys);
	free(r->db_path);
	free(r->source);
	free(r->zone);
	free(r->lang);
	free(r->user_agent);
	plat_cancel_free(&r->cancel);
	free(r);
}

static bool dup_opt(const char *in, char **out)
{
	*out = NULL;
	return !in || (*out = strdup(in)) != NULL;
}

int epg_refresh_start(const char *db_path, const char *source, const struct epg_import_opts *opts,
		      struct epg_refresh **out)
{
	*out = NULL;
	struct epg_refresh *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (opts)
		r->opts = *opts;
	else
		epg_import_opts_init(&r->opts);
	bool ok = dup_opt(db_path, &r->db_path) && dup_opt(source, &r->source) &&
		  dup_opt(r->opts.zone, &r->zone) && dup_opt(r->opts.lang, &r->lang) &&
		  dup_opt(r->opts.user_agent, &r->user_agent);
	if (ok && r->opts.only_keys) {
		r->keys = calloc(r->opts.only_count ? r->opts.only_count : 1, sizeof(*r->keys));
		ok = r->keys != NULL;
		for (size_t i = 0; ok && i < r->opts.only_count; i++)
			ok = (r->keys[i] = strdup(r->opts.only_keys[i] ? r->opts.only_keys[i] : "")) != NULL;
	}
	if (ok && plat_cancel_create(&r->cancel) < 0)
		ok = false;
	if (!ok || !r->db_path || !r->source) {
		release(r);
		return !ok ? -ENOMEM : -EINVAL;
	}
	r->opts.zone = r->zone;
	r->opts.lang = r->lang;
	r->opts.user_agent = r->user_agent;
	r->opts.only_keys = (const char *const *)r->keys;
	r->opts.abort = NULL;
	r->opts.cancel = r->cancel;
	r->opts.progress = NULL;
	if (pthread_create(&r->thread, NULL, worker, r) != 0) {
		release(r);
		return -EAGAIN;
	}
	*out = r;
	return 0;
}

bool epg_refresh_finished(const struct epg_refresh *r)
{
	return atomic_load(&r->done);
}

void epg_refresh_cancel(struct epg_refresh *r)
{
	if (r)
		plat_cancel_fire(r->cancel);
}

int epg_refresh_join(struct epg_refresh **rp, struct epg_import_stats *stats)
{
	struct epg_refresh *r = rp ? *rp : NULL;
	if (!r)
		return -EINVAL;
	pthread_join(r->thread, NULL);
	int rc = r->rc;
	if (stats)
		*stats = r->stats;
	release(r);
	*rp = NULL;
	return rc;
}
