/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

struct hent {
	struct ledger_entry e;
	struct hent *next;
};

struct ledger {
	struct hent **buckets;
	size_t nbuckets; /* power of two */
	size_t count;
	struct ledger_node *nodes; /* ascending nodeid */
	size_t nnodes;
	size_t nodes_cap;
	const struct ledger_entry **sorted; /* cache, NULL when stale */
};

bool ledger_name_valid(const char *name)
{
	return name_check(NAME_DOMAIN, name, NULL, 0) == 0;
}

const char *ledger_state_name(int state)
{
	static const char *const names[LEDGER_STATE_MAX] = {
		[LEDGER_FREE] = "FREE",
		[LEDGER_RUNNING] = "RUNNING",
		[LEDGER_MIGRATING] = "MIGRATING",
		[LEDGER_ORPHANED] = "ORPHANED",
		[LEDGER_CONFLICT] = "CONFLICT",
	};

	if (state < 0 || state >= LEDGER_STATE_MAX)
		return "UNKNOWN";
	return names[state];
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
	return h;
}

#define FNV_INIT 14695981039346656037ull

static size_t bucket_of(const struct ledger *l, const char *name)
{
	return (size_t)fnv(FNV_INIT, name, strlen(name)) & (l->nbuckets - 1);
}

struct ledger *ledger_new(void)
{
	struct ledger *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->nbuckets = 64;
	l->buckets = calloc(l->nbuckets, sizeof(*l->buckets));
	if (!l->buckets) {
		free(l);
		return NULL;
	}
	return l;
}

void ledger_clear(struct ledger *l)
{
	for (size_t i = 0; i < l->nbuckets; i++) {
		struct hent *h = l->buckets[i];

		while (h) {
			struct hent *next = h->next;

			free(h);
			h = next;
		}
		l->buckets[i] = NULL;
	}
	l->count = 0;
	l->nnodes = 0;
	free(l->sorted);
	l->sorted = NULL;
}

void ledger_free(struct ledger *l)
{
	if (!l)
		return;
	ledger_clear(l);
	free(l->buckets);
	free(l->nodes);
	free(l);
}

void ledger_swap(struct ledger *a, struct ledger *b)
{
	struct ledger t = *a;

	*a = *b;
	*b = t;
}

static struct hent *lookup(const struct ledger *l, const char *name)
{
	for (struct hent *h = l->buckets[bucket_of(l, name)]; h; h = h->next)
		if (strcmp(h->e.name, name) == 0)
			return h;
	return NULL;
}

const struct ledger_entry *ledger_find(const struct ledger *l, const char *name)
{
	struct hent *h;

	if (!name)
		return NULL;
	h = lookup(l, name);
	return h ? &h->e : NULL;
}

size_t ledger_count(const struct ledger *l)
{
	return l->count;
}

static void grow(struct ledger *l)
{
	size_t n = l->nbuckets * 2;
	struct hent **b = calloc(n, sizeof(*b));

	if (!b)
		return; /* keep the longer chains; still correct */
	for (size_t i = 0; i < l->nbuckets; i++) {
		struct hent *h = l->buckets[i];

		while (h) {
			struct hent *next = h->next;
			size_t j = (size_t)fnv(FNV_INIT, h->e.name, strlen(h->e.name)) & (n - 1);

			h->next = b[j];
			b[j] = h;
			h = next;
		}
	}
	free(l->buckets);
	l->buckets = b;
	l->nbuckets = n;
}

/* Find or create the record for a name; a new record is FREE at epoch 0. */
static struct ledger_entry *obtain(struct ledger *l, const char *name)
{
	struct hent *h = lookup(l, name);
	size_t i;

	if (h)
		return &h->e;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	strcpy(h->e.name, name);
	if (l->count >= l->nbuckets)
		grow(l);
	i = bucket_of(l, name);
	h->next = l->buckets[i];
	l->buckets[i] = h;
	l->count++;
	free(l->sorted);
	l->sorted = NULL;
	return &h->e;
}

bool ledger_entry_valid(const struct ledger_entry *e)
{
	bool owned = e->owner != 0, two = e->peer != 0 && e->peer != e->owner;

	if (!ledger_name_valid(e->name) || e->owner_dead > 1)
		return false;
	switch (e->state) {
	case LEDGER_FREE:
		return !owned && e->peer == 0 && !e->owner_dead;
	case LEDGER_RUNNING:
		return owned && e->peer == 0 && !e->owner_dead;
	case LEDGER_ORPHANED:
		return owned && e->peer == 0;
	case LEDGER_MIGRATING:
	case LEDGER_CONFLICT:
		return owned && two && !e->owner_dead;
	default:
		return false;
	}
}

