/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

/* ---- little-endian primitives ---- */

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void wbuf_free(struct wbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static uint8_t *wbuf_room(struct wbuf *b, size_t n)
{
	if (b->err)
		return NULL;
	if (b->len + n > WIRE_MAX_LEN) {
		b->err = -EMSGSIZE;
		return NULL;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	b->len += n;
	return b->p + b->len - n;
}

static void put(struct wbuf *b, uint64_t v, unsigned n)
{
	uint8_t *p = wbuf_room(b, n);

	if (p)
		put_le(p, v, n);
}

static void put_name(struct wbuf *b, const char *name)
{
	size_t n;
	uint8_t *p;

	if (!name || !ledger_name_valid(name)) {
		if (!b->err)
			b->err = -EINVAL;
		return;
	}
	n = strlen(name);
	p = wbuf_room(b, 1 + n);
	if (p) {
		p[0] = (uint8_t)n;
		memcpy(p + 1, name, n);
	}
}

/* ---- encoding ---- */

/* Start a message in b (reset first); the payload length is patched later. */
static int wire_begin(struct wbuf *b, enum wire_type type, uint32_t flags, uint64_t ring,
		      uint64_t req_id)
{
	b->len = 0;
	b->err = 0;
	b->count_off = 0;
	b->count = 0;
	put(b, WIRE_MAGIC, 4);
	put(b, WIRE_VERSION_MAJOR, 1);
	put(b, WIRE_VERSION_MINOR, 1);
	put(b, type, 2);
	put(b, 0, 4); /* payload length, patched by wire_end */
	put(b, flags, 4);
	put(b, ring, 8);
	put(b, req_id, 8);
	return b->err;
}

int wire_end(struct wbuf *b)
{
	if (b->err)
		return b->err;
	put_le(b->p + 8, b->len - WIRE_HDR_LEN, 4);
	if (b->count_off)
		put_le(b->p + b->count_off, b->count, 4);
	return 0;
}

int wire_encode_domain_req(struct wbuf *b, enum wire_type type, uint32_t flags, uint64_t ring,
			   uint64_t req_id, const char *name, uint64_t epoch, uint32_t target)
{
	if (type < WIRE_CLAIM || type > WIRE_MIGRATE_ABORT)
		return -EINVAL;
	wire_begin(b, type, flags, ring, req_id);
	put_name(b, name);
	put(b, epoch, 8);
	put(b, target, 4);
	return wire_end(b);
}

int wire_encode_node_req(struct wbuf *b, enum wire_type type, uint32_t flags, uint64_t ring,
			 uint64_t req_id, uint32_t node, uint32_t lost_gen, uint64_t fence_time)
{
	if (type != WIRE_CONFIRM_DEAD && type != WIRE_FENCED)
		return -EINVAL;
	wire_begin(b, type, flags, ring, req_id);
	put(b, node, 4);
	put(b, lost_gen, 4);
	put(b, fence_time, 8);
	return wire_end(b);
}

int wire_encode_offer(struct wbuf *b, const struct wire_offer *o)
{
	wire_begin(b, WIRE_SYNC_OFFER, 0, 0, 0);
	put(b, o->round, 8);
	put(b, o->has_state ? 1 : 0, 1);
	put(b, o->restored ? 1 : 0, 1);
	put(b, o->authority, 8);
	put(b, o->version, 8);
	put(b, o->nnodes, 4);
	for (size_t i = 0; i < o->nnodes; i++) {
		if (o->nodes[i] == 0 && !b->err)
			b->err = -EINVAL;
		put(b, o->nodes[i], 4);
	}
	put(b, o->nrefused, 4);
	for (size_t i = 0; i < o->nrefused; i++) {
		if (o->refused[i].nodeid == 0 && !b->err)
			b->err = -EINVAL;
		put(b, o->refused[i].nodeid, 4);
		put(b, o->refused[i].pid, 4);
	}
	return wire_end(b);
}

int wire_encode_state(struct wbuf *b, const uint8_t boot_id[WIRE_BOOT_ID_LEN], uint32_t nodeid,
		      uint64_t version, uint64_t authority)
{
	uint8_t *p;

	wire_begin(b, WIRE_STATE, 0, 0, 0);
	p = wbuf_room(b, WIRE_BOOT_ID_LEN);
	if (p)
		memcpy(p, boot_id, WIRE_BOOT_ID_LEN);
	if (nodeid == 0 && !b->err)
		b->err = -EINVAL;
	put(b, nodeid, 4);
	put(b, version, 8);
	put(b, authority, 8);
	return wire_end(b);
}

int wire_encode_force(struct wbuf *b, uint64_t round)
{
	wire_begin(b, WIRE_SYNC_FORCE, 0, 0, 0);
	put(b, round, 8);
	return wire_end(b);
}

int wire_list_begin(struct wbuf *b, enum wire_type type, uint64_t req_id, uint64_t round,
		    uint32_t seq)
{
	if (type != WIRE_REPORT && type != WIRE_SYNC_CHUNK)
		return -EINVAL;
	wire_begin(b, type, 0, 0, req_id);
	if (type != WIRE_REPORT) {
		put(b, round, 8);
		put(b, seq, 4);
	}
	b->count_off = b->len;
	put(b, 0, 4);
	return b->err;
}

int wire_done_begin(struct wbuf *b, uint64_t round, uint32_t seq, uint32_t total,
		    uint64_t version, uint8_t restored, uint8_t origin)
{
	wire_begin(b, WIRE_SYNC_DONE, 0, 0, 0);
	put(b, round, 8);
	put(b, seq, 4);
	put(b, total, 4);
	put(b, version, 8);
	put(b, restored ? 1 : 0, 1);
	if (origin > WIRE_ORIGIN_MAX && !b->err)
		b->err = -EINVAL;
	put(b, origin, 1);
	b->count_off = b->len;
	put(b, 0, 4);
	return b->err;
}

int wire_add_name(struct wbuf *b, const char *name)
{
	put_name(b, name);
	b->count++;
	return b->err;
}

/* One room for the whole record: a snapshot encodes every record after
 * every change (ledger.state), so this is the encoder's hot path. */
int wire_add_domain(struct wbuf *b, const struct ledger_entry *e)
{
	size_t n = strnlen(e->name, LEDGER_NAME_MAX + 1);
	uint8_t *p;

	if (!ledger_name_valid(e->name)) {
		if (!b->err)
			b->err = -EINVAL;
		return b->err;
	}
	p = wbuf_room(b, 1 + n + 1 + 1 + 4 + 4 + 8 + 8);
	if (p) {
		p[0] = (uint8_t)n;
		memcpy(p + 1, e->name, n);
		p += 1 + n;
		p[0] = e->state;
		p[1] = e->owner_dead;
		put_le(p + 2, e->owner, 4);
		put_le(p + 6, e->peer, 4);
		put_le(p + 10, e->epoch, 8);
		put_le(p + 18, e->since_ms, 8);
	}
	b->count++;
	return b->err;
}

int wire_add_node(struct wbuf *b, const struct ledger_node *n)
{
	put(b, n->nodeid, 4);
	put(b, n->member ? 1 : 0, 1);
	put(b, n->dead, 1);
	put(b, n->unseen, 1);
	put(b, n->lost_gen, 4);
	put(b, n->lost_at_ms, 8);
	b->count++;
	return b->err;
}

size_t wire_name_size(const char *name)
{
	return 1 + strlen(name);
}

size_t wire_domain_size(const struct ledger_entry *e)
{
	return wire_name_size(e->name) + 1 + 1 + 4 + 4 + 8 + 8;
}

/* ---- decoding ---- */

struct rd {
	const uint8_t *p;
	const uint8_t *end;
	int err;
};

static uint64_t take(struct rd *r, unsigned n)
{
	uint64_t v;

	if (r->err || (size_t)(r->end - r->p) < n) {
		r->err = -EBADMSG;
		return 0;
	}
	v = get_le(r->p, n);
	r->p += n;
	return v;
}

static void take_name(struct rd *r, char out[LEDGER_NAME_MAX + 1])
{
	size_t n = take(r, 1);

	if (r->err)
		return;
	/* Exactly n valid bytes: a NUL inside would end the name early, leave
	 * the bytes after it unchecked and give one message two encodings. */
	if (n == 0 || n > LEDGER_NAME_MAX || (size_t)(r->end - r->p) < n ||
	    memchr(r->p, '\0', n) != NULL) {
		r->err = -EBADMSG;
		return;
	}
	memcpy(out, r->p, n);
	out[n] = '\0';
	r->p += n;
	if (!ledger_name_valid(out))
		r->err = -EBADMSG;
}

static void take_domain(struct rd *r, struct ledger_entry *e)
{
	memset(e, 0, sizeof(*e));
	take_name(r, e->name);
	e->state = (uint8_t)take(r, 1);
	e->owner_dead = (uint8_t)take(r, 1);
	e->owner = (uint32_t)take(r, 4);
	e->peer = (uint32_t)take(r, 4);
	e->epoch = take(r, 8);
	e->since_ms = take(r, 8);
	if (!r->err && (e->state >= LEDGER_STATE_MAX || e->owner_dead > 1))
		r->err = -EBADMSG;
}

static void take_node(struct rd *r, struct ledger_node *n)
{
	memset(n, 0, sizeof(*n));
	n->nodeid = (uint32_t)take(r, 4);
	n->member = (uint8_t)take(r, 1);
	n->dead = (uint8_t)take(r, 1);
	n->unseen = (uint8_t)take(r, 1);
	n->lost_gen = (uint32_t)take(r, 4);
	n->lost_at_ms = take(r, 8);
	if (!r->err && (n->nodeid == 0 || n->member > 1 || n->dead > 1 || n->unseen > 1))
		r->err = -EBADMSG;
}

static void take_nodeid(struct rd *r, uint32_t *id)
{
	*id = (uint32_t)take(r, 4);
	if (!r->err && *id == 0)
		r->err = -EBADMSG;
}

static void take_member(struct rd *r, struct wire_member *m)
{
	take_nodeid(r, &m->nodeid);
	m->pid = (uint32_t)take(r, 4);
}

enum item { IT_NAME, IT_DOMAIN, IT_NODE, IT_NODEID, IT_MEMBER };

/* Walk a whole list once so that iterating it later cannot fail. */
static void take_list(struct rd *r, enum item type, struct wire_iter *it)
{
	uint32_t count = (uint32_t)take(r, 4);
	char name[LEDGER_NAME_MAX + 1];
	struct ledger_entry e;
	struct ledger_node n;
	struct wire_member wm;
	uint32_t id;

	if (r->err)
		return;
	/* Each item needs at least 2 bytes: refuse absurd counts up front. */
	if ((size_t)count > (size_t)(r->end - r->p) / 2) {
		r->err = -EBADMSG;
		return;
	}
	it->p = r->p;
	it->left = count;
	for (uint32_t i = 0; i < count && !r->err; i++) {
		if (type == IT_NAME)
			take_name(r, name);
		else if (type == IT_DOMAIN)
			take_domain(r, &e);
		else if (type == IT_NODEID)
			take_nodeid(r, &id);
		else if (type == IT_MEMBER)
			take_member(r, &wm);
		else
			take_node(r, &n);
	}
	it->end = r->p;
}

static int decode_hdr(const uint8_t *p, size_t len, struct wire_hdr *h)
{
	if (len < WIRE_HDR_LEN || get_le(p, 4) != WIRE_MAGIC)
		return -EBADMSG;
	h->major = p[4];
	h->minor = p[5];
	h->type = (uint16_t)get_le(p + 6, 2);
	h->len = (uint32_t)get_le(p + 8, 4);
	h->flags = (uint32_t)get_le(p + 12, 4);
	h->ring = get_le(p + 16, 8);
	h->req_id = get_le(p + 24, 8);
	return 0;
}

int wire_decode(const void *buf, size_t len, struct wire_msg *m)
{
	struct rd r;
	int rc;

	memset(m, 0, sizeof(*m));
	if (!buf)
		return -EBADMSG;
	if (len > WIRE_MAX_LEN)
		return -EMSGSIZE;
	rc = decode_hdr(buf, len, &m->hdr);
	if (rc < 0)
		return rc;
	if (m->hdr.major != WIRE_VERSION_MAJOR)
		return -EPROTONOSUPPORT;
	if ((size_t)m->hdr.len != len - WIRE_HDR_LEN)
		return -EBADMSG;
	if (m->hdr.type < WIRE_CLAIM || m->hdr.type >= WIRE_TYPE_MAX)
		return -ENOMSG;

	r.p = (const uint8_t *)buf + WIRE_HDR_LEN;
	r.end = (const uint8_t *)buf + len;
	r.err = 0;
	switch (m->hdr.type) {
	case WIRE_CLAIM:
	case WIRE_RELEASE:
	case WIRE_MIGRATE_BEGIN:
	case WIRE_MIGRATE_COMMIT:
	case WIRE_MIGRATE_ABORT:
		take_name(&r, m->name);
		m->epoch = take(&r, 8);
		m->node = (uint32_t)take(&r, 4);
		break;
	case WIRE_CONFIRM_DEAD:
	case WIRE_FENCED:
		m->node = (uint32_t)take(&r, 4);
		m->lost_gen = (uint32_t)take(&r, 4);
		m->fence_time = take(&r, 8);
		if (!r.err && m->node == 0)
			r.err = -EBADMSG;
		break;
	case WIRE_SYNC_OFFER:
		m->round = take(&r, 8);
		m->has_state = (uint8_t)take(&r, 1);
		m->restored = (uint8_t)take(&r, 1);
		m->authority = take(&r, 8);
		m->version = take(&r, 8);
		if (!r.err && (m->has_state > 1 || m->restored > 1))
			r.err = -EBADMSG;
		take_list(&r, IT_NODEID, &m->items);
		take_list(&r, IT_MEMBER, &m->refused);
		break;
	case WIRE_SYNC_FORCE:
		m->round = take(&r, 8);
		break;
	case WIRE_REPORT:
		take_list(&r, IT_NAME, &m->items);
		break;
	case WIRE_SYNC_CHUNK:
		m->round = take(&r, 8);
		m->seq = (uint32_t)take(&r, 4);
		take_list(&r, IT_DOMAIN, &m->items);
		break;
	case WIRE_SYNC_DONE:
		m->round = take(&r, 8);
		m->seq = (uint32_t)take(&r, 4);
		m->total = (uint32_t)take(&r, 4);
		m->version = take(&r, 8);
		m->restored = (uint8_t)take(&r, 1);
		m->origin = (uint8_t)take(&r, 1);
		if (!r.err && (m->restored > 1 || m->origin > WIRE_ORIGIN_MAX))
			r.err = -EBADMSG;
		take_list(&r, IT_NODE, &m->items);
		break;
	case WIRE_STATE:
		if ((size_t)(r.end - r.p) >= WIRE_BOOT_ID_LEN) {
			memcpy(m->boot_id, r.p, WIRE_BOOT_ID_LEN);
			r.p += WIRE_BOOT_ID_LEN;
		} else {
			r.err = -EBADMSG;
		}
		m->node = (uint32_t)take(&r, 4);
		m->version = take(&r, 8);
		m->authority = take(&r, 8);
		if (!r.err && m->node == 0)
			r.err = -EBADMSG;
		break;
	}
	if (!r.err && r.p != r.end)
		r.err = -EBADMSG; /* trailing bytes */
	return r.err;
}

/* One item of a pre-validated list; the list's type says which kind. */
static int iter_next(struct wire_iter *it, void (*take_one)(struct rd *, void *), void *out)
{
	struct rd r = { it->p, it->end, 0 };

	if (!it->left)
		return 0;
	take_one(&r, out);
	if (r.err)
		return 0;
	it->p = r.p;
	it->left--;
	return 1;
}

static void take_name_item(struct rd *r, void *out)
{
	take_name(r, out);
}

static void take_domain_item(struct rd *r, void *out)
{
	take_domain(r, out);
}

static void take_node_item(struct rd *r, void *out)
{
	take_node(r, out);
}

static void take_nodeid_item(struct rd *r, void *out)
{
	take_nodeid(r, out);
}

int wire_next_name(struct wire_iter *it, char name[LEDGER_NAME_MAX + 1])
{
	return iter_next(it, take_name_item, name);
}

int wire_next_domain(struct wire_iter *it, struct ledger_entry *e)
{
	return iter_next(it, take_domain_item, e);
}

int wire_next_node(struct wire_iter *it, struct ledger_node *n)
{
	return iter_next(it, take_node_item, n);
}

int wire_next_nodeid(struct wire_iter *it, uint32_t *nodeid)
{
	return iter_next(it, take_nodeid_item, nodeid);
}

static void take_member_item(struct rd *r, void *out)
{
	take_member(r, out);
}

int wire_next_member(struct wire_iter *it, struct wire_member *m)
{
	return iter_next(it, take_member_item, m);
}

const char *wire_type_name(int type)
{
	static const char *const names[WIRE_TYPE_MAX] = {
		[WIRE_CLAIM] = "CLAIM",
		[WIRE_RELEASE] = "RELEASE",
		[WIRE_MIGRATE_BEGIN] = "MIGRATE_BEGIN",
		[WIRE_MIGRATE_COMMIT] = "MIGRATE_COMMIT",
		[WIRE_MIGRATE_ABORT] = "MIGRATE_ABORT",
		[WIRE_REPORT] = "REPORT",
		[WIRE_CONFIRM_DEAD] = "CONFIRM_DEAD",
		[WIRE_FENCED] = "FENCED",
		[WIRE_SYNC_OFFER] = "SYNC_OFFER",
		[WIRE_SYNC_CHUNK] = "SYNC_CHUNK",
		[WIRE_SYNC_DONE] = "SYNC_DONE",
		[WIRE_SYNC_FORCE] = "SYNC_FORCE",
		[WIRE_STATE] = "STATE",
	};

	if (type <= 0 || type >= WIRE_TYPE_MAX)
		return "UNKNOWN";
	return names[type];
}
