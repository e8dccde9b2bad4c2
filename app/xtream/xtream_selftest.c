/* SPDX-License-Identifier: MIT */
/* jansson round trip on PHP-style JSON: escaped slashes and \u escapes with a surrogate pair. */
#include "xtream_selftest.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

void xtream_selftest(struct plat_report *r)
{
	static const char sample[] =
	    "{\"user_info\":{\"auth\":1,\"message\":\"\\u0645\\u0631\\u062d\\u0628\\u0627 \\ud83d\\udcfa\","
	    "\"allowed_output_formats\":[\"m3u8\",\"ts\"]},\"server_info\":{\"timezone\":\"Europe\\/"
	    "London\"}}";
	json_error_t err;
	json_t *root = json_loads(sample, 0, &err);
	const char *tz = json_string_value(json_object_get(json_object_get(root, "server_info"), "timezone"));
	const char *msg = json_string_value(json_object_get(json_object_get(root, "user_info"), "message"));
	/* "مرحبا 📺": 10 bytes of Arabic, a space, and a 4-byte emoji from the surrogate pair */
	int ok = tz && strcmp(tz, "Europe/London") == 0 && msg && strlen(msg) == 15;
	plat_report_add(r, "jansson", JANSSON_VERSION, ok ? 0 : -EINVAL, "%s",
			ok ? "PHP-escaped login answer decoded" : (root ? "decoded WRONGLY" : err.text));
	json_decref(root);
}
