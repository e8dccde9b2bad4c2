/* SPDX-License-Identifier: MIT */
/* Must NOT compile: a controller may not include the screens' header (app/screens/app.h): no circle
 * between the models and the screens that render them. */
#include "app.h"

int layering_controller_screens(void);
int layering_controller_screens(void)
{
	return 0;
}
