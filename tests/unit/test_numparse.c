/* SPDX-License-Identifier: GPL-2.0-or-later */
/* num_parse (helpers/lib/numparse.c): decimal only, range-checked, never
 * wrapped, with the reason. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "numparse.h"

static void test_accepts_decimal_in_range(void **state)
{
	uint64_t v = 0;
	int i = 0;

	(void)state;
	assert_int_equal(num_parse("x", "0", 0, 10, &v, NULL, 0), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_parse("x", "10", 0, 10, &v, NULL, 0), 0);
	assert_int_equal(v, 10);
	assert_int_equal(num_parse("x", "007", 0, 10, &v, NULL, 0), 0);
	assert_int_equal(v, 7);
	assert_int_equal(num_parse("x", "18446744073709551615", 0, UINT64_MAX, &v, NULL, 0), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(num_parse_int("port", "65535", 1, 65535, &i, NULL, 0), 0);
	assert_int_equal(i, 65535);
	assert_int_equal(num_parse_int("x", "2147483647", 0, INT_MAX, &i, NULL, 0), 0);
	assert_int_equal(i, INT_MAX);
}

static void test_refuses_what_atoi_takes(void **state)
{
	static const char *const not_numbers[] = {
		"", " 1", "1 ", "+1", "-1", "-0", "0x10", "1e3", "1.5", "12abc", "abc", "１",
		"1\n", "\t1",
	};
	uint64_t v = 42;
	char why[256];

	(void)state;
	for (size_t k = 0; k < sizeof(not_numbers) / sizeof(not_numbers[0]); k++) {
		assert_int_equal(num_parse("--timeout", not_numbers[k], 0, 100, &v, why, sizeof(why)),
				 -EINVAL);
		assert_true(v == 42); /* untouched */
		assert_non_null(strstr(why, "is not a number (0..100)"));
		assert_null(strchr(why, '\n'));
	}
	assert_int_equal(num_parse("x", NULL, 0, 1, &v, why, sizeof(why)), -EINVAL);
}

static void test_range_and_overflow(void **state)
{
	uint64_t v = 42;
	int i = 42;
	char why[256];

	(void)state;
	/* The brief's cases: atoi would give 1 and -1294967296. */
	assert_int_equal(num_parse_int("shutdown_timeout", "4294967297", 1, 86400, &i, why,
				       sizeof(why)),
			 -ERANGE);
	assert_string_equal(why, "shutdown_timeout: 4294967297 is out of range (1..86400)");
	assert_int_equal(num_parse_int("shutdown_timeout", "3000000000", 1, 86400, &i, NULL, 0),
			 -ERANGE);
	assert_int_equal(num_parse_int("migration_port", "70000", 1, 65535, &i, why, sizeof(why)),
			 -ERANGE);
	assert_string_equal(why, "migration_port: 70000 is out of range (1..65535)");
	assert_int_equal(num_parse_int("port", "0", 1, 65535, &i, NULL, 0), -ERANGE);
	assert_int_equal(i, 42);
	/* Beyond 64 bits, and just beyond. */
	assert_int_equal(num_parse("x", "18446744073709551616", 0, UINT64_MAX, &v, NULL, 0),
			 -ERANGE);
	assert_int_equal(num_parse("x", "99999999999999999999999999", 0, UINT64_MAX, &v, NULL, 0),
			 -ERANGE);
	assert_true(v == 42);
	/* A bad range is the caller's mistake. */
	assert_int_equal(num_parse_int("x", "1", -1, 5, &i, NULL, 0), -EINVAL);
	assert_int_equal(num_parse_int("x", "1", 5, 1, &i, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_decimal_in_range),
		cmocka_unit_test(test_refuses_what_atoi_takes),
		cmocka_unit_test(test_range_and_overflow),
	};
	return cmocka_run_group_tests_name("numparse", tests, NULL, NULL);
}
