/* SPDX-License-Identifier: MIT */
/* Syncs that validate before they replace (issue 14, "Trust"), against the real local panel into a
 * real SQLite file: every hostile answer to a list (an error object with 200, items without ids,
 * wrong types, deep nesting, NUL bytes, duplicated ids, a list 99% smaller, HTML, a cut body, an
 * object instead of an array, invalid UTF-8) leaves the previous catalogue as it was - counts,
 * categories, memberships - and the report says why in one sentence; a well-formed `[]` really
 * empties a list; categories `[]` next to a cut stream list keeps both; the FTS5 index passes its
 * integrity-check after a sync. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "library.h"
#include "test_panel.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

struct env {
	struct test_panel panel;
	char dir[256], db[300];
	struct store *store;
	struct library *lib;
	struct xt_client *client;
};

/* what a viewer would see of the live catalogue */
struct snapshot {
	size_t live, vod, series, live_categories, memberships;
	int64_t first_category;
	size_t first_category_items;
};

static struct env the_env;
static struct snapshot baseline;

static size_t sql_count(struct env *e, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(e->store), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	size_t n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int on_category(void *ud, const struct library_category *c)
{
	struct snapshot *s = ud;
	if (s->live_categories++ == 0) {
		s->first_category = c->id;
		s->first_category_items = c->items;
	}
	return 0;
}

static void snap(struct env *e, struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(library_count(e->lib, LIBRARY_LIVE, -1, &s->live), 0);
	assert_int_equal(library_count(e->lib, LIBRARY_VOD, -1, &s->vod), 0);
	assert_int_equal(library_count(e->lib, LIBRARY_SERIES, -1, &s->series), 0);
	assert_true(library_categories(e->lib, LIBRARY_LIVE, on_category, s) >= 0);
	s->memberships = sql_count(e, "SELECT COUNT(*) FROM lib_member WHERE kind = 0");
}

static void assert_intact(struct env *e)
{
	struct snapshot now;
	snap(e, &now);
	assert_int_equal(now.live, baseline.live);
	assert_int_equal(now.vod, baseline.vod);
	assert_int_equal(now.series, baseline.series);
	assert_int_equal(now.live_categories, baseline.live_categories);
	assert_int_equal(now.memberships, baseline.memberships);
	assert_int_equal(now.first_category, baseline.first_category);
	assert_int_equal(now.first_category_items, baseline.first_category_items);
}

/* FTS5's own check of an external-content index against its table */
static void assert_fts_ok(struct env *e)
{
	static const char *const fts[] = { "lib_fts_live", "lib_fts_vod", "lib_fts_series" };
	for (int i = 0; i < 3; i++) {
		char sql[160];
		snprintf(sql, sizeof(sql), "INSERT INTO %s(%s, rank) VALUES('integrity-check', 1)", fts[i],
			 fts[i]);
		char *msg = NULL;
		int rc = sqlite3_exec(store_db(e->store), sql, NULL, NULL, &msg);
		if (rc != SQLITE_OK)
			fail_msg("%s integrity-check: %s", fts[i], msg ? msg : sqlite3_errstr(rc));
	}
}

static void clear_faults(struct env *e)
{
	assert_int_equal(test_panel_control(&e->panel, "DELETE", "/_control/faults", NULL), 200);
}

/* POST of a fault of any size (test_panel_control() caps its request at 4 KiB). Returns the status. */
static int post_fault(const struct env *e, const char *json)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)e->panel.port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	char head[256];
	size_t len = strlen(json);
	int n =
	    snprintf(head, sizeof(head),
		     "POST /_control/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		     len);
	assert_int_equal(write(fd, head, (size_t)n), n);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, json + off, len - off);
		assert_true(w > 0);
		off += (size_t)w;
	}
	char answer[64] = "";
	ssize_t got = read(fd, answer, sizeof(answer) - 1);
	close(fd);
	assert_true(got > 12);
	answer[got] = '\0';
	return (int)strtol(answer + 9, NULL, 10); /* "HTTP/1.0 201" */
}

/* A `status` fault answering the action with body (len bytes, NULs included; raw bytes through
 * body_b64 when b64). */
