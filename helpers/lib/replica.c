/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ledger_state.h"
#include "replica.h"

enum phase {
	PH_IDLE,    /* not yet in the group, or refused by it */
	PH_SYNCING, /* a round is running */
	PH_SYNCED,
};

struct offer {
	struct replica_member m;
	uint8_t has_state;
	uint8_t restored;
	uint64_t authority;
	uint64_t version;
	uint32_t *nodes; /* its configured nodeids */
	size_t nnodes;
};

struct replica {
	uint32_t nodeid;
	uint32_t pid;
	const struct replica_ops *ops;
	void *ctx;

	struct ledger *l;
	struct ledger *stage; /* incoming state transfer */

	struct replica_member *cpg; /* the whole CPG membership, sorted */
	size_t ncpg;
	struct replica_member *members; /* accepted: cpg less refused, sorted */
	size_t nmembers;
	struct replica_member *refused; /* other protocol majors */
	size_t nrefused;
	bool refused_self;
	uint32_t *config; /* configured nodeids */
	size_t nconfig;

	bool have_ring;
	uint64_t cpg_ring;
	bool have_quorum;
	bool quorate;
	uint64_t q_ring;
	uint64_t authority;
	bool has_state;
	bool restored;          /* r->l is ledger.state's, untouched until a round ends */
	bool restored_at_start; /* for status displays */
	uint64_t version;
	enum replica_start start;
	enum replica_start origin;

	enum phase phase;
	uint64_t round;
	struct offer *offers;
	size_t noffers;
	bool chosen;
	struct replica_member source;
	uint32_t next_chunk;
	uint64_t round_start_ms;
	uint64_t first_start_ms;
	uint64_t last_sync_ms;
	uint64_t first_sync_ms;
	bool ever_synced;
	uint32_t sync_source;

	struct wbuf wb;
};

static void note(struct replica *r, int pri, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct replica *r, int pri, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!r->ops->event)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->ops->event(r->ctx, pri, buf);
}

struct replica *replica_new(uint32_t nodeid, uint32_t pid, const struct replica_ops *ops,
			    void *ctx)
{
	struct replica *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->nodeid = nodeid;
	r->pid = pid;
	r->ops = ops;
	r->ctx = ctx;
	r->l = ledger_new();
	r->stage = ledger_new();
	if (!r->l || !r->stage) {
		replica_free(r);
		return NULL;
	}
	return r;
}

int replica_restore(struct replica *r, struct ledger *l, uint64_t version, uint64_t authority)
{
	if (r->phase != PH_IDLE || r->has_state || r->ncpg) {
		ledger_free(l);
		return -EBUSY;
	}
	ledger_free(r->l);
	r->l = l;
	r->version = version;
	r->authority = authority;
	r->has_state = true;
	r->restored = true;
	r->restored_at_start = true;
	note(r, LOG_NOTICE,
	     "restored the ledger from ledger.state: %zu domain(s), version %llu, authority ring "
	     "%llu; offered as restored until the first sync",
	     ledger_count(l), (unsigned long long)version, (unsigned long long)authority);
	return 0;
}

static void offers_clear(struct replica *r)
{
	for (size_t i = 0; i < r->noffers; i++)
		free(r->offers[i].nodes);
	r->noffers = 0;
}

void replica_free(struct replica *r)
{
	if (!r)
		return;
	offers_clear(r);
	free(r->config);
	ledger_free(r->l);
	ledger_free(r->stage);
	free(r->cpg);
	free(r->members);
	free(r->refused);
	free(r->offers);
	wbuf_free(&r->wb);
	free(r);
}

int replica_set_nodelist(struct replica *r, const uint32_t *nodes, size_t n)
{
	uint32_t *v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = nodes[i];
	free(r->config);
	r->config = v;
	r->nconfig = n;
	return 0;
}

static int cmp_member(const void *a, const void *b)
{
	const struct replica_member *x = a, *y = b;

	if (x->nodeid != y->nodeid)
		return x->nodeid < y->nodeid ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return 0;
}

static bool in_list(const struct replica_member *v, size_t n, uint32_t nodeid, uint32_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].nodeid == nodeid && v[i].pid == pid)
			return true;
	return false;
}

static bool node_in_list(const struct replica_member *v, size_t n, uint32_t nodeid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].nodeid == nodeid)
			return true;
	return false;
}

static bool is_refused(const struct replica *r, uint32_t nodeid, uint32_t pid)
{
	return in_list(r->refused, r->nrefused, nodeid, pid);
}

