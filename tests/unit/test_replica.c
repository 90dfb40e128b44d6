/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Several replicas fed one agreed-order stream per partition, as CPG would:
 * state transfer on join, cold start from reports, partitions and merges,
 * refused versions, silent members, and requests racing membership changes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "replica.h"

#define MAXN 8
#define MAXQ 20000
#define MAXINV 16

struct sim;

struct node {
	struct sim *sim;
	struct replica *r;
	uint32_t nodeid;
	uint32_t pid;
	bool up;
	int part;
	int synced;
	bool cold;
	bool mute;      /* a ghost: its messages vanish */
	int status[64]; /* by request id */
	const char *inv[MAXINV];
	char events[4096];
};

struct qmsg {
	int from;
	int part;
	uint8_t *buf;
	size_t len;
};

struct sim {
	struct node n[MAXN];
	int count;
	struct qmsg q[MAXQ];
	size_t qhead, qtail;
	uint64_t ring;
	uint64_t now;
	size_t sent;
};

static int sim_send(void *ctx, const void *buf, size_t len)
{
	struct node *n = ctx;
	struct sim *s = n->sim;
	struct qmsg *m;

	if (n->mute)
		return 0;
	assert_true(s->qtail < MAXQ);
	m = &s->q[s->qtail++];
	m->from = (int)(n - s->n);
	m->part = n->part;
	m->buf = malloc(len);
	memcpy(m->buf, buf, len);
	m->len = len;
	s->sent++;
	return 0;
}

static void sim_decided(void *ctx, uint64_t req_id, int type, const struct ledger_result *res)
{
	struct node *n = ctx;

	(void)type;
	assert_true(req_id < 64);
	n->status[req_id] = res->status;
}

static void sim_event(void *ctx, int pri, const char *text)
{
	struct node *n = ctx;

	(void)pri;
	/* keep the latest lines: start over when the buffer would overflow */
	if (strlen(n->events) + strlen(text) + 2 > sizeof(n->events))
		n->events[0] = '\0';
	strncat(n->events, text, sizeof(n->events) - 2);
	strcat(n->events, "\n");
}

static void sim_report(struct node *n)
{
	struct wbuf b = { 0 };

	if (!n->inv[0])
		return;
	wire_list_begin(&b, WIRE_REPORT, 63, 0, 0, 0);
	for (int i = 0; i < MAXINV && n->inv[i]; i++)
		wire_add_name(&b, n->inv[i]);
	assert_int_equal(wire_end(&b), 0);
	sim_send(n, b.p, b.len);
	wbuf_free(&b);
}

static void sim_synced(void *ctx, bool cold)
{
	struct node *n = ctx;

	n->synced++;
	n->cold = cold;
	sim_report(n); /* as ferryd does after every sync */
}

static const struct replica_ops ops = {
	.send = sim_send,
	.decided = sim_decided,
	.event = sim_event,
	.synced = sim_synced,
};

static struct sim *sim_new(int count)
{
	struct sim *s = calloc(1, sizeof(*s));

	s->count = count;
	s->ring = 100;
	s->now = 1000;
	for (int i = 0; i < count; i++) {
		s->n[i].sim = s;
		s->n[i].nodeid = (uint32_t)i + 1;
		s->n[i].pid = 1000 + (uint32_t)i;
		for (int k = 0; k < 64; k++)
			s->n[i].status[k] = -1;
	}
	return s;
}

static void sim_free(struct sim *s)
{
	for (int i = 0; i < s->count; i++)
		replica_free(s->n[i].r);
	for (size_t i = s->qhead; i < s->qtail; i++)
		free(s->q[i].buf);
	free(s);
}

static int part_size(struct sim *s, int part)
{
	int k = 0;

	for (int i = 0; i < s->count; i++)
		k += s->n[i].up && s->n[i].part == part;
	return k;
}

/* Deliver queued messages: up to `max` (or all when max < 0). */
static void pump_n(struct sim *s, long max)
{
	while (s->qhead < s->qtail && max-- != 0) {
		struct qmsg *m = &s->q[s->qhead++];
		struct node *from = &s->n[m->from];

		s->now++;
		for (int i = 0; i < s->count; i++) {
			struct node *n = &s->n[i];

			if (n->up && n->part == m->part && from->up && from->part == m->part)
				replica_deliver(n->r, from->nodeid, from->pid, m->buf, m->len, s->now);
		}
		free(m->buf);
	}
}

