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

#include "ledger_state.h"
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
	uint8_t *state; /* its ledger.state, rewritten on every change */
	size_t state_len;
	int saves;
	int views;      /* view callbacks */
	int view_stamp; /* replica_stamp(quorum) as the last view callback saw it */
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
	wire_list_begin(&b, WIRE_REPORT, 63, 0, 0);
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

static int sim_emit(void *ctx, const void *buf, size_t len)
{
	struct node *n = ctx;
	uint8_t *p = realloc(n->state, n->state_len + len);

	assert_non_null(p);
	memcpy(p + n->state_len, buf, len);
	n->state = p;
	n->state_len += len;
	return 0;
}

static const uint8_t boot_id[WIRE_BOOT_ID_LEN] = { 0xb0, 0x07 };

/* As ferryd's persist.c: the whole file again after every change. */
static void sim_changed(void *ctx)
{
	struct node *n = ctx;

	n->state_len = 0;
	assert_int_equal(replica_save(n->r, boot_id, sim_emit, n), 0);
	n->saves++;
}

/* As ferryd's sync.c: a view change kicks the waiting requests, which
 * stamp them; the replica must have taken the change in by then. */
static void sim_view(void *ctx)
{
	struct node *n = ctx;
	uint32_t flags;
	uint64_t ring;

	n->views++;
	n->view_stamp = replica_stamp(n->r, true, &flags, &ring);
}

