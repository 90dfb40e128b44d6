/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Requests waiting for their decision. A request is multicast once this
 * node is in sync (and, when it needs quorum, once the CPG and quorum rings
 * agree); it is decided when it comes back in agreed order. A verdict of
 * FERRY_E_AGAIN (membership changed in between) sends it again. Clients get
 * their reply then, or when their timeout expires; nothing here waits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ferryd.h"
#include "group.h"
#include "names.h"
#include "reply.h"
#include "requests.h"
#include "wire.h"

/* How often deadlines are checked. */
#define TICK_MS 100
/* Requests one client may have waiting, and all clients together: a client
 * that sends and never reads cannot make ferryd grow without bound. */
#define MAX_PER_CLIENT 64
#define MAX_PENDING 4096

enum kind {
	K_CLIENT,
	K_REPORT,
	K_FENCED,
	K_RELEASE, /* left by a stop while ferryd was away (supervise.c) */
};

struct pending {
	struct pending *next;
	struct pending *prev;
	enum kind kind;
	uint64_t id;
	qb_ipcs_connection_t *conn;
	struct ferry_ipc_req req;
	uint64_t deadline; /* monotonic ms, 0: none */
	bool sent;
	unsigned sends;
	char **names; /* REPORT */
	size_t nnames;
	uint32_t node; /* FENCED */
	uint32_t lost_gen;
	uint64_t fence_time;
};

static struct pending head = { .next = &head, .prev = &head };
static size_t npending;
static uint64_t next_id = 1;
static qb_loop_timer_handle tick;
static struct wbuf wb;

static struct pending *pending_new(enum kind kind)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->kind = kind;
	p->id = next_id++;
	p->prev = head.prev;
	p->next = &head;
	head.prev->next = p;
	head.prev = p;
	npending++;
	return p;
}

static void pending_free(struct pending *p)
{
	p->prev->next = p->next;
	p->next->prev = p->prev;
	npending--;
	names_free(p->names, p->nnames);
	free(p);
}

static int wire_type_of(int op)
{
	switch (op) {
	case FERRY_IPC_CLAIM:
		return WIRE_CLAIM;
	case FERRY_IPC_RELEASE:
		return WIRE_RELEASE;
	case FERRY_IPC_MIGRATE_BEGIN:
		return WIRE_MIGRATE_BEGIN;
	case FERRY_IPC_MIGRATE_COMMIT:
		return WIRE_MIGRATE_COMMIT;
	case FERRY_IPC_MIGRATE_ABORT:
		return WIRE_MIGRATE_ABORT;
	case FERRY_IPC_CONFIRM_DEAD:
		return WIRE_CONFIRM_DEAD;
	default:
		return 0;
	}
}

static void reply_init(struct ferry_ipc_reply *r, const struct ferry_ipc_req *req, int status)
{
	memset(r, 0, sizeof(*r));
	r->hdr.id = req->hdr.id;
	r->hdr.size = sizeof(*r);
	r->status = status;
	r->now_ms = clock_wall_ms();
	snprintf(r->reason, sizeof(r->reason), "%s", ferry_status_text(status));
}

static void reply_client(struct pending *p, int status, const struct ledger_entry *e,
			 const char *reason)
{
	struct ferry_ipc_reply r;

	if (!p->conn)
		return;
	reply_init(&r, &p->req, status);
	if (e)
		r.entry = *e;
	else
		snprintf(r.entry.name, sizeof(r.entry.name), "%s", p->req.name);
	if (reason)
		snprintf(r.reason, sizeof(r.reason), "%s", reason);
	reply_send(p->conn, &r, sizeof(r));
}

/* ---- the immediate answers ---- */

