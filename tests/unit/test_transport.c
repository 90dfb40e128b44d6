/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The migration transport over real loopback TCP: authentication in both
 * modes, identities bound to node names, key rollover, refusals named for
 * what they are (another key, another node, a replayed handshake), the
 * authentication deadline, frames forged inside and outside TLS (plain
 * mode included), a 64 MiB stream with the xl-like phases after it, peers
 * dying mid-stream. The far side runs in a thread (or a forked child when
 * it has to die); only the main thread asserts. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netinet/tcp.h>

#include <cmocka.h>
#include <qb/qblog.h>

#include "transport_int.h"
#include "transport_peer.h"

#define TIMEOUT 10000 /* generous: the machine is shared and slow */
#define SHORT 1000    /* for the tests that wait for a timeout (valgrind-proof) */

enum { MSG_READY = 1, MSG_CONFIG, MSG_RECEIVED, MSG_GO, MSG_RESULT, MSG_PING };

static struct authkey key_a, key_b;

/* The source is node "alpha", the target "beta". */
#define CLI_OPTS(k, enc, to) \
	(struct transport_opts){ .key = (k), .self = "alpha", .peer = "beta", .encrypt = (enc), \
				 .timeout_ms = (to) }
#define SRV_OPTS(k, enc, to) \
	(struct transport_opts){ .key = (k), .self = "beta", .encrypt = (enc), .timeout_ms = (to) }

/* What a parametrised test runs with (its cmocka state). */
struct variant {
	bool enc;        /* the source encrypts (and usually the target requires it) */
	bool srv_enc;    /* the target requires encryption */
	bool source;     /* the source (not the target) is the side that misbehaves */
	bool cli_no_ktls, srv_no_ktls; /* that end keeps the records in GnuTLS */
};

/* Does this kernel have the TLS upper layer protocol (tls.ko)? Where it
 * does, every TLS test runs with kTLS on both ends unless it says not. */
