/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every decoder of the peer protocol (peer_codec.c) on arbitrary bytes; a
 * message that decodes must encode back to the same bytes (the encodings
 * are canonical: fixed fields, NUL-padded strings), so no two inputs mean
 * the same thing to the two ends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "peer_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Same bytes, except that what follows a string's NUL is padding. */
static void same(const uint8_t *a, const uint8_t *b, size_t n)
{
	if (memcmp(a, b, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[PEER_OFFER_HDR + 65536 + PEER_OFFER_PLACE];
	struct peer_hello h;
	struct peer_request q;
	struct peer_reply r;
	struct peer_offer o;
	struct peer_go g;
	struct peer_local l, l2;
	uint32_t id;
	char name[24];

	if (size && peer_msg_name(data[0], name, sizeof(name))[0] == '\0')
		abort();
	if (peer_decode_hello(data, size, &h) == 0) {
		peer_encode_hello(out, &h);
		if (memcmp(out, data, 8) || strcmp((char *)out + 8, h.node))
			abort();
	}
	if (peer_decode_request(data, size, &q) == 0) {
		peer_encode_request(out, &q);
		same(out, data, 8 + strlen(q.res));
	}
	if (peer_decode_reply(data, size, &r) == 0) {
		peer_encode_reply(out, &r);
		same(out, data, 8 + strlen(r.why));
	}
	if (peer_decode_id(data, size, &id) == 0) {
		peer_encode_id(out, id);
		same(out, data, PEER_ID_LEN);
	}
	if (peer_decode_go(data, size, &g) == 0) {
		peer_encode_go(out, &g);
		same(out, data, PEER_GO_LEN);
	}
	if (peer_decode_offer(data, size, &o) == 0) {
		if (o.json_len > sizeof(out) - PEER_OFFER_HDR)
			return 0;
		if (strlen(o.json) + 1 != o.json_len)
			abort();
		if (peer_encode_offer(out, &o) != size)
			abort();
		same(out, data, 8 + strlen(o.name));
		same(out + PEER_OFFER_HDR - 4, data + PEER_OFFER_HDR - 4, 4 + o.json_len);
		if (o.flags & PEER_MIG_PLACE) {
			same(out + PEER_OFFER_HDR + o.json_len, data + PEER_OFFER_HDR + o.json_len,
			     strlen(o.config) + 1);
			same(out + PEER_OFFER_HDR + o.json_len + PEER_PATH_MAX,
			     data + PEER_OFFER_HDR + o.json_len + PEER_PATH_MAX,
			     strlen(o.late_vg) + 1);
		}
	}
	/* LOCAL: what decodes encodes to a message that decodes the same. */
	if (peer_decode_local(data, size, &l) == 0) {
		if (peer_encode_local(out, &l) != size || peer_decode_local(out, size, &l2) ||
		    memcmp(&l, &l2, sizeof(l)))
			abort();
		same(out, data, 24);
	}
	(void)peer_msg_id(data, size);
	return 0;
}