static void answer_status(struct ferryd *d, qb_ipcs_connection_t *c,
			  const struct ferry_ipc_req *req)
{
	struct ferry_ipc_status *s = calloc(1, sizeof(*s));
	struct replica_info info;
	const struct replica_member *m;
	const struct ledger_node *nodes;
	size_t n;

	if (!s)
		return;
	replica_info_get(d->rep, &info);
	s->hdr.id = req->hdr.id;
	s->hdr.size = sizeof(*s);
	s->status = FERRY_OK;
	s->nodeid = d->nodeid;
	s->pid = d->pid;
	s->synced = info.synced;
	s->quorate = info.quorate;
	s->rings_agree = info.rings_agree;
	s->fencing_api = (uint8_t)d->fencing_api;
	s->cpg_ring = info.cpg_ring;
	s->quorum_ring = info.quorum_ring;
	s->authority = info.authority;
	s->now_ms = clock_wall_ms();
	s->last_sync_ms = info.last_sync_ms;
	s->first_sync_ms = info.first_sync_ms;
	s->start_to_sync_ms = d->start_to_sync_ms;
	s->uptime_ms = clock_ms() - d->started_mono_ms;
	s->sync_source = info.sync_source;
	s->digest = ledger_digest(replica_ledger(d->rep));
	s->ndomains = (uint32_t)ledger_count(replica_ledger(d->rep));
	s->pending = (uint32_t)npending;
	s->send_queue = (uint32_t)group_queued();
	m = replica_members(d->rep, &n);
	for (size_t i = 0; i < n && s->nmembers < FERRY_IPC_MAX_NODES; i++)
		if (s->nmembers == 0 || s->members[s->nmembers - 1] != m[i].nodeid)
			s->members[s->nmembers++] = m[i].nodeid;
	nodes = ledger_nodes(replica_ledger(d->rep), &n);
	for (size_t i = 0; i < n && i < FERRY_IPC_MAX_NODES; i++)
		s->nodes[s->nnodes++] = nodes[i];
	s->version = info.version;
	s->start = (uint8_t)info.start;
	s->restored = info.restored;
	s->origin = (uint8_t)info.origin;
	reply_send(c, s, sizeof(*s));
	free(s);
}

/* One page of the ledger, names after req->name. Only once in sync. */
static void answer_show(struct ferryd *d, qb_ipcs_connection_t *c,
			const struct ferry_ipc_req *req)
{
	struct ferry_ipc_show *s = calloc(1, FERRY_IPC_MAX_MSG);
	const struct ledger_entry *const *v;
	size_t n, lo = 0, hi, k = 0;
	char after[LEDGER_NAME_MAX + 1];

	if (!s)
		return;
	memcpy(after, req->name, sizeof(after));
	after[LEDGER_NAME_MAX] = '\0';
	s->hdr.id = req->hdr.id;
	s->now_ms = clock_wall_ms();
	if (ledger_sorted(replica_ledger(d->rep), &v, &n) < 0) {
		s->status = FERRY_E_INTERNAL;
		n = 0;
	}
	hi = n;
	while (after[0] && lo < hi) { /* first name > after */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid]->name, after) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < n && k < FERRY_IPC_SHOW_MAX; i++)
		s->entries[k++] = *v[i];
	s->total = (uint32_t)n;
	s->count = (uint32_t)k;
	s->more = lo + k < n;
	s->hdr.size = (int32_t)(sizeof(*s) + k * sizeof(s->entries[0]));
	reply_send(c, s, (size_t)s->hdr.size);
	free(s);
}

static void answer_dump(struct ferryd *d, qb_ipcs_connection_t *c,
			const struct ferry_ipc_req *req)
{
	struct ferry_ipc_reply r;
	char path[200];
	int rc;

	snprintf(path, sizeof(path), "%s/ferryd.blackbox", d->run_dir);
	rc = flog_blackbox_write(path);
	reply_init(&r, req, rc < 0 ? FERRY_E_INTERNAL : FERRY_OK);
	if (rc < 0)
		snprintf(r.reason, sizeof(r.reason), "cannot write %s: %s", path, strerror(-rc));
	else
		snprintf(r.reason, sizeof(r.reason), "%s", path);
	reply_send(c, &r, sizeof(r));
}