static void pump(struct sim *s)
{
	pump_n(s, -1);
}

/* A configuration change in one partition: totem ring, then confchg, then
 * quorum (quorum may come in any order; tests below also vary it). */
static void confchg(struct sim *s, int part, const struct replica_member *left, size_t nleft,
		    size_t njoined)
{
	struct replica_member members[MAXN];
	size_t nm = 0;
	bool quorate = part_size(s, part) * 2 > s->count;

	s->ring += 4;
	for (int i = 0; i < s->count; i++)
		if (s->n[i].up && s->n[i].part == part)
			members[nm++] = (struct replica_member){ s->n[i].nodeid, s->n[i].pid };
	for (int i = 0; i < s->count; i++) {
		struct node *n = &s->n[i];

		if (!n->up || n->part != part)
			continue;
		replica_totem(n->r, s->ring);
		replica_confchg(n->r, members, nm, left, nleft, njoined, s->now);
		replica_quorum(n->r, quorate, s->ring);
	}
}

static void start(struct sim *s, int i)
{
	struct node *n = &s->n[i];

	n->r = replica_new(n->nodeid, n->pid, &ops, n);
	assert_non_null(n->r);
	n->up = true;
	n->synced = 0;
}

static void boot_all(struct sim *s)
{
	for (int i = 0; i < s->count; i++)
		start(s, i);
	confchg(s, 0, NULL, 0, (size_t)s->count);
	pump(s);
}

static void submit(struct sim *s, int i, enum wire_type type, uint64_t id, const char *name,
		   uint32_t target)
{
	struct node *n = &s->n[i];
	struct wbuf b = { 0 };
	uint32_t flags;
	uint64_t ring;
	bool need = type == WIRE_CLAIM || type == WIRE_MIGRATE_BEGIN || type == WIRE_MIGRATE_COMMIT;

	assert_int_equal(replica_stamp(n->r, need, &flags, &ring), 0);
	if (type == WIRE_CONFIRM_DEAD || type == WIRE_FENCED)
		wire_encode_node_req(&b, type, flags, ring, id, target,
				     ledger_node_get(replica_ledger(n->r), target)
					     ? ledger_node_get(replica_ledger(n->r), target)->lost_gen
					     : 0,
				     0);
	else
		wire_encode_domain_req(&b, type, flags, ring, id, name, 0, target);
	sim_send(n, b.p, b.len);
	wbuf_free(&b);
}

static void assert_same(struct sim *s)
{
	uint64_t d = 0;
	bool first = true;

	for (int i = 0; i < s->count; i++) {
		if (!s->n[i].up)
			continue;
		assert_true(replica_synced(s->n[i].r));
		if (first)
			d = ledger_digest(replica_ledger(s->n[i].r));
		else
			assert_int_equal(ledger_digest(replica_ledger(s->n[i].r)), d);
		first = false;
	}
}

static const struct ledger_entry *entry(struct sim *s, int i, const char *name)
{
	return ledger_find(replica_ledger(s->n[i].r), name);
}

static void kill_node(struct sim *s, int i)
{
	struct replica_member gone = { s->n[i].nodeid, s->n[i].pid };

	s->n[i].up = false;
	replica_free(s->n[i].r);
	s->n[i].r = NULL;
	confchg(s, s->n[i].part, &gone, 1, 0);
}

/* ---- tests ---- */

static void cold_start_all_at_once(void **state)
{
	struct sim *s = sim_new(3);

	(void)state;
	s->n[0].inv[0] = "a";
	s->n[1].inv[0] = "b";
	boot_all(s);
	pump(s);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(s->n[i].synced, 1);
		assert_true(s->n[i].cold);
	}
	assert_same(s);
	assert_int_equal(entry(s, 2, "a")->owner, 1);
	assert_int_equal(entry(s, 2, "b")->owner, 2);
	sim_free(s);
}

static void cold_start_conflict(void **state)
{
	struct sim *s = sim_new(3);

	(void)state;
	s->n[0].inv[0] = "dup";
	s->n[2].inv[0] = "dup";
	boot_all(s);
	pump(s);
	assert_same(s);
	assert_int_equal(entry(s, 1, "dup")->state, LEDGER_CONFLICT);
	assert_non_null(strstr(s->n[1].events, "CONFLICT: dup"));
	sim_free(s);
}

