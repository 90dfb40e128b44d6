/* SPDX-License-Identifier: GPL-2.0-or-later */
/* authkey: permissions, links, sizes, quality, atomic generation, key ids
 * and the rollover's files and steps. */
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
#include <gnutls/crypto.h>

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

/* A file holding `size` given bytes with `mode`. */
static void file_write(const char *path, const uint8_t *buf, size_t size, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, size), (ssize_t)size);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* A key file of `size` random bytes with `mode`. */
static void file_make(const char *path, size_t size, mode_t mode)
{
	uint8_t buf[8192];

	assert_true(size <= sizeof(buf));
	assert_int_equal(gnutls_rnd(GNUTLS_RND_RANDOM, buf, size), 0);
	file_write(path, buf, size, mode);
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
	uint8_t want[32];

	path_of(p, "k32");
	assert_int_equal(gnutls_rnd(GNUTLS_RND_RANDOM, want, sizeof(want)), 0);
	file_write(p, want, sizeof(want), 0400);
	assert_int_equal(authkey_load(p, &k), 0);
	assert_int_equal(k.len, 32);
	assert_memory_equal(k.data, want, 32);
	path_of(p, "k4096");
	file_make(p, 4096, 0600);
	assert_int_equal(authkey_load(p, &k), 0);
	assert_int_equal(k.len, 4096);
	authkey_clear(&k);
	assert_int_equal(k.len, 0);
	assert_int_equal(k.data[31], 0);
}

/* Keys that one captured handshake would give away: refused, each with a
 * reason; random keys and long hex strings pass. */
static void test_quality(void **state)
{
	uint8_t k[128];
	char why[200];

	(void)state;
	memset(k, 0, sizeof(k));
	assert_int_equal(authkey_quality(k, 32, why, sizeof(why)), -EKEYREJECTED);
	print_message("# zeros: %s\n", why);
	memset(k, 0xff, 32);
	assert_int_equal(authkey_quality(k, 32, why, sizeof(why)), -EKEYREJECTED);
	for (int i = 0; i < 32; i++) /* ASCII "abcd" repeated */
		k[i] = (uint8_t)("abcd"[i % 4]);
	assert_int_equal(authkey_quality(k, 32, why, sizeof(why)), -EKEYREJECTED);
	/* 16 random bytes twice: 256 bits of length, 128 of key. */
	assert_int_equal(gnutls_rnd(GNUTLS_RND_RANDOM, k, 16), 0);
	memcpy(k + 16, k, 16);
	assert_int_equal(authkey_quality(k, 32, why, sizeof(why)), -EKEYREJECTED);
	print_message("# repeated: %s\n", why);
	for (int i = 0; i < 32; i++) /* a counter: 32 distinct bytes, no secret */
		k[i] = (uint8_t)i;
	assert_int_equal(authkey_quality(k, 32, why, sizeof(why)), -EKEYREJECTED);
	print_message("# counter: %s\n", why);
	for (int i = 0; i < 64; i++) /* a ramp stepping 7, 13, 7, 13, ... */
		k[i] = (uint8_t)(i / 2 * 20 + (i % 2) * 7);
	assert_int_equal(authkey_quality(k, 64, why, sizeof(why)), -EKEYREJECTED);
	memset(k, 'x', 32); /* one odd byte does not save it */
	k[5] = 'y';
	assert_int_equal(authkey_quality(k, 32, why, sizeof(why)), -EKEYREJECTED);
	for (int i = 0; i < 32; i++) /* 32 hex digits: 128 bits, estimated lower */
		k[i] = (uint8_t)"0123456789abcdef"[(i * 7 + i / 3) % 16];
	assert_int_equal(authkey_quality(k, 32, why, sizeof(why)), -EKEYREJECTED);

	/* Random keys pass: many of them, every size that matters. */
	for (int n = 0; n < 2000; n++) {
		size_t len = 32 + (size_t)(n % 97);

		assert_int_equal(gnutls_rnd(GNUTLS_RND_RANDOM, k, len), 0);
		assert_int_equal(authkey_quality(k, len, why, sizeof(why)), 0);
	}
	/* 64 random hex digits (openssl rand -hex 32) pass. */
	for (int n = 0; n < 200; n++) {
		uint8_t r[32];

		assert_int_equal(gnutls_rnd(GNUTLS_RND_RANDOM, r, sizeof(r)), 0);
		for (int i = 0; i < 64; i++)
			k[i] = (uint8_t)"0123456789abcdef"[(r[i / 2] >> (i % 2 ? 0 : 4)) & 15];
		assert_int_equal(authkey_quality(k, 64, why, sizeof(why)), 0);
	}
}

static void test_load_refuses_weak(void **state)
{
	char p[PATH_MAX];
	uint8_t zeros[32] = { 0 };
	struct authkey k;

	(void)state;
	skip_unless_root();
	path_of(p, "zeros");
	file_write(p, zeros, sizeof(zeros), 0400);
	assert_int_equal(authkey_load(p, &k), -EKEYREJECTED);
	assert_int_equal(k.len, 0);
}