/* ---- sending ---- */

static bool needs_quorum(int type)
{
	return type == WIRE_CLAIM || type == WIRE_MIGRATE_BEGIN || type == WIRE_MIGRATE_COMMIT;
}

static int encode(struct ferryd *d, struct pending *p, uint32_t flags, uint64_t ring)
{
	int type;
	const struct ledger_node *n;

	switch (p->kind) {
	case K_REPORT:
		wire_list_begin(&wb, WIRE_REPORT, p->id, 0, 0);
		for (size_t i = 0; i < p->nnames; i++)
			wire_add_name(&wb, p->names[i]);
		return wire_end(&wb);
	case K_FENCED:
		return wire_encode_node_req(&wb, WIRE_FENCED, flags, ring, p->id, p->node,
					    p->lost_gen, p->fence_time);
	case K_RELEASE:
		return wire_encode_domain_req(&wb, WIRE_RELEASE, flags, ring, p->id, p->req.name, 0, 0);
	default:
		type = wire_type_of(p->req.hdr.id);
		if (type == WIRE_CONFIRM_DEAD) {
			n = ledger_node_get(replica_ledger(d->rep), p->req.node);
			return wire_encode_node_req(&wb, WIRE_CONFIRM_DEAD, flags, ring, p->id,
						    p->req.node, n ? n->lost_gen : 0, 0);
		}
		return wire_encode_domain_req(&wb, type, flags, ring, p->id, p->req.name,
					      p->req.epoch, p->req.node);
	}
}

static int type_of(const struct pending *p)
{
	if (p->kind == K_REPORT)
		return WIRE_REPORT;
	if (p->kind == K_FENCED)
		return WIRE_FENCED;
	if (p->kind == K_RELEASE)
		return WIRE_RELEASE;
	return wire_type_of(p->req.hdr.id);
}

/* @return true when p is finished (answered locally) */
static bool try_send(struct ferryd *d, struct pending *p)
{
	uint32_t flags;
	uint64_t ring;
	int rc;

	if (p->sent)
		return false;
	if (p->kind == K_CLIENT && p->req.hdr.id == FERRY_IPC_SHOW) {
		if (!replica_synced(d->rep))
			return false;
		answer_show(d, p->conn, &p->req);
		return true;
	}
	if (replica_stamp(d->rep, needs_quorum(type_of(p)), &flags, &ring) < 0)
		return false;
	rc = encode(d, p, flags, ring);
	if (rc == 0)
		rc = group_send(d, wb.p, wb.len);
	if (rc < 0) {
		flog(FLOG_REQ, LOG_ERR, "cannot send %s: %s", wire_type_name(type_of(p)),
		     strerror(-rc));
		if (p->kind == K_CLIENT)
			reply_client(p, FERRY_E_INTERNAL, NULL, "ferryd cannot multicast the request");
		return true;
	}
	p->sent = true;
	p->sends++;
	return false;
}

void requests_kick(struct ferryd *d)
{
	struct pending *p = head.next;

	while (p != &head) {
		struct pending *next = p->next;

		if (try_send(d, p))
			pending_free(p);
		p = next;
	}
}

static size_t client_pending(qb_ipcs_connection_t *c)
{
	size_t n = 0;

	for (struct pending *p = head.next; p != &head; p = p->next)
		n += p->kind == K_CLIENT && p->conn == c;
	return n;
}

