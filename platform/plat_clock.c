/* SPDX-License-Identifier: MIT */
/* POSIX clocks behind the plat_clock API. */
#include "plat_clock.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

uint64_t plat_clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t plat_clock_mono_ms(void)
{
	return plat_clock_mono_us() / 1000u;
}

int64_t plat_clock_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void plat_clock_sleep_ms(uint32_t ms)
{
	struct timespec req = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	while (nanosleep(&req, &req) < 0 && errno == EINTR) {
	}
}

int plat_clock_parse_utc(const char *text, int64_t *ms)
{
	char *end = NULL;
	long long secs = strtoll(text, &end, 10);
	if (end != text && *end == '\0') {
		*ms = secs * 1000;
		return 0;
	}
	/* YYYY-MM-DDTHH:MM[:SS][Z] */
	static const char seps[] = "--T::";
	long f[6] = { 0 };
	const char *p = text;
	int i;
	for (i = 0; i < 6; i++) {
		f[i] = strtol(p, &end, 10);
		if (end == p)
			return -EINVAL;
		p = end;
		if (i == 5 || *p != seps[i])
			break;
		p++;
	}
	if (i < 4 || (*p && !(p[0] == 'Z' && p[1] == '\0')))
		return -EINVAL;
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
		return -EINVAL;
	struct tm tm = { .tm_year = (int)f[0] - 1900,
			 .tm_mon = (int)f[1] - 1,
			 .tm_mday = (int)f[2],
			 .tm_hour = (int)f[3],
			 .tm_min = (int)f[4],
			 .tm_sec = (int)f[5] };
	*ms = (int64_t)timegm(&tm) * 1000;
	return 0;
}
