/* SPDX-License-Identifier: MIT */
/* Random identifiers: UUIDv4 for beacon sessions and idempotency keys. Thread-safe. */
#ifndef PLAT_ID_H
#define PLAT_ID_H

enum { PLAT_UUID_LEN = 36 };

/* Writes a random (version 4) UUID, lower case, into out (PLAT_UUID_LEN + 1 bytes). Uses getrandom;
 * returns 0 or a negative errno. */
int plat_uuid_v4(char out[PLAT_UUID_LEN + 1]);

#endif