void requests_submit(struct ferryd *d, qb_ipcs_connection_t *c, const struct ferry_ipc_req *req)
{
	struct ferry_ipc_reply r;
	struct pending *p;
	int op = req->hdr.id;
	uint32_t t = req->timeout_ms ? req->timeout_ms : FERRY_IPC_DEFAULT_TIMEOUT_MS;

	if (req->version != FERRY_IPC_VERSION) {
		reply_init(&r, req, FERRY_E_INVAL);
		snprintf(r.reason, sizeof(r.reason), "IPC version %u not supported (ferryd speaks %u)",
			 req->version, FERRY_IPC_VERSION);
		reply_send(c, &r, sizeof(r));
		return;
	}
	if (op == FERRY_IPC_STATUS) {
		answer_status(d, c, req);
		return;
	}
	if (op == FERRY_IPC_DUMP) {
		answer_dump(d, c, req);
		return;
	}
	if (op != FERRY_IPC_SHOW && !wire_type_of(op)) {
		reply_init(&r, req, FERRY_E_INVAL);
		snprintf(r.reason, sizeof(r.reason), "unknown request %d", op);
		reply_send(c, &r, sizeof(r));
		return;
	}
	if ((op == FERRY_IPC_CONFIRM_DEAD && req->node == 0) ||
	    (op != FERRY_IPC_CONFIRM_DEAD && op != FERRY_IPC_SHOW &&
	     (memchr(req->name, '\0', sizeof(req->name)) == NULL || !ledger_name_valid(req->name)))) {
		reply_init(&r, req, FERRY_E_INVAL);
		snprintf(r.reason, sizeof(r.reason), "invalid domain name or node");
		reply_send(c, &r, sizeof(r));
		return;
	}
	if (npending >= MAX_PENDING || client_pending(c) >= MAX_PER_CLIENT) {
		reply_init(&r, req, FERRY_E_INTERNAL);
		snprintf(r.reason, sizeof(r.reason),
			 "too many requests waiting (%s): try again when they are answered",
			 npending >= MAX_PENDING ? "all clients" : "this client");
		flog(FLOG_REQ, LOG_WARNING, "refusing a request: %s", r.reason);
		reply_send(c, &r, sizeof(r));
		return;
	}
	p = pending_new(K_CLIENT);
	if (!p) {
		reply_init(&r, req, FERRY_E_INTERNAL);
		reply_send(c, &r, sizeof(r));
		return;
	}
	p->conn = c;
	p->req = *req;
	p->req.name[LEDGER_NAME_MAX] = '\0';
	if (t > FERRY_IPC_MAX_TIMEOUT_MS)
		t = FERRY_IPC_MAX_TIMEOUT_MS;
	p->deadline = clock_ms() + t;
	if (try_send(d, p))
		pending_free(p);
}

void requests_report(struct ferryd *d, char **names, size_t n)
{
	size_t i = 0;

	/* One REPORT per chunk, so that a long list stays well under 1 MiB. */
	while (i < n) {
		struct pending *p = pending_new(K_REPORT);
		size_t bytes = 0, k = 0;

		if (!p)
			break;
		p->names = calloc(n - i, sizeof(*p->names));
		if (!p->names) {
			pending_free(p);
			break;
		}
		while (i < n && (k == 0 || bytes + wire_name_size(names[i]) <= WIRE_CHUNK_TARGET)) {
			bytes += wire_name_size(names[i]);
			p->names[k++] = names[i];
			names[i++] = NULL;
		}
		p->nnames = k;
		if (try_send(d, p))
			pending_free(p);
	}
	names_free(names, n);
}

void requests_fenced(struct ferryd *d, uint32_t nodeid, uint32_t lost_gen, uint64_t fence_time)
{
	struct pending *p;

	for (p = head.next; p != &head; p = p->next)
		if (p->kind == K_FENCED && p->node == nodeid && p->lost_gen == lost_gen)
			return; /* already on its way */
	p = pending_new(K_FENCED);
	if (!p)
		return;
	p->node = nodeid;
	p->lost_gen = lost_gen;
	p->fence_time = fence_time;
	if (try_send(d, p))
		pending_free(p);
}

