/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DRBD's disable_sendpage module parameter, as a file of this test's own
 * standing in for /sys/module/drbd/parameters/disable_sendpage (sysfs
 * reads and writes it the same way): N becomes Y, Y is left alone, and a
 * module that is not loaded (no file) or a file that cannot be written
 * is an error, not a crash. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "drbd_sendpage.h"

static char dir[64];
static char param[128];

static int dir_setup(void **state)
{
	(void)state;
	if (tmpdir_make(dir, sizeof(dir), "sendpage"))
		return -1;
	snprintf(param, sizeof(param), "%s/disable_sendpage", dir);
	return 0;
}

static int dir_teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void put(const char *text)
{
	FILE *f = fopen(param, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void get(char *buf, size_t len)
{
	FILE *f = fopen(param, "r");

	assert_non_null(f);
	buf[0] = '\0';
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
}

static void test_off_turns_n_into_y(void **state)
{
	char v[8];

	(void)state;
	put("N\n");
	assert_int_equal(drbd_sendpage_off(param), 0);
	get(v, sizeof(v));
	assert_string_equal(v, "Y\n");
}

static void test_y_is_left_alone(void **state)
{
	struct stat before, after;
	char v[8];

	(void)state;
	put("Y\n");
	assert_int_equal(stat(param, &before), 0);
	sleep(1); /* an mtime that would show a write */
	assert_int_equal(drbd_sendpage_off(param), 0);
	assert_int_equal(stat(param, &after), 0);
	assert_int_equal(before.st_mtime, after.st_mtime);
	get(v, sizeof(v));
	assert_string_equal(v, "Y\n");
}

static void test_no_module_is_enoent(void **state)
{
	(void)state;
	unlink(param);
	assert_int_equal(drbd_sendpage_off(param), -ENOENT);
	assert_int_not_equal(access(param, F_OK), 0); /* nothing created */
}

static void test_unwritable_is_an_error(void **state)
{
	(void)state;
	unlink(param);
	assert_int_equal(mkdir(param, 0700), 0); /* a directory cannot be opened for writing */
	assert_true(drbd_sendpage_off(param) < 0);
	rmdir(param);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_turns_n_into_y),
		cmocka_unit_test(test_y_is_left_alone),
		cmocka_unit_test(test_no_module_is_enoent),
		cmocka_unit_test(test_unwritable_is_an_error),
	};
	return cmocka_run_group_tests(tests, dir_setup, dir_teardown);
}
