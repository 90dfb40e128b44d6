/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A token bucket: the migration stream's speed cap (XenDomain
 * migration_speed, `ferryctl domain migrate --speed`). Pure: the caller
 * passes the clock, so tests drive it with a fake one. */
#ifndef FERRY_RATELIMIT_H
#define FERRY_RATELIMIT_H

#include <stdint.h>

struct ratelimit {
	uint64_t rate;   /**< bytes per second; 0: no cap */
	uint64_t burst;  /**< most bytes sent back to back (the bucket's size) */
	int64_t tokens;  /**< millionths of bytes that may go now; negative: a debt */
	int64_t last_us; /**< when tokens were last refilled */
};

/** A bucket for @rate bytes/s (0: no cap), starting empty at @now_us so
 * that no transfer, however short, runs above the cap. */
void ratelimit_init(struct ratelimit *r, uint64_t rate, int64_t now_us);

/** The most bytes worth asking for at once (@max when there is no cap):
 * a tenth of a second's worth, at least 16 KiB, at most @max. */
uint64_t ratelimit_chunk(const struct ratelimit *r, uint64_t max);

/** Takes @n bytes' worth at @now_us: microseconds to wait before sending
 * them (0: at once). The bytes are taken even when a wait is returned. */
int64_t ratelimit_take(struct ratelimit *r, uint64_t n, int64_t now_us);

/** MiB/s (as operators give it) in bytes/s; 0 stays 0. */
static inline uint64_t ratelimit_mib(unsigned mib_per_s)
{
	return (uint64_t)mib_per_s << 20;
}

#endif
