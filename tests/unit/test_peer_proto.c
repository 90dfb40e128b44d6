/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The peer protocol over real loopback TCP and the real transport: the
 * client's requests (peer.c), the migration conversation of both ends
 * (migrate_send_conv.c, migrate_recv_conv.c) and the serve loop
 * (peer_serve.c), as `ferryctl serve` runs it.
 *
 * The target's storage and hypervisor actions are stand-ins (struct
 * stub): a failed libxl restore, the case this file is about, needs a
 * hypervisor the unit tier does not have. Everything on the wire, every
 * decision of what to send and what to expect, is the real code.
 *
 * The case from the fault-injection pass: after a failed restore the
 * target has left the migration, the source used to send MIG_ABORT anyway,
 * the target answered "unexpected message", and from then on each reply was
 * read as the answer to the next request ("demoting failed" although it
 * succeeded). Now every reply carries its request's id, the source says
 * ABORT only to a target that holds a copy, and a reply out of step closes
 * the connection. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <qb/qblog.h>

#include "migrate_conv.h"
#include "peer.h"
#include "peer_serve.h"
#include "transport_peer.h"

#define TIMEOUT 10000
#define STREAM_BYTES (1 << 20)

static struct authkey key;

/* The target's actions, observed. */
struct stub {
	int storage_calls;
	enum peer_op ops[16];
	bool restore_fails;      /* restore reads the whole stream, then fails */
	uint64_t restored;       /* bytes restore read */
	int drops, gos;
	uint64_t go_epoch;
	int aborts_seen;         /* MIG_ABORTs that found no migration to abort */
	uint32_t offer_flags;    /* what the last offer carried */
	char config[PEER_PATH_MAX], late_vg[PEER_NAME_MAX];
};

static int stub_storage(void *arg, enum peer_op op, const char *res, char *why, size_t len)
{
	struct stub *st = arg;

	if (st->storage_calls < 16)
		st->ops[st->storage_calls] = op;
	st->storage_calls++;
	/* Each operation answers differently, so a reply taken for another
	 * request's would show. */
	switch (op) {
	case PEER_OP_DEMOTE:
		return 0;
	case PEER_OP_WINDOW_CLOSE:
		snprintf(why, len, "window of %s: close refused by the stub", res);
		return -EIO;
	case PEER_OP_PROMOTE:
		snprintf(why, len, "promote %s: peer is Primary", res);
		return -EBUSY;
	default:
		return 0;
	}
}

static int stub_preflight(void *arg, const struct peer_offer *o, char *why, size_t len)
{
	struct stub *st = arg;

	st->offer_flags = o->flags;
	snprintf(st->config, sizeof(st->config), "%s", o->config);
	snprintf(st->late_vg, sizeof(st->late_vg), "%s", o->late_vg);
	/* As the real pre-flight says it (migrate_preflight.c). */
	if ((o->flags & PEER_MIG_PLACE) && !strcmp(o->config, "/etc/xen/missing.cfg")) {
		snprintf(why, len, "the domain's config file %s is missing on beta", o->config);
		return -ENOENT;
	}
	if (!strcmp(o->name, "refuse-me")) {
		snprintf(why, len, "a domain %s already exists here", o->name);
		return -EEXIST;
	}
	return 0;
}

static int stub_restore(void *arg, int fd, char *why, size_t len)
{
	struct stub *st = arg;
	uint8_t buf[65536];
	ssize_t n;

	st->restored = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		st->restored += (uint64_t)n;
	if (st->restore_fails || st->restored != STREAM_BYTES) {
		snprintf(why, len, "restoring failed (%llu of %d bytes)",
			 (unsigned long long)st->restored, STREAM_BYTES);
		return -EIO;
	}
	return 0;
}

static int stub_go(void *arg, uint64_t epoch, char *why, size_t len)
{
	struct stub *st = arg;

	(void)why;
	(void)len;
	st->gos++;
	st->go_epoch = epoch;
	return 0;
}

static void stub_drop(void *arg, const char *why)
{
	struct stub *st = arg;

	(void)why;
	st->drops++;
}

