/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ferryctl's command tables (helpers/ferryctl/command.c, command_help.c,
 * resource_args.c): the one parser checks every option and operand by its
 * declared type and says why in one line; help, the man page's sections
 * and completion's list name every option of the table. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "command.h"
#include "resource_args.h"

static int run_nothing(struct cmd_args *a)
{
	(void)a;
	return 0;
}

static const struct cmd_option opts[] = {
	{"timeout", 't', CMD_INT, "SECONDS", 1, 3600, .help = "how long"},
	{"json", 0, CMD_FLAG, .help = "machine-readable"},
	{"mode", 0, CMD_CHOICE, "live|suspend", .help = "how"},
	{"res", 0, CMD_NAME, "RES", .kind = NAME_DRBD, .repeat = 3, .items = "resources",
	 .help = "a resource"},
	{"file", 0, CMD_TEXT, "FILE", .label = "config", .help = "a file"},
	{NULL},
};

static const struct cmd_entry entries[] = {
	{"move", "DOMAIN TARGET_NODE [FILE]", "move it", NULL, opts, run_nothing},
	{"window", "open|close RES", "open or close", NULL, NULL, run_nothing},
};

static const struct cmd_group group = {
	.name = "test",
	.summary = "a test group",
	.entries = entries,
	.n = 2,
	.help = "notes about the group\n",
	.exits = "exit codes: 0 ok, 7 special\n",
};

/* Parses a command line of "move" (or @e) given as words. */
static enum cmd_parsed parse(const struct cmd_entry *e, struct cmd_args *a, char *why, size_t len,
			     ...)
{
	static char *argv[32];
	va_list ap;
	int argc = 0;

	argv[argc++] = (char *)e->name;
	va_start(ap, len);
	for (char *w; (w = va_arg(ap, char *)) != NULL;)
		argv[argc++] = w;
	va_end(ap);
	argv[argc] = NULL;
	why[0] = '\0';
	return cmd_parse(&group, e, argc, argv, a, why, len);
}

static void test_options_and_operands_parsed(void **state)
{
	struct cmd_args a;
	const char *const *v;
	char why[512];

	(void)state;
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "--json", "node2", "-t",
			       "5", "--res", "r0", "--res", "r1", "--mode", "suspend", NULL),
			 CMD_OK);
	assert_int_equal(a.argc, 2);
	assert_string_equal(a.argv[0], "vm1");
	assert_string_equal(a.argv[1], "node2");
	assert_true(cmd_has(&a, "json"));
	assert_int_equal(cmd_int(&a, "timeout", 30), 5);
	assert_string_equal(cmd_text(&a, "mode", "live"), "suspend");
	assert_string_equal(cmd_text(&a, "file", "dflt"), "dflt");
	assert_int_equal(cmd_list(&a, "res", &v), 2);
	assert_string_equal(v[0], "r0");
	assert_string_equal(v[1], "r1");
	assert_true(cmd_declares(&a, "mode"));
	assert_false(cmd_declares(&a, "nothere"));

	/* the optional operand, and defaults when nothing is given */
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "node2", "f.cfg", NULL),
			 CMD_OK);
	assert_int_equal(a.argc, 3);
	assert_false(cmd_has(&a, "json"));
	assert_int_equal(cmd_int(&a, "timeout", 30), 30);
	assert_int_equal(cmd_list(&a, "res", &v), 0);
}

static void test_usage_errors_say_why(void **state)
{
	struct cmd_args a;
	char why[512];

	(void)state;
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "node2", "--bogus", NULL),
			 CMD_BAD_USAGE);
	assert_non_null(strstr(why, "unknown option --bogus"));
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "node2", "--timeout", NULL),
			 CMD_BAD_USAGE);
	assert_non_null(strstr(why, "needs a value"));
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", NULL), CMD_BAD_USAGE);
	assert_non_null(strstr(why, "TARGET_NODE is missing"));
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "n2", "f", "extra", NULL),
			 CMD_BAD_USAGE);
	assert_non_null(strstr(why, "unexpected argument 'extra'"));
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "n2", "--help", NULL),
			 CMD_HELP);
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "-h", NULL), CMD_HELP);
}

static void test_values_checked_by_type(void **state)
{
	struct cmd_args a;
	char why[512];

	(void)state;
	/* numbers: in range, decimal only (never atoi's wrap) */
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "n2", "-t", "0", NULL),
			 CMD_BAD_VALUE);
	assert_non_null(strstr(why, "--timeout"));
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "n2", "-t",
			       "4294967297", NULL),
			 CMD_BAD_VALUE);
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "n2", "-t", "5s", NULL),
			 CMD_BAD_VALUE);
	assert_non_null(strstr(why, "-t/--timeout")); /* either spelling may be the one typed */
	/* a choice */
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "n2", "--mode", "fast",
			       NULL),
			 CMD_BAD_VALUE);
	assert_non_null(strstr(why, "--mode must be one of live,suspend"));
	/* a name, that drbdadm would read as an option */
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "n2", "--res=--force",
			       NULL),
			 CMD_BAD_VALUE);
	assert_non_null(strstr(why, "--res: "));
	/* a repeated option beyond its limit */
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "n2", "--res", "a", "--res",
			       "b", "--res", "c", "--res", "d", NULL),
			 CMD_BAD_VALUE);
	assert_non_null(strstr(why, "--res: more than 3 resources"));
	/* operands by their words: DOMAIN, TARGET_NODE, open|close, RES */
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "--", "-vm1", "n2", NULL),
			 CMD_BAD_VALUE);
	assert_non_null(strstr(why, "domain name"));
	assert_int_equal(parse(&entries[0], &a, why, sizeof(why), "vm1", "bad node", NULL),
			 CMD_BAD_VALUE);
	assert_int_equal(parse(&entries[1], &a, why, sizeof(why), "ajar", "r0", NULL), CMD_BAD_VALUE);
	assert_non_null(strstr(why, "'ajar' is not one of open|close"));
	assert_int_equal(parse(&entries[1], &a, why, sizeof(why), "close", "all", NULL),
			 CMD_BAD_VALUE);
	assert_int_equal(parse(&entries[1], &a, why, sizeof(why), "close", "r0", NULL), CMD_OK);
}

