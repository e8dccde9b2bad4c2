/* SPDX-License-Identifier: MIT */
/* The image cache behind image widgets and ui_draw_image(): requests never block the UI thread. A
 * request queues a job (newest first, so what is on screen now loads first; the oldest jobs are
 * dropped when the queue is full while scrolling fast); worker threads read the file, or fetch the URL
 * (the app's fetch callback, or plat_http) through a disk cache capped in bytes, and decode with FFmpeg;
 * the UI thread turns results into textures in ui_imgcache_pump(). Textures live in an LRU capped in
 * bytes; textures drawn in the current frame are never evicted.
 *
 * Locks: `lock` guards jobs, results, active and stop; `disk_lock` guards disk_bytes and the files of
 * the disk directory. Everything else (entries, LRU, counters) belongs to the UI thread. */
#include "ui_internal.h"

#include "plat_http.h"
#include "plat_log.h"
#include "plat_redact.h"

#include <fcntl.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	BUCKETS = 1024,
	ENTRIES_CAP = 4096,
	JOBS_CAP = 128,
	URL_CAP = 1024,
	FETCH_CAP = 16 << 20,
	MAX_WORKERS = 8,
};

enum state { QUEUED, READY, FAILED };

struct entry {
	struct entry *hnext, *prev, *next; /* hash chain; LRU (head = most recent) */
	uint64_t hash;
	char *url;
	enum state state;
	int err;
	SDL_Texture *tex;
	int w, h;
	size_t bytes;
	unsigned long used_frame;
};

struct job {
	uint64_t hash;
	char url[URL_CAP];
};

struct result {
	uint64_t hash;
	struct ui_pixels px;
	int err;
};

struct ui_imgcache {
	SDL_Renderer *r; /* borrowed */
	uint32_t wake_event;
	/* configuration, immutable after create */
	int max_dim;
	ui_fetch_fn fetch;
	void *fetch_user;
	char disk_dir[512];
	size_t disk_cap;
	size_t mem_cap;
	/* UI thread */
	struct entry *buckets[BUCKETS];
	struct entry *head, *tail;
	size_t n_entries, n_ready, mem_bytes;
	unsigned long frame, loaded, failed, evicted;
	/* guarded by lock */
	pthread_mutex_t lock;
	pthread_cond_t work, idle;
	struct job jobs[JOBS_CAP]; /* a stack: the newest request is served first */
	size_t n_jobs;
	struct result *results;
	size_t n_results, cap_results;
	int active;
	bool stop;
	_Atomic bool aborting; /* read by the fetch's transfer loop (plat_http's legacy flag) */
	pthread_t threads[MAX_WORKERS];
	int n_threads;
	/* guarded by disk_lock */
	pthread_mutex_t disk_lock;
	size_t disk_bytes;
};

uint64_t ui_imgcache_hash(const char *url)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return h ? h : 1;
}

/* ---- worker side ---- */

static int read_file(const char *path, uint8_t **data, size_t *len, size_t cap)
{
	*data = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	struct stat st;
	int rc = fstat(fileno(f), &st) < 0 ? -errno : (size_t)st.st_size > cap ? -EFBIG : 0;
	if (rc == 0) {
		*data = malloc(st.st_size ? (size_t)st.st_size : 1);
		if (!*data)
			rc = -ENOMEM;
		else if (fread(*data, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
			rc = -EIO;
		*len = (size_t)st.st_size;
	}
	fclose(f);
	if (rc < 0) {
		free(*data);
		*data = NULL;
	}
	return rc;
}

/* The built-in fetch for http(s): PLAT_HTTP_IMAGE's limits (time and size), interruptible by
 * ui_imgcache_destroy() within 100 ms (plat_http checks `aborting` at least that often, even when the
 * server sends nothing). *data is owned by the caller (free). */
static int http_fetch(struct ui_imgcache *c, const char *url, uint8_t **data, size_t *len)
{
	struct plat_http_request req = { .kind = PLAT_HTTP_IMAGE, .url = url, .cancel = &c->aborting };
	struct plat_http_response resp;
	int rc = plat_http_perform(&req, &resp); /* failures are logged there, the URL redacted */
	if (rc == 0 && (resp.status < 200 || resp.status > 299)) {
		char safe[256];
		plat_redact_url(url, safe, sizeof(safe));
		plat_log_info("ui", "image %s: HTTP %ld", safe, resp.status);
		rc = resp.status == 404 || resp.status == 410 ? -ENOENT : -EIO;
	}
	if (rc < 0) {
		plat_http_response_free(&resp);
		return rc;
	}
	*data = (uint8_t *)resp.body;
	*len = resp.body_len;
	return 0;
}

static void disk_path(const struct ui_imgcache *c, uint64_t hash, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%016llx.img", c->disk_dir, (unsigned long long)hash);
}

struct disk_file {
	char name[64];
	time_t mtime;
	off_t size;
};

static int by_mtime(const void *a, const void *b)
{
	const struct disk_file *x = a, *y = b;
	return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

/* Sums the cache files; with trim, deletes the oldest until 90% of the cap. disk_lock held. */
static size_t disk_scan(struct ui_imgcache *c, bool trim)
{
	DIR *d = opendir(c->disk_dir);
	if (!d)
		return 0;
	struct disk_file *files = NULL;
	size_t n = 0, cap = 0, total = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || len >= sizeof(files->name) || strcmp(e->d_name + len - 4, ".img") != 0)
			continue;
		char path[600];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", c->disk_dir, e->d_name);
		if (stat(path, &st) < 0)
			continue;
		total += (size_t)st.st_size;
		if (!trim)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct disk_file *nf = realloc(files, nc * sizeof(*nf));
			if (!nf)
				break;
			files = nf;
			cap = nc;
		}
		snprintf(files[n].name, sizeof(files[n].name), "%s", e->d_name);
		files[n].mtime = st.st_mtime;
		files[n].size = st.st_size;
		n++;
	}
	closedir(d);
	if (trim && files) {
		qsort(files, n, sizeof(*files), by_mtime);
		for (size_t i = 0; i < n && total > c->disk_cap / 10 * 9; i++) {
			char path[600];
			snprintf(path, sizeof(path), "%s/%s", c->disk_dir, files[i].name);
			if (unlink(path) == 0)
				total -= (size_t)files[i].size;
		}
	}
	free(files);
	return total;
}

