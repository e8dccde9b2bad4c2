/* SPDX-License-Identifier: MIT */
/* MUST NOT compile: a player/ source reaching up into ui/. */
#include "player_selftest.h"
#include "ui_selftest.h"

void layering_violation(void);
void layering_violation(void)
{
	ui_selftest(NULL);
}
