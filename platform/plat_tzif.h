/* SPDX-License-Identifier: MIT */
/* The one TZif reader (RFC 8536): the guide and catch-up URLs work in the panel's time zone without
 * touching the process's TZ (setenv + tzset are neither thread-safe nor ours to change). Reads v1
 * files and the 64-bit block of v2+ files, and evaluates the POSIX TZ rule of the footer for instants
 * after the last transition, which "slim" zone files rely on for every year after 2007. Also the
 * civil-date arithmetic (Howard Hinnant's algorithms, exact for any year). A loaded zone is
 * read-only: any thread. */
#ifndef PLAT_TZIF_H
#define PLAT_TZIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plat_tzif;

/* Parses the bytes of a TZif file. Returns 0 and *out (caller owns: plat_tzif_free()), -EINVAL when
 * they are not a valid TZif file (counts past the data, unordered transitions, a type out of
 * range...), or -ENOMEM. A footer rule that does not parse is ignored (the transitions then hold). */
int plat_tzif_parse(const uint8_t *data, size_t len, struct plat_tzif **out);

/* Loads an IANA zone ("Europe/London": letters, digits, '/', '_', '+', '-'; no '.', no leading or
 * double '/', at most 64 bytes) from dir, or when dir is NULL from $QANAT_ZONEINFO, else $TZDIR, else
 * /usr/share/zoneinfo (files over 512 KiB are refused). "UTC", "Etc/UTC" and "GMT" need no file.
 * Returns 0 and *out (caller owns: plat_tzif_free()), -ENOENT for a bad name or a missing file,
 * -EINVAL when the file is not TZif, -ENOMEM. */
int plat_tzif_load(const char *dir, const char *zone, struct plat_tzif **out);

/* A zone of one fixed offset (seconds east of UTC), for fallbacks. Same ownership. */
int plat_tzif_fixed(int offset_s, struct plat_tzif **out);

/* Accepts NULL and sets *z to NULL. */
void plat_tzif_free(struct plat_tzif **z);

/* Seconds east of UTC in force at the instant utc (seconds since the epoch). NULL gives 0. */
int plat_tzif_offset_at(const struct plat_tzif *z, int64_t utc);

/* The instant whose local wall-clock time is local (seconds since the epoch as if local were UTC):
 * in an overlap (clocks going back) the earlier instant, in a gap the one the wall clock before the
 * change would have read. NULL gives local. */
int64_t plat_tzif_utc_from_local(const struct plat_tzif *z, int64_t local);

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12, d 1-31), and back. */
int64_t plat_days_from_civil(int64_t y, unsigned m, unsigned d);
void plat_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

#endif