static const struct migrate_target_ops target_ops = {
	.preflight = stub_preflight, .restore = stub_restore, .go = stub_go, .drop = stub_drop,
};

static int serve_migrate(void *arg, struct peer_server *s, const struct peer_offer *o)
{
	return migrate_target_run(s, o, &target_ops, arg, TIMEOUT);
}

static const struct peer_serve_ops serve_ops = { .storage = stub_storage,
						 .migrate = serve_migrate };

/* Sends as usual, counting the answers to an ABORT that found nothing to
 * abort (what the old source provoked after a failed restore). */
static int count_send(struct peer_server *s, uint16_t type, const void *buf, size_t len)
{
	struct stub *st = s->arg;
	struct peer_reply r;

	if (type == PEER_MSG_REPLY && peer_decode_reply(buf, len, &r) == 0 &&
	    strstr(r.why, "nothing to abort"))
		st->aborts_seen++;
	return transport_send_msg(s->t, type, buf, len);
}

/* ---- a client and a served conversation ---- */

struct conv {
	struct side srv;
	struct peer_server ps;
	struct stub st;
	int serve_rc;
	struct peer *p;
};

static int serve_script(struct side *s, struct transport *t)
{
	struct conv *c = s->arg;

	c->ps.t = t;
	snprintf(c->ps.peer_node, sizeof(c->ps.peer_node), "%s", transport_peer_node(t));
	c->serve_rc = peer_serve_run(&c->ps, TIMEOUT);
	return 0;
}

/* Opens a connection as node "alpha" (claiming @hello_as in HELLO) to a
 * served "beta". */
static int conv_open_as(struct conv *c, const char *hello_as, char *why, size_t len)
{
	struct transport_opts o = { .key = &key, .self = "alpha", .peer = "beta", .encrypt = true,
				    .timeout_ms = TIMEOUT };
	struct transport *t;
	int cfd, rc;

	memset(c, 0, sizeof(*c));
	assert_int_equal(tcp_pair(&cfd, &c->srv.fd), 0);
	c->srv.server = true;
	c->srv.o = (struct transport_opts){ .key = &key, .self = "beta", .encrypt = true,
					    .timeout_ms = TIMEOUT };
	c->srv.arg = c;
	c->srv.script = serve_script;
	c->ps.ops = &serve_ops;
	c->ps.arg = &c->st;
	c->ps.send = count_send;
	snprintf(c->ps.self, sizeof(c->ps.self), "beta");
	assert_int_equal(side_start(&c->srv), 0);
	assert_int_equal(transport_client(cfd, &o, &t), 0);
	rc = peer_open(t, hello_as, "beta", TIMEOUT, &c->p, why, len);
	if (rc)
		transport_free(t);
	return rc;
}

static void conv_open(struct conv *c)
{
	char why[PEER_WHY_MAX] = "";

	assert_int_equal(conv_open_as(c, "alpha", why, sizeof(why)), 0);
	assert_string_equal(c->p->node, "beta");
}

static void conv_close(struct conv *c)
{
	peer_close(c->p);
	side_join(&c->srv);
}

/* Sends @n bytes of stream (or fewer: the source's libxl failing). */
static void stream_send(struct peer *p, size_t n)
{
	static uint8_t buf[65536];
	size_t done = 0;
	int fd;

	assert_int_equal(transport_stream_begin(p->t, &fd), 0);
	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);

		assert_int_equal(fd_write_all(fd, buf, k), 0);
		done += k;
	}
	assert_int_equal(transport_stream_end(p->t), 0);
}

/* After whatever happened: the next requests get their own answers. */
static void expect_in_step(struct conv *c)
{
	char why[PEER_WHY_MAX] = "";

	assert_int_equal(peer_request(c->p, PEER_OP_DEMOTE, "r0", why, sizeof(why)), 0);
	assert_int_equal(peer_request(c->p, PEER_OP_WINDOW_CLOSE, "r0", why, sizeof(why)), -EIO);
	assert_non_null(strstr(why, "window of r0: close refused"));
	assert_int_equal(peer_request(c->p, PEER_OP_PROMOTE, "r0", why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "promote r0: peer is Primary"));
}

