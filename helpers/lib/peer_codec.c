/* The peer protocol's messages on the wire (see peer_proto.h): fixed
 * offsets, big-endian integers, strings that must be terminated inside
 * their field. Decoders are pure and total: any input gives 0 and a
 * well-formed message, or -EPROTO. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "peer_proto.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A string field: copied with its NUL; @nonempty for names. */
static void put_str(uint8_t *p, size_t field, const char *s)
{
	size_t n = strnlen(s, field - 1);

	memset(p, 0, field);
	memcpy(p, s, n);
}

static int get_str(const uint8_t *p, size_t field, char *out, int nonempty)
{
	const uint8_t *nul = memchr(p, '\0', field);

	if (!nul || (nonempty && nul == p))
		return -EPROTO;
	memcpy(out, p, (size_t)(nul - p) + 1);
	return 0;
}

size_t peer_encode_hello(uint8_t *buf, const struct peer_hello *m)
{
	put32(buf, m->id);
	put32(buf + 4, m->version);
	put_str(buf + 8, PEER_NAME_MAX, m->node);
	return PEER_HELLO_LEN;
}

/* A peer of another version may send another layout: the version is
 * decoded first so that the refusal can name it. */
int peer_decode_hello(const uint8_t *buf, size_t len, struct peer_hello *m)
{
	memset(m, 0, sizeof(*m));
	if (len < 8)
		return -EPROTO;
	m->id = get32(buf);
	m->version = get32(buf + 4);
	if (len != PEER_HELLO_LEN || get_str(buf + 8, PEER_NAME_MAX, m->node, 1))
		return -EPROTO;
	return 0;
}

size_t peer_encode_request(uint8_t *buf, const struct peer_request *m)
{
	put32(buf, m->id);
	put32(buf + 4, m->op);
	put_str(buf + 8, PEER_NAME_MAX, m->res);
	return PEER_REQUEST_LEN;
}

int peer_decode_request(const uint8_t *buf, size_t len, struct peer_request *m)
{
	memset(m, 0, sizeof(*m));
	if (len != PEER_REQUEST_LEN)
		return -EPROTO;
	m->id = get32(buf);
	m->op = get32(buf + 4);
	return get_str(buf + 8, PEER_NAME_MAX, m->res, 1);
}

size_t peer_encode_reply(uint8_t *buf, const struct peer_reply *m)
{
	put32(buf, m->id);
	put32(buf + 4, (uint32_t)m->rc);
	put_str(buf + 8, PEER_WHY_MAX, m->why);
	return PEER_REPLY_LEN;
}

int peer_decode_reply(const uint8_t *buf, size_t len, struct peer_reply *m)
{
	memset(m, 0, sizeof(*m));
	if (len != PEER_REPLY_LEN)
		return -EPROTO;
	m->id = get32(buf);
	m->rc = (int32_t)get32(buf + 4);
	/* 0 or a negative errno: anything else is not an answer we know. */
	if (m->rc > 0 || m->rc < -4095)
		return -EPROTO;
	return get_str(buf + 8, PEER_WHY_MAX, m->why, 0);
}

size_t peer_encode_id(uint8_t *buf, uint32_t id)
{
	put32(buf, id);
	return PEER_ID_LEN;
}

int peer_decode_id(const uint8_t *buf, size_t len, uint32_t *id)
{
	*id = 0;
	if (len != PEER_ID_LEN)
		return -EPROTO;
	*id = get32(buf);
	return 0;
}

size_t peer_encode_offer(uint8_t *buf, const struct peer_offer *m)
{
	put32(buf, m->id);
	put32(buf + 4, m->flags);
	put_str(buf + 8, PEER_NAME_MAX, m->name);
	put32(buf + 8 + PEER_NAME_MAX, m->json_len);
	memcpy(buf + PEER_OFFER_HDR, m->json, m->json_len);
	if (!(m->flags & PEER_MIG_PLACE))
		return PEER_OFFER_HDR + m->json_len;
	put_str(buf + PEER_OFFER_HDR + m->json_len, PEER_PATH_MAX, m->config);
	put_str(buf + PEER_OFFER_HDR + m->json_len + PEER_PATH_MAX, PEER_NAME_MAX, m->late_vg);
	return PEER_OFFER_HDR + m->json_len + PEER_OFFER_PLACE;
}

