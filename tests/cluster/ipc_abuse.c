/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A misbehaving local client of ferryd, for the cluster tier (never run
 * elsewhere): it speaks libqb IPC to the "ferryd" service as ferryctl does,
 * then does what a well-behaved client never does.
 *
 *   ipc_abuse noread N SECS   send N requests (SHOW, CLAIM), never read a
 *                             reply, hold the connection SECS seconds
 *   ipc_abuse malformed       a truncated request, one whose header claims
 *                             more than it carries, a wrong version, an
 *                             unknown op, a name without its NUL; each must
 *                             be answered "invalid" (exit 1 if not)
 *   ipc_abuse oversized       a request larger than ferryd's buffer: the
 *                             connection refuses it, nothing reaches ferryd
 *   ipc_abuse midrequest N    N times: send a CLAIM and disconnect at once
 *
 * Exit 0 when every step behaved as described, 1 otherwise, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qb/qbipcc.h>

#include "ferry_ipc.h"

static qb_ipcc_connection_t *connect_ferryd(void)
{
	qb_ipcc_connection_t *c = qb_ipcc_connect(FERRY_IPC_NAME, FERRY_IPC_MAX_MSG);

	if (!c)
		fprintf(stderr, "ipc_abuse: cannot connect to ferryd: %s\n", strerror(errno));
	return c;
}

static void req_init(struct ferry_ipc_req *r, int op, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->hdr.id = op;
	r->hdr.size = sizeof(*r);
	r->version = FERRY_IPC_VERSION;
	r->timeout_ms = 5000;
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
}

static int noread(int n, int secs)
{
	qb_ipcc_connection_t *c = connect_ferryd();
	struct ferry_ipc_req r;
	int sent = 0;

	if (!c)
		return 1;
	for (int i = 0; i < n; i++) {
		char name[32];
		ssize_t rc;

		snprintf(name, sizeof(name), "abuse-%d", i % 200);
		req_init(&r, i % 2 ? FERRY_IPC_CLAIM : FERRY_IPC_SHOW, name);
		rc = qb_ipcc_send(c, &r, sizeof(r));
		if (rc < 0)
			break; /* ferryd disconnected us, or our request ring is full */
		sent++;
	}
	printf("noread: sent %d of %d request(s) without reading\n", sent, n);
	sleep((unsigned)secs);
	qb_ipcc_disconnect(c);
	return sent > 0 ? 0 : 1;
}

/* Send raw bytes, read one reply: its status, or -1. */
static int raw_call(qb_ipcc_connection_t *c, const void *buf, size_t len, int32_t id)
{
	struct ferry_ipc_reply rep;
	ssize_t rc = qb_ipcc_send(c, buf, len);

	if (rc < 0)
		return -1;
	memset(&rep, 0, sizeof(rep));
	rc = qb_ipcc_recv(c, &rep, sizeof(rep), 5000);
	if (rc < (ssize_t)(sizeof(rep.hdr) + sizeof(int32_t)) || rep.hdr.id != id)
		return -1;
	return rep.status;
}

static int malformed(void)
{
	qb_ipcc_connection_t *c = connect_ferryd();
	struct ferry_ipc_req r;
	uint8_t big[sizeof(r) + 256];
	int bad = 0, st;

	if (!c)
		return 1;
	req_init(&r, FERRY_IPC_CLAIM, "vm");
	r.hdr.size = 16; /* truncated */
	st = raw_call(c, &r, 16, FERRY_IPC_CLAIM);
	printf("malformed: truncated -> %d\n", st);
	bad += st != FERRY_E_INVAL;
	memset(big, 'z', sizeof(big));
	req_init(&r, FERRY_IPC_CLAIM, "vm");
	r.hdr.size = sizeof(big); /* longer than a request */
	memcpy(big, &r, sizeof(r));
	st = raw_call(c, big, sizeof(big), FERRY_IPC_CLAIM);
	printf("malformed: too long -> %d\n", st);
	bad += st != FERRY_E_INVAL;
	req_init(&r, FERRY_IPC_CLAIM, "vm");
	r.version = 77;
	st = raw_call(c, &r, sizeof(r), FERRY_IPC_CLAIM);
	printf("malformed: wrong version -> %d\n", st);
	bad += st != FERRY_E_INVAL;
	req_init(&r, 99, "vm");
	st = raw_call(c, &r, sizeof(r), 99);
	printf("malformed: unknown op -> %d\n", st);
	bad += st != FERRY_E_INVAL;
	req_init(&r, FERRY_IPC_CLAIM, NULL);
	memset(r.name, 'n', sizeof(r.name));
	st = raw_call(c, &r, sizeof(r), FERRY_IPC_CLAIM);
	printf("malformed: name without NUL -> %d\n", st);
	bad += st != FERRY_E_INVAL;
	qb_ipcc_disconnect(c);
	return bad ? 1 : 0;
}

static int oversized(void)
{
	qb_ipcc_connection_t *c = connect_ferryd();
	size_t len = FERRY_IPC_MAX_MSG * 2;
	struct ferry_ipc_req *r = calloc(1, len);
	ssize_t rc;

	if (!c || !r) {
		free(r);
		return 1;
	}
	req_init(r, FERRY_IPC_CLAIM, "vm");
	r->hdr.size = (int32_t)len;
	rc = qb_ipcc_send(c, r, len);
	printf("oversized: send of %zu bytes -> %zd (%s)\n", len, rc,
	       rc < 0 ? strerror((int)-rc) : "sent");
	free(r);
	qb_ipcc_disconnect(c);
	return rc < 0 ? 0 : 1;
}

static int midrequest(int n)
{
	for (int i = 0; i < n; i++) {
		qb_ipcc_connection_t *c = connect_ferryd();
		struct ferry_ipc_req r;
		char name[32];

		if (!c)
			return 1;
		snprintf(name, sizeof(name), "mid-%d", i % 20);
		req_init(&r, FERRY_IPC_CLAIM, name);
		qb_ipcc_send(c, &r, sizeof(r));
		qb_ipcc_disconnect(c);
	}
	printf("midrequest: %d client(s) left before their answer\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "noread") == 0)
		return noread(atoi(argv[2]), atoi(argv[3]));
	if (argc == 2 && strcmp(argv[1], "malformed") == 0)
		return malformed();
	if (argc == 2 && strcmp(argv[1], "oversized") == 0)
		return oversized();
	if (argc == 3 && strcmp(argv[1], "midrequest") == 0)
		return midrequest(atoi(argv[2]));
	fprintf(stderr, "Usage: ipc_abuse noread N SECS | malformed | oversized | midrequest N\n"
			"A misbehaving ferryd client for the cluster tier (see its source).\n");
	return 2;
}
