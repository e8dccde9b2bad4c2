/* SPDX-License-Identifier: MIT */
/* libFuzzer entry point for the operator API's answers (account.h: account_messages_decode,
 * account_voucher_decode, account_ticket_decode). The first byte picks the answer ('m' messages,
 * 'v' voucher, anything else a ticket), the next three digits are the HTTP status, the rest is the
 * body. Whatever the bytes: no crash or leak, every message has an id and NUL-terminated fields, a
 * voucher outcome is one of the results, a ticket id is NUL-terminated and its ETA not negative. */
#include "account.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* abort(), not assert(): the checks must hold in release builds too */
#define CHECK(c) ((c) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_message(void *ud, const struct account_message *m)
{
	(void)ud;
	CHECK(m->id[0] != '\0' && memchr(m->id, '\0', sizeof(m->id)));
	CHECK(memchr(m->title, '\0', sizeof(m->title)) && memchr(m->body, '\0', sizeof(m->body)));
	CHECK(m->severity >= ACCOUNT_INFO && m->severity <= ACCOUNT_CRITICAL);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	long status = 0;
	for (int i = 1; i < 4; i++)
		status = status * 10 + (data[i] >= '0' && data[i] <= '9' ? data[i] - '0' : 0);
	/* a copy of exactly the body: a read past it is an ASan error */
	size_t len = size - 4;
	char *body = malloc(len ? len : 1);
	CHECK(body != NULL);
	memcpy(body, data + 4, len);
	if (data[0] == 'm') {
		int n = account_messages_decode(status, body, len, on_message, NULL);
		CHECK(n >= 0 || n == -EPROTO);
	} else if (data[0] == 'v') {
		struct account_voucher_outcome o;
		account_voucher_decode(status, body, len, 7, &o);
		CHECK(o.result >= ACCOUNT_VOUCHER_APPLIED && o.result <= ACCOUNT_VOUCHER_REFUSED);
		CHECK(account_voucher_text(o.result)[0] != '\0');
	} else {
		struct account_ticket t;
		int rc = account_ticket_decode(status, body, len, &t);
		CHECK(rc == 0 || rc == -EMSGSIZE || rc == -EPROTO);
		CHECK(memchr(t.ticket_id, '\0', sizeof(t.ticket_id)) && t.eta_minutes >= 0);
	}
	free(body);
	return 0;
}