static bool ktls_available(void)
{
	int c, s;
	bool ok = false;

	if (tcp_pair(&c, &s) == 0) {
		ok = setsockopt(c, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")) == 0;
		close(c);
		close(s);
	}
	return ok;
}

#define VARIANT(fn, name, ...) \
	{ #fn "_" name, fn, NULL, NULL, &(struct variant){ __VA_ARGS__ } }

struct pair {
	struct side cli, srv;
};

static void pair_init(struct pair *p, bool cli_enc, bool srv_enc, const struct authkey *ck,
		      const struct authkey *sk, int timeout)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(tcp_pair(&p->cli.fd, &p->srv.fd), 0);
	p->cli.o = CLI_OPTS(ck, cli_enc, timeout);
	p->srv.o = SRV_OPTS(sk, srv_enc, timeout);
	p->srv.server = true;
}

static void pair_run(struct pair *p)
{
	assert_int_equal(side_start(&p->srv), 0);
	assert_int_equal(side_start(&p->cli), 0);
	side_join(&p->cli);
	side_join(&p->srv);
}

/* ---- authentication ---- */

static int ping_client(struct side *s, struct transport *t)
{
	char buf[16];
	uint16_t type;
	size_t len;
	int rc;

	(void)s;
	rc = transport_send_msg(t, MSG_PING, "ping", 4);
	if (!rc)
		rc = transport_recv_msg(t, &type, buf, sizeof(buf), &len, -1);
	if (!rc && (type != MSG_PING || len != 4 || memcmp(buf, "pong", 4)))
		rc = -EBADMSG;
	return rc;
}

static int ping_server(struct side *s, struct transport *t)
{
	char buf[16];
	uint16_t type;
	size_t len;
	int rc;

	(void)s;
	rc = transport_recv_msg(t, &type, buf, sizeof(buf), &len, -1);
	if (!rc && (type != MSG_PING || len != 4 || memcmp(buf, "ping", 4)))
		rc = -EBADMSG;
	if (!rc)
		rc = transport_send_msg(t, MSG_PING, "pong", 4);
	return rc;
}

/* Right key: authenticated both ways, a message each way. */
static void test_connect(void **state)
{
	const struct variant *v = *state;
	bool expect_tls = v->enc;
	struct pair p;

	pair_init(&p, v->enc, v->srv_enc, &key_a, &key_a, TIMEOUT);
	p.cli.script = ping_client;
	p.srv.script = ping_server;
	pair_run(&p);
	assert_int_equal(p.cli.rc, 0);
	assert_int_equal(p.srv.rc, 0);
	assert_int_equal(p.cli.script_rc, 0);
	assert_int_equal(p.srv.script_rc, 0);
	assert_int_equal(p.cli.stats.encrypted, expect_tls);
	assert_int_equal(p.srv.stats.encrypted, expect_tls);
	if (expect_tls) {
		assert_true(!strcmp(p.cli.stats.cipher, "CHACHA20-POLY1305") ||
			    !strcmp(p.cli.stats.cipher, "AES-128-GCM"));
	} else {
		/* Integrity only: GnuTLS's NULL cipher, HMAC-SHA256 records. */
		assert_string_equal(p.cli.stats.cipher, "NULL");
		assert_string_equal(p.cli.stats.mac, "SHA256");
	}
	assert_string_equal(p.cli.stats.cipher, p.srv.stats.cipher);
	assert_string_equal(p.cli.stats.key_id, p.srv.stats.key_id);
	assert_int_equal(strlen(p.cli.stats.key_id), AUTHKEY_ID_LEN);
	assert_true(p.cli.stats.wire_tx > 0 && p.cli.stats.wire_rx > 0);
}

/* A target on a trusted network still accepts an encrypting source. */
static void test_wrong_key(void **state)
{
	const struct variant *v = *state;
	struct pair p;

	pair_init(&p, v->enc, v->enc, &key_a, &key_b, TIMEOUT);
	p.cli.script = ping_client;
	p.srv.script = ping_server;
	pair_run(&p);
	assert_int_equal(p.cli.rc, -EACCES);
	assert_int_equal(p.srv.rc, -EACCES);
}

static void test_plain_client_encrypting_server(void **state)
{
	struct pair p;

	(void)state;
	pair_init(&p, false, true, &key_a, &key_a, TIMEOUT);
	pair_run(&p);
	assert_int_equal(p.cli.rc, -EPROTONOSUPPORT);
	assert_int_equal(p.srv.rc, -EPROTONOSUPPORT);
	assert_string_equal(transport_strerror(p.cli.rc), "target requires encryption");
}

/* ---- a raw peer speaking the wire format by hand ---- */

static void raw_send(int fd, const void *buf, size_t n)
{
	assert_int_equal(send(fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void raw_recv(int fd, void *buf, size_t n)
{
	assert_int_equal(fd_read_all(fd, buf, n), 0);
}

static void hello_make(uint8_t *h, uint16_t version, uint8_t mode)
{
	memcpy(h, "FRRY", 4);
	h[4] = (uint8_t)(version >> 8);
	h[5] = (uint8_t)version;
	h[6] = mode;
	h[7] = 0;
}

/* Runs a server on srv.fd while the main thread plays the client on cfd. */
static void raw_server_start(struct side *srv, int *cfd, bool enc, int timeout)
{
	memset(srv, 0, sizeof(*srv));
	assert_int_equal(tcp_pair(cfd, &srv->fd), 0);
	srv->server = true;
	srv->o = SRV_OPTS(&key_a, enc, timeout);
	assert_int_equal(side_start(srv), 0);
}

/* Sends a hand-made hello to a fresh server: its result, and its reply. */
static int hello_try(const void *hello, size_t len, uint8_t *reply)
{
	struct side srv;
	int c;

	raw_server_start(&srv, &c, false, TIMEOUT);
	raw_send(c, hello, len);
	raw_recv(c, reply, 8);
	side_join(&srv);
	close(c);
	assert_memory_equal(reply, "FRRY", 4);
	assert_int_equal(reply[4] << 8 | reply[5], TRANSPORT_VERSION); /* what the target speaks */
	return srv.rc;
}

/* Hellos the target must refuse, each with the status it answers. */
static void test_bad_hellos(void **state)
{
	static const struct {
		const char *what;
		uint8_t hello[8];
		int rc;
		uint8_t status;
	} cases[] = {
		{ "bad magic", "GET / HT", -EPROTO, 1 },
		{ "version 1 (no identities)", { 'F', 'R', 'R', 'Y', 0, 1, 2, 0 }, -EPROTO, 2 },
		{ "version 0x100", { 'F', 'R', 'R', 'Y', 1, 0, 2, 0 }, -EPROTO, 2 },
		{ "unknown mode", { 'F', 'R', 'R', 'Y', 0, 2, 9, 0 }, -EPROTONOSUPPORT, 4 },
	};
	uint8_t r[8];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("# hello: %s\n", cases[i].what);
		assert_int_equal(hello_try(cases[i].hello, 8, r), cases[i].rc);
		assert_int_equal(r[6], cases[i].status);
	}
}

static void test_truncated_hello(void **state)
{
	struct side srv;
	int c;

	(void)state;
	raw_server_start(&srv, &c, true, TIMEOUT);
	raw_send(c, "FRR", 3);
	shutdown(c, SHUT_WR);
	side_join(&srv);
	assert_int_equal(srv.rc, -EPROTO);
	close(c);
}

static void test_silent_client_times_out(void **state)
{
	struct side srv;
	int c;

	(void)state;
	raw_server_start(&srv, &c, true, SHORT);
	side_join(&srv);
	assert_int_equal(srv.rc, -ETIMEDOUT);
	close(c);
}

/* A client that trickles its hello a byte at a time, each step within
 * the per-step timeout: the whole authentication is still bounded. */
static void test_slow_client_hits_auth_deadline(void **state)
{
	struct side srv;
	uint8_t h[8];
	int64_t t0;
	int c;

	(void)state;
	memset(&srv, 0, sizeof(srv));
	assert_int_equal(tcp_pair(&c, &srv.fd), 0);
	srv.server = true;
	srv.o = SRV_OPTS(&key_a, true, TIMEOUT);
	srv.o.auth_timeout_ms = SHORT;
	t0 = io_deadline(0);
	assert_int_equal(side_start(&srv), 0);
	hello_make(h, TRANSPORT_VERSION, 2);
	for (int i = 0; i < 7; i++) {
		if (send(c, h + i, 1, MSG_NOSIGNAL) != 1)
			break;
		usleep(300 * 1000);
	}
	side_join(&srv);
	assert_int_equal(srv.rc, -ETIMEDOUT);
	/* Bounded by the deadline, not by TIMEOUT per step. */
	assert_true(io_deadline(0) - t0 < TIMEOUT);
	close(c);
}

static void test_silent_server_times_out(void **state)
{
	struct transport_opts o = CLI_OPTS(&key_a, true, SHORT);
	struct transport *t = NULL;
	int c, s;

	(void)state;
	assert_int_equal(tcp_pair(&c, &s), 0);
	assert_int_equal(transport_client(c, &o, &t), -ETIMEDOUT);
	assert_null(t);
	close(c);
	close(s);
}

/* Past a good hello, garbage where the TLS ClientHello should be. */
static void test_garbage_instead_of_tls(void **state)
{
	struct side srv;
	uint8_t h[8], r[8], junk[512];
	int c;

	(void)state;
	raw_server_start(&srv, &c, true, TIMEOUT);
	hello_make(h, TRANSPORT_VERSION, 2);
	raw_send(c, h, 8);
	raw_recv(c, r, 8);
	assert_int_equal(r[6], 0);
	memset(junk, 'A', sizeof(junk));
	raw_send(c, junk, sizeof(junk));
	side_join(&srv);
	assert_int_equal(srv.rc, -EPROTO);
	close(c);
}

/* And a source whose target answers the hello and then talks garbage. */
static void test_garbage_from_target(void **state)
{
	struct transport_opts o = CLI_OPTS(&key_a, true, TIMEOUT);
	struct transport *t = NULL;
	uint8_t h[8], junk[512];
	int c, s;

	(void)state;
	assert_int_equal(tcp_pair(&c, &s), 0);
	hello_make(h, TRANSPORT_VERSION, 0);
	memset(junk, 0x17, sizeof(junk));
	raw_send(s, h, 8);    /* reply: ok */
	raw_send(s, junk, sizeof(junk));
	assert_int_equal(transport_client(c, &o, &t), -EPROTO);
	close(c);
	close(s);
}

static void test_target_speaks_other_version(void **state)
{
	struct transport_opts o = CLI_OPTS(&key_a, true, TIMEOUT);
	struct transport *t = NULL;
	uint8_t h[8];
	int c, s;

	(void)state;
	assert_int_equal(tcp_pair(&c, &s), 0);
	hello_make(h, 7, 2); /* status 2: bad version */
	raw_send(s, h, 8);
	assert_int_equal(transport_client(c, &o, &t), -EPROTO);
	close(c);
	close(s);
}

/* ---- control messages ---- */

struct open_pair {
	int cfd, sfd;
	struct transport *c, *s;
};

static void *open_server(void *arg)
{
	struct open_pair *op = arg;
	struct transport_opts o = SRV_OPTS(&key_a, false, TIMEOUT);

	if (transport_server(op->sfd, &o, &op->s))
		op->s = NULL;
	return NULL;
}

/* An established pair (plain: integrity-only mode) whose client socket and
 * TLS session the test can abuse. */
static void open_pair(struct open_pair *op, bool enc)
{
	struct transport_opts o = CLI_OPTS(&key_a, enc, TIMEOUT);
	pthread_t th;

	assert_int_equal(tcp_pair(&op->cfd, &op->sfd), 0);
	assert_int_equal(pthread_create(&th, NULL, open_server, op), 0);
	assert_int_equal(transport_client(op->cfd, &o, &op->c), 0);
	pthread_join(th, NULL);
	assert_non_null(op->s);
}

static void open_plain(struct open_pair *op)
{
	open_pair(op, false);
}

/* Bytes as the authenticated client's application data: inside TLS
 * records, so only the framing can object to them. */
static void tls_inject(struct transport *t, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t w = gnutls_record_send(t->sess, p, n);

		if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED) {
			assert_int_equal(io_wait(t->fd, POLLOUT, -1, io_deadline(TIMEOUT)), 0);
			continue;
		}
		assert_true(w > 0);
		p += w;
		n -= (size_t)w;
	}
}

static void close_pair(struct open_pair *op)
{
	transport_free(op->c);
	transport_free(op->s);
}

static void test_msg_limits(void **state)
{
	struct open_pair op;
	uint8_t *big = calloc(1, TRANSPORT_MSG_MAX + 1), small[8];
	uint16_t type;
	size_t len;

	(void)state;
	assert_non_null(big);
	open_plain(&op);
	assert_int_equal(transport_send_msg(op.c, 1, big, TRANSPORT_MSG_MAX + 1), -EMSGSIZE);
	assert_int_equal(transport_send_msg(op.c, 0xF001, "x", 1), -EINVAL);
	assert_int_equal(transport_send_msg(op.c, 1, NULL, 3), -EINVAL);

	/* Too big for the caller's buffer: skipped, the link stays usable. */
	assert_int_equal(transport_send_msg(op.c, 7, big, 1000), 0);
	assert_int_equal(transport_send_msg(op.c, 8, "ok", 2), 0);
	assert_int_equal(transport_recv_msg(op.s, &type, small, sizeof(small), &len, -1),
			 -EMSGSIZE);
	assert_int_equal(type, 7);
	assert_int_equal(len, 1000);
	assert_int_equal(transport_recv_msg(op.s, &type, small, sizeof(small), &len, -1), 0);
	assert_int_equal(type, 8);
	assert_int_equal(len, 2);

	/* The largest message makes it through, and an empty one too. */
	memset(big, 0xab, TRANSPORT_MSG_MAX);
	assert_int_equal(transport_send_msg(op.c, 9, big, TRANSPORT_MSG_MAX), 0);
	assert_int_equal(transport_send_msg(op.c, 10, NULL, 0), 0);
	memset(big, 0, TRANSPORT_MSG_MAX);
	assert_int_equal(transport_recv_msg(op.s, &type, big, TRANSPORT_MSG_MAX, &len, -1), 0);
	assert_int_equal(len, TRANSPORT_MSG_MAX);
	assert_int_equal(big[TRANSPORT_MSG_MAX - 1], 0xab);
	assert_int_equal(transport_recv_msg(op.s, &type, NULL, 0, &len, -1), 0);
	assert_int_equal(type, 10);
	assert_int_equal(len, 0);
	close_pair(&op);
	free(big);
}

static void test_recv_timeout_keeps_link(void **state)
{
	struct open_pair op;
	uint8_t buf[8];
	uint16_t type;
	size_t len;

	(void)state;
	open_plain(&op);
	assert_int_equal(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, 50), -ETIMEDOUT);
	assert_int_equal(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, 0), -ETIMEDOUT);
	assert_int_equal(transport_send_msg(op.c, 3, "abc", 3), 0);
	assert_int_equal(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, -1), 0);
	assert_int_equal(len, 3);
	close_pair(&op);
}