int peer_decode_offer(const uint8_t *buf, size_t len, struct peer_offer *m)
{
	size_t extra;
	uint32_t jl;

	memset(m, 0, sizeof(*m));
	if (len < PEER_OFFER_HDR)
		return -EPROTO;
	m->id = get32(buf);
	m->flags = get32(buf + 4);
	if (get_str(buf + 8, PEER_NAME_MAX, m->name, 1))
		return -EPROTO;
	extra = m->flags & PEER_MIG_PLACE ? PEER_OFFER_PLACE : 0;
	jl = get32(buf + 8 + PEER_NAME_MAX);
	/* The JSON fills the rest exactly (but for the place block), ends
	 * with its only NUL, and holds at least "{}". */
	if (len < PEER_OFFER_HDR + extra || jl < 3 || jl != len - PEER_OFFER_HDR - extra ||
	    buf[PEER_OFFER_HDR + jl - 1] != '\0' || memchr(buf + PEER_OFFER_HDR, '\0', jl - 1))
		return -EPROTO;
	if (extra && (get_str(buf + PEER_OFFER_HDR + jl, PEER_PATH_MAX, m->config, 0) ||
		      get_str(buf + PEER_OFFER_HDR + jl + PEER_PATH_MAX, PEER_NAME_MAX, m->late_vg,
			      0)))
		return -EPROTO;
	m->json = (const char *)buf + PEER_OFFER_HDR;
	m->json_len = jl;
	return 0;
}

size_t peer_encode_go(uint8_t *buf, const struct peer_go *m)
{
	put32(buf, m->id);
	put32(buf + 4, (uint32_t)(m->epoch >> 32));
	put32(buf + 8, (uint32_t)m->epoch);
	return PEER_GO_LEN;
}

int peer_decode_go(const uint8_t *buf, size_t len, struct peer_go *m)
{
	memset(m, 0, sizeof(*m));
	if (len != PEER_GO_LEN)
		return -EPROTO;
	m->id = get32(buf);
	m->epoch = (uint64_t)get32(buf + 4) << 32 | get32(buf + 8);
	return 0;
}

/* The fields of LOCAL after its four u32 and the u64, in order. */
#define LOCAL_STRINGS(F, r)                                                                        \
	F((r)->domain, PEER_NAME_MAX) F((r)->vg, PEER_NAME_MAX) F((r)->lv, NAME_LV_MAX + 1)        \
	F((r)->end[0].node, PEER_NAME_MAX) F((r)->end[0].ip, PEER_NAME_MAX)                         \
	F((r)->end[1].node, PEER_NAME_MAX) F((r)->end[1].ip, PEER_NAME_MAX)

_Static_assert(sizeof(((struct drbd_local_res *)0)->domain) == PEER_NAME_MAX &&
		       sizeof(((struct drbd_local_res *)0)->vg) == PEER_NAME_MAX &&
		       sizeof(((struct drbd_local_res *)0)->end[0].node) == PEER_NAME_MAX &&
		       sizeof(((struct drbd_local_res *)0)->end[0].ip) == PEER_NAME_MAX,
	       "LOCAL's string fields are the struct's");

size_t peer_encode_local(uint8_t *buf, const struct peer_local *m)
{
	uint8_t *p = buf + 24;

	put32(buf, m->id);
	put32(buf + 4, m->step);
	put32(buf + 8, m->flags);
	put32(buf + 12, m->res.slot);
	put32(buf + 16, (uint32_t)(m->res.sectors >> 32));
	put32(buf + 20, (uint32_t)m->res.sectors);
#define PUT(field, size) put_str(p, size, field), p += size;
	LOCAL_STRINGS(PUT, &m->res)
#undef PUT
	return PEER_LOCAL_LEN;
}

int peer_decode_local(const uint8_t *buf, size_t len, struct peer_local *m)
{
	const uint8_t *p = buf + 24;

	memset(m, 0, sizeof(*m));
	if (len != PEER_LOCAL_LEN)
		return -EPROTO;
	m->id = get32(buf);
	m->step = get32(buf + 4);
	m->flags = get32(buf + 8);
	m->res.slot = get32(buf + 12);
	m->res.sectors = (uint64_t)get32(buf + 16) << 32 | get32(buf + 20);
	if ((m->flags & ~PEER_LOCAL_FLAGS) || m->res.slot >= DRBD_LOCAL_SLOTS)
		return -EPROTO;
#define GET(field, size)                                                                           \
	if (get_str(p, size, field, 1))                                                            \
		return -EPROTO;                                                                    \
	p += size;
	LOCAL_STRINGS(GET, &m->res)
#undef GET
	return 0;
}

uint32_t peer_msg_id(const uint8_t *buf, size_t len)
{
	return len >= 4 ? get32(buf) : 0;
}

const char *peer_msg_name(uint16_t type, char *buf, size_t len)
{
	static const char *const names[] = {
		[PEER_MSG_HELLO] = "HELLO", [PEER_MSG_REQUEST] = "REQUEST",
		[PEER_MSG_REPLY] = "REPLY", [PEER_MSG_PING] = "PING",
		[PEER_MSG_MIG_OFFER] = "MIG_OFFER", [PEER_MSG_MIG_READY] = "MIG_READY",
		[PEER_MSG_MIG_RECEIVED] = "MIG_RECEIVED", [PEER_MSG_MIG_GO] = "MIG_GO",
		[PEER_MSG_MIG_ABORT] = "MIG_ABORT", [PEER_MSG_MIG_RESULT] = "MIG_RESULT",
		[PEER_MSG_MIG_STREAM] = "MIG_STREAM", [PEER_MSG_LOCAL] = "LOCAL",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	snprintf(buf, len, "message %u", type);
	return buf;
}
