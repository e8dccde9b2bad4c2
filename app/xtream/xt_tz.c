/* SPDX-License-Identifier: MIT */
/* The panel's time zone for catch-up URLs, through the one TZif reader (plat_tzif.h) so the process's
 * TZ is never touched; and the civil calendar helpers shared by the module, over plat_tzif's. */
#include "xt_url.h"
#include "xtream_internal.h"

#include "plat_tzif.h"

#include <errno.h>

int64_t xt_days_from_civil(int64_t y, int m, int d)
{
	return plat_days_from_civil(y, (unsigned)m, (unsigned)d);
}

void xt_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	unsigned um, ud;
	plat_civil_from_days(z, y, &um, &ud);
	*m = (int)um;
	*d = (int)ud;
}

int xt_tz_offset(const char *zoneinfo_dir, const char *zone, int64_t t, int *offset_s)
{
	*offset_s = 0;
	struct plat_tzif *z = NULL;
	int rc = plat_tzif_load(zoneinfo_dir, zone, &z);
	if (rc < 0)
		return rc;
	*offset_s = plat_tzif_offset_at(z, t);
	plat_tzif_free(&z);
	return 0;
}
