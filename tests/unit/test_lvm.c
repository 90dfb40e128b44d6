/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What ferry reads from lvm2's reports (lvm.c): an LV's state, and a VG's
 * free space, as lvm2 prints them (blanks around, a newline after). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lvm.h"

static void test_attr(void **state)
{
	bool active = false;

	(void)state;
	assert_int_equal(lvm_attr_active("  -wi-a-----\n", &active), 0);
	assert_true(active);
	assert_int_equal(lvm_attr_active("  -wi-------\n", &active), 0);
	assert_false(active);
	assert_int_equal(lvm_attr_active("  -wi\n", &active), -EINVAL);
	assert_int_equal(lvm_attr_active("", &active), -EINVAL);
}

static void test_sectors(void **state)
{
	unsigned long long n = 0;

	(void)state;
	assert_int_equal(lvm_parse_sectors("  2088960\n", &n), 0);
	assert_true(n == 2088960ULL);
	assert_int_equal(lvm_parse_sectors("0", &n), 0);
	assert_true(n == 0);
	/* a unit suffix, a second VG's line, a sign, nothing at all */
	assert_int_equal(lvm_parse_sectors("  2088960S\n", &n), -EINVAL);
	assert_int_equal(lvm_parse_sectors("  20\n  30\n", &n), -EINVAL);
	assert_int_equal(lvm_parse_sectors("-5", &n), -EINVAL);
	assert_int_equal(lvm_parse_sectors("  \n", &n), -EINVAL);
	assert_int_equal(lvm_parse_sectors("99999999999999999999999", &n), -EINVAL);
}

static void test_tags(void **state)
{
	(void)state;
	assert_true(lvm_tags_have("  ferry_stale\n", LVM_STALE_TAG));
	assert_true(lvm_tags_have("  backup,ferry_stale\n", LVM_STALE_TAG));
	assert_false(lvm_tags_have("  ferry_stale2,xferry_stale\n", LVM_STALE_TAG));
	assert_false(lvm_tags_have("  \n", LVM_STALE_TAG));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attr),
		cmocka_unit_test(test_sectors),
		cmocka_unit_test(test_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
