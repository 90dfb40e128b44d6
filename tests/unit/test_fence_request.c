/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cluster's stonith-action, as crm_attribute answers it, to
 * stonith_admin's option: the handler must ask for the action Pacemaker
 * itself uses, or the fencer runs both one after the other (a rebooted
 * node then powered off). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "fence_request.h"

static void test_off_fences(void **state)
{
	(void)state;
	assert_string_equal(fence_request_option("off"), "--fence");
	assert_string_equal(fence_request_option("off\n"), "--fence");
	/* Pacemaker still accepts the old name */
	assert_string_equal(fence_request_option("poweroff\n"), "--fence");
}

static void test_reboot_and_default_reboot(void **state)
{
	(void)state;
	assert_string_equal(fence_request_option("reboot\n"), "--reboot");
	/* unreadable: Pacemaker's default */
	assert_string_equal(fence_request_option(NULL), "--reboot");
	assert_string_equal(fence_request_option(""), "--reboot");
}

static void test_near_misses_reboot(void **state)
{
	(void)state;
	/* only the whole value counts, not a prefix or a longer word */
	assert_string_equal(fence_request_option("of"), "--reboot");
	assert_string_equal(fence_request_option("offline"), "--reboot");
	assert_string_equal(fence_request_option("power"), "--reboot");
	assert_string_equal(fence_request_option(" off"), "--reboot");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_fences),
		cmocka_unit_test(test_reboot_and_default_reboot),
		cmocka_unit_test(test_near_misses_reboot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
