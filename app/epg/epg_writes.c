/* SPDX-License-Identifier: MIT */
/* The SQL of the viewer's writes to epg_shift (epg_schema.c's schema) handed to the store writer as
 * statements; the same statement epg_shift_set() runs directly. */
#include "epg_writes.h"

#include "epg_internal.h"

#include <errno.h>

int epg_stmt_shift(const char *channel_key, int seconds, char key[EPG_KEY_MAX], struct store_stmt *out,
		   struct store_param params[EPG_STMT_MAX_PARAMS])
{
	if (!key || !out || !params)
		return -EINVAL;
	epg_key_normalize(channel_key, (size_t)-1, key, EPG_KEY_MAX);
	params[0] = STORE_PARAM_TEXT(key);
	params[1] = STORE_PARAM_INT64(seconds);
	*out = (struct store_stmt){ .sql = "INSERT INTO epg_shift(key, seconds) VALUES (?1, ?2)"
					   " ON CONFLICT(key) DO UPDATE SET seconds = excluded.seconds",
				    .params = params,
				    .n = 2 };
	return 0;
}
