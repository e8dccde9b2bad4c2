/* SPDX-License-Identifier: MIT */
/* Log lines to stderr, redacted. The level is the one process-wide setting: it is written once by
 * plat_log_init() before any thread starts and only read afterwards. */
#include "plat_log.h"

#include "plat_clock.h"
#include "plat_redact.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Atomic int log_level = PLAT_LOG_WARN;

void plat_log_init(void)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	const char *env = getenv("QANAT_LOG");
	if (!env)
		return;
	for (int i = 0; i < 4; i++)
		if (strcmp(env, names[i]) == 0)
			atomic_store(&log_level, i);
}

void plat_log(enum plat_log_level level, const char *module, const char *fmt, ...)
{
	static const char tags[] = "EWID";
	if ((int)level > atomic_load(&log_level))
		return;
	char raw[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);

	char clean[1024];
	plat_redact_text(raw, clean, sizeof(clean));
	char line[1200];
	uint64_t ms = plat_clock_mono_ms();
	int n = snprintf(line, sizeof(line), "%6llu.%03llu %c %-8s %s\n", (unsigned long long)(ms / 1000),
			 (unsigned long long)(ms % 1000), tags[level], module, clean);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return; /* nowhere left to report it */
}
