/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ledger state machine: every transition, every refusal, membership. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ledger.h"

#define N1 1u
#define N2 2u
#define N3 3u

static int setup(void **state)
{
	struct ledger *l = ledger_new();

	if (!l)
		return -1;
	ledger_node_join(l, N1);
	ledger_node_join(l, N2);
	ledger_node_join(l, N3);
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	ledger_free(*state);
	return 0;
}

static enum ferry_status req(struct ledger *l, enum ledger_op op, uint32_t sender,
			     const char *name, uint32_t node, uint64_t epoch, bool quorate)
{
	struct ledger_result res;
	struct ledger_req q = {
		.op = op,
		.sender = sender,
		.quorate = quorate,
		.name = name,
		.node = node,
		.epoch = epoch,
		.now_ms = 1000,
	};

	assert_int_equal(ledger_apply(l, &q, &res), 0);
	return res.status;
}

#define CLAIM(l, s, d) req(l, LEDGER_OP_CLAIM, s, d, 0, 0, true)
#define RELEASE(l, s, d) req(l, LEDGER_OP_RELEASE, s, d, 0, 0, true)
#define BEGIN(l, s, d, t) req(l, LEDGER_OP_MIGRATE_BEGIN, s, d, t, 0, true)
#define COMMIT(l, s, d) req(l, LEDGER_OP_MIGRATE_COMMIT, s, d, 0, 0, true)
#define ABORT(l, s, d) req(l, LEDGER_OP_MIGRATE_ABORT, s, d, 0, 0, true)
#define REPORT(l, s, d) req(l, LEDGER_OP_REPORT, s, d, 0, 0, true)
#define CONFIRM(l, s, n) req(l, LEDGER_OP_CONFIRM_DEAD, s, NULL, n, 0, true)

static const struct ledger_entry *get(struct ledger *l, const char *d)
{
	const struct ledger_entry *e = ledger_find(l, d);

	assert_non_null(e);
	return e;
}

static void expect(struct ledger *l, const char *d, int st, uint32_t owner, uint64_t epoch)
{
	const struct ledger_entry *e = get(l, d);

	assert_string_equal(ledger_state_name(e->state), ledger_state_name(st));
	assert_int_equal(e->owner, owner);
	assert_int_equal(e->epoch, epoch);
}

