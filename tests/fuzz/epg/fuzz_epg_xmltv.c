/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the XMLTV path: the bytes go through the whole import (gzip detection, expat
 * with entities refused, times, languages, the staging tables and the swap) into an in-memory
 * database with tiny batches, and the guide that results is queried. Invariants checked: no crash
 * or leak, every programme stored ends after it starts, and so does every slot of the guide. */
#include "epg.h"
#include "store.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store *s = NULL;
	if (store_open(":memory:", &s) < 0)
		return 0;
	struct epg_import_opts o;
	epg_import_opts_init(&o);
	o.zone = "Europe/London";
	o.lang = "ar";
	o.now = 1795348800;
	o.days_back = o.days_forward = -1;
	o.batch_rows = 7;
	struct epg_import_stats st;
	if (epg_import_buffer(s, data, size, &o, &st) == 0) {
		sqlite3_stmt *q = NULL;
		sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM epg_programme WHERE stop <= start", -1,
				   &q, NULL);
		if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) != 0)
			abort();
		sqlite3_finalize(q);
		int ids[2] = { 1, 2 };
		struct epg_map_row rows[2] = { { 1, "a", "A" }, { 2, "b", "B" } };
		epg_map_channels(s, rows, 2, NULL);
		struct epg_slot slots[8];
		size_t n;
		epg_guide_window(s, ids, 2, 0, INT64_MAX / 4, "ar", slots, 8, &n);
		for (size_t i = 0; i < n; i++)
			if (slots[i].stop <= slots[i].start)
				abort();
		epg_search(s, "a", 0, NULL, slots, 8, &n);
	}
	store_close(&s);
	return 0;
}