static bool is_self(const struct replica *r, const struct replica_member *m)
{
	return m->nodeid == r->nodeid && m->pid == r->pid;
}

/* The ledger's state may change only while it is ours to change: live
 * (not a restored snapshot waiting for its round) and not refused. */
static bool live(const struct replica *r)
{
	return r->has_state && !r->restored && !r->refused_self;
}

/* Member flags in the ledger follow the accepted CPG members. */
static void ledger_members_sync(struct replica *r)
{
	const struct ledger_node *nodes;
	size_t n;

	for (size_t i = 0; i < r->nmembers; i++)
		ledger_node_join(r->l, r->members[i].nodeid);
	nodes = ledger_nodes(r->l, &n);
	for (size_t i = 0; i < n; i++) {
		if (nodes[i].member && !node_in_list(r->members, r->nmembers, nodes[i].nodeid)) {
			struct ledger_node copy = nodes[i];

			copy.member = 0; /* refused, never took part: no loss */
			ledger_node_put(r->l, &copy);
		}
	}
}

/* accepted = CPG members less refused ones (both sorted). */
static void members_update(struct replica *r)
{
	size_t k = 0;

	for (size_t i = 0; i < r->ncpg; i++)
		if (!is_refused(r, r->cpg[i].nodeid, r->cpg[i].pid))
			r->members[k++] = r->cpg[i];
	r->nmembers = k;
}

/* The round key: the whole CPG membership, which every member sees alike,
 * whatever it refused locally. */
static uint64_t round_key(const struct replica *r)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < r->ncpg; i++) {
		uint32_t v[2] = { r->cpg[i].nodeid, r->cpg[i].pid };
		const uint8_t *p = (const uint8_t *)v;

		for (size_t k = 0; k < sizeof(v); k++) {
			h ^= p[k];
			h *= 1099511628211ull;
		}
	}
	return h;
}

static int send_buf(struct replica *r)
{
	int rc;

	if (r->wb.err)
		return r->wb.err;
	rc = r->ops->send(r->ctx, r->wb.p, r->wb.len);
	if (rc < 0)
		note(r, LOG_ERR, "cannot queue a message for the group: %s", strerror(-rc));
	return rc;
}

static void changed(struct replica *r)
{
	if (r->phase == PH_SYNCED && r->ops->changed)
		r->ops->changed(r->ctx);
}

static void round_start(struct replica *r, uint64_t now_ms)
{
	struct wire_member *refused;
	struct wire_offer o;

	if (r->refused_self)
		return;
	if (r->phase != PH_SYNCING)
		r->round_start_ms = now_ms;
	if (!r->first_start_ms)
		r->first_start_ms = now_ms ? now_ms : 1;
	r->phase = PH_SYNCING;
	r->round = round_key(r);
	offers_clear(r);
	r->chosen = false;
	r->next_chunk = 0;
	ledger_clear(r->stage);
	note(r, LOG_INFO,
	     "sync round %016llx: %zu member(s) (%zu refused), offering %s (authority ring %llu, "
	     "version %llu)",
	     (unsigned long long)r->round, r->nmembers, r->ncpg - r->nmembers,
	     !r->has_state ? "no state" : r->restored ? "a restored ledger" : "a live ledger",
	     (unsigned long long)r->authority, (unsigned long long)r->version);
	refused = calloc(r->nrefused ? r->nrefused : 1, sizeof(*refused));
	if (!refused) {
		note(r, LOG_CRIT, "out of memory while offering");
		return;
	}
	for (size_t i = 0; i < r->nrefused; i++)
		refused[i] = (struct wire_member){ r->refused[i].nodeid, r->refused[i].pid };
	o = (struct wire_offer){
		.round = r->round,
		.has_state = r->has_state,
		.restored = r->has_state && r->restored,
		.authority = r->authority,
		.version = r->version,
		.nodes = r->config,
		.nnodes = r->nconfig,
		.refused = refused,
		.nrefused = r->nrefused,
	};
	if (wire_encode_offer(&r->wb, &o) == 0)
		send_buf(r);
	free(refused);
}

/* @return true when the authority moved (worth saving) */
static bool authority_advance(struct replica *r)
{
	if (r->phase == PH_SYNCED && r->have_ring && r->have_quorum && r->quorate &&
	    r->q_ring == r->cpg_ring && r->cpg_ring > r->authority) {
		r->authority = r->cpg_ring;
		return true;
	}
	return false;
}

