/* SPDX-License-Identifier: MIT */
/* Fuzz target for everything that reads panel JSON: the first byte picks where the body is split
 * for the incremental scanner (so chunk boundaries are fuzzed too), every element the scanner finds
 * goes through each list decoder, and the whole body through the login, details and EPG decoders
 * and the text helpers. Nothing may crash, leak or read out of bounds. */
#include "xt_decode.h"
#include "xt_jscan.h"
#include "xt_url.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_element(void *ud, const char *key, size_t key_len, const char *elem, size_t len)
{
	json_t *e = json_loadb(elem, len, JSON_DECODE_ANY, NULL);
	if (!e)
		return 0;
	struct xt_category c;
	struct xt_live l;
	struct xt_vod v;
	struct xt_series s;
	xt_decode_category(e, &c);
	xt_decode_live(e, &l);
	xt_decode_vod(e, &v);
	xt_decode_series(e, &s);
	json_decref(e);
	(*(size_t *)ud)++;
	return 0;
}

static int any_info(void *ud, const struct xt_series_info *i)
{
	return 0;
}

static int any_season(void *ud, const struct xt_season *s)
{
	return 0;
}

static int any_episode(void *ud, const struct xt_episode *e)
{
	return (int)strlen(e->id) > 40 ? -1 : 0;
}

static int any_listing(void *ud, const struct xt_epg_listing *l)
{
	return (int)strlen(l->title) >= (int)sizeof(l->title) ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t cut = data[0] % (size + 1);
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	if (cut > len)
		cut = len;

	size_t elements = 0;
	struct xt_jscan *scan = NULL;
	if (xt_jscan_create(4096, on_element, &elements, &scan) == 0) {
		if (xt_jscan_feed(scan, body, cut) == 0)
			xt_jscan_feed(scan, body + cut, len - cut);
		xt_jscan_finish(scan);
		xt_jscan_destroy(&scan);
	}

	json_t *root = json_loadb(body, len, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, NULL);
	if (root) {
		struct xt_user_info u;
		struct xt_server_info si;
		if (xt_decode_login(root, &u, &si) == 0) {
			struct xt_clock clk;
			char when[24];
			xt_clock_from_server(&si, 1700000000, &clk);
			xt_clock_panel_time(&clk, si.timestamp_now, when, sizeof(when));
		}
		struct xt_vod_info vi;
		xt_decode_vod_info(root, &vi);
		struct xt_series_visitor sv = { any_info, any_season, any_episode };
		xt_decode_series_info(root, &sv, NULL);
		xt_decode_epg(root, any_listing, NULL);
		json_decref(root);
	}

	/* the text helpers on the raw bytes as a C string */
	char text[512], out[256];
	size_t n = len < sizeof(text) - 1 ? len : sizeof(text) - 1;
	memcpy(text, body, n);
	text[n] = '\0';
	xt_base64_text(text, out, sizeof(out));
	int64_t t;
	xt_parse_wall_time(text, &t);
	xt_url_base_normalize(text, out, sizeof(out));
	char ext[16];
	xt_extension_clean(text, ext);
	return 0;
}
