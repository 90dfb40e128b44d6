/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Three replicas fed one shared agreed-order stream, as CPG feeds ferryds:
 * configuration changes (ferryds stopping and starting, fresh or from their
 * ledger.state, which the input may damage), totem and quorum events,
 * requests, and the messages the replicas send, delivered in order, plus
 * messages replayed from that stream with fields changed by the input
 * (OFFER, SYNC_CHUNK, SYNC_DONE, FORCE, requests) and raw bytes, from any
 * sender, member or not. After every event:
 *   - every record is one the state machine may make, names are unique;
 *   - in a replica in sync nothing RUNS on a node that is not a member
 *     (no domain with an owner that is not there);
 *   - epochs never go back in a replica between two of its syncs;
 *   - replicas in sync agree: same digest, same version.
 * An input whose first byte has the top bit set is a ledger.state file
 * instead: the loader must refuse it or give a ledger that saves and loads
 * back the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_state.h"
#include "replica.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NR 3
#define QMAX 2048
#define HIST 32
#define TRACK 64

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

struct msg {
	uint32_t nodeid, pid;
	uint8_t *buf;
	size_t len;
};

struct proc {
	struct replica *r;
	bool up;
	uint32_t nodeid, pid;
	uint8_t *state; /* its ledger.state */
	size_t state_len;
	int syncs;
	int track_syncs;
	bool stale; /* changed since its ledger.state was written */
	char names[TRACK][LEDGER_NAME_MAX + 1];
	uint64_t epochs[TRACK];
	size_t ntrack;
};

static struct proc P[NR];
static struct msg Q[QMAX];
static size_t qhead, qtail;
static struct msg H[HIST];
static size_t nhist, hnext;
static uint64_t ring, now;
static const uint8_t boot[WIRE_BOOT_ID_LEN] = { 1, 2, 3 };
static const char *const inv[NR][2] = { { "a", "b" }, { "b", "c" }, { NULL, NULL } };

static void enqueue(uint32_t nodeid, uint32_t pid, const void *buf, size_t len)
{
	struct msg *m;

	if (qtail - qhead >= QMAX)
		return; /* the stream is full: drop (as a dead sender's would be) */
	m = &Q[qtail++ % QMAX];
	m->nodeid = nodeid;
	m->pid = pid;
	m->buf = malloc(len ? len : 1);
	memcpy(m->buf, buf, len);
	m->len = len;
}

static int op_send(void *ctx, const void *buf, size_t len)
{
	struct proc *p = ctx;
	struct msg *h = &H[hnext++ % HIST];

	enqueue(p->nodeid, p->pid, buf, len);
	free(h->buf);
	h->buf = malloc(len ? len : 1);
	memcpy(h->buf, buf, len);
	h->len = len;
	if (nhist < HIST)
		nhist++;
	return 0;
}

static void op_decided(void *ctx, uint64_t id, int type, const struct ledger_result *res)
{
	(void)ctx;
	(void)id;
	(void)type;
	(void)res;
}

static void op_synced(void *ctx, bool cold)
{
	struct proc *p = ctx;
	struct wbuf b = { 0 };
	int i = (int)(p - P);

	(void)cold;
	p->syncs++;
	if (!inv[i][0])
		return;
	wire_list_begin(&b, WIRE_REPORT, 1, 0, 0);
	for (int k = 0; k < 2 && inv[i][k]; k++)
		wire_add_name(&b, inv[i][k]);
	if (wire_end(&b) == 0)
		enqueue(p->nodeid, p->pid, b.p, b.len);
	wbuf_free(&b);
}

static int state_emit(void *ctx, const void *buf, size_t len)
{
	struct proc *p = ctx;
	uint8_t *n = realloc(p->state, p->state_len + len);

	if (!n)
		abort();
	memcpy(n + p->state_len, buf, len);
	p->state = n;
	p->state_len += len;
	return 0;
}

