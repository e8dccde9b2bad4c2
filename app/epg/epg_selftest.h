/* SPDX-License-Identifier: MIT */
/* EPG part of `qanat selftest`: expat parses an XMLTV fragment from a gzip stream via zlib. */
#ifndef EPG_SELFTEST_H
#define EPG_SELFTEST_H

#include "plat_report.h"

void epg_selftest(struct plat_report *r);

#endif
