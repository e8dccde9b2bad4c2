/* SPDX-License-Identifier: MIT */
/* UI part of `qanat selftest`: FreeType loads the fonts, HarfBuzz shapes an Arabic string, FriBidi
 * orders a mixed Arabic/Latin line. */
#ifndef UI_SELFTEST_H
#define UI_SELFTEST_H

#include "plat_report.h"

void ui_selftest(struct plat_report *r);

#endif