/* As ferryd's persist.c: a change marks the file stale, and it is written
 * once per batch of deliveries (here: per event, see save_stale). */
static void op_changed(void *ctx)
{
	struct proc *p = ctx;

	if (!replica_synced(p->r))
		abort(); /* only called in sync */
	p->stale = true;
}

static void save_stale(void)
{
	for (int i = 0; i < NR; i++) {
		struct proc *p = &P[i];

		if (!p->up || !p->stale || !replica_synced(p->r))
			continue;
		p->state_len = 0;
		if (replica_save(p->r, boot, state_emit, p) != 0)
			abort();
		p->stale = false;
	}
}

static const struct replica_ops ops = {
	.send = op_send,
	.decided = op_decided,
	.event = NULL, /* log lines: formatting them would take a fifth of the time */
	.synced = op_synced,
	.changed = op_changed,
};

static void deliver_one(void)
{
	struct msg *m = &Q[qhead++ % QMAX];

	now += 3;
	for (int i = 0; i < NR; i++)
		if (P[i].up)
			replica_deliver(P[i].r, m->nodeid, m->pid, m->buf, m->len, now + (uint64_t)i);
	free(m->buf);
	m->buf = NULL;
}

static void flush(void)
{
	while (qhead < qtail)
		deliver_one();
}

static void membership(const struct replica_member *left, size_t nleft, size_t njoined,
		       uint8_t qbits)
{
	struct replica_member mem[NR];
	size_t n = 0;

	for (int i = 0; i < NR; i++)
		if (P[i].up)
			mem[n++] = (struct replica_member){ P[i].nodeid, P[i].pid };
	ring += 4;
	for (int i = 0; i < NR; i++) {
		if (!P[i].up)
			continue;
		replica_totem(P[i].r, ring);
		replica_confchg(P[i].r, mem, n, left, nleft, njoined, now + (uint64_t)i);
		replica_quorum(P[i].r, (qbits >> i) & 1, ring);
	}
}

static void start_proc(int i, struct in *in)
{
	static const uint32_t config[4] = { 1, 2, 3, 4 };
	struct proc *p = &P[i];
	uint8_t how = byte(in);

	p->pid++;
	p->r = replica_new(p->nodeid, p->pid, &ops, p);
	if (!p->r)
		abort();
	replica_set_nodelist(p->r, config, (how & 4) ? 4 : 3);
	p->up = true;
	p->ntrack = 0;
	p->track_syncs = p->syncs;
	if ((how & 1) && p->state_len) {
		struct ledger_state_meta m;
		struct ledger *l;

		if (how & 2) { /* damage the file */
			size_t at = ((size_t)byte(in) << 8 | byte(in)) % p->state_len;

			p->state[at] ^= (uint8_t)(1u << (byte(in) % 8));
		}
		if (ledger_state_read(p->state, p->state_len, &m, &l, NULL) == 0)
			replica_restore(p->r, l, m.version, m.authority);
	}
}

static void toggle(struct in *in)
{
	int i = byte(in) % NR;
	uint8_t q = byte(in);
	struct replica_member gone;

	flush(); /* virtual synchrony: a configuration's messages come first */
	save_stale();
	if (P[i].up) {
		gone = (struct replica_member){ P[i].nodeid, P[i].pid };
		replica_free(P[i].r);
		P[i].r = NULL;
		P[i].up = false;
		membership(&gone, 1, 0, q);
	} else {
		start_proc(i, in);
		membership(NULL, 0, 1, q);
	}
}

