/* SPDX-License-Identifier: MIT */
/* Player part of `qanat selftest`: FFmpeg's libraries load, and the decoders and demuxers a panel's
 * streams need are in this build. */
#ifndef PLAYER_SELFTEST_H
#define PLAYER_SELFTEST_H

#include "plat_report.h"

void player_selftest(struct plat_report *r);

#endif
