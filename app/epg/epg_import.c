/* SPDX-License-Identifier: MIT */
/* XMLTV import: a source (file, stdin, memory, or an http(s) URL downloaded through the box's HTTP
 * layer, plat_http_perform with kind PLAT_HTTP_GUIDE, and parsed in its on_data callback as data
 * arrives) feeds the streaming reader; each record goes into the staging tables through prepared
 * statements in batched transactions; a guide that kept no programme is refused; otherwise the
 * staging tables are swapped in and programmes older than the catch-up window swept. The channel table lives in memory as a small hash (ids are short and a guide has
 * thousands of channels, not millions: capped), everything else streams through.
 *
 * Locks: the staging tables live in a database file of their own (epg_stage_attach), so the batch
 * transactions, open while bytes arrive, lock only that file; the main database is locked once, by
 * the swap, which copies finished rows and index pages and never waits for the network. A cancel
 * token (opts->cancel) wakes a download stuck mid-body at once (the HTTP layer's request token).
 *
 * Resume: every batch commits the number of <programme> elements consumed so far together with a
 * fingerprint of the source (a file's path, size and mtime). An import that meets an interrupted
 * staging import of the same source skips that many programmes instead of inserting them again. A
 * download has no fingerprint (the HTTP layer does not hand out ETag/Last-Modified) and starts
 * over. */
#include "epg_internal.h"

#include "plat_cancel.h"
#include "plat_http.h"
#include "plat_redact.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define CHANNELS_MAX 200000
#define DEFAULT_BATCH 10000

struct chan_entry {
	char *key;     /* normalised id; NULL = empty slot */
	int64_t id;    /* row id in epg_channel_new, 0 = not inserted */
	bool keep;     /* false: filtered out by the keep set */
	bool declared; /* seen as <channel> (not only referenced by programmes) */
};

struct chan_table {
	struct chan_entry *slots;
	size_t cap, count;
};

struct strset {
	char **slots;
	size_t cap, count;
};

struct importer {
	sqlite3 *db;
	const struct epg_import_opts *o;
	struct epg_import_stats *st;
	sqlite3_stmt *ins_prog, *ins_chan, *upd_chan;
	struct chan_table chans;
	struct strset keep_keys, keep_names;
	bool filtering;
	int64_t t_min, t_max; /* window */
	int64_t consumed;     /* <programme> elements seen */
	int64_t skip;         /* consumed elements already stored by an interrupted run */
	int64_t in_batch;
	int batch;
	char fingerprint[300];
	bool in_txn;
	int err;
};

/* ---------------------------------------------------------------------------------------------- */
/* Hash tables (FNV-1a, open addressing, power-of-two capacity) */

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct chan_entry *chan_find(struct chan_table *t, const char *key, bool *found)
{
	size_t mask = t->cap - 1, i = (size_t)fnv(key) & mask;
	while (t->slots[i].key && strcmp(t->slots[i].key, key) != 0)
		i = (i + 1) & mask;
	*found = t->slots[i].key != NULL;
	return &t->slots[i];
}

static int chan_grow(struct chan_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4096;
	struct chan_entry *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	struct chan_table n = { slots, cap, 0 };
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].key)
			continue;
		bool found;
		*chan_find(&n, t->slots[i].key, &found) = t->slots[i];
	}
	n.count = t->count;
	free(t->slots);
	*t = n;
	return 0;
}

/* The entry for key, created (not kept, not inserted) when new. NULL when full or out of memory. */
static struct chan_entry *chan_get(struct chan_table *t, const char *key, bool *created)
{
	*created = false;
	if ((t->count + 1) * 2 > t->cap && (t->count >= CHANNELS_MAX || chan_grow(t) < 0))
		return NULL;
	bool found;
	struct chan_entry *e = chan_find(t, key, &found);
	if (found)
		return e;
	if (!(e->key = strdup(key)))
		return NULL;
	t->count++;
	*created = true;
	return e;
}