static void fault_bytes(struct env *e, const char *action, const char *body, size_t len, bool b64)
{
	char match[64];
	snprintf(match, sizeof(match), "action=%s(&|$)", action);
	json_t *f =
	    json_pack("{s:s,s:s,s:i,s:o,s:s}", "match", match, "kind", "status", "status", 200,
		      b64 ? "body_b64" : "body", json_stringn(body, len), "content_type", "application/json");
	assert_non_null(f);
	char *text = json_dumps(f, JSON_COMPACT);
	assert_int_equal(post_fault(e, text), 201);
	free(text);
	json_decref(f);
}

static void fault_body(struct env *e, const char *action, const char *body, bool b64)
{
	fault_bytes(e, action, body, strlen(body), b64);
}

static void fault_json(struct env *e, const char *json)
{
	assert_int_equal(test_panel_control(&e->panel, "POST", "/_control/faults", json), 201);
}

static int group_setup(void **state)
{
	struct env *e = &the_env;
	memset(e, 0, sizeof(*e));
	int rc = test_panel_start(&e->panel, "xc2", NULL, NULL);
	if (rc < 0)
		fail_msg("the local panel did not start: %d", rc);
	const char *tmp = getenv("TMPDIR");
	snprintf(e->dir, sizeof(e->dir), "%s/qanat-trust-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->db, sizeof(e->db), "%s/qanat.db", e->dir);
	assert_int_equal(store_open(e->db, &e->store), 0);
	assert_int_equal(library_open(e->store, &e->lib), 0);
	const char *urls[] = { e->panel.base };
	struct xt_config cfg = { .urls = urls, .url_count = 1, .username = "demo", .password = "demo" };
	assert_int_equal(xt_client_create(&cfg, &e->client), 0);
	struct library_sync_report r;
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_ALL_LISTS, &r), 0);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(r.lists[k].outcome, LIBRARY_LIST_REPLACED);
		assert_string_equal(r.lists[k].reason, "");
	}
	snap(e, &baseline);
	assert_int_equal(baseline.live, 320);
	assert_int_equal(baseline.live_categories, 20);
	assert_true(baseline.memberships >= 320 - 2);
	return 0;
}

static int group_teardown(void **state)
{
	struct env *e = &the_env;
	xt_client_destroy(&e->client);
	library_close(&e->lib);
	store_close(&e->store);
	test_panel_stop(&e->panel);
	char path[400];
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s%s", e->db, suffix[i]);
		unlink(path);
	}
	rmdir(e->dir);
	return 0;
}

/* Syncs the live list with the faults in place: kept, the catalogue intact, the reason said. */
static void expect_kept(struct env *e, const char *what, const char *reason_part)
{
	struct library_sync_report r;
	int rc = library_sync(e->lib, e->client, LIBRARY_KIND_BIT(LIBRARY_LIVE), &r);
	const struct library_list_report *l = &r.lists[LIBRARY_LIVE];
	printf("%-28s -> rc %d, kept: %s\n", what, rc, l->reason);
	assert_true(rc < 0);
	assert_int_equal(l->outcome, LIBRARY_LIST_KEPT);
	assert_true(l->err < 0);
	assert_true(strlen(l->reason) > 10);
	if (reason_part && !strstr(l->reason, reason_part))
		fail_msg("%s: the reason \"%s\" does not say \"%s\"", what, l->reason, reason_part);
	assert_int_equal(l->items, baseline.live);
	assert_int_equal(l->previous_items, baseline.live);
	clear_faults(e);
	assert_intact(e);
}

/* n copies of item (a printf format taking the index) in a JSON array */
static char *repeat(const char *item, int n)
{
	size_t cap = (size_t)n * (strlen(item) + 16) + 8, len = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	s[len++] = '[';
	for (int i = 0; i < n; i++) {
		if (i)
			s[len++] = ',';
		len += (size_t)snprintf(s + len, cap - len, item, i + 1);
	}
	s[len++] = ']';
	s[len] = '\0';
	return s;
}

