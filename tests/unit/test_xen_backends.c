/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which of dom0's kernel backends belong to a domain, read from a
 * directory laid out as /sys/bus/xen-backend/devices (a directory of
 * names stands in for sysfs: the unit tier has no Xen; the lab runs the
 * real one through every restart and stop). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "xen_backends.h"

static char dir[64];

static const char *const entries[] = {
	"vbd-1-51712", "vif-1-0", "vbd-12-51712", "vbd-10-1", "console",
	"vbd-x-1", "vbd--1", "vbd-1", "-1-2", "vbd-1x-2",
};

static int dir_setup(void **state)
{
	char p[128];

	(void)state;
	if (tmpdir_make(dir, sizeof(dir), "backends"))
		return -1;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, entries[i]);
		if (mkdir(p, 0755))
			return -1;
	}
	return 0;
}

static int dir_teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void test_counts_only_the_domains_own(void **state)
{
	char names[256];

	(void)state;
	assert_int_equal(xen_backends_left(dir, 1, names, sizeof(names)), 2);
	assert_non_null(strstr(names, "vbd-1-51712"));
	assert_non_null(strstr(names, "vif-1-0"));
	assert_null(strstr(names, "vbd-12-51712"));
	assert_int_equal(xen_backends_left(dir, 12, names, sizeof(names)), 1);
	assert_string_equal(names, "vbd-12-51712");
	assert_int_equal(xen_backends_left(dir, 10, names, sizeof(names)), 1);
	assert_int_equal(xen_backends_left(dir, 2, names, sizeof(names)), 0);
	assert_string_equal(names, "");
}

static void test_names_are_cut_not_overrun(void **state)
{
	char names[8];

	(void)state;
	memset(names, 'x', sizeof(names));
	assert_int_equal(xen_backends_left(dir, 1, names, sizeof(names)), 2);
	assert_int_equal(strlen(names), sizeof(names) - 1);
	assert_int_equal(xen_backends_left(dir, 1, NULL, 0), 2);
}

static void test_no_backend_driver_is_none(void **state)
{
	char names[32] = "stale";

	(void)state;
	assert_int_equal(xen_backends_left("/nonexistent/xen-backend", 1, names, sizeof(names)), 0);
	assert_string_equal(names, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_only_the_domains_own, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_names_are_cut_not_overrun, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_no_backend_driver_is_none, dir_setup,
						dir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