/* Same key, same id; another key, another id; ids are hex. */
static void test_key_id(void **state)
{
	struct authkey a = { .len = 32 }, b = { .len = 32 };
	char ia[AUTHKEY_ID_LEN + 1], ia2[AUTHKEY_ID_LEN + 1], ib[AUTHKEY_ID_LEN + 1];

	(void)state;
	assert_int_equal(gnutls_rnd(GNUTLS_RND_RANDOM, a.data, 32), 0);
	b = a;
	b.data[0] ^= 1;
	authkey_id(&a, ia);
	authkey_id(&a, ia2);
	authkey_id(&b, ib);
	assert_string_equal(ia, ia2);
	assert_string_not_equal(ia, ib);
	assert_int_equal(strlen(ia), AUTHKEY_ID_LEN);
	assert_int_equal(strspn(ia, "0123456789abcdef"), AUTHKEY_ID_LEN);
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

	/* A second name for the key: refused under either name. */
	path_of(p, "linked");
	file_make(p, 32, 0400);
	path_of(l, "hardlink");
	assert_int_equal(link(p, l), 0);
	assert_int_equal(authkey_load(p, &k), -EPERM);
	assert_int_equal(authkey_load(l, &k), -EPERM);
	assert_int_equal(unlink(l), 0);
	assert_int_equal(authkey_load(p, &k), 0);

	path_of(p, "fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
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

/* The rollover: next, activate, retire; the ring holds what each step
 * leaves, and at no step is the current key missing. */
static void test_rotate(void **state)
{
	char p[PATH_MAX], next[PATH_MAX], prev[PATH_MAX];
	char id0[AUTHKEY_ID_LEN + 1], id1[AUTHKEY_ID_LEN + 1];
	struct authkey_ring r;

	(void)state;
	skip_unless_root();
	path_of(p, "authkey");
	assert_int_equal(authkey_slot_path(p, AUTHKEY_NEXT, next, sizeof(next)), 0);
	assert_int_equal(authkey_slot_path(p, AUTHKEY_PREVIOUS, prev, sizeof(prev)), 0);
	assert_int_equal(authkey_rotate_activate(p), -ENOENT); /* nothing to activate */
	assert_int_equal(authkey_generate(p, false), 0);
	assert_int_equal(authkey_ring_load(p, &r), 0);
	assert_true(r.have[AUTHKEY_CURRENT] && !r.have[AUTHKEY_NEXT] && !r.have[AUTHKEY_PREVIOUS]);
	strcpy(id0, r.id[AUTHKEY_CURRENT]);

	assert_int_equal(authkey_rotate_next(p), 0);
	assert_int_equal(authkey_rotate_next(p), -EEXIST);
	assert_int_equal(authkey_ring_load(p, &r), 0);
	assert_true(r.have[AUTHKEY_NEXT]);
	strcpy(id1, r.id[AUTHKEY_NEXT]);
	assert_string_not_equal(id0, id1);
	assert_int_equal(authkey_ring_find(&r, id1), AUTHKEY_NEXT);

	assert_int_equal(authkey_rotate_activate(p), 0);
	assert_int_equal(authkey_ring_load(p, &r), 0);
	assert_string_equal(r.id[AUTHKEY_CURRENT], id1);
	assert_true(!r.have[AUTHKEY_NEXT]);
	assert_string_equal(r.id[AUTHKEY_PREVIOUS], id0);
	assert_int_equal(access(next, F_OK), -1);

	assert_int_equal(authkey_rotate_retire(p), 0);
	assert_int_equal(authkey_rotate_retire(p), -ENOENT);
	assert_int_equal(authkey_ring_load(p, &r), 0);
	assert_true(!r.have[AUTHKEY_PREVIOUS]);
	assert_int_equal(authkey_ring_find(&r, id0), -ENOENT);

	/* A bad FILE.next is skipped, the current key still loads. */
	file_make(next, 32, 0644);
	assert_int_equal(authkey_ring_load(p, &r), 0);
	assert_true(r.have[AUTHKEY_CURRENT] && !r.have[AUTHKEY_NEXT]);
	assert_int_equal(authkey_rotate_activate(p), -EACCES); /* and is not activated */
	assert_int_equal(authkey_ring_load(p, &r), 0);
	assert_string_equal(r.id[AUTHKEY_CURRENT], id1);
	authkey_ring_clear(&r);
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
		cmocka_unit_test(test_quality),
		cmocka_unit_test_setup_teardown(test_load_refuses_weak, setup, teardown),
		cmocka_unit_test(test_key_id),
		cmocka_unit_test_setup_teardown(test_rotate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_owner_and_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generate_no_parent, setup, teardown),
	};

	return cmocka_run_group_tests_name("authkey", tests, NULL, NULL);
}
