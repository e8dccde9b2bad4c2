/* SPDX-License-Identifier: MIT */
/* Incremental scanner of a top-level JSON array (or object): fed the body in whatever chunks curl
 * delivers, it finds the byte span of each top-level element and hands it over complete, so a list
 * of any length is decoded one element at a time with memory bounded by the largest element.
 * It only finds spans (strings, escapes and nesting); each element is validated when it is parsed.
 * For a top-level object (a PHP keyed array, or the account object an inactive line gets instead
 * of a list) each member value is an element and its raw key is passed along.
 *
 * Not thread-safe; one scanner per transfer. */
#ifndef XT_JSCAN_H
#define XT_JSCAN_H

#include <stddef.h>

enum xt_jscan_top { XT_JSCAN_NONE, XT_JSCAN_ARRAY, XT_JSCAN_OBJECT };

/* key/key_len: the member name as written between the quotes (escapes not decoded), NULL inside an
 * array. elem/len: the element's bytes, valid during the call. Return < 0 to stop the scan with it. */
typedef int (*xt_jscan_cb)(void *ud, const char *key, size_t key_len, const char *elem, size_t len);

struct xt_jscan;

/* max_element: cap of one element in bytes (-EFBIG beyond). *out owned by the caller:
 * xt_jscan_destroy(). Returns 0 or -ENOMEM. */
int xt_jscan_create(size_t max_element, xt_jscan_cb cb, void *ud, struct xt_jscan **out);
void xt_jscan_destroy(struct xt_jscan **s);

/* Consumes len bytes. Returns 0, or: -EBADMSG when the body does not start with [ or { (HTML, text),
 * -EPROTO for broken JSON, -EFBIG for an element over the cap, or the callback's negative value.
 * After an error every further call returns the same error. Bytes after the closing bracket are
 * ignored (PHP notices appended to a body). */
int xt_jscan_feed(struct xt_jscan *s, const char *data, size_t len);

/* End of body. Returns 0 when a complete top-level value was seen, -ENODATA when the body was empty
 * or blank, -EPROTO when it was cut short, -ENOMSG when it was an object holding a refusal
 * (xt_jscan_refusal) and no object member (an error where a list was expected; the account object
 * has its user_info object, so it is still handed over whole), or the earlier error. */
int xt_jscan_finish(struct xt_jscan *s);

/* What the body turned out to be (XT_JSCAN_NONE before its first byte). */
enum xt_jscan_top xt_jscan_top(const struct xt_jscan *s);

/* When the body is an object with an "error" or "message" member that is a string (a panel's
 * refusal where a list was expected: {"error":"Unauthorized"}), that text as written between the
 * quotes (up to 127 bytes, escapes not decoded, control bytes as spaces), else NULL. */
const char *xt_jscan_refusal(const struct xt_jscan *s);

/* The first bytes of the body (up to 63, NUL-terminated), to tell HTML from JSON in messages. */
const char *xt_jscan_head(const struct xt_jscan *s);

#endif