static void simultaneous_claims_one_winner(void **state)
{
	struct sim *s = sim_new(5);
	int granted = 0;

	(void)state;
	boot_all(s);
	for (int i = 0; i < 5; i++)
		submit(s, i, WIRE_CLAIM, 1, "vm", 0);
	pump(s);
	for (int i = 0; i < 5; i++) {
		assert_true(s->n[i].status[1] == FERRY_OK || s->n[i].status[1] == FERRY_E_OWNED);
		granted += s->n[i].status[1] == FERRY_OK;
	}
	assert_int_equal(granted, 1);
	assert_int_equal(entry(s, 4, "vm")->owner, 1); /* first in agreed order */
	assert_same(s);
	sim_free(s);
}

static void join_receives_state(void **state)
{
	struct sim *s = sim_new(3);
	char name[32];
	uint32_t flags;
	uint64_t ring;
	struct replica_info info;

	(void)state;
	start(s, 0);
	start(s, 1);
	s->n[2].up = false;
	confchg(s, 0, NULL, 0, 2);
	pump(s);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "vm%d", i);
		submit(s, i % 2, WIRE_CLAIM, 2, name, 0);
	}
	pump(s);
	start(s, 2);
	confchg(s, 0, NULL, 0, 1);
	/* the joiner answers nobody until synced */
	assert_int_equal(replica_stamp(s->n[2].r, false, &flags, &ring), -EAGAIN);
	pump(s);
	assert_int_equal(s->n[2].synced, 1);
	assert_false(s->n[2].cold);
	assert_int_equal(ledger_count(replica_ledger(s->n[0].r)), 100);
	assert_int_equal(ledger_count(replica_ledger(s->n[2].r)), 100);
	assert_same(s);
	replica_info_get(s->n[2].r, &info);
	assert_int_equal(info.sync_source, 1);
	assert_true(info.synced);
	assert_int_equal(replica_stamp(s->n[2].r, true, &flags, &ring), 0);
	sim_free(s);
}

static void join_receives_10k_in_chunks(void **state)
{
	struct sim *s = sim_new(2);
	struct ledger *l;
	char name[32];
	size_t before;

	(void)state;
	start(s, 0);
	s->n[1].up = false;
	confchg(s, 0, NULL, 0, 1);
	pump(s);
	l = replica_ledger(s->n[0].r);
	for (int i = 0; i < 10000; i++) {
		struct ledger_result res;
		struct ledger_req q = { .op = LEDGER_OP_CLAIM, .sender = 1, .quorate = true,
					.name = name };

		snprintf(name, sizeof(name), "domain-%05d.example.org", i);
		assert_int_equal(ledger_apply(l, &q, &res), 0);
	}
	start(s, 1);
	before = s->sent;
	confchg(s, 0, NULL, 0, 1);
	pump(s);
	assert_int_equal(ledger_count(replica_ledger(s->n[1].r)), 10000);
	assert_same(s);
	/* two offers, at least 5 chunks (10k x ~50 bytes / 60 KiB), one DONE */
	assert_true(s->sent - before >= 2 + 5 + 1);
	sim_free(s);
}

static void requests_during_sync_retry(void **state)
{
	struct sim *s = sim_new(3);

	(void)state;
	start(s, 0);
	start(s, 1);
	s->n[2].up = false;
	confchg(s, 0, NULL, 0, 2);
	pump(s);
	submit(s, 0, WIRE_CLAIM, 3, "vm", 0);
	start(s, 2);
	confchg(s, 0, NULL, 0, 1); /* the claim is delivered after this */
	pump(s);
	assert_int_equal(s->n[0].status[3], FERRY_E_AGAIN);
	assert_null(entry(s, 1, "vm"));
	submit(s, 0, WIRE_CLAIM, 4, "vm", 0);
	pump(s);
	assert_int_equal(s->n[0].status[4], FERRY_OK);
	assert_same(s);
	sim_free(s);
}