static void test_oversize_frame(void **state)
{
	static const uint8_t hdr[] = { 0, 1, 0, 0, 0x00, 0x20, 0x00, 0x00 }; /* 2 MiB */
	struct open_pair op;
	uint8_t buf[8];
	uint16_t type;
	size_t len;

	(void)state;
	open_plain(&op);
	tls_inject(op.c, hdr, sizeof(hdr));
	assert_int_equal(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, -1), -EPROTO);
	/* Framing is lost: the transport stays failed. */
	assert_int_equal(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, -1), -EPROTO);
	assert_int_equal(transport_send_msg(op.s, 1, "x", 1), -EPROTO);
	close_pair(&op);
}

static void test_truncated_frame(void **state)
{
	static const uint8_t part[] = { 0, 1, 0, 0, 0, 0, 0, 100, 'a', 'b', 'c' };
	struct open_pair op;
	uint8_t buf[128];
	uint16_t type;
	size_t len;

	(void)state;
	open_plain(&op);
	tls_inject(op.c, part, sizeof(part));
	shutdown(op.cfd, SHUT_WR);
	assert_int_equal(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, -1), -EPROTO);
	close_pair(&op);
}

static void test_bad_frames(void **state)
{
	static const uint8_t flags[] = { 0, 1, 0, 1, 0, 0, 0, 0 };
	static const uint8_t data[] = { 0xF0, 0x01, 0, 0, 0, 0, 0, 1, 'x' };
	static const uint8_t half[] = { 0, 1, 0 };
	struct open_pair op;
	uint8_t buf[8];
	uint16_t type;
	size_t len;

	(void)state;
	open_plain(&op);
	tls_inject(op.c, flags, sizeof(flags));
	assert_int_equal(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, -1), -EPROTO);
	close_pair(&op);

	open_plain(&op);
	tls_inject(op.c, data, sizeof(data)); /* stream frame outside a stream */
	assert_int_equal(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, -1), -EPROTO);
	close_pair(&op);

	open_plain(&op);
	tls_inject(op.c, half, sizeof(half));
	shutdown(op.cfd, SHUT_WR);
	assert_int_equal(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, -1), -EPROTO);
	close_pair(&op);

	open_plain(&op);
	shutdown(op.cfd, SHUT_WR); /* clean close between frames */
	assert_int_equal(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, -1),
			 -ECONNRESET);
	close_pair(&op);
}

/* ---- identities: who is talking to whom ---- */

/* The target's keys during a rollover: a client holding any of them is
 * accepted, and both ends name the key in use. */
static void test_key_ring(void **state)
{
	struct authkey_ring ring;
	char id_a[AUTHKEY_ID_LEN + 1], id_b[AUTHKEY_ID_LEN + 1];
	struct pair p;

	(void)state;
	memset(&ring, 0, sizeof(ring));
	ring.key[AUTHKEY_CURRENT] = key_b;
	ring.have[AUTHKEY_CURRENT] = true;
	authkey_id(&key_b, ring.id[AUTHKEY_CURRENT]);
	authkey_id(&key_a, id_a);
	authkey_id(&key_b, id_b);
	assert_string_not_equal(id_a, id_b);
	for (int slot = AUTHKEY_NEXT; slot <= AUTHKEY_PREVIOUS; slot++) {
		ring.have[AUTHKEY_NEXT] = ring.have[AUTHKEY_PREVIOUS] = false;
		ring.key[slot] = key_a;
		ring.have[slot] = true;
		authkey_id(&key_a, ring.id[slot]);
		pair_init(&p, true, true, &key_a, NULL, TIMEOUT);
		p.srv.o.ring = &ring;
		p.cli.script = ping_client;
		p.srv.script = ping_server;
		pair_run(&p);
		assert_int_equal(p.cli.rc, 0);
		assert_int_equal(p.srv.rc, 0);
		assert_string_equal(p.srv.stats.key_id, id_a);
	}
	/* Without key_a in the ring: refused as another key. */
	ring.have[AUTHKEY_NEXT] = ring.have[AUTHKEY_PREVIOUS] = false;
	pair_init(&p, false, false, &key_a, NULL, TIMEOUT);
	p.srv.o.ring = &ring;
	pair_run(&p);
	assert_int_equal(p.cli.rc, -EACCES);
	assert_int_equal(p.srv.rc, -EACCES);
}

/* A connection meant for another node (redirected, or a wrong address)
 * is refused by the node it reached, in both modes. */
static void test_wrong_node(void **state)
{
	const struct variant *v = *state;
	struct pair p;

	pair_init(&p, v->enc, v->enc, &key_a, &key_a, TIMEOUT);
	p.srv.o.self = "gamma";
	p.cli.script = ping_client;
	pair_run(&p);
	assert_int_equal(p.srv.rc, -EPERM);
	assert_int_equal(p.cli.rc, -EPERM);
}

struct admit_log {
	char node[TRANSPORT_NAME_MAX];
	char addr[64];
	int calls;
	bool refuse;
};

