/* SPDX-License-Identifier: MIT */
/* The parental lock in one place: the session's unlock flag and the one question every path asks
 * (ctl_parental_check). The truth about which categories are locked stays in the library (the
 * viewer's choices survive syncs there); this controller only adds "the PIN was typed in this
 * session", so a lock changed in Settings counts at the next check without any cache to drop. */
#include "ctl_parental.h"

#include <errno.h>
#include <stdlib.h>

struct ctl_parental {
	struct library *lib; /* borrowed: the UI thread's read connection */
	bool enabled;        /* operator.json features.parental_lock */
	bool unlocked;       /* the right PIN was typed in this session */
	unsigned generation; /* bumped at every change of what the lock hides */
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
	free(*p);
	*p = NULL;
}

bool ctl_parental_unlocked(const struct ctl_parental *p)
{
	return !p || !p->enabled || p->unlocked;
}

bool ctl_parental_pin_set(const struct ctl_parental *p)
{
	/* an empty PIN is never a right one: only -ENOENT says "none set" */
	return p && library_pin_check(p->lib, "") != -ENOENT;
}

int ctl_parental_unlock(struct ctl_parental *p, const char *pin)
{
	if (!p)
		return -EINVAL;
	int rc = library_pin_check(p->lib, pin ? pin : "");
	if (rc < 0)
		return rc == -ENOENT ? -ENOENT : -EACCES;
	if (!p->unlocked)
		p->generation++;
	p->unlocked = true;
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
};

static int probe_item(void *ud, const struct library_item *it)
{
	struct probe *pr = ud;
	pr->found = true;
	pr->locked = it->locked;
	return 0;
}

int ctl_parental_check(struct ctl_parental *p, enum library_kind kind, int64_t id)
{
	if (ctl_parental_unlocked(p))
		return 0;
	struct probe pr = { 0 };
	if (library_item(p->lib, kind, id, probe_item, &pr) < 0 || !pr.found)
		return 0; /* unknown: nothing to protect */
	return pr.locked ? -EACCES : 0;
}

bool ctl_parental_category_hidden(struct ctl_parental *p, enum library_kind kind, int64_t category)
{
	if (ctl_parental_unlocked(p) || category < 0)
		return false;
	return library_category_locked(p->lib, kind, category) == 1;
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
