/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The token bucket of the stream's speed cap (see ratelimit.h). Tokens are
 * kept in millionths of a byte (bytes x microseconds / second), so that
 * refilling dt microseconds at any rate is exact and small writes lose
 * nothing to rounding. */
#include "ratelimit.h"

#define CHUNK_MIN (16 * 1024)
#define SCALE     1000000 /* microseconds per second */

void ratelimit_init(struct ratelimit *r, uint64_t rate, int64_t now_us)
{
	r->rate = rate;
	r->burst = rate ? ratelimit_chunk(r, UINT64_MAX) : 0;
	r->tokens = 0;
	r->last_us = now_us;
}

uint64_t ratelimit_chunk(const struct ratelimit *r, uint64_t max)
{
	uint64_t c;

	if (!r->rate)
		return max;
	c = r->rate / 10;
	if (c < CHUNK_MIN)
		c = CHUNK_MIN;
	return c < max ? c : max;
}

int64_t ratelimit_take(struct ratelimit *r, uint64_t n, int64_t now_us)
{
	__int128 full = (__int128)r->burst * SCALE, t = r->tokens;
	int64_t dt = now_us - r->last_us;

	if (!r->rate)
		return 0;
	/* Refill for the time since the last call (a clock that went back
	 * refills nothing), never above one burst. */
	if (dt > 0) {
		t += (__int128)dt * r->rate;
		if (t > full)
			t = full;
		r->last_us = now_us;
	}
	t -= (__int128)n * SCALE;
	r->tokens = (int64_t)t;
	if (t >= 0)
		return 0;
	/* The debt, in the microseconds the rate needs to pay it off. */
	return (int64_t)((-t + (__int128)r->rate - 1) / (__int128)r->rate);
}
