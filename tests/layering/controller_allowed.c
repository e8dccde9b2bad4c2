/* SPDX-License-Identifier: MIT */
/* Control for the two controller checks: a controller source does see the services and its own
 * headers, so the failures above are the include rule, not a broken setup. */
#include "ctl_parental.h"
#include "library.h"

int layering_controller_allowed(void);
int layering_controller_allowed(void)
{
	return LIBRARY_LIVE;
}
