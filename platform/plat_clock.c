/* SPDX-License-Identifier: MIT */
/* POSIX clocks behind the plat_clock API. */
#include "plat_clock.h"

#include <errno.h>
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