int ledger_put(struct ledger *l, const struct ledger_entry *e)
{
	struct ledger_entry *d;

	if (!ledger_entry_valid(e))
		return -EINVAL;
	d = obtain(l, e->name);
	if (!d)
		return -ENOMEM;
	*d = *e;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ledger_entry *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int ledger_sorted(struct ledger *l, const struct ledger_entry *const **out, size_t *n)
{
	if (!l->sorted && l->count) {
		size_t k = 0;

		l->sorted = malloc(l->count * sizeof(*l->sorted));
		if (!l->sorted)
			return -ENOMEM;
		for (size_t i = 0; i < l->nbuckets; i++)
			for (struct hent *h = l->buckets[i]; h; h = h->next)
				l->sorted[k++] = &h->e;
		qsort(l->sorted, k, sizeof(*l->sorted), cmp_entry);
	}
	*out = l->sorted;
	*n = l->count;
	return 0;
}

int ledger_foreach(const struct ledger *l, int (*fn)(const struct ledger_entry *e, void *ctx),
		   void *ctx)
{
	for (size_t i = 0; i < l->nbuckets; i++)
		for (const struct hent *h = l->buckets[i]; h; h = h->next) {
			int rc = fn(&h->e, ctx);

			if (rc)
				return rc;
		}
	return 0;
}

/* ---- nodes ---- */

static struct ledger_node *node_find(const struct ledger *l, uint32_t nodeid)
{
	for (size_t i = 0; i < l->nnodes; i++)
		if (l->nodes[i].nodeid == nodeid)
			return &l->nodes[i];
	return NULL;
}

static struct ledger_node *node_obtain(struct ledger *l, uint32_t nodeid)
{
	struct ledger_node *n = node_find(l, nodeid);
	size_t i;

	if (n)
		return n;
	if (l->nnodes == l->nodes_cap) {
		size_t cap = l->nodes_cap ? l->nodes_cap * 2 : 16;
		struct ledger_node *p = realloc(l->nodes, cap * sizeof(*p));

		if (!p)
			return NULL;
		l->nodes = p;
		l->nodes_cap = cap;
	}
	for (i = l->nnodes; i > 0 && l->nodes[i - 1].nodeid > nodeid; i--)
		l->nodes[i] = l->nodes[i - 1];
	memset(&l->nodes[i], 0, sizeof(l->nodes[i]));
	l->nodes[i].nodeid = nodeid;
	l->nnodes++;
	return &l->nodes[i];
}

const struct ledger_node *ledger_node_get(const struct ledger *l, uint32_t nodeid)
{
	return node_find(l, nodeid);
}

const struct ledger_node *ledger_nodes(const struct ledger *l, size_t *n)
{
	*n = l->nnodes;
	return l->nodes;
}

int ledger_node_put(struct ledger *l, const struct ledger_node *src)
{
	struct ledger_node *n = node_obtain(l, src->nodeid);

	if (!n)
		return -ENOMEM;
	*n = *src;
	return 0;
}

int ledger_node_join(struct ledger *l, uint32_t nodeid)
{
	struct ledger_node *n = node_obtain(l, nodeid);

	if (!n)
		return -ENOMEM;
	n->member = 1;
	n->dead = 0;
	n->unseen = 0;
	return 0;
}

int ledger_node_unseen(struct ledger *l, uint32_t nodeid, uint64_t now_ms)
{
	struct ledger_node *n = node_obtain(l, nodeid);

	if (!n)
		return -ENOMEM;
	if (n->member)
		return 0;
	n->unseen = 1;
	n->dead = 0;
	n->lost_gen++; /* a fencing must answer this, not an older loss */
	n->lost_at_ms = now_ms;
	return 0;
}

uint32_t ledger_unseen_blocker(const struct ledger *l)
{
	for (size_t i = 0; i < l->nnodes; i++)
		if (l->nodes[i].unseen && !l->nodes[i].member && !l->nodes[i].dead)
			return l->nodes[i].nodeid;
	return 0;
}

static void set_owner(struct ledger_entry *e, enum ledger_state st, uint32_t owner)
{
	if (owner != e->owner)
		e->epoch++;
	e->state = (uint8_t)st;
	e->owner = owner;
	e->peer = 0;
	e->since_ms = 0;
	e->owner_dead = 0;
}

static void orphan(struct ledger_entry *e, uint32_t owner, uint64_t now_ms)
{
	e->state = LEDGER_ORPHANED;
	e->owner = owner; /* the lost node keeps the record: no owner change */
	e->peer = 0;
	e->since_ms = now_ms;
	e->owner_dead = 0;
}

/*
 * A CONFLICT ends with one side, `winner`, keeping the domain. A member
 * keeps running it. A winner that is not a member may still run it (or
 * not): the domain becomes ORPHANED(winner) with the winner's loss time and
 * dead flag, so it is claimable once that node is fenced or confirmed dead,
 * and comes back to it if it reports it. Never RUNNING on a lost node.
 */
static void conflict_resolve(struct ledger *l, struct ledger_entry *e, uint32_t winner)
{
	const struct ledger_node *n = node_find(l, winner);

	if (n && n->member) {
		set_owner(e, LEDGER_RUNNING, winner);
		return;
	}
	set_owner(e, LEDGER_ORPHANED, winner);
	e->since_ms = n ? n->lost_at_ms : 0;
	e->owner_dead = n && n->dead ? 1 : 0;
}

int ledger_node_lost(struct ledger *l, uint32_t nodeid, uint64_t now_ms)
{
	struct ledger_node *n = node_obtain(l, nodeid);
	int changed = 0;

	if (!n)
		return -ENOMEM;
	n->member = 0;
	n->dead = 0;
	n->unseen = 0;
	n->lost_gen++;
	n->lost_at_ms = now_ms;
	for (size_t i = 0; i < l->nbuckets; i++) {
		for (struct hent *h = l->buckets[i]; h; h = h->next) {
			struct ledger_entry *e = &h->e;

			if (e->state == LEDGER_RUNNING && e->owner == nodeid) {
				orphan(e, nodeid, now_ms);
				changed++;
			} else if (e->state == LEDGER_MIGRATING && e->owner == nodeid) {
				/* lost source: the target's copy is incomplete */
				orphan(e, nodeid, now_ms);
				changed++;
			} else if (e->state == LEDGER_MIGRATING && e->peer == nodeid) {
				set_owner(e, LEDGER_RUNNING, e->owner); /* lost target: abort */
				changed++;
			}
		}
	}
	return changed;
}

/* Node n is known to be off: its orphans may be taken, its conflicts end. */
static int mark_dead(struct ledger *l, uint32_t nodeid)
{
	struct ledger_node *n = node_obtain(l, nodeid);
	int changed = 0;

	if (!n)
		return -ENOMEM;
	n->dead = 1;
	n->unseen = 0;
	for (size_t i = 0; i < l->nbuckets; i++) {
		for (struct hent *h = l->buckets[i]; h; h = h->next) {
			struct ledger_entry *e = &h->e;

			if (e->state == LEDGER_ORPHANED && e->owner == nodeid && !e->owner_dead) {
				e->owner_dead = 1;
				changed++;
			} else if (e->state == LEDGER_CONFLICT && e->owner == nodeid) {
				conflict_resolve(l, e, e->peer);
				changed++;
			} else if (e->state == LEDGER_CONFLICT && e->peer == nodeid) {
				conflict_resolve(l, e, e->owner);
				changed++;
			}
		}
	}
	return changed;
}

/* ---- requests ---- */

static bool entry_equal(const struct ledger_entry *a, const struct ledger_entry *b)
{
	return a->state == b->state && a->owner_dead == b->owner_dead && a->owner == b->owner &&
	       a->peer == b->peer && a->epoch == b->epoch && a->since_ms == b->since_ms &&
	       strcmp(a->name, b->name) == 0;
}

static enum ferry_status claim(const struct ledger *l, struct ledger_entry *e,
			       const struct ledger_req *q)
{
	if (!q->quorate)
		return FERRY_E_NOQUORUM;
	switch (e->state) {
	case LEDGER_FREE:
		if (ledger_unseen_blocker(l))
			return FERRY_E_NOTFENCED; /* an unseen node may run it */
		set_owner(e, LEDGER_RUNNING, q->sender);
		return FERRY_OK;
	case LEDGER_RUNNING:
		return e->owner == q->sender ? FERRY_OK : FERRY_E_OWNED;
	case LEDGER_MIGRATING:
		return FERRY_E_BUSY;
	case LEDGER_ORPHANED:
		if (e->owner != q->sender && !e->owner_dead)
			return FERRY_E_NOTFENCED;
		set_owner(e, LEDGER_RUNNING, q->sender);
		return FERRY_OK;
	default:
		return FERRY_E_CONFLICT;
	}
}

static enum ferry_status release(struct ledger *l, struct ledger_entry *e,
				 const struct ledger_req *q)
{
	switch (e->state) {
	case LEDGER_FREE:
		return FERRY_OK;
	case LEDGER_RUNNING:
	case LEDGER_ORPHANED:
		if (e->owner != q->sender)
			return FERRY_E_NOTOWNER;
		set_owner(e, LEDGER_FREE, 0);
		return FERRY_OK;
	case LEDGER_MIGRATING:
		return FERRY_E_BUSY;
	default: /* CONFLICT: the releasing side stopped its copy */
		if (e->owner == q->sender)
			conflict_resolve(l, e, e->peer);
		else if (e->peer == q->sender)
			conflict_resolve(l, e, e->owner);
		else
			return FERRY_E_NOTOWNER;
		return FERRY_OK;
	}
}

static bool is_member(const struct ledger *l, uint32_t nodeid)
{
	const struct ledger_node *n = node_find(l, nodeid);

	return n && n->member;
}

static enum ferry_status migrate_begin(struct ledger *l, struct ledger_entry *e,
				       const struct ledger_req *q)
{
	if (!q->quorate)
		return FERRY_E_NOQUORUM;
	if (e->state == LEDGER_MIGRATING)
		return e->owner == q->sender && e->peer == q->node ? FERRY_OK : FERRY_E_BUSY;
	if (e->state == LEDGER_CONFLICT)
		return FERRY_E_CONFLICT;
	if (e->state != LEDGER_RUNNING)
		return FERRY_E_STATE;
	if (e->owner != q->sender)
		return FERRY_E_NOTOWNER;
	if (q->node == 0 || q->node == q->sender)
		return FERRY_E_INVAL;
	if (!is_member(l, q->node))
		return FERRY_E_NOTMEMBER;
	e->state = LEDGER_MIGRATING;
	e->peer = q->node;
	return FERRY_OK;
}

static enum ferry_status migrate_end(struct ledger_entry *e, const struct ledger_req *q)
{
	bool commit = q->op == LEDGER_OP_MIGRATE_COMMIT;

	if (commit && !q->quorate)
		return FERRY_E_NOQUORUM;
	if (e->state != LEDGER_MIGRATING)
		return FERRY_E_STATE;
	if (q->sender != e->owner && q->sender != e->peer)
		return FERRY_E_NOTOWNER;
	if (q->epoch && q->epoch != e->epoch)
		return FERRY_E_STALE;
	set_owner(e, LEDGER_RUNNING, commit ? e->peer : e->owner);
	return FERRY_OK;
}

static enum ferry_status report(struct ledger_entry *e, const struct ledger_req *q)
{
	switch (e->state) {
	case LEDGER_FREE:
		set_owner(e, LEDGER_RUNNING, q->sender); /* adopted */
		return FERRY_OK;
	case LEDGER_RUNNING:
		if (e->owner == q->sender)
			return FERRY_OK;
		break;
	case LEDGER_MIGRATING:
		if (e->owner == q->sender || e->peer == q->sender)
			return FERRY_OK;
		break;
	case LEDGER_ORPHANED:
		/* the old owner still runs it, or its fenced owner's copy is gone */
		if (e->owner == q->sender || e->owner_dead) {
			set_owner(e, LEDGER_RUNNING, q->sender);
			return FERRY_OK;
		}
		break;
	default:
		return FERRY_E_CONFLICT; /* a third copy keeps the first two named */
	}
	e->state = LEDGER_CONFLICT;
	e->peer = q->sender;
	e->since_ms = 0;
	e->owner_dead = 0;
	return FERRY_E_CONFLICT;
}

static enum ferry_status node_dead(struct ledger *l, const struct ledger_req *q, bool *changed)
{
	const struct ledger_node *n = node_find(l, q->node);
	int rc;

	if (n && n->member)
		return FERRY_E_ALIVE;
	/* FENCED answers one particular loss; a later loss needs new proof */
	if (q->op == LEDGER_OP_FENCED && (!n || n->lost_gen != q->lost_gen))
		return FERRY_E_STALE;
	if (n && n->dead)
		return FERRY_OK;
	rc = mark_dead(l, q->node);
	if (rc < 0)
		return FERRY_E_INTERNAL;
	*changed = true;
	return FERRY_OK;
}

int ledger_apply(struct ledger *l, const struct ledger_req *q, struct ledger_result *res)
{
	struct ledger_entry *e, before;

	memset(res, 0, sizeof(*res));
	if (q->sender == 0)
		return -EINVAL; /* CPG nodeids are never 0; records need an owner */
	if (q->op == LEDGER_OP_CONFIRM_DEAD || q->op == LEDGER_OP_FENCED) {
		if (q->node == 0)
			return -EINVAL;
		res->status = node_dead(l, q, &res->changed);
		return 0;
	}
	if (q->op < LEDGER_OP_CLAIM || q->op > LEDGER_OP_REPORT)
		return -EINVAL;
	if (!ledger_name_valid(q->name))
		return -EINVAL;

	/* Refusals must not create records: look first, create only to change. */
	e = (struct ledger_entry *)ledger_find(l, q->name);
	if (!e) {
		struct ledger_entry tmp = { 0 };

		strcpy(tmp.name, q->name);
		e = &tmp;
		before = tmp;
		switch (q->op) {
		case LEDGER_OP_CLAIM:
			res->status = claim(l, e, q);
			break;
		case LEDGER_OP_REPORT:
			res->status = report(e, q);
			break;
		case LEDGER_OP_RELEASE:
			res->status = release(l, e, q);
			break;
		default:
			res->status = FERRY_E_STATE;
			break;
		}
		res->entry = tmp;
		if (res->status == FERRY_E_NOTFENCED)
			res->entry.peer = ledger_unseen_blocker(l); /* name it */
		if (!entry_equal(&before, &tmp)) {
			if (ledger_put(l, &tmp) < 0)
				return -ENOMEM;
			res->changed = true;
		}
		return 0;
	}

	before = *e;
	switch (q->op) {
	case LEDGER_OP_CLAIM:
		res->status = claim(l, e, q);
		break;
	case LEDGER_OP_RELEASE:
		res->status = release(l, e, q);
		break;
	case LEDGER_OP_MIGRATE_BEGIN:
		res->status = migrate_begin(l, e, q);
		break;
	case LEDGER_OP_MIGRATE_COMMIT:
	case LEDGER_OP_MIGRATE_ABORT:
		res->status = migrate_end(e, q);
		break;
	default:
		res->status = report(e, q);
		break;
	}
	res->entry = *e;
	res->changed = !entry_equal(&before, e);
	if (res->status == FERRY_E_NOTFENCED && e->state == LEDGER_FREE)
		res->entry.peer = ledger_unseen_blocker(l); /* name it */
	return 0;
}

uint64_t ledger_digest(const struct ledger *l)
{
	uint64_t sum = 0;

	/* Sum of per-record hashes: independent of insertion order. Times are
	 * each node's own observation and are left out. */
	for (size_t i = 0; i < l->nbuckets; i++) {
		for (struct hent *h = l->buckets[i]; h; h = h->next) {
			const struct ledger_entry *e = &h->e;
			uint64_t x = fnv(FNV_INIT, e->name, strlen(e->name));

			x = fnv(x, &e->state, sizeof(e->state));
			x = fnv(x, &e->owner_dead, sizeof(e->owner_dead));
			x = fnv(x, &e->owner, sizeof(e->owner));
			x = fnv(x, &e->peer, sizeof(e->peer));
			x = fnv(x, &e->epoch, sizeof(e->epoch));
			sum += x;
		}
	}
	for (size_t i = 0; i < l->nnodes; i++) {
		const struct ledger_node *n = &l->nodes[i];
		uint64_t x = fnv(FNV_INIT ^ 0x5a, &n->nodeid, sizeof(n->nodeid));

		x = fnv(x, &n->dead, sizeof(n->dead));
		x = fnv(x, &n->unseen, sizeof(n->unseen));
		x = fnv(x, &n->lost_gen, sizeof(n->lost_gen));
		sum += x;
	}
	return sum;
}
