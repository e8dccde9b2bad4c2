/* SPDX-License-Identifier: MIT */
/* Platform part of `qanat selftest`: SDL video (dummy driver, software renderer, one frame drawn and
 * read back), SDL audio (dummy driver opened), libcurl initialised. Main thread only. */
#ifndef PLAT_SELFTEST_H
#define PLAT_SELFTEST_H

#include "plat_report.h"

/* Appends one check per library to r; never aborts. */
void plat_selftest(struct plat_report *r);

#endif
