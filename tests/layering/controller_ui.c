/* SPDX-License-Identifier: MIT */
/* Must NOT compile: a controller (app/controllers) may not see the toolkit; ui/ is not on the include
 * path of qanat_controllers, so screens stay above the models they render. */
#include "ui.h"

int layering_controller_ui(void);
int layering_controller_ui(void)
{
	return 0;
}
