/* SPDX-License-Identifier: MIT */
/* Parental lock: adult-looking category names locked by default, the viewer's lock choices kept per
 * category id across syncs, and the PIN stored as "pbkdf2-sha256:ITERATIONS:SALT:HASH" (hex; a random
 * 16-byte salt drawn when the PIN is set; PBKDF2-HMAC-SHA256 from OpenSSL, not a hand-written hash),
 * compared in constant time. Values of the first format ("salt:hash", 10000 rounds of SHA-256 over
 * previous hash, salt and PIN) are still accepted, and library_pin_check() rewrites one in the
 * current format at the first right entry, so no viewer loses a PIN to the change. */
#include "library_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

/* 20000 iterations (two SHA-256 blocks each): 7-16 ms on the x86 build host, and about 40 ms
 * estimated on a Cortex-A53 without the ARMv8 crypto extensions (about 1 us a block; a few ms with
 * them), so unnoticed after the last digit while each guess against a stolen database costs as much.
 * Under qemu-aarch64 emulation it takes 0.3-0.5 s, which the cross-built tests can afford. */
#define PIN_ITERATIONS 20000
#define PIN_ITERATIONS_MAX 1000000 /* what a stored value may ask for (a tampered row cannot hang us) */
#define PIN_PREFIX "pbkdf2-sha256:"
#define PIN_SALT_BYTES 16
#define PIN_SALT_MAX 64 /* bytes of salt a stored value may carry */
#define PIN_LEGACY_ROUNDS 10000

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

