/* SPDX-License-Identifier: GPL-2.0-or-later */
/* name_check and friends (helpers/lib/names.c): every rule of every kind,
 * the length boundaries, and the reasons it gives. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ledger.h"
#include "names.h"

static const enum name_kind all_kinds[] = {NAME_DOMAIN, NAME_DRBD, NAME_VG, NAME_LV, NAME_NODE};
#define NKINDS (sizeof(all_kinds) / sizeof(all_kinds[0]))

/* Refused, and the reason contains @part (and is one line). */
static void refused(enum name_kind kind, const char *name, const char *part)
{
	char why[512] = "";

	if (name_check(kind, name, why, sizeof(why)) != -EINVAL)
		fail_msg("%s '%s' accepted", name_kind_text(kind), name);
	if (!strstr(why, part))
		fail_msg("reason for '%s': \"%s\" lacks \"%s\"", name, why, part);
	assert_null(strchr(why, '\n'));
}

static void accepted(enum name_kind kind, const char *name)
{
	char why[512] = "";

	if (name_check(kind, name, why, sizeof(why)))
		fail_msg("%s '%s' refused: %s", name_kind_text(kind), name, why);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_ordinary_names(void **state)
{
	(void)state;
	accepted(NAME_DOMAIN, "vm1");
	accepted(NAME_DOMAIN, "web.example.com");
	accepted(NAME_DOMAIN, "db_2:primary+x@site-a");
	accepted(NAME_DOMAIN, "0day"); /* digits, but not only digits */
	accepted(NAME_DRBD, "r0");
	accepted(NAME_DRBD, "vm1-disk.0_a");
	accepted(NAME_DRBD, "1"); /* drbdadm reads only minor-N as a minor */
	accepted(NAME_VG, "vg0");
	accepted(NAME_VG, "vg+fast_1.a-b");
	accepted(NAME_LV, "root");
	accepted(NAME_LV, "lv_data-1");
	accepted(NAME_NODE, "node1");
	accepted(NAME_NODE, "n1.example.com");
	accepted(NAME_NODE, "198.18.1.1");
	accepted(NAME_NODE, "fd00::1");
	accepted(NAME_NODE, "3"); /* a nodeid */
}

static void test_lengths(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		enum name_kind kind = all_kinds[k];
		size_t max = name_max(kind);
		char *at = repeat('a', max), *over = repeat('a', max + 1);

		accepted(kind, "a");
		accepted(kind, at);
		refused(kind, over, "longer than");
		free(at);
		free(over);
	}
	assert_int_equal(name_max(NAME_DOMAIN), 63);
	assert_int_equal(name_max(NAME_LV), 127);
	/* The boundaries the brief names: 63, 64, 127, 128. */
	char *n63 = repeat('d', 63), *n64 = repeat('d', 64), *n127 = repeat('d', 127),
	     *n128 = repeat('d', 128);
	accepted(NAME_DOMAIN, n63);
	refused(NAME_DOMAIN, n64, "longer than 63 bytes");
	refused(NAME_DOMAIN, n127, "longer than 63 bytes");
	refused(NAME_DRBD, n64, "longer than 63 bytes");
	refused(NAME_VG, n64, "longer than 63 bytes");
	accepted(NAME_LV, n127);
	refused(NAME_LV, n128, "longer than 127 bytes");
	free(n63);
	free(n64);
	free(n127);
	free(n128);
}

static void test_empty_and_null(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		refused(all_kinds[k], "", "is empty");
		assert_int_equal(name_check(all_kinds[k], NULL, NULL, 0), -EINVAL);
	}
	assert_int_equal(name_check((enum name_kind)99, "x", NULL, 0), -EINVAL);
}

static void test_leading_dash_is_an_option(void **state)
{
	(void)state;
	refused(NAME_DRBD, "-n", "begins with '-': drbdadm would read it as an option");
	refused(NAME_DRBD, "--force", "begins with '-'");
	refused(NAME_VG, "--config=global{x=1}", "lvm2 would read it as an option");
	refused(NAME_LV, "-lvol1", "begins with '-'");
	refused(NAME_DOMAIN, "-vm", "begins with '-'");
	refused(NAME_NODE, "--fence", "begins with '-'");
	refused(NAME_DOMAIN, "-", "begins with '-'");
	/* A dash elsewhere is fine. */
	accepted(NAME_DRBD, "r-0");
	accepted(NAME_DOMAIN, "a-");
}

