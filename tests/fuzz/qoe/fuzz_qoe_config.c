/* SPDX-License-Identifier: MIT */
/* libFuzzer entry point for the QoE section of operator.json (qoe_config_from_json): an OEM writes
 * the file by hand and it reaches boxes in the field. Any bytes must give a configuration that keeps
 * the parser's promises (targets within QOE_MAX_TARGETS, http(s) URLs, no header injection through
 * auth, known events, a positive batch, QoE on only with a target) or -EINVAL with a message, and QoE
 * off; never a crash or a leak. */
#include "qoe.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* abort(), not assert(): the checks must hold in release builds too */
#define CHECK(c) ((c) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_target(const struct qoe_target_config *t)
{
	CHECK(memchr(t->url, '\0', sizeof(t->url)) != NULL);
	CHECK(memchr(t->auth, '\0', sizeof(t->auth)) != NULL);
	CHECK(strncmp(t->url, "http://", 7) == 0 || strncmp(t->url, "https://", 8) == 0);
	CHECK(strpbrk(t->auth, "\r\n") == NULL);
	CHECK(t->format == QOE_FORMAT_CMCD || t->format == QOE_FORMAT_JSON);
	CHECK(t->batch > 0);
	CHECK((t->events & ~(uint32_t)QOE_EVENT_ALL) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* the file is read as a C string: bytes after a NUL are not seen */
	struct qoe_config c;
	qoe_config_defaults(&c);
	char err[160];
	err[0] = '\0';
	int rc = qoe_config_from_json(text, &c, err, sizeof(err));
	free(text);
	CHECK(rc == 0 || rc == -EINVAL);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc < 0) {
		CHECK(err[0] != '\0');
		CHECK(!c.enabled);
		return 0;
	}
	CHECK(c.ntargets >= 0 && c.ntargets <= QOE_MAX_TARGETS);
	CHECK(!c.enabled || c.ntargets > 0);
	for (int i = 0; i < c.ntargets; i++)
		check_target(&c.targets[i]);
	CHECK(c.max_rows > 0 && c.max_bytes > 0);
	return 0;
}
