/* SPDX-License-Identifier: MIT */
/* Helpers shared by the files of app/xtream only (not part of the module's API). */
#ifndef XTREAM_INTERNAL_H
#define XTREAM_INTERNAL_H

#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's algorithms). */
int64_t xt_days_from_civil(int64_t y, int m, int d);
void xt_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

#endif