static const struct replica_ops ops = {
	.send = sim_send,
	.decided = sim_decided,
	.event = sim_event,
	.synced = sim_synced,
	.changed = sim_changed,
	.view = sim_view,
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
	for (int i = 0; i < s->count; i++) {
		replica_free(s->n[i].r);
		free(s->n[i].state);
	}
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

/* A new ferryd process on node i that loads the ledger.state its
 * predecessor left (as ferryd does at start). */
static void start_restored(struct sim *s, int i)
{
	struct node *n = &s->n[i];
	struct ledger_state_meta m;
	struct ledger *l;
	const char *why = NULL;

	n->pid += 100;
	start(s, i);
	assert_int_equal(ledger_state_read(n->state, n->state_len, &m, &l, &why), 0);
	assert_int_equal(m.nodeid, n->nodeid);
	assert_memory_equal(m.boot_id, boot_id, WIRE_BOOT_ID_LEN);
	assert_int_equal(replica_restore(n->r, l, m.version, m.authority), 0);
}

/* Nodes in `which` (-1 ends it) are in sync and agree on digest and version. */
static void assert_agree(struct sim *s, const int *which)
{
	struct replica_info a, b;

	replica_info_get(s->n[which[0]].r, &a);
	assert_true(a.synced);
	for (int k = 1; which[k] >= 0; k++) {
		replica_info_get(s->n[which[k]].r, &b);
		assert_true(b.synced);
		assert_int_equal(ledger_digest(replica_ledger(s->n[which[k]].r)),
				 ledger_digest(replica_ledger(s->n[which[0]].r)));
		assert_int_equal(b.version, a.version);
	}
}

static void send_foreign(struct sim *s, int i)
{
	struct wbuf b = { 0 };
	bool mute = s->n[i].mute;

	wire_encode_offer(&b, &(struct wire_offer){ .round = 1 });
	b.p[4] = WIRE_VERSION_MAJOR + 1;
	s->n[i].mute = false;
	sim_send(&s->n[i], b.p, b.len);
	s->n[i].mute = mute;
	wbuf_free(&b);
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
	int views;

	(void)state;
	boot_all(s);
	views = s->n[0].views;
	assert_true(views > 0); /* the boot's confchg, totem and quorum */
	/* quorum learned of a new ring before CPG did: wait */
	replica_quorum(s->n[0].r, true, s->ring + 4);
	assert_int_equal(s->n[0].views, views + 1);
	assert_int_equal(s->n[0].view_stamp, -EAGAIN);
	assert_int_equal(replica_stamp(s->n[0].r, true, &flags, &ring), -EAGAIN);
	assert_int_equal(replica_stamp(s->n[0].r, false, &flags, &ring), 0);
	replica_totem(s->n[0].r, s->ring + 4);
	/* the view callback came after the replica took the ring in */
	assert_int_equal(s->n[0].views, views + 2);
	assert_int_equal(s->n[0].view_stamp, 0);
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
	wire_encode_offer(&b, &(struct wire_offer){ .round = 1 });
	b.p[4] = WIRE_VERSION_MAJOR + 1;
	sim_send(&s->n[2], b.p, b.len);
	wbuf_free(&b);
	pump_n(s, 2); /* the two v1 offers */
	assert_false(replica_synced(s->n[0].r));
	pump(s);
	assert_true(replica_synced(s->n[0].r));
	assert_true(replica_synced(s->n[1].r));
	{
		char v[32];

		snprintf(v, sizeof(v), "protocol v%d", WIRE_VERSION_MAJOR + 1);
		assert_non_null(strstr(s->n[0].events, "refusing node 3"));
		assert_non_null(strstr(s->n[0].events, v));
	}
	/* it cannot be a migration target */
	submit(s, 0, WIRE_CLAIM, 1, "vm", 0);
	pump(s);
	submit(s, 0, WIRE_MIGRATE_BEGIN, 2, "vm", 3);
	pump(s);
	assert_int_equal(s->n[0].status[2], FERRY_E_NOTMEMBER);
	sim_free(s);
}

/* Found by fuzz_replica (make fuzz FUZZ_S=300): a member that owns a
 * domain is refused mid-life (a message of its says another protocol). Its
 * domain stayed RUNNING on a node that is no member, and when that node
 * then died, node loss (which only looks at members) left it there: no
 * orphan, no claim even after fencing. Refusing a member that took part now
 * counts as its leaving. */
static void member_refused_after_taking_part(void **state)
{
	struct sim *s = sim_new(3);

	(void)state;
	boot_all(s);
	submit(s, 1, WIRE_CLAIM, 1, "vm", 0);
	pump(s);
	assert_int_equal(entry(s, 0, "vm")->owner, 2);
	send_foreign(s, 1);
	pump(s);
	assert_non_null(strstr(s->n[0].events, "refusing node 2"));
	assert_int_equal(entry(s, 0, "vm")->state, LEDGER_ORPHANED);
	assert_int_equal(entry(s, 2, "vm")->state, LEDGER_ORPHANED);
	kill_node(s, 1);
	pump(s);
	submit(s, 0, WIRE_CLAIM, 2, "vm", 0);
	pump(s);
	assert_int_equal(s->n[0].status[2], FERRY_E_NOTFENCED);
	submit(s, 2, WIRE_FENCED, 3, NULL, 2);
	pump(s);
	submit(s, 0, WIRE_CLAIM, 4, "vm", 0);
	pump(s);
	assert_int_equal(s->n[0].status[4], FERRY_OK);
	assert_int_equal(entry(s, 2, "vm")->owner, 1);
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

/*
 * Regression (fault injection): a member of another protocol major sits in
 * the group, refused by everyone who saw its message. A ferryd joining
 * later had not seen it: its member list (CPG less its own refusals)
 * differed, so did its round key; it ignored the others' offers and chunks,
 * forced its own round and cold-started with an empty ledger, granting
 * claims of domains others owned. With the refused member silent it never
 * synced at all.
 */
static void joiner_with_refused_member(bool silent)
{
	struct sim *s = sim_new(4);
	const int ok[] = { 0, 1, 3, -1 };
	struct replica_info info;

	start(s, 0);
	start(s, 1);
	start(s, 2);
	s->n[3].up = false;
	s->n[2].mute = true; /* node 3 speaks only another major */
	confchg(s, 0, NULL, 0, 3);
	send_foreign(s, 2);
	pump(s);
	assert_true(replica_synced(s->n[0].r));
	submit(s, 0, WIRE_CLAIM, 1, "vm", 0);
	pump(s);
	assert_int_equal(s->n[0].status[1], FERRY_OK);

	start(s, 3);
	confchg(s, 0, NULL, 0, 1);
	if (!silent)
		send_foreign(s, 2);
	pump(s);
	assert_true(replica_synced(s->n[3].r));
	assert_false(s->n[3].cold);
	replica_info_get(s->n[3].r, &info);
	assert_int_equal(info.sync_source, 1);
	assert_int_equal(info.start, REPLICA_START_LIVE);
	assert_non_null(strstr(s->n[3].events, "refusing node 3"));
	assert_agree(s, ok);
	assert_int_equal(entry(s, 3, "vm")->owner, 1);
	/* the joiner's claim of n1's domain is refused, everywhere */
	submit(s, 3, WIRE_CLAIM, 2, "vm", 0);
	pump(s);
	assert_int_equal(s->n[3].status[2], FERRY_E_OWNED);
	/* the refused node is no member: no migration target */
	submit(s, 0, WIRE_MIGRATE_BEGIN, 3, "vm", 3);
	pump(s);
	assert_int_equal(s->n[0].status[3], FERRY_E_NOTMEMBER);
	sim_free(s);
}

static void joiner_with_silent_refused_member(void **state)
{
	(void)state;
	joiner_with_refused_member(true);
}

static void joiner_with_speaking_refused_member(void **state)
{
	(void)state;
	joiner_with_refused_member(false);
}

/* The version counts applied changes alike everywhere and sync carries it. */
static void version_agreed_and_carried(void **state)
{
	struct sim *s = sim_new(3);
	const int all[] = { 0, 1, 2, -1 };
	struct replica_info a, b;

	(void)state;
	start(s, 0);
	start(s, 1);
	s->n[2].up = false;
	confchg(s, 0, NULL, 0, 2);
	pump(s);
	replica_info_get(s->n[0].r, &a);
	submit(s, 0, WIRE_CLAIM, 1, "vm", 0);
	submit(s, 1, WIRE_CLAIM, 2, "vm", 0); /* refused: no change */
	pump(s);
	replica_info_get(s->n[1].r, &b);
	assert_int_equal(b.version, a.version + 1);
	start(s, 2);
	confchg(s, 0, NULL, 0, 1);
	pump(s);
	assert_agree(s, all);
	replica_info_get(s->n[2].r, &b);
	assert_true(b.version > a.version + 1);
	assert_true(s->n[2].saves > 0);
	sim_free(s);
}

/* Every ferryd restarts (kill -9), each from its ledger.state: a warm
 * start, not a cold one: same owners, same epochs. */
static void all_restart_warm_start(void **state)
{
	struct sim *s = sim_new(3);
	const int all[] = { 0, 1, 2, -1 };
	struct replica_info info;
	uint64_t e_b;

	(void)state;
	s->n[0].inv[0] = "a";
	s->n[1].inv[0] = "b";
	boot_all(s);
	pump(s);
	submit(s, 1, WIRE_RELEASE, 1, "b", 0);
	pump(s);
	submit(s, 1, WIRE_CLAIM, 2, "b", 0);
	pump(s);
	e_b = entry(s, 0, "b")->epoch;
	assert_int_equal(e_b, 3);
	for (int i = 0; i < 3; i++) {
		s->n[i].up = false;
		replica_free(s->n[i].r);
		s->n[i].r = NULL;
	}
	for (int i = 0; i < 3; i++)
		start_restored(s, i);
	confchg(s, 0, NULL, 0, 3);
	pump(s);
	assert_agree(s, all);
	for (int i = 0; i < 3; i++) {
		assert_false(s->n[i].cold);
		replica_info_get(s->n[i].r, &info);
		assert_int_equal(info.start, REPLICA_START_WARM);
		assert_int_equal(info.origin, REPLICA_START_WARM);
		assert_true(info.restored);
	}
	assert_int_equal(entry(s, 2, "a")->state, LEDGER_RUNNING);
	assert_int_equal(entry(s, 2, "a")->owner, 1);
	assert_int_equal(entry(s, 2, "a")->epoch, 1);
	assert_int_equal(entry(s, 2, "b")->owner, 2);
	assert_int_equal(entry(s, 2, "b")->epoch, e_b);
	assert_null(ledger_unseen_blocker(replica_ledger(s->n[0].r)));
	/* free domains are claimable: nobody is unseen */
	submit(s, 2, WIRE_CLAIM, 3, "new", 0);
	pump(s);
	assert_int_equal(s->n[2].status[3], FERRY_OK);
	sim_free(s);
}

/* One ferryd restarts while the others are live: it syncs from them (a
 * live ledger beats a restored one), nothing of the others is orphaned, and
 * its own orphans come back with its report. */
static void restart_prefers_live_ledger(void **state)
{
	struct sim *s = sim_new(3);
	const int all[] = { 0, 1, 2, -1 };
	struct replica_info info;

	(void)state;
	s->n[0].inv[0] = "a";
	s->n[1].inv[0] = "b";
	s->n[2].inv[0] = "c";
	boot_all(s);
	pump(s);
	kill_node(s, 0);
	pump(s);
	assert_int_equal(entry(s, 1, "a")->state, LEDGER_ORPHANED);
	submit(s, 1, WIRE_CLAIM, 1, "later", 0); /* history the saved one lacks */
	pump(s);
	start_restored(s, 0);
	confchg(s, 0, NULL, 0, 1);
	pump(s);
	assert_agree(s, all);
	replica_info_get(s->n[0].r, &info);
	assert_int_equal(info.start, REPLICA_START_LIVE);
	assert_int_equal(info.origin, REPLICA_START_COLD); /* the source's history began cold */
	assert_int_equal(info.sync_source, 2);
	for (int i = 0; i < 3; i++) {
		static const char *const d[] = { "a", "b", "c" };

		assert_int_equal(entry(s, 0, d[i])->state, LEDGER_RUNNING);
		assert_int_equal(entry(s, 0, d[i])->owner, (uint32_t)i + 1);
		assert_int_equal(entry(s, 0, d[i])->epoch, 1);
	}
	assert_int_equal(entry(s, 0, "later")->owner, 2);
	sim_free(s);
}

/* A restored ledger is the source (nobody live) while a node is absent:
 * that node is lost now (its domains orphaned, a new loss generation) and
 * unseen; a configured node never seen is unseen too. Nodes here keep
 * theirs. */
static void warm_start_with_absent_node(void **state)
{
	struct sim *s = sim_new(3); /* node 4 is configured, never started */
	uint32_t config[4] = { 1, 2, 3, 4 };
	const int here[] = { 0, 1, -1 };
	const struct ledger_node *n3, *n4;
	uint32_t gen_before;

	(void)state;
	for (int i = 0; i < 3; i++) {
		start(s, i);
		replica_set_nodelist(s->n[i].r, config, 4);
	}
	s->n[0].inv[0] = "a";
	s->n[2].inv[0] = "c";
	confchg(s, 0, NULL, 0, 3);
	pump(s);
	submit(s, 1, WIRE_CONFIRM_DEAD, 1, NULL, 4); /* node 4 is known off */
	pump(s);
	gen_before = ledger_node_get(replica_ledger(s->n[0].r), 3)
			     ? ledger_node_get(replica_ledger(s->n[0].r), 3)->lost_gen
			     : 0;
	for (int i = 0; i < 3; i++) {
		s->n[i].up = false;
		replica_free(s->n[i].r);
		s->n[i].r = NULL;
	}
	/* nodes 1 and 2 come back; node 3 does not */
	for (int i = 0; i < 2; i++) {
		start_restored(s, i);
		replica_set_nodelist(s->n[i].r, config, 4);
	}
	confchg(s, 0, NULL, 0, 2);
	pump(s);
	assert_agree(s, here);
	assert_int_equal(entry(s, 1, "a")->state, LEDGER_RUNNING);
	assert_int_equal(entry(s, 1, "c")->state, LEDGER_ORPHANED);
	assert_int_equal(entry(s, 1, "c")->owner, 3);
	assert_int_equal(entry(s, 1, "c")->owner_dead, 0);
	n3 = ledger_node_get(replica_ledger(s->n[1].r), 3);
	n4 = ledger_node_get(replica_ledger(s->n[1].r), 4);
	assert_true(n3->unseen && !n3->member && !n3->dead);
	assert_true(n3->lost_gen > gen_before);
	assert_true(n4->unseen && !n4->dead); /* its old fence fact is not about now */
	assert_non_null(strstr(s->n[0].events, "warm start: node 3 was a member"));
	/* free domains wait for the absentees; c waits for node 3's fencing */
	submit(s, 0, WIRE_CLAIM, 2, "free", 0);
	submit(s, 0, WIRE_CLAIM, 3, "c", 0);
	pump(s);
	assert_int_equal(s->n[0].status[2], FERRY_E_NOTFENCED);
	assert_int_equal(s->n[0].status[3], FERRY_E_NOTFENCED);
	/* an old fencing answers an old loss: stale */
	{
		struct wbuf b = { 0 };

		wire_encode_node_req(&b, WIRE_FENCED, 0, s->ring, 4, 3, gen_before, 0);
		sim_send(&s->n[0], b.p, b.len);
		wbuf_free(&b);
		pump(s);
		assert_int_equal(s->n[0].status[4], FERRY_E_STALE);
	}
	submit(s, 0, WIRE_FENCED, 5, NULL, 3);
	submit(s, 0, WIRE_CONFIRM_DEAD, 6, NULL, 4);
	pump(s);
	submit(s, 0, WIRE_CLAIM, 7, "c", 0);
	submit(s, 0, WIRE_CLAIM, 8, "free", 0);
	pump(s);
	assert_int_equal(s->n[0].status[7], FERRY_OK);
	assert_int_equal(s->n[0].status[8], FERRY_OK);
	assert_agree(s, here);
	sim_free(s);
}

/* Two restored ledgers: the one with more history is the source. */
static void restored_higher_version_wins(void **state)
{
	struct sim *s = sim_new(2);
	const int all[] = { 0, 1, -1 };
	struct replica_info info;

	(void)state;
	boot_all(s);
	submit(s, 1, WIRE_CLAIM, 1, "x", 0);
	pump(s);
	/* node 1 stops first; node 2 goes on and releases x (no quorum needed) */
	kill_node(s, 0);
	pump(s);
	submit(s, 1, WIRE_RELEASE, 2, "x", 0);
	pump(s);
	assert_int_equal(s->n[1].status[2], FERRY_OK);
	kill_node(s, 1);
	start_restored(s, 0);
	start_restored(s, 1);
	confchg(s, 0, NULL, 0, 2);
	pump(s);
	assert_agree(s, all);
	replica_info_get(s->n[0].r, &info);
	assert_int_equal(info.sync_source, 2);
	assert_int_equal(info.start, REPLICA_START_WARM);
	assert_int_equal(entry(s, 0, "x")->state, LEDGER_FREE);
	assert_int_equal(entry(s, 0, "x")->epoch, 2);
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
		cmocka_unit_test(member_refused_after_taking_part),
		cmocka_unit_test(silent_member_forced),
		cmocka_unit_test(garbage_is_dropped),
		cmocka_unit_test(leave_during_transfer_restarts_round),
		cmocka_unit_test(joiner_with_silent_refused_member),
		cmocka_unit_test(joiner_with_speaking_refused_member),
		cmocka_unit_test(version_agreed_and_carried),
		cmocka_unit_test(all_restart_warm_start),
		cmocka_unit_test(restart_prefers_live_ledger),
		cmocka_unit_test(warm_start_with_absent_node),
		cmocka_unit_test(restored_higher_version_wins),
	};

	return cmocka_run_group_tests_name("replica", tests, NULL, NULL);
}
