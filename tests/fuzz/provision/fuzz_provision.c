/* SPDX-License-Identifier: MIT */
/* operator.json comes from an OEM's image: any bytes must give a result or a message, never a crash,
 * and a refused file must leave the defaults. */
#include "app_provision.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct app_provision p;
	char err[200];
	if (app_provision_parse((const char *)data, size, &p, err, sizeof(err)) < 0) {
		if (p.present || p.panel_count != 0 || strncmp(err, "operator.json: ", 15) != 0)
			abort();
	} else if (p.panel_count > APP_PROVISION_MAX_PANELS || !p.present) {
		abort();
	}
	return 0;
}
