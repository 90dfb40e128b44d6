/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proc_run and proc_failure (helpers/lib/proc.c): a child's output, its
 * exit, a timeout, and a reason that is never empty (a drbdadm primary
 * killed at its timeout once gave the exit reason "cannot promote vm2: "). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proc.h"

static const char *run(char *const argv[], int timeout_ms, int *rc, char *buf, size_t len)
{
	struct proc_result r;

	*rc = proc_run(argv, timeout_ms, &r);
	proc_failure(*rc, timeout_ms, &r, buf, len);
	proc_result_free(&r);
	return buf;
}

static void test_stderr_tail_is_the_reason(void **state)
{
	char *argv[] = {"sh", "-c", "echo first >&2; echo 'the last line' >&2; echo >&2; exit 3", NULL};
	char buf[256];
	int rc;

	(void)state;
	assert_string_equal(run(argv, 10000, &rc, buf, sizeof(buf)), "the last line");
	assert_int_equal(rc, 0);
}

static void test_silent_exit_gives_its_status(void **state)
{
	char *argv[] = {"sh", "-c", "exit 4", NULL};
	char buf[256];
	int rc;

	(void)state;
	assert_string_equal(run(argv, 10000, &rc, buf, sizeof(buf)), "exited with status 4");
}

static void test_signal_is_named(void **state)
{
	char *argv[] = {"sh", "-c", "kill -9 $$", NULL};
	char buf[256];
	int rc;

	(void)state;
	assert_string_equal(run(argv, 10000, &rc, buf, sizeof(buf)), "killed by signal 9");
}

static void test_timeout_says_it_hung(void **state)
{
	char *quiet[] = {"sleep", "30", NULL};
	char *said[] = {"sh", "-c", "echo 'waiting for the handler' >&2; exec sleep 30", NULL};
	char buf[256];
	int rc;

	(void)state;
	assert_string_equal(run(quiet, 300, &rc, buf, sizeof(buf)), "did not finish in 0.3 s (killed)");
	assert_int_equal(rc, -ETIMEDOUT);
	assert_string_equal(run(said, 1500, &rc, buf, sizeof(buf)),
			    "did not finish in 1.5 s (killed); it said: waiting for the handler");
}

static void test_missing_program(void **state)
{
	char *argv[] = {"/nonexistent/ferry-no-such-program", NULL};
	char buf[256];
	int rc;

	(void)state;
	run(argv, 1000, &rc, buf, sizeof(buf));
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(buf, "cannot run it: "));
	assert_true(strlen(buf) > strlen("cannot run it: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stderr_tail_is_the_reason),
		cmocka_unit_test(test_silent_exit_gives_its_status),
		cmocka_unit_test(test_signal_is_named),
		cmocka_unit_test(test_timeout_says_it_hung),
		cmocka_unit_test(test_missing_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
