/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "ledger_state.h"

struct emit_ctx {
	struct wbuf *wb;
	uint64_t round;
	uint32_t seq;
	size_t bytes; /* of the chunk being filled, 0: none open */
	ledger_state_emit_fn fn;
	void *ctx;
};

static int chunk_flush(struct emit_ctx *c)
{
	int rc;

	if (!c->bytes)
		return 0;
	rc = wire_end(c->wb);
	if (rc == 0)
		rc = c->fn(c->ctx, c->wb->p, c->wb->len);
	c->bytes = 0;
	c->seq++;
	return rc;
}

/* Records go out in hash order: receivers do not need them sorted, and a
 * sort per save (after every change) would cost more than the rest. */
static int add_record(const struct ledger_entry *e, void *arg)
{
	struct emit_ctx *c = arg;
	size_t sz = wire_domain_size(e);
	int rc;

	if (c->bytes && c->bytes + sz > WIRE_CHUNK_TARGET) {
		rc = chunk_flush(c);
		if (rc < 0)
			return rc;
	}
	if (!c->bytes)
		wire_list_begin(c->wb, WIRE_SYNC_CHUNK, 0, c->round, c->seq);
	c->bytes += sz;
	return wire_add_domain(c->wb, e);
}

int ledger_state_emit(struct ledger *l, struct wbuf *wb, uint64_t round, uint64_t version,
		      bool restored, uint8_t origin, ledger_state_emit_fn fn, void *ctx)
{
	struct emit_ctx c = { .wb = wb, .round = round, .fn = fn, .ctx = ctx };
	const struct ledger_node *nodes;
	size_t nodes_n;
	int rc;

	rc = ledger_foreach(l, add_record, &c);
	if (rc == 0)
		rc = chunk_flush(&c);
	if (rc < 0)
		return rc;
	wire_done_begin(wb, round, c.seq, (uint32_t)ledger_count(l), version, restored, origin);
	nodes = ledger_nodes(l, &nodes_n);
	for (size_t i = 0; i < nodes_n; i++)
		wire_add_node(wb, &nodes[i]);
	rc = wire_end(wb);
	if (rc == 0)
		rc = fn(ctx, wb->p, wb->len);
	return rc < 0 ? rc : (int)c.seq;
}

int ledger_state_write(struct ledger *l, const struct ledger_state_meta *m, struct wbuf *wb,
		       ledger_state_emit_fn fn, void *ctx)
{
	int rc = wire_encode_state(wb, m->boot_id, m->nodeid, m->version, m->authority);

	if (rc == 0)
		rc = fn(ctx, wb->p, wb->len);
	if (rc == 0)
		rc = ledger_state_emit(l, wb, 0, m->version, false, m->origin, fn, ctx);
	return rc < 0 ? rc : 0;
}

/* The next message of the file: its header says how long it is. */
static int next_msg(const uint8_t *p, size_t left, struct wire_msg *msg, size_t *used)
{
	size_t len;

	if (left < WIRE_HDR_LEN)
		return -EBADMSG;
	len = WIRE_HDR_LEN + ((size_t)p[8] | (size_t)p[9] << 8 | (size_t)p[10] << 16 |
			      (size_t)p[11] << 24);
	if (len > left || len > WIRE_MAX_LEN)
		return -EBADMSG;
	*used = len;
	return wire_decode(p, len, msg) < 0 ? -EBADMSG : 0;
}

static int fail(const char **why, const char *text)
{
	if (why)
		*why = text;
	return -EBADMSG;
}

int ledger_state_read(const void *buf, size_t len, struct ledger_state_meta *m,
		      struct ledger **out, const char **why)
{
	const uint8_t *p = buf;
	struct wire_msg msg;
	struct ledger *l;
	size_t used, pos = 0;
	uint32_t chunks = 0;
	int rc = 0;

	*out = NULL;
	if (!p || next_msg(p, len, &msg, &used) < 0 || msg.hdr.type != WIRE_STATE)
		return fail(why, "no valid STATE record at its start");
	memset(m, 0, sizeof(*m));
	memcpy(m->boot_id, msg.boot_id, sizeof(m->boot_id));
	m->nodeid = msg.node;
	m->version = msg.version;
	m->authority = msg.authority;
	pos = used;
	l = ledger_new();
	if (!l)
		return -ENOMEM;
	for (;;) {
		struct ledger_entry e;
		struct ledger_node n;

		if (next_msg(p + pos, len - pos, &msg, &used) < 0) {
			rc = fail(why, "a record is truncated or malformed");
			break;
		}
		pos += used;
		if (msg.hdr.type == WIRE_SYNC_CHUNK) {
			if (msg.seq != chunks++ || msg.round != 0) {
				rc = fail(why, "chunks out of order");
				break;
			}
			while (rc == 0 && wire_next_domain(&msg.items, &e)) {
				if (ledger_find(l, e.name))
					rc = fail(why, "a domain appears twice");
				else if (!ledger_entry_valid(&e))
					rc = fail(why, "an inconsistent domain record");
				else
					rc = ledger_put(l, &e);
			}
			if (rc < 0)
				break;
			continue;
		}
		if (msg.hdr.type != WIRE_SYNC_DONE || msg.seq != chunks || msg.round != 0 ||
		    msg.restored || msg.version != m->version || msg.total != ledger_count(l)) {
			rc = fail(why, "its totals do not match its records");
			break;
		}
		m->origin = msg.origin;
		while (rc == 0 && wire_next_node(&msg.items, &n))
			rc = ledger_node_get(l, n.nodeid) ? fail(why, "a node appears twice")
							  : ledger_node_put(l, &n);
		if (rc == 0 && pos != len)
			rc = fail(why, "bytes after its last record");
		break;
	}
	if (rc < 0) {
		ledger_free(l);
		return rc;
	}
	*out = l;
	return 0;
}
