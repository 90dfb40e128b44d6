/* SPDX-License-Identifier: GPL-2.0-or-later */
/* local_plan: the order of a storage=local move and what a failure leaves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "local_plan.h"

/* The completed steps of a move that got as far as @last (included). */
static uint32_t upto(enum local_step last)
{
	uint32_t done = 0;

	for (int s = 0; s <= (int)last; s++)
		done |= local_bit(s);
	return done;
}

static void steps_in_order(void **state)
{
	(void)state;
	assert_int_equal(local_plan_next(0), LOCAL_PREFLIGHT);
	assert_int_equal(local_plan_next(upto(LOCAL_SRC_SLIP)), LOCAL_DST_LV);
	assert_int_equal(local_plan_next(upto(LOCAL_SRC_DOWN)), LOCAL_SRC_RETIRE);
	assert_int_equal(local_plan_next(upto(LOCAL_SRC_RETIRE)), LOCAL_NSTEPS);
	for (int s = 0; s < LOCAL_NSTEPS; s++) {
		const char *n = local_step_name(s);

		assert_non_null(n);
		assert_string_not_equal(n, "?");
		if (!strncmp(n, "src-", 4))
			assert_int_equal(local_step_side(s), LOCAL_ON_SOURCE);
		else if (!strncmp(n, "dst-", 4))
			assert_int_equal(local_step_side(s), LOCAL_ON_TARGET);
		else
			assert_int_equal(local_step_side(s), LOCAL_ON_BOTH);
	}
}

static void failure_mid_sync_undoes_everything(void **state)
{
	struct local_action a[LOCAL_NSTEPS];
	static const enum local_step want[] = {
		LOCAL_DST_DRBD, LOCAL_DST_ORIG, LOCAL_DST_META, LOCAL_DST_LV,
		LOCAL_SRC_SLIP, LOCAL_SRC_DRBD, LOCAL_SRC_ORIG, LOCAL_SRC_META,
	};
	bool forward = true;
	size_t n;

	(void)state;
	/* the migration failed after the target detached: every step before
	 * the commit is done (the detach has no undo of its own) */
	n = local_plan_recover(upto(LOCAL_DST_DETACH), a, LOCAL_NSTEPS, &forward);
	assert_false(forward);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a[i].step, want[i]);
		assert_true(a[i].undo);
	}
	/* the source's LV leaves DRBD before DRBD goes down, and DRBD goes
	 * down before its backing copy is removed */
	assert_string_equal(local_step_text(LOCAL_SRC_SLIP, true), "load the LV's own table again");
}

static void failure_after_commit_goes_forward(void **state)
{
	struct local_action a[LOCAL_NSTEPS];
	bool forward = false;
	size_t n;

	(void)state;
	n = local_plan_recover(upto(LOCAL_MIGRATED), a, LOCAL_NSTEPS, &forward);
	assert_true(forward);
	assert_int_equal(n, 4);
	assert_int_equal(a[0].step, LOCAL_DST_CLEAN);
	assert_int_equal(a[1].step, LOCAL_SRC_UNSLIP);
	assert_int_equal(a[2].step, LOCAL_SRC_DOWN);
	assert_int_equal(a[3].step, LOCAL_SRC_RETIRE);
	for (size_t i = 0; i < n; i++)
		assert_false(a[i].undo);
	/* everything done: nothing left */
	assert_int_equal(local_plan_recover(upto(LOCAL_SRC_RETIRE), a, LOCAL_NSTEPS, &forward), 0);
	assert_true(forward);
}

/* For a failure after any step: before the commit, every completed step
 * with an undo is undone exactly once, last first; from the commit on,
 * exactly the steps not done yet, in order. */
static void every_prefix(void **state)
{
	struct local_action a[LOCAL_NSTEPS];
	bool forward;

	(void)state;
	for (int last = -1; last < LOCAL_NSTEPS; last++) {
		uint32_t done = last < 0 ? 0 : upto(last);
		size_t n = local_plan_recover(done, a, LOCAL_NSTEPS, &forward);
		uint32_t seen = 0;

		assert_int_equal(forward, last >= LOCAL_MIGRATED);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(a[i].undo, !forward);
			assert_false(seen & local_bit(a[i].step));
			seen |= local_bit(a[i].step);
			if (i > 0)
				assert_true(forward ? a[i].step > a[i - 1].step : a[i].step < a[i - 1].step);
			if (forward)
				assert_false(done & local_bit(a[i].step));
			else
				assert_true(done & local_bit(a[i].step));
		}
		if (forward)
			assert_int_equal(seen | done, upto(LOCAL_NSTEPS - 1));
		else
			for (int s = 0; s <= last; s++)
				if (strcmp(local_step_text(s, true), "nothing"))
					assert_true(seen & local_bit(s));
	}
}

static void bounded_output(void **state)
{
	struct local_action a[2];
	bool forward;

	(void)state;
	assert_int_equal(local_plan_recover(upto(LOCAL_SYNCED), a, 2, &forward), 2);
	assert_int_equal(a[0].step, LOCAL_DST_DRBD);
	assert_int_equal(a[1].step, LOCAL_DST_ORIG);
	assert_int_equal(local_plan_recover(upto(LOCAL_SYNCED), a, 0, &forward), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steps_in_order),
		cmocka_unit_test(failure_mid_sync_undoes_everything),
		cmocka_unit_test(failure_after_commit_goes_forward),
		cmocka_unit_test(every_prefix),
		cmocka_unit_test(bounded_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