static void stale_ring_retries(void **state)
{
	struct sim *s = sim_new(3);

	(void)state;
	boot_all(s);
	submit(s, 1, WIRE_CLAIM, 5, "vm", 0);
	/* a ring change between the stamp and the delivery */
	for (int i = 0; i < 3; i++)
		replica_totem(s->n[i].r, s->ring + 4);
	pump(s);
	assert_int_equal(s->n[1].status[5], FERRY_E_AGAIN);
	assert_null(entry(s, 0, "vm"));
	sim_free(s);
}

static void rings_must_agree_before_quorum_decisions(void **state)
{
	struct sim *s = sim_new(3);
	uint32_t flags;
	uint64_t ring;

	(void)state;
	boot_all(s);
	/* quorum learned of a new ring before CPG did: wait */
	replica_quorum(s->n[0].r, true, s->ring + 4);
	assert_int_equal(replica_stamp(s->n[0].r, true, &flags, &ring), -EAGAIN);
	assert_int_equal(replica_stamp(s->n[0].r, false, &flags, &ring), 0);
	replica_totem(s->n[0].r, s->ring + 4);
	assert_int_equal(replica_stamp(s->n[0].r, true, &flags, &ring), 0);
	assert_int_equal(flags, WIRE_F_QUORATE);
	replica_quorum(s->n[0].r, false, s->ring + 4);
	assert_int_equal(replica_stamp(s->n[0].r, true, &flags, &ring), 0);
	assert_int_equal(flags, 0);
	sim_free(s);
}

static void crash_orphans_then_fenced(void **state)
{
	struct sim *s = sim_new(3);

	(void)state;
	boot_all(s);
	submit(s, 2, WIRE_CLAIM, 1, "vm", 0);
	pump(s);
	kill_node(s, 2);
	pump(s);
	assert_int_equal(entry(s, 0, "vm")->state, LEDGER_ORPHANED);
	assert_same(s);
	submit(s, 0, WIRE_CLAIM, 2, "vm", 0);
	pump(s);
	assert_int_equal(s->n[0].status[2], FERRY_E_NOTFENCED);
	submit(s, 1, WIRE_FENCED, 3, NULL, 3);
	pump(s);
	assert_int_equal(s->n[1].status[3], FERRY_OK);
	submit(s, 0, WIRE_CLAIM, 4, "vm", 0);
	pump(s);
	assert_int_equal(s->n[0].status[4], FERRY_OK);
	assert_int_equal(entry(s, 1, "vm")->owner, 1);
	assert_int_equal(entry(s, 1, "vm")->epoch, 2);
	assert_same(s);
	sim_free(s);
}

static void migration_target_lost(void **state)
{
	struct sim *s = sim_new(3);

	(void)state;
	boot_all(s);
	submit(s, 0, WIRE_CLAIM, 1, "vm", 0);
	pump(s);
	submit(s, 0, WIRE_MIGRATE_BEGIN, 2, "vm", 2);
	pump(s);
	assert_int_equal(s->n[0].status[2], FERRY_OK);
	assert_int_equal(entry(s, 2, "vm")->state, LEDGER_MIGRATING);
	kill_node(s, 1);
	pump(s);
	assert_int_equal(entry(s, 2, "vm")->state, LEDGER_RUNNING);
	assert_int_equal(entry(s, 2, "vm")->owner, 1);
	assert_same(s);
	sim_free(s);
}

