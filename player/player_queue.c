/* SPDX-License-Identifier: MIT */
/* Bounded queues between the player's threads (ffplay's design): packets from the reader to each
 * decoder, decoded pictures from the video decoder to the presenter. A serial number, bumped on
 * every flush, marks what became stale after a seek, a reconnect or a track switch; one abort flag
 * wakes every waiter for good. Consumers wait on condition variables, never by polling. */
#include "player_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t pq_ts_us(int64_t ts, AVRational tb)
{
	if (ts == AV_NOPTS_VALUE)
		return AV_NOPTS_VALUE;
	return av_rescale_q(ts, tb, AV_TIME_BASE_Q);
}

static void cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

static void deadline_in(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

void pq_init(struct pq_packet_queue *q, struct pq_notify *notify)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	cond_init_mono(&q->cond);
	q->notify = notify;
	q->last_pts_us = AV_NOPTS_VALUE;
	q->tb = (AVRational){ 1, 90000 };
}

static void drop_all(struct pq_packet_queue *q)
{
	struct pq_node *n = q->head;
	while (n) {
		struct pq_node *next = n->next;
		av_packet_free(&n->pkt);
		free(n);
		n = next;
	}
	q->head = q->tail = NULL;
	q->count = 0;
	q->bytes = 0;
	q->duration_us = 0;
	q->last_pts_us = AV_NOPTS_VALUE;
}

void pq_destroy(struct pq_packet_queue *q)
{
	drop_all(q);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
}

int pq_put(struct pq_packet_queue *q, AVPacket *pkt)
{
	struct pq_node *n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	if (pkt) {
		n->pkt = av_packet_alloc();
		if (!n->pkt) {
			free(n);
			return -ENOMEM;
		}
		av_packet_move_ref(n->pkt, pkt);
	}
	pthread_mutex_lock(&q->lock);
	if (q->abort) {
		pthread_mutex_unlock(&q->lock);
		av_packet_free(&n->pkt);
		free(n);
		return -1;
	}
	n->serial = q->serial;
	if (q->tail)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	q->count++;
	if (n->pkt) {
		q->bytes += (size_t)n->pkt->size + sizeof(*n);
		int64_t d = n->pkt->duration > 0 ? pq_ts_us(n->pkt->duration, q->tb) : 0;
		q->duration_us += d;
		int64_t pts = pq_ts_us(n->pkt->pts != AV_NOPTS_VALUE ? n->pkt->pts : n->pkt->dts, q->tb);
		if (pts != AV_NOPTS_VALUE)
			q->last_pts_us = pts + d;
	}
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

int pq_get(struct pq_packet_queue *q, AVPacket **out, int *serial, int timeout_ms)
{
	struct timespec dl;
	if (timeout_ms >= 0)
		deadline_in(&dl, timeout_ms);
	pthread_mutex_lock(&q->lock);
	for (;;) {
		if (q->abort) {
			pthread_mutex_unlock(&q->lock);
			return -1;
		}
		if (q->head)
			break;
		if (timeout_ms < 0) {
			pthread_cond_wait(&q->cond, &q->lock);
		} else if (pthread_cond_timedwait(&q->cond, &q->lock, &dl) == ETIMEDOUT) {
			pthread_mutex_unlock(&q->lock);
			return 0;
		}
	}
	struct pq_node *n = q->head;
	q->head = n->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	if (n->pkt) {
		q->bytes -= (size_t)n->pkt->size + sizeof(*n);
		int64_t d = n->pkt->duration > 0 ? pq_ts_us(n->pkt->duration, q->tb) : 0;
		q->duration_us -= d;
		if (q->duration_us < 0)
			q->duration_us = 0;
	}
	*out = n->pkt;
	*serial = n->serial;
	pthread_mutex_unlock(&q->lock);
	free(n);
	if (q->notify) {
		pthread_mutex_lock(&q->notify->lock);
		pthread_cond_signal(&q->notify->cond);
		pthread_mutex_unlock(&q->notify->lock);
	}
	return 1;
}

int pq_flush(struct pq_packet_queue *q, AVRational tb)
{
	pthread_mutex_lock(&q->lock);
	drop_all(q);
	q->serial++;
	q->tb = tb;
	int s = q->serial;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return s;
}

void pq_abort(struct pq_packet_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->abort = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

void pq_stats(struct pq_packet_queue *q, int *count, size_t *bytes, int64_t *duration_us)
{
	pthread_mutex_lock(&q->lock);
	if (count)
		*count = q->count;
	if (bytes)
		*bytes = q->bytes;
	if (duration_us)
		*duration_us = q->duration_us;
	pthread_mutex_unlock(&q->lock);
}

int pq_serial(struct pq_packet_queue *q)
{
	pthread_mutex_lock(&q->lock);
	int s = q->serial;
	pthread_mutex_unlock(&q->lock);
	return s;
}

/* ---- frame ring ---- */

void pq_frames_init(struct pq_frame_queue *f, size_t max_bytes)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	cond_init_mono(&f->cond);
	f->max_bytes = max_bytes;
}

size_t pq_frame_bytes(const AVFrame *frame)
{
	size_t n = 0;
	for (int i = 0; i < AV_NUM_DATA_POINTERS && frame->buf[i]; i++)
		n += frame->buf[i]->size;
	return n;
}

AVFrame *pq_frames_pop_locked(struct pq_frame_queue *f)
{
	AVFrame *frame = f->frames[f->rindex];
	f->frames[f->rindex] = NULL;
	f->bytes -= f->sizes[f->rindex];
	f->sizes[f->rindex] = 0;
	f->rindex = (f->rindex + 1) % PQ_FRAMES;
	f->count--;
	pthread_cond_broadcast(&f->cond);
	return frame;
}

void pq_frames_clear(struct pq_frame_queue *f)
{
	pthread_mutex_lock(&f->lock);
	while (f->count > 0) {
		AVFrame *frame = pq_frames_pop_locked(f);
		av_frame_free(&frame);
	}
	f->eof = false;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

void pq_frames_destroy(struct pq_frame_queue *f)
{
	pq_frames_clear(f);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
}

int pq_frames_push(struct pq_frame_queue *f, AVFrame *frame, int serial)
{
	size_t size = pq_frame_bytes(frame);
	pthread_mutex_lock(&f->lock);
	/* one picture always fits, whatever its size: the resolution limit bounds that one */
	while (!f->abort &&
	       (f->count == PQ_FRAMES || (f->count > 0 && f->max_bytes && f->bytes + size > f->max_bytes)))
		pthread_cond_wait(&f->cond, &f->lock);
	if (f->abort) {
		pthread_mutex_unlock(&f->lock);
		av_frame_free(&frame);
		return -1;
	}
	int w = (f->rindex + f->count) % PQ_FRAMES;
	f->frames[w] = frame;
	f->serials[w] = serial;
	f->sizes[w] = size;
	f->bytes += size;
	f->count++;
	f->eof = false;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

void pq_frames_abort(struct pq_frame_queue *f)
{
	pthread_mutex_lock(&f->lock);
	f->abort = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}
