/* SPDX-License-Identifier: MIT */
/* Logging: one line per message on stderr, monotonic time, module tag, credentials always redacted.
 * Thread-safe (each line is written with a single write). The level comes from QANAT_LOG
 * (error|warn|info|debug, default warn) read once by plat_log_init(). */
#ifndef PLAT_LOG_H
#define PLAT_LOG_H

enum plat_log_level { PLAT_LOG_ERROR, PLAT_LOG_WARN, PLAT_LOG_INFO, PLAT_LOG_DEBUG };

/* Reads QANAT_LOG; call once from main before threads start. Without it, warnings and errors show. */
void plat_log_init(void);

/* Formats, redacts (plat_redact_text) and writes one line. Lines are capped at 1 KiB. */
void plat_log(enum plat_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define plat_log_error(mod, ...) plat_log(PLAT_LOG_ERROR, mod, __VA_ARGS__)
#define plat_log_warn(mod, ...) plat_log(PLAT_LOG_WARN, mod, __VA_ARGS__)
#define plat_log_info(mod, ...) plat_log(PLAT_LOG_INFO, mod, __VA_ARGS__)
#define plat_log_debug(mod, ...) plat_log(PLAT_LOG_DEBUG, mod, __VA_ARGS__)

#endif
