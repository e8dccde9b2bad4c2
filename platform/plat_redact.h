/* SPDX-License-Identifier: MIT */
/* Credential redaction: the ONE function every log line, beacon and diagnostics report uses to strip
 * Xtream credentials from URLs (QOE.md "Privacy"). */
#ifndef PLAT_REDACT_H
#define PLAT_REDACT_H

#include <stddef.h>

/* Rewrites one URL without credentials into out (cap bytes, always NUL-terminated when cap > 0):
 * userinfo ("user:pass@") is dropped, the two path segments after /live/, /movie/, /series/ and
 * /timeshift/ become "*", the legacy form /u/p/<id> becomes "/ * / * /<id>" (without spaces), and the query is removed.
 * Returns the length written, or -ENOSPC when truncated (out then holds a redacted prefix). */
int plat_redact_url(const char *url, char *out, size_t cap);

/* Same rule applied to every http(s):// URL inside free text (a log line, an error message), plus
 * "password=..." and "username=..." pairs outside URLs. Returns as plat_redact_url. */
int plat_redact_text(const char *text, char *out, size_t cap);

#endif
