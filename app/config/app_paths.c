/* SPDX-License-Identifier: MIT */
/* The box's state and cache locations (see app_paths.h). */
#include "app_paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p with mode 0700; the last folder (qanat's own) is made 0700 even when it already
 * existed wider (an older build, or systemd's StateDirectory default 0755): it holds the database
 * with the panel password. Parents that existed keep their mode: they are not ours. */
static int make_dirs(const char *path)
{
	char tmp[512];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0700);
		*p = '/';
	}
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return -errno;
	struct stat st;
	if (lstat(tmp, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if ((st.st_mode & 077) && st.st_uid == geteuid() && chmod(tmp, st.st_mode & 0700) < 0)
		return -errno;
	return 0;
}

/* $systemd_var, else $xdg_var/qanat, else ~/home_rel/qanat */
static int base_dir(const char *systemd_var, const char *xdg_var, const char *home_rel, char *out, size_t cap)
{
	const char *sd = getenv(systemd_var), *xdg = getenv(xdg_var), *home = getenv("HOME");
	int n;
	if (sd && sd[0])
		n = snprintf(out, cap, "%s", sd);
	else if (xdg && xdg[0])
		n = snprintf(out, cap, "%s/qanat", xdg);
	else
		n = snprintf(out, cap, "%s/%s/qanat", home && home[0] ? home : "/tmp", home_rel);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : make_dirs(out);
}

int app_paths_db(char *out, size_t cap)
{
	const char *env = getenv("QANAT_DB");
	if (env && env[0])
		return snprintf(out, cap, "%s", env) < (int)cap ? 0 : -ENAMETOOLONG;
	char dir[512];
	int rc = base_dir("STATE_DIRECTORY", "XDG_DATA_HOME", ".local/share", dir, sizeof(dir));
	if (rc < 0)
		return rc;
	return snprintf(out, cap, "%s/qanat.db", dir) < (int)cap ? 0 : -ENAMETOOLONG;
}

int app_paths_cache(char *out, size_t cap)
{
	return base_dir("CACHE_DIRECTORY", "XDG_CACHE_HOME", ".cache", out, cap);
}
