/* SPDX-License-Identifier: GPL-2.0-or-later */
/* drbd_check: the storage monitor's verdict on each DRBD resource. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drbd_check.h"

static void verdicts(void **state)
{
	char line[256];

	(void)state;
	assert_int_equal(drbd_check_one("r0", true, "UpToDate", line, sizeof(line)), 0);
	assert_string_equal(line, "r0: up, disk UpToDate");
	/* a copy a resync brings up to date is a usable disk */
	assert_int_equal(drbd_check_one("r0", true, "Inconsistent", line, sizeof(line)), 0);
	assert_int_equal(drbd_check_one("r0", true, "Outdated", line, sizeof(line)), 0);
	assert_int_equal(drbd_check_one("r0", false, "", line, sizeof(line)), -ENOENT);
	assert_string_equal(line, "r0: not up");
	for (const char *const *d = (const char *const[]){ "Diskless", "Failed", "Detaching", NULL };
	     *d; d++) {
		assert_int_equal(drbd_check_one("r1", true, *d, line, sizeof(line)), -EIO);
		assert_non_null(strstr(line, "no usable local disk"));
		assert_non_null(strstr(line, *d));
	}
}

static void print_reports_the_first_refusal(void **state)
{
	struct ferry_ipc_monitor m;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.ndrbd = 3;
	strcpy(m.drbd[0].name, "r0");
	m.drbd[0].exists = 1;
	strcpy(m.drbd[0].disk, "UpToDate");
	strcpy(m.drbd[1].name, "r1");
	m.drbd[1].exists = 1;
	strcpy(m.drbd[1].disk, "Diskless");
	strcpy(m.drbd[2].name, "r2");
	assert_int_equal(drbd_check_print(&m), -EIO);
	m.drbd[1].exists = 0;
	assert_int_equal(drbd_check_print(&m), -ENOENT);
	m.ndrbd = 1;
	assert_int_equal(drbd_check_print(&m), 0);
}

static void ask_refuses_what_does_not_fit(void **state)
{
	struct ferry_ipc_monitor m;
	char long_name[FERRY_IPC_DRBD_NAME + 1];
	char *names[DRBD_CHECK_MAX + 1];

	(void)state;
	for (int i = 0; i <= DRBD_CHECK_MAX; i++)
		names[i] = "r0";
	assert_int_equal(drbd_check_ask(names, 0, &m), -EINVAL);
	assert_int_equal(drbd_check_ask(names, DRBD_CHECK_MAX + 1, &m), -EINVAL);
	memset(long_name, 'r', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	names[0] = long_name;
	assert_int_equal(drbd_check_ask(names, 1, &m), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdicts),
		cmocka_unit_test(print_reports_the_first_refusal),
		cmocka_unit_test(ask_refuses_what_does_not_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
