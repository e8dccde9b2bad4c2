/* SPDX-License-Identifier: MIT */
/* `qanat selftest`: every linked library really initialised, one line (or one JSON object) each. */
#include "app_commands.h"
#include "epg_selftest.h"
#include "plat_selftest.h"
#include "player_selftest.h"
#include "qanat_config.h"
#include "store_selftest.h"
#include "ui_selftest.h"
#include "xtream_selftest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static void print_json(const struct plat_report *r)
{
	json_t *checks = json_array();
	for (size_t i = 0; i < r->count; i++) {
		const struct plat_check *c = &r->checks[i];
		json_array_append_new(checks, json_pack("{s:s,s:s,s:s,s:b}", "name", c->name, "version",
							c->version, "detail", c->detail, "ok", c->rc >= 0));
	}
	json_t *root = json_pack("{s:s,s:s,s:b,s:o}", "version", QANAT_VERSION, "arch", QANAT_ARCH, "ok",
				 plat_report_failures(r) == 0, "checks", checks);
	char *text = json_dumps(root, JSON_COMPACT);
	puts(text ? text : "{}");
	free(text);
	json_decref(root);
}

int app_cmd_selftest(int argc, char **argv, bool json)
{
	struct plat_report r = { 0 };
	plat_selftest(&r);
	player_selftest(&r);
	ui_selftest(&r);
	store_selftest(&r);
	xtream_selftest(&r);
	epg_selftest(&r);

	if (json) {
		print_json(&r);
	} else {
		printf("qanat %s (%s) selftest\n", QANAT_VERSION, QANAT_ARCH);
		for (size_t i = 0; i < r.count; i++) {
			const struct plat_check *c = &r.checks[i];
			printf("  %-4s %-15s %-36s %s\n", c->rc >= 0 ? "ok" : "FAIL", c->name, c->version,
			       c->detail);
		}
	}
	size_t failed = plat_report_failures(&r);
	if (failed) {
		fprintf(stderr, "qanat: selftest: %zu of %zu checks failed\n", failed, r.count);
		return 1;
	}
	if (!json)
		printf("all %zu checks passed\n", r.count);
	return 0;
}