/* ---- tests ---- */

static void test_ping_and_requests(void **state)
{
	struct conv c;
	int64_t rtt = -1;
	char why[PEER_WHY_MAX];

	(void)state;
	conv_open(&c);
	assert_int_equal(peer_ping(c.p, &rtt, why, sizeof(why)), 0);
	assert_true(rtt >= 0);
	assert_int_equal(peer_request(c.p, PEER_OP_WINDOW_OPEN, "r0", why, sizeof(why)), 0);
	expect_in_step(&c);
	conv_close(&c);
	assert_int_equal(c.serve_rc, -ECONNRESET);
	assert_int_equal(c.st.storage_calls, 4);
	assert_int_equal(c.st.ops[0], PEER_OP_WINDOW_OPEN);
	assert_int_equal(c.st.ops[1], PEER_OP_DEMOTE);
}

/* The fault-injection case: the target's restore fails. The source hears
 * it in RECEIVED, says no ABORT (the target holds nothing), and the
 * storage requests of the rollback get their own replies. */
static void test_failed_restore_rollback(void **state)
{
	struct migrate_source src;
	struct conv c;
	char why[PEER_WHY_MAX] = "";

	(void)state;
	conv_open(&c);
	c.st.restore_fails = true;
	src = (struct migrate_source){ .p = c.p };
	assert_int_equal(migrate_source_offer(&src, "d1", true, "{\"c_info\":{}}", why, sizeof(why)),
			 0);
	assert_int_equal(peer_request(c.p, PEER_OP_WINDOW_OPEN, "r0", why, sizeof(why)), 0);
	assert_int_equal(migrate_source_stream(&src, 7, why, sizeof(why)), 0);
	stream_send(c.p, STREAM_BYTES);
	assert_int_equal(migrate_source_received(&src, TIMEOUT, why, sizeof(why)), -EIO);
	assert_non_null(strstr(why, "restoring failed"));
	assert_false(src.target_holds);
	/* The rollback: nothing to abort, nothing sent. */
	assert_int_equal(migrate_source_abort(&src, TIMEOUT, why, sizeof(why)), 0);
	expect_in_step(&c);
	conv_close(&c);
	assert_int_equal(c.st.restored, STREAM_BYTES);
	assert_int_equal(c.st.drops, 1);
	assert_int_equal(c.st.gos, 0);
	assert_int_equal(c.st.aborts_seen, 0);
	assert_int_equal(c.serve_rc, -ECONNRESET); /* no protocol error on the way */
}

/* The source's own libxl fails mid-stream: the target's RECEIVED (a
 * failure: the stream was short) is read by the rollback before anything
 * else, so the next replies stay in step. */
static void test_source_stream_fails(void **state)
{
	struct migrate_source src;
	struct conv c;
	char why[PEER_WHY_MAX] = "";

	(void)state;
	conv_open(&c);
	src = (struct migrate_source){ .p = c.p };
	assert_int_equal(migrate_source_offer(&src, "d1", true, "{\"c_info\":{}}", why, sizeof(why)),
			 0);
	assert_int_equal(migrate_source_stream(&src, 7, why, sizeof(why)), 0);
	stream_send(c.p, STREAM_BYTES / 2);
	/* No migrate_source_received: the source failed before reading it. */
	assert_int_equal(migrate_source_abort(&src, TIMEOUT, why, sizeof(why)), 0);
	expect_in_step(&c);
	conv_close(&c);
	assert_int_equal(c.st.restored, STREAM_BYTES / 2);
	assert_int_equal(c.st.drops, 1);
	assert_int_equal(c.serve_rc, -ECONNRESET);
}

/* The target holds a complete copy and the source gives up before GO:
 * ABORT, the target drops its copy and confirms, and the conversation goes
 * on in step. */