/* What @print writes, as a string to free. */
static char *text_of(void (*print)(FILE *, const struct cmd_group *, const struct cmd_entry *),
		     const struct cmd_entry *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	print(f, &group, e);
	fclose(f);
	return buf;
}

static void group_help(FILE *f, const struct cmd_group *g, const struct cmd_entry *e)
{
	(void)e;
	cmd_group_help(f, g);
}

static void test_help_comes_from_the_table(void **state)
{
	const struct cmd_group *const groups[] = {&group};
	char *h = text_of(cmd_entry_help, &entries[0]), *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(strstr(h, "usage: ferryctl test move DOMAIN TARGET_NODE [FILE] [OPTIONS]"));
	for (const struct cmd_option *o = opts; o->name; o++) {
		char want[64];

		snprintf(want, sizeof(want), "--%s", o->name);
		assert_non_null(strstr(h, want));
	}
	assert_non_null(strstr(h, "-t, --timeout SECONDS"));
	assert_non_null(strstr(h, "(1..3600)"));
	assert_non_null(strstr(h, "exit codes: 0 ok, 7 special"));
	assert_non_null(strstr(h, "notes about the group"));
	free(h);

	h = text_of(group_help, NULL);
	assert_non_null(strstr(h, "  move DOMAIN TARGET_NODE [FILE]"));
	assert_non_null(strstr(h, "  window open|close RES"));
	free(h);

	f = open_memstream(&buf, &len);
	cmd_list_print(f, groups, 1);
	fclose(f);
	assert_string_equal(buf, "test move --timeout --json --mode --res --file --help\n"
				 "test window --help\n");
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	cmd_man_print(f, groups, 1);
	fclose(f);
	assert_non_null(strstr(buf, ".SS \"ferryctl test\""));
	assert_non_null(strstr(buf, "\\-\\-timeout"));
	assert_non_null(strstr(buf, ".SH \"EXIT STATUS\""));
	assert_null(strstr(buf, "--")); /* every minus escaped for roff */
	free(buf);
}

/* The XenDomain agent's parameters: defaults, the agent's names in the
 * reasons, OCF codes. */
static void test_resource_args(void **state)
{
	char *ok[] = {"start", "--config", "/etc/xen/vm1.cfg", "--drbd", "r0", "--source", "",
		      NULL};
	char *bad[] = {"start", "--shutdown-timeout", "0", NULL};
	char *unknown[] = {"start", "--nope", NULL};
	char *many[40] = {"validate"};
	struct resource_args_error e;
	const char *target = NULL, *source = "x";
	struct resource r;
	int n = 1;

	(void)state;
	assert_int_equal(resource_args_parse(7, ok, &r, &target, &source, &e), 0);
	assert_string_equal(r.config, "/etc/xen/vm1.cfg");
	assert_int_equal(r.st.ndrbd, 1);
	assert_string_equal(r.st.drbd[0], "r0");
	assert_int_equal(r.shutdown_timeout_s, 60);
	assert_true(r.live);
	assert_true(r.peer.encrypt);
	assert_null(source); /* "" is "not known" */
	assert_null(target);

	assert_int_equal(resource_args_parse(3, bad, &r, &target, &source, &e), -1);
	assert_int_equal(e.ocf, OCF_ERR_CONFIGURED);
	assert_non_null(strstr(e.why, "shutdown_timeout"));
	assert_int_equal(resource_args_parse(2, unknown, &r, &target, &source, &e), -1);
	assert_int_equal(e.ocf, OCF_ERR_ARGS);

	for (int i = 0; i <= STORAGE_MAX_DRBD; i++) {
		static char names[STORAGE_MAX_DRBD + 1][8];

		snprintf(names[i], sizeof(names[i]), "r%d", i);
		many[n++] = "--drbd";
		many[n++] = names[i];
	}
	assert_int_equal(resource_args_parse(n, many, &r, &target, &source, &e), -1);
	assert_int_equal(e.ocf, OCF_ERR_CONFIGURED);
	assert_non_null(strstr(e.why, "drbd_resource: more than 16 DRBD resources"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_and_operands_parsed),
		cmocka_unit_test(test_usage_errors_say_why),
		cmocka_unit_test(test_values_checked_by_type),
		cmocka_unit_test(test_help_comes_from_the_table),
		cmocka_unit_test(test_resource_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