static void update_authority(struct replica *r)
{
	if (authority_advance(r))
		changed(r);
}

/* A ledger's origin on the wire (SYNC_DONE): 1 cold, 2 warm, 0 unknown. */
static uint8_t origin_to_wire(enum replica_start o)
{
	return o == REPLICA_START_COLD ? 1 : o == REPLICA_START_WARM ? 2 : 0;
}

static enum replica_start origin_from_wire(uint8_t o)
{
	return o == 1 ? REPLICA_START_COLD : o == 2 ? REPLICA_START_WARM : REPLICA_START_NONE;
}

static const char *start_name(enum replica_start s)
{
	switch (s) {
	case REPLICA_START_COLD:
		return "cold start (rebuilt from reports)";
	case REPLICA_START_LIVE:
		return "state transferred";
	case REPLICA_START_WARM:
		return "warm start (a ledger restored from ledger.state)";
	default:
		return "?";
	}
}

/* Whatever came in, nothing may run on a node that takes no part: a node
 * that owns RUNNING or MIGRATING records and is not here is lost now. A
 * live source never sends such records; a damaged ledger.state could. */
static void drop_absent_owners(struct replica *r, uint64_t now_ms)
{
	const struct ledger_entry *const *v;
	size_t n;

	if (ledger_sorted(r->l, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		uint32_t who[2] = { 0, 0 };

		if (v[i]->state == LEDGER_RUNNING || v[i]->state == LEDGER_MIGRATING)
			who[0] = v[i]->owner;
		if (v[i]->state == LEDGER_MIGRATING)
			who[1] = v[i]->peer;
		for (int k = 0; k < 2; k++) {
			if (!who[k] || node_in_list(r->members, r->nmembers, who[k]))
				continue;
			note(r, LOG_WARNING, "node %u owns %s but takes no part: lost now", who[k],
			     v[i]->name);
			ledger_node_lost(r->l, who[k], now_ms);
			if (ledger_sorted(r->l, &v, &n) < 0) /* records changed: look again */
				return;
			i = (size_t)-1;
			break;
		}
	}
}

static void finish_sync(struct replica *r, enum replica_start how, uint64_t now_ms)
{
	drop_absent_owners(r, now_ms);
	r->phase = PH_SYNCED;
	r->has_state = true;
	r->restored = false;
	r->chosen = false;
	r->start = how;
	if (how != REPLICA_START_LIVE)
		r->origin = how;
	ledger_members_sync(r);
	r->last_sync_ms = now_ms >= r->round_start_ms ? now_ms - r->round_start_ms : 0;
	if (!r->ever_synced) {
		r->ever_synced = true;
		r->first_sync_ms = now_ms >= r->first_start_ms ? now_ms - r->first_start_ms : 0;
	}
	r->sync_source = how == REPLICA_START_COLD ? 0 : r->source.nodeid;
	note(r, LOG_NOTICE, "ledger in sync: %zu domain(s), version %llu, %s, round took %llu ms",
	     ledger_count(r->l), (unsigned long long)r->version, start_name(how),
	     (unsigned long long)r->last_sync_ms);
	authority_advance(r);
	changed(r);
	if (r->ops->synced)
		r->ops->synced(r->ctx, how == REPLICA_START_COLD);
}

static int send_item(void *ctx, const void *buf, size_t len)
{
	struct replica *r = ctx;
	int rc = r->ops->send(r->ctx, buf, len);

	if (rc < 0)
		note(r, LOG_ERR, "cannot queue a message for the group: %s", strerror(-rc));
	return rc;
}

static void send_snapshot(struct replica *r)
{
	int rc = ledger_state_emit(r->l, &r->wb, r->round, r->version, r->restored,
				   origin_to_wire(r->origin), send_item, r);

	if (rc < 0)
		note(r, LOG_ERR, "cannot send the ledger: %s", strerror(-rc));
	else
		note(r, LOG_INFO, "sending the %s ledger: %zu domain(s) in %d chunk(s)",
		     r->restored ? "restored" : "live", ledger_count(r->l), rc);
}

/* Configured nodes (the union of the offered nodelists, which every member
 * sees alike) that take no part now may run anything: unseen. */
static void mark_unseen(struct replica *r, uint64_t now_ms, const char *when)
{
	for (size_t i = 0; i < r->noffers; i++) {
		for (size_t k = 0; k < r->offers[i].nnodes; k++) {
			uint32_t id = r->offers[i].nodes[k];
			const struct ledger_node *n = ledger_node_get(r->l, id);

			if (node_in_list(r->members, r->nmembers, id) || (n && n->unseen))
				continue;
			ledger_node_unseen(r->l, id, now_ms);
			note(r, LOG_WARNING,
			     "node %u is configured but not here at a %s: no free domain can be "
			     "claimed until it joins, is fenced or is confirmed dead",
			     id, when);
		}
	}
}

/*
 * Warm start: the ledger comes from a ledger.state, and nobody kept a live
 * one, so the nodes absent now may have done anything since the snapshot.
 * A node the snapshot had as member is lost now (its domains orphaned, a
 * new loss generation: only a fencing after now counts); every configured
 * absentee is unseen, as at a cold start. Epochs, the fence facts of the
 * nodes here, CONFLICT records stay.
 */
static void drop_absent_owners(struct replica *r, uint64_t now_ms);

static void warm_start(struct replica *r, uint64_t now_ms)
{
	const struct ledger_node *nodes;
	uint32_t *gone;
	size_t n, k = 0;

	nodes = ledger_nodes(r->l, &n);
	gone = calloc(n ? n : 1, sizeof(*gone));
	if (!gone) {
		note(r, LOG_CRIT, "out of memory in a warm start");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (nodes[i].member && !node_in_list(r->members, r->nmembers, nodes[i].nodeid))
			gone[k++] = nodes[i].nodeid;
	for (size_t i = 0; i < k; i++) {
		int c = ledger_node_lost(r->l, gone[i], now_ms);

		note(r, LOG_WARNING,
		     "warm start: node %u was a member when the ledger was saved and is not here: "
		     "lost now, %d domain(s) changed",
		     gone[i], c);
	}
	free(gone);
	/* member flags as saved must not hide absentees from mark_unseen */
	nodes = ledger_nodes(r->l, &n);
	for (size_t i = 0; i < n; i++) {
		if (nodes[i].member && !node_in_list(r->members, r->nmembers, nodes[i].nodeid)) {
			struct ledger_node copy = nodes[i];

			copy.member = 0;
			ledger_node_put(r->l, &copy);
		}
	}
	drop_absent_owners(r, now_ms); /* before unseen: a loss clears it */
	mark_unseen(r, now_ms, "warm start");
}

/* Is offer a a better source than offer b? */
static bool better(const struct offer *a, const struct offer *b)
{
	if (a->authority != b->authority)
		return a->authority > b->authority; /* a healed partition takes the majority's */
	if (a->restored != b->restored)
		return !a->restored; /* a live ledger saw everything a restored one did */
	if (a->version != b->version)
		return a->version > b->version; /* more history */
	return cmp_member(&a->m, &b->m) < 0;
}

static void choose_source(struct replica *r, uint64_t now_ms)
{
	const struct offer *best = NULL;

	for (size_t i = 0; i < r->noffers; i++) {
		const struct offer *o = &r->offers[i];

		if (o->has_state && (!best || better(o, best)))
			best = o;
	}
	if (!best) {
		note(r, LOG_NOTICE, "no member has a ledger: cold start");
		ledger_clear(r->l);
		r->version = 1; /* a history starts */
		mark_unseen(r, now_ms, "cold start");
		finish_sync(r, REPLICA_START_COLD, now_ms);
		return;
	}
	r->chosen = true;
	r->source = best->m;
	r->next_chunk = 0;
	ledger_clear(r->stage);
	note(r, LOG_INFO, "state transfer from node %u (%s ledger, authority ring %llu, version %llu)",
	     best->m.nodeid, best->restored ? "restored" : "live",
	     (unsigned long long)best->authority, (unsigned long long)best->version);
	if (is_self(r, &best->m))
		send_snapshot(r);
}

static void offers_check(struct replica *r, uint64_t now_ms)
{
	size_t have = 0;

	if (r->phase != PH_SYNCING || r->chosen)
		return;
	for (size_t i = 0; i < r->nmembers; i++)
		for (size_t k = 0; k < r->noffers; k++)
			if (cmp_member(&r->members[i], &r->offers[k].m) == 0) {
				have++;
				break;
			}
	if (have == r->nmembers && have > 0)
		choose_source(r, now_ms);
}

/* Refuse a CPG member (another protocol major), at the same point of the
 * agreed order on every member: it takes no part, its offers are void. */
static void refuse(struct replica *r, const struct replica_member *m, const char *why,
		   uint64_t now_ms)
{
	struct replica_member *v;
	size_t k = 0;

	if (is_refused(r, m->nodeid, m->pid) || !in_list(r->cpg, r->ncpg, m->nodeid, m->pid))
		return;
	v = realloc(r->refused, (r->nrefused + 1) * sizeof(*v));
	if (!v) {
		note(r, LOG_CRIT, "out of memory while refusing node %u", m->nodeid);
		return;
	}
	r->refused = v;
	r->refused[r->nrefused++] = *m;
	note(r, LOG_ERR, "refusing node %u (ferryd pid %u): %s", m->nodeid, m->pid, why);
	for (size_t i = 0; i < r->noffers; i++) {
		if (cmp_member(&r->offers[i].m, m) == 0)
			free(r->offers[i].nodes);
		else
			r->offers[k++] = r->offers[i];
	}
	r->noffers = k;
	members_update(r);
	if (is_self(r, m)) {
		r->refused_self = true;
		r->phase = PH_IDLE;
		r->chosen = false;
		note(r, LOG_CRIT, "the group refused this ferryd: it takes no part until restarted");
		return;
	}
	if (live(r)) {
		const struct ledger_node *n = ledger_node_get(r->l, m->nodeid);

		/* A ferryd that took part and is refused now (its messages say
		 * it speaks another protocol: a forged or damaged stream) is
		 * gone as far as the ledger goes, as if it had left: its
		 * domains are orphaned, claimable once the node is fenced, and
		 * its restarted ferryd reports them back. Leaving them RUNNING
		 * on a non-member would strand them for good if the node then
		 * died (node loss only orphans the domains of members). */
		if (n && n->member && !node_in_list(r->members, r->nmembers, m->nodeid))
			note(r, LOG_WARNING, "node %u refused after taking part: %d domain(s) changed",
			     m->nodeid, ledger_node_lost(r->l, m->nodeid, now_ms));
		ledger_members_sync(r);
		if (r->phase == PH_SYNCED) {
			r->version++;
			changed(r);
		}
	}
	offers_check(r, now_ms); /* a round may have waited for it */
}

/* The caller's view hook: after every membership, ring or quorum input. */
static void viewed(struct replica *r)
{
	if (r->ops->view)
		r->ops->view(r->ctx);
}

void replica_confchg(struct replica *r, const struct replica_member *members, size_t nmembers,
		     const struct replica_member *left, size_t nleft, size_t njoined,
		     uint64_t now_ms)
{
	struct replica_member *v = malloc((nmembers ? nmembers : 1) * sizeof(*v));
	struct replica_member *a = malloc((nmembers ? nmembers : 1) * sizeof(*a));

	if (!v || !a) {
		free(v);
		free(a);
		note(r, LOG_CRIT, "out of memory on a configuration change");
		viewed(r);
		return;
	}
	for (size_t i = 0; i < nmembers; i++)
		v[i] = members[i];
	qsort(v, nmembers, sizeof(*v), cmp_member);
	free(r->cpg);
	free(r->members);
	r->cpg = v;
	r->ncpg = nmembers;
	r->members = a;
	/* refusals end with the process: a restarted ferryd is judged anew */
	for (size_t i = 0; i < r->nrefused;) {
		if (in_list(r->cpg, r->ncpg, r->refused[i].nodeid, r->refused[i].pid))
			i++;
		else
			r->refused[i] = r->refused[--r->nrefused];
	}
	members_update(r);
	if (r->refused_self) {
		viewed(r);
		return;
	}

	if (live(r)) {
		for (size_t i = 0; i < nleft; i++) {
			const struct replica_member *m = &left[i];
			int n;

			/* refused ones never took part; another ferryd of that
			 * node still being a member is no loss */
			if (node_in_list(r->members, r->nmembers, m->nodeid))
				continue;
			if (!ledger_node_get(r->l, m->nodeid) ||
			    !ledger_node_get(r->l, m->nodeid)->member)
				continue;
			n = ledger_node_lost(r->l, m->nodeid, now_ms);
			note(r, LOG_WARNING, "node %u left the group: %d domain(s) changed", m->nodeid, n);
		}
		ledger_members_sync(r);
		r->version++;
	}

	if (njoined > 0 || r->phase != PH_SYNCED)
		round_start(r, now_ms);
	else
		changed(r);
	viewed(r);
}

void replica_totem(struct replica *r, uint64_t ring_seq)
{
	r->have_ring = true;
	r->cpg_ring = ring_seq;
	update_authority(r);
	viewed(r);
}

void replica_quorum(struct replica *r, bool quorate, uint64_t ring_seq)
{
	r->have_quorum = true;
	r->quorate = quorate;
	r->q_ring = ring_seq;
	update_authority(r);
	viewed(r);
}

int replica_stamp(const struct replica *r, bool need_quorum, uint32_t *flags, uint64_t *ring)
{
	if (r->phase != PH_SYNCED)
		return -EAGAIN;
	*flags = 0;
	*ring = r->cpg_ring;
	if (!need_quorum)
		return 0;
	if (!r->have_ring || !r->have_quorum || r->q_ring != r->cpg_ring)
		return -EAGAIN;
	*flags = r->quorate ? WIRE_F_QUORATE : 0;
	return 0;
}

static void on_offer(struct replica *r, const struct replica_member *from,
		     const struct wire_msg *m, uint64_t now_ms)
{
	struct offer *o = NULL;
	struct wire_iter it = m->items;
	struct wire_member wm;
	uint32_t *nodes, id;
	size_t n = 0;

	if (r->phase != PH_SYNCING || r->chosen || m->round != r->round ||
	    !in_list(r->members, r->nmembers, from->nodeid, from->pid))
		return;
	/* what the sender refused, a joiner refuses too, at this same point */
	it = m->refused;
	while (wire_next_member(&it, &wm)) {
		struct replica_member rm = { wm.nodeid, wm.pid };
		char why[96];

		snprintf(why, sizeof(why), "node %u reports that it speaks another ferry protocol",
			 from->nodeid);
		refuse(r, &rm, why, now_ms);
		if (r->phase != PH_SYNCING || r->chosen)
			return; /* refused itself, or the refusal completed the round */
	}
	if (is_refused(r, from->nodeid, from->pid))
		return;
	it = m->items;
	nodes = calloc(it.left ? it.left : 1, sizeof(*nodes));
	if (!nodes)
		return;
	while (wire_next_nodeid(&it, &id))
		nodes[n++] = id;
	for (size_t i = 0; i < r->noffers; i++)
		if (cmp_member(&r->offers[i].m, from) == 0)
			o = &r->offers[i];
	if (!o) {
		struct offer *v = realloc(r->offers, (r->noffers + 1) * sizeof(*v));

		if (!v) {
			free(nodes);
			return;
		}
		r->offers = v;
		o = &r->offers[r->noffers++];
		o->nodes = NULL;
	}
	free(o->nodes);
	o->nodes = nodes;
	o->nnodes = n;
	o->m = *from;
	o->has_state = m->has_state;
	o->restored = m->has_state && m->restored;
	o->authority = m->authority;
	o->version = m->version;
	offers_check(r, now_ms);
}

static void on_chunk(struct replica *r, const struct replica_member *from,
		     const struct wire_msg *m, uint64_t now_ms)
{
	struct wire_iter it = m->items;
	struct ledger_entry e;
	struct ledger_node nd;

	if (r->phase != PH_SYNCING || !r->chosen || m->round != r->round ||
	    cmp_member(from, &r->source) != 0)
		return;
	if (m->seq != r->next_chunk) {
		note(r, LOG_ERR, "state transfer: chunk %u out of order (expected %u)", m->seq,
		     r->next_chunk);
		return;
	}
	if (m->hdr.type == WIRE_SYNC_CHUNK) {
		while (wire_next_domain(&it, &e)) {
			int rc = ledger_put(r->stage, &e);

			if (rc < 0) {
				note(r, LOG_ERR, "state transfer: %s record %s",
				     rc == -ENOMEM ? "out of memory for" : "an inconsistent", e.name);
				r->next_chunk = UINT32_MAX; /* nothing installs from this round */
				return;
			}
		}
		r->next_chunk++;
		return;
	}
	/* DONE */
	if (ledger_count(r->stage) != m->total) {
		note(r, LOG_ERR, "state transfer: got %zu domain(s), source sent %u",
		     ledger_count(r->stage), m->total);
		return;
	}
	while (wire_next_node(&it, &nd))
		if (ledger_node_put(r->stage, &nd) < 0) {
			note(r, LOG_CRIT, "state transfer: out of memory");
			return;
		}
	ledger_swap(r->l, r->stage);
	ledger_clear(r->stage);
	r->version = m->version + 1;
	r->origin = origin_from_wire(m->origin);
	if (m->restored)
		warm_start(r, now_ms);
	finish_sync(r, m->restored ? REPLICA_START_WARM : REPLICA_START_LIVE, now_ms);
}

static enum ledger_op op_of(int type)
{
	switch (type) {
	case WIRE_CLAIM:
		return LEDGER_OP_CLAIM;
	case WIRE_RELEASE:
		return LEDGER_OP_RELEASE;
	case WIRE_MIGRATE_BEGIN:
		return LEDGER_OP_MIGRATE_BEGIN;
	case WIRE_MIGRATE_COMMIT:
		return LEDGER_OP_MIGRATE_COMMIT;
	case WIRE_MIGRATE_ABORT:
		return LEDGER_OP_MIGRATE_ABORT;
	case WIRE_REPORT:
		return LEDGER_OP_REPORT;
	case WIRE_CONFIRM_DEAD:
		return LEDGER_OP_CONFIRM_DEAD;
	default:
		return LEDGER_OP_FENCED;
	}
}

/* Requests whose decision depends on the sender's quorum attestation. */
static bool needs_quorum(int type)
{
	return type == WIRE_CLAIM || type == WIRE_MIGRATE_BEGIN || type == WIRE_MIGRATE_COMMIT;
}

static void log_change(struct replica *r, const struct wire_msg *m, uint32_t sender,
		       const struct ledger_result *res)
{
	const struct ledger_entry *e = &res->entry;

	if (m->hdr.type == WIRE_CONFIRM_DEAD || m->hdr.type == WIRE_FENCED) {
		if (res->status == FERRY_OK && res->changed)
			note(r, LOG_WARNING, "node %u is %s: its orphaned domains may be taken",
			     m->node,
			     m->hdr.type == WIRE_FENCED ? "fenced" : "confirmed dead by an operator");
		return;
	}
	if (res->status == FERRY_E_CONFLICT && res->changed)
		note(r, LOG_ERR, "CONFLICT: %s reported running by node %u and node %u", e->name,
		     e->owner, e->peer);
	else if (res->changed)
		note(r, LOG_INFO, "%s %s from node %u: %s owner %u epoch %llu",
		     wire_type_name(m->hdr.type), e->name, sender, ledger_state_name(e->state),
		     e->owner, (unsigned long long)e->epoch);
	else if (res->status != FERRY_OK)
		note(r, LOG_INFO, "%s %s from node %u refused: %s (owner %u)",
		     wire_type_name(m->hdr.type), e->name, sender, ferry_status_name(res->status),
		     e->owner);
}

static void on_request(struct replica *r, const struct replica_member *from,
		       const struct wire_msg *m, uint64_t now_ms)
{
	bool mine = is_self(r, from);
	struct ledger_result res = { 0 };
	struct ledger_req q = {
		.op = op_of(m->hdr.type),
		.sender = from->nodeid,
		.quorate = (m->hdr.flags & WIRE_F_QUORATE) != 0,
		.name = m->name,
		.node = m->node,
		.epoch = m->epoch,
		.lost_gen = m->lost_gen,
		.now_ms = now_ms,
	};

	if (r->phase != PH_SYNCED || (needs_quorum(m->hdr.type) && m->hdr.ring != r->cpg_ring)) {
		/* Same verdict on every member: the sender resends. */
		res.status = FERRY_E_AGAIN;
	} else if (m->hdr.type == WIRE_REPORT) {
		struct wire_iter it = m->items;
		char name[LEDGER_NAME_MAX + 1];
		struct ledger_result one;

		res.status = FERRY_OK;
		q.name = name;
		while (wire_next_name(&it, name)) {
			if (ledger_apply(r->l, &q, &one) < 0)
				continue;
			log_change(r, m, from->nodeid, &one);
			if (one.status != FERRY_OK)
				res.status = one.status;
			res.changed |= one.changed;
		}
	} else if (ledger_apply(r->l, &q, &res) < 0) {
		res.status = FERRY_E_INVAL;
	} else {
		log_change(r, m, from->nodeid, &res);
	}
	if (res.changed) {
		r->version++;
		changed(r); /* saved before anyone hears the decision */
	}
	if (mine && r->ops->decided)
		r->ops->decided(r->ctx, m->hdr.req_id, m->hdr.type, &res);
}

void replica_deliver(struct replica *r, uint32_t nodeid, uint32_t pid, const void *buf,
		     size_t len, uint64_t now_ms)
{
	struct replica_member from = { nodeid, pid };
	struct wire_msg m;
	int rc;

	if (r->refused_self || is_refused(r, nodeid, pid))
		return;
	if (!in_list(r->cpg, r->ncpg, nodeid, pid)) {
		/* CPG delivers from members only; anything else is no member's */
		note(r, LOG_WARNING, "dropping a message from node %u (pid %u): not a member",
		     nodeid, pid);
		return;
	}
	rc = wire_decode(buf, len, &m);
	if (rc == -EPROTONOSUPPORT) {
		char why[96];

		snprintf(why, sizeof(why), "it speaks ferry protocol v%u, this node speaks v%u",
			 m.hdr.major, WIRE_VERSION_MAJOR);
		refuse(r, &from, why, now_ms);
		return;
	}
	if (rc < 0) {
		note(r, LOG_WARNING, "dropping a message from node %u (pid %u): %s", nodeid, pid,
		     rc == -EMSGSIZE ? "too large" : rc == -ENOMSG ? "unknown type" : "malformed");
		return;
	}
	switch (m.hdr.type) {
	case WIRE_SYNC_OFFER:
		on_offer(r, &from, &m, now_ms);
		break;
	case WIRE_SYNC_CHUNK:
	case WIRE_SYNC_DONE:
		on_chunk(r, &from, &m, now_ms);
		break;
	case WIRE_SYNC_FORCE:
		if (r->phase == PH_SYNCING && !r->chosen && m.round == r->round && r->noffers) {
			note(r, LOG_WARNING, "sync round forced by node %u: %zu of %zu member(s) offered",
			     nodeid, r->noffers, r->nmembers);
			choose_source(r, now_ms);
		}
		break;
	case WIRE_STATE:
		note(r, LOG_WARNING, "dropping a message from node %u (pid %u): a file record",
		     nodeid, pid);
		break;
	default:
		on_request(r, &from, &m, now_ms);
		break;
	}
}

int replica_sync_force(struct replica *r)
{
	const struct replica_member *lowest = NULL;

	if (r->phase != PH_SYNCING || r->chosen || r->noffers == 0)
		return 0;
	for (size_t i = 0; i < r->noffers; i++)
		if (!lowest || cmp_member(&r->offers[i].m, lowest) < 0)
			lowest = &r->offers[i].m;
	if (!is_self(r, lowest))
		return 0;
	if (wire_encode_force(&r->wb, r->round) < 0)
		return r->wb.err;
	return send_buf(r) < 0 ? -EIO : 1;
}

int replica_save(struct replica *r, const uint8_t boot_id[WIRE_BOOT_ID_LEN],
		 int (*fn)(void *ctx, const void *buf, size_t len), void *ctx)
{
	struct ledger_state_meta m = {
		.nodeid = r->nodeid,
		.version = r->version,
		.authority = r->authority,
		.origin = origin_to_wire(r->origin),
	};
	struct wbuf wb = { 0 };
	int rc;

	if (r->phase != PH_SYNCED)
		return -EAGAIN;
	memcpy(m.boot_id, boot_id, sizeof(m.boot_id));
	rc = ledger_state_write(r->l, &m, &wb, fn, ctx);
	wbuf_free(&wb);
	return rc;
}

bool replica_synced(const struct replica *r)
{
	return r->phase == PH_SYNCED;
}

bool replica_syncing(const struct replica *r)
{
	return r->phase == PH_SYNCING;
}

struct ledger *replica_ledger(struct replica *r)
{
	return r->l;
}

void replica_info_get(const struct replica *r, struct replica_info *info)
{
	memset(info, 0, sizeof(*info));
	info->nodeid = r->nodeid;
	info->synced = r->phase == PH_SYNCED;
	info->quorate = r->have_quorum && r->quorate;
	info->rings_agree = r->have_ring && r->have_quorum && r->q_ring == r->cpg_ring;
	info->cpg_ring = r->cpg_ring;
	info->quorum_ring = r->q_ring;
	info->authority = r->authority;
	info->nmembers = r->nmembers;
	info->last_sync_ms = r->last_sync_ms;
	info->first_sync_ms = r->first_sync_ms;
	info->sync_source = r->sync_source;
	info->version = r->version;
	info->start = r->start;
	info->origin = r->origin;
	info->restored = r->restored_at_start;
	info->refused_self = r->refused_self;
}

const struct replica_member *replica_members(const struct replica *r, size_t *n)
{
	*n = r->nmembers;
	return r->members;
}
