/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ferryd's IPC server path, with its real modules (ipc.c's dispatch and
 * reply, requests.c, sync.c, persist.c, the replica), on arbitrary client
 * behaviour: up to four clients connect (some never read: their response
 * ring is full), send requests of arbitrary claimed sizes and contents,
 * disconnect mid-request; the one-member group delivers or fails sends;
 * the loop runs its jobs. No crash, no leak, nothing answered twice or
 * after a disconnect, every client request eventually answered or dropped
 * with its client, and a healthy client still served at the end.
 *
 * What a harness cannot have, libqb's server side of a connection and
 * corosync's CPG, is faked in tests/unit/fake_ferryd.h (which says how);
 * everything else is ferryd's own code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../unit/fake_ferryd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NC 4

struct in {
	const uint8_t *p;
	size_t left;
};

static uint8_t byte(struct in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static char dir[64];

static void send_request(struct fake_conn *f, struct in *in)
{
	static const char *const names[] = { "vm1", "vm2", "a.b", "-bad", "" };
	uint8_t buf[sizeof(struct ferry_ipc_req) + 64];
	struct ferry_ipc_req r;
	uint8_t how = byte(in), sel = byte(in);
	size_t len = sizeof(r);

	memset(&r, 0, sizeof(r));
	r.hdr.id = (how & 0x80) ? byte(in) % 16 : 1 + sel % (FERRY_IPC_OP_MAX - 1);
	r.hdr.size = sizeof(r);
	r.version = (how & 0x40) ? byte(in) : FERRY_IPC_VERSION;
	r.timeout_ms = (how & 0x20) ? (uint32_t)byte(in) << 12 : 0;
	r.node = byte(in) % 5;
	r.epoch = byte(in) % 3;
	if (how & 0x10) {
		for (size_t i = 0; i < sizeof(r.name); i++)
			r.name[i] = (char)byte(in);
	} else {
		snprintf(r.name, sizeof(r.name), "%s", names[(sel >> 4) % 5]);
	}
	if (how & 0x08) { /* a size the header claims, and what is really sent */
		r.hdr.size = (int32_t)((uint32_t)byte(in) << 8 | byte(in)) - 200;
		len = byte(in) % sizeof(buf);
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &r, len < sizeof(r) ? len : sizeof(r));
	fake_request(f, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_conn c[NC];
	struct ferryd d;
	struct in in = { data, size };
	bool open[NC] = { false };
	struct fake_conn g;
	char path[128];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/ferry-fuzz-ipc-%d", (int)getpid());
		mkdir(dir, 0700);
	}
	snprintf(path, sizeof(path), "%s/ledger.state", dir);
	unlink(path);
	if (fake_ferryd_start(&d, dir) < 0)
		abort();
	fake_send_fail = 0;
	while (in.left) {
		uint8_t op = byte(&in);
		int k = (op >> 4) % NC;

		switch (op % 7) {
		case 0: { /* connect: 0 never reads, 1 one reply, 2 plenty */
			static const size_t rings[] = { 0, sizeof(struct ferry_ipc_reply), 1 << 22 };

			if (open[k] && !c[k].down)
				break;
			if (open[k] && c[k].refs)
				break; /* still held by ferryd: libqb would not reuse it */
			open[k] = fake_connect(&c[k], rings[byte(&in) % 3], (op & 8) ? 1000 : 0) == 0;
			break;
		}
		case 1:
		case 2:
			if (open[k] && !c[k].down)
				send_request(&c[k], &in);
			break;
		case 3: /* the client goes (HUP) */
			if (open[k] && !c[k].down)
				qb_ipcs_disconnect((qb_ipcs_connection_t *)(void *)&c[k]);
			break;
		case 4:
			fake_pump();
			break;
		case 5:
			fake_loop_once(&d);
			break;
		default:
			fake_send_fail = byte(&in) & 1;
			break;
		}
	}
	/* settle: decisions delivered, doomed clients gone, the rest leave */
	fake_send_fail = 0;
	fake_pump();
	fake_loop_once(&d);
	for (int k = 0; k < NC; k++) {
		if (open[k] && !c[k].down)
			qb_ipcs_disconnect((qb_ipcs_connection_t *)(void *)&c[k]);
		if (open[k] && !c[k].destroyed)
			abort(); /* a reference was never dropped */
	}
	/* still serving, and nothing waits any more */
	if (fake_connect(&g, 1 << 20, 0) != 0)
		abort();
	{
		struct ferry_ipc_req r = { .hdr = { .id = FERRY_IPC_STATUS, .size = sizeof(r) },
					   .version = FERRY_IPC_VERSION };
		const struct ferry_ipc_status *s = (const void *)fake_last;

		fake_request(&g, &r, sizeof(r));
		if (g.replies != 1 || fake_last_len != sizeof(*s) || s->status != FERRY_OK)
			abort();
		if (s->pending != 0)
			abort(); /* a request outlived its client and its decision */
	}
	qb_ipcs_disconnect((qb_ipcs_connection_t *)(void *)&g);
	fake_ferryd_stop(&d);
	return 0;
}