void requests_release(struct ferryd *d, const char *name)
{
	struct pending *p;

	if (!ledger_name_valid(name))
		return;
	for (p = head.next; p != &head; p = p->next)
		if (p->kind == K_RELEASE && !strcmp(p->req.name, name))
			return; /* already on its way */
	p = pending_new(K_RELEASE);
	if (!p)
		return;
	snprintf(p->req.name, sizeof(p->req.name), "%s", name);
	flog(FLOG_REQ, LOG_NOTICE, "releasing %s, stopped here while ferryd was away", name);
	if (try_send(d, p))
		pending_free(p);
}

static void log_decision(const struct pending *p, int type, const struct ledger_result *res)
{
	if (p->kind == K_REPORT) {
		flog(FLOG_REQ, LOG_INFO, "report of %zu domain(s) applied%s", p->nnames,
		     res->status == FERRY_E_CONFLICT ? " with CONFLICTS" : "");
	} else if (p->kind == K_FENCED) {
		flog(FLOG_REQ, LOG_NOTICE, "fencing of node %u recorded: %s", p->node,
		     ferry_status_name(res->status));
	} else if (p->kind == K_RELEASE) {
		flog(FLOG_REQ, LOG_NOTICE, "release of %s: %s", p->req.name,
		     ferry_status_name(res->status));
	} else {
		flog(FLOG_REQ, LOG_INFO, "%s %s: %s (owner %u, epoch %llu)", wire_type_name(type),
		     p->req.hdr.id == FERRY_IPC_CONFIRM_DEAD ? "" : p->req.name,
		     ferry_status_name(res->status), res->entry.owner,
		     (unsigned long long)res->entry.epoch);
	}
}

void requests_decided(struct ferryd *d, uint64_t req_id, int type, const struct ledger_result *res)
{
	struct pending *p;

	for (p = head.next; p != &head; p = p->next)
		if (p->id == req_id && p->sent)
			break;
	if (p == &head)
		return; /* its client timed out or left: the ledger has the outcome */
	if (res->status == FERRY_E_AGAIN) {
		p->sent = false;
		if (try_send(d, p))
			pending_free(p);
		return;
	}
	log_decision(p, type, res);
	if (p->kind == K_CLIENT)
		reply_client(p, res->status,
			     p->req.hdr.id == FERRY_IPC_CONFIRM_DEAD ? NULL : &res->entry, NULL);
	pending_free(p);
}

void requests_forget(struct ferryd *d, qb_ipcs_connection_t *c)
{
	struct pending *p = head.next;

	(void)d;
	while (p != &head) {
		struct pending *next = p->next;

		if (p->conn == c) {
			/* once sent, it will still be decided; only the answer is lost */
			if (p->sent)
				p->conn = NULL;
			else
				pending_free(p);
		}
		p = next;
	}
}

static void on_tick(void *data)
{
	struct ferryd *d = data;
	uint64_t now = clock_ms();
	struct pending *p = head.next;

	while (p != &head) {
		struct pending *next = p->next;

		if (p->kind == K_CLIENT && ((p->deadline && now >= p->deadline) || !p->conn)) {
			if (p->conn)
				reply_client(p, FERRY_E_TIMEDOUT, NULL,
					     p->sent ? "timed out after sending: the outcome is unknown, "
						       "check 'ferryctl ledger show'"
						     : !replica_synced(d->rep)
							       ? "timed out waiting for the ledger to sync: "
								 "nothing was sent"
							       : "timed out waiting for the CPG and quorum "
								 "rings to agree: nothing was sent");
			pending_free(p);
		}
		p = next;
	}
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, TICK_MS * 1000000ull, d, on_tick, &tick);
}

int requests_start(struct ferryd *d)
{
	return qb_loop_timer_add(d->loop, QB_LOOP_LOW, TICK_MS * 1000000ull, d, on_tick, &tick);
}

void requests_stop(struct ferryd *d)
{
	qb_loop_timer_del(d->loop, tick);
	while (head.next != &head) {
		struct pending *p = head.next;

		if (p->kind == K_CLIENT)
			reply_client(p, FERRY_E_UNREACHABLE, NULL, "ferryd is stopping");
		pending_free(p);
	}
	wbuf_free(&wb);
}