static void disk_store(struct ui_imgcache *c, uint64_t hash, const uint8_t *data, size_t len)
{
	if (!c->disk_dir[0] || len > c->disk_cap / 4)
		return;
	char path[600], tmp[620];
	disk_path(c, hash, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.%lx.tmp", path, (unsigned long)pthread_self());
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return;
	bool ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	pthread_mutex_lock(&c->disk_lock);
	if (ok && rename(tmp, path) == 0) {
		c->disk_bytes += len;
		if (c->disk_bytes > c->disk_cap)
			c->disk_bytes = disk_scan(c, true);
	} else {
		unlink(tmp);
	}
	pthread_mutex_unlock(&c->disk_lock);
}

static int disk_load(struct ui_imgcache *c, uint64_t hash, uint8_t **data, size_t *len)
{
	if (!c->disk_dir[0])
		return -ENOENT;
	char path[600];
	disk_path(c, hash, path, sizeof(path));
	pthread_mutex_lock(&c->disk_lock);
	int rc = read_file(path, data, len, FETCH_CAP);
	if (rc == 0)
		utimensat(AT_FDCWD, path, NULL, 0); /* recently used: evicted last */
	pthread_mutex_unlock(&c->disk_lock);
	return rc;
}

static bool is_remote(const char *url)
{
	return strstr(url, "://") && strncmp(url, "file://", 7) != 0;
}

static int load(struct ui_imgcache *c, const struct job *j, struct ui_pixels *px)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;
	if (!is_remote(j->url)) {
		rc = read_file(strncmp(j->url, "file://", 7) == 0 ? j->url + 7 : j->url, &data, &len,
			       FETCH_CAP);
	} else if (disk_load(c, j->hash, &data, &len) == 0) {
		rc = 0;
	} else {
		bool http = strncmp(j->url, "http://", 7) == 0 || strncmp(j->url, "https://", 8) == 0;
		rc = c->fetch ? c->fetch(c->fetch_user, j->url, &data, &len, FETCH_CAP)
		     : http   ? http_fetch(c, j->url, &data, &len)
			      : -EPROTONOSUPPORT;
		if (rc == 0 && len > FETCH_CAP)
			rc = -EFBIG;
		if (rc == 0)
			disk_store(c, j->hash, data, len);
	}
	if (rc == 0)
		rc = ui_pixels_decode(data, len, c->max_dim, px);
	free(data);
	return rc;
}

static void *worker(void *arg)
{
	struct ui_imgcache *c = arg;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->stop && c->n_jobs == 0)
			pthread_cond_wait(&c->work, &c->lock);
		if (c->stop)
			break;
		struct job j = c->jobs[--c->n_jobs];
		c->active++;
		pthread_mutex_unlock(&c->lock);

		struct result res = { .hash = j.hash };
		res.err = load(c, &j, &res.px);

		pthread_mutex_lock(&c->lock);
		c->active--;
		if (c->n_results == c->cap_results) {
			size_t nc = c->cap_results ? c->cap_results * 2 : 32;
			struct result *nr = realloc(c->results, nc * sizeof(*nr));
			if (nr) {
				c->results = nr;
				c->cap_results = nc;
			}
		}
		if (c->n_results < c->cap_results)
			c->results[c->n_results++] = res;
		else
			ui_pixels_free(&res.px);
		pthread_cond_broadcast(&c->idle);
		pthread_mutex_unlock(&c->lock);
		SDL_Event ev = { .type = c->wake_event };
		if (c->wake_event != (uint32_t)-1)
			SDL_PushEvent(&ev); /* wakes the UI loop */
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* ---- UI thread side ---- */