/* A message of the stream, with fields changed, from any sender. */
static void forge(struct in *in)
{
	struct wire_msg m;
	struct wbuf b = { 0 };
	struct msg *h;
	uint8_t what = byte(in), sel = byte(in);
	uint32_t nodeid, pid;
	int rc = -1;

	if (!nhist)
		return;
	h = &H[byte(in) % nhist];
	if (wire_decode(h->buf, h->len, &m) < 0)
		return;
	switch (m.hdr.type) {
	case WIRE_SYNC_OFFER: {
		uint32_t nodes[8], id;
		struct wire_member ref[4];
		size_t nn = 0, nr = 0;
		struct wire_offer o = { .round = m.round, .has_state = m.has_state,
					.restored = m.restored, .authority = m.authority,
					.version = m.version };

		while (nn < 8 && wire_next_nodeid(&m.items, &id))
			nodes[nn++] = id;
		if (what & 1)
			o.has_state ^= 1;
		if (what & 2)
			o.restored ^= 1;
		if (what & 4)
			o.authority += sel % 8;
		if (what & 8)
			o.version += sel;
		if (what & 16)
			o.round ^= sel;
		if (what & 32) { /* name a member refused */
			int k = sel % NR;

			ref[nr++] = (struct wire_member){ P[k].nodeid, P[k].pid };
		}
		o.nodes = nodes;
		o.nnodes = nn;
		o.refused = ref;
		o.nrefused = nr;
		rc = wire_encode_offer(&b, &o);
		break;
	}
	case WIRE_SYNC_CHUNK: {
		struct ledger_entry e;

		wire_list_begin(&b, WIRE_SYNC_CHUNK, 0, m.round ^ ((what & 1) ? sel : 0),
				m.seq + ((what & 2) ? 1 : 0));
		while (wire_next_domain(&m.items, &e)) {
			if (what & 4)
				e.owner = sel % 5;
			if (what & 8)
				e.state = sel % LEDGER_STATE_MAX;
			if (what & 16)
				e.epoch = sel;
			if (what & 32)
				e.peer = (sel >> 4) % 5;
			wire_add_domain(&b, &e);
		}
		if (what & 64)
			wire_add_domain(&b, &(struct ledger_entry){ .name = "forged", .state =
								   LEDGER_RUNNING, .owner = 1 + sel % 4 });
		rc = wire_end(&b);
		break;
	}
	case WIRE_SYNC_DONE: {
		struct ledger_node n;

		wire_done_begin(&b, m.round, m.seq + ((what & 1) ? 1 : 0),
				m.total + ((what & 2) ? 1 : 0), m.version + ((what & 4) ? sel : 0),
				(what & 8) ? !m.restored : m.restored, (uint8_t)(sel % 3));
		while (wire_next_node(&m.items, &n)) {
			if (what & 16)
				n.member ^= 1;
			if (what & 32)
				n.dead ^= 1;
			if (what & 64)
				n.unseen ^= 1;
			wire_add_node(&b, &n);
		}
		rc = wire_end(&b);
		break;
	}
	case WIRE_SYNC_FORCE:
		rc = wire_encode_force(&b, m.round ^ ((what & 1) ? sel : 0));
		break;
	case WIRE_REPORT:
		wire_list_begin(&b, WIRE_REPORT, 0, 0, 0);
		wire_add_name(&b, (what & 1) ? "c" : "d");
		rc = wire_end(&b);
		break;
	default:
		if (m.hdr.type <= WIRE_MIGRATE_ABORT)
			rc = wire_encode_domain_req(&b, m.hdr.type, m.hdr.flags ^ (what & 1),
						    m.hdr.ring, m.hdr.req_id, m.name, m.epoch,
						    (what & 2) ? sel % 5 : m.node);
		else if (m.hdr.type == WIRE_CONFIRM_DEAD || m.hdr.type == WIRE_FENCED)
			rc = wire_encode_node_req(&b, m.hdr.type, 0, m.hdr.ring, m.hdr.req_id,
						  1 + sel % 4, m.lost_gen + (what & 3), 0);
		break;
	}
	if (rc == 0) {
		uint8_t s = byte(in);

		if (s < 192) { /* a member */
			int k = s % NR;

			nodeid = P[k].nodeid;
			pid = P[k].pid;
		} else { /* anyone */
			nodeid = s % 6;
			pid = byte(in);
		}
		enqueue(nodeid, pid, b.p, b.len);
	}
	wbuf_free(&b);
}

