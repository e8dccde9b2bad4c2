/* SPDX-License-Identifier: MIT */
/* The one base64 decoder: Xtream panels send EPG titles and descriptions base64-encoded, or plain
 * (clones), or with their quirks (no padding, the URL-safe alphabet, lines wrapped with CR/LF). Pure
 * functions on caller buffers: any thread. */
#ifndef PLAT_BASE64_H
#define PLAT_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes len bytes of in: the standard alphabet and the URL-safe one ('-', '_'), padding optional
 * (when present: at most two '=' and only at the end, the length then a multiple of four), CR and LF
 * anywhere and spaces or tabs at either end ignored. Returns the number of bytes written to out (cap
 * bytes, no terminator), -EINVAL when in is not base64 (empty included), -ENOBUFS when out is too
 * small. */
long plat_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap);

/* A text field a panel may send base64-encoded or plain: when in decodes to valid UTF-8 (no
 * overlongs or surrogates) without control characters other than tab, CR and LF, out gets the decoded
 * text, else in as it is; either is cut at a UTF-8 character boundary to fit cap with its NUL.
 * Returns true when out holds decoded text. in NULL gives "". cap 0 writes nothing. */
bool plat_base64_text(const char *in, char *out, size_t cap);

#endif
