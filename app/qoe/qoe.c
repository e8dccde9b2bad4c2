/* SPDX-License-Identifier: MIT */
/* The QoE service: its lifetime, the hand-off of records from any thread to the worker, and the
 * worker loop that writes them to the queue and decides when each target is sent a batch. */
#include "qoe_internal.h"

#include "plat_clock.h"
#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define CLOCK_SET_AFTER_MS 1704067200000LL /* 2024-01-01: earlier readings mean "not set yet" */
#define WRITE_CHUNK 128

void qoe_config_defaults(struct qoe_config *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	c->backoff_base_ms = 2000;
	c->backoff_cap_ms = 300000;
	c->connect_timeout_ms = 5000;
	c->timeout_ms = 10000;
	c->flush_cap_ms = 1000;
	c->max_rows = 5000;
	c->max_bytes = 1u << 20;
	c->max_age_ms = 24u * 3600u * 1000u;
	c->max_body = 64u * 1024u;
}

int64_t qoe_wall_now(struct qoe *q)
{
	int64_t w = q->cfg.wall_ms ? q->cfg.wall_ms(q->cfg.wall_ctx) : plat_clock_wall_ms();
	if (!q->cfg.wall_ms && w < CLOCK_SET_AFTER_MS)
		return -1;
	return w > 0 ? w : -1;
}

uint64_t qoe_random(struct qoe *q)
{
	/* xorshift64*: jitter needs spread, not secrecy */
	q->rng ^= q->rng >> 12;
	q->rng ^= q->rng << 25;
	q->rng ^= q->rng >> 27;
	return q->rng * 2685821657736338717ull;
}

void qoe_uuid4(char out[QOE_SID_LEN])
{
	unsigned char b[16];
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* no entropy source: time and address still make a collision unlikely */
		uint64_t t = plat_clock_mono_us() ^ (uint64_t)(uintptr_t)out ^ (uint64_t)plat_clock_wall_ms();
		for (size_t i = 0; i < sizeof(b); i++) {
			t = t * 6364136223846793005ull + 1442695040888963407ull;
			b[i] = (unsigned char)(t >> 56);
		}
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, QOE_SID_LEN, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
}

static void read_boot_id(char *out, size_t cap)
{
	out[0] = '\0';
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (!fgets(out, (int)cap, f))
			out[0] = '\0';
		fclose(f);
	}
	out[strcspn(out, "\n")] = '\0';
}

/* Makes room in a full ring: the oldest e=t goes first, else the oldest record. */
static void ring_drop_one(struct qoe *q)
{
	size_t victim = 0;
	for (size_t i = 0; i < q->ring_count; i++) {
		if (strcmp(q->ring[(q->ring_head + i) % QOE_RING].event, "t") == 0) {
			victim = i;
			break;
		}
	}
	size_t at = (q->ring_head + victim) % QOE_RING;
	json_decref(q->ring[at].rec);
	for (size_t i = victim; i > 0; i--)
		q->ring[(q->ring_head + i) % QOE_RING] = q->ring[(q->ring_head + i - 1) % QOE_RING];
	q->ring_head = (q->ring_head + 1) % QOE_RING;
	q->ring_count--;
	q->stats.dropped_memory++;
}

void qoe_push_locked(struct qoe *q, json_t *rec, const char *sid, const char *event, bool urgent,
		     uint64_t mono_us, uint32_t targets)
{
	if (!rec)
		return;
	if (!targets || !q->reporting || !q->cfg.enabled || q->stop) {
		json_decref(rec);
		return;
	}
	if (q->ring_count == QOE_RING)
		ring_drop_one(q);
	struct qoe_pending *p = &q->ring[(q->ring_head + q->ring_count) % QOE_RING];
	memset(p, 0, sizeof(*p));
	p->rec = rec;
	snprintf(p->sid, sizeof(p->sid), "%s", sid);
	snprintf(p->event, sizeof(p->event), "%s", event);
	p->urgent = urgent;
	uint64_t now_us = plat_clock_mono_us();
	if (!mono_us || mono_us > now_us)
		mono_us = now_us;
	p->mono_ms = mono_us / 1000u;
	int64_t wall = qoe_wall_now(q);
	p->wall_ms = wall >= 0 ? wall - (int64_t)((now_us - mono_us) / 1000u) : -1;
	p->targets = targets;
	q->ring_count++;
	q->pushed++;
	q->stats.recorded++;
	pthread_cond_signal(&q->wake);
}