static void raw(struct in *in)
{
	uint8_t buf[64];
	size_t n = byte(in) % sizeof(buf);
	int k = byte(in) % NR;

	for (size_t i = 0; i < n; i++)
		buf[i] = byte(in);
	enqueue(P[k].nodeid, P[k].pid, buf, n);
}

static void request(struct in *in)
{
	static const char *const names[] = { "a", "b", "c", "d" };
	int k = byte(in) % NR;
	uint8_t t = byte(in) % 8, sel = byte(in);
	struct proc *p = &P[k];
	struct wbuf b = { 0 };
	uint32_t flags;
	uint64_t rg;
	int rc = -1;

	if (!p->up)
		return;
	if (t < 5) {
		enum wire_type type = (enum wire_type)(WIRE_CLAIM + t);
		bool need = type == WIRE_CLAIM || type == WIRE_MIGRATE_BEGIN ||
			    type == WIRE_MIGRATE_COMMIT;

		if (replica_stamp(p->r, need, &flags, &rg) < 0)
			return;
		rc = wire_encode_domain_req(&b, type, flags, rg, 1, names[sel % 4], 0,
					    1 + (sel >> 2) % 4);
	} else if (t == 5) {
		if (replica_stamp(p->r, false, &flags, &rg) < 0)
			return;
		wire_list_begin(&b, WIRE_REPORT, 1, 0, 0);
		wire_add_name(&b, names[sel % 4]);
		rc = wire_end(&b);
	} else {
		uint32_t node = 1 + sel % 4;
		const struct ledger_node *n = ledger_node_get(replica_ledger(p->r), node);

		if (replica_stamp(p->r, false, &flags, &rg) < 0)
			return;
		rc = wire_encode_node_req(&b, t == 6 ? WIRE_CONFIRM_DEAD : WIRE_FENCED, 0, rg, 1,
					  node, n ? n->lost_gen : 0, 0);
	}
	if (rc == 0)
		op_send(p, b.p, b.len);
	wbuf_free(&b);
}

static void check(void)
{
	int ref = -1;
	struct replica_info a, b;

	for (int i = 0; i < NR; i++) {
		struct proc *p = &P[i];
		struct ledger *l;
		const struct ledger_entry *const *v;
		size_t n;

		if (!p->up)
			continue;
		l = replica_ledger(p->r);
		if (ledger_sorted(l, &v, &n) < 0)
			abort();
		for (size_t k = 0; k < n; k++)
			if (!ledger_entry_valid(v[k]) || (k && strcmp(v[k - 1]->name, v[k]->name) >= 0))
				abort();
		replica_info_get(p->r, &b);
		if (!b.synced)
			continue;
		for (size_t k = 0; k < n; k++) {
			const struct ledger_entry *e = v[k];
			const struct ledger_node *o = ledger_node_get(l, e->owner);
			const struct ledger_node *t = ledger_node_get(l, e->peer);

			if ((e->state == LEDGER_RUNNING || e->state == LEDGER_MIGRATING) &&
			    (!o || !o->member))
				abort(); /* an owner that is not there */
			if (e->state == LEDGER_MIGRATING && (!t || !t->member))
				abort();
		}
		/* epochs between two syncs of this replica */
		if (p->track_syncs != p->syncs) {
			p->ntrack = 0;
			p->track_syncs = p->syncs;
		}
		for (size_t k = 0; k < p->ntrack; k++) {
			const struct ledger_entry *e = ledger_find(l, p->names[k]);

			if (!e || e->epoch < p->epochs[k])
				abort();
			p->epochs[k] = e->epoch;
		}
		for (size_t k = 0; k < n && p->ntrack < TRACK; k++) {
			bool known = false;

			for (size_t j = 0; j < p->ntrack && !known; j++)
				known = strcmp(p->names[j], v[k]->name) == 0;
			if (!known) {
				strcpy(p->names[p->ntrack], v[k]->name);
				p->epochs[p->ntrack++] = v[k]->epoch;
			}
		}
		if (ref < 0) {
			ref = i;
			a = b;
			continue;
		}
		if (ledger_digest(l) != ledger_digest(replica_ledger(P[ref].r)) || a.version != b.version)
			abort(); /* two replicas in sync disagree */
	}
}

