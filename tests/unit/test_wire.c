/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CPG wire codec: round trips, and every kind of bad input refused. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "wire.h"

static void domain_req_round_trip(void **state)
{
	struct wbuf b = { 0 };
	struct wire_msg m;

	(void)state;
	assert_int_equal(wire_encode_domain_req(&b, WIRE_MIGRATE_BEGIN, WIRE_F_QUORATE, 42, 7,
						"web-1.example", 9, 3),
			 0);
	assert_int_equal(wire_decode(b.p, b.len, &m), 0);
	assert_int_equal(m.hdr.type, WIRE_MIGRATE_BEGIN);
	assert_int_equal(m.hdr.major, WIRE_VERSION_MAJOR);
	assert_int_equal(m.hdr.flags, WIRE_F_QUORATE);
	assert_int_equal(m.hdr.ring, 42);
	assert_int_equal(m.hdr.req_id, 7);
	assert_string_equal(m.name, "web-1.example");
	assert_int_equal(m.epoch, 9);
	assert_int_equal(m.node, 3);
	wbuf_free(&b);
}

static void node_req_and_sync_round_trip(void **state)
{
	struct wbuf b = { 0 };
	struct wire_msg m;
	uint32_t config[3] = { 1, 2, 17 }, id;
	struct wire_member refused[2] = { { 3, 300 }, { 4, 400 } }, wm;
	struct wire_offer o = { .round = 0xabcdef, .has_state = 1, .restored = 1, .authority = 88,
				.version = 1234, .nodes = config, .nnodes = 3, .refused = refused,
				.nrefused = 2 };
	uint8_t boot[WIRE_BOOT_ID_LEN];

	(void)state;
	assert_int_equal(wire_encode_node_req(&b, WIRE_FENCED, 0, 1, 2, 5, 3, 1700000000), 0);
	assert_int_equal(wire_decode(b.p, b.len, &m), 0);
	assert_int_equal(m.node, 5);
	assert_int_equal(m.lost_gen, 3);
	assert_int_equal(m.fence_time, 1700000000);
	assert_int_equal(wire_encode_offer(&b, &o), 0);
	assert_int_equal(wire_decode(b.p, b.len, &m), 0);
	assert_int_equal(m.hdr.type, WIRE_SYNC_OFFER);
	assert_int_equal(m.round, 0xabcdef);
	assert_int_equal(m.has_state, 1);
	assert_int_equal(m.restored, 1);
	assert_int_equal(m.authority, 88);
	assert_int_equal(m.version, 1234);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(wire_next_nodeid(&m.items, &id), 1);
		assert_int_equal(id, config[i]);
	}
	assert_int_equal(wire_next_nodeid(&m.items, &id), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(wire_next_member(&m.refused, &wm), 1);
		assert_int_equal(wm.nodeid, refused[i].nodeid);
		assert_int_equal(wm.pid, refused[i].pid);
	}
	assert_int_equal(wire_next_member(&m.refused, &wm), 0);
	config[1] = 0;
	assert_int_equal(wire_encode_offer(&b, &o), -EINVAL);
	config[1] = 2;
	refused[1].nodeid = 0;
	assert_int_equal(wire_encode_offer(&b, &o), -EINVAL);
	/* the ledger.state header */
	for (int i = 0; i < WIRE_BOOT_ID_LEN; i++)
		boot[i] = (uint8_t)(i * 17);
	assert_int_equal(wire_encode_state(&b, boot, 3, 99, 42), 0);
	assert_int_equal(wire_decode(b.p, b.len, &m), 0);
	assert_int_equal(m.hdr.type, WIRE_STATE);
	assert_memory_equal(m.boot_id, boot, WIRE_BOOT_ID_LEN);
	assert_int_equal(m.node, 3);
	assert_int_equal(m.version, 99);
	assert_int_equal(m.authority, 42);
	assert_int_equal(wire_encode_state(&b, boot, 0, 99, 42), -EINVAL);
	assert_int_equal(wire_encode_force(&b, 77), 0);
	assert_int_equal(wire_decode(b.p, b.len, &m), 0);
	assert_int_equal(m.round, 77);
	/* wrong types for the encoders */
	assert_int_equal(wire_encode_node_req(&b, WIRE_CLAIM, 0, 0, 0, 1, 0, 0), -EINVAL);
	assert_int_equal(wire_encode_domain_req(&b, WIRE_FENCED, 0, 0, 0, "x", 0, 0), -EINVAL);
	assert_int_equal(wire_encode_domain_req(&b, WIRE_CLAIM, 0, 0, 0, "bad name", 0, 0),
			 -EINVAL);
	wbuf_free(&b);
}

