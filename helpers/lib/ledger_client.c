/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qb/qbipcc.h>

#include "ledger_client.h"

/* ferryd answers a request by its timeout; allow it this much more. */
#define CLIENT_GRACE_MS 5000
/* A ferryd that is stopped or hung must not hang its clients in the
 * connection handshake: it is bounded too. */
#define CONNECT_TIMEOUT_MS 5000

struct ledger_client {
	qb_ipcc_connection_t *conn;
};

int ledger_client_open(struct ledger_client **c)
{
	struct ledger_client *lc = calloc(1, sizeof(*lc));
	struct pollfd pfd = { .events = POLLIN };
	int rc, e;

	if (!lc)
		return -ENOMEM;
	errno = 0;
	lc->conn = qb_ipcc_connect_async(FERRY_IPC_NAME, FERRY_IPC_MAX_MSG, &pfd.fd);
	if (!lc->conn) {
		e = errno;
		free(lc);
		return e == EACCES || e == EPERM ? -EACCES : -ENOTCONN;
	}
	do
		rc = poll(&pfd, 1, CONNECT_TIMEOUT_MS);
	while (rc < 0 && errno == EINTR);
	rc = rc == 0 ? -ETIMEDOUT : rc < 0 ? -errno : qb_ipcc_connect_continue(lc->conn);
	if (rc < 0) {
		/* continue() frees the connection when it fails. A handle still
		 * in its handshake cannot be disconnected: close its socket and
		 * leave the small handle to the short-lived client's exit. */
		if (rc == -ETIMEDOUT)
			close(pfd.fd);
		free(lc);
		return rc == -ETIMEDOUT ? -ETIMEDOUT : rc == -EACCES || rc == -EPERM ? -EACCES : -ENOTCONN;
	}
	*c = lc;
	return 0;
}

void ledger_client_close(struct ledger_client *c)
{
	if (!c)
		return;
	qb_ipcc_disconnect(c->conn);
	free(c);
}

/* One request of @len bytes (a struct ferry_ipc_req first), one reply. */
static int call_raw(struct ledger_client *c, const struct ferry_ipc_req *req, size_t len,
		    void *reply, size_t size)
{
	struct iovec iov = { .iov_base = (void *)req, .iov_len = len };
	uint32_t t = req->timeout_ms ? req->timeout_ms : FERRY_IPC_DEFAULT_TIMEOUT_MS;
	struct qb_ipc_response_header *h = reply;
	ssize_t rc;

	rc = qb_ipcc_sendv_recv(c->conn, &iov, 1, reply, size, (int32_t)(t + CLIENT_GRACE_MS));
	if (rc == -ETIMEDOUT || rc == -EAGAIN)
		return -ETIMEDOUT;
	if (rc == -EACCES || rc == -EPERM)
		return -EACCES;
	if (rc < 0)
		return -ENOTCONN;
	if ((size_t)rc < sizeof(*h) + sizeof(int32_t) || h->id != req->hdr.id)
		return -EPROTO;
	if (h->error < 0)
		return h->error;
	return 0;
}

int ledger_client_call(struct ledger_client *c, const struct ferry_ipc_req *req, void *reply,
		       size_t size)
{
	return call_raw(c, req, sizeof(*req), reply, size);
}

static void req_init(struct ferry_ipc_req *req, int op, uint32_t timeout_ms)
{
	memset(req, 0, sizeof(*req));
	req->hdr.id = op;
	req->hdr.size = sizeof(*req);
	req->version = FERRY_IPC_VERSION;
	req->timeout_ms = timeout_ms;
}

/* One request over a fresh connection. */
static int call_once(const struct ferry_ipc_req *req, void *reply, size_t size)
{
	struct ledger_client *c;
	int rc = ledger_client_open(&c);

	if (rc < 0)
		return rc;
	rc = ledger_client_call(c, req, reply, size);
	ledger_client_close(c);
	return rc;
}

static int domain_call(int op, const char *name, uint32_t node, uint64_t epoch,
		       uint32_t timeout_ms, struct ferry_ipc_reply *reply)
{
	struct ferry_ipc_req req;

	memset(reply, 0, sizeof(*reply));
	req_init(&req, op, timeout_ms);
	if (!name || strlen(name) > LEDGER_NAME_MAX)
		return -EINVAL;
	strcpy(req.name, name);
	req.node = node;
	req.epoch = epoch;
	return call_once(&req, reply, sizeof(*reply));
}

int ledger_client_claim(const char *name, uint32_t timeout_ms, struct ferry_ipc_reply *reply)
{
	return domain_call(FERRY_IPC_CLAIM, name, 0, 0, timeout_ms, reply);
}

int ledger_client_release(const char *name, uint32_t timeout_ms, struct ferry_ipc_reply *reply)
{
	return domain_call(FERRY_IPC_RELEASE, name, 0, 0, timeout_ms, reply);
}

int ledger_client_migrate_begin(const char *name, uint32_t target, uint32_t timeout_ms,
				struct ferry_ipc_reply *reply)
{
	return domain_call(FERRY_IPC_MIGRATE_BEGIN, name, target, 0, timeout_ms, reply);
}