/* Writes what callers handed over; q->lock held on entry and exit. Returns whether it did work. */
static bool write_pending(struct qoe *q)
{
	if (q->purge) {
		q->purge = false;
		for (; q->ring_count; q->ring_count--, q->ring_head = (q->ring_head + 1) % QOE_RING)
			json_decref(q->ring[q->ring_head].rec);
		q->written = q->pushed;
		pthread_mutex_unlock(&q->lock);
		qoe_db_purge(q);
		for (int t = 0; t < q->cfg.ntargets; t++)
			q->ts[t].unsent = 0;
		pthread_mutex_lock(&q->lock);
		q->stats.queued = 0;
		pthread_cond_broadcast(&q->done);
		return true;
	}
	if (!q->ring_count)
		return false;
	struct qoe_pending chunk[WRITE_CHUNK];
	size_t n = 0;
	for (; n < WRITE_CHUNK && q->ring_count; n++) {
		chunk[n] = q->ring[q->ring_head];
		q->ring_head = (q->ring_head + 1) % QOE_RING;
		q->ring_count--;
	}
	pthread_mutex_unlock(&q->lock);
	qoe_db_insert(q, chunk, n);
	uint64_t dropped = 0, total = 0;
	qoe_db_enforce_caps(q, &dropped);
	if (dropped)
		for (int t = 0; t < q->cfg.ntargets; t++)
			qoe_db_count(q, t, &q->ts[t].unsent);
	qoe_db_total(q, &total);
	for (size_t i = 0; i < n; i++)
		json_decref(chunk[i].rec);
	pthread_mutex_lock(&q->lock);
	q->written += n;
	q->stats.dropped_cap += dropped;
	q->stats.queued = total;
	pthread_cond_broadcast(&q->done);
	return true;
}

/* Whether target t should get a POST now; else *wake_at (monotonic ms) is lowered to when it will. */
static bool target_due(struct qoe *q, int t, uint64_t now, bool flushing, uint64_t *wake_at)
{
	struct qoe_target_state *ts = &q->ts[t];
	if (ts->gone || ts->unsent == 0)
		return false;
	if (qoe_wall_now(q) < 0) {
		/* records wait for the clock (NTP) so that their ts can be fixed up */
		if (now + 1000u < *wake_at)
			*wake_at = now + 1000u;
		return false;
	}
	if (now < ts->backoff_until_ms) {
		if (ts->backoff_until_ms < *wake_at)
			*wake_at = ts->backoff_until_ms;
		return false;
	}
	if (flushing || ts->urgent || ts->unsent >= q->cfg.targets[t].batch)
		return true;
	uint64_t at = ts->oldest_mono_ms + q->cfg.targets[t].interval_ms;
	if (now >= at)
		return true;
	if (at < *wake_at)
		*wake_at = at;
	return false;
}

static void *worker(void *arg)
{
	struct qoe *q = arg;
	pthread_mutex_lock(&q->lock);
	for (;;) {
		if (write_pending(q))
			continue;
		uint64_t now = plat_clock_mono_ms();
		if (q->stop && now >= q->stop_deadline_ms)
			break; /* the shutdown flush is capped */
		bool flushing = q->flush_until_ms != 0;
		if (flushing && now >= q->flush_until_ms)
			flushing = false;
		uint64_t wake_at = UINT64_MAX;
		int due = -1;
		for (int t = 0; t < q->cfg.ntargets && due < 0; t++)
			if (target_due(q, t, now, flushing, &wake_at))
				due = t;
		if (due >= 0) {
			uint64_t deadline = q->flush_capped ? q->flush_until_ms : 0;
			pthread_mutex_unlock(&q->lock);
			qoe_send_batch(q, due, deadline);
			uint64_t total = 0;
			qoe_db_total(q, &total);
			pthread_mutex_lock(&q->lock);
			q->stats.queued = total;
			continue;
		}
		if (q->flush_until_ms) {
			/* nothing more can go now: the flush is over */
			q->flush_until_ms = 0;
			q->flush_capped = false;
			pthread_cond_broadcast(&q->done);
		}
		if (q->stop)
			break;
		if (wake_at == UINT64_MAX) {
			pthread_cond_wait(&q->wake, &q->lock);
		} else {
			uint64_t wait_ms = wake_at > now ? wake_at - now : 0;
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += (time_t)(wait_ms / 1000u);
			ts.tv_nsec += (long)(wait_ms % 1000u) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&q->wake, &q->lock, &ts);
		}
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

static void free_qoe(struct qoe *q)
{
	plat_http_session_free(q->http);
	store_close(&q->db);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->wake);
	pthread_cond_destroy(&q->done);
	free(q);
}

