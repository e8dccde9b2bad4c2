/* SPDX-License-Identifier: MIT */
/* `qanat qoe`: for support staff. `show` prints the QoE records queued in the box's database exactly
 * as they would be sent now (CMCD lines per target, or JSON); `config` checks the qoe part of an
 * operator.json and prints the targets it would send to (credentials redacted). */
#include "app_commands.h"
#include "app_paths.h"
#include "plat_redact.h"
#include "qoe.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr,
		"usage: qanat qoe show [--db FILE] [--json] | qanat qoe config OPERATOR_JSON [--json]\n");
	return 2;
}

static int show(int argc, char **argv, bool json)
{
	char dbpath[600];
	const char *db = app_paths_db(dbpath, sizeof(dbpath)) == 0 ? dbpath : "qanat.db";
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else
			return usage();
	}
	if (access(db, R_OK) != 0) {
		fprintf(stderr, "qanat: qoe show: no database at %s (see --db)\n", db);
		return 1;
	}
	int n = qoe_queue_print(db, stdout, json);
	if (n < 0) {
		fprintf(stderr, "qanat: qoe show: cannot read the queue in %s: %s\n", db, strerror(-n));
		return 1;
	}
	if (!json)
		printf("# %d records queued\n", n);
	return 0;
}

static int config(int argc, char **argv, bool json)
{
	if (argc != 3)
		return usage();
	json_error_t jerr;
	json_t *file = json_load_file(argv[2], JSON_DECODE_ANY, &jerr);
	if (!file) {
		fprintf(stderr, "qanat: qoe config: %s: line %d: %s\n", argv[2], jerr.line, jerr.text);
		return 1;
	}
	char *text = json_dumps(file, JSON_ENCODE_ANY);
	json_decref(file);
	struct qoe_config c;
	char err[200] = "";
	qoe_config_defaults(&c);
	int rc = text ? qoe_config_from_json(text, &c, err, sizeof(err)) : -1;
	free(text);
	if (rc < 0) {
		fprintf(stderr, "qanat: qoe config: %s: %s\n", argv[2], err);
		return 1;
	}
	json_t *out = json_pack("{s:b, s:[]}", "enabled", c.enabled, "targets");
	for (int i = 0; i < c.ntargets; i++) {
		char url[512];
		plat_redact_url(c.targets[i].url, url, sizeof(url));
		json_array_append_new(json_object_get(out, "targets"),
				      json_pack("{s:s, s:b, s:s, s:f, s:i, s:i}", "url", url, "auth",
						c.targets[i].auth[0] != '\0', "format",
						c.targets[i].format == QOE_FORMAT_JSON ? "json" : "cmcd",
						"interval_s", c.targets[i].interval_ms / 1000.0, "batch",
						(int)c.targets[i].batch, "events_mask",
						(int)c.targets[i].events));
		if (!json)
			printf("target %d: %s (%s, every %.1f s or %u records%s)\n", i, url,
			       c.targets[i].format == QOE_FORMAT_JSON ? "JSON envelope" : "application/cmcd",
			       c.targets[i].interval_ms / 1000.0, c.targets[i].batch,
			       c.targets[i].auth[0] ? ", with Authorization" : "");
	}
	if (json) {
		json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		printf("qoe beacons: %s\n", c.enabled ? "on" : "off");
	}
	json_decref(out);
	return 0;
}

int app_cmd_qoe(int argc, char **argv, bool json)
{
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return show(argc, argv, json);
	if (argc >= 2 && strcmp(argv[1], "config") == 0)
		return config(argc, argv, json);
	return usage();
}
