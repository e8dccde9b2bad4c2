/* SPDX-License-Identifier: MIT */
/* `qanat sync --server URL --user U --pass P [--db FILE] [--lists live,vod,series] [--accept-smaller]`
 * (or `qanat sync --m3u FILE|URL [--db FILE]`): a full library sync into the SQLite database, printing
 * per list what was replaced (counts, timings, peak memory) or kept back and why. Exit status: 0
 * every list asked for was replaced; 3 the sync ran but at least one list was kept back (its
 * previous catalogue is intact; the sentence is printed and on stderr); 1 nothing could run (the
 * database, the login); 2 usage. --accept-smaller takes a list below 10% of the last good one
 * (library.h's plausibility rule). And `qanat search QUERY [--db FILE] [--kind live|vod|series]
 * [--all] [--limit N]`: the library's full-text search over what the last sync stored. */
#include "app_commands.h"
#include "app_paths.h"

#include "library.h"
#include "plat_log.h"
#include "store.h"
#include "xtream.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#define MAX_SERVERS 8

static const char *const kind_names[] = { "live", "vod", "series" };

/* Opens the library in *db (NULL: the box's database, app_paths.h, written into buf and *db) for
 * sub-command cmd; on failure prints why and returns a negative errno. */
static int open_library(const char *cmd, const char **db, char *buf, size_t cap, struct store **s,
			struct library **lib)
{
	if (!*db) {
		if (app_paths_db(buf, cap) < 0) {
			fprintf(stderr, "qanat: %s: no place for the database; give --db FILE\n", cmd);
			return -ENOENT;
		}
		*db = buf;
	}
	int rc = store_open(*db, s);
	if (rc == 0)
		rc = library_open(*s, lib);
	if (rc < 0) {
		fprintf(stderr, "qanat: %s: cannot open the database %s: %s\n", cmd, *db, strerror(-rc));
		store_close(s);
	}
	return rc;
}

/* VmHWM of this process image: getrusage's ru_maxrss would also count the parent's memory from
 * before exec (Linux keeps it across execve), which is wrong when a big process starts qanat. */
static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmHWM:", 6) == 0) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	struct rusage ru;
	if (kb < 0)
		kb = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
	return kb;
}

static unsigned parse_lists(const char *s)
{
	unsigned kinds = 0;
	for (int k = 0; k < 3; k++)
		if (strstr(s, kind_names[k]))
			kinds |= LIBRARY_KIND_BIT(k);
	if (strstr(s, "movie"))
		kinds |= LIBRARY_KIND_BIT(LIBRARY_VOD);
	return kinds;
}

static const char *const outcome_names[] = { "untouched", "replaced", "kept" };

static json_t *list_json(const struct library_list_report *l)
{
	json_t *o =
	    json_pack("{s:b,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:f}", "ok", l->outcome == LIBRARY_LIST_REPLACED,
		      "outcome", outcome_names[l->outcome], "categories", (json_int_t)l->categories, "items",
		      (json_int_t)l->items, "skipped", (json_int_t)l->skipped, "previous_categories",
		      (json_int_t)l->previous_categories, "previous_items", (json_int_t)l->previous_items,
		      "bytes", (json_int_t)l->bytes, "seconds", l->seconds);
	if (o && l->outcome == LIBRARY_LIST_KEPT) {
		json_object_set_new(o, "reason", json_string(l->reason));
		json_object_set_new(o, "error",
				    json_string(l->err == LIBRARY_EREFUSED ? "refused" : strerror(-l->err)));
	}
	return o;
}

/* Returns true when a list asked for was kept back. */
static bool print_report(const struct library_sync_report *r, unsigned kinds, const char *db, bool json)
{
	long rss = peak_rss_kb();
	bool kept = false;
	for (int k = 0; k < 3; k++)
		kept |= (kinds & LIBRARY_KIND_BIT(k)) && r->lists[k].outcome != LIBRARY_LIST_REPLACED;
	if (json) {
		json_t *lists = json_object();
		for (int k = 0; k < 3; k++)
			if (kinds & LIBRARY_KIND_BIT(k))
				json_object_set_new(lists, kind_names[k], list_json(&r->lists[k]));
		json_t *root =
		    json_pack("{s:b,s:b,s:s,s:o,s:f,s:I}", "ok", !kept, "kept_back", kept, "db", db, "lists",
			      lists, "seconds", r->seconds, "peak_rss_kb", (json_int_t)rss);
		char *text = json_dumps(root, JSON_COMPACT);
		puts(text ? text : "{}");
		free(text);
		json_decref(root);
	} else {
		for (int k = 0; k < 3; k++) {
			if (!(kinds & LIBRARY_KIND_BIT(k)))
				continue;
			const struct library_list_report *l = &r->lists[k];
			if (l->outcome != LIBRARY_LIST_REPLACED)
				printf("%-7s kept the previous catalogue (%zu categories, %zu items): %s\n",
				       kind_names[k], l->categories, l->items,
				       l->reason[0] ? l->reason : "not synced");
			else
				printf("%-7s %4zu categories %7zu items %5zu skipped %9.1f KiB %7.3f s\n",
				       kind_names[k], l->categories, l->items, l->skipped,
				       (double)l->bytes / 1024.0, l->seconds);
		}
		printf("total   %.3f s, peak RSS %ld KiB, database %s\n", r->seconds, rss, db);
	}
	fflush(stdout);
	for (int k = 0; k < 3; k++)
		if ((kinds & LIBRARY_KIND_BIT(k)) && r->lists[k].outcome != LIBRARY_LIST_REPLACED)
			fprintf(stderr, "qanat: sync: kept the previous %s list: %s\n", kind_names[k],
				r->lists[k].reason[0] ? r->lists[k].reason : "not synced");
	return kept;
}