static int admit_record(void *arg, const char *node, const char *addr, char *why, size_t len)
{
	struct admit_log *l = arg;

	l->calls++;
	snprintf(l->node, sizeof(l->node), "%s", node);
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	if (!l->refuse)
		return 0;
	snprintf(why, len, "not in the test's nodelist");
	return -EPERM;
}

/* The server asks who the client claims to be and from where, before the
 * handshake completes; a refusal ends it on both sides. */
static void test_admit(void **state)
{
	const struct variant *v = *state;
	struct admit_log log = { 0 };
	struct pair p;

	pair_init(&p, v->enc, v->enc, &key_a, &key_a, TIMEOUT);
	p.srv.o.admit = admit_record;
	p.srv.o.admit_arg = &log;
	p.cli.script = ping_client;
	p.srv.script = ping_server;
	pair_run(&p);
	assert_int_equal(p.srv.rc, 0);
	assert_int_equal(log.calls, 1);
	assert_string_equal(log.node, "alpha");
	assert_string_equal(log.addr, "127.0.0.1");

	memset(&log, 0, sizeof(log));
	log.refuse = true;
	pair_init(&p, v->enc, v->enc, &key_a, &key_a, TIMEOUT);
	p.srv.o.admit = admit_record;
	p.srv.o.admit_arg = &log;
	pair_run(&p);
	assert_int_equal(log.calls, 1);
	assert_int_equal(p.srv.rc, -EPERM);
	assert_int_equal(p.cli.rc, -EPERM);
}

/* Names that cannot be carried in an identity are refused up front. */
static void test_bad_names(void **state)
{
	static const char *const bad[] = { "", "two words", "tab\tname", "caf\xc3\xa9",
		"n123456789012345678901234567890123456789012345678901234567890123" };
	struct transport_opts o = CLI_OPTS(&key_a, true, TIMEOUT);
	struct transport *t = NULL;
	int c, s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tcp_pair(&c, &s), 0);
		/* The hello goes out before the names are checked: answer it. */
		uint8_t h[8];

		hello_put(h, HELLO_OK);
		assert_int_equal(send(s, h, 8, MSG_NOSIGNAL), 8);
		o.peer = bad[i];
		assert_int_equal(transport_client(c, &o, &t), -EINVAL);
		close(c);
		close(s);
	}
}

/* The PSK depends on the key, the mode and both names, in their roles. */
static void test_identity_psk(void **state)
{
	struct identity ab = { .client = "alpha", .server = "beta" }, ba = { .client = "beta",
									 .server = "alpha" };
	uint8_t k1[KEY_LEN], k2[KEY_LEN], k3[KEY_LEN], k4[KEY_LEN], k5[KEY_LEN];
	char buf[160];
	struct identity back;

	(void)state;
	authkey_id(&key_a, ab.key_id);
	authkey_id(&key_a, ba.key_id);
	assert_int_equal(identity_psk(&key_a, false, &ab, k1), 0);
	assert_int_equal(identity_psk(&key_a, false, &ba, k2), 0);
	assert_int_equal(identity_psk(&key_a, true, &ab, k3), 0);
	assert_int_equal(identity_psk(&key_b, false, &ab, k4), 0);
	assert_int_equal(identity_psk(&key_a, false, &ab, k5), 0);
	assert_memory_not_equal(k1, k2, KEY_LEN);
	assert_memory_not_equal(k1, k3, KEY_LEN);
	assert_memory_not_equal(k1, k4, KEY_LEN);
	assert_memory_equal(k1, k5, KEY_LEN);

	assert_int_equal(identity_format(&ab, buf, sizeof(buf)), 0);
	assert_int_equal(identity_parse((const uint8_t *)buf, strlen(buf), &back), 0);
	assert_string_equal(back.client, "alpha");
	assert_string_equal(back.server, "beta");
	assert_string_equal(back.key_id, ab.key_id);
	static const char *const bad[] = { "ferry2", "ferry2 0123456789abcdef a", "ferry1 0123456789abcdef a b",
		"ferry2 0123456789abcdeg a b", "ferry2 0123456789abcdef a b ", "ferry2  0123456789abcdef a b",
		"ferry2 0123456789ABCDEF a b", "ferry2 0123456789abcdef a b c" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(identity_parse((const uint8_t *)bad[i], strlen(bad[i]), &back),
				 -EPROTO);
	assert_int_equal(identity_parse((const uint8_t *)"ferry2 0123456789abcdef a\0b", 27, &back),
			 -EPROTO);
}

/* Regression (fuzz_psk_identity): a NUL inside a name field parsed as the
 * name before it, so "nn...?\0\0...nn" and "nn...?" were one identity. */
static void test_identity_nul_in_name(void **state)
{
	static const uint8_t crash[] = "ferry2 fedcba9876543209 nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn?"
				       "\0\0\0\0\0\0\0nn mmmmmmmmmmmmmmmmmmm";
	static const uint8_t in_server[] = "ferry2 fedcba9876543209 alpha be\0ta";
	static const uint8_t del[] = "ferry2 fedcba9876543209 al\x7fpha beta";
	struct identity id;

	(void)state;
	assert_int_equal(identity_parse(crash, sizeof(crash) - 1, &id), -EPROTO);
	assert_int_equal(identity_parse(in_server, sizeof(in_server) - 1, &id), -EPROTO);
	assert_int_equal(identity_parse(del, sizeof(del) - 1, &id), -EPROTO);
	assert_int_equal(identity_parse((const uint8_t *)"ferry2 fedcba9876543209 alpha beta", 34,
					&id), 0);
}

/* ---- a relay between client and server that records (and may alter)
 * what the client sends ---- */

#define RELAY_MAX (256 * 1024)

struct relay {
	int cli_side, srv_side; /* our ends towards the client and the server */
	bool downgrade;         /* rewrite the hello's mode TLS -> plain */
	uint8_t *rec;
	size_t nrec;
	pthread_t th;
};

static void *relay_run(void *arg)
{
	struct relay *r = arg;
	struct pollfd p[2] = { { .fd = r->cli_side, .events = POLLIN },
			       { .fd = r->srv_side, .events = POLLIN } };
	uint8_t buf[16384];
	bool open[2] = { true, true };

	while (open[0] || open[1]) {
		if (poll(p, 2, TIMEOUT) <= 0)
			break;
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (!open[i] || !p[i].revents)
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				open[i] = false;
				p[i].fd = -1;
				shutdown(i == 0 ? r->srv_side : r->cli_side, SHUT_WR);
				continue;
			}
			if (i == 0) {
				if (r->downgrade && r->nrec < 8 && r->nrec + (size_t)n > 6 &&
				    buf[6 - r->nrec] == 2)
					buf[6 - r->nrec] = 1;
				if (r->nrec + (size_t)n <= RELAY_MAX) {
					memcpy(r->rec + r->nrec, buf, (size_t)n);
					r->nrec += (size_t)n;
				}
			}
			if (fd_write_all(i == 0 ? r->srv_side : r->cli_side, buf, (size_t)n))
				open[i] = false;
		}
	}
	return NULL;
}

/* client <-> relay <-> server: p's fds are replaced by relayed ones. */
static void relay_pair(struct pair *p, struct relay *r)
{
	int c2, s2;

	memset(r, 0, sizeof(*r));
	r->rec = malloc(RELAY_MAX);
	assert_non_null(r->rec);
	assert_int_equal(tcp_pair(&c2, &s2), 0);
	/* client fd stays p->cli.fd, talking to r->cli_side (was p->srv.fd) */
	r->cli_side = p->srv.fd;
	r->srv_side = c2;
	p->srv.fd = s2;
}

