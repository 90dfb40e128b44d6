/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The peer protocol as `ferryctl serve` receives it from an authenticated
 * peer: the real serve loop (peer_serve_msg) and the real target side of a
 * migration (migrate_target_run), fed the fuzzer's messages in order.
 *
 * Stand-ins, so the harness reaches every decoder without a hypervisor,
 * DRBD or LVM: the storage actions (they record and succeed, or refuse a
 * resource named "refuse"), a storage=local move's steps on the node (its
 * requests are checked for real), and the hypervisor's actions of a migration
 * (preflight refuses a domain named "refuse", the stream is not read,
 * restore succeeds unless the domain is "broken", go succeeds). The
 * transport is replaced by the server's recv/send hooks: messages come
 * from the input, replies are decoded (they must be well-formed and answer
 * the message's id) and dropped.
 *
 * Input: a sequence of messages, each u16 type, u16 length, payload.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local_plan.h"
#include "local_serve.h"
#include "migrate_conv.h"
#include "peer_serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct feed {
	const uint8_t *p, *end;
	char domain[PEER_NAME_MAX];
	int replies;
};

static struct feed feed;

static int feed_recv(struct peer_server *s, uint16_t *type, void *buf, size_t cap, size_t *len,
		     int timeout_ms)
{
	uint16_t n;

	(void)s;
	(void)timeout_ms;
	if (feed.end - feed.p < 4)
		return -ECONNRESET; /* the peer hung up */
	*type = (uint16_t)(feed.p[0] << 8 | feed.p[1]);
	n = (uint16_t)(feed.p[2] << 8 | feed.p[3]);
	feed.p += 4;
	if (n > feed.end - feed.p)
		n = (uint16_t)(feed.end - feed.p);
	*len = n;
	if (n > cap) { /* as the transport: skipped, reported */
		feed.p += n;
		return -EMSGSIZE;
	}
	memcpy(buf, feed.p, n);
	feed.p += n;
	return 0;
}

static int feed_send(struct peer_server *s, uint16_t type, const void *buf, size_t len)
{
	struct peer_reply r;
	struct peer_hello h;

	(void)s;
	feed.replies++;
	if (type == PEER_MSG_HELLO) {
		if (peer_decode_hello(buf, len, &h) || h.version != PEER_PROTO_VERSION)
			abort();
		return 0;
	}
	if (peer_decode_reply(buf, len, &r))
		abort(); /* every other answer is reply-shaped */
	return 0;
}

static int stub_storage(void *arg, enum peer_op op, const char *res, char *why, size_t len)
{
	(void)arg;
	(void)op;
	if (!strcmp(res, "refuse")) {
		snprintf(why, len, "refused by the stand-in");
		return -EBUSY;
	}
	return 0;
}

static int stub_preflight(void *arg, const struct peer_offer *o, char *why, size_t len)
{
	(void)arg;
	snprintf(feed.domain, sizeof(feed.domain), "%s", o->name);
	if (strlen(o->json) + 1 != o->json_len)
		abort();
	if (!strcmp(o->name, "refuse")) {
		snprintf(why, len, "refused by the stand-in");
		return -EEXIST;
	}
	return 0;
}

static int stub_restore(void *arg, int fd, char *why, size_t len)
{
	(void)arg;
	(void)fd;
	if (!strcmp(feed.domain, "broken")) {
		snprintf(why, len, "restore failed in the stand-in");
		return -EIO;
	}
	return 0;
}

static int stub_go(void *arg, uint64_t epoch, char *why, size_t len)
{
	(void)arg;
	(void)why;
	(void)len;
	return epoch == 0 ? -EPERM : 0;
}

static void stub_drop(void *arg, const char *why)
{
	(void)arg;
	(void)why;
}

static const struct migrate_target_ops target_ops = {
	.preflight = stub_preflight, .restore = stub_restore, .go = stub_go, .drop = stub_drop,
};

static int serve_migrate(void *arg, struct peer_server *s, const struct peer_offer *o)
{
	return migrate_target_run(s, o, &target_ops, arg, 1000);
}

/* LOCAL: the real check (local_serve_check: step, names, ends, one move per
 * conversation); what a step does on the node is the stand-in's (it
 * records the move at its pre-flight and succeeds). */
static struct local_serve lserve;

static int stub_local(void *arg, struct peer_server *s, const struct peer_local *m, char *why,
		      size_t len)
{
	int rc = local_serve_check(&lserve, s->peer_node, s->self, m, why, len);

	(void)arg;
	if (rc == 0 && m->step == LOCAL_PREFLIGHT) {
		lserve.active = true;
		lserve.r = m->res;
	}
	return rc;
}

static const struct peer_serve_ops ops = { .storage = stub_storage, .migrate = serve_migrate,
					   .local = stub_local };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peer_server s = { .ops = &ops, .send = feed_send, .recv = feed_recv,
				 .self = "beta", .peer_node = "alpha" };
	static uint8_t buf[65536 + 8];

	feed = (struct feed){ .p = data, .end = data + size };
	memset(&lserve, 0, sizeof(lserve));
	for (;;) {
		uint16_t type;
		size_t got;
		int rc = peer_serve_recv(&s, &type, buf, sizeof(buf), &got, 0);

		if (rc || peer_serve_msg(&s, type, buf, got))
			break;
	}
	return 0;
}