static void test_abort_while_target_holds(void **state)
{
	struct migrate_source src;
	struct conv c;
	char why[PEER_WHY_MAX] = "";

	(void)state;
	conv_open(&c);
	src = (struct migrate_source){ .p = c.p };
	assert_int_equal(migrate_source_offer(&src, "d1", false, "{\"c_info\":{}}", why, sizeof(why)),
			 0);
	assert_int_equal(migrate_source_stream(&src, 9, why, sizeof(why)), 0);
	stream_send(c.p, STREAM_BYTES);
	assert_int_equal(migrate_source_received(&src, TIMEOUT, why, sizeof(why)), 0);
	assert_true(src.target_holds);
	assert_int_equal(migrate_source_abort(&src, TIMEOUT, why, sizeof(why)), 0);
	assert_false(src.target_holds);
	/* A second rollback says nothing more. */
	assert_int_equal(migrate_source_abort(&src, TIMEOUT, why, sizeof(why)), 0);
	expect_in_step(&c);
	conv_close(&c);
	assert_int_equal(c.st.drops, 1);
	assert_int_equal(c.st.gos, 0);
	assert_int_equal(c.serve_rc, -ECONNRESET);
}

static void test_go(void **state)
{
	struct migrate_source src;
	struct conv c;
	char why[PEER_WHY_MAX] = "";

	(void)state;
	conv_open(&c);
	src = (struct migrate_source){ .p = c.p };
	assert_int_equal(migrate_source_offer(&src, "d1", true, "{\"c_info\":{}}", why, sizeof(why)),
			 0);
	assert_int_equal(migrate_source_stream(&src, 0x1122334455ull, why, sizeof(why)), 0);
	stream_send(c.p, STREAM_BYTES);
	assert_int_equal(migrate_source_received(&src, TIMEOUT, why, sizeof(why)), 0);
	assert_int_equal(migrate_source_go(&src, 0x1122334455ull, TIMEOUT, why, sizeof(why)), 0);
	assert_false(src.target_holds);
	expect_in_step(&c);
	conv_close(&c);
	assert_int_equal(c.st.gos, 1);
	assert_int_equal(c.st.go_epoch, 0x1122334455ull);
	assert_int_equal(c.st.drops, 0);
}

static void test_offer_refused(void **state)
{
	struct migrate_source src;
	struct conv c;
	char why[PEER_WHY_MAX] = "";

	(void)state;
	conv_open(&c);
	src = (struct migrate_source){ .p = c.p };
	assert_int_equal(migrate_source_offer(&src, "refuse-me", true, "{}", why, sizeof(why)),
			 -EEXIST);
	assert_non_null(strstr(why, "already exists"));
	assert_int_equal(migrate_source_abort(&src, TIMEOUT, why, sizeof(why)), 0);
	expect_in_step(&c);
	conv_close(&c);
}

/* The target's pre-flight refuses: its reason is the source's, at the
 * offer, before any storage request (no window opened). The config path
 * and the late VG reach the target as the source gave them. */
static void test_offer_refused_by_preflight(void **state)
{
	struct migrate_source src;
	struct conv c;
	char why[PEER_WHY_MAX] = "";

	(void)state;
	conv_open(&c);
	src = (struct migrate_source){ .p = c.p, .config = "/etc/xen/missing.cfg",
				       .late_vg = "vgabove" };
	assert_int_equal(migrate_source_offer(&src, "d1", true, "{}", why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "config file /etc/xen/missing.cfg is missing on beta"));
	assert_int_equal(c.st.offer_flags, PEER_MIG_LIVE | PEER_MIG_PLACE);
	assert_string_equal(c.st.late_vg, "vgabove");
	assert_int_equal(c.st.storage_calls, 0);
	assert_int_equal(migrate_source_abort(&src, TIMEOUT, why, sizeof(why)), 0);
	expect_in_step(&c);
	/* Without a place (an older source): no flag, nothing checked. */
	src = (struct migrate_source){ .p = c.p };
	assert_int_equal(migrate_source_offer(&src, "refuse-me", false, "{}", why, sizeof(why)),
			 -EEXIST);
	assert_int_equal(c.st.offer_flags, 0);
	assert_string_equal(c.st.config, "");
	conv_close(&c);
}

/* An ABORT the target does not expect (an older source, or a race) is
 * answered with its id, and the conversation stays in step. */