static struct entry *find(struct ui_imgcache *c, uint64_t hash, const char *url)
{
	for (struct entry *e = c->buckets[hash % BUCKETS]; e; e = e->hnext)
		if (e->hash == hash && (!url || strcmp(e->url, url) == 0))
			return e;
	return NULL;
}

static void lru_unlink(struct ui_imgcache *c, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_front(struct ui_imgcache *c, struct entry *e)
{
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

static void entry_remove(struct ui_imgcache *c, struct entry *e)
{
	lru_unlink(c, e);
	struct entry **pp = &c->buckets[e->hash % BUCKETS];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	if (e->tex) {
		SDL_DestroyTexture(e->tex);
		c->mem_bytes -= e->bytes;
		c->n_ready--;
	}
	c->n_entries--;
	free(e->url);
	free(e);
}

/* Drops least recently used entries not drawn in this frame until under the caps. */
static void evict(struct ui_imgcache *c)
{
	struct entry *e = c->tail;
	while (e && (c->mem_bytes > c->mem_cap || c->n_entries > ENTRIES_CAP)) {
		struct entry *prev = e->prev;
		if (e->state != QUEUED && e->used_frame != c->frame) {
			if (e->state == READY)
				c->evicted++;
			entry_remove(c, e);
		}
		e = prev;
	}
}

int ui_imgcache_get(struct ui_imgcache *c, const char *url, SDL_Texture **tex, int *w, int *h)
{
	uint64_t hash = ui_imgcache_hash(url);
	struct entry *e = find(c, hash, url);
	if (e) {
		e->used_frame = c->frame;
		lru_unlink(c, e);
		lru_front(c, e);
		if (e->state == READY) {
			*tex = e->tex;
			*w = e->w;
			*h = e->h;
			return 1;
		}
		return e->state == QUEUED ? 0 : e->err;
	}
	if (strlen(url) >= URL_CAP)
		return -E2BIG;
	if (find(c, hash, NULL)) /* another URL with the same hash: rare enough to refuse */
		return -EEXIST;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->url = strdup(url))) {
		free(e);
		return -ENOMEM;
	}
	e->hash = hash;
	e->state = QUEUED;
	e->used_frame = c->frame;
	e->hnext = c->buckets[hash % BUCKETS];
	c->buckets[hash % BUCKETS] = e;
	lru_front(c, e);
	c->n_entries++;

	uint64_t dropped = 0;
	pthread_mutex_lock(&c->lock);
	if (c->n_jobs == JOBS_CAP) { /* drop the oldest request: it scrolled away long ago */
		dropped = c->jobs[0].hash;
		memmove(c->jobs, c->jobs + 1, (JOBS_CAP - 1) * sizeof(c->jobs[0]));
		c->n_jobs--;
	}
	c->jobs[c->n_jobs].hash = hash;
	snprintf(c->jobs[c->n_jobs].url, URL_CAP, "%s", url);
	c->n_jobs++;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->lock);
	if (dropped) {
		struct entry *d = find(c, dropped, NULL);
		if (d && d->state == QUEUED)
			entry_remove(c, d); /* asked again if it is still wanted */
	}
	evict(c);
	return 0;
}

int ui_imgcache_pump(struct ui_imgcache *c, void (*done)(void *user, uint64_t hash), void *user)
{
	pthread_mutex_lock(&c->lock);
	struct result *res = c->results;
	size_t n = c->n_results;
	c->results = NULL;
	c->n_results = c->cap_results = 0;
	pthread_mutex_unlock(&c->lock);
	for (size_t i = 0; i < n; i++) {
		struct entry *e = find(c, res[i].hash, NULL);
		if (!e || e->state != QUEUED) {
			ui_pixels_free(&res[i].px);
			continue;
		}
		if (res[i].err == 0) {
			e->tex = SDL_CreateTexture(c->r, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC,
						   res[i].px.width, res[i].px.height);
			if (e->tex &&
			    SDL_UpdateTexture(e->tex, NULL, res[i].px.rgba, res[i].px.width * 4) == 0) {
				SDL_SetTextureBlendMode(e->tex, SDL_BLENDMODE_BLEND);
				e->w = res[i].px.width;
				e->h = res[i].px.height;
				e->bytes = (size_t)e->w * e->h * 4;
				e->state = READY;
				c->mem_bytes += e->bytes;
				c->n_ready++;
				c->loaded++;
			} else {
				if (e->tex)
					SDL_DestroyTexture(e->tex);
				e->tex = NULL;
				res[i].err = -ENOMEM;
			}
		}
		if (res[i].err < 0) {
			char safe[256];
			plat_redact_url(e->url, safe, sizeof(safe));
			plat_log_info("ui", "image %s: cannot load (%s)", safe, strerror(-res[i].err));
			e->state = FAILED;
			e->err = res[i].err;
			c->failed++;
		}
		ui_pixels_free(&res[i].px);
		if (done)
			done(user, e->hash);
	}
	free(res);
	evict(c);
	return (int)n;
}