static void chan_free(struct chan_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].key);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static int set_add(struct strset *s, const char *v)
{
	if (!v[0])
		return 0;
	if ((s->count + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		char **slots = calloc(cap, sizeof(*slots));
		if (!slots)
			return -ENOMEM;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slots[i])
				continue;
			size_t j = (size_t)fnv(s->slots[i]) & (cap - 1);
			while (slots[j])
				j = (j + 1) & (cap - 1);
			slots[j] = s->slots[i];
		}
		free(s->slots);
		s->slots = slots;
		s->cap = cap;
	}
	size_t j = (size_t)fnv(v) & (s->cap - 1);
	while (s->slots[j]) {
		if (strcmp(s->slots[j], v) == 0)
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	if (!(s->slots[j] = strdup(v)))
		return -ENOMEM;
	s->count++;
	return 0;
}

static bool set_has(const struct strset *s, const char *v)
{
	if (!s->cap || !v[0])
		return false;
	size_t j = (size_t)fnv(v) & (s->cap - 1);
	while (s->slots[j]) {
		if (strcmp(s->slots[j], v) == 0)
			return true;
		j = (j + 1) & (s->cap - 1);
	}
	return false;
}

static void set_free(struct strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------------------------------------- */
/* Transactions and statements */

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_errno(rc);
}

static int batch_commit(struct importer *im, bool reopen)
{
	int rc = 0;
	if (im->in_txn) {
		if (im->fingerprint[0]) {
			rc = epg_stage_meta_set_int(im->db, "staging_consumed", im->consumed);
			if (rc == 0)
				rc = epg_stage_meta_set_text(im->db, "staging_source", im->fingerprint);
		}
		if (rc == 0)
			rc = epg_sql_run(im->db, "COMMIT");
		im->in_txn = false;
		if (rc < 0)
			return rc;
		if (im->o->progress)
			im->o->progress(im->o->progress_user, im->consumed, im->st->bytes_in);
	}
	if (reopen) {
		/* deferred: its first write locks the staging file only, never the main database */
		rc = epg_sql_run(im->db, "BEGIN");
		im->in_txn = rc == 0;
	}
	im->in_batch = 0;
	return rc;
}