static void lists_round_trip(void **state)
{
	struct wbuf b = { 0 };
	struct wire_msg m;
	struct ledger_entry e = { .state = LEDGER_ORPHANED, .owner_dead = 1, .owner = 2,
				  .peer = 0, .epoch = 5, .since_ms = 123456 };
	struct ledger_node n = { .nodeid = 4, .member = 1, .dead = 1, .unseen = 1, .lost_gen = 2,
				 .lost_at_ms = 99 };
	struct ledger_entry got;
	struct ledger_node gotn;
	char name[LEDGER_NAME_MAX + 1];
	int count = 0;

	(void)state;
	assert_int_equal(wire_list_begin(&b, WIRE_REPORT, 11, 0, 0), 0);
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		assert_int_equal(wire_add_name(&b, name), 0);
	}
	assert_int_equal(wire_end(&b), 0);
	assert_int_equal(wire_decode(b.p, b.len, &m), 0);
	while (wire_next_name(&m.items, name))
		assert_int_equal(atoi(name + 1), count++);
	assert_int_equal(count, 500);

	assert_int_equal(wire_list_begin(&b, WIRE_SYNC_CHUNK, 0, 9, 3), 0);
	strcpy(e.name, "alpha");
	wire_add_domain(&b, &e);
	strcpy(e.name, "beta");
	wire_add_domain(&b, &e);
	assert_int_equal(wire_end(&b), 0);
	assert_int_equal(wire_decode(b.p, b.len, &m), 0);
	assert_int_equal(m.round, 9);
	assert_int_equal(m.seq, 3);
	assert_int_equal(wire_next_domain(&m.items, &got), 1);
	assert_string_equal(got.name, "alpha");
	assert_int_equal(got.state, LEDGER_ORPHANED);
	assert_int_equal(got.owner_dead, 1);
	assert_int_equal(got.epoch, 5);
	assert_int_equal(got.since_ms, 123456);
	assert_int_equal(wire_next_domain(&m.items, &got), 1);
	assert_string_equal(got.name, "beta");
	assert_int_equal(wire_next_domain(&m.items, &got), 0);

	assert_int_equal(wire_done_begin(&b, 9, 4, 2, 77, 1, 2), 0);
	wire_add_node(&b, &n);
	assert_int_equal(wire_end(&b), 0);
	assert_int_equal(wire_decode(b.p, b.len, &m), 0);
	assert_int_equal(m.seq, 4);
	assert_int_equal(m.total, 2);
	assert_int_equal(m.version, 77);
	assert_int_equal(m.restored, 1);
	assert_int_equal(m.origin, 2);
	assert_int_equal(wire_next_node(&m.items, &gotn), 1);
	assert_int_equal(gotn.nodeid, 4);
	assert_int_equal(gotn.lost_gen, 2);
	assert_int_equal(gotn.unseen, 1);
	assert_int_equal(gotn.dead, 1);
	assert_int_equal(gotn.lost_at_ms, 99);
	assert_int_equal(gotn.member, 1);
	assert_int_equal(wire_next_node(&m.items, &gotn), 0);
	assert_int_equal(wire_list_begin(&b, WIRE_CLAIM, 0, 0, 0), -EINVAL);
	assert_int_equal(wire_list_begin(&b, WIRE_SYNC_DONE, 0, 0, 0), -EINVAL);
	wbuf_free(&b);
}

static void truncated_refused(void **state)
{
	struct wbuf b = { 0 };
	struct wire_msg m;
	struct ledger_entry e = { .name = "vm", .state = LEDGER_RUNNING, .owner = 1, .epoch = 1 };

	(void)state;
	wire_list_begin(&b, WIRE_SYNC_CHUNK, 0, 1, 0);
	wire_add_domain(&b, &e);
	wire_add_domain(&b, &e);
	assert_int_equal(wire_end(&b), 0);
	for (size_t len = 0; len < b.len; len++)
		assert_int_equal(wire_decode(b.p, len, &m), -EBADMSG);
	/* a shorter buffer with the length field patched to match still fails */
	for (size_t len = WIRE_HDR_LEN; len < b.len; len++) {
		uint8_t *c = malloc(len);

		memcpy(c, b.p, len);
		c[8] = (uint8_t)(len - WIRE_HDR_LEN);
		c[9] = (uint8_t)((len - WIRE_HDR_LEN) >> 8);
		assert_int_equal(wire_decode(c, len, &m), -EBADMSG);
		free(c);
	}
	assert_int_equal(wire_decode(NULL, 40, &m), -EBADMSG);
	wbuf_free(&b);
}

