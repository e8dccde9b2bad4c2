/* SPDX-License-Identifier: MIT */
/* The parental lock, in ONE place: which categories are locked, whether the viewer typed the PIN in
 * this session, and the single question every path asks before it plays or shows an item (the
 * channel list, a number, CH+/CH-, search, the guide, favourites, continue watching, catch-up, home
 * rows, the movie and series browser). The PIN itself is checked by the library (salted hash).
 *
 * Threads: UI thread only. */
#ifndef CTL_PARENTAL_H
#define CTL_PARENTAL_H

#include "library.h"

#include <stdbool.h>
#include <stdint.h>

struct ctl_parental;

/* lib (the UI thread's read connection) is borrowed. enabled: operator.json's features.parental_lock
 * (false: nothing is ever locked). On success *out is owned by the caller. */
int ctl_parental_create(struct library *lib, bool enabled, struct ctl_parental **out);
void ctl_parental_free(struct ctl_parental **p);

/* True once the right PIN was typed in this session (until ctl_parental_lock or the app closes);
 * always true when the lock is switched off (nothing is hidden then). */
bool ctl_parental_unlocked(const struct ctl_parental *p);
/* True when a PIN exists (else locked items cannot be opened until one is set in Settings). */
bool ctl_parental_pin_set(const struct ctl_parental *p);
/* 0 (unlocked for the session), -EACCES (wrong PIN) or -ENOENT (no PIN set). */
int ctl_parental_unlock(struct ctl_parental *p, const char *pin);
/* Locks again at once (the viewer's "lock again"; a restart does the same). */
void ctl_parental_lock(struct ctl_parental *p);

/* The one check: 0 when the item may be played or shown now, -EACCES when it is in a locked
 * category and the session is not unlocked (ask for the PIN, then ctl_parental_unlock and retry).
 * Unknown items are allowed (nothing to protect). kind: LIBRARY_LIVE, LIBRARY_VOD, LIBRARY_SERIES;
 * an episode is checked through its series. */
int ctl_parental_check(struct ctl_parental *p, enum library_kind kind, int64_t id);
/* Whether a category is hidden now (locked and not unlocked). */
bool ctl_parental_category_hidden(struct ctl_parental *p, enum library_kind kind, int64_t category);

/* Called after a catalogue sync or a change of locked categories (cached answers are dropped). The
 * lock itself keeps no copy of the library's choices: every check reads them. */
void ctl_parental_reload(struct ctl_parental *p);
/* A number that changes whenever what the lock hides may have changed (unlock, lock, reload): a
 * screen that filtered its rows keeps the value it filtered with and filters again when it moved. */
unsigned ctl_parental_generation(const struct ctl_parental *p);

#endif