static void test_unreadable_answers_keep_the_list(void **state)
{
	struct env *e = &the_env;
	fault_body(e, "get_live_streams", "{\"error\":\"Unauthorized\"}", false);
	expect_kept(e, "error object with 200", "the panel answered an error instead of the channel list");
	fault_body(e, "get_live_streams", "[{\"stream_id\":\"x\"}]", false);
	expect_kept(e, "item without a usable id", "could be read");
	fault_body(e, "get_live_streams", "[1,2,\"three\",null,true,[],{}]", false);
	expect_kept(e, "wrong-typed entries", "could be read");
	fault_body(e, "get_live_streams", "[{\"stream_id\":true},{\"stream_id\":1.5},{\"stream_id\":-4}]",
		   false);
	expect_kept(e, "ids of the wrong type", "could be read");
	fault_body(e, "get_live_streams", "{\"a\":{\"b\":1},\"c\":[1],\"d\":\"x\"}", false);
	expect_kept(e, "an object instead of a list", "could be read");
	char deep[2 * 3000 + 1];
	memset(deep, '[', 3000);
	memset(deep + 3000, ']', 3000);
	deep[6000] = '\0';
	fault_body(e, "get_live_streams", deep, false);
	expect_kept(e, "deeply nested arrays", NULL);
	/* a raw NUL byte inside every name: jansson refuses the element */
	char *nul = repeat("{\"stream_id\":%d,\"name\":\"a#b\"}", 320);
	size_t nul_len = strlen(nul);
	for (size_t i = 0; i < nul_len; i++)
		if (nul[i] == '#')
			nul[i] = '\0';
	fault_bytes(e, "get_live_streams", nul, nul_len, false);
	free(nul);
	expect_kept(e, "NUL bytes in every entry", "could be read");
	/* more than half unreadable */
	size_t cap = 320 * 40, len = 0;
	char *half = malloc(cap);
	assert_non_null(half);
	half[len++] = '[';
	for (int i = 1; i <= 320; i++)
		len += (size_t)snprintf(half + len, cap - len,
					i <= 120 ? "%s{\"stream_id\":%d}" : "%s{\"id\":%d}", i > 1 ? "," : "",
					i);
	snprintf(half + len, cap - len, "]");
	fault_body(e, "get_live_streams", half, false);
	free(half);
	expect_kept(e, "200 of 320 unreadable", "only 120 of 320 channels could be read");
}

static void test_transfer_failures_keep_the_list(void **state)
{
	struct env *e = &the_env;
	fault_json(e, "{\"match\":\"action=get_live_streams(&|$)\",\"kind\":\"truncate\",\"bytes\":1000}");
	expect_kept(e, "cut after 1000 bytes", "after 1,000 bytes");
	fault_json(e, "{\"match\":\"action=get_live_streams(&|$)\",\"kind\":\"html\"}");
	expect_kept(e, "HTML with 200", NULL);
	fault_body(e, "get_live_streams", "\"320\"", false);
	expect_kept(e, "a number as a string", NULL);
	fault_json(e, "{\"match\":\"action=get_live_streams(&|$)\",\"kind\":\"status\",\"status\":500}");
	expect_kept(e, "HTTP 500", NULL);
	fault_body(e, "get_live_streams", "", false);
	expect_kept(e, "an empty body", "empty answer");
	/* invalid and overlong UTF-8 as raw bytes (body_b64): [{"stream_id":1,"name":"\xff\xfe"}] and
	 * [{"stream_id":1,"name":"\xc0\xaf"}] */
	fault_body(e, "get_live_streams", "W3sic3RyZWFtX2lkIjoxLCJuYW1lIjoi//4ifV0=", true);
	expect_kept(e, "invalid UTF-8", NULL);
	fault_body(e, "get_live_streams", "W3sic3RyZWFtX2lkIjoxLCJuYW1lIjoiwK8ifV0=", true);
	expect_kept(e, "overlong UTF-8", NULL);
}