static void partition_and_merge(int isolated)
{
	struct sim *s = sim_new(3);
	int a = (isolated + 1) % 3, b = (isolated + 2) % 3;
	struct replica_member left[2];

	s->n[isolated].inv[0] = "mine";
	boot_all(s);
	pump(s);
	submit(s, a, WIRE_CLAIM, 1, "pair-vm", 0);
	pump(s);

	/* split: {isolated} | {a, b} */
	s->n[isolated].part = 1;
	left[0] = (struct replica_member){ s->n[a].nodeid, s->n[a].pid };
	left[1] = (struct replica_member){ s->n[b].nodeid, s->n[b].pid };
	confchg(s, 1, left, 2, 0);
	left[0] = (struct replica_member){ s->n[isolated].nodeid, s->n[isolated].pid };
	confchg(s, 0, left, 1, 0);
	pump(s);

	/* the single node cannot claim; the pair can claim what is free only */
	submit(s, isolated, WIRE_CLAIM, 2, "free-vm", 0);
	submit(s, a, WIRE_CLAIM, 3, "new-vm", 0);
	submit(s, b, WIRE_CLAIM, 4, "mine", 0);
	pump(s);
	assert_int_equal(s->n[isolated].status[2], FERRY_E_NOQUORUM);
	assert_int_equal(s->n[a].status[3], FERRY_OK);
	assert_int_equal(s->n[b].status[4], FERRY_E_NOTFENCED);
	assert_int_equal(entry(s, isolated, "pair-vm")->state, LEDGER_ORPHANED);

	/* heal: one confchg on each side's view, same merged membership */
	s->n[isolated].part = 0;
	confchg(s, 0, NULL, 0, 1);
	pump(s);
	assert_same(s);
	/* the quorate side's ledger won; the isolated node re-adopted its own */
	assert_int_equal(entry(s, isolated, "new-vm")->owner, s->n[a].nodeid);
	assert_int_equal(entry(s, isolated, "pair-vm")->state, LEDGER_RUNNING);
	assert_int_equal(entry(s, a, "mine")->state, LEDGER_RUNNING);
	assert_int_equal(entry(s, a, "mine")->owner, s->n[isolated].nodeid);
	assert_int_equal(entry(s, a, "mine")->epoch, 1);
	assert_null(entry(s, a, "free-vm"));
	sim_free(s);
}

static void partition_highest_isolated(void **state)
{
	(void)state;
	partition_and_merge(2);
}

static void partition_lowest_isolated(void **state)
{
	(void)state;
	partition_and_merge(0); /* lowest nodeid, yet the quorate ledger must win */
}

static void restart_keeps_running_domain(void **state)
{
	struct sim *s = sim_new(3);

	(void)state;
	s->n[1].inv[0] = "keep";
	boot_all(s);
	pump(s);
	assert_int_equal(entry(s, 0, "keep")->owner, 2);
	kill_node(s, 1);
	pump(s);
	assert_int_equal(entry(s, 0, "keep")->state, LEDGER_ORPHANED);
	s->n[1].pid += 100; /* a new ferryd process */
	start(s, 1);
	confchg(s, 0, NULL, 0, 1);
	pump(s);
	assert_same(s);
	assert_false(s->n[1].cold);
	assert_int_equal(entry(s, 1, "keep")->state, LEDGER_RUNNING);
	assert_int_equal(entry(s, 1, "keep")->owner, 2);
	assert_int_equal(entry(s, 1, "keep")->epoch, 1);
	sim_free(s);
}

static void wrong_version_member_refused(void **state)
{
	struct sim *s = sim_new(3);
	struct wbuf b = { 0 };

	(void)state;
	start(s, 0);
	start(s, 1);
	start(s, 2);
	s->n[2].mute = true; /* it cannot speak v1 at all... */
	confchg(s, 0, NULL, 0, 3);
	s->n[2].mute = false;
	/* ...only v2 */
	wire_encode_offer(&b, 1, 0, 0, NULL, 0);
	b.p[4] = WIRE_VERSION_MAJOR + 1;
	sim_send(&s->n[2], b.p, b.len);
	wbuf_free(&b);
	pump_n(s, 2); /* the two v1 offers */
	assert_false(replica_synced(s->n[0].r));
	pump(s);
	assert_true(replica_synced(s->n[0].r));
	assert_true(replica_synced(s->n[1].r));
	assert_non_null(strstr(s->n[0].events, "refusing node 3"));
	assert_non_null(strstr(s->n[0].events, "protocol v2"));
	/* it cannot be a migration target */
	submit(s, 0, WIRE_CLAIM, 1, "vm", 0);
	pump(s);
	submit(s, 0, WIRE_MIGRATE_BEGIN, 2, "vm", 3);
	pump(s);
	assert_int_equal(s->n[0].status[2], FERRY_E_NOTMEMBER);
	sim_free(s);
}

static void silent_member_forced(void **state)
{
	struct sim *s = sim_new(3);

	(void)state;
	start(s, 0);
	start(s, 1);
	start(s, 2);
	s->n[2].mute = true; /* a ghost member */
	confchg(s, 0, NULL, 0, 3);
	pump(s);
	assert_false(replica_synced(s->n[0].r));
	assert_int_equal(replica_sync_force(s->n[1].r), 0); /* not the lowest */
	assert_int_equal(replica_sync_force(s->n[0].r), 1);
	pump(s);
	assert_true(replica_synced(s->n[0].r));
	assert_true(replica_synced(s->n[1].r));
	assert_non_null(strstr(s->n[1].events, "forced"));
	sim_free(s);
}

