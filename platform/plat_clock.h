/* SPDX-License-Identifier: MIT */
/* Clocks: monotonic for every duration (zap time, stalls, back-off), wall clock for display and
 * beacons. Thread-safe. */
#ifndef PLAT_CLOCK_H
#define PLAT_CLOCK_H

#include <stdint.h>

/* Monotonic time since an arbitrary origin. */
uint64_t plat_clock_mono_us(void);
uint64_t plat_clock_mono_ms(void);

/* Wall clock, UNIX epoch in milliseconds. */
int64_t plat_clock_wall_ms(void);

/* Sleeps at least ms milliseconds (restarts after signals). */
void plat_clock_sleep_ms(uint32_t ms);

/* Parses a pinned clock for headless runs: epoch seconds ("1795000000") or UTC ISO 8601
 * ("2026-11-22T18:30", "2026-11-22T18:30:05Z"). Writes epoch milliseconds. Returns 0 or -EINVAL. */
int plat_clock_parse_utc(const char *text, int64_t *ms);

#endif
