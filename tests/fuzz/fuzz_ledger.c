/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ledger's state machine under arbitrary sequences of requests and
 * membership changes (four nodes, eight domain names, plus names taken
 * from the input). After every step:
 *   - every record is one the state machine may make (ledger_entry_valid),
 *     names are unique, no record disappears, no epoch goes back;
 *   - RUNNING and MIGRATING domains run on members only (never on a lost
 *     node: the CONFLICT rule);
 *   - a granted CLAIM was allowed (free and nobody unseen, own, or an
 *     orphan whose owner is dead) and made the sender the owner;
 *   - a second ledger fed the same steps has the same digest (determinism).
 * Requests come only from members, as CPG delivers them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NODES 4
#define NAMES 8

struct in {
	const uint8_t *p;
	size_t left;
};

static uint8_t byte(struct in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

struct seen {
	char name[LEDGER_NAME_MAX + 1];
	uint64_t epoch;
};

static struct seen seen[256];
static size_t nseen;

static void check(struct ledger *l, const struct ledger *twin)
{
	const struct ledger_entry *const *v;
	size_t n;

	if (ledger_sorted(l, &v, &n) < 0)
		abort();
	if (n != ledger_count(l) || n < nseen)
		abort(); /* a record disappeared */
	for (size_t i = 0; i < n; i++) {
		const struct ledger_entry *e = v[i];
		const struct ledger_node *o = ledger_node_get(l, e->owner);

		if (!ledger_entry_valid(e) || (i && strcmp(v[i - 1]->name, e->name) >= 0))
			abort();
		if ((e->state == LEDGER_RUNNING || e->state == LEDGER_MIGRATING) &&
		    (!o || !o->member))
			abort(); /* running on a node that is not there */
		if (e->state == LEDGER_MIGRATING &&
		    (!ledger_node_get(l, e->peer) || !ledger_node_get(l, e->peer)->member))
			abort();
	}
	for (size_t k = 0; k < nseen; k++) {
		const struct ledger_entry *e = ledger_find(l, seen[k].name);

		if (!e || e->epoch < seen[k].epoch)
			abort(); /* epochs never go back */
		seen[k].epoch = e->epoch;
	}
	for (size_t i = 0; i < n && nseen < sizeof(seen) / sizeof(seen[0]); i++) {
		bool known = false;

		for (size_t k = 0; k < nseen && !known; k++)
			known = strcmp(seen[k].name, v[i]->name) == 0;
		if (!known) {
			strcpy(seen[nseen].name, v[i]->name);
			seen[nseen++].epoch = v[i]->epoch;
		}
	}
	if (ledger_digest(l) != ledger_digest(twin))
		abort();
}

/* Was a granted CLAIM allowed by the record before it? */
static void check_claim(const struct ledger *l, const struct ledger_entry *before, bool existed,
			uint32_t sender, const struct ledger_result *res, uint32_t blocker)
{
	const struct ledger_entry *e = &res->entry;

	if (res->status != FERRY_OK)
		return;
	if (e->state != LEDGER_RUNNING || e->owner != sender)
		abort();
	if (!existed || before->state == LEDGER_FREE) {
		if (blocker)
			abort(); /* an unseen node may run it */
		return;
	}
	if (before->state == LEDGER_RUNNING && before->owner != sender)
		abort();
	if (before->state == LEDGER_MIGRATING || before->state == LEDGER_CONFLICT)
		abort();
	if (before->state == LEDGER_ORPHANED && before->owner != sender && !before->owner_dead)
		abort();
	(void)l;
}

static const char *const names[NAMES] = { "a", "b", "c", "d", "vm-1", "vm-2", "x.y", "z" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ledger *l = ledger_new(), *twin = ledger_new();
	struct in in = { data, size };
	char custom[LEDGER_NAME_MAX + 2]; /* up to one byte too long */
	uint64_t now = 1000;

	if (!l || !twin)
		abort();
	nseen = 0;
	for (uint32_t n = 1; n <= 2; n++) {
		ledger_node_join(l, n);
		ledger_node_join(twin, n);
	}
	while (in.left) {
		uint8_t op = byte(&in) % 12;
		uint32_t who = 1 + byte(&in) % NODES;
		const struct ledger_node *wn = ledger_node_get(l, who);
		struct ledger_req q = { 0 };
		struct ledger_result r1, r2;
		struct ledger_entry before = { 0 };
		const struct ledger_entry *b;
		uint32_t blocker;
		uint8_t sel;
		int rc1, rc2;

		now += byte(&in);
		switch (op) {
		case 8:
			ledger_node_join(l, who);
			ledger_node_join(twin, who);
			check(l, twin);
			continue;
		case 9:
			if (!wn || !wn->member)
				continue; /* only members leave */
			ledger_node_lost(l, who, now);
			ledger_node_lost(twin, who, now + 7); /* times are each node's own */
			check(l, twin);
			continue;
		case 10:
			ledger_node_unseen(l, who, now);
			ledger_node_unseen(twin, who, now);
			check(l, twin);
			continue;
		default:
			break;
		}
		if (!wn || !wn->member)
			continue; /* CPG delivers from members only */
		q.sender = who;
		q.quorate = byte(&in) & 1;
		q.now_ms = now;
		sel = byte(&in);
		if (sel < 240) {
			q.name = names[sel % NAMES];
		} else {
			size_t k = byte(&in) % (LEDGER_NAME_MAX + 2);

			for (size_t i = 0; i < k; i++)
				custom[i] = (char)byte(&in);
			custom[k] = '\0';
			q.name = custom;
		}
		q.node = byte(&in) % (NODES + 1);
		q.epoch = byte(&in) % 4;
		switch (op) {
		case 6:
			q.op = LEDGER_OP_CONFIRM_DEAD;
			break;
		case 7: {
			const struct ledger_node *t = ledger_node_get(l, q.node);

			q.op = LEDGER_OP_FENCED;
			q.lost_gen = (byte(&in) & 1) && t ? t->lost_gen : byte(&in) % 4;
			break;
		}
		case 11:
			q.op = LEDGER_OP_REPORT;
			break;
		default:
			q.op = (enum ledger_op)(LEDGER_OP_CLAIM + op % 5);
			break;
		}
		b = q.name ? ledger_find(l, q.name) : NULL;
		if (b)
			before = *b;
		blocker = ledger_unseen_blocker(l);
		rc1 = ledger_apply(l, &q, &r1);
		q.now_ms += 3;
		rc2 = ledger_apply(twin, &q, &r2);
		if (rc1 != rc2 || (rc1 == 0 && r1.status != r2.status))
			abort();
		if (rc1 == 0 && q.op == LEDGER_OP_CLAIM)
			check_claim(l, &before, b != NULL, who, &r1, blocker);
		check(l, twin);
	}
	ledger_free(l);
	ledger_free(twin);
	return 0;
}