static void relay_start(struct relay *r)
{
	assert_int_equal(pthread_create(&r->th, NULL, relay_run, r), 0);
}

static void relay_end(struct relay *r)
{
	pthread_join(r->th, NULL);
	close(r->cli_side);
	close(r->srv_side);
}

/* Records everything a client with key @ck sends in a whole session
 * (handshake and one message) to a server with the same key. */
static void record_session(bool enc, const struct authkey *ck, struct relay *r)
{
	struct pair p;

	pair_init(&p, enc, enc, ck, ck, TIMEOUT);
	relay_pair(&p, r);
	p.cli.script = ping_client;
	p.srv.script = ping_server;
	relay_start(r);
	pair_run(&p);
	relay_end(r);
	assert_int_equal(p.cli.rc, 0);
	assert_int_equal(p.srv.rc, 0);
	assert_true(r->nrec > 100);
}

/* A captured session played again to the target: refused as a replay,
 * not as a wrong key. */
static void test_replay(void **state)
{
	const struct variant *v = *state;
	struct relay r;
	struct side srv;
	int c;

	record_session(v->enc, &key_a, &r);
	raw_server_start(&srv, &c, v->enc, TIMEOUT);
	(void)!send(c, r.rec, r.nrec, MSG_NOSIGNAL);
	side_join(&srv);
	assert_int_equal(srv.rc, -EBADMSG);
	assert_string_equal(transport_strerror(srv.rc),
			    "handshake did not verify although the key matched (replayed, "
			    "tampered with or corrupted)");
	close(c);
	free(r.rec);
}

/* A client with another key is refused at its first handshake message:
 * the rest of what it sent (its Finished, a control frame) is never read. */
static void test_refusal_before_data(void **state)
{
	const struct variant *v = *state;
	struct relay r;
	struct side srv;
	int c;

	record_session(v->enc, &key_b, &r);
	raw_server_start(&srv, &c, v->enc, TIMEOUT);
	(void)!send(c, r.rec, r.nrec, MSG_NOSIGNAL);
	side_join(&srv);
	assert_int_equal(srv.rc, -EACCES);
	assert_true(srv.unread > 0);
	close(c);
	free(r.rec);
}

/* The hello is cleartext, but the mode is bound into the PSK and the
 * protocol: an attacker who turns a TLS hello into a plain one to a target
 * that allows plain peers gets no session at all. */
static void test_downgrade(void **state)
{
	struct relay r;
	struct pair p;

	(void)state;
	pair_init(&p, true, false, &key_a, &key_a, TIMEOUT);
	relay_pair(&p, &r);
	r.downgrade = true;
	relay_start(&r);
	pair_run(&p);
	relay_end(&r);
	assert_int_not_equal(p.cli.rc, 0);
	assert_int_not_equal(p.srv.rc, 0);
	free(r.rec);
}

/* Plain mode: bytes injected into the TCP stream after the handshake (an
 * attacker on the trusted network forging a request) never reach the
 * application: the record's MAC fails and the connection ends. */
static void test_plain_injection(void **state)
{
	static const uint8_t frame[] = { 0, 2, 0, 0, 0, 0, 0, 4, 'e', 'v', 'i', 'l' };
	/* A TLS 1.2 application_data record header around the frame. */
	uint8_t rec[5 + sizeof(frame)] = { 23, 3, 3, 0, sizeof(frame) };
	struct open_pair op;
	uint8_t buf[16];
	uint16_t type;
	size_t len;

	(void)state;
	memcpy(rec + 5, frame, sizeof(frame));
	open_plain(&op);
	raw_send(op.cfd, rec, sizeof(rec));
	assert_true(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, -1) < 0);
	close_pair(&op);

	open_plain(&op);
	raw_send(op.cfd, frame, sizeof(frame)); /* a bare frame, no record */
	assert_true(transport_recv_msg(op.s, &type, buf, sizeof(buf), &len, -1) < 0);
	close_pair(&op);
}

/* ---- the stream, with xl's phases around it ---- */

#define STREAM_LEN (64ull << 20)
#define CONFIG_LEN (200 * 1024)

struct xl_run {
	struct fake_stream fs;
	int stream_end_rc;
	uint8_t result;
	uint64_t stop_after; /* for the reader that quits early */
};

static int expect_msg(struct transport *t, uint16_t want, void *buf, size_t cap, size_t *len)
{
	uint16_t type;
	int rc = transport_recv_msg(t, &type, buf, cap, len, -1);

	return rc ? rc : type == want ? 0 : -EBADMSG;
}

/* Source: wait for ready, send the config, stream, then received/go/result. */
static int xl_source(struct side *s, struct transport *t)
{
	struct xl_run *x = s->arg;
	uint8_t buf[64], *cfg = malloc(CONFIG_LEN);
	size_t len;
	int fd, rc;

	memset(cfg, '{', CONFIG_LEN);
	rc = expect_msg(t, MSG_READY, buf, sizeof(buf), &len);
	if (!rc)
		rc = transport_send_msg(t, MSG_CONFIG, cfg, CONFIG_LEN);
	free(cfg);
	if (!rc)
		rc = transport_stream_begin(t, &fd);
	if (!rc && transport_send_msg(t, MSG_PING, "x", 1) != -EBUSY)
		rc = -EBADMSG;
	if (rc)
		return rc;
	stream_write(fd, &x->fs, UINT64_MAX);
	x->stream_end_rc = transport_stream_end(t);
	if (x->fs.err || x->stream_end_rc)
		return x->fs.err ? x->fs.err : x->stream_end_rc;
	rc = expect_msg(t, MSG_RECEIVED, buf, sizeof(buf), &len);
	if (!rc)
		rc = transport_send_msg(t, MSG_GO, "go", 2);
	if (!rc)
		rc = expect_msg(t, MSG_RESULT, buf, sizeof(buf), &len);
	if (!rc)
		x->result = len == 1 ? buf[0] : 0xff;
	return rc;
}

static int xl_target(struct side *s, struct transport *t)
{
	struct xl_run *x = s->arg;
	uint8_t *cfg = malloc(CONFIG_LEN), buf[64];
	size_t len;
	int fd, rc;

	rc = transport_send_msg(t, MSG_READY, "ready", 5);
	if (!rc)
		rc = expect_msg(t, MSG_CONFIG, cfg, CONFIG_LEN, &len);
	if (!rc && (len != CONFIG_LEN || cfg[CONFIG_LEN - 1] != '{'))
		rc = -EBADMSG;
	free(cfg);
	if (!rc)
		rc = transport_stream_begin(t, &fd);
	if (rc)
		return rc;
	stream_read(fd, &x->fs, x->stop_after);
	x->stream_end_rc = transport_stream_end(t);
	if (x->fs.err || x->stream_end_rc)
		return x->fs.err ? x->fs.err : x->stream_end_rc;
	rc = transport_send_msg(t, MSG_RECEIVED, "received", 8);
	if (!rc)
		rc = expect_msg(t, MSG_GO, buf, sizeof(buf), &len);
	if (!rc)
		rc = transport_send_msg(t, MSG_RESULT, "\0", 1);
	return rc;
}

/* The stream with xl's phases, both modes; TLS also with kTLS on one end
 * only (the other's records in GnuTLS): the wire is the same, so the keys
 * the kernel got must be exactly GnuTLS's. */
