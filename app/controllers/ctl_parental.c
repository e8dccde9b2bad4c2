/* SPDX-License-Identifier: MIT */
/* The parental lock in one place: the session's unlock flag and the one question every path asks
 * (ctl_parental_check). The truth about which categories are locked stays in the library (the
 * viewer's choices survive syncs there); this controller adds "the PIN was typed in this session",
 * the stored PIN hash once known, and the category choices made in this session, so a change made in
 * Settings counts at the next check while the store writer commits it.
 *
 * The PIN in force right after a change is the new "salt:hash" kept here (not the typed PIN): a
 * check before the writer committed verifies against it exactly as the library would against the
 * committed row, and no plaintext PIN outlives the call. */
#include "ctl_parental.h"

#include "library_writes.h"
#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CHOICES_MAX = 256 };

struct choice {
	enum library_kind kind;
	int64_t category;
	bool locked;
};

struct ctl_parental {
	struct library *lib; /* borrowed: the UI thread's read connection */
	bool enabled;        /* operator.json features.parental_lock */
	bool unlocked;       /* the right PIN was typed in this session */
	unsigned generation; /* bumped at every change of what the lock hides */
	bool have_pin;       /* pin holds the PIN in force (read once, or set here) */
	char pin[LIBRARY_PIN_STORED_MAX];
	struct choice choices[CHOICES_MAX]; /* category choices made in this session, queued */
	size_t n_choices;
};

int ctl_parental_create(struct library *lib, bool enabled, struct ctl_parental **out)
{
	*out = NULL;
	if (!lib)
		return -EINVAL;
	struct ctl_parental *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->lib = lib;
	p->enabled = enabled;
	*out = p;
	return 0;
}

void ctl_parental_free(struct ctl_parental **p)
{
	if (!p || !*p)
		return;
	memset((*p)->pin, 0, sizeof((*p)->pin));
	free(*p);
	*p = NULL;
}

bool ctl_parental_unlocked(const struct ctl_parental *p)
{
	return !p || !p->enabled || p->unlocked;
}

/* The PIN in force into p->pin: 0, -ENOENT (none yet: asked again next time, so a PIN another
 * connection stores is seen) or a read error. */
static int pin_load(struct ctl_parental *p)
{
	if (p->have_pin)
		return 0;
	int rc = library_pin_stored(p->lib, p->pin, sizeof(p->pin));
	p->have_pin = rc == 0;
	return rc;
}

bool ctl_parental_pin_set(struct ctl_parental *p)
{
	return p && pin_load(p) == 0;
}

int ctl_parental_pin_check(struct ctl_parental *p, const char *pin)
{
	if (!p)
		return -EINVAL;
	int rc = pin_load(p);
	if (rc < 0)
		return rc == -ENOENT ? -ENOENT : -EACCES;
	return library_pin_verify(p->pin, pin ? pin : "") == 0 ? 0 : -EACCES;
}

int ctl_parental_unlock(struct ctl_parental *p, const char *pin)
{
	int rc = ctl_parental_pin_check(p, pin);
	if (rc < 0)
		return rc;
	if (!p->unlocked)
		p->generation++;
	p->unlocked = true;
	return 0;
}

int ctl_parental_pin_change(struct ctl_parental *p, struct store_writer *w, const char *old_pin,
			    const char *new_pin)
{
	if (!p || !w)
		return -EINVAL;
	int rc = ctl_parental_pin_check(p, old_pin);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	char stored[LIBRARY_PIN_STORED_MAX];
	struct store_param params[LIBRARY_STMT_MAX_PARAMS];
	struct store_stmt st;
	rc = library_stmt_pin_set(new_pin, stored, &st, params);
	if (rc >= 0)
		rc = store_writer_exec_many(w, "library:parental_pin", &st, 1);
	if (rc < 0) {
		plat_log_warn("parental", "the new PIN was not queued (%d)", rc);
	} else {
		memcpy(p->pin, stored, sizeof(p->pin));
		p->have_pin = true;
	}
	memset(stored, 0, sizeof(stored));
	return rc;
}

static struct choice *choice_find(struct ctl_parental *p, enum library_kind kind, int64_t category)
{
	for (size_t i = 0; i < p->n_choices; i++)
		if (p->choices[i].kind == kind && p->choices[i].category == category)
			return &p->choices[i];
	return NULL;
}

int ctl_parental_category_set_locked(struct ctl_parental *p, struct store_writer *w, enum library_kind kind,
				     int64_t category, bool locked, const char *pin)
{
	if (!p || !w || (unsigned)kind > LIBRARY_SERIES || category < 0)
		return -EINVAL;
	int rc = ctl_parental_pin_check(p, pin);
	if (rc == -ENOENT && locked)
		rc = 0; /* locking needs no PIN until one exists */
	if (rc < 0)
		return rc;
	struct choice *c = choice_find(p, kind, category);
	if (!c && p->n_choices >= CHOICES_MAX)
		return -ENOMEM;
	struct store_param params[LIBRARY_STMT_MAX_PARAMS];
	struct store_stmt st;
	rc = library_stmt_category_locked(kind, category, locked, &st, params);
	char key[64];
	snprintf(key, sizeof(key), "library:lock:%d:%lld", (int)kind, (long long)category);
	if (rc >= 0)
		rc = store_writer_exec_many(w, key, &st, 1);
	if (rc < 0) {
		plat_log_warn("parental", "%s not queued (%d)", key, rc);
		return rc;
	}
	if (!c)
		c = &p->choices[p->n_choices++];
	*c = (struct choice){ .kind = kind, .category = category, .locked = locked };
	p->generation++;
	return 0;
}

void ctl_parental_lock(struct ctl_parental *p)
{
	if (!p || !p->unlocked)
		return;
	p->unlocked = false;
	p->generation++;
}

struct probe {
	bool found, locked;
	int64_t category;
};

static int probe_item(void *ud, const struct library_item *it)
{
	struct probe *pr = ud;
	pr->found = true;
	pr->locked = it->locked;
	pr->category = it->category_id;
	return 0;
}

int ctl_parental_check(struct ctl_parental *p, enum library_kind kind, int64_t id)
{
	if (ctl_parental_unlocked(p))
		return 0;
	struct probe pr = { 0 };
	if (library_item(p->lib, kind, id, probe_item, &pr) < 0 || !pr.found)
		return 0; /* unknown: nothing to protect */
	/* a lock chosen in this session counts before it is committed; an unlock waits for the library */
	const struct choice *c = choice_find(p, kind, pr.category);
	return pr.locked || (c && c->locked) ? -EACCES : 0;
}

bool ctl_parental_category_hidden(struct ctl_parental *p, enum library_kind kind, int64_t category)
{
	if (ctl_parental_unlocked(p) || category < 0)
		return false;
	const struct choice *c = choice_find(p, kind, category);
	return (c && c->locked) || library_category_locked(p->lib, kind, category) == 1;
}

unsigned ctl_parental_generation(const struct ctl_parental *p)
{
	return p ? p->generation : 0;
}

void ctl_parental_reload(struct ctl_parental *p)
{
	if (p)
		p->generation++;
}