int qoe_create(const struct qoe_config *cfg, const char *db_path, struct qoe **out)
{
	*out = NULL;
	struct qoe *q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->cfg = *cfg;
	if (q->cfg.ntargets > QOE_MAX_TARGETS)
		q->cfg.ntargets = QOE_MAX_TARGETS;
	for (int t = 0; t < q->cfg.ntargets; t++) {
		struct qoe_target_config *tc = &q->cfg.targets[t];
		if (!tc->batch)
			tc->batch = 20;
		if (!tc->interval_ms)
			tc->interval_ms = 30000;
		if (!tc->events)
			tc->events = QOE_EVENT_ALL;
	}
	q->reporting = true;
	read_boot_id(q->boot_id, sizeof(q->boot_id));
	qoe_uuid4(q->app_sid);
	q->rng = plat_clock_mono_us() ^ ((uint64_t)(uintptr_t)q << 17) ^ 0x9e3779b97f4a7c15ull;
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&q->done, NULL);

	int rc = store_open(db_path, &q->db);
	if (rc == 0)
		rc = qoe_db_migrate(q->db);
	if (rc == 0 && (!q->cfg.enabled || q->cfg.ntargets == 0))
		rc = qoe_db_purge(q); /* the operator switched beacons off: nothing may leave the box */
	if (rc == 0)
		rc = qoe_db_load_targets(q);
	if (rc == 0) {
		for (int t = 0; t < q->cfg.ntargets; t++)
			if (q->ts[t].gone)
				q->stats.gone_targets |= 1u << t;
		qoe_db_total(q, &q->stats.queued);
		q->http = plat_http_session_new();
		if (!q->http)
			rc = -ENOMEM;
	}
	if (rc == 0 && pthread_create(&q->thread, NULL, worker, q) != 0)
		rc = -EAGAIN;
	if (rc < 0) {
		free_qoe(q);
		return rc;
	}
	*out = q;
	return 0;
}

void qoe_destroy(struct qoe **qp)
{
	struct qoe *q = qp ? *qp : NULL;
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	qoe_session_stop_locked(q);
	q->stop = true;
	q->stop_deadline_ms = plat_clock_mono_ms() + q->cfg.flush_cap_ms;
	q->flush_until_ms = q->stop_deadline_ms;
	q->flush_capped = true;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	free_qoe(q);
	*qp = NULL;
}

void qoe_set_reporting(struct qoe *q, bool on)
{
	pthread_mutex_lock(&q->lock);
	if (q->reporting && !on) {
		q->play.active = false;
		q->purge = true;
		pthread_cond_signal(&q->wake);
	}
	q->reporting = on;
	pthread_mutex_unlock(&q->lock);
}

static int wait_done(struct qoe *q, uint64_t deadline_ms, bool (*finished)(struct qoe *))
{
	int rc = 0;
	while (!finished(q)) {
		uint64_t now = plat_clock_mono_ms();
		if (now >= deadline_ms) {
			rc = -ETIMEDOUT;
			break;
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t step = deadline_ms - now < 100 ? deadline_ms - now : 100;
		ts.tv_nsec += (long)step * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&q->done, &q->lock, &ts);
	}
	return rc;
}

static bool all_written(struct qoe *q)
{
	return q->written >= q->pushed && !q->purge;
}

static bool flushed(struct qoe *q)
{
	return all_written(q) && q->flush_until_ms == 0;
}

int qoe_sync(struct qoe *q, uint32_t timeout_ms)
{
	pthread_mutex_lock(&q->lock);
	int rc = wait_done(q, plat_clock_mono_ms() + timeout_ms, all_written);
	pthread_mutex_unlock(&q->lock);
	return rc;
}

int qoe_flush(struct qoe *q, uint32_t timeout_ms)
{
	pthread_mutex_lock(&q->lock);
	uint64_t deadline = plat_clock_mono_ms() + timeout_ms;
	int rc = wait_done(q, deadline, all_written);
	if (rc == 0) {
		q->flush_until_ms = deadline;
		q->flush_capped = false;
		pthread_cond_signal(&q->wake);
		rc = wait_done(q, deadline, flushed);
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

void qoe_stats_get(struct qoe *q, struct qoe_stats *out)
{
	pthread_mutex_lock(&q->lock);
	*out = q->stats;
	pthread_mutex_unlock(&q->lock);
}
