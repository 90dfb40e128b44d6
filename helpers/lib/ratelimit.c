/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The token bucket of the stream's speed cap (see ratelimit.h). */
#include "ratelimit.h"

#define CHUNK_MIN (16 * 1024)

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
	int64_t dt = now_us - r->last_us;

	if (!r->rate)
		return 0;
	/* Refill for the time since the last call (a clock that went back
	 * refills nothing), never above one burst. */
	if (dt > 0) {
		unsigned __int128 add = (unsigned __int128)dt * r->rate / 1000000;
		int64_t room = (int64_t)r->burst - r->tokens; /* tokens <= burst */

		r->tokens = add >= (unsigned __int128)room ? (int64_t)r->burst
							    : r->tokens + (int64_t)add;
		r->last_us = now_us;
	}
	r->tokens -= (int64_t)n;
	if (r->tokens >= 0)
		return 0;
	/* The debt, in the time the rate needs to pay it off. */
	return (int64_t)(((unsigned __int128)(-r->tokens) * 1000000 + r->rate - 1) / r->rate);
}