static void oversized_refused(void **state)
{
	struct wbuf b = { 0 };
	struct wire_msg m;
	uint8_t *big = calloc(1, WIRE_MAX_LEN + 1);
	char name[LEDGER_NAME_MAX + 1];
	int i, rc = 0;

	(void)state;
	assert_int_equal(wire_decode(big, WIRE_MAX_LEN + 1, &m), -EMSGSIZE);
	free(big);
	/* the encoder refuses to grow past the limit */
	memset(name, 'n', LEDGER_NAME_MAX);
	name[LEDGER_NAME_MAX] = '\0';
	wire_list_begin(&b, WIRE_REPORT, 0, 0, 0);
	for (i = 0; i < 10000 && rc == 0; i++)
		rc = wire_add_name(&b, name);
	assert_int_equal(rc, -EMSGSIZE);
	assert_int_equal(wire_end(&b), -EMSGSIZE);
	wbuf_free(&b);
}

static void wrong_version_and_magic_refused(void **state)
{
	struct wbuf b = { 0 };
	struct wire_msg m;

	(void)state;
	wire_encode_domain_req(&b, WIRE_CLAIM, 0, 0, 1, "vm", 0, 0);
	b.p[4] = WIRE_VERSION_MAJOR + 1;
	assert_int_equal(wire_decode(b.p, b.len, &m), -EPROTONOSUPPORT);
	assert_int_equal(m.hdr.major, WIRE_VERSION_MAJOR + 1); /* to name it in the log */
	b.p[4] = WIRE_VERSION_MAJOR;
	b.p[5] = 99; /* a newer minor is compatible */
	assert_int_equal(wire_decode(b.p, b.len, &m), 0);
	b.p[0] ^= 0xff;
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	wbuf_free(&b);
}

static void malformed_refused(void **state)
{
	struct wbuf b = { 0 };
	struct wire_msg m;
	uint8_t *c;

	(void)state;
	/* unknown type */
	wire_encode_force(&b, 1);
	b.p[6] = 0xee;
	assert_int_equal(wire_decode(b.p, b.len, &m), -ENOMSG);
	b.p[6] = 0;
	assert_int_equal(wire_decode(b.p, b.len, &m), -ENOMSG);
	/* trailing garbage: length field and buffer agree, payload too long */
	wire_encode_force(&b, 1);
	c = calloc(1, b.len + 3);
	memcpy(c, b.p, b.len);
	c[8] += 3;
	assert_int_equal(wire_decode(c, b.len + 3, &m), -EBADMSG);
	free(c);
	/* length field lies */
	wire_encode_force(&b, 1);
	b.p[8] += 1;
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	/* a name with a forbidden byte */
	wire_encode_domain_req(&b, WIRE_CLAIM, 0, 0, 1, "vmx", 0, 0);
	b.p[WIRE_HDR_LEN + 3] = '/';
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	/* a zero-length name */
	wire_encode_domain_req(&b, WIRE_CLAIM, 0, 0, 1, "v", 0, 0);
	b.p[WIRE_HDR_LEN] = 0;
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	/* a list count larger than the payload */
	wire_list_begin(&b, WIRE_REPORT, 0, 0, 0);
	wire_add_name(&b, "a");
	wire_end(&b);
	b.p[WIRE_HDR_LEN] = 0xff;
	b.p[WIRE_HDR_LEN + 3] = 0x7f;
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	b.p[WIRE_HDR_LEN] = 2;
	b.p[WIRE_HDR_LEN + 3] = 0;
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	b.p[WIRE_HDR_LEN] = 0; /* count smaller than the items: trailing bytes */
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	/* a domain record with an impossible state */
	{
		struct ledger_entry e = { .name = "vm", .state = LEDGER_RUNNING };

		wire_list_begin(&b, WIRE_SYNC_CHUNK, 0, 1, 0);
		wire_add_domain(&b, &e);
		wire_end(&b);
		b.p[WIRE_HDR_LEN + 16 + 3] = LEDGER_STATE_MAX;
		assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	}
	/* node 0 in CONFIRM_DEAD */
	wire_encode_node_req(&b, WIRE_CONFIRM_DEAD, 0, 0, 0, 1, 0, 0);
	b.p[WIRE_HDR_LEN] = 0;
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	wbuf_free(&b);
}