static void claim_free_grants(void **state)
{
	struct ledger *l = *state;

	assert_int_equal(CLAIM(l, N1, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
}

static void claim_own_is_noop(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm1");
	assert_int_equal(CLAIM(l, N1, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
}

static void claim_owned_refused(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm1");
	assert_int_equal(CLAIM(l, N2, "vm1"), FERRY_E_OWNED);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
}

static void claim_without_quorum_refused(void **state)
{
	struct ledger *l = *state;

	assert_int_equal(req(l, LEDGER_OP_CLAIM, N1, "vm1", 0, 0, false), FERRY_E_NOQUORUM);
	assert_null(ledger_find(l, "vm1")); /* a refusal creates no record */
	CLAIM(l, N1, "vm1");
	assert_int_equal(req(l, LEDGER_OP_CLAIM, N1, "vm1", 0, 0, false), FERRY_E_NOQUORUM);
}

static void claim_bad_name_rejected(void **state)
{
	struct ledger *l = *state;
	struct ledger_result res;
	struct ledger_req q = { .op = LEDGER_OP_CLAIM, .sender = N1, .quorate = true };
	char longname[LEDGER_NAME_MAX + 2];

	q.name = "bad name";
	assert_int_equal(ledger_apply(l, &q, &res), -EINVAL);
	q.name = "-opt";
	assert_int_equal(ledger_apply(l, &q, &res), -EINVAL);
	q.name = "";
	assert_int_equal(ledger_apply(l, &q, &res), -EINVAL);
	q.name = NULL;
	assert_int_equal(ledger_apply(l, &q, &res), -EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	q.name = longname;
	assert_int_equal(ledger_apply(l, &q, &res), -EINVAL);
	longname[LEDGER_NAME_MAX] = '\0';
	assert_int_equal(ledger_apply(l, &q, &res), 0);
	assert_int_equal(res.status, FERRY_OK);
	q.op = 99;
	assert_int_equal(ledger_apply(l, &q, &res), -EINVAL);
}

static void release_owner_frees_and_bumps_epoch(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm1");
	assert_int_equal(RELEASE(l, N1, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_FREE, 0, 2);
	assert_int_equal(CLAIM(l, N2, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N2, 3);
}

static void release_refusals(void **state)
{
	struct ledger *l = *state;

	assert_int_equal(RELEASE(l, N1, "never"), FERRY_OK); /* idempotent stop */
	assert_null(ledger_find(l, "never"));
	CLAIM(l, N1, "vm1");
	assert_int_equal(RELEASE(l, N2, "vm1"), FERRY_E_NOTOWNER);
	BEGIN(l, N1, "vm1", N2);
	assert_int_equal(RELEASE(l, N1, "vm1"), FERRY_E_BUSY);
	/* release without quorum is allowed: it is the safe direction */
	ABORT(l, N1, "vm1");
	assert_int_equal(req(l, LEDGER_OP_RELEASE, N1, "vm1", 0, 0, false), FERRY_OK);
}

static void migrate_begin_commit_moves_owner(void **state)
{
	struct ledger *l = *state;
	const struct ledger_entry *e;

	CLAIM(l, N1, "vm1");
	assert_int_equal(BEGIN(l, N1, "vm1", N2), FERRY_OK);
	e = get(l, "vm1");
	assert_int_equal(e->state, LEDGER_MIGRATING);
	assert_int_equal(e->owner, N1);
	assert_int_equal(e->peer, N2);
	assert_int_equal(e->epoch, 1);
	assert_int_equal(BEGIN(l, N1, "vm1", N2), FERRY_OK); /* retry is idempotent */
	assert_int_equal(COMMIT(l, N2, "vm1"), FERRY_OK);     /* dst may commit */
	expect(l, "vm1", LEDGER_RUNNING, N2, 2);
	assert_int_equal(get(l, "vm1")->peer, 0);
}

static void migrate_commit_by_source(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm1");
	BEGIN(l, N1, "vm1", N3);
	assert_int_equal(COMMIT(l, N1, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N3, 2);
}

static void migrate_abort_returns_to_source(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm1");
	BEGIN(l, N1, "vm1", N2);
	assert_int_equal(ABORT(l, N2, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
	/* abort needs no quorum */
	BEGIN(l, N1, "vm1", N2);
	assert_int_equal(req(l, LEDGER_OP_MIGRATE_ABORT, N1, "vm1", 0, 0, false), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
}

static void migrate_refusals(void **state)
{
	struct ledger *l = *state;

	assert_int_equal(BEGIN(l, N1, "nothing", N2), FERRY_E_STATE);
	CLAIM(l, N1, "vm1");
	assert_int_equal(BEGIN(l, N2, "vm1", N3), FERRY_E_NOTOWNER);
	assert_int_equal(BEGIN(l, N1, "vm1", N1), FERRY_E_INVAL);
	assert_int_equal(BEGIN(l, N1, "vm1", 0), FERRY_E_INVAL);
	assert_int_equal(BEGIN(l, N1, "vm1", 9), FERRY_E_NOTMEMBER);
	assert_int_equal(req(l, LEDGER_OP_MIGRATE_BEGIN, N1, "vm1", N2, 0, false),
			 FERRY_E_NOQUORUM);
	assert_int_equal(COMMIT(l, N1, "vm1"), FERRY_E_STATE);
	assert_int_equal(ABORT(l, N1, "vm1"), FERRY_E_STATE);
	BEGIN(l, N1, "vm1", N2);
	assert_int_equal(BEGIN(l, N1, "vm1", N3), FERRY_E_BUSY);
	assert_int_equal(CLAIM(l, N3, "vm1"), FERRY_E_BUSY);
	assert_int_equal(COMMIT(l, N3, "vm1"), FERRY_E_NOTOWNER);
	assert_int_equal(ABORT(l, N3, "vm1"), FERRY_E_NOTOWNER);
	assert_int_equal(req(l, LEDGER_OP_MIGRATE_COMMIT, N2, "vm1", 0, 7, true), FERRY_E_STALE);
	assert_int_equal(req(l, LEDGER_OP_MIGRATE_COMMIT, N2, "vm1", 0, 0, false),
			 FERRY_E_NOQUORUM);
	assert_int_equal(req(l, LEDGER_OP_MIGRATE_COMMIT, N2, "vm1", 0, 1, true), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N2, 2);
	ledger_node_lost(l, N3, 5);
	assert_int_equal(BEGIN(l, N2, "vm1", N3), FERRY_E_NOTMEMBER);
}

static void report_adopts_and_conflicts(void **state)
{
	struct ledger *l = *state;
	const struct ledger_entry *e;

	assert_int_equal(REPORT(l, N1, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
	assert_int_equal(REPORT(l, N1, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
	assert_int_equal(REPORT(l, N2, "vm1"), FERRY_E_CONFLICT);
	e = get(l, "vm1");
	assert_int_equal(e->state, LEDGER_CONFLICT);
	assert_int_equal(e->owner, N1);
	assert_int_equal(e->peer, N2);
	assert_int_equal(CLAIM(l, N3, "vm1"), FERRY_E_CONFLICT);
	assert_int_equal(BEGIN(l, N1, "vm1", N3), FERRY_E_CONFLICT);
	assert_int_equal(REPORT(l, N3, "vm1"), FERRY_E_CONFLICT); /* third copy */
	assert_int_equal(get(l, "vm1")->peer, N2);
	assert_int_equal(RELEASE(l, N3, "vm1"), FERRY_E_NOTOWNER);
	/* the node that stops its copy releases: the other one keeps it */
	assert_int_equal(RELEASE(l, N1, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N2, 2);
}

static void report_conflict_release_by_peer(void **state)
{
	struct ledger *l = *state;

	REPORT(l, N1, "vm1");
	REPORT(l, N2, "vm1");
	assert_int_equal(RELEASE(l, N2, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
}

static void report_during_migration_is_fine(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm1");
	BEGIN(l, N1, "vm1", N2);
	assert_int_equal(REPORT(l, N2, "vm1"), FERRY_OK);
	assert_int_equal(REPORT(l, N1, "vm1"), FERRY_OK);
	assert_int_equal(get(l, "vm1")->state, LEDGER_MIGRATING);
	assert_int_equal(REPORT(l, N3, "vm1"), FERRY_E_CONFLICT);
}

static enum ferry_status fenced(struct ledger *l, uint32_t node)
{
	struct ledger_result res;
	struct ledger_req q = { .op = LEDGER_OP_FENCED, .sender = N1, .node = node,
				.lost_gen = ledger_node_get(l, node)->lost_gen, .now_ms = 2000 };

	assert_int_equal(ledger_apply(l, &q, &res), 0);
	return res.status;
}

/* Regression (fault injection): CONFLICT(N1, N2), N2 leaves, N1 releases.
 * The domain used to become RUNNING(N2) on a lost node: every claim refused
 * (owned) and no fencing of N2 ever orphaned it. It must be ORPHANED(N2)
 * with N2's loss time, claimable once N2 is fenced. */
static void conflict_release_to_lost_node_orphans(void **state)
{
	struct ledger *l = *state;
	const struct ledger_entry *e;

	REPORT(l, N1, "vm1");
	REPORT(l, N2, "vm1");
	ledger_node_lost(l, N2, 7000);
	/* both might still run it: it stays CONFLICT */
	assert_int_equal(get(l, "vm1")->state, LEDGER_CONFLICT);
	assert_int_equal(RELEASE(l, N1, "vm1"), FERRY_OK);
	e = get(l, "vm1");
	assert_string_equal(ledger_state_name(e->state), "ORPHANED");
	assert_int_equal(e->owner, N2);
	assert_int_equal(e->since_ms, 7000);
	assert_int_equal(e->owner_dead, 0);
	assert_int_equal(e->epoch, 2);
	assert_int_equal(CLAIM(l, N3, "vm1"), FERRY_E_NOTFENCED);
	assert_int_equal(fenced(l, N2), FERRY_OK);
	assert_int_equal(get(l, "vm1")->owner_dead, 1);
	assert_int_equal(CLAIM(l, N3, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N3, 3);
}

/* The other side already fenced when the conflict resolves to it: the
 * orphan carries its dead flag and is claimable at once. */
static void conflict_release_to_fenced_node(void **state)
{
	struct ledger *l = *state;

	REPORT(l, N1, "vm1");
	REPORT(l, N2, "vm1");
	REPORT(l, N2, "other");
	ledger_node_lost(l, N2, 100);
	assert_int_equal(fenced(l, N3) == FERRY_E_ALIVE, true);
	/* N2's fencing of its own loss: its side of the CONFLICT is off, so N1
	 * (a member) keeps the domain */
	assert_int_equal(fenced(l, N2), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
	assert_int_equal(get(l, "other")->owner_dead, 1);
}

/* FENCED/CONFIRM_DEAD of one side when the other side is lost too. */
static void conflict_both_sides_lost(void **state)
{
	struct ledger *l = *state;
	const struct ledger_entry *e;

	REPORT(l, N1, "vm1");
	REPORT(l, N2, "vm1");
	ledger_node_lost(l, N1, 100);
	ledger_node_lost(l, N2, 200);
	assert_int_equal(get(l, "vm1")->state, LEDGER_CONFLICT);
	/* N1 confirmed dead: N2 may still run it, N2 is not a member */
	assert_int_equal(CONFIRM(l, N3, N1), FERRY_OK);
	e = get(l, "vm1");
	assert_string_equal(ledger_state_name(e->state), "ORPHANED");
	assert_int_equal(e->owner, N2);
	assert_int_equal(e->since_ms, 200);
	assert_int_equal(e->owner_dead, 0);
	assert_int_equal(CLAIM(l, N3, "vm1"), FERRY_E_NOTFENCED);
	/* N2 fenced too: claimable */
	assert_int_equal(fenced(l, N2), FERRY_OK);
	assert_int_equal(CLAIM(l, N3, "vm1"), FERRY_OK);
	/* and a CONFLICT resolving to a node that is already dead */
	REPORT(l, N3, "vm2");
	ledger_node_join(l, N1);
	REPORT(l, N1, "vm2");
	ledger_node_lost(l, N1, 300);
	CONFIRM(l, N3, N1);
	expect(l, "vm2", LEDGER_RUNNING, N3, 1);
}

/* The side that comes back reports its copy and gets its orphan back. */
static void conflict_orphan_returns_to_reporter(void **state)
{
	struct ledger *l = *state;

	REPORT(l, N1, "vm1");
	REPORT(l, N2, "vm1");
	ledger_node_lost(l, N2, 100);
	RELEASE(l, N1, "vm1");
	ledger_node_join(l, N2);
	assert_int_equal(REPORT(l, N2, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N2, 2);
}

static void lost_owner_orphans(void **state)
{
	struct ledger *l = *state;
	const struct ledger_entry *e;
	const struct ledger_node *n;

	CLAIM(l, N1, "vm1");
	CLAIM(l, N2, "vm2");
	assert_int_equal(ledger_node_lost(l, N1, 5000), 1);
	e = get(l, "vm1");
	assert_int_equal(e->state, LEDGER_ORPHANED);
	assert_int_equal(e->owner, N1);
	assert_int_equal(e->since_ms, 5000);
	assert_int_equal(e->epoch, 1);
	expect(l, "vm2", LEDGER_RUNNING, N2, 1);
	n = ledger_node_get(l, N1);
	assert_non_null(n);
	assert_false(n->member);
	assert_int_equal(n->lost_gen, 1);
	assert_int_equal(n->lost_at_ms, 5000);
}

static void orphan_claim_needs_fencing(void **state)
{
	struct ledger *l = *state;
	struct ledger_result res;
	struct ledger_req fenced = { .op = LEDGER_OP_FENCED, .sender = N2, .node = N1 };

	CLAIM(l, N1, "vm1");
	ledger_node_lost(l, N1, 5000);
	assert_int_equal(CLAIM(l, N2, "vm1"), FERRY_E_NOTFENCED);
	assert_int_equal(req(l, LEDGER_OP_CLAIM, N2, "vm1", 0, 0, false), FERRY_E_NOQUORUM);
	/* fencing of an earlier loss does not count */
	fenced.lost_gen = 0;
	assert_int_equal(ledger_apply(l, &fenced, &res), 0);
	assert_int_equal(res.status, FERRY_E_STALE);
	assert_int_equal(CLAIM(l, N2, "vm1"), FERRY_E_NOTFENCED);
	fenced.lost_gen = 1;
	assert_int_equal(ledger_apply(l, &fenced, &res), 0);
	assert_int_equal(res.status, FERRY_OK);
	assert_true(res.changed);
	assert_true(get(l, "vm1")->owner_dead);
	assert_int_equal(CLAIM(l, N2, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N2, 2);
	/* repeated proof is harmless */
	assert_int_equal(ledger_apply(l, &fenced, &res), 0);
	assert_int_equal(res.status, FERRY_OK);
	assert_false(res.changed);
}

static void orphan_claim_after_confirm_dead(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm1");
	assert_int_equal(CONFIRM(l, N2, N1), FERRY_E_ALIVE);
	ledger_node_lost(l, N1, 5000);
	assert_int_equal(CLAIM(l, N3, "vm1"), FERRY_E_NOTFENCED);
	assert_int_equal(CONFIRM(l, N2, N1), FERRY_OK);
	assert_true(ledger_node_get(l, N1)->dead);
	assert_int_equal(CLAIM(l, N3, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N3, 2);
}

static void orphan_returns_to_old_owner(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm1");
	CLAIM(l, N1, "vm2");
	CLAIM(l, N1, "vm3");
	ledger_node_lost(l, N1, 5000);
	ledger_node_join(l, N1);
	/* the old owner reports it still runs vm1, re-claims vm2, releases vm3 */
	assert_int_equal(REPORT(l, N1, "vm1"), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
	assert_int_equal(get(l, "vm1")->since_ms, 0);
	assert_int_equal(CLAIM(l, N1, "vm2"), FERRY_OK);
	expect(l, "vm2", LEDGER_RUNNING, N1, 1);
	assert_int_equal(RELEASE(l, N1, "vm3"), FERRY_OK);
	expect(l, "vm3", LEDGER_FREE, 0, 2);
	assert_int_equal(RELEASE(l, N2, "vm1"), FERRY_E_NOTOWNER);
}

static void orphan_reported_elsewhere(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm1");
	CLAIM(l, N1, "vm2");
	ledger_node_lost(l, N1, 5000);
	/* someone else runs an orphan whose owner may still run it: conflict */
	assert_int_equal(REPORT(l, N2, "vm1"), FERRY_E_CONFLICT);
	assert_int_equal(get(l, "vm1")->state, LEDGER_CONFLICT);
	/* once the owner is fenced, the conflict resolves to the survivor */
	assert_int_equal(CONFIRM(l, N3, N1), FERRY_OK);
	expect(l, "vm1", LEDGER_RUNNING, N2, 2);
	/* and a fenced owner's orphan reported elsewhere is adopted */
	assert_int_equal(REPORT(l, N3, "vm2"), FERRY_OK);
	expect(l, "vm2", LEDGER_RUNNING, N3, 2);
}

static void lost_migration_target_aborts(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm1");
	BEGIN(l, N1, "vm1", N2);
	assert_int_equal(ledger_node_lost(l, N2, 5000), 1);
	expect(l, "vm1", LEDGER_RUNNING, N1, 1);
	assert_int_equal(get(l, "vm1")->peer, 0);
}

static void lost_migration_source_orphans(void **state)
{
	struct ledger *l = *state;
	const struct ledger_entry *e;

	CLAIM(l, N1, "vm1");
	BEGIN(l, N1, "vm1", N2);
	assert_int_equal(ledger_node_lost(l, N1, 5000), 1);
	e = get(l, "vm1");
	assert_int_equal(e->state, LEDGER_ORPHANED);
	assert_int_equal(e->owner, N1);
	assert_int_equal(e->peer, 0);
	assert_int_equal(COMMIT(l, N2, "vm1"), FERRY_E_STATE);
	assert_int_equal(CLAIM(l, N2, "vm1"), FERRY_E_NOTFENCED);
}

static void lost_in_every_state(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "run");
	RELEASE(l, N1, "run");         /* FREE record */
	REPORT(l, N1, "cf");
	REPORT(l, N2, "cf");           /* CONFLICT N1 vs N2 */
	CLAIM(l, N2, "orph");
	ledger_node_lost(l, N2, 100);  /* ORPHANED by N2 */
	ledger_node_join(l, N2);
	assert_int_equal(ledger_node_lost(l, N1, 200), 0);
	expect(l, "run", LEDGER_FREE, 0, 2);
	assert_int_equal(get(l, "cf")->state, LEDGER_CONFLICT);
	assert_int_equal(get(l, "orph")->since_ms, 100);
	assert_int_equal(ledger_node_get(l, N1)->lost_gen, 1);
	ledger_node_join(l, N1);
	ledger_node_lost(l, N1, 300);
	assert_int_equal(ledger_node_get(l, N1)->lost_gen, 2);
}

static void epoch_rises_on_every_owner_change(void **state)
{
	struct ledger *l = *state;

	CLAIM(l, N1, "vm");           /* 1 */
	BEGIN(l, N1, "vm", N2);
	COMMIT(l, N1, "vm");          /* 2 */
	BEGIN(l, N2, "vm", N3);
	ABORT(l, N3, "vm");           /* no change */
	RELEASE(l, N2, "vm");         /* 3 */
	CLAIM(l, N3, "vm");           /* 4 */
	ledger_node_lost(l, N3, 10);  /* no change */
	CONFIRM(l, N1, N3);
	CLAIM(l, N1, "vm");           /* 5 */
	expect(l, "vm", LEDGER_RUNNING, N1, 5);
}

static void digest_ignores_order_and_times(void **state)
{
	struct ledger *a = *state, *b = ledger_new();

	ledger_node_join(b, N3);
	ledger_node_join(b, N2);
	ledger_node_join(b, N1);
	CLAIM(a, N1, "x");
	CLAIM(a, N2, "y");
	CLAIM(b, N2, "y");
	CLAIM(b, N1, "x");
	assert_int_equal(ledger_digest(a), ledger_digest(b));
	ledger_node_lost(a, N1, 10);
	ledger_node_lost(b, N1, 99);
	assert_int_equal(ledger_digest(a), ledger_digest(b));
	CLAIM(b, N3, "z");
	assert_int_not_equal(ledger_digest(a), ledger_digest(b));
	ledger_free(b);
}

static void unseen_node_blocks_free_claims(void **state)
{
	struct ledger *l = ledger_new();
	struct ledger_result res;
	struct ledger_req q = { .op = LEDGER_OP_CLAIM, .sender = N1, .quorate = true,
				.name = "vm" };
	const struct ledger_node *n;

	(void)state;
	ledger_node_join(l, N1);
	ledger_node_join(l, N2);
	assert_int_equal(ledger_node_unseen(l, N3, 700), 0);
	n = ledger_node_get(l, N3);
	assert_true(n->unseen);
	assert_int_equal(n->lost_gen, 1);
	assert_int_equal(ledger_unseen_blocker(l), N3);
	/* no free domain, the blocker named in the refusal; no record made */
	assert_int_equal(ledger_apply(l, &q, &res), 0);
	assert_int_equal(res.status, FERRY_E_NOTFENCED);
	assert_int_equal(res.entry.peer, N3);
	assert_null(ledger_find(l, "vm"));
	/* what nodes really run is still recorded */
	assert_int_equal(REPORT(l, N1, "seen"), FERRY_OK);
	assert_int_equal(CLAIM(l, N1, "seen"), FERRY_OK);
	/* joining lifts it */
	ledger_node_join(l, N3);
	assert_int_equal(ledger_unseen_blocker(l), 0);
	assert_int_equal(CLAIM(l, N1, "vm"), FERRY_OK);
	/* as do fencing of that very loss, and an operator's word */
	ledger_node_lost(l, N3, 800);
	ledger_node_unseen(l, 4, 800);
	ledger_node_unseen(l, 5, 800);
	q.name = "vm2";
	assert_int_equal(ledger_apply(l, &q, &res), 0);
	assert_int_equal(res.entry.peer, 4);
	assert_int_equal(req(l, LEDGER_OP_FENCED, N2, NULL, 4, 0, true), FERRY_E_STALE);
	{
		struct ledger_req f = { .op = LEDGER_OP_FENCED, .sender = N2, .node = 4,
					.lost_gen = 1 };

		assert_int_equal(ledger_apply(l, &f, &res), 0);
		assert_int_equal(res.status, FERRY_OK);
	}
	assert_int_equal(ledger_unseen_blocker(l), 5);
	assert_int_equal(CONFIRM(l, N2, 5), FERRY_OK);
	assert_int_equal(ledger_unseen_blocker(l), 0);
	assert_int_equal(CLAIM(l, N1, "vm2"), FERRY_OK);
	ledger_free(l);
}

static void sorted_and_many(void **state)
{
	struct ledger *l = *state;
	const struct ledger_entry *const *v;
	size_t n;
	char name[32];

	for (int i = 9999; i >= 0; i--) {
		snprintf(name, sizeof(name), "dom%05d", i);
		assert_int_equal(CLAIM(l, (uint32_t)(i % 3) + 1, name), FERRY_OK);
	}
	assert_int_equal(ledger_count(l), 10000);
	assert_int_equal(ledger_sorted(l, &v, &n), 0);
	assert_int_equal(n, 10000);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(v[i - 1]->name, v[i]->name) < 0);
	assert_int_equal(ledger_node_lost(l, N1, 1), 3334);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(claim_free_grants),
		T(claim_own_is_noop),
		T(claim_owned_refused),
		T(claim_without_quorum_refused),
		T(claim_bad_name_rejected),
		T(release_owner_frees_and_bumps_epoch),
		T(release_refusals),
		T(migrate_begin_commit_moves_owner),
		T(migrate_commit_by_source),
		T(migrate_abort_returns_to_source),
		T(migrate_refusals),
		T(report_adopts_and_conflicts),
		T(report_conflict_release_by_peer),
		T(report_during_migration_is_fine),
		T(conflict_release_to_lost_node_orphans),
		T(conflict_release_to_fenced_node),
		T(conflict_both_sides_lost),
		T(conflict_orphan_returns_to_reporter),
		T(lost_owner_orphans),
		T(orphan_claim_needs_fencing),
		T(orphan_claim_after_confirm_dead),
		T(orphan_returns_to_old_owner),
		T(orphan_reported_elsewhere),
		T(lost_migration_target_aborts),
		T(lost_migration_source_orphans),
		T(lost_in_every_state),
		T(epoch_rises_on_every_owner_change),
		T(digest_ignores_order_and_times),
		T(sorted_and_many),
		cmocka_unit_test(unseen_node_blocks_free_claims),
#undef T
	};

	return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