static void test_stray_abort(void **state)
{
	struct conv c;
	uint8_t buf[PEER_ID_LEN];
	uint32_t id;
	char why[PEER_WHY_MAX] = "";

	(void)state;
	conv_open(&c);
	id = peer_next_id(c.p);
	assert_int_equal(peer_send(c.p, PEER_MSG_MIG_ABORT, buf, peer_encode_id(buf, id), why,
				   sizeof(why)), 0);
	assert_int_equal(peer_wait(c.p, PEER_MSG_REPLY, id, TIMEOUT, why, sizeof(why)), 0);
	expect_in_step(&c);
	conv_close(&c);
	assert_int_equal(c.st.aborts_seen, 1);
}

/* A message the server cannot take: answered -EPROTO with its id, and the
 * conversation ends; the client reads a REPLY where it waited for RESULT:
 * out of step, so it closes and every later request fails. */
static void test_unexpected_message(void **state)
{
	struct peer_go g = { .epoch = 1 };
	struct conv c;
	uint8_t buf[PEER_GO_LEN];
	char why[PEER_WHY_MAX] = "";

	(void)state;
	conv_open(&c);
	g.id = peer_next_id(c.p);
	assert_int_equal(peer_send(c.p, PEER_MSG_MIG_GO, buf, peer_encode_go(buf, &g), why,
				   sizeof(why)), 0);
	assert_int_equal(peer_wait(c.p, PEER_MSG_MIG_RESULT, g.id, TIMEOUT, why, sizeof(why)),
			 -EPROTO);
	assert_non_null(strstr(why, "unexpected MIG_GO"));
	assert_true(peer_request(c.p, PEER_OP_DEMOTE, "r0", why, sizeof(why)) < 0);
	conv_close(&c);
	assert_int_equal(c.serve_rc, -EPROTO);
	assert_int_equal(c.st.storage_calls, 0);
}

/* HELLO must name the node the transport authenticated. */
static void test_hello_must_match_identity(void **state)
{
	struct conv c;
	char why[PEER_WHY_MAX] = "";

	(void)state;
	assert_int_equal(conv_open_as(&c, "mallory", why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "authenticated as alpha"));
	side_join(&c.srv);
	assert_int_equal(c.serve_rc, -EPERM);
}

/* A server that answers with another request's id (what the old protocol
 * did after the stray ABORT): the client refuses it, whatever it says, and
 * closes the connection. */
static int wrong_id_server(struct side *s, struct transport *t)
{
	struct peer_reply r = { .rc = 0 };
	struct peer_hello h;
	uint8_t buf[PEER_REPLY_LEN];
	uint16_t type;
	size_t got;
	int rc;

	(void)s;
	rc = transport_recv_msg(t, &type, buf, sizeof(buf), &got, -1);
	if (rc || peer_decode_hello(buf, got, &h))
		return -EPROTO;
	snprintf(h.node, sizeof(h.node), "beta");
	transport_send_msg(t, PEER_MSG_HELLO, buf, peer_encode_hello(buf, &h));
	rc = transport_recv_msg(t, &type, buf, sizeof(buf), &got, -1);
	if (rc)
		return rc;
	r.id = peer_msg_id(buf, got) - 1; /* the answer to the request before */
	snprintf(r.why, sizeof(r.why), "done");
	transport_send_msg(t, PEER_MSG_REPLY, buf, peer_encode_reply(buf, &r));
	/* The client must close: the next read sees it. */
	return transport_recv_msg(t, &type, buf, sizeof(buf), &got, -1);
}

