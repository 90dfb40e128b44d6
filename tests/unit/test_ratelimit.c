/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stream's token bucket on a fake clock: no cap means no wait, a
 * capped sender never gets ahead of the rate, however it slices its
 * writes, idle time buys at most one burst, and a clock that goes back
 * buys nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ratelimit.h"

#define MIB (1ull << 20)

static void test_uncapped(void **state)
{
	struct ratelimit r;

	(void)state;
	ratelimit_init(&r, 0, 0);
	assert_int_equal(ratelimit_take(&r, 1ull << 40, 0), 0);
	assert_int_equal(ratelimit_chunk(&r, 256 * 1024), 256 * 1024);
}

/* Sends @total in @n-byte pieces, sleeping as told: the time it took. */
static int64_t send_all(struct ratelimit *r, uint64_t total, uint64_t n, int64_t *clock)
{
	int64_t start = *clock;

	for (uint64_t sent = 0; sent < total; sent += n)
		*clock += ratelimit_take(r, n, *clock);
	return *clock - start;
}

static void test_capped_never_ahead(void **state)
{
	static const uint64_t pieces[] = { 1, 4096, 65536, 256 * 1024, 3 * MIB };
	int64_t clock = 1000000;

	(void)state;
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		struct ratelimit r;
		uint64_t total = 12 * MIB - 12 * MIB % pieces[i];
		int64_t took;

		ratelimit_init(&r, 4 * MIB, clock);
		took = send_all(&r, total, pieces[i], &clock);
		/* total / rate seconds at least: the bucket starts empty. */
		assert_true(took >= (int64_t)(total * 1000000 / (4 * MIB)));
		/* ... and not much more (the last piece's rounding). */
		assert_true(took <= (int64_t)(total * 1000000 / (4 * MIB)) + 1000);
	}
}

static void test_idle_buys_one_burst(void **state)
{
	struct ratelimit r;
	uint64_t burst;

	(void)state;
	ratelimit_init(&r, 10 * MIB, 0);
	burst = ratelimit_chunk(&r, UINT64_MAX);
	assert_int_equal(burst, MIB); /* a tenth of a second */
	/* An hour idle: one burst goes at once, the next waits. */
	assert_int_equal(ratelimit_take(&r, burst, 3600ll * 1000000), 0);
	assert_true(ratelimit_take(&r, burst, 3600ll * 1000000) >= 100000);
}

static void test_clock_back(void **state)
{
	struct ratelimit r;

	(void)state;
	ratelimit_init(&r, MIB, 5000000);
	assert_true(ratelimit_take(&r, MIB, 1000000) >= 1000000);
	assert_true(ratelimit_take(&r, MIB, 2000000) >= 2000000);
}

static void test_chunk_bounds(void **state)
{
	struct ratelimit r;

	(void)state;
	ratelimit_init(&r, 1000, 0);
	assert_int_equal(ratelimit_chunk(&r, 256 * 1024), 16 * 1024);
	ratelimit_init(&r, 1000 * MIB, 0);
	assert_int_equal(ratelimit_chunk(&r, 256 * 1024), 256 * 1024);
	assert_int_equal(ratelimit_mib(0), 0);
	assert_int_equal(ratelimit_mib(3), 3 * MIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uncapped),
		cmocka_unit_test(test_capped_never_ahead),
		cmocka_unit_test(test_idle_buys_one_burst),
		cmocka_unit_test(test_clock_back),
		cmocka_unit_test(test_chunk_bounds),
	};

	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
