/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dm_table: the tables storage=local checks and builds, and the dm names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm_table.h"

static void plain_lvs_pass(void **state)
{
	struct dm_table t = { .n = 0 };
	uint64_t size = 0;
	char why[256];

	(void)state;
	/* two segments, as lvextend leaves them, and a striped one */
	assert_int_equal(dm_table_add(&t, 0, 262144, "linear", "8:16 2048"), 0);
	assert_int_equal(dm_table_add(&t, 262144, 8192, "linear", "8:32 2048"), 0);
	assert_int_equal(dm_table_add(&t, 270336, 4096, "striped", "2 128 8:16 0 8:32 0"), 0);
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), 0);
	assert_int_equal(size, 274432);
}

static void other_lvs_refused(void **state)
{
	struct dm_table t = { .n = 0 };
	uint64_t size = 0;
	char why[256];

	(void)state;
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "no table"));
	assert_int_equal(dm_table_add(&t, 0, 1024, "thin", "253:4 7"), 0);
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "'thin'"));
	/* a gap between two rows */
	t.n = 0;
	assert_int_equal(dm_table_add(&t, 0, 1024, "linear", "8:16 0"), 0);
	assert_int_equal(dm_table_add(&t, 2048, 1024, "linear", "8:16 4096"), 0);
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "gap"));
	/* already over DRBD: a half-done move is never slipped twice */
	assert_int_equal(dm_table_over_drbd(&t, 1024, 9), 0);
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "147:9"));
	/* a stripe on DRBD: an LV of a replicated VG */
	t.n = 0;
	assert_int_equal(dm_table_add(&t, 0, 1024, "striped", "2 128 8:16 0 147:2 0"), 0);
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "storage=drbd"));
	/* parameters that are not device-mapper's */
	t.n = 0;
	assert_int_equal(dm_table_add(&t, 0, 1024, "linear", "147:8"), 0);
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "parameters"));
	t.n = 0;
	assert_int_equal(dm_table_add(&t, 0, 1024, "striped", "3 128 8:16 0 8:32 0"), 0);
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), -EINVAL);
	assert_int_equal(size, 0); /* untouched on refusal */
}

/* make fuzz, dm_table (crash-500b1866...): a row onto DRBD's major whose
 * minor overflowed sscanf's %u wrapped to -1, "no DRBD", and passed as a
 * plain LV. Device numbers are parsed strictly now: beyond the kernel's
 * 12/20 bits, or beyond 64 bits, they are not device-mapper's. */
static void overflowing_numbers_refused(void **state)
{
	/* the crash input's params, verbatim */
	static const char fuzz_params[] = "147:111111111111111111111111111111111111111111111111111111111111"
					  "111111111111111111100000000000000000000000000000000459230456-111"
					  "111";
	static const char *const bad[] = {
		fuzz_params,
		/* a second crash input (crash-488fc30d...): a blank that %u skipped */
		"147: 5555555555555555555555555555555555555555555555555555555555550+00",
		"147:4294967295 0",       /* was (int)-1: "not on DRBD" */
		"147: 9 0",
		"147:1048576 0",          /* one past a 20-bit minor */
		"4243:1 0",               /* one past a 12-bit major */
		"8:16 18446744073709551616", /* an offset past 64 bits */
		"8:16 2048 ",             /* a trailing blank */
		"8:16  2048",             /* two blanks */
		"-8:16 2048",
		"8:+16 2048",
		" 8:16 2048",
	};
	struct dm_table t = { .n = 0 };
	uint64_t size = 0;
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t.n = 0;
		assert_int_equal(dm_table_add(&t, 0, 1024, "linear", bad[i]), 0);
		assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), -EINVAL);
		assert_non_null(strstr(why, "parameters"));
	}
	t.n = 0;
	assert_int_equal(dm_table_add(&t, 0, 1024, "striped", "1 128 147:4294967295 0"), 0);
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), -EINVAL);
	/* the largest device numbers still parse, and DRBD's is still found */
	t.n = 0;
	assert_int_equal(dm_table_add(&t, 0, 1024, "linear", "147:1048575 0"), 0);
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "147:1048575"));
	t.n = 0;
	assert_int_equal(dm_table_add(&t, 0, 1024, "linear", "4095:1048575 0"), 0);
	assert_int_equal(dm_table_check_plain(&t, &size, why, sizeof(why)), 0);
}

static void over_drbd_round_trip(void **state)
{
	struct dm_table t = { .n = 0 };
	unsigned minor = 0;

	(void)state;
	assert_int_equal(dm_table_over_drbd(&t, 262144, 12), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.row[0].type, "linear");
	assert_string_equal(t.row[0].params, "147:12 0");
	assert_int_equal(t.row[0].length, 262144);
	assert_true(dm_table_is_over_drbd(&t, &minor));
	assert_int_equal(minor, 12);
	/* not ours: another offset, another major, two rows */
	strcpy(t.row[0].params, "147:12 8");
	assert_false(dm_table_is_over_drbd(&t, &minor));
	strcpy(t.row[0].params, "8:16 0");
	assert_false(dm_table_is_over_drbd(&t, &minor));
	strcpy(t.row[0].params, "147:12\t0x");
	assert_false(dm_table_is_over_drbd(&t, &minor));
	assert_int_equal(dm_table_over_drbd(&t, 0, 12), -EINVAL);
}

static void rows_bounded(void **state)
{
	struct dm_table t = { .n = 0 };
	char long_params[DM_PARAMS_MAX + 1];

	(void)state;
	for (int i = 0; i < DM_ROWS_MAX; i++)
		assert_int_equal(dm_table_add(&t, (uint64_t)i * 8, 8, "linear", "8:16 0"), 0);
	assert_int_equal(dm_table_add(&t, 0, 8, "linear", "8:16 0"), -E2BIG);
	t.n = 0;
	memset(long_params, 'x', sizeof(long_params) - 1);
	long_params[sizeof(long_params) - 1] = '\0';
	assert_int_equal(dm_table_add(&t, 0, 8, "linear", long_params), -ENAMETOOLONG);
	assert_int_equal(dm_table_add(&t, 0, 8, "a-target-type-too-long", ""), -ENAMETOOLONG);
	assert_int_equal(dm_table_add(&t, 0, 0, "linear", ""), -EINVAL);
	assert_int_equal(t.n, 0);
}

static void names_as_lvm2_makes_them(void **state)
{
	char buf[DM_NAME_MAX];

	(void)state;
	assert_int_equal(dm_name_of_lv("vg0", "vm1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vg0-vm1");
	assert_int_equal(dm_name_of_lv("my-vg", "web-1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "my--vg-web--1");
	assert_int_equal(dm_name_orig("my-vg", "web-1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ferry-orig-my--vg-web--1");
	/* exactly full, then one byte short */
	assert_int_equal(dm_name_of_lv("a-b", "c", buf, 7), 0);
	assert_string_equal(buf, "a--b-c");
	assert_int_equal(dm_name_of_lv("a-b", "c", buf, 6), -ENAMETOOLONG);
	assert_int_equal(dm_name_orig("vg0", "vm1", buf, 12), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_lvs_pass),
		cmocka_unit_test(other_lvs_refused),
		cmocka_unit_test(overflowing_numbers_refused),
		cmocka_unit_test(over_drbd_round_trip),
		cmocka_unit_test(rows_bounded),
		cmocka_unit_test(names_as_lvm2_makes_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