/* Regression (fault injection): a name of declared length n must be exactly
 * n valid bytes. "vm\0x" with length 4 used to decode as "vm", so two
 * encodings meant the same message and the bytes after the NUL went
 * unchecked. */
static void name_with_nul_refused(void **state)
{
	struct wbuf b = { 0 };
	struct wire_msg m;

	(void)state;
	wire_encode_domain_req(&b, WIRE_CLAIM, 0, 0, 1, "vmxy", 0, 0);
	b.p[WIRE_HDR_LEN + 3] = '\0';
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	b.p[WIRE_HDR_LEN + 3] = 'x';
	b.p[WIRE_HDR_LEN + 4] = '\0'; /* NUL as the last byte */
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	b.p[WIRE_HDR_LEN + 4] = 0xff; /* a forbidden byte after the NUL check */
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	/* the same in a REPORT list */
	wire_list_begin(&b, WIRE_REPORT, 0, 0, 0);
	wire_add_name(&b, "ab");
	wire_add_name(&b, "cd");
	wire_end(&b);
	b.p[WIRE_HDR_LEN + 4 + 2] = '\0';
	assert_int_equal(wire_decode(b.p, b.len, &m), -EBADMSG);
	wbuf_free(&b);
}

/* Random mutations of valid messages: decode must never crash or read past
 * the buffer (run under valgrind/ASan to see the latter). */
static void mutations_never_crash(void **state)
{
	struct wbuf b = { 0 };
	struct wire_msg m;
	struct ledger_entry e = { .name = "vm", .state = LEDGER_RUNNING, .owner = 1, .epoch = 1 };
	struct ledger_node n = { .nodeid = 2 };
	unsigned seed = 12345;
	int ok = 0, bad = 0;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		struct wire_iter it;
		char name[LEDGER_NAME_MAX + 1];
		struct ledger_entry ge;
		struct ledger_node gn;
		uint8_t *c;
		size_t len;

		switch (round % 4) {
		case 0:
			wire_encode_domain_req(&b, WIRE_CLAIM, 1, 2, 3, "vm-0", 0, 0);
			break;
		case 1:
			wire_list_begin(&b, WIRE_REPORT, 0, 0, 0);
			wire_add_name(&b, "a");
			wire_add_name(&b, "bb");
			wire_end(&b);
			break;
		case 2:
			wire_list_begin(&b, WIRE_SYNC_CHUNK, 0, 1, 0);
			wire_add_domain(&b, &e);
			wire_end(&b);
			break;
		default:
			wire_done_begin(&b, 1, 1, 1, 5, 0, 1);
			wire_add_node(&b, &n);
			wire_end(&b);
			break;
		}
		len = b.len;
		c = malloc(len);
		memcpy(c, b.p, len);
		for (int k = 0; k < 1 + round % 3; k++) {
			seed = seed * 1103515245u + 12345u;
			c[(seed >> 8) % len] ^= (uint8_t)(1u << ((seed >> 20) % 8));
		}
		if (wire_decode(c, len, &m) == 0) {
			ok++;
			it = m.items;
			while (wire_next_name(&it, name) || wire_next_domain(&it, &ge) ||
			       wire_next_node(&it, &gn))
				;
		} else {
			bad++;
		}
		free(c);
	}
	assert_true(bad > 0);
	assert_true(ok > 0);
	wbuf_free(&b);
}

static void type_names(void **state)
{
	(void)state;
	assert_string_equal(wire_type_name(WIRE_CLAIM), "CLAIM");
	assert_string_equal(wire_type_name(WIRE_SYNC_FORCE), "SYNC_FORCE");
	assert_string_equal(wire_type_name(0), "UNKNOWN");
	assert_string_equal(wire_type_name(WIRE_TYPE_MAX), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(domain_req_round_trip),
		cmocka_unit_test(node_req_and_sync_round_trip),
		cmocka_unit_test(lists_round_trip),
		cmocka_unit_test(truncated_refused),
		cmocka_unit_test(oversized_refused),
		cmocka_unit_test(wrong_version_and_magic_refused),
		cmocka_unit_test(malformed_refused),
		cmocka_unit_test(name_with_nul_refused),
		cmocka_unit_test(mutations_never_crash),
		cmocka_unit_test(type_names),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
