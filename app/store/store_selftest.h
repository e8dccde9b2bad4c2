/* SPDX-License-Identifier: MIT */
/* Store part of `qanat selftest`: SQLite opens a database in WAL mode in a temporary directory, writes
 * and reads back a row. */
#ifndef STORE_SELFTEST_H
#define STORE_SELFTEST_H

#include "plat_report.h"

void store_selftest(struct plat_report *r);

#endif
