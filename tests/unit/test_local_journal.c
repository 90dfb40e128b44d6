/* SPDX-License-Identifier: GPL-2.0-or-later */
/* local_journal: a storage=local move's journal, written to a file in a
 * private directory and read back, what recovery makes of it, and the
 * journals it refuses to act on. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "local_journal.h"
#include "local_recover.h"

#define H LOCAL_JOURNAL_HEADER "\n"
#define MOVE "domain vm1\nvg vg0\nlv vm1-disk\nres ferry-vm1\nsource node1\ntarget node2\n"

static const struct local_move move = {"vm1", "vg0", "vm1-disk", "ferry-vm1", "node1", "node2"};
static char dir[64], path[128];

static int dir_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ferry-ljournal-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return local_journal_path(dir, "vm1", path, sizeof(path));
}

static int dir_teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static int parse(const char *text, struct local_journal *j)
{
	return local_journal_parse(text, strlen(text), j, NULL, NULL);
}

/* Written step by step as a move goes, read back: the move, the steps done,
 * and what recovery makes of it before and after the commit. */
static void written_and_read_back(void **state)
{
	struct local_journal j;
	struct local_action a[LOCAL_NSTEPS];
	bool forward;

	(void)state;
	assert_int_equal(local_journal_begin(path, &move), 0);
	for (int s = LOCAL_PREFLIGHT; s <= LOCAL_SRC_SLIP; s++)
		assert_int_equal(local_journal_note(path, s, false), 0);
	assert_int_equal(local_journal_load(path, &j), 0);
	assert_int_equal(j.refused, 0);
	assert_memory_equal(&j.move, &move, sizeof(move));
	assert_int_equal(local_plan_next(j.done), LOCAL_DST_LV);
	assert_int_equal(local_plan_recover(j.done, a, LOCAL_NSTEPS, &forward), 4);
	assert_false(forward);
	assert_int_equal(a[0].step, LOCAL_SRC_SLIP);
	assert_true(a[0].undo);
	/* Recovery undid the slip and DRBD, then crashed: two steps left. */
	assert_int_equal(local_journal_note(path, LOCAL_SRC_SLIP, true), 0);
	assert_int_equal(local_journal_note(path, LOCAL_SRC_DRBD, true), 0);
	assert_int_equal(local_journal_load(path, &j), 0);
	assert_int_equal(local_plan_recover(j.done, a, LOCAL_NSTEPS, &forward), 2);
	assert_int_equal(a[0].step, LOCAL_SRC_ORIG);
	assert_int_equal(a[1].step, LOCAL_SRC_META);
	assert_int_equal(j.undone, local_bit(LOCAL_SRC_SLIP) | local_bit(LOCAL_SRC_DRBD));
	/* Begun again: the old journal is gone. */
	assert_int_equal(local_journal_begin(path, &move), 0);
	assert_int_equal(local_journal_load(path, &j), 0);
	assert_int_equal(j.done, 0);
}

static void after_the_commit_it_goes_forward(void **state)
{
	char text[2048];
	struct local_journal j;
	struct local_action a[LOCAL_NSTEPS];
	bool forward;
	size_t o = (size_t)snprintf(text, sizeof(text), H MOVE);

	(void)state;
	for (int s = LOCAL_PREFLIGHT; s <= LOCAL_MIGRATED; s++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "done %s\n", local_step_name(s));
	assert_int_equal(parse(text, &j), 0);
	assert_int_equal(local_plan_recover(j.done, a, LOCAL_NSTEPS, &forward), 4);
	assert_true(forward);
	assert_int_equal(a[0].step, LOCAL_DST_CLEAN);
	assert_int_equal(a[1].step, LOCAL_SRC_UNSLIP);
	assert_false(a[0].undo);
}

/* A write that did not complete is a step not done; the rest stands. */
static void a_record_cut_short_was_not_written(void **state)
{
	struct local_journal j;

	(void)state;
	assert_int_equal(parse(H MOVE "done preflight\ndone src-meta\ndone src-or", &j), 0);
	assert_int_equal(j.refused, 1);
	assert_int_equal(j.done, local_bit(LOCAL_PREFLIGHT) | local_bit(LOCAL_SRC_META));
	/* A journal cut inside the move's description: nothing was done. */
	assert_int_equal(parse(H "domain vm1\nvg vg0\nlv vm", &j), 0);
	assert_int_equal(j.done, 0);
}

/* Journals ferry never writes: none is acted on. */
static void refused_whole(void **state)
{
	static const char *const bad[] = {
		"domain vm1\n",                                  /* no header */
		H "domain vm1\ndone preflight\n",                /* the move not whole */
		H MOVE "done preflight\ndone preflight\n",       /* done twice */
		H MOVE "done preflight\nundone src-meta\n",      /* undo of a step not done */
		H MOVE "done src-meta\nundone src-meta\nundone src-meta\n",
		H MOVE "done src-meta\nvg vg1\n",                /* the move after a step */
		H MOVE "vg vg1\n",                               /* given twice */
		H MOVE "done src-teleport\n",                    /* not a step */
		H MOVE "done\n",                                 /* no value */
		H MOVE "done  preflight\n",                      /* two blanks */
		H MOVE "shrug preflight\n",                      /* unknown verb */
		H MOVE "done preflight\n\ndone src-meta\n",      /* a line lost */
		H "domain vm1\nvg -ff\nlv x\nres r\nsource a\ntarget b\n", /* a name lvm2 reads as an option */
		H "domain vm1\nvg vg0\nlv x\nres all\nsource a\ntarget b\n", /* drbdadm's "all" */
	};
	struct local_journal j;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("journal %zu\n", i);
		assert_int_equal(parse(bad[i], &j), -EINVAL);
	}
}

/* The writer refuses what the reader would refuse: nothing is written. */
static void the_writer_refuses_bad_values(void **state)
{
	struct local_move m = move;
	struct local_journal j;
	char p[64];

	(void)state;
	strcpy(m.vg, "vg0\ndone src-slip");
	assert_int_equal(local_journal_begin(path, &m), -EINVAL);
	assert_int_equal(local_journal_load(path, &j), 0);
	assert_int_equal(j.done, 0);
	assert_int_equal(j.refused, 0);
	assert_int_equal(local_journal_note(path, LOCAL_NSTEPS, false), -EINVAL);
	assert_int_equal(local_journal_path(dir, "../etc/passwd", p, sizeof(p)), -EINVAL);
	assert_int_equal(local_journal_path(dir, "vm1", p, 8), -ENAMETOOLONG);
	assert_int_equal(local_journal_load("/nonexistent/vm1.journal", &j), -ENOENT);
}

/* Recovery of a domain whose name is not known yet (an agent's stop
 * before it read the config) says so, in words: the log once showed
 * an uninitialised path here. */
static void recovery_refuses_a_name_that_cannot_be_a_journal(void **state)
{
	char why[256];

	(void)state;
	memset(why, 0x5a, sizeof(why));
	assert_int_equal(local_recover("", why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "cannot name a move's journal"));
	assert_int_equal(local_recover("../etc", why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "'../etc'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(written_and_read_back),
		cmocka_unit_test(after_the_commit_it_goes_forward),
		cmocka_unit_test(a_record_cut_short_was_not_written),
		cmocka_unit_test(refused_whole),
		cmocka_unit_test(the_writer_refuses_bad_values),
		cmocka_unit_test(recovery_refuses_a_name_that_cannot_be_a_journal),
	};

	return cmocka_run_group_tests(tests, dir_setup, dir_teardown);
}