static void test_stream(void **state)
{
	const struct variant *v = *state;
	bool enc = v->enc, ktls = enc && ktls_available();
	struct xl_run src = { .fs.len = STREAM_LEN }, dst = { .stop_after = UINT64_MAX };
	struct pair p;

	/* (cmocka's skip() reads as "not ok" in TAP: run, and say what was not
	 * exercised.) */
	if ((v->cli_no_ktls || v->srv_no_ktls) && !ktls)
		printf("# no kTLS in this kernel (tls.ko): GnuTLS on both ends, kTLS against "
		       "GnuTLS not exercised\n");
	pair_init(&p, enc, enc, &key_a, &key_a, TIMEOUT);
	p.cli.o.no_ktls = v->cli_no_ktls;
	p.srv.o.no_ktls = v->srv_no_ktls;
	p.cli.script = xl_source;
	p.cli.arg = &src;
	p.srv.script = xl_target;
	p.srv.arg = &dst;
	pair_run(&p);
	assert_int_equal(p.cli.rc, 0);
	assert_int_equal(p.srv.rc, 0);
	assert_int_equal(p.cli.script_rc, 0);
	assert_int_equal(p.srv.script_rc, 0);
	assert_int_equal(dst.fs.len, STREAM_LEN);
	assert_int_equal(dst.fs.done, STREAM_LEN);
	assert_memory_equal(src.fs.digest, dst.fs.digest, 32);
	assert_int_equal(src.result, 0);
	assert_int_equal(p.cli.stats.stream_bytes, STREAM_LEN + 8);
	assert_int_equal(p.srv.stats.stream_bytes, STREAM_LEN + 8);
	assert_int_equal(p.cli.stats.encrypted, enc);
	assert_true(p.cli.stats.wire_tx >= STREAM_LEN);
	assert_true(p.srv.stats.wire_rx >= STREAM_LEN);
	/* kTLS wherever the kernel has it and the end did not refuse it. */
	assert_int_equal(p.cli.stats.ktls, ktls && !v->cli_no_ktls);
	assert_int_equal(p.srv.stats.ktls, ktls && !v->srv_no_ktls);
}

/* The kernel's view of TLS 1.3 keys: the static IV split as salt and IV
 * for AES-GCM, whole for ChaCha20; the sequence number as is. */
static void test_ktls_info(void **state)
{
	uint8_t k[32], iv[12], seq[8] = { 0, 0, 0, 0, 0, 0, 1, 2 };
	gnutls_datum_t key = { k, 16 }, ivd = { iv, 12 };
	union ktls_info info;
	size_t size;

	(void)state;
	for (int i = 0; i < 32; i++)
		k[i] = (uint8_t)(0x40 + i);
	for (int i = 0; i < 12; i++)
		iv[i] = (uint8_t)(0x10 + i);
	assert_int_equal(ktls_info(GNUTLS_CIPHER_AES_128_GCM, &ivd, &key, seq, &info, &size), 0);
	assert_int_equal(size, sizeof(info.aes128));
	assert_int_equal(info.aes128.info.version, TLS_1_3_VERSION);
	assert_int_equal(info.aes128.info.cipher_type, TLS_CIPHER_AES_GCM_128);
	assert_memory_equal(info.aes128.salt, iv, 4);
	assert_memory_equal(info.aes128.iv, iv + 4, 8);
	assert_memory_equal(info.aes128.key, k, 16);
	assert_memory_equal(info.aes128.rec_seq, seq, 8);

	key.size = 32;
	assert_int_equal(ktls_info(GNUTLS_CIPHER_AES_256_GCM, &ivd, &key, seq, &info, &size), 0);
	assert_int_equal(info.aes256.info.cipher_type, TLS_CIPHER_AES_GCM_256);
	assert_memory_equal(info.aes256.salt, iv, 4);
	assert_memory_equal(info.aes256.iv, iv + 4, 8);
	assert_memory_equal(info.aes256.key, k, 32);

	assert_int_equal(ktls_info(GNUTLS_CIPHER_CHACHA20_POLY1305, &ivd, &key, seq, &info, &size),
			 0);
	assert_int_equal(size, sizeof(info.chacha));
	assert_int_equal(info.chacha.info.cipher_type, TLS_CIPHER_CHACHA20_POLY1305);
	assert_memory_equal(info.chacha.iv, iv, 12);
	assert_memory_equal(info.chacha.key, k, 32);
	assert_memory_equal(info.chacha.rec_seq, seq, 8);

	/* Sizes that do not fit, and what the kernel cannot do. */
	assert_int_equal(ktls_info(GNUTLS_CIPHER_AES_128_GCM, &ivd, &key, seq, &info, &size),
			 -EINVAL);
	assert_int_equal(ktls_info(GNUTLS_CIPHER_NULL, &ivd, &key, seq, &info, &size),
			 -EOPNOTSUPP);
}

/* ---- the speed cap ---- */

#define CAP_RATE (8ull << 20)
#define CAP_LEN  (8ull << 20)

struct capped {
	struct fake_stream fs;
	double seconds;
	int end_rc;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int capped_source(struct side *s, struct transport *t)
{
	struct capped *c = s->arg;
	double t0 = mono_s();
	int fd, rc = transport_stream_begin(t, &fd);

	if (rc)
		return rc;
	stream_write(fd, &c->fs, UINT64_MAX);
	c->end_rc = transport_stream_end(t);
	c->seconds = mono_s() - t0;
	return c->fs.err ? c->fs.err : c->end_rc;
}

static int capped_target(struct side *s, struct transport *t)
{
	struct capped *c = s->arg;
	int fd, rc = transport_stream_begin(t, &fd);

	if (rc)
		return rc;
	stream_read(fd, &c->fs, UINT64_MAX);
	c->end_rc = transport_stream_end(t);
	return c->fs.err ? c->fs.err : c->end_rc;
}

/* A source capped at 8 MiB/s over real sockets: everything arrives, and
 * never faster than the cap (plus 10 % for the clocks' and the last
 * chunk's rounding). Only that upper bound is asserted. */
static void test_stream_capped(void **state)
{
	const struct variant *v = *state;
	struct capped src = { .fs.len = CAP_LEN }, dst = { .fs.len = 0 };
	struct pair p;
	double rate;

	pair_init(&p, v->enc, v->enc, &key_a, &key_a, TIMEOUT);
	p.cli.o.stream_rate = CAP_RATE;
	p.cli.script = capped_source;
	p.cli.arg = &src;
	p.srv.script = capped_target;
	p.srv.arg = &dst;
	pair_run(&p);
	assert_int_equal(p.cli.rc, 0);
	assert_int_equal(p.srv.rc, 0);
	assert_int_equal(p.cli.script_rc, 0);
	assert_int_equal(p.srv.script_rc, 0);
	assert_int_equal(dst.fs.done, CAP_LEN);
	assert_memory_equal(src.fs.digest, dst.fs.digest, 32);
	rate = (double)(CAP_LEN + 8) / src.seconds;
	printf("# capped stream (%s): %.2f MiB/s for a cap of %llu MiB/s\n",
	       v->enc ? "tls" : "plain", rate / (1 << 20), CAP_RATE >> 20);
	assert_true(rate <= 1.10 * (double)CAP_RATE);
}

/* libxl on the target stops reading half way: stream_end says so. */
static void test_stream_left_unread(void **state)
{
	struct xl_run src = { .fs.len = 8ull << 20 }, dst = { .stop_after = 1 << 20 };
	struct pair p;

	(void)state;
	pair_init(&p, true, true, &key_a, &key_a, TIMEOUT);
	p.cli.script = xl_source;
	p.cli.arg = &src;
	p.srv.script = xl_target;
	p.srv.arg = &dst;
	pair_run(&p);
	assert_int_equal(p.srv.rc, 0);
	assert_int_equal(dst.stream_end_rc, -EPROTO);
	assert_true(p.cli.script_rc < 0);
}

/* ---- a peer that dies mid-stream (a forked child killed by SIGKILL) ---- */

/* Child: open the transport, stream part of 64 MiB (source) or read part
 * of it (target), then die without any cleanup. */
static void child_die_mid_stream(int fd, bool server, bool enc)
{
	struct transport_opts o = server ? SRV_OPTS(&key_a, enc, TIMEOUT) : CLI_OPTS(&key_a, enc, TIMEOUT);
	struct fake_stream fs = { .len = STREAM_LEN };
	struct transport *t;
	int sfd;

	if ((server ? transport_server(fd, &o, &t) : transport_client(fd, &o, &t)) ||
	    transport_stream_begin(t, &sfd))
		_exit(1);
	if (server)
		stream_read(sfd, &fs, 4 << 20);
	else
		stream_write(sfd, &fs, 4 << 20);
	raise(SIGKILL);
	_exit(2);
}

static pid_t fork_peer(int keep, int drop, bool server, bool enc)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		close(drop);
		child_die_mid_stream(keep, server, enc);
	}
	close(keep);
	return pid;
}

