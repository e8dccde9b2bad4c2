/* SPDX-License-Identifier: MIT */
/* The viewer's writes to the guide's tables (the guide time shift) as statements for the store
 * writer (store_writer.h): the guide owns epg_shift, so its SQL lives here, while the settings screen
 * queues it and never waits on SQLite. The table must exist (epg_schema_ensure at start). */
#ifndef EPG_WRITES_H
#define EPG_WRITES_H

#include "store_writer.h"

#include <stddef.h>

enum { EPG_STMT_MAX_PARAMS = 2, EPG_KEY_MAX = 256 };

/* The shift of every guide time (channel_key NULL) or of one guide channel (its XMLTV id, any case)
 * by seconds, the statement epg_shift_set() runs. Fills *out with one statement whose parameters
 * point into params and into key (caller storage of EPG_KEY_MAX bytes for the normalized id): both
 * must stay valid until it is queued (store_writer_exec* copies them). Pure: no database, any thread.
 * 0 or -EINVAL. */
int epg_stmt_shift(const char *channel_key, int seconds, char key[EPG_KEY_MAX], struct store_stmt *out,
		   struct store_param params[EPG_STMT_MAX_PARAMS]);

#endif
