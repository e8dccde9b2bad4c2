/* SPDX-License-Identifier: MIT */
/* libFuzzer entry point for headless script lines (ui_script_check and ui_script_parse_line, no
 * renderer): scripts come from test authors and from `qanat --script FILE` on a box, and a snap or
 * state name becomes a file name, so it must never carry a path. Any bytes must parse or give
 * "line N: reason"; a parsed line keeps its ranges (count, wait) and names stay plain. */
#include "ui_script.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* abort(), not assert(): the checks must hold in release builds too */
#define CHECK(c) ((c) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(char *line)
{
	struct ui_script_cmd c;
	char err[256];
	int rc = ui_script_parse_line(line, &c, err, sizeof(err));
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc < 0) {
		CHECK(rc == -EINVAL && err[0] != '\0');
		return;
	}
	CHECK(rc == 0 && c.cmd != NULL && c.arg != NULL);
	switch (c.op) {
	case UI_SCRIPT_KEY:
		CHECK(c.action > PLAT_ACT_NONE && c.action < PLAT_ACT_COUNT);
		CHECK(c.count >= 1 && c.count <= 1000000);
		break;
	case UI_SCRIPT_WAIT:
		CHECK(c.ms <= 600000);
		break;
	case UI_SCRIPT_SNAP:
	case UI_SCRIPT_STATE:
		CHECK(c.arg[0] != '\0' && strlen(c.arg) <= 100);
		CHECK(strspn(c.arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
		      strlen(c.arg)); /* no '/', so DIR/NAME.png stays in DIR */
		break;
	case UI_SCRIPT_OTHER:
		CHECK(c.cmd[0] != '\0' && c.cmd[0] != '#' && !strpbrk(c.cmd, " \t"));
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char err[256];
	int rc = ui_script_check(text, err, sizeof(err));
	CHECK(rc == 0 || (rc == -EINVAL && strncmp(err, "line ", 5) == 0));
	/* each line on its own too, past the first error */
	for (char *p = text, *nl; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		check_line(p);
	}
	free(text);
	return 0;
}