static void garbage_is_dropped(void **state)
{
	struct sim *s = sim_new(2);
	uint8_t junk[64];
	uint64_t d;

	(void)state;
	boot_all(s);
	d = ledger_digest(replica_ledger(s->n[0].r));
	memset(junk, 0xa5, sizeof(junk));
	sim_send(&s->n[1], junk, sizeof(junk));
	sim_send(&s->n[1], junk, 3);
	pump(s);
	assert_int_equal(ledger_digest(replica_ledger(s->n[0].r)), d);
	assert_non_null(strstr(s->n[0].events, "dropping a message from node 2"));
	sim_free(s);
}

static void leave_during_transfer_restarts_round(void **state)
{
	struct sim *s = sim_new(3);

	(void)state;
	start(s, 0);
	s->n[1].up = false;
	s->n[2].up = false;
	confchg(s, 0, NULL, 0, 1);
	pump(s);
	submit(s, 0, WIRE_CLAIM, 1, "vm", 0);
	pump(s);
	start(s, 1);
	start(s, 2);
	confchg(s, 0, NULL, 0, 2);
	pump_n(s, 3); /* offers only */
	kill_node(s, 0); /* the source dies mid-transfer */
	pump(s);
	/* the survivors had no state: cold start, vm is orphan-less and free */
	assert_true(replica_synced(s->n[1].r));
	assert_same(s);
	sim_free(s);
}

/* Cold start with one configured node absent: free domains wait for it. */
static void cold_start_waits_for_unseen(void **state)
{
	struct sim *s = sim_new(3);
	uint32_t config[3] = { 1, 2, 3 };

	(void)state;
	for (int i = 0; i < 2; i++) {
		start(s, i);
		replica_set_nodelist(s->n[i].r, config, 3);
	}
	s->n[2].up = false;
	s->n[0].inv[0] = "running-1";
	confchg(s, 0, NULL, 0, 2);
	pump(s);
	assert_same(s);
	assert_true(ledger_node_get(replica_ledger(s->n[1].r), 3)->unseen);
	assert_non_null(strstr(s->n[0].events, "node 3 is configured but not here"));
	submit(s, 1, WIRE_CLAIM, 1, "vm", 0);
	pump(s);
	assert_int_equal(s->n[1].status[1], FERRY_E_NOTFENCED);
	assert_int_equal(entry(s, 1, "running-1")->owner, 1); /* reports still count */
	/* node 3 joins: it gets the ledger (no longer unseen) and claims work */
	start(s, 2);
	replica_set_nodelist(s->n[2].r, config, 3);
	confchg(s, 0, NULL, 0, 1);
	pump(s);
	assert_same(s);
	assert_false(ledger_node_get(replica_ledger(s->n[2].r), 3)->unseen);
	submit(s, 2, WIRE_CLAIM, 2, "vm", 0);
	pump(s);
	assert_int_equal(s->n[2].status[2], FERRY_OK);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cold_start_all_at_once),
		cmocka_unit_test(cold_start_conflict),
		cmocka_unit_test(cold_start_waits_for_unseen),
		cmocka_unit_test(simultaneous_claims_one_winner),
		cmocka_unit_test(join_receives_state),
		cmocka_unit_test(join_receives_10k_in_chunks),
		cmocka_unit_test(requests_during_sync_retry),
		cmocka_unit_test(stale_ring_retries),
		cmocka_unit_test(rings_must_agree_before_quorum_decisions),
		cmocka_unit_test(crash_orphans_then_fenced),
		cmocka_unit_test(migration_target_lost),
		cmocka_unit_test(partition_highest_isolated),
		cmocka_unit_test(partition_lowest_isolated),
		cmocka_unit_test(restart_keeps_running_domain),
		cmocka_unit_test(wrong_version_member_refused),
		cmocka_unit_test(silent_member_forced),
		cmocka_unit_test(garbage_is_dropped),
		cmocka_unit_test(leave_during_transfer_restarts_round),
	};

	return cmocka_run_group_tests_name("replica", tests, NULL, NULL);
}
