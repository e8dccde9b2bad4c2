/* SPDX-License-Identifier: MIT */
/* The sub-commands of `qanat` (ARCHITECTURE.md section 6). Each takes the arguments after its name and
 * returns the process exit status: 0 on success, non-zero after one line on stderr saying why. */
#ifndef APP_COMMANDS_H
#define APP_COMMANDS_H

#include <stdbool.h>

struct app_cmd {
	const char *name;
	const char *usage; /* one line for --help */
	int (*run)(int argc, char **argv, bool json);
};

int app_cmd_selftest(int argc, char **argv, bool json);
int app_cmd_epg(int argc, char **argv, bool json);
int app_cmd_play(int argc, char **argv, bool json);
int app_cmd_qoe(int argc, char **argv, bool json);
int app_cmd_api(int argc, char **argv, bool json);
int app_cmd_sync(int argc, char **argv, bool json);
int app_cmd_search(int argc, char **argv, bool json);
int app_cmd_keys(int argc, char **argv, bool json);
int app_cmd_gallery(int argc, char **argv, bool json);

#endif