/* A ledger.state file from the input: refused, or it round-trips. */
static void loader(const uint8_t *data, size_t size)
{
	struct ledger_state_meta m;
	struct ledger *l;
	const struct ledger_entry *const *v;
	size_t n;

	if (ledger_state_read(data, size, &m, &l, NULL) != 0)
		return;
	if (ledger_sorted(l, &v, &n) < 0)
		abort();
	for (size_t k = 0; k < n; k++)
		if (!ledger_entry_valid(v[k]))
			abort();
	if (m.nodeid == 1) {
		/* restored, offered, installed (a warm start), saved, read back */
		struct proc *p = &P[0];
		struct replica_member me = { 1, 77 };
		struct ledger_state_meta m2;
		struct ledger *l2;

		p->pid = 77;
		p->r = replica_new(1, 77, &ops, p);
		p->up = true;
		if (!p->r || replica_restore(p->r, l, m.version, m.authority) != 0)
			abort();
		replica_totem(p->r, 5);
		replica_confchg(p->r, &me, 1, NULL, 0, 1, 10);
		replica_quorum(p->r, true, 5);
		flush();
		save_stale();
		if (!replica_synced(p->r) || !p->state_len)
			abort();
		if (ledger_state_read(p->state, p->state_len, &m2, &l2, NULL) != 0)
			abort();
		if (ledger_digest(l2) != ledger_digest(replica_ledger(p->r)) ||
		    ledger_count(l2) != ledger_count(replica_ledger(p->r)))
			abort();
		ledger_free(l2);
		return;
	}
	ledger_free(l);
}

static void reset(void)
{
	for (int i = 0; i < NR; i++) {
		replica_free(P[i].r);
		free(P[i].state);
		memset(&P[i], 0, sizeof(P[i]));
		P[i].nodeid = (uint32_t)i + 1;
		P[i].pid = 100 * ((uint32_t)i + 1);
	}
	while (qhead < qtail) {
		free(Q[qhead % QMAX].buf);
		Q[qhead++ % QMAX].buf = NULL;
	}
	qhead = qtail = 0;
	for (size_t i = 0; i < HIST; i++) {
		free(H[i].buf);
		H[i].buf = NULL;
	}
	nhist = hnext = 0;
	ring = 100;
	now = 1000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	int events = 0;

	reset();
	if (size && (data[0] & 0x80)) {
		loader(data + 1, size - 1);
		reset();
		return 0;
	}
	while (in.left && events++ < 40) {
		switch (byte(&in) % 8) {
		case 0:
			toggle(&in);
			break;
		case 1:
			if (qhead < qtail)
				deliver_one();
			break;
		case 2: {
			int n = byte(&in) % 16;

			while (n-- && qhead < qtail)
				deliver_one();
			break;
		}
		case 3:
			forge(&in);
			break;
		case 4:
			raw(&in);
			break;
		case 5: {
			uint8_t q = byte(&in);

			ring += 1 + q % 3;
			for (int i = 0; i < NR; i++)
				if (P[i].up) {
					replica_totem(P[i].r, ring);
					replica_quorum(P[i].r, (q >> (2 + i)) & 1, ring);
				}
			break;
		}
		case 6: {
			int k = byte(&in) % NR;

			if (P[k].up)
				replica_sync_force(P[k].r);
			break;
		}
		default:
			request(&in);
			break;
		}
		check();
		save_stale();
	}
	flush();
	check();
	reset();
	return 0;
}
