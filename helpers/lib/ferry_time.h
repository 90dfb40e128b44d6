/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Clock reads, kept out of the pure ledger code. */
#ifndef FERRY_TIME_H
#define FERRY_TIME_H

#include <stdint.h>
#include <time.h>

/** Wall clock in ms (comparable with fence history times). */
static inline uint64_t ferry_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/** Monotonic clock in ms (deadlines, durations). */
static inline uint64_t ferry_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/** Monotonic clock in µs (latency measurements). */
static inline uint64_t ferry_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#endif
