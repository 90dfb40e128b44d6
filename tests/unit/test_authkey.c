/* SPDX-License-Identifier: GPL-2.0-or-later */
/* authkey: permissions, sizes, atomic generation. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "authkey.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/ferry-authkey-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *out, const char *name)
{
	snprintf(out, PATH_MAX, "%s/%s", dir, name);
}

/* A key file of `size` bytes (byte i = i % 251) with `mode`. */
static void file_make(const char *path, size_t size, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	for (size_t i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(i % 251);

		assert_int_equal(write(fd, &b, 1), 1);
	}
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void skip_unless_root(void)
{
	if (geteuid() != 0)
		skip();
}

static void test_load_good(void **state)
{
	char p[PATH_MAX];
	struct authkey k;

	(void)state;
	skip_unless_root();
	path_of(p, "k32");
	file_make(p, 32, 0400);
	assert_int_equal(authkey_load(p, &k), 0);
	assert_int_equal(k.len, 32);
	assert_int_equal(k.data[31], 31);
	path_of(p, "k4096");
	file_make(p, 4096, 0600);
	assert_int_equal(authkey_load(p, &k), 0);
	assert_int_equal(k.len, 4096);
	authkey_clear(&k);
	assert_int_equal(k.len, 0);
	assert_int_equal(k.data[31], 0);
}

static void test_load_sizes(void **state)
{
	char p[PATH_MAX];
	struct authkey k;

	(void)state;
	skip_unless_root();
	path_of(p, "short");
	file_make(p, 31, 0400);
	assert_int_equal(authkey_load(p, &k), -EINVAL);
	assert_int_equal(k.len, 0);
	path_of(p, "long");
	file_make(p, 4097, 0400);
	assert_int_equal(authkey_load(p, &k), -EINVAL);
	path_of(p, "empty");
	file_make(p, 0, 0400);
	assert_int_equal(authkey_load(p, &k), -EINVAL);
}

static void test_load_modes(void **state)
{
	static const mode_t bad[] = { 0440, 0404, 0640, 0604, 0410, 0401, 0700 | 0070 };
	char p[PATH_MAX];
	struct authkey k;

	(void)state;
	skip_unless_root();
	path_of(p, "mode");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		file_make(p, 32, bad[i]);
		assert_int_equal(authkey_load(p, &k), -EACCES);
	}
	file_make(p, 32, 0600);
	assert_int_equal(authkey_load(p, &k), 0);
}

static void test_load_owner_and_type(void **state)
{
	char p[PATH_MAX], l[PATH_MAX];
	struct authkey k;

	(void)state;
	skip_unless_root();
	path_of(p, "owned");
	file_make(p, 32, 0400);
	assert_int_equal(chown(p, 65534, 65534), 0);
	assert_int_equal(authkey_load(p, &k), -EPERM);

	path_of(p, "target");
	file_make(p, 32, 0400);
	path_of(l, "link");
	assert_int_equal(symlink(p, l), 0);
	assert_int_equal(authkey_load(l, &k), -EPERM);

	path_of(p, "adir");
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(authkey_load(p, &k), -EPERM);

	path_of(p, "missing");
	assert_int_equal(authkey_load(p, &k), -ENOENT);
}

static void test_generate(void **state)
{
	char p[PATH_MAX], d[PATH_MAX];
	struct authkey a, b;
	struct stat st;

	(void)state;
	skip_unless_root();
	path_of(d, "etc-ferry");
	assert_true(snprintf(p, sizeof(p), "%s/authkey", d) < (int)sizeof(p));
	assert_int_equal(authkey_generate(p, false), 0);

	assert_int_equal(stat(d, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0400);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_size, AUTHKEY_GENERATED);
	assert_int_equal(authkey_load(p, &a), 0);

	/* No overwrite without force, and the old key is intact. */
	assert_int_equal(authkey_generate(p, false), -EEXIST);
	assert_int_equal(authkey_load(p, &b), 0);
	assert_memory_equal(a.data, b.data, a.len);

	assert_int_equal(authkey_generate(p, true), 0);
	assert_int_equal(authkey_load(p, &b), 0);
	assert_int_equal(b.len, AUTHKEY_GENERATED);
	assert_memory_not_equal(a.data, b.data, a.len);

	/* No temp files left behind. */
	{
		char cmd[PATH_MAX + 32];

		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) = 1", d);
		assert_int_equal(system(cmd), 0);
	}
	authkey_clear(&a);
	authkey_clear(&b);
}

static void test_generate_no_parent(void **state)
{
	char p[PATH_MAX];

	(void)state;
	path_of(p, "no/such/authkey");
	assert_int_equal(authkey_generate(p, false), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_owner_and_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generate_no_parent, setup, teardown),
	};

	return cmocka_run_group_tests_name("authkey", tests, NULL, NULL);
}
