/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outbound migration slots with real flock()s and real processes (in a
 * private directory): the default of one, the published limit holding
 * among concurrent migrations, a waiter refused in time with the names of
 * the holders, and a slot freed by the kernel when its holder is killed. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "clock.h"
#include "migrate_slots.h"

static char dir[64];

static int dir_setup(void **state)
{
	(void)state;
	if (tmpdir_remove(dir) || tmpdir_make(dir, sizeof(dir), "slots"))
		return -1;
	setenv("FERRY_MIGRATE_SLOT_DIR", dir, 1);
	return 0;
}

static int dir_teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void test_default_one(void **state)
{
	struct migrate_slot a, b;
	char why[512];

	(void)state;
	assert_int_equal(migrate_slots_max(), 1);
	assert_int_equal(migrate_slot_take("vm-a", 0, &a, why, sizeof(why)), 0);
	/* The same process takes no second slot either: flock() locks are
	 * per open file. */
	assert_int_equal(migrate_slot_take("vm-b", clock_ms() + 300, &b, why, sizeof(why)),
			 -ETIMEDOUT);
	assert_non_null(strstr(why, "vm-a (pid"));
	assert_non_null(strstr(why, "1 of 1 in use"));
	assert_int_equal(b.fd, -1);
	migrate_slot_release(&a);
	assert_int_equal(migrate_slot_take("vm-b", 0, &b, why, sizeof(why)), 0);
	migrate_slot_release(&b);
	migrate_slot_release(&b); /* twice is harmless */
}

static void test_publish(void **state)
{
	char path[128];
	FILE *f;

	(void)state;
	assert_int_equal(migrate_slots_publish(0), -EINVAL);
	assert_int_equal(migrate_slots_publish(MIGRATE_SLOTS_MAX + 1), -EINVAL);
	assert_int_equal(migrate_slots_publish(3), 0);
	assert_int_equal(migrate_slots_max(), 3);
	/* Something else in the file: the default, not a guess. */
	snprintf(path, sizeof(path), "%s/max", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("3x\n", f);
	fclose(f);
	assert_int_equal(migrate_slots_max(), MIGRATE_SLOTS_DEFAULT);
}

/* A child that takes a slot, says so on @fd, and holds it until killed. */
static pid_t holder(const char *name, int fd)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct migrate_slot s;
		char why[512];

		if (migrate_slot_take(name, clock_ms() + 10000, &s, why, sizeof(why)))
			_exit(1);
		if (write(fd, "k", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	return pid;
}

static void test_holder_killed(void **state)
{
	struct migrate_slot s;
	char why[512], c;
	int p[2], st;
	pid_t a, b;

	(void)state;
	assert_int_equal(migrate_slots_publish(2), 0);
	assert_int_equal(pipe(p), 0);
	a = holder("vm-a", p[1]);
	b = holder("vm-b", p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(migrate_slot_take("vm-c", clock_ms() + 300, &s, why, sizeof(why)),
			 -ETIMEDOUT);
	assert_non_null(strstr(why, "2 of 2 in use"));
	assert_non_null(strstr(why, "vm-a (pid"));
	assert_non_null(strstr(why, "vm-b (pid"));
	/* A migration killed mid-way: the kernel gives its slot back. */
	kill(a, SIGKILL);
	assert_int_equal(waitpid(a, &st, 0), a);
	assert_int_equal(migrate_slot_take("vm-c", clock_ms() + 10000, &s, why, sizeof(why)), 0);
	migrate_slot_release(&s);
	kill(b, SIGKILL);
	assert_int_equal(waitpid(b, &st, 0), b);
	close(p[0]);
	close(p[1]);
}

/* Seven migrations at once on a node with two slots: all get through,
 * never more than two at a time. */
struct shared {
	atomic_int now, most, done;
};

static void test_limit_holds(void **state)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t kids[7];

	(void)state;
	assert_true(sh != MAP_FAILED);
	assert_int_equal(migrate_slots_publish(2), 0);
	for (int i = 0; i < 7; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			struct migrate_slot s;
			char name[16], why[512];
			int n, m;

			snprintf(name, sizeof(name), "vm-%d", i);
			if (migrate_slot_take(name, clock_ms() + 30000, &s, why, sizeof(why)))
				_exit(1);
			n = atomic_fetch_add(&sh->now, 1) + 1;
			m = atomic_load(&sh->most);
			while (n > m && !atomic_compare_exchange_weak(&sh->most, &m, n))
				;
			usleep(100 * 1000); /* "migrating" */
			atomic_fetch_sub(&sh->now, 1);
			atomic_fetch_add(&sh->done, 1);
			migrate_slot_release(&s);
			_exit(0);
		}
	}
	for (int i = 0; i < 7; i++) {
		int st;

		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(atomic_load(&sh->done), 7);
	assert_true(atomic_load(&sh->most) >= 1);
	assert_true(atomic_load(&sh->most) <= 2);
	munmap(sh, sizeof(*sh));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_default_one, dir_setup),
		cmocka_unit_test_setup(test_publish, dir_setup),
		cmocka_unit_test_setup(test_holder_killed, dir_setup),
		cmocka_unit_test_setup(test_limit_holds, dir_setup),
	};

	return cmocka_run_group_tests_name("migrate_slots", tests, NULL, dir_teardown);
}
