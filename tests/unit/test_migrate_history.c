/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The migration history (helpers/lib/migrate_history.c): records written
 * escaped on one line, read back by `ferryctl migrations`, broken lines
 * skipped and counted. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "migrate.h"

struct got {
	unsigned n;
	char rec[8][MIGRATE_HISTORY_LINE_MAX];
};

static void collect(const char *record, size_t len, void *arg)
{
	struct got *g = arg;

	assert_true(migrate_history_record_valid(record, len));
	if (g->n < 8)
		snprintf(g->rec[g->n], sizeof(g->rec[0]), "%.*s", (int)len, record);
	g->n++;
}

static int tail(const char *text, size_t len, unsigned last, struct got *g, unsigned *skipped)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int rc;

	assert_non_null(f);
	memset(g, 0, sizeof(*g));
	rc = migrate_history_tail(f, last, collect, g, skipped);
	fclose(f);
	return rc;
}

static void metrics(struct migrate_metrics *m, const char *domain, const char *why)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->domain, sizeof(m->domain), "%s", domain);
	snprintf(m->source, sizeof(m->source), "node1");
	snprintf(m->target, sizeof(m->target), "node2");
	snprintf(m->cipher, sizeof(m->cipher), "TLS1.3-CHACHA20-POLY1305");
	snprintf(m->why, sizeof(m->why), "%s", why);
	m->result = MIGRATE_OK;
	m->live = true;
	m->total_ms = 1234;
	m->downtime_ms = 56;
	m->bytes = 1 << 20;
	m->mib_per_s = 12.5;
}

static void test_format_escapes_everything(void **state)
{
	struct migrate_metrics m;
	char line[MIGRATE_HISTORY_LINE_MAX + 1];
	int n;

	(void)state;
	metrics(&m, "vm1", "peer said \"no\"\nand\\more\x01 caf\xc3\xa9");
	/* A node name comes from the peer's hello: escaped like the rest. */
	snprintf(m.target, sizeof(m.target), "evil\", \"result\": \"ok");
	n = migrate_history_format(&m, line, sizeof(line));
	assert_true(n > 0);
	assert_int_equal(line[n - 1], '\n');
	assert_null(memchr(line, '\n', (size_t)n - 1));
	assert_true(migrate_history_record_valid(line, (size_t)n - 1));
	assert_non_null(strstr(line, "\"why\": \"peer said \\\"no\\\"\\u000aand\\\\more\\u0001 "
				     "caf??\""));
	assert_non_null(strstr(line, "\"target\": \"evil\\\", \\\"result\\\": \\\"ok\""));
	assert_non_null(strstr(line, "\"domain\": \"vm1\""));
	/* Too small a buffer. */
	assert_int_equal(migrate_history_format(&m, line, 16), -ENOSPC);
}

static void test_tail_last_n(void **state)
{
	char text[4 * MIGRATE_HISTORY_LINE_MAX] = "";
	struct migrate_metrics m;
	struct got g;
	unsigned skipped = 99;
	size_t o = 0;

	(void)state;
	for (int i = 0; i < 5; i++) {
		char d[16];
		snprintf(d, sizeof(d), "vm%d", i);
		metrics(&m, d, "");
		o += (size_t)migrate_history_format(&m, text + o, sizeof(text) - o);
	}
	assert_int_equal(tail(text, o, 2, &g, &skipped), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(g.n, 2);
	assert_non_null(strstr(g.rec[0], "\"vm3\""));
	assert_non_null(strstr(g.rec[1], "\"vm4\""));
	assert_int_equal(tail(text, o, 20, &g, &skipped), 0);
	assert_int_equal(g.n, 5);
	assert_non_null(strstr(g.rec[0], "\"vm0\""));
	assert_int_equal(tail(text, o, 0, &g, &skipped), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(tail("", 0, 20, &g, &skipped), 0);
	assert_int_equal(g.n, 0);
}

static void test_broken_lines_are_skipped(void **state)
{
	char *text = malloc(3 * MIGRATE_HISTORY_LINE_MAX);
	struct got g;
	unsigned skipped;
	size_t o = 0;

	(void)state;
	o += (size_t)sprintf(text + o, "{\"domain\": \"a\"}\n");
	o += (size_t)sprintf(text + o, "garbage\n");
	o += (size_t)sprintf(text + o, "{\"domain\": \"b\"}\n");
	o += (size_t)sprintf(text + o, "\n");
	o += (size_t)sprintf(text + o, "{\"tab\":\t1}\n");
	text[o++] = '{';
	text[o++] = '\0'; /* a NUL inside a line */
	o += (size_t)sprintf(text + o, "}\n");
	text[o++] = '{'; /* a line longer than any record, then a good one */
	memset(text + o, 'x', MIGRATE_HISTORY_LINE_MAX + 10);
	o += MIGRATE_HISTORY_LINE_MAX + 10;
	o += (size_t)sprintf(text + o, "}\n");
	o += (size_t)sprintf(text + o, "{\"domain\": \"c\"}\n");
	o += (size_t)sprintf(text + o, "{\"domain\": \"cut"); /* a write cut short */
	assert_int_equal(tail(text, o, 10, &g, &skipped), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.rec[0], "{\"domain\": \"a\"}");
	assert_string_equal(g.rec[1], "{\"domain\": \"b\"}");
	assert_string_equal(g.rec[2], "{\"domain\": \"c\"}");
	assert_int_equal(skipped, 6);
	/* The last record with only broken lines after it is still last. */
	assert_int_equal(tail(text, o, 1, &g, NULL), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.rec[0], "{\"domain\": \"c\"}");
	free(text);
}

static void test_record_valid(void **state)
{
	(void)state;
	assert_true(migrate_history_record_valid("{}", 2));
	assert_false(migrate_history_record_valid("{", 1));
	assert_false(migrate_history_record_valid("[]", 2));
	assert_false(migrate_history_record_valid("{ ", 2));
	assert_false(migrate_history_record_valid("{\x80}", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_escapes_everything),
		cmocka_unit_test(test_tail_last_n),
		cmocka_unit_test(test_broken_lines_are_skipped),
		cmocka_unit_test(test_record_valid),
	};
	return cmocka_run_group_tests_name("migrate_history", tests, NULL, NULL);
}
