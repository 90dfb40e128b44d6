/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The serve journal (helpers/lib/serve_journal.c): what the writer writes,
 * what the reader keeps and refuses, and what recovery does with it.
 *
 * Recovery's actions (destroying a Xen domain, asking the ledger, demoting
 * DRBD) need a hypervisor, ferryd and DRBD, which the unit tier has not:
 * serve_journal_apply() is run with a FAKE action table that records the
 * calls. The lab's ferry-abort scenario runs the real ones. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "serve_journal.h"

#define H SERVE_JOURNAL_HEADER "\n"

struct refusals {
	unsigned n;
	unsigned line[16];
	char why[16][256];
};

static void note_refusal(unsigned line, const char *why, void *arg)
{
	struct refusals *r = arg;

	assert_null(strchr(why, '\n'));
	if (r->n < 16) {
		r->line[r->n] = line;
		snprintf(r->why[r->n], sizeof(r->why[0]), "%s", why);
	}
	r->n++;
}

static int parse(const char *text, struct serve_journal *j, struct refusals *r)
{
	memset(r, 0, sizeof(*r));
	return serve_journal_parse(text, strlen(text), j, note_refusal, r);
}

static void test_reads_records(void **state)
{
	struct serve_journal j;
	struct refusals r;

	(void)state;
	assert_int_equal(parse(H "window-open r0\npromote r0\nvg-activate vg1\nincoming vm1\n"
				 "committed vm1\n",
			       &j, &r),
			 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(j.nsteps, 3);
	assert_int_equal(j.steps[0].op, PEER_OP_WINDOW_OPEN);
	assert_string_equal(j.steps[0].name, "r0");
	assert_int_equal(j.steps[1].op, PEER_OP_PROMOTE);
	assert_int_equal(j.steps[2].op, PEER_OP_VG_ACTIVATE);
	assert_string_equal(j.steps[2].name, "vg1");
	assert_int_equal(j.nincoming, 1);
	assert_string_equal(j.incoming[0].name, "vm1");
	assert_true(j.incoming[0].committed);
}

static void test_needs_the_header(void **state)
{
	struct serve_journal j;
	struct refusals r;

	(void)state;
	/* The format before this one: refused whole, nothing acted on. */
	assert_int_equal(parse("incoming vm1--incoming\nop3 r0\n", &j, &r), -EINVAL);
	assert_int_equal(j.nincoming + j.nsteps, 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.line[0], 1);
	assert_non_null(strstr(r.why[0], "header"));
	assert_int_equal(parse("", &j, &r), -EINVAL);
	assert_int_equal(parse(SERVE_JOURNAL_HEADER, &j, &r), -EINVAL); /* no newline */
	assert_int_equal(parse(SERVE_JOURNAL_HEADER "x\n", &j, &r), -EINVAL);
}

/* The finding: a name with a blank or a line break read as another name
 * or a "committed" line. Such lines are refused, never split. */
static void test_names_cannot_be_split(void **state)
{
	struct serve_journal j;
	struct refusals r;

	(void)state;
	assert_int_equal(parse(H "incoming evil other\n", &j, &r), 0);
	assert_int_equal(j.nincoming, 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.line[0], 2);
	assert_non_null(strstr(r.why[0], "contains a blank"));
	/* "committed victim" after a line break smuggled into a name: the
	 * writer refuses such a name, and the reader sees a committed line
	 * without its incoming record. */
	assert_int_equal(parse(H "incoming vm\ncommitted victim\n", &j, &r), 0);
	assert_int_equal(j.nincoming, 1);
	assert_false(j.incoming[0].committed);
	assert_int_equal(r.n, 1);
	assert_non_null(strstr(r.why[0], "without its incoming"));
	/* Two blanks, a tab, a leading blank. */
	assert_int_equal(parse(H "promote  r0\npromote\tr0\n promote r0\npromote r0 \n", &j, &r),
			 0);
	assert_int_equal(j.nsteps, 0);
	assert_int_equal(r.n, 4);
}

static void test_refuses_what_is_not_a_record(void **state)
{
	struct serve_journal j;
	struct refusals r;
	char buf[512];

	(void)state;
	assert_int_equal(parse(H "destroy vm1\nop3 r0\nincoming\n\npromote -n\npromote all\n"
				 "vg-activate --config=x\nincoming 42\ncommitted vm1\n",
			       &j, &r),
			 0);
	assert_int_equal(j.nincoming + j.nsteps, 0);
	assert_int_equal(r.n, 9);
	assert_non_null(strstr(r.why[0], "unknown verb"));
	assert_non_null(strstr(r.why[2], "not VERB VALUE"));
	assert_non_null(strstr(r.why[4], "begins with '-'"));
	assert_non_null(strstr(r.why[5], "every resource"));
	assert_non_null(strstr(r.why[7], "domain id"));
	/* Cut short: the last record without its newline. */
	assert_int_equal(parse(H "promote r0\ncommitted vm", &j, &r), 0);
	assert_int_equal(j.nsteps, 1);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.line[0], 3);
	assert_non_null(strstr(r.why[0], "cut short"));
	/* A NUL byte inside a line (parse takes a length). */
	memcpy(buf, H "promote r0\0x\npromote r1\n", sizeof(H) - 1 + 24);
	memset(&r, 0, sizeof(r));
	assert_int_equal(serve_journal_parse(buf, sizeof(H) - 1 + 24, &j, note_refusal, &r), 0);
	assert_int_equal(j.nsteps, 1);
	assert_string_equal(j.steps[0].name, "r1");
	assert_non_null(strstr(r.why[0], "NUL"));
	/* An over-long line. */
	snprintf(buf, sizeof(buf), H "promote %0200d\npromote r1\n", 0);
	assert_int_equal(parse(buf, &j, &r), 0);
	assert_int_equal(j.nsteps, 1);
	assert_non_null(strstr(r.why[0], "longer than any record"));
}

