/* SPDX-License-Identifier: MIT */
/* Control for the layering tests: what player/ may include compiles. */
#include "plat_log.h"
#include "player_selftest.h"

void layering_allowed(void);
void layering_allowed(void)
{
	plat_log_debug("layering", "ok");
}
