/* SPDX-License-Identifier: MIT */
/* The viewer's own data: favourites, watch history, resume points and watched marks, as the screens
 * read them (in memory, so a change shows at once) and as the database keeps them (through the
 * store writer: the UI thread never waits on SQLite and a write is never lost to a catalogue sync
 * that holds the lock; store_writer.h). Loaded once from the database at start.
 *
 * Threads: UI thread only (the writer thread is store_writer's). */
#ifndef CTL_VIEWER_H
#define CTL_VIEWER_H

#include "library.h"
#include "store.h"
#include "store_writer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_viewer;

/* Loads favourites, history and resume points through the UI thread's read connection (lib) and
 * queues every change on w. lib and w are borrowed and must outlive the controller. On success *out
 * is owned by the caller (ctl_viewer_free). Returns 0 or a negative errno. */
int ctl_viewer_create(struct library *lib, struct store_writer *w, struct ctl_viewer **out);
/* Frees the controller (queued writes stay with the writer). Accepts NULL; nulls *v. */
void ctl_viewer_free(struct ctl_viewer **v);

/* Favourites: kind + the item's id as text (stream id, series id). Takes effect at once (in memory);
 * the database follows through the writer (key "favourite:KIND:ID"). Returns 0, -EINVAL, -ENOMEM,
 * or the writer's refusal (-EAGAIN, -ESHUTDOWN): the change is then kept in memory only. */
bool ctl_viewer_favourite_is(const struct ctl_viewer *v, enum library_kind kind, const char *id);
int ctl_viewer_favourite_set(struct ctl_viewer *v, enum library_kind kind, const char *id, bool on);
/* The favourites of one kind, most recent first; *ids borrowed until the next change. */
size_t ctl_viewer_favourites(const struct ctl_viewer *v, enum library_kind kind, const char *const **ids);

/* History (a zap, a movie started): when is the unix time. */
int ctl_viewer_history_add(struct ctl_viewer *v, enum library_kind kind, const char *id, int64_t when);
/* One history entry; id and when as ctl_viewer_history_add() recorded them. */
struct ctl_viewer_seen {
	char id[64];
	int64_t when;
};
/* The history of one kind, most recent first; *out borrowed until the next change. */
size_t ctl_viewer_history(const struct ctl_viewer *v, enum library_kind kind,
			  const struct ctl_viewer_seen **out);

/* Resume points: position and duration in ms; coalesced per item on the writer (key
 * "resume:KIND:ID"). A position of 0 or within the last 5% clears the point (library_writes.h). */
int ctl_viewer_resume_set(struct ctl_viewer *v, enum library_kind kind, const char *id, int64_t position_ms,
			  int64_t duration_ms);
/* 0 with *position_ms / *duration_ms, or -ENOENT. */
int ctl_viewer_resume_get(const struct ctl_viewer *v, enum library_kind kind, const char *id,
			  int64_t *position_ms, int64_t *duration_ms);
/* Watched to the end: the resume point goes (same key as the resume point). */
int ctl_viewer_watched(struct ctl_viewer *v, enum library_kind kind, const char *id);

#endif