static void test_reply_out_of_step(void **state)
{
	struct transport_opts o = { .key = &key, .self = "alpha", .peer = "beta", .encrypt = false,
				    .timeout_ms = TIMEOUT };
	struct side srv = { .server = true, .script = wrong_id_server };
	struct transport *t;
	struct peer *p;
	char why[PEER_WHY_MAX] = "";
	int cfd;

	(void)state;
	assert_int_equal(tcp_pair(&cfd, &srv.fd), 0);
	srv.o = (struct transport_opts){ .key = &key, .self = "beta", .encrypt = false,
					 .timeout_ms = TIMEOUT };
	assert_int_equal(side_start(&srv), 0);
	assert_int_equal(transport_client(cfd, &o, &t), 0);
	assert_int_equal(peer_open(t, "alpha", "beta", TIMEOUT, &p, why, sizeof(why)), 0);
	assert_int_equal(peer_request(p, PEER_OP_DEMOTE, "r0", why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "protocol error"));
	/* Treated as failed, and nothing more goes over this connection. */
	assert_int_equal(peer_request(p, PEER_OP_WINDOW_CLOSE, "r0", why, sizeof(why)), -EPROTO);
	side_join(&srv);
	assert_int_equal(srv.script_rc, -ECONNRESET);
	peer_close(p);
}

/* LOCAL: a move's every field survives the wire; a slot out of range, an
 * unknown flag, an empty or unterminated name and a wrong length do not
 * decode. */
static void test_codec_local(void **state)
{
	struct peer_local m = {.id = 9, .step = 7, .flags = PEER_LOCAL_UNDO,
			       .res = {.slot = 3, .sectors = (1ULL << 40) + 5, .domain = "vm3",
				       .vg = "vg0", .lv = "vm3-disk",
				       .end = {{"node1", "198.18.0.1"}, {"node2", "198.18.0.2"}}}},
			  m2;
	uint8_t buf[PEER_LOCAL_LEN + 1];
	size_t n = peer_encode_local(buf, &m);

	(void)state;
	assert_int_equal(n, PEER_LOCAL_LEN);
	assert_int_equal(peer_decode_local(buf, n, &m2), 0);
	assert_int_equal(m2.step, 7);
	assert_int_equal(m2.flags, PEER_LOCAL_UNDO);
	assert_int_equal(m2.res.slot, 3);
	assert_true(m2.res.sectors == (1ULL << 40) + 5);
	assert_string_equal(m2.res.lv, "vm3-disk");
	assert_string_equal(m2.res.end[1].node, "node2");
	assert_string_equal(m2.res.end[1].ip, "198.18.0.2");
	assert_int_equal(peer_decode_local(buf, n - 1, &m2), -EPROTO);
	assert_int_equal(peer_decode_local(buf, n + 1, &m2), -EPROTO);
	m.res.slot = DRBD_LOCAL_SLOTS;
	peer_encode_local(buf, &m);
	assert_int_equal(peer_decode_local(buf, n, &m2), -EPROTO);
	m.res.slot = 0;
	m.flags = 4;
	peer_encode_local(buf, &m);
	assert_int_equal(peer_decode_local(buf, n, &m2), -EPROTO);
	m.flags = 0;
	m.res.end[1].ip[0] = '\0';
	peer_encode_local(buf, &m);
	assert_int_equal(peer_decode_local(buf, n, &m2), -EPROTO);
	m.res.end[1].ip[0] = '1';
	peer_encode_local(buf, &m);
	memset(buf + 24 + 2 * PEER_NAME_MAX, 'x', NAME_LV_MAX + 1); /* the LV unterminated */
	assert_int_equal(peer_decode_local(buf, n, &m2), -EPROTO);
}