static void reap_killed(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* The source (source) or the target (!source) dies mid-stream: the side
 * that lives sees libxl's fd fail, stream_end fail, and the link gone. */
static void test_peer_dies(void **state)
{
	const struct variant *v = *state;
	struct transport_opts o = CLI_OPTS(&key_a, v->enc, TIMEOUT),
			      so = SRV_OPTS(&key_a, v->enc, TIMEOUT);
	struct fake_stream fs = { .len = STREAM_LEN };
	struct transport *t;
	int c, s, fd;
	pid_t pid;

	assert_int_equal(tcp_pair(&c, &s), 0);
	if (v->source) {
		pid = fork_peer(c, s, false, v->enc);
		assert_int_equal(transport_server(s, &so, &t), 0);
		assert_int_equal(transport_stream_begin(t, &fd), 0);
		assert_int_not_equal(stream_read(fd, &fs, UINT64_MAX), 0);
	} else {
		pid = fork_peer(s, c, true, v->enc);
		assert_int_equal(transport_client(c, &o, &t), 0);
		assert_int_equal(transport_stream_begin(t, &fd), 0);
		assert_int_not_equal(stream_write(fd, &fs, UINT64_MAX), 0);
	}
	assert_true(fs.done < STREAM_LEN);
	assert_true(transport_stream_end(t) < 0);
	assert_true(transport_send_msg(t, MSG_GO, "go", 2) < 0);
	transport_free(t);
	reap_killed(pid);
}

/* The network fails at the stream's first bytes. libxl's fd must not fail
 * (POLLHUP or POLLERR, EPIPE) while libxl writes its own 24-byte preamble:
 * libxl crashes on that (transport_stream.c, LIBXL_PREAMBLE). Once it is
 * written, the fd fails, for libxl-save-helper to see. The failure is made
 * by shutting the source's own TCP socket for writing: a dead target gives
 * the same failed send, at a moment a test cannot choose. */
static void test_send_fails_before_libxl_preamble(void **state)
{
	static const uint8_t hdr[16], rec[8], more[4096];
	struct open_pair op;
	struct pollfd p;
	bool failed = false;
	int fd, queued = 1;

	(void)state;
	open_plain(&op);
	assert_int_equal(transport_stream_begin(op.c, &fd), 0);
	assert_int_equal(shutdown(op.cfd, SHUT_WR), 0);
	assert_int_equal(send(fd, hdr, sizeof(hdr), MSG_NOSIGNAL), (ssize_t)sizeof(hdr));
	/* The pump takes the stream header and fails to send it. */
	for (int i = 0; i < 500 && queued > 0; i++) {
		assert_int_equal(ioctl(fd, SIOCOUTQ, &queued), 0);
		usleep(10 * 1000);
	}
	assert_int_equal(queued, 0);
	usleep(200 * 1000);
	p = (struct pollfd){.fd = fd, .events = POLLOUT};
	assert_int_equal(poll(&p, 1, 0), 1);
	assert_int_equal(p.revents & (POLLHUP | POLLERR), 0);
	assert_int_equal(send(fd, rec, sizeof(rec), MSG_NOSIGNAL), (ssize_t)sizeof(rec));
	/* Then the helper's writes fail. */
	for (int i = 0; i < 1000 && !failed; i++) {
		failed = send(fd, more, sizeof(more), MSG_NOSIGNAL) < 0;
		if (!failed)
			usleep(10 * 1000);
	}
	assert_true(failed);
	assert_true(transport_stream_end(op.c) < 0);
	close_pair(&op);
}

/* ---- a source silent before its stream (libxl suspending the guest) ---- */

#define PAUSE_MS (3 * SHORT)

static int paused_source(struct side *s, struct transport *t)
{
	struct capped *c = s->arg;
	int fd, rc = transport_stream_begin(t, &fd);

	if (rc)
		return rc;
	usleep(PAUSE_MS * 1000);
	stream_write(fd, &c->fs, UINT64_MAX);
	c->end_rc = transport_stream_end(t);
	return c->fs.err ? c->fs.err : c->end_rc;
}

/* The target's stream_idle_ms, not its step bound (2 * SHORT here), bounds
 * the wait for the stream's next frame: with it at 10 * SHORT a source
 * silent for 3 * SHORT delivers everything; without it the target gives up
 * (variant .source: stream_idle_ms set). */
static void test_stream_pause(void **state)
{
	const struct variant *v = *state;
	struct capped src = { .fs.len = 1 << 20 }, dst = { .fs.len = 0 };
	struct pair p;

	pair_init(&p, true, true, &key_a, &key_a, 2 * SHORT);
	p.srv.o.stream_idle_ms = v->source ? 10 * SHORT : 0;
	p.cli.script = paused_source;
	p.cli.arg = &src;
	p.srv.script = capped_target;
	p.srv.arg = &dst;
	pair_run(&p);
	if (v->source) {
		assert_int_equal(p.srv.script_rc, 0);
		assert_int_equal(p.cli.script_rc, 0);
		assert_int_equal(dst.fs.done, src.fs.len);
		assert_memory_equal(src.fs.digest, dst.fs.digest, 32);
	} else {
		assert_int_not_equal(p.srv.script_rc, 0);
		assert_true(dst.fs.done < src.fs.len);
	}
}

/* ---- a peer that stalls mid-stream (alive, silent): bounded by timeouts ---- */

struct stall {
	int wake[2]; /* the stalled side waits for a byte here */
};

static int stall_source(struct side *s, struct transport *t)
{
	struct stall *st = s->arg;
	struct fake_stream fs = { .len = STREAM_LEN };
	char c;
	int fd, rc = transport_stream_begin(t, &fd);

	if (!rc)
		stream_write(fd, &fs, 1 << 20);
	rc = read(st->wake[0], &c, 1) == 1 ? rc : -EIO;
	return rc;
}

static int stall_target(struct side *s, struct transport *t)
{
	struct stall *st = s->arg;
	char c;
	int fd, rc = transport_stream_begin(t, &fd);

	rc = read(st->wake[0], &c, 1) == 1 ? rc : -EIO;
	return rc;
}

/* The source (source) or the target (!source) stops mid-stream, alive. */
static void test_peer_stalls(void **state)
{
	bool enc = ((const struct variant *)*state)->enc;
	bool source_stalls = ((const struct variant *)*state)->source;
	struct transport_opts o = CLI_OPTS(&key_a, enc, SHORT), so = SRV_OPTS(&key_a, enc, SHORT);
	struct fake_stream fs = { .len = STREAM_LEN };
	struct stall st;
	struct side peer = { .server = !source_stalls, .arg = &st };
	struct transport *t;
	int mine, fd;

	assert_int_equal(pipe(st.wake), 0);
	assert_int_equal(tcp_pair(source_stalls ? &peer.fd : &mine,
				  source_stalls ? &mine : &peer.fd), 0);
	peer.o = source_stalls ? o : so;
	peer.script = source_stalls ? stall_source : stall_target;
	assert_int_equal(side_start(&peer), 0);
	if (source_stalls) {
		assert_int_equal(transport_server(mine, &so, &t), 0);
		assert_int_equal(transport_stream_begin(t, &fd), 0);
		assert_int_not_equal(stream_read(fd, &fs, UINT64_MAX), 0);
	} else {
		assert_int_equal(transport_client(mine, &o, &t), 0);
		assert_int_equal(transport_stream_begin(t, &fd), 0);
		assert_int_not_equal(stream_write(fd, &fs, UINT64_MAX), 0);
	}
	assert_true(fs.done < STREAM_LEN);
	/* Both modes carry the stream through the pump, bounded alike. */
	assert_int_equal(transport_stream_end(t), -ETIMEDOUT);
	transport_free(t);
	assert_int_equal(write(st.wake[1], "x", 1), 1);
	side_join(&peer);
	close(st.wake[0]);
	close(st.wake[1]);
}

static void test_misuse(void **state)
{
	struct transport_opts o = CLI_OPTS(&key_a, true, TIMEOUT);
	struct open_pair op;
	struct transport *t = (struct transport *)1;
	int fd, fd2;

	(void)state;
	assert_int_equal(transport_client(-1, &o, &t), -EINVAL);
	assert_null(t);
	o.timeout_ms = 0;
	assert_int_equal(transport_client(0, &o, &t), -EINVAL);
	o.timeout_ms = TIMEOUT;
	o.self = NULL;
	assert_int_equal(transport_client(0, &o, &t), -EINVAL);
	o.self = "alpha";
	o.key = NULL;
	assert_int_equal(transport_server(0, &o, &t), -EINVAL);
	assert_int_equal(transport_stream_end(NULL), -EINVAL);
	transport_free(NULL);

	open_plain(&op);
	assert_int_equal(transport_stream_end(op.c), -EINVAL);
	assert_int_equal(transport_stream_begin(op.c, &fd), 0);
	assert_int_not_equal(fd, op.cfd); /* libxl never gets the socket itself */
	assert_int_equal(transport_stream_begin(op.c, &fd2), -EINVAL);
	assert_int_equal(transport_send_msg(op.c, 1, "x", 1), -EBUSY);
	assert_non_null(strstr(transport_peer(op.s), "127.0.0.1:"));
	close_pair(&op);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VARIANT(test_connect, "tls", .enc = true, .srv_enc = true),
		VARIANT(test_connect, "plain", .enc = false, .srv_enc = false),
		/* A target on a trusted network still accepts an encrypting source. */
		VARIANT(test_connect, "tls_to_plain_target", .enc = true, .srv_enc = false),
		VARIANT(test_wrong_key, "tls", .enc = true),
		VARIANT(test_wrong_key, "plain", .enc = false),
		cmocka_unit_test(test_plain_client_encrypting_server),
		cmocka_unit_test(test_key_ring),
		VARIANT(test_wrong_node, "tls", .enc = true),
		VARIANT(test_wrong_node, "plain", .enc = false),
		VARIANT(test_admit, "tls", .enc = true),
		VARIANT(test_admit, "plain", .enc = false),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_identity_psk),
		cmocka_unit_test(test_identity_nul_in_name),
		VARIANT(test_replay, "tls", .enc = true),
		VARIANT(test_replay, "plain", .enc = false),
		VARIANT(test_refusal_before_data, "tls", .enc = true),
		VARIANT(test_refusal_before_data, "plain", .enc = false),
		cmocka_unit_test(test_downgrade),
		cmocka_unit_test(test_plain_injection),
		cmocka_unit_test(test_bad_hellos),
		cmocka_unit_test(test_truncated_hello),
		cmocka_unit_test(test_silent_client_times_out),
		cmocka_unit_test(test_slow_client_hits_auth_deadline),
		cmocka_unit_test(test_silent_server_times_out),
		cmocka_unit_test(test_garbage_instead_of_tls),
		cmocka_unit_test(test_garbage_from_target),
		cmocka_unit_test(test_target_speaks_other_version),
		cmocka_unit_test(test_msg_limits),
		cmocka_unit_test(test_recv_timeout_keeps_link),
		cmocka_unit_test(test_oversize_frame),
		cmocka_unit_test(test_truncated_frame),
		cmocka_unit_test(test_bad_frames),
		VARIANT(test_stream, "tls", .enc = true),
		VARIANT(test_stream, "plain", .enc = false),
		VARIANT(test_stream, "tls_ktls_source_only", .enc = true, .srv_no_ktls = true),
		VARIANT(test_stream, "tls_ktls_target_only", .enc = true, .cli_no_ktls = true),
		cmocka_unit_test(test_ktls_info),
		VARIANT(test_stream_capped, "plain", .enc = false),
		VARIANT(test_stream_capped, "tls", .enc = true),
		VARIANT(test_stream_pause, "idle_bound", .enc = true, .source = true),
		VARIANT(test_stream_pause, "step_bound", .enc = true, .source = false),
		cmocka_unit_test(test_stream_left_unread),
		cmocka_unit_test(test_send_fails_before_libxl_preamble),
		VARIANT(test_peer_dies, "source_tls", .enc = true, .source = true),
		VARIANT(test_peer_dies, "source_plain", .enc = false, .source = true),
		VARIANT(test_peer_dies, "target_tls", .enc = true, .source = false),
		VARIANT(test_peer_dies, "target_plain", .enc = false, .source = false),
		VARIANT(test_peer_stalls, "source_tls", .enc = true, .source = true),
		VARIANT(test_peer_stalls, "source_plain", .enc = false, .source = true),
		VARIANT(test_peer_stalls, "target_tls", .enc = true, .source = false),
		VARIANT(test_peer_stalls, "target_plain", .enc = false, .source = false),
		cmocka_unit_test(test_misuse),
	};

	signal(SIGPIPE, SIG_IGN); /* as the transport's callers must */
	if (getenv("FERRY_TEST_LOG")) {
		qb_log_init("test_transport", LOG_USER, LOG_DEBUG);
		qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
				  LOG_DEBUG);
		qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
	}
	key_fill(&key_a, 1);
	key_fill(&key_b, 2);
	return cmocka_run_group_tests_name("transport", tests, NULL, NULL);
}