static int unhex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* exactly len hex digits into len / 2 bytes; false on anything else */
static bool unhex(const char *s, size_t len, unsigned char *out)
{
	if (len % 2)
		return false;
	for (size_t i = 0; i < len; i += 2) {
		int hi = unhex_digit(s[i]), lo = unhex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

/* The first format's hash: rounds of SHA-256 over (previous hash, salt as stored, PIN). */
static int legacy_hash(const char *salt_hex, size_t salt_len, const char *pin, unsigned char out[32])
{
	unsigned char h[32] = { 0 };
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL;
	for (int i = 0; ok && i < PIN_LEGACY_ROUNDS; i++)
		ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
		     EVP_DigestUpdate(ctx, h, sizeof(h)) == 1 &&
		     EVP_DigestUpdate(ctx, salt_hex, salt_len) == 1 &&
		     EVP_DigestUpdate(ctx, pin, strlen(pin)) == 1 && EVP_DigestFinal_ex(ctx, h, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	memcpy(out, h, 32);
	OPENSSL_cleanse(h, sizeof(h));
	return ok ? 0 : -ENOMEM;
}

static int pbkdf2(const char *pin, const unsigned char *salt, size_t salt_len, unsigned long iterations,
		  unsigned char out[32])
{
	return PKCS5_PBKDF2_HMAC(pin, (int)strlen(pin), salt, (int)salt_len, (int)iterations, EVP_sha256(),
				 32, out) == 1
		   ? 0
		   : -ENOMEM;
}

/* A stored value taken apart: the expected hash and how to recompute it. */
struct pin_stored {
	bool legacy;
	unsigned long iterations;
	unsigned char salt[PIN_SALT_MAX];
	size_t salt_len;
	const char *legacy_salt; /* legacy: the salt text as stored (it was hashed as text) */
	unsigned char hash[32];
};

static bool parse_stored(const char *stored, struct pin_stored *p)
{
	memset(p, 0, sizeof(*p));
	if (!stored)
		return false;
	if (strncmp(stored, PIN_PREFIX, strlen(PIN_PREFIX)) == 0) {
		const char *it = stored + strlen(PIN_PREFIX);
		unsigned long n = 0;
		const char *q = it;
		while (*q >= '0' && *q <= '9' && n <= PIN_ITERATIONS_MAX)
			n = n * 10 + (unsigned long)(*q++ - '0');
		if (q == it || *q != ':' || n < 1 || n > PIN_ITERATIONS_MAX)
			return false;
		const char *salt = q + 1, *colon = strchr(salt, ':');
		size_t salt_hex = colon ? (size_t)(colon - salt) : 0;
		if (salt_hex < 2 || salt_hex > 2 * PIN_SALT_MAX || strlen(colon + 1) != 64 ||
		    !unhex(salt, salt_hex, p->salt) || !unhex(colon + 1, 64, p->hash))
			return false;
		p->iterations = n;
		p->salt_len = salt_hex / 2;
		return true;
	}
	/* the first format: "salt:hash", the salt 32 hex digits */
	const char *colon = strchr(stored, ':');
	if (!colon || colon - stored != 2 * PIN_SALT_BYTES || strlen(colon + 1) != 64 ||
	    !unhex(stored, 2 * PIN_SALT_BYTES, p->salt) || !unhex(colon + 1, 64, p->hash))
		return false;
	p->legacy = true;
	p->legacy_salt = stored;
	p->salt_len = 2 * PIN_SALT_BYTES;
	return true;
}

int library_pin_encode(const char *pin, char *out, size_t cap)
{
	size_t len = pin ? strlen(pin) : 0;
	if (len < LIBRARY_PIN_MIN || len > LIBRARY_PIN_MAX || !out || cap < LIBRARY_PIN_STORED_MAX)
		return -EINVAL;
	unsigned char salt[PIN_SALT_BYTES];
	if (getrandom(salt, sizeof(salt), 0) != (ssize_t)sizeof(salt))
		return -EIO;
	unsigned char h[32];
	int rc = pbkdf2(pin, salt, sizeof(salt), PIN_ITERATIONS, h);
	if (rc < 0)
		return rc;
	char salt_hex[2 * PIN_SALT_BYTES + 1], h_hex[65];
	hex(salt, sizeof(salt), salt_hex);
	hex(h, sizeof(h), h_hex);
	snprintf(out, cap, PIN_PREFIX "%d:%s:%s", PIN_ITERATIONS, salt_hex, h_hex);
	OPENSSL_cleanse(h, sizeof(h));
	return 0;
}

int library_pin_verify(const char *stored, const char *pin)
{
	struct pin_stored p;
	if (!pin || !parse_stored(stored, &p))
		return -EACCES;
	unsigned char h[32];
	int rc = p.legacy ? legacy_hash(p.legacy_salt, p.salt_len, pin, h)
			  : pbkdf2(pin, p.salt, p.salt_len, p.iterations, h);
	if (rc < 0)
		return -EACCES;
	rc = CRYPTO_memcmp(h, p.hash, sizeof(h)) == 0 ? 0 : -EACCES;
	OPENSSL_cleanse(h, sizeof(h));
	return rc;
}

bool library_pin_outdated(const char *stored)
{
	struct pin_stored p;
	return parse_stored(stored, &p) && (p.legacy || p.iterations < PIN_ITERATIONS);
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

int library_pin_stored(struct library *l, char *out, size_t cap)
{
	return setting_get(l, "parental_pin", out, cap);
}

int library_pin_check(struct library *l, const char *pin)
{
	char stored[LIBRARY_PIN_STORED_MAX];
	int rc = setting_get(l, "parental_pin", stored, sizeof(stored));
	if (rc < 0)
		return rc;
	rc = library_pin_verify(stored, pin);
	if (rc == 0 && library_pin_outdated(stored)) {
		/* the right PIN in an older format: stored again in the current one (a failure leaves the
		 * old value, which still works, for the next entry) */
		char value[LIBRARY_PIN_STORED_MAX];
		if (library_pin_encode(pin, value, sizeof(value)) == 0)
			(void)setting_put(l, "parental_pin", value);
		OPENSSL_cleanse(value, sizeof(value));
	}
	return rc;
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