static void test_implausible_lists_keep_the_list(void **state)
{
	struct env *e = &the_env;
	char *dup = repeat("{\"stream_id\":1,\"name\":\"Same %d\",\"category_id\":1}", 320);
	fault_body(e, "get_live_streams", dup, false);
	free(dup);
	expect_kept(e, "320 entries with one id", "only 1 channel where the last good sync had 320");
	fault_body(e, "get_live_streams",
		   "[{\"stream_id\":1,\"name\":\"A\",\"category_id\":1},{\"stream_id\":2,\"name\":\"B\","
		   "\"category_id\":1},{\"stream_id\":3,\"name\":\"C\",\"category_id\":1}]",
		   false);
	expect_kept(e, "99% smaller", "only 3 channels where the last good sync had 320");
	/* categories [] next to a cut stream list: both kept */
	fault_body(e, "get_live_categories", "[]", false);
	fault_json(e, "{\"match\":\"action=get_live_streams(&|$)\",\"kind\":\"truncate\",\"bytes\":1000}");
	expect_kept(e, "categories [] + cut streams", "cut off");
	/* categories [] next to a whole stream list: the two disagree, both kept */
	fault_body(e, "get_live_categories", "[]", false);
	expect_kept(e, "categories [] + whole streams",
		    "listed no channel categories while 319 channels name one");
	/* categories that all fail */
	fault_body(e, "get_live_categories", "{\"error\":\"Unauthorized\"}", false);
	expect_kept(e, "categories: error object", "instead of the channel categories");
	fault_body(e, "get_live_categories", "[{\"category_name\":\"no id\"},{\"category_id\":true}]", false);
	expect_kept(e, "categories without ids", "could be read");
}

static void test_smaller_list_when_asked(void **state)
{
	struct env *e = &the_env;
	fault_body(e, "get_live_streams",
		   "[{\"stream_id\":1,\"name\":\"A\",\"category_id\":1},{\"stream_id\":2,\"name\":\"B\","
		   "\"category_id\":1},{\"stream_id\":3,\"name\":\"C\",\"category_id\":1}]",
		   false);
	struct library_sync_opts o = { .accept_smaller = true };
	struct library_sync_report r;
	assert_int_equal(library_sync_ex(e->lib, e->client, LIBRARY_KIND_BIT(LIBRARY_LIVE), &o, &r), 0);
	assert_int_equal(r.lists[LIBRARY_LIVE].outcome, LIBRARY_LIST_REPLACED);
	assert_int_equal(r.lists[LIBRARY_LIVE].items, 3);
	clear_faults(e);
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_KIND_BIT(LIBRARY_LIVE), &r), 0);
	assert_intact(e);
}

static void test_empty_list_empties(void **state)
{
	struct env *e = &the_env;
	fault_body(e, "get_live_streams", "[]", false);
	struct library_sync_report r;
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_KIND_BIT(LIBRARY_LIVE), &r), 0);
	assert_int_equal(r.lists[LIBRARY_LIVE].outcome, LIBRARY_LIST_REPLACED);
	assert_int_equal(r.lists[LIBRARY_LIVE].items, 0);
	assert_int_equal(r.lists[LIBRARY_LIVE].previous_items, 320);
	size_t n = 1;
	assert_int_equal(library_count(e->lib, LIBRARY_LIVE, -1, &n), 0);
	assert_int_equal(n, 0);
	clear_faults(e);
	/* and the next good answer fills it again */
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_KIND_BIT(LIBRARY_LIVE), &r), 0);
	assert_intact(e);
}

static void test_fts_integrity(void **state)
{
	struct env *e = &the_env;
	struct library_sync_report r;
	assert_int_equal(library_sync(e->lib, e->client, LIBRARY_ALL_LISTS, &r), 0);
	assert_fts_ok(e);
	/* the first row's search key is its folded name, found by a search */
	assert_int_equal(sql_count(e,
				   "SELECT COUNT(*) FROM lib_fts_live WHERE lib_fts_live MATCH 'qanat* news*'"
				   " AND rowid = 1"),
			 1);
}

/* Each test starts from the baseline, even after an earlier one failed half-way. */
static int test_setup(void **state)
{
	struct env *e = &the_env;
	clear_faults(e);
	struct library_sync_report r;
	return library_sync(e->lib, e->client, LIBRARY_ALL_LISTS, &r) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fts_integrity, test_setup),
		cmocka_unit_test_setup(test_unreadable_answers_keep_the_list, test_setup),
		cmocka_unit_test_setup(test_transfer_failures_keep_the_list, test_setup),
		cmocka_unit_test_setup(test_implausible_lists_keep_the_list, test_setup),
		cmocka_unit_test_setup(test_smaller_list_when_asked, test_setup),
		cmocka_unit_test_setup(test_empty_list_empties, test_setup),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