/* The codec: round trips, and what decoders refuse. */
static void test_codec(void **state)
{
	uint8_t buf[PEER_REPLY_LEN + PEER_OFFER_HDR], place[PEER_OFFER_HDR + 8 + PEER_OFFER_PLACE];
	struct peer_request q = { .id = 5, .op = PEER_OP_PROMOTE, .res = "r1" }, q2;
	struct peer_reply r = { .id = 6, .rc = -EBUSY, .why = "busy" }, r2;
	struct peer_offer o = { .id = 7, .flags = 1, .name = "d", .json = "{\"a\":1}",
				.json_len = 8 }, o2;
	struct peer_hello h = { .id = 1, .version = 2, .node = "n1" }, h2;
	size_t n;

	(void)state;
	n = peer_encode_request(buf, &q);
	assert_int_equal(peer_decode_request(buf, n, &q2), 0);
	assert_int_equal(q2.id, 5);
	assert_string_equal(q2.res, "r1");
	assert_int_equal(peer_decode_request(buf, n - 1, &q2), -EPROTO);
	buf[8] = '\0'; /* empty name */
	assert_int_equal(peer_decode_request(buf, n, &q2), -EPROTO);
	memset(buf + 8, 'x', PEER_NAME_MAX); /* unterminated */
	assert_int_equal(peer_decode_request(buf, n, &q2), -EPROTO);

	n = peer_encode_reply(buf, &r);
	assert_int_equal(peer_decode_reply(buf, n, &r2), 0);
	assert_int_equal(r2.rc, -EBUSY);
	assert_string_equal(r2.why, "busy");
	buf[7] = 1; /* rc 1: not 0 or -errno */
	buf[4] = buf[5] = buf[6] = 0;
	assert_int_equal(peer_decode_reply(buf, n, &r2), -EPROTO);

	n = peer_encode_offer(buf, &o);
	assert_int_equal(peer_decode_offer(buf, n, &o2), 0);
	assert_string_equal(o2.json, "{\"a\":1}");
	assert_int_equal(peer_decode_offer(buf, n - 1, &o2), -EPROTO);
	buf[PEER_OFFER_HDR + 2] = '\0'; /* a NUL inside the JSON */
	assert_int_equal(peer_decode_offer(buf, n, &o2), -EPROTO);

	/* With the place block: config path and late VG after the JSON. */
	o.flags = PEER_MIG_LIVE | PEER_MIG_PLACE;
	snprintf(o.config, sizeof(o.config), "/etc/xen/d.cfg");
	n = peer_encode_offer(place, &o);
	assert_int_equal(n, PEER_OFFER_HDR + 8 + PEER_OFFER_PLACE);
	assert_int_equal(peer_decode_offer(place, n, &o2), 0);
	assert_string_equal(o2.json, "{\"a\":1}");
	assert_string_equal(o2.config, "/etc/xen/d.cfg");
	assert_string_equal(o2.late_vg, "");
	assert_int_equal(peer_decode_offer(place, n - 1, &o2), -EPROTO);
	place[1] = 0;
	place[7] = PEER_MIG_LIVE; /* the block without the flag: the JSON must end */
	assert_int_equal(peer_decode_offer(place, n, &o2), -EPROTO);
	place[7] = PEER_MIG_LIVE | PEER_MIG_PLACE;
	memset(place + PEER_OFFER_HDR + 8, 'x', PEER_PATH_MAX); /* unterminated path */
	assert_int_equal(peer_decode_offer(place, n, &o2), -EPROTO);

	n = peer_encode_hello(buf, &h);
	assert_int_equal(peer_decode_hello(buf, n, &h2), 0);
	assert_string_equal(h2.node, "n1");
	/* Another version's hello: the version still comes out, for the refusal. */
	assert_int_equal(peer_decode_hello(buf, 8, &h2), -EPROTO);
	assert_int_equal(h2.version, 2);
	assert_int_equal(peer_msg_id(buf, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec),
		cmocka_unit_test(test_ping_and_requests),
		cmocka_unit_test(test_failed_restore_rollback),
		cmocka_unit_test(test_source_stream_fails),
		cmocka_unit_test(test_abort_while_target_holds),
		cmocka_unit_test(test_go),
		cmocka_unit_test(test_offer_refused),
		cmocka_unit_test(test_offer_refused_by_preflight),
		cmocka_unit_test(test_stray_abort),
		cmocka_unit_test(test_codec_local),
		cmocka_unit_test(test_unexpected_message),
		cmocka_unit_test(test_hello_must_match_identity),
		cmocka_unit_test(test_reply_out_of_step),
	};

	signal(SIGPIPE, SIG_IGN);
	if (getenv("FERRY_TEST_LOG")) {
		qb_log_init("test_peer_proto", LOG_USER, LOG_DEBUG);
		qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
				  LOG_DEBUG);
		qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
	}
	assert_int_equal(gnutls_rnd(GNUTLS_RND_RANDOM, key.data, 32), 0);
	key.len = 32;
	return cmocka_run_group_tests_name("peer_proto", tests, NULL, NULL);
}
