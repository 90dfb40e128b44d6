/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ledger's wire codec on arbitrary bytes: decode, walk every item, then
 * re-encode what was decoded and decode it again. The encoding of a decoded
 * message must be canonical: the same payload bytes as the input, and the
 * second decode identical to the first (decode -> encode -> decode).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encode what m says, with the encoders the daemon uses. */
static int reencode(const struct wire_msg *m, struct wbuf *b)
{
	struct wire_iter it = m->items;
	char name[LEDGER_NAME_MAX + 1];
	struct ledger_entry e;
	struct ledger_node n;
	static uint32_t ids[WIRE_MAX_LEN / 4];
	struct wire_member *refs;
	uint32_t id;
	size_t k = 0, nr = 0;
	int rc;

	switch (m->hdr.type) {
	case WIRE_CLAIM:
	case WIRE_RELEASE:
	case WIRE_MIGRATE_BEGIN:
	case WIRE_MIGRATE_COMMIT:
	case WIRE_MIGRATE_ABORT:
		return wire_encode_domain_req(b, m->hdr.type, m->hdr.flags, m->hdr.ring,
					      m->hdr.req_id, m->name, m->epoch, m->node);
	case WIRE_CONFIRM_DEAD:
	case WIRE_FENCED:
		return wire_encode_node_req(b, m->hdr.type, m->hdr.flags, m->hdr.ring,
					    m->hdr.req_id, m->node, m->lost_gen, m->fence_time);
	case WIRE_SYNC_FORCE:
		return wire_encode_force(b, m->round);
	case WIRE_SYNC_OFFER: {
		struct wire_offer o = {
			.round = m->round,
			.has_state = m->has_state,
			.restored = m->restored,
			.authority = m->authority,
			.version = m->version,
		};
		struct wire_iter ri = m->refused;

		while (wire_next_nodeid(&it, &id))
			ids[k++] = id;
		refs = malloc((ri.left ? ri.left : 1) * sizeof(*refs));
		if (!refs)
			return -1;
		while (wire_next_member(&ri, &refs[nr]))
			nr++;
		o.nodes = ids;
		o.nnodes = k;
		o.refused = refs;
		o.nrefused = nr;
		rc = wire_encode_offer(b, &o);
		free(refs);
		return rc;
	}
	case WIRE_STATE:
		return wire_encode_state(b, m->boot_id, m->node, m->version, m->authority);
	case WIRE_REPORT:
		wire_list_begin(b, WIRE_REPORT, m->hdr.req_id, 0, 0);
		while (wire_next_name(&it, name))
			wire_add_name(b, name);
		return wire_end(b);
	case WIRE_SYNC_CHUNK:
		wire_list_begin(b, WIRE_SYNC_CHUNK, m->hdr.req_id, m->round, m->seq);
		while (wire_next_domain(&it, &e))
			wire_add_domain(b, &e);
		return wire_end(b);
	case WIRE_SYNC_DONE:
		wire_done_begin(b, m->round, m->seq, m->total, m->version, m->restored, m->origin);
		while (wire_next_node(&it, &n))
			wire_add_node(b, &n);
		return wire_end(b);
	default:
		abort(); /* wire_decode accepted a type nobody encodes */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_msg m, m2;
	struct wire_iter it;
	char name[LEDGER_NAME_MAX + 1];
	struct ledger_entry e;
	struct ledger_node n;
	struct wbuf b = { 0 };
	struct wire_member wm;
	uint32_t id;

	if (wire_decode(data, size, &m) < 0)
		return 0;
	it = m.items;
	while (wire_next_name(&it, name))
		;
	it = m.items;
	while (wire_next_domain(&it, &e))
		;
	it = m.items;
	while (wire_next_node(&it, &n))
		;
	it = m.items;
	while (wire_next_nodeid(&it, &id))
		;
	it = m.refused;
	while (wire_next_member(&it, &wm))
		;

	if (reencode(&m, &b) != 0)
		abort(); /* a decoded message must be encodable */
	/* canonical: the payload comes back byte for byte */
	if (b.len != size || memcmp(b.p + WIRE_HDR_LEN, data + WIRE_HDR_LEN, size - WIRE_HDR_LEN))
		abort();
	if (wire_decode(b.p, b.len, &m2) != 0)
		abort();
	/* Items point into their own buffers; everything else must match. */
	if (m2.hdr.type != m.hdr.type || m2.hdr.len != m.hdr.len || m2.items.left != m.items.left ||
	    m2.refused.left != m.refused.left || strcmp(m2.name, m.name) || m2.epoch != m.epoch ||
	    m2.node != m.node || m2.lost_gen != m.lost_gen || m2.fence_time != m.fence_time ||
	    m2.round != m.round || m2.has_state != m.has_state || m2.restored != m.restored || m2.origin != m.origin ||
	    m2.authority != m.authority || m2.version != m.version || m2.seq != m.seq ||
	    m2.total != m.total || memcmp(m2.boot_id, m.boot_id, sizeof(m.boot_id)))
		abort();
	wbuf_free(&b);
	return 0;
}