static void test_separators_and_blanks(void **state)
{
	static const struct {
		const char *name, *part;
	} bad[] = {
		{"a b", "a blank"},
		{"a\nb", "a line break"},
		{"a\rb", "a line break"},
		{"a\tb", "a tab"},
		{"a\x01", "a control character (\\x01)"},
		{"a\x7f", "a control character"},
		{"caf\xc3\xa9", "a non-ASCII byte (\\xc3)"},
		{"a/b", "'/'"},
		{"a,b", "','"},
		{"a=b", "'='"},
		{"a;b", "';'"},
		{"a'b", "'''"},
		{"a\"b", "'\"'"},
		{"a\\b", "'\\'"},
		{"a$b", "'$'"},
		{"a`b", "'`'"},
		{"a|b", "'|'"},
		{"a{b}", "'{'"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (size_t k = 0; k < NKINDS; k++)
			refused(all_kinds[k], bad[i].name, bad[i].part);
}

static void test_glob_characters(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		refused(all_kinds[k], "r*", "'*'");
		refused(all_kinds[k], "r?", "'?'");
		refused(all_kinds[k], "r[0]", "'['");
		refused(all_kinds[k], "~r", "'~'");
	}
}

static void test_per_kind_sets(void **state)
{
	(void)state;
	/* ':' separates RES:PEER for drbdadm; it is part of IPv6 node names. */
	refused(NAME_DRBD, "r0:peer", "':'");
	accepted(NAME_NODE, "a:b");
	accepted(NAME_DOMAIN, "a:b");
	refused(NAME_VG, "a:b", "':'");
	/* '+' is lvm2's, not drbd.conf's unquoted set. */
	accepted(NAME_VG, "a+b");
	accepted(NAME_LV, "a+b");
	refused(NAME_DRBD, "a+b", "'+'");
	refused(NAME_NODE, "a+b", "'+'");
	/* '@' only in domains (the ledger's historical set). */
	accepted(NAME_DOMAIN, "a@b");
	refused(NAME_DRBD, "a@b", "'@'");
	refused(NAME_NODE, "a@b", "'@'");
}

static void test_reserved(void **state)
{
	(void)state;
	refused(NAME_DOMAIN, "123", "xl reads an all-digit name as a domain id");
	refused(NAME_DOMAIN, "0", "domain id");
	refused(NAME_DOMAIN, "Domain-0", "dom0");
	refused(NAME_DOMAIN, "vm--incoming", "NAME--incoming");
	refused(NAME_DOMAIN, "vm--migratedaway", "NAME--migratedaway");
	refused(NAME_DOMAIN, "a--incomingb", "--incoming");
	accepted(NAME_DOMAIN, "vm-incoming");
	refused(NAME_DRBD, "all", "every resource");
	refused(NAME_DRBD, "minor-0", "device minor");
	refused(NAME_DRBD, "minor-", "device minor");
	accepted(NAME_DRBD, "minor");
	accepted(NAME_DRBD, "allx");
	for (size_t k = 0; k < NKINDS; k++) {
		refused(all_kinds[k], ".", "name directories");
		refused(all_kinds[k], "..", "name directories");
		accepted(all_kinds[k], "...");
	}
	refused(NAME_LV, "snapshot", "snapshot or pvmove");
	refused(NAME_LV, "snapshot1", "snapshot or pvmove");
	refused(NAME_LV, "pvmove0", "snapshot or pvmove");
	refused(NAME_LV, "lv_rimage_0", "internal volumes");
	refused(NAME_LV, "pool_tmeta", "internal volumes");
	accepted(NAME_LV, "mysnapshot");
	accepted(NAME_VG, "snapshot"); /* an LV rule only */
}

static void test_field(void **state)
{
	char f[8];
	char why[256];

	(void)state;
	memset(f, 0, sizeof(f));
	memcpy(f, "r0", 2);
	assert_int_equal(name_check_field(NAME_DRBD, f, sizeof(f), why, sizeof(why)), 0);
	/* No NUL within the field: never read past it. */
	memset(f, 'a', sizeof(f));
	assert_int_equal(name_check_field(NAME_DRBD, f, sizeof(f), why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "does not end within its 8-byte field"));
	/* Bytes after the NUL ("r0\0evil"). */
	memset(f, 0, sizeof(f));
	memcpy(f, "r0\0evil", 7);
	assert_int_equal(name_check_field(NAME_DRBD, f, sizeof(f), why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "bytes after"));
	/* An empty field. */
	memset(f, 0, sizeof(f));
	assert_int_equal(name_check_field(NAME_DRBD, f, sizeof(f), why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "empty"));
	/* A bad name in a good field. */
	memcpy(f, "-x", 2);
	assert_int_equal(name_check_field(NAME_DRBD, f, sizeof(f), why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "begins with '-'"));
}

static void test_split_vg_lv(void **state)
{
	char vg[NAME_LV_MAX + 1], lv[NAME_LV_MAX + 1], why[512];
	char *long_vg = repeat('v', 200), *long_lv = repeat('l', 200), buf[512];

	(void)state;
	assert_int_equal(name_split_vg_lv("vg0/root", vg, lv, why, sizeof(why)), 0);
	assert_string_equal(vg, "vg0");
	assert_string_equal(lv, "root");
	assert_int_equal(name_split_vg_lv("vg0", vg, lv, why, sizeof(why)), 0);
	assert_string_equal(vg, "vg0");
	assert_string_equal(lv, "");
	assert_int_equal(name_split_vg_lv("vg0/", vg, lv, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "logical volume name is empty"));
	assert_int_equal(name_split_vg_lv("/root", vg, lv, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "volume group name is empty"));
	assert_int_equal(name_split_vg_lv("vg0/a/b", vg, lv, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "'/'"));
	assert_int_equal(name_split_vg_lv("--config=x", vg, lv, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "begins with '-'"));
	assert_int_equal(name_split_vg_lv("vg0/-x", vg, lv, why, sizeof(why)), -EINVAL);
	assert_int_equal(name_split_vg_lv("", vg, lv, why, sizeof(why)), -EINVAL);
	assert_int_equal(name_split_vg_lv(long_vg, vg, lv, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "longer than 63"));
	snprintf(buf, sizeof(buf), "vg0/%s", long_lv);
	assert_int_equal(name_split_vg_lv(buf, vg, lv, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "longer than 127"));
	free(long_vg);
	free(long_lv);
}

static void test_quote(void **state)
{
	char q[256];
	char *lng = repeat('x', 100);

	(void)state;
	assert_string_equal(name_quote("plain", q, sizeof(q)), "plain");
	assert_string_equal(name_quote("a\nb\tc\x01", q, sizeof(q)), "a\\nb\\tc\\x01");
	assert_string_equal(name_quote("it's\\", q, sizeof(q)), "it\\'s\\\\");
	name_quote(lng, q, sizeof(q));
	assert_int_equal(strlen(q), 48 + 3);
	assert_string_equal(q + 48, "...");
	/* A tiny buffer stays terminated. */
	assert_string_equal(name_quote("abcdef", q, 4), "");
	assert_string_equal(name_quote("abcdefghijkl", q, 10), "ab");
	free(lng);
}

static void test_reason_names_the_kind(void **state)
{
	char why[512];

	(void)state;
	assert_int_equal(name_check(NAME_DRBD, "a b", why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "DRBD resource name 'a b' contains a blank (allowed: letters, "
				 "digits and ._-)");
	assert_int_equal(name_check(NAME_VG, "-v", why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "volume group name '-v' begins with '-': lvm2 would read it as "
				 "an option");
	/* A newline in the name never makes two lines of the reason. */
	assert_int_equal(name_check(NAME_DOMAIN, "vm\nfoo", why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "domain name 'vm\\nfoo' contains a line break (allowed: "
				 "letters, digits and ._:+@-)");
	/* Short buffers are fine (truncated, terminated). */
	assert_int_equal(name_check(NAME_DOMAIN, "a b", why, 8), -EINVAL);
	assert_int_equal(strlen(why), 7);
}

static void test_ledger_uses_it(void **state)
{
	char *n63 = repeat('d', LEDGER_NAME_MAX), *n64 = repeat('d', LEDGER_NAME_MAX + 1);

	(void)state;
	assert_int_equal(LEDGER_NAME_MAX, NAME_DOMAIN_MAX);
	assert_true(ledger_name_valid("vm1"));
	assert_true(ledger_name_valid(n63));
	assert_false(ledger_name_valid(n64));
	assert_false(ledger_name_valid("-vm"));
	assert_false(ledger_name_valid("a b"));
	assert_false(ledger_name_valid("42"));
	assert_false(ledger_name_valid("vm--incoming"));
	free(n63);
	free(n64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ordinary_names),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_leading_dash_is_an_option),
		cmocka_unit_test(test_separators_and_blanks),
		cmocka_unit_test(test_glob_characters),
		cmocka_unit_test(test_per_kind_sets),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_field),
		cmocka_unit_test(test_split_vg_lv),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_reason_names_the_kind),
		cmocka_unit_test(test_ledger_uses_it),
	};
	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