void ui_imgcache_frame(struct ui_imgcache *c)
{
	c->frame++;
}

bool ui_imgcache_busy(const struct ui_imgcache *c)
{
	struct ui_imgcache *m = (struct ui_imgcache *)c;
	pthread_mutex_lock(&m->lock);
	bool busy = m->n_jobs || m->active || m->n_results;
	pthread_mutex_unlock(&m->lock);
	return busy;
}

void ui_imgcache_settle(struct ui_imgcache *c, uint32_t timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->lock);
	while ((c->n_jobs || c->active) && pthread_cond_timedwait(&c->idle, &c->lock, &until) == 0)
		;
	pthread_mutex_unlock(&c->lock);
}

void ui_imgcache_stats(const struct ui_imgcache *c, struct ui_ctx_stats *s)
{
	s->images = c->n_ready;
	s->image_mem_bytes = c->mem_bytes;
	s->image_mem_cap = c->mem_cap;
	s->image_disk_cap = c->disk_dir[0] ? c->disk_cap : 0;
	s->images_loaded = c->loaded;
	s->images_failed = c->failed;
	s->images_evicted = c->evicted;
	struct ui_imgcache *m = (struct ui_imgcache *)c;
	pthread_mutex_lock(&m->disk_lock);
	s->image_disk_bytes = m->disk_bytes;
	pthread_mutex_unlock(&m->disk_lock);
}

static int mkdirs(const char *dir)
{
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(tmp, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

int ui_imgcache_create(SDL_Renderer *r, const struct ui_ctx_config *cfg, uint32_t wake_event,
		       struct ui_imgcache **out)
{
	*out = NULL;
	struct ui_imgcache *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->r = r;
	c->wake_event = wake_event;
	c->max_dim = cfg->image_max_dim > 0 ? cfg->image_max_dim : 512;
	c->fetch = cfg->fetch;
	c->fetch_user = cfg->fetch_user;
	c->mem_cap = cfg->image_mem_cap ? cfg->image_mem_cap : (size_t)48 << 20;
	c->disk_cap = cfg->image_disk_cap ? cfg->image_disk_cap : (size_t)64 << 20;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->disk_lock, NULL);
	pthread_cond_init(&c->work, NULL);
	pthread_cond_init(&c->idle, NULL);
	if (cfg->image_disk_dir && *cfg->image_disk_dir) {
		if (strlen(cfg->image_disk_dir) >= sizeof(c->disk_dir) - 32 ||
		    mkdirs(cfg->image_disk_dir) < 0) {
			plat_log_warn("ui", "image disk cache %s unusable: memory cache only",
				      cfg->image_disk_dir);
		} else {
			snprintf(c->disk_dir, sizeof(c->disk_dir), "%s", cfg->image_disk_dir);
			c->disk_bytes = disk_scan(c, false);
			if (c->disk_bytes > c->disk_cap)
				c->disk_bytes = disk_scan(c, true);
		}
	}
	int n = cfg->image_workers > 0 ? cfg->image_workers : 2;
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	for (int i = 0; i < n; i++)
		if (pthread_create(&c->threads[c->n_threads], NULL, worker, c) == 0)
			c->n_threads++;
	if (c->n_threads == 0) {
		ui_imgcache_destroy(&c);
		return -EAGAIN;
	}
	*out = c;
	return 0;
}

void ui_imgcache_destroy(struct ui_imgcache **cp)
{
	struct ui_imgcache *c = cp ? *cp : NULL;
	if (!c)
		return;
	atomic_store(&c->aborting, true);
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_broadcast(&c->work);
	pthread_mutex_unlock(&c->lock);
	for (int i = 0; i < c->n_threads; i++)
		pthread_join(c->threads[i], NULL);
	for (size_t i = 0; i < c->n_results; i++)
		ui_pixels_free(&c->results[i].px);
	free(c->results);
	while (c->head)
		entry_remove(c, c->head);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->disk_lock);
	pthread_cond_destroy(&c->work);
	pthread_cond_destroy(&c->idle);
	free(c);
	*cp = NULL;
}
