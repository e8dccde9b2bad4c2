/* SPDX-License-Identifier: MIT */
/* One QoE record and its two wire forms (shared/QOE.md): a CMCD v2 event-mode line and the same keys
 * as a JSON object inside the envelope. A record is a jansson object whose keys are CMCD keys and
 * whose values carry the CMCD type a key table fixes: integers, strings, tokens, true Booleans, and
 * inner lists (JSON arrays). The serializer sorts the keys, escapes strings, writes inner lists as
 * `(1 2)`, omits unknowns (JSON null, false, empty strings) and refuses what a validator would reject
 * (an unknown key, a custom key without the `org.qanat-` prefix or with a non-string value over 64
 * characters, a token that is not a token). Pure functions, thread-safe. */
#ifndef QOE_RECORD_H
#define QOE_RECORD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The reverse-DNS prefix of the project's custom keys. */
#define QOE_CUSTOM_PREFIX "org.qanat-"

/* Writes rec as one CMCD line (no LF) into out (cap bytes, NUL-terminated). rec is borrowed.
 * Returns the length, -EINVAL when rec breaks a rule above (nothing useful in out), -ENOSPC when
 * out is too small. */
int qoe_record_to_cmcd(const json_t *rec, char *out, size_t cap);

/* Checks rec against the same rules without writing anything: 0 or -EINVAL. */
int qoe_record_validate(const json_t *rec);

/* A copy of rec fit for the JSON envelope: unknowns dropped, same keys and values.
 * Caller owns the result (json_decref); NULL on -EINVAL or out of memory. */
json_t *qoe_record_to_json(const json_t *rec);

/* The JSON envelope {"schema","device","sent_at","events"}: events is stolen (an array of
 * qoe_record_to_json objects), device borrowed (may be NULL). Caller owns the result. */
json_t *qoe_envelope_new(json_t *events, const json_t *device, int64_t sent_at_ms);

/* The schema name carried by the envelope. */
#define QOE_ENVELOPE_SCHEMA "org.qanat.qoe.cmcd-v2/1"

#endif
