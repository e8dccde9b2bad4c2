/* SPDX-License-Identifier: MIT */
/* Parental lock: adult-looking category names locked by default, the viewer's lock choices kept per
 * category id across syncs, and the PIN stored as "salt:hash" where hash is 10000 rounds of SHA-256
 * over (previous hash, salt, PIN), compared in constant time. SHA-256 (FIPS 180-4) is here because
 * nothing else in the build provides one. */
#include "library_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#define PIN_ROUNDS 10000

/* ---------------------------------------------------------------------------------------------- */
/* SHA-256 */

struct sha256 {
	uint32_t h[8];
	unsigned char block[64];
	size_t used;
	uint64_t total;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
		       p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5], g = s->h[6],
		 h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
	s->h[5] += f;
	s->h[6] += g;
	s->h[7] += h;
}

static void sha_init(struct sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(s->h, iv, sizeof(iv));
	s->used = 0;
	s->total = 0;
}

static void sha_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	s->total += len;
	while (len > 0) {
		size_t n = 64 - s->used < len ? 64 - s->used : len;
		memcpy(s->block + s->used, p, n);
		s->used += n;
		p += n;
		len -= n;
		if (s->used == 64) {
			sha_block(s, s->block);
			s->used = 0;
		}
	}
}

static void sha_final(struct sha256 *s, unsigned char out[32])
{
	uint64_t bits = s->total * 8;
	unsigned char pad = 0x80;
	sha_update(s, &pad, 1);
	unsigned char zero = 0;
	while (s->used != 56)
		sha_update(s, &zero, 1);
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha_update(s, len, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

void library_sha256(const void *data, size_t len, unsigned char out[32])
{
	struct sha256 s;
	sha_init(&s);
	sha_update(&s, data, len);
	sha_final(&s, out);
}

/* ---------------------------------------------------------------------------------------------- */
/* adult names */

bool library_name_is_adult(const char *name)
{
	static const char *const words[] = { "adult",  "adults", "adulte", "adultes", "adultos", "xxx",
					     "porn",   "porno",  "sex",    "sexy",    "erotic",  "erotica",
					     "erotik", "nsfw",   "18+",    "+18",     "x-rated", "hentai" };
	if (!name)
		return false;
	if (strstr(name, "للكبار") || strstr(name, "+18") || strstr(name, "18+"))
		return true;
	/* whole ASCII words, so "Sussex" and "Essex" are not adult */
	const char *p = name;
	while (*p) {
		while (*p && !(isalnum((unsigned char)*p) && (unsigned char)*p < 0x80))
			p++;
		const char *w = p;
		while (*p && ((isalnum((unsigned char)*p) && (unsigned char)*p < 0x80) || *p == '-'))
			p++;
		size_t len = (size_t)(p - w);
		for (size_t i = 0; len > 0 && i < sizeof(words) / sizeof(words[0]); i++)
			if (strlen(words[i]) == len && strncasecmp(w, words[i], len) == 0)
				return true;
	}
	return false;
}

/* ---------------------------------------------------------------------------------------------- */
/* PIN */

static void hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static void pin_hash(const char *salt_hex, const char *pin, unsigned char out[32])
{
	unsigned char h[32] = { 0 };
	for (int i = 0; i < PIN_ROUNDS; i++) {
		struct sha256 s;
		sha_init(&s);
		sha_update(&s, h, sizeof(h));
		sha_update(&s, salt_hex, strlen(salt_hex));
		sha_update(&s, pin, strlen(pin));
		sha_final(&s, h);
	}
	memcpy(out, h, 32);
}

static int setting_get(struct library *l, const char *key, char *out, size_t cap)
{
	sqlite3_stmt *st;
	int rc = library_prepare(l, "SELECT value FROM lib_setting WHERE key = ?", &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_errno(rc);
}

static int setting_put(struct library *l, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc = library_prepare(l,
				 "INSERT INTO lib_setting(key, value) VALUES(?, ?)"
				 " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
				 &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = store_errno(sqlite3_step(st));
	sqlite3_finalize(st);
	return rc;
}

int library_pin_encode(const char *pin, char *out, size_t cap)
{
	size_t len = pin ? strlen(pin) : 0;
	if (len < LIBRARY_PIN_MIN || len > LIBRARY_PIN_MAX || !out || cap < LIBRARY_PIN_STORED_MAX)
		return -EINVAL;
	unsigned char salt[16];
	if (getrandom(salt, sizeof(salt), 0) != (ssize_t)sizeof(salt))
		return -EIO;
	char salt_hex[33], h_hex[65];
	hex(salt, sizeof(salt), salt_hex);
	unsigned char h[32];
	pin_hash(salt_hex, pin, h);
	hex(h, sizeof(h), h_hex);
	snprintf(out, cap, "%s:%s", salt_hex, h_hex);
	return 0;
}

int library_pin_verify(const char *stored, const char *pin)
{
	char salt[LIBRARY_PIN_STORED_MAX];
	const char *colon = stored ? strchr(stored, ':') : NULL;
	if (!colon || (size_t)(colon - stored) >= sizeof(salt) || strlen(colon + 1) != 64 || !pin)
		return -EACCES;
	memcpy(salt, stored, (size_t)(colon - stored));
	salt[colon - stored] = '\0';
	unsigned char h[32];
	char h_hex[65];
	pin_hash(salt, pin, h);
	hex(h, sizeof(h), h_hex);
	unsigned diff = 0;
	for (size_t i = 0; i < 64; i++)
		diff |= (unsigned)(h_hex[i] ^ colon[1 + i]);
	return diff == 0 ? 0 : -EACCES;
}

int library_pin_stored(struct library *l, char *out, size_t cap)
{
	return setting_get(l, "parental_pin", out, cap);
}

int library_pin_check(struct library *l, const char *pin)
{
	char stored[LIBRARY_PIN_STORED_MAX];
	int rc = setting_get(l, "parental_pin", stored, sizeof(stored));
	return rc < 0 ? rc : library_pin_verify(stored, pin);
}

int library_pin_set(struct library *l, const char *old_pin, const char *new_pin)
{
	size_t len = new_pin ? strlen(new_pin) : 0;
	if (len < LIBRARY_PIN_MIN || len > LIBRARY_PIN_MAX)
		return -EINVAL;
	int rc = library_pin_check(l, old_pin ? old_pin : "");
	if (rc < 0 && rc != -ENOENT)
		return rc;
	char value[LIBRARY_PIN_STORED_MAX];
	rc = library_pin_encode(new_pin, value, sizeof(value));
	return rc < 0 ? rc : setting_put(l, "parental_pin", value);
}

int library_category_locked(struct library *l, enum library_kind kind, int64_t id)
{
	sqlite3_stmt *st;
	int rc = library_prepare(
	    l,
	    "SELECT COALESCE((SELECT locked FROM lib_lock WHERE kind = ?1 AND category_id = ?2),"
	    " (SELECT adult FROM lib_category WHERE kind = ?1 AND id = ?2), 0)",
	    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	int locked = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) != 0 : store_errno(rc);
	sqlite3_finalize(st);
	return locked;
}

int library_category_set_locked(struct library *l, enum library_kind kind, int64_t id, bool locked,
				const char *pin)
{
	int rc = library_pin_check(l, pin ? pin : "");
	if (rc == -ENOENT && locked)
		rc = 0; /* locking needs no PIN until one exists */
	if (rc < 0)
		return rc;
	sqlite3_stmt *st;
	rc = library_prepare(l,
			     "INSERT INTO lib_lock(kind, category_id, locked) VALUES(?, ?, ?)"
			     " ON CONFLICT(kind, category_id) DO UPDATE SET locked = excluded.locked",
			     &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, locked);
	rc = store_errno(sqlite3_step(st));
	sqlite3_finalize(st);
	return rc;
}
