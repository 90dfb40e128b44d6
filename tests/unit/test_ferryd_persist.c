/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ferryd's ledger.state (persist.c) with its real modules: saved after
 * changes, restored by the next ferryd (a warm start when it is alone),
 * and ignored, with a log line, when it is corrupt, truncated, of another
 * node or of another boot. What a test process cannot have is faked in
 * fake_ferryd.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fake_ferryd.h"

static char dir[] = "/tmp/ferry-persist-test-XXXXXX";
static char path[256];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/ledger.state", dir);
	return 0;
}

static int teardown(void **state)
{
	char tmp[300];

	(void)state;
	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	rmdir(dir);
	strcpy(dir, "/tmp/ferry-persist-test-XXXXXX");
	return 0;
}

static void claim(const char *name)
{
	struct fake_conn f;
	struct ferry_ipc_req r = { .hdr = { .id = FERRY_IPC_CLAIM, .size = sizeof(r) },
				   .version = FERRY_IPC_VERSION };

	snprintf(r.name, sizeof(r.name), "%s", name);
	assert_int_equal(fake_connect(&f, 1 << 20, 0), 0);
	fake_request(&f, &r, sizeof(r));
	fake_pump();
	assert_int_equal(f.replies, 1);
	assert_int_equal(f.last_status, FERRY_OK);
	qb_ipcs_disconnect((qb_ipcs_connection_t *)(void *)&f);
}

/* A first ferryd claims two domains; the file is written before the
 * client hears "granted". */
static void first_life(void)
{
	struct ferryd d;
	struct stat st;

	assert_int_equal(fake_ferryd_start(&d, dir), 0);
	claim("vm-a");
	assert_int_equal(stat(path, &st), 0); /* before any loop job ran */
	claim("vm-b");
	fake_ferryd_stop(&d);
}

static void second_life(struct ferryd *d, struct replica_info *info)
{
	assert_int_equal(fake_ferryd_start(d, dir), 0);
	replica_info_get(d->rep, info);
}

static void restored_after_restart(void **state)
{
	struct ferryd d;
	struct replica_info info;
	const struct ledger_entry *e;

	(void)state;
	first_life();
	second_life(&d, &info);
	assert_true(info.restored);
	assert_int_equal(info.start, REPLICA_START_WARM);
	e = ledger_find(replica_ledger(d.rep), "vm-b");
	assert_non_null(e);
	assert_int_equal(e->owner, 1);
	assert_int_equal(e->epoch, 1);
	assert_true(info.version > 2);
	fake_ferryd_stop(&d);
}

static void expect_ignored(void)
{
	struct ferryd d;
	struct replica_info info;

	second_life(&d, &info);
	assert_false(info.restored);
	assert_int_equal(info.start, REPLICA_START_COLD);
	assert_null(ledger_find(replica_ledger(d.rep), "vm-a"));
	fake_ferryd_stop(&d);
}

static void patch(long off, uint8_t x)
{
	int fd = open(path, O_RDWR);
	uint8_t b;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= x;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

/* The boot id is the STATE record's first payload bytes. */
static void other_boot_ignored(void **state)
{
	(void)state;
	first_life();
	patch(WIRE_HDR_LEN + 3, 0x5a);
	expect_ignored();
}

/* The nodeid follows it: a file of node 1 is nothing to node 2, which
 * here is simulated by a file that says node 1 ^ 3 = 2. */
static void other_node_ignored(void **state)
{
	(void)state;
	first_life();
	patch(WIRE_HDR_LEN + WIRE_BOOT_ID_LEN, 3);
	expect_ignored();
}

static void corrupt_and_truncated_ignored(void **state)
{
	struct stat st;

	(void)state;
	first_life();
	assert_int_equal(stat(path, &st), 0);
	patch(68, 0xff); /* the magic of the record after the STATE record (68 bytes) */
	expect_ignored();
	first_life();
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 7), 0);
	expect_ignored();
	first_life();
	assert_int_equal(truncate(path, 0), 0);
	expect_ignored();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(restored_after_restart),
		T(other_boot_ignored),
		T(other_node_ignored),
		T(corrupt_and_truncated_ignored),
#undef T
	};

	return cmocka_run_group_tests_name("ferryd_persist", tests, NULL, NULL);
}
