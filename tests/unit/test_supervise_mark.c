/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Supervision markers in a private directory, with real processes as
 * holders: a marker counts while its holder lives; one whose holder died
 * (killed -9, as a ferryd crash or Pacemaker's timeout leaves it), or
 * that holds garbage, is stale: not seen, removed, not waited for. An
 * empty one (an older ferryd's) counts only while young. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "supervise_mark.h"

static char dir[64];

static int dir_setup(void **state)
{
	(void)state;
	if (tmpdir_make(dir, sizeof(dir), "marks"))
		return -1;
	setenv("FERRY_SUPERVISE_MARK_DIR", dir, 1);
	return 0;
}

static int dir_teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static bool file_exists(const char *name)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

/* A child that sleeps until killed. */
static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	assert_true(pid > 0);
	return pid;
}

static void reap_killed(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

static void test_live_holder_counts(void **state)
{
	(void)state;
	assert_false(supervise_mark_has("vm1", "rebooting"));
	assert_int_equal(supervise_mark_set("vm1", "rebooting", getpid()), 0);
	assert_true(supervise_mark_has("vm1", "rebooting"));
	assert_false(supervise_mark_has("vm1", "stopping"));
	assert_false(supervise_mark_has("vm2", "rebooting"));
	assert_int_equal(supervise_mark_clear("vm1", "rebooting"), 0);
	assert_false(supervise_mark_has("vm1", "rebooting"));
	assert_int_equal(supervise_mark_clear("vm1", "rebooting"), 0); /* idempotent */
	assert_int_equal(supervise_mark_set("vm1", "rebooting", 0), -EINVAL);
}

static void test_dead_holder_is_stale(void **state)
{
	pid_t child = sleeper();

	(void)state;
	assert_int_equal(supervise_mark_set("vm1", "rebooting", child), 0);
	assert_true(supervise_mark_has("vm1", "rebooting"));
	reap_killed(child);
	assert_false(supervise_mark_has("vm1", "rebooting"));
	assert_false(file_exists("vm1.rebooting"));
	/* nor waited for */
	assert_int_equal(supervise_mark_set("vm1", "stopping", child), 0);
	assert_int_equal(supervise_mark_wait_gone("vm1", "stopping", 0), 0);
}

static void test_handed_over_to_a_child(void **state)
{
	pid_t child = sleeper();

	(void)state;
	/* ferryd's way: itself first, then the child that does the work */
	assert_int_equal(supervise_mark_set("vm1", "rebooting", getpid()), 0);
	assert_int_equal(supervise_mark_set("vm1", "rebooting", child), 0);
	assert_true(supervise_mark_has("vm1", "rebooting"));
	assert_int_equal(supervise_mark_wait_gone("vm1", "rebooting", 600), -ETIMEDOUT);
	reap_killed(child);
	assert_int_equal(supervise_mark_wait_gone("vm1", "rebooting", 600), 0);
}

static void marker_write(const char *name, const char *text, time_t age_s)
{
	char p[128];
	struct timespec t[2];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= age_s;
	t[1] = t[0];
	assert_int_equal(utimensat(AT_FDCWD, p, t, 0), 0);
}

static void test_empty_marker_counts_while_young(void **state)
{
	(void)state;
	/* an older ferryd's empty marker, during a package upgrade */
	marker_write("vm1.rebooting", "", 10);
	assert_true(supervise_mark_has("vm1", "rebooting"));
	marker_write("vm1.rebooting", "", 600);
	assert_false(supervise_mark_has("vm1", "rebooting"));
	assert_false(file_exists("vm1.rebooting"));
}

static void test_garbage_is_stale(void **state)
{
	(void)state;
	marker_write("vm1.rebooting", "12ab\n", 0);
	assert_false(supervise_mark_has("vm1", "rebooting"));
	assert_false(file_exists("vm1.rebooting"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live_holder_counts, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_dead_holder_is_stale, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_handed_over_to_a_child, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_empty_marker_counts_while_young, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_garbage_is_stale, dir_setup, dir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
