/* SPDX-License-Identifier: MIT */
/* The channel line-up and zapping: the panel's full list (a channel's number is its place in it, as
 * on the panel's M3U), the order CH+/CH- follow (the list the viewer last zapped from), numbers typed
 * on the remote, recall (the previous channel), and the parental lock applied to every one of those
 * paths through ctl_parental_check(). Screens ask the line-up for a channel to play and hand the
 * answer to playback; no screen decides on its own whether a locked channel may play.
 *
 * Threads: UI thread only. */
#ifndef CTL_LINEUP_H
#define CTL_LINEUP_H

#include "ctl_parental.h"
#include "library.h"

#include <stddef.h>
#include <stdint.h>

struct ctl_lineup;

/* lib (UI thread's read connection) and parental are borrowed. On success *out is owned by the
 * caller (ctl_lineup_free). */
int ctl_lineup_create(struct library *lib, struct ctl_parental *parental, struct ctl_lineup **out);
void ctl_lineup_free(struct ctl_lineup **l);

/* Reloads the full list after a catalogue sync. */
void ctl_lineup_reload(struct ctl_lineup *l);

/* The number shown for a channel (its place in the full list), 0 when unknown. */
int64_t ctl_lineup_number(const struct ctl_lineup *l, int64_t stream_id);
/* The channel with that number, 0 when none. Locked channels have numbers too: the gate is
 * ctl_lineup_zap (a number typed for a locked channel asks for the PIN). */
int64_t ctl_lineup_by_number(const struct ctl_lineup *l, int64_t number);

/* The order CH+/CH- follow from now on (the list, the guide or search the viewer zapped from); ids
 * are copied. n == 0: the full list. */
void ctl_lineup_set_zap_list(struct ctl_lineup *l, const int64_t *ids, size_t n);
/* The order CH+/CH- follow now (the full list when none was set); *ids borrowed until the next
 * ctl_lineup_set_zap_list or ctl_lineup_reload. Returns the count. */
size_t ctl_lineup_zap_list(const struct ctl_lineup *l, const int64_t **ids);
/* The full list in the panel's order (a channel's number is its index + 1); *ids borrowed until the
 * next ctl_lineup_reload. */
size_t ctl_lineup_channels(const struct ctl_lineup *l, const int64_t **ids);
/* The channel delta steps away from stream_id in the zap list (wrapping round), skipping channels
 * the parental lock hides (they neither count as a step nor are landed on); 0 when none. A stream_id
 * not in the list steps from its start (delta > 0) or its end. */
int64_t ctl_lineup_neighbour(struct ctl_lineup *l, int64_t stream_id, int delta);

/* Where a zap comes from (for history, QoE and the lock's tests). */
enum ctl_zap_from {
	CTL_ZAP_LIST,
	CTL_ZAP_NUMBER,
	CTL_ZAP_CHUPDOWN,
	CTL_ZAP_RECALL,
	CTL_ZAP_SEARCH,
	CTL_ZAP_GUIDE,
	CTL_ZAP_FAVOURITES,
	CTL_ZAP_CONTINUE,
	CTL_ZAP_CATCHUP,
	CTL_ZAP_HOME
};

/* The one gate before a channel plays: 0 when stream_id may play now (the zap is recorded for
 * recall), -EACCES when the parental lock holds it (the caller asks for the PIN, unlocks through
 * ctl_parental_unlock and asks again), -ENOENT when the channel is not in the line-up. */
int ctl_lineup_zap(struct ctl_lineup *l, int64_t stream_id, enum ctl_zap_from from);
/* The channel recall goes back to (the one before the current), 0 when none; hand it to
 * ctl_lineup_zap like any other (it may have been locked again since). */
int64_t ctl_lineup_recall(const struct ctl_lineup *l);
/* The channel playing now (last successful ctl_lineup_zap), 0 when none. */
int64_t ctl_lineup_current(const struct ctl_lineup *l);

#endif