static void test_limits(void **state)
{
	struct serve_journal j;
	struct refusals r;
	char *buf = malloc(8192);
	size_t o;

	(void)state;
	o = (size_t)snprintf(buf, 8192, H);
	for (int i = 0; i < SERVE_JOURNAL_STEPS_MAX + 2; i++)
		o += (size_t)snprintf(buf + o, 8192 - o, "promote r%d\n", i);
	for (int i = 0; i < SERVE_JOURNAL_INCOMING_MAX + 1; i++)
		o += (size_t)snprintf(buf + o, 8192 - o, "incoming vm%d\n", i);
	assert_int_equal(parse(buf, &j, &r), 0);
	assert_int_equal(j.nsteps, SERVE_JOURNAL_STEPS_MAX);
	assert_int_equal(j.nincoming, SERVE_JOURNAL_INCOMING_MAX);
	assert_int_equal(r.n, 3);
	free(buf);
}

/* The writer: real files in a scratch directory, read back by the parser. */
static void test_writer_round_trip(void **state)
{
	char dir[] = "/tmp/ferry-journal-XXXXXX", text[4096];
	struct serve_journal j;
	struct refusals r;
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(serve_journal_open_in(dir), 0);
	assert_non_null(serve_journal_path());
	assert_int_equal(serve_journal_note_op(PEER_OP_WINDOW_OPEN, "r0"), 0);
	assert_int_equal(serve_journal_note_op(PEER_OP_PROMOTE, "r0"), 0);
	assert_int_equal(serve_journal_note_op(PEER_OP_VG_ACTIVATE, "vg1"), 0);
	assert_int_equal(serve_journal_note_op(PEER_OP_DEMOTE, "r0"), -EINVAL); /* no undo */
	assert_int_equal(serve_journal_note(SERVE_J_INCOMING, "vm1"), 0);
	/* Names that are not names are never written. */
	assert_int_equal(serve_journal_note(SERVE_J_COMMITTED, "vm1\ncommitted other"), -EINVAL);
	assert_int_equal(serve_journal_note(SERVE_J_INCOMING, "a b"), -EINVAL);
	assert_int_equal(serve_journal_note_op(PEER_OP_PROMOTE, "-n"), -EINVAL);
	assert_int_equal(serve_journal_note_op(PEER_OP_VG_ACTIVATE, "r0:x"), -EINVAL);
	assert_int_equal(serve_journal_note(SERVE_J_COMMITTED, "vm1"), 0);
	f = fopen(serve_journal_path(), "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_string_equal(text, H "window-open r0\npromote r0\nvg-activate vg1\nincoming vm1\n"
				    "committed vm1\n");
	assert_int_equal(parse(text, &j, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(j.nsteps, 3);
	assert_true(j.incoming[0].committed);
	serve_journal_close();
	assert_null(serve_journal_path());
	assert_int_equal(rmdir(dir), 0); /* close removed the journal */
}

/* FAKE action table (see the top of this file). */
struct calls {
	char log[1024];
	const char *owned; /* the domain the "ledger" gives to this node */
};

static void add(struct calls *c, const char *what)
{
	size_t n = strlen(c->log);
	snprintf(c->log + n, sizeof(c->log) - n, "%s;", what);
}

static bool fake_owned_here(const char *domain, void *arg)
{
	struct calls *c = arg;
	return c->owned && !strcmp(c->owned, domain);
}

static void fake_destroy(const char *domain, void *arg)
{
	char s[128];
	snprintf(s, sizeof(s), "destroy %s", domain);
	add(arg, s);
}

static void fake_undo(enum peer_op op, const char *name, bool runs_here, void *arg)
{
	char s[128];
	snprintf(s, sizeof(s), "undo %d %s %s", (int)op, name, runs_here ? "keep" : "all");
	add(arg, s);
}

static void fake_local(const char *domain, void *arg)
{
	char s[128];
	snprintf(s, sizeof(s), "local %s", domain);
	add(arg, s);
}

static void apply(const char *text, struct calls *c)
{
	struct serve_recover_ops ops = {fake_owned_here, fake_destroy, fake_undo, fake_local, c};
	struct serve_journal j;
	struct refusals r;

	c->log[0] = '\0';
	assert_int_equal(parse(text, &j, &r), 0);
	serve_journal_apply(&j, &ops);
}

static void test_recovery(void **state)
{
	struct calls c = {.owned = NULL};
	char want[256];

	(void)state;
	/* Not committed: the incoming copy goes, storage undone in reverse. */
	apply(H "window-open r0\npromote r0\nincoming vm1\n", &c);
	snprintf(want, sizeof(want), "destroy vm1;undo %d r0 all;undo %d r0 all;", PEER_OP_PROMOTE,
		 PEER_OP_WINDOW_OPEN);
	assert_string_equal(c.log, want);
	/* Committed: nothing destroyed, the domain's storage kept. */
	apply(H "window-open r0\npromote r0\nincoming vm1\ncommitted vm1\n", &c);
	snprintf(want, sizeof(want), "undo %d r0 keep;undo %d r0 keep;", PEER_OP_PROMOTE,
		 PEER_OP_WINDOW_OPEN);
	assert_string_equal(c.log, want);
	/* The journal missed the commit, the ledger has it: kept. */
	c.owned = "vm1";
	apply(H "promote r0\nincoming vm1\n", &c);
	snprintf(want, sizeof(want), "undo %d r0 keep;", PEER_OP_PROMOTE);
	assert_string_equal(c.log, want);
	/* A refused line never becomes an action on another name. */
	c.owned = NULL;
	apply(H "incoming vm1 victim\nincoming vm2\ncommitted vm2 x\n", &c);
	assert_string_equal(c.log, "destroy vm2;");
	/* The same name received twice, the second committed (the first
	 * conversation's copy is gone or is the committed one kept paused):
	 * never destroyed, and a name is destroyed once. */
	apply(H "incoming vm1\nincoming vm1\ncommitted vm1\nincoming vm2\nincoming vm2\n", &c);
	assert_string_equal(c.log, "destroy vm2;");
	/* A storage=local move's side here is recovered after the incoming
	 * copy is gone (the copy holds the target's LV open). */
	apply(H "local vm3\nincoming vm3\n", &c);
	assert_string_equal(c.log, "destroy vm3;local vm3;");
	/* Nothing in it: nothing done. */
	apply(H, &c);
	assert_string_equal(c.log, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_records),
		cmocka_unit_test(test_needs_the_header),
		cmocka_unit_test(test_names_cannot_be_split),
		cmocka_unit_test(test_refuses_what_is_not_a_record),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_writer_round_trip),
		cmocka_unit_test(test_recovery),
	};
	return cmocka_run_group_tests_name("serve_journal", tests, NULL, NULL);
}