static int prepare(struct importer *im)
{
	static const char prog[] =
	    "INSERT OR IGNORE INTO epg_stage.epg_programme_new(channel, start, stop, title, lang, subtitle, "
	    "descr, category, episode, icon, rating, alt_langs, alt_titles, alt_subs, alt_descs, id) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
	static const char chan[] =
	    "INSERT INTO epg_stage.epg_channel_new(key, raw_id, name, name_norm, icon) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(key) DO NOTHING";
	static const char upd[] =
	    "UPDATE epg_stage.epg_channel_new SET name = ?2, name_norm = ?3, icon = ?4, raw_id = ?5 "
	    "WHERE id = ?1";
	int rc = sqlite3_prepare_v3(im->db, prog, -1, SQLITE_PREPARE_PERSISTENT, &im->ins_prog, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(im->db, chan, -1, SQLITE_PREPARE_PERSISTENT, &im->ins_chan, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(im->db, upd, -1, SQLITE_PREPARE_PERSISTENT, &im->upd_chan, NULL);
	return store_errno(rc);
}

static int load_keep_set(struct importer *im)
{
	const struct epg_import_opts *o = im->o;
	char key[256];
	int rc = 0;
	for (size_t i = 0; o->only_keys && i < o->only_count && rc == 0; i++) {
		epg_key_normalize(o->only_keys[i], (size_t)-1, key, sizeof(key));
		rc = set_add(&im->keep_keys, key);
	}
	im->filtering = o->only_keys != NULL;
	if (!o->only_mapped || rc < 0)
		return rc;
	im->filtering = true;
	sqlite3_stmt *st = NULL;
	rc = store_errno(sqlite3_prepare_v2(im->db, "SELECT key, name_norm FROM epg_map", -1, &st, NULL));
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		rc = set_add(&im->keep_keys, (const char *)sqlite3_column_text(st, 0));
		if (rc == 0)
			rc = set_add(&im->keep_names, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc;
}

/* An interrupted run's channels, so resumed programmes find their rows. */
static int load_staged_channels(struct importer *im)
{
	sqlite3_stmt *st = NULL;
	int rc = store_errno(
	    sqlite3_prepare_v2(im->db, "SELECT key, id FROM epg_stage.epg_channel_new", -1, &st, NULL));
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		bool created;
		struct chan_entry *e =
		    chan_get(&im->chans, (const char *)sqlite3_column_text(st, 0), &created);
		if (!e) {
			rc = -ENOMEM;
			break;
		}
		e->id = sqlite3_column_int64(st, 1);
		e->keep = e->declared = true;
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---------------------------------------------------------------------------------------------- */
/* Sink */

static int chan_insert(struct importer *im, struct chan_entry *e, const char *raw, const char *name,
		       const char *icon)
{
	char norm[256];
	epg_key_normalize(name, (size_t)-1, norm, sizeof(norm));
	sqlite3_bind_text(im->ins_chan, 1, e->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->ins_chan, 2, raw, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->ins_chan, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->ins_chan, 4, norm, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->ins_chan, 5, icon && icon[0] ? icon : NULL, -1, SQLITE_STATIC);
	int rc = step_done(im->ins_chan);
	if (rc == 0)
		e->id = sqlite3_last_insert_rowid(im->db);
	return rc;
}

static int on_channel(void *user, const struct epg_xml_channel *c)
{
	struct importer *im = user;
	char key[256], name[256];
	if (epg_key_normalize(c->id, (size_t)-1, key, sizeof(key)) == 0)
		return 0;
	epg_key_normalize(c->name, (size_t)-1, name, sizeof(name));
	bool created;
	struct chan_entry *e = chan_get(&im->chans, key, &created);
	if (!e)
		return 0; /* past the channel cap: its programmes will be rejected */
	if (e->declared)
		return 0; /* a duplicate <channel>: the first one wins */
	e->declared = true;
	if (created)
		e->keep = !im->filtering || set_has(&im->keep_keys, key) || set_has(&im->keep_names, name);
	if (!e->keep)
		return 0;
	if (e->id == 0)
		return chan_insert(im, e, c->id, c->name, c->icon);
	/* programmes referred to it before its <channel>: fill in the name now */
	sqlite3_bind_int64(im->upd_chan, 1, e->id);
	sqlite3_bind_text(im->upd_chan, 2, c->name, -1, SQLITE_STATIC);
	char norm[256];
	epg_key_normalize(c->name, (size_t)-1, norm, sizeof(norm));
	sqlite3_bind_text(im->upd_chan, 3, norm, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->upd_chan, 4, c->icon[0] ? c->icon : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->upd_chan, 5, c->id, -1, SQLITE_STATIC);
	return step_done(im->upd_chan);
}

/* Index of the variant in the preferred language, else 0. */
static size_t pick(const struct epg_xml_text *t, size_t n, const char *lang)
{
	for (size_t i = 0; lang && i < n; i++)
		if (epg_lang_match(t[i].lang, lang))
			return i;
	return 0;
}

/* The other variants of a field, in the order of the title languages, joined with \x1e. */
static const char *alt_join(char *buf, size_t cap, const struct epg_xml_text *t, size_t n, size_t primary,
			    const struct epg_xml_text *by_lang, size_t n_lang, size_t lang_primary,
			    bool langs)
{
	size_t len = 0;
	bool any = false;
	for (size_t i = 0; i < n_lang; i++) {
		if (i == lang_primary)
			continue;
		const char *v = "";
		if (langs) {
			v = by_lang[i].lang;
		} else {
			for (size_t j = 0; j < n; j++)
				if (j != primary && strcmp(t[j].lang, by_lang[i].lang) == 0) {
					v = t[j].text;
					break;
				}
		}
		size_t vl = strlen(v);
		if (len + vl + 2 >= cap)
			break;
		if (any)
			buf[len++] = '\x1e';
		memcpy(buf + len, v, vl);
		len += vl;
		any = true;
	}
	buf[len] = '\0';
	return any ? buf : NULL;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* The channel entry a programme goes to, or NULL when it is dropped (counted). */
static struct chan_entry *programme_channel(struct importer *im, const char *raw)
{
	char key[256];
	if (epg_key_normalize(raw, (size_t)-1, key, sizeof(key)) == 0) {
		im->st->rejected++;
		return NULL;
	}
	bool created;
	struct chan_entry *e = chan_get(&im->chans, key, &created);
	if (!e) {
		im->st->rejected++;
		return NULL;
	}
	if (created)
		e->keep = !im->filtering || set_has(&im->keep_keys, key);
	if (!e->keep) {
		im->st->filtered++;
		return NULL;
	}
	if (e->id == 0 && chan_insert(im, e, raw, "", NULL) < 0)
		return NULL;
	return e;
}

static int insert_programme(struct importer *im, int64_t channel, const struct epg_xml_programme *p)
{
	const char *lang = im->o->lang;
	size_t ti = pick(p->title, p->n_title, lang);
	const struct epg_xml_text *title = &p->title[ti];
	/* subtitle and description follow the chosen title's language when they have it */
	const char *tl = title->lang[0] ? title->lang : lang;
	size_t si = pick(p->sub, p->n_sub, tl), di = pick(p->desc, p->n_desc, tl);
	char alt_langs[64], alt_titles[EPG_TITLE_MAX * 2], alt_subs[EPG_TITLE_MAX * 2],
	    alt_descs[EPG_TEXT_MAX * 2];
	sqlite3_stmt *st = im->ins_prog;
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, p->start);
	sqlite3_bind_int64(st, 3, p->stop);
	sqlite3_bind_int64(st, 16, epg_prog_id(channel, p->start));
	sqlite3_bind_text(st, 4, title->text, -1, SQLITE_STATIC);
	bind_text_or_null(st, 5, title->lang);
	bind_text_or_null(st, 6, p->n_sub ? p->sub[si].text : NULL);
	bind_text_or_null(st, 7, p->n_desc ? p->desc[di].text : NULL);
	bind_text_or_null(st, 8, p->categories);
	bind_text_or_null(st, 9, p->episode);
	bind_text_or_null(st, 10, p->icon);
	bind_text_or_null(st, 11, p->rating);
	if (p->n_title > 1) {
		sqlite3_bind_text(
		    st, 12,
		    alt_join(alt_langs, sizeof(alt_langs), NULL, 0, 0, p->title, p->n_title, ti, true), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 13,
				  alt_join(alt_titles, sizeof(alt_titles), p->title, p->n_title, ti, p->title,
					   p->n_title, ti, false),
				  -1, SQLITE_STATIC);
		bind_text_or_null(st, 14,
				  alt_join(alt_subs, sizeof(alt_subs), p->sub, p->n_sub, si, p->title,
					   p->n_title, ti, false));
		bind_text_or_null(st, 15,
				  alt_join(alt_descs, sizeof(alt_descs), p->desc, p->n_desc, di, p->title,
					   p->n_title, ti, false));
	} else {
		for (int i = 12; i <= 15; i++)
			sqlite3_bind_null(st, i);
	}
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_errno(rc);
	if (sqlite3_changes(im->db) == 0)
		im->st->duplicates++;
	return 0;
}

static bool cancelled(const struct importer *im)
{
	return (im->o->abort && atomic_load(im->o->abort)) || plat_cancel_fired(im->o->cancel);
}

static int on_programme(void *user, const struct epg_xml_programme *p)
{
	struct importer *im = user;
	if (cancelled(im))
		return im->err = -ECANCELED;
	im->consumed++;
	if (im->consumed > im->skip) {
		if (p->bad_time || !p->has_stop || p->stop <= p->start || p->start <= 0 ||
		    p->start >= EPG_START_MAX) {
			im->st->rejected++;
		} else if (p->stop <= im->t_min || p->start >= im->t_max) {
			im->st->out_of_window++;
		} else {
			struct chan_entry *e = programme_channel(im, p->channel);
			int rc = 0;
			if (e && p->n_title == 0) {
				struct epg_xml_programme copy = *p;
				copy.n_title = 1;
				copy.title[0].lang = "";
				copy.title[0].text = "";
				rc = insert_programme(im, e->id, &copy);
			} else if (e) {
				rc = insert_programme(im, e->id, p);
			}
			if (rc < 0)
				return im->err = rc;
		}
	}
	if (++im->in_batch >= im->batch) {
		int rc = batch_commit(im, true);
		if (rc < 0)
			return im->err = rc;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* Sources */

struct source {
	struct importer *im;
	struct epg_xmltv *x;
};

static int begin_staging(struct importer *im, const char *fingerprint)
{
	char staged[sizeof(im->fingerprint)] = "";
	int64_t consumed = 0;
	if (fingerprint && !im->o->no_resume &&
	    epg_stage_meta_get_text(im->db, "staging_source", staged, sizeof(staged)) == 0 &&
	    strcmp(staged, fingerprint) == 0 &&
	    epg_stage_meta_get_int(im->db, "staging_consumed", &consumed) == 0 && consumed > 0) {
		im->skip = consumed;
		im->st->resumed_from = consumed;
		plat_log_info("epg", "resuming an interrupted import after %lld programmes",
			      (long long)consumed);
		int rc = load_staged_channels(im);
		if (rc < 0)
			return rc;
	} else {
		int rc = epg_staging_create(im->db);
		if (rc < 0)
			return rc;
	}
	snprintf(im->fingerprint, sizeof(im->fingerprint), "%s", fingerprint ? fingerprint : "");
	int rc = prepare(im);
	if (rc == 0)
		rc = batch_commit(im, true);
	return rc;
}

static int feed(struct source *src, const void *data, size_t len)
{
	src->im->st->bytes_in += len;
	int rc = epg_xmltv_feed(src->x, data, len);
	if (rc < 0 && src->im->err)
		rc = src->im->err;
	return rc;
}

/* A download through the box's HTTP layer (kind PLAT_HTTP_GUIDE: its timeouts, low-speed limit and
 * caps, TLS rules, redirects). The body streams into the reader as it arrives. */
struct url_ctx {
	struct source src;
	bool started; /* the first body bytes arrived: staging begun */
	long status;
	int staging_rc;
};

/* Staging starts with the first body byte of a successful answer, so an error page never touches
 * it. The HTTP layer hands out no validators (ETag, Last-Modified), so a download is not resumed:
 * it starts over (a file still is). */
static bool on_guide_data(void *user, long status, const char *data, size_t len)
{
	struct url_ctx *u = user;
	if (!u->started) {
		u->started = true;
		u->status = status;
		if (status >= 400)
			return false;
		u->staging_rc = begin_staging(u->src.im, NULL);
		if (u->staging_rc < 0)
			return false;
	}
	return feed(&u->src, data, len) >= 0;
}

/* The import's result for a finished transfer: the HTTP status, the reader's or the importer's own
 * error when it stopped the transfer, else the layer's typed error (epg_strerror words each). */
static int url_result(struct importer *im, struct url_ctx *u, int rc, const struct plat_http_response *resp,
		      const char *shown)
{
	long status = resp->status ? resp->status : u->status;
	if (status >= 400) {
		const char *why = plat_http_status_sentence(status);
		plat_log_warn("epg", "%s: HTTP %ld (%s)", shown, status, why ? why : "an error");
		return EPG_E_HTTP;
	}
	if (u->staging_rc < 0)
		return u->staging_rc;
	if (rc == PLAT_HTTP_ESINK) {
		rc = im->err ? im->err : epg_xmltv_feed(u->src.x, "", 0);
		return rc < 0 ? rc : -EIO;
	}
	if (rc < 0)
		return rc; /* PLAT_HTTP_E*: logged by the layer, worded by epg_strerror */
	if (!u->started)
		return begin_staging(im, NULL); /* an empty body: the reader reports "no XML" */
	return 0;
}

static int fetch_url(struct importer *im, const char *url, struct epg_xmltv *x)
{
	struct url_ctx u = { .src = { .im = im, .x = x } };
	char shown[256];
	plat_redact_url(url, shown, sizeof(shown));
	struct plat_http_request req = {
		.kind = PLAT_HTTP_GUIDE,
		.url = url,
		.user_agent = im->o->user_agent,
		.on_data = on_guide_data,
		.on_data_user = &u,
		.cancel = im->o->abort,
		.token = im->o->cancel,
	};
	struct plat_http_response resp;
	int rc = plat_http_perform(&req, &resp);
	if (resp.received)
		im->st->bytes_in = resp.received; /* as received: compressed under Content-Encoding */
	rc = url_result(im, &u, rc, &resp, shown);
	plat_http_response_free(&resp);
	return rc;
}

static int fetch_file(struct importer *im, const char *path, struct epg_xmltv *x)
{
	bool std_in = strcmp(path, "-") == 0;
	FILE *f = std_in ? stdin : fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? -ENOENT : errno == EACCES ? -EACCES : -EIO;
	char fp[300];
	struct stat sb;
	bool resumable = !std_in && fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode);
	if (resumable)
		snprintf(fp, sizeof(fp), "file:%016llx:%lld:%lld", (unsigned long long)fnv(path),
			 (long long)sb.st_size, (long long)sb.st_mtime);
	int rc = begin_staging(im, resumable ? fp : NULL);
	struct source src = { .im = im, .x = x };
	char *buf = malloc(256 * 1024);
	if (!buf)
		rc = rc < 0 ? rc : -ENOMEM;
	while (rc == 0) {
		size_t n = fread(buf, 1, 256 * 1024, f);
		if (n == 0) {
			if (ferror(f))
				rc = -EIO;
			break;
		}
		rc = cancelled(im) ? -ECANCELED : feed(&src, buf, n);
	}
	free(buf);
	if (!std_in)
		fclose(f);
	return rc;
}

/* ---------------------------------------------------------------------------------------------- */
/* Driver */

void epg_import_opts_init(struct epg_import_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->days_back = EPG_CATCHUP_DAYS;
	o->days_forward = 14;
	o->batch_rows = DEFAULT_BATCH;
}

static double mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void importer_release(struct importer *im)
{
	sqlite3_finalize(im->ins_prog);
	sqlite3_finalize(im->ins_chan);
	sqlite3_finalize(im->upd_chan);
	im->ins_prog = im->ins_chan = im->upd_chan = NULL;
	chan_free(&im->chans);
	set_free(&im->keep_keys);
	set_free(&im->keep_names);
}

static int count_rows(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_errno(rc);
}

/* The guide kind's cap on decoded bytes, applied to the XML whatever its source: a file, and a gzip
 * body the panel sends without Content-Encoding (which the HTTP layer cannot see is compressed, so
 * the reader inflates it) are held to it as well as a body the layer decoded. */
static uint64_t guide_xml_cap(void)
{
	return plat_http_policy_for(PLAT_HTTP_GUIDE)->max_decoded;
}

enum source_kind { SRC_FILE, SRC_URL, SRC_BUFFER };

/* Feeds the source through the reader into the staging tables (batches commit as they fill). */
static int read_source(struct importer *im, enum source_kind kind, const char *source, const void *data,
		       size_t len, const struct epg_zone *zone)
{
	struct epg_xmltv *x = NULL;
	struct epg_xml_sink sink = { im, on_channel, on_programme };
	int rc = epg_xmltv_create(zone, &sink, &x);
	if (rc == 0) {
		epg_xmltv_set_max_xml(x, guide_xml_cap());
		if (kind == SRC_URL) {
			rc = fetch_url(im, source, x);
		} else if (kind == SRC_FILE) {
			rc = fetch_file(im, source, x);
		} else {
			rc = begin_staging(im, NULL);
			struct source src = { .im = im, .x = x };
			if (rc == 0)
				rc = feed(&src, data, len);
		}
	}
	if (rc == 0)
		rc = epg_xmltv_finish(x);
	if (rc < 0 && im->err)
		rc = im->err;
	if (x && rc < 0 && epg_xmltv_error_detail(x)[0])
		plat_log_warn("epg", "import failed: %s (%s)", epg_strerror(rc), epg_xmltv_error_detail(x));
	if (x) {
		im->st->gzip = epg_xmltv_is_gzip(x);
		im->st->bytes_xml = epg_xmltv_bytes_xml(x);
		im->st->repaired = epg_xmltv_repaired(x);
		if (im->st->repaired)
			plat_log_info("epg", "%llu ill-formed or forbidden characters replaced by U+FFFD",
				      (unsigned long long)im->st->repaired);
	}
	epg_xmltv_free(&x);
	return rc;
}

/* A fired token interrupts the index build in the staging database at once. */
static void interrupt_db(void *db)
{
	sqlite3_interrupt(db);
}

static int index_staged(struct importer *im)
{
	struct plat_cancel_watch w;
	if (cancelled(im) || plat_cancel_watch(im->o->cancel, &w, interrupt_db, im->db) < 0)
		return -ECANCELED;
	int rc = epg_staging_index(im->db);
	plat_cancel_unwatch(im->o->cancel, &w);
	return cancelled(im) ? -ECANCELED : rc;
}

/* A guide that would leave the box with no programme is refused, and the reason is the most
 * specific one that applies to what was read (resumed programmes were kept by an earlier run). */
static int refuse_empty(const struct importer *im)
{
	const struct epg_import_stats *st = im->st;
	if (st->programmes > 0)
		return 0;
	int64_t read = im->consumed - im->skip;
	int64_t in_window = read - st->rejected - st->out_of_window;
	int rc = im->consumed == 0      ? EPG_E_EMPTY
		 : read == st->rejected ? EPG_E_INVALID
		 : in_window <= 0       ? EPG_E_STALE
					: EPG_E_NOMATCH;
	plat_log_warn("epg",
		      "guide refused, the one in force is kept: %s (%lld programmes read: %lld invalid, "
		      "%lld outside the window, %lld on channels not kept)",
		      epg_strerror(rc), (long long)read, (long long)st->rejected,
		      (long long)st->out_of_window, (long long)st->filtered);
	return rc;
}

/* Staged, counted, refused when empty, indexed, then swapped in: the only time the main database is
 * locked. */
static int finish_import(struct importer *im, int64_t now)
{
	struct epg_import_stats *st = im->st;
	int rc = count_rows(im->db, "SELECT count(*) FROM epg_stage.epg_programme_new", &st->programmes);
	if (rc == 0)
		rc = count_rows(im->db, "SELECT count(*) FROM epg_stage.epg_channel_new", &st->channels);
	if (rc == 0)
		rc = refuse_empty(im);
	double t_index = mono_seconds();
	if (rc == 0)
		rc = index_staged(im);
	double t_swap = mono_seconds();
	if (rc == 0)
		rc = cancelled(im) ? -ECANCELED : epg_staging_swap(im->db, now);
	if (rc == 0)
		st->swap_seconds = mono_seconds() - t_swap;
	plat_log_info("epg", "import: %.3f s indexing in the staging file, %.3f s in the swap transaction",
		      t_swap - t_index, st->swap_seconds);
	return rc;
}

static int run_import(struct store *s, enum source_kind kind, const char *source, const void *data,
		      size_t len, const struct epg_import_opts *opts, struct epg_import_stats *stats_out)
{
	struct epg_import_opts defaults;
	if (!opts) {
		epg_import_opts_init(&defaults);
		opts = &defaults;
	}
	struct epg_import_stats stats = { 0 };
	double t0 = mono_seconds();
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	struct importer im = { .db = store_db(s), .o = opts, .st = &stats };
	im.batch = opts->batch_rows > 0 ? opts->batch_rows : DEFAULT_BATCH;
	int64_t now = opts->now ? opts->now : (int64_t)time(NULL);
	im.t_min = opts->days_back < 0 ? INT64_MIN : now - (int64_t)opts->days_back * 86400;
	im.t_max = opts->days_forward < 0 ? INT64_MAX : now + (int64_t)opts->days_forward * 86400;
	struct epg_zone *zone = NULL;
	if (epg_zone_load(opts->zone, opts->zone_offset_s, &zone) == -ENOMEM)
		return -ENOMEM;
	char stage[1100];
	rc = epg_stage_attach(im.db, stage, sizeof(stage));
	if (rc == 0)
		rc = load_keep_set(&im);
	if (rc == 0)
		rc = read_source(&im, kind, source, data, len, zone);
	epg_zone_free(&zone);
	if (rc == 0)
		rc = batch_commit(&im, false);
	else if (im.in_txn)
		batch_commit(&im, false); /* keep what a resumed import can reuse */
	importer_release(&im);
	if (rc == 0)
		rc = finish_import(&im, now);
	/* a staging file that was swapped in, refused, or that no later import can resume, is deleted */
	bool refused = rc <= EPG_E_EMPTY && rc >= EPG_E_INVALID;
	epg_stage_detach(im.db, stage, rc == 0 || refused || !im.fingerprint[0]);
	if (rc == 0 && opts->days_back >= 0) {
		/* the guide just swapped in kept only its window; older short-EPG rows go now */
		int swept = epg_sweep(s, now, opts->days_back);
		if (swept < 0)
			plat_log_warn("epg", "sweep after the import: %s", epg_strerror(swept));
		stats.swept = swept > 0 ? swept : 0;
	}
	stats.seconds = mono_seconds() - t0;
	if (stats_out)
		*stats_out = stats;
	return rc;
}

int epg_import(struct store *s, const char *source, const struct epg_import_opts *opts,
	       struct epg_import_stats *stats)
{
	bool url = strncmp(source, "http://", 7) == 0 || strncmp(source, "https://", 8) == 0;
	return run_import(s, url ? SRC_URL : SRC_FILE, source, NULL, 0, opts, stats);
}

int epg_import_buffer(struct store *s, const void *data, size_t len, const struct epg_import_opts *opts,
		      struct epg_import_stats *stats)
{
	return run_import(s, SRC_BUFFER, NULL, data, len, opts, stats);
}
