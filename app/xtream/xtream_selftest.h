/* SPDX-License-Identifier: MIT */
/* Xtream part of `qanat selftest`: jansson decodes a login answer with the quirks of a PHP panel. */
#ifndef XTREAM_SELFTEST_H
#define XTREAM_SELFTEST_H

#include "plat_report.h"

void xtream_selftest(struct plat_report *r);

#endif