int app_cmd_sync(int argc, char **argv, bool json)
{
	const char *servers[MAX_SERVERS];
	size_t server_count = 0;
	const char *user = NULL, *pass = NULL, *db = NULL, *m3u = NULL;
	unsigned kinds = LIBRARY_ALL_LISTS;
	struct library_sync_opts opts = { 0 };
	for (int i = 1; i < argc; i++) {
		bool v = i + 1 < argc;
		if (strcmp(argv[i], "--accept-smaller") == 0) {
			opts.accept_smaller = true;
		} else if (strcmp(argv[i], "--server") == 0 && v) {
			if (server_count < MAX_SERVERS)
				servers[server_count++] = argv[i + 1];
			i++;
		} else if (strcmp(argv[i], "--user") == 0 && v) {
			user = argv[++i];
		} else if (strcmp(argv[i], "--pass") == 0 && v) {
			pass = argv[++i];
		} else if (strcmp(argv[i], "--db") == 0 && v) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--operator") == 0 && v) {
			i++; /* main() applied its ca_file before the command ran */
		} else if (strcmp(argv[i], "--m3u") == 0 && v) {
			m3u = argv[++i];
		} else if (strcmp(argv[i], "--lists") == 0 && v) {
			kinds = parse_lists(argv[++i]);
		} else {
			fprintf(stderr, "qanat: sync: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!m3u && (server_count == 0 || !user || !pass)) {
		fprintf(stderr,
			"qanat: sync: --server URL --user U --pass P (or --m3u FILE|URL) are required\n");
		return 2;
	}
	char dbpath[600];
	struct store *s = NULL;
	struct library *lib = NULL;
	if (open_library("sync", &db, dbpath, sizeof(dbpath), &s, &lib) < 0)
		return 1;
	int rc;
	bool kept = false;
	struct library_sync_report r;
	if (m3u) {
		kinds = LIBRARY_KIND_BIT(LIBRARY_LIVE);
		rc = library_import_m3u_ex(lib, m3u, &opts, &r);
		kept = print_report(&r, kinds, db, json);
	} else {
		struct xt_config cfg = {
			.urls = servers, .url_count = server_count, .username = user, .password = pass
		};
		struct xt_client *c = NULL;
		rc = xt_client_create(&cfg, &c);
		struct xt_login l;
		if (rc < 0) {
			fprintf(stderr, "qanat: sync: invalid server address or credentials\n");
		} else if ((rc = xt_client_login(c, &l)) < 0) {
			char msg[512];
			xt_login_message(&l, msg, sizeof(msg));
			fprintf(stderr, "qanat: sync: %s (%s)\n", msg, xt_login_outcome_name(l.outcome));
		} else {
			rc = library_sync_ex(lib, c, kinds, &opts, &r);
			kept = print_report(&r, kinds, db, json);
		}
		xt_client_destroy(&c);
	}
	library_close(&lib);
	store_close(&s);
	if (kept)
		return 3;
	return rc < 0 ? 1 : 0;
}

struct search_out {
	bool json;
	json_t *items;
};

static int print_hit(void *ud, const struct library_item *it)
{
	struct search_out *o = ud;
	if (o->json)
		json_array_append_new(o->items,
				      json_pack("{s:s,s:I,s:s?,s:I,s:b}", "kind", kind_names[it->kind], "id",
						(json_int_t)it->id, "name", it->name, "category_id",
						(json_int_t)it->category_id, "locked", it->locked));
	else
		printf("%-6s %10lld  %s%s\n", kind_names[it->kind], (long long)it->id,
		       it->name ? it->name : "(no name)", it->locked ? "  [locked]" : "");
	return 0;
}

int app_cmd_search(int argc, char **argv, bool json)
{
	const char *db = NULL, *query = NULL;
	unsigned kinds = LIBRARY_ALL_LISTS;
	bool all = false;
	size_t limit = 50;
	for (int i = 1; i < argc; i++) {
		bool v = i + 1 < argc;
		if (strcmp(argv[i], "--db") == 0 && v)
			db = argv[++i];
		else if (strcmp(argv[i], "--kind") == 0 && v)
			kinds = parse_lists(argv[++i]);
		else if (strcmp(argv[i], "--limit") == 0 && v)
			limit = (size_t)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--all") == 0)
			all = true;
		else if (!query)
			query = argv[i];
		else {
			fprintf(stderr, "qanat: search: one QUERY only (quote it)\n");
			return 2;
		}
	}
	if (!query) {
		fprintf(stderr,
			"qanat: search: QUERY [--db FILE] [--kind live|vod|series] [--all] [--limit N]\n");
		return 2;
	}
	char dbpath[600];
	struct store *s = NULL;
	struct library *lib = NULL;
	if (open_library("search", &db, dbpath, sizeof(dbpath), &s, &lib) < 0)
		return 1;
	int rc;
	struct search_out o = { .json = json, .items = json ? json_array() : NULL };
	rc = library_search(lib, query, kinds, all, limit, print_hit, &o);
	if (json && rc >= 0) {
		json_t *root = json_pack("{s:s,s:i,s:o}", "query", query, "count", rc, "items", o.items);
		char *text = json_dumps(root, JSON_COMPACT);
		puts(text ? text : "{}");
		free(text);
		json_decref(root);
	} else {
		json_decref(o.items);
		if (rc >= 0)
			printf("%d found\n", rc);
	}
	if (rc < 0)
		fprintf(stderr, "qanat: search: the search failed: %s\n", strerror(-rc));
	library_close(&lib);
	store_close(&s);
	return rc < 0 ? 1 : 0;
}