int ledger_client_migrate_commit(const char *name, uint64_t epoch, uint32_t timeout_ms,
				 struct ferry_ipc_reply *reply)
{
	return domain_call(FERRY_IPC_MIGRATE_COMMIT, name, 0, epoch, timeout_ms, reply);
}

int ledger_client_migrate_abort(const char *name, uint64_t epoch, uint32_t timeout_ms,
				struct ferry_ipc_reply *reply)
{
	return domain_call(FERRY_IPC_MIGRATE_ABORT, name, 0, epoch, timeout_ms, reply);
}

int ledger_client_confirm_dead(uint32_t nodeid, uint32_t timeout_ms,
			       struct ferry_ipc_reply *reply)
{
	struct ferry_ipc_req req;

	memset(reply, 0, sizeof(*reply));
	req_init(&req, FERRY_IPC_CONFIRM_DEAD, timeout_ms);
	req.node = nodeid;
	return call_once(&req, reply, sizeof(*reply));
}

int ledger_client_status(uint32_t timeout_ms, struct ferry_ipc_status *status)
{
	struct ferry_ipc_req req;

	memset(status, 0, sizeof(*status));
	req_init(&req, FERRY_IPC_STATUS, timeout_ms);
	return call_once(&req, status, sizeof(*status));
}

int ledger_client_show(ledger_client_show_fn fn, void *arg, uint32_t timeout_ms, int *status)
{
	struct ledger_client *c;
	struct ferry_ipc_show *page = malloc(FERRY_IPC_MAX_MSG);
	struct ferry_ipc_req req;
	int rc;

	if (!page)
		return -ENOMEM;
	rc = ledger_client_open(&c);
	if (rc < 0) {
		free(page);
		return rc;
	}
	req_init(&req, FERRY_IPC_SHOW, timeout_ms);
	for (;;) {
		rc = ledger_client_call(c, &req, page, FERRY_IPC_MAX_MSG);
		if (rc < 0)
			break;
		*status = page->status;
		if (page->status != FERRY_OK || page->count > FERRY_IPC_SHOW_MAX)
			break;
		for (uint32_t i = 0; i < page->count; i++)
			if (fn(&page->entries[i], page->now_ms, arg))
				goto out;
		if (!page->more || page->count == 0)
			break;
		memcpy(req.name, page->entries[page->count - 1].name, sizeof(req.name));
	}
out:
	ledger_client_close(c);
	free(page);
	return rc;
}

int ledger_client_dump(char *path, size_t len, uint32_t timeout_ms)
{
	struct ferry_ipc_req req;
	struct ferry_ipc_reply reply;
	int rc;

	req_init(&req, FERRY_IPC_DUMP, timeout_ms);
	rc = call_once(&req, &reply, sizeof(reply));
	if (rc < 0)
		return rc;
	if (reply.status != FERRY_OK)
		return -EIO;
	reply.reason[sizeof(reply.reason) - 1] = '\0';
	if (strlen(reply.reason) >= len)
		return -ENAMETOOLONG;
	strcpy(path, reply.reason);
	return 0;
}

int ledger_client_monitor(const struct ferry_ipc_monitor_req *req, struct ferry_ipc_monitor *m)
{
	struct ferry_ipc_monitor_req q = *req;
	struct ledger_client *c;
	int rc;

	q.req.hdr.id = FERRY_IPC_MONITOR;
	q.req.hdr.size = sizeof(q);
	q.req.version = FERRY_IPC_VERSION;
	memset(m, 0, sizeof(*m));
	rc = ledger_client_open(&c);
	if (rc < 0)
		return rc;
	rc = call_raw(c, &q.req, sizeof(q), m, sizeof(*m));
	ledger_client_close(c);
	if (rc == 0 && m->hdr.size != sizeof(*m))
		rc = -EPROTO;
	if (rc == 0) {
		m->name[sizeof(m->name) - 1] = '\0';
		m->reason[sizeof(m->reason) - 1] = '\0';
		m->owner[sizeof(m->owner) - 1] = '\0';
		m->peer[sizeof(m->peer) - 1] = '\0';
		m->shutdown[sizeof(m->shutdown) - 1] = '\0';
		m->entry.name[sizeof(m->entry.name) - 1] = '\0';
		if (m->ndrbd > FERRY_IPC_MAX_DRBD)
			m->ndrbd = FERRY_IPC_MAX_DRBD;
		for (uint32_t i = 0; i < m->ndrbd; i++) {
			m->drbd[i].name[sizeof(m->drbd[i].name) - 1] = '\0';
			m->drbd[i].disk[sizeof(m->drbd[i].disk) - 1] = '\0';
			m->drbd[i].why[sizeof(m->drbd[i].why) - 1] = '\0';
		}
	}
	return rc;
}

int ledger_client_verdict(int rc, int reply_status)
{
	switch (rc) {
	case 0:
		return reply_status;
	case -EACCES:
		return FERRY_E_PERM;
	case -ETIMEDOUT:
		return FERRY_E_TIMEDOUT;
	case -ENOTCONN:
		return FERRY_E_UNREACHABLE;
	default:
		return FERRY_E_INTERNAL;
	}
}
