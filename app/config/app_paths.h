/* SPDX-License-Identifier: MIT */
/* Where the box keeps its files, one rule for the UI and every sub-command (so `qanat sync`, `qanat
 * epg import` and `qanat qoe show` work on the database the UI uses):
 * - the database: $QANAT_DB, else $STATE_DIRECTORY/qanat.db (systemd's StateDirectory on a box), else
 *   $XDG_DATA_HOME/qanat/qanat.db, else ~/.local/share/qanat/qanat.db;
 * - the cache: $CACHE_DIRECTORY, else $XDG_CACHE_HOME/qanat, else ~/.cache/qanat.
 * Folders are created (0700) on the way, and qanat's own folder (the last one) is narrowed to 0700
 * when it exists wider: the database in it holds the panel password. $QANAT_DB's folder is the
 * user's choice and left as it is. */
#ifndef APP_PATHS_H
#define APP_PATHS_H

#include <stddef.h>

/* Write the path into out (cap bytes). Return 0, -ENAMETOOLONG, or -errno when a folder cannot be
 * made. */
int app_paths_db(char *out, size_t cap);
int app_paths_cache(char *out, size_t cap);

#endif
