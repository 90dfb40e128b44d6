/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local IPC server (libqb, service "ferryd"). Root only: the uid is
 * checked when a connection is accepted. Requests never block the loop:
 * they are parked in requests.c and answered later; a client that cannot
 * take its answer is disconnected, never waited for (reply.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ferryd.h"
#include "ipc.h"
#include "monitor.h"
#include "reply.h"
#include "requests.h"

/* libqb's poll hooks carry no context: the loop they run on. */
static qb_loop_t *loop;
static qb_ipcs_service_t *srv;

static int32_t on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	(void)c;
	if (uid != 0) {
		flog(FLOG_IPC, LOG_WARNING, "refusing a client with uid %u gid %u: ferryd serves root only",
		     (unsigned)uid, (unsigned)gid);
		return -EACCES;
	}
	return 0;
}

static void on_created(qb_ipcs_connection_t *c)
{
	flog(FLOG_IPC, LOG_DEBUG, "client pid %d connected", (int)reply_client_pid(c));
}

/* The daemon, as ipc_start gave it to the service. */
static struct ferryd *daemon_of(qb_ipcs_connection_t *c)
{
	return qb_ipcs_connection_service_context_get(c);
}

/* One message as libqb hands it over (@size is what its header claims):
 * checked, then answered or parked in requests.c. Always 0 (libqb's
 * msg_process contract). */
static int32_t on_msg(qb_ipcs_connection_t *c, void *data, size_t size)
{
	const struct qb_ipc_request_header *h = data;
	struct ferry_ipc_reply r;
	struct ferry_ipc_req req;

	/* MONITOR carries more than the common request (ferry_ipc.h) */
	if (size >= sizeof(*h) && h->id == FERRY_IPC_MONITOR &&
	    size == sizeof(struct ferry_ipc_monitor_req) && (size_t)h->size == size) {
		struct ferry_ipc_monitor_req *q = malloc(sizeof(*q));

		if (q) {
			memcpy(q, data, sizeof(*q));
			monitor_answer(daemon_of(c), c, q);
			free(q);
		}
		return 0;
	}
	if (size < sizeof(*h) || size != sizeof(req) || (size_t)h->size != size) {
		flog(FLOG_IPC, LOG_WARNING, "client pid %d sent a malformed request (%zu bytes)",
		     (int)reply_client_pid(c), size);
		memset(&r, 0, sizeof(r));
		r.hdr.id = size >= sizeof(*h) ? h->id : 0;
		r.hdr.size = sizeof(r);
		r.status = FERRY_E_INVAL;
		strcpy(r.reason, "malformed request");
		reply_send(c, &r, sizeof(r));
		return 0;
	}
	memcpy(&req, data, sizeof(req));
	requests_submit(daemon_of(c), c, &req);
	return 0;
}

static int32_t on_closed(qb_ipcs_connection_t *c)
{
	requests_forget(daemon_of(c), c);
	return 0;
}

static void on_destroyed(qb_ipcs_connection_t *c)
{
	flog(FLOG_IPC, LOG_DEBUG, "client pid %d gone", (int)reply_client_pid(c));
}

/* libqb IPC runs on our qb loop through these. */
static int32_t job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(loop, p, data, fn);
}

static int32_t poll_add(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(loop, p, fd, events, data, fn);
}

static int32_t poll_mod(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(loop, p, fd, events, data, fn);
}

static int32_t poll_del(int32_t fd)
{
	return qb_loop_poll_del(loop, fd);
}

int ipc_start(struct ferryd *d)
{
	static struct qb_ipcs_service_handlers handlers = {
		.connection_accept = on_accept,
		.connection_created = on_created,
		.msg_process = on_msg,
		.connection_closed = on_closed,
		.connection_destroyed = on_destroyed,
	};
	static struct qb_ipcs_poll_handlers poll = {
		.job_add = job_add,
		.dispatch_add = poll_add,
		.dispatch_mod = poll_mod,
		.dispatch_del = poll_del,
	};
	int rc;

	loop = d->loop;
	reply_start(d->loop);
	/* shared memory: replies are written without blocking on the client */
	srv = qb_ipcs_create(FERRY_IPC_NAME, 0, QB_IPC_SHM, &handlers);
	if (!srv)
		return -errno ? -errno : -ENOMEM;
	qb_ipcs_poll_handlers_set(srv, &poll);
	qb_ipcs_service_context_set(srv, d);
	qb_ipcs_enforce_buffer_size(srv, FERRY_IPC_MAX_MSG);
	rc = qb_ipcs_run(srv);
	if (rc < 0) {
		flog(FLOG_IPC, LOG_ERR, "cannot start the IPC server: %s", strerror(-rc));
		qb_ipcs_destroy(srv);
		srv = NULL;
		return rc;
	}
	return 0;
}

void ipc_stop(struct ferryd *d)
{
	(void)d;
	if (!srv)
		return;
	reply_stop(); /* doomed clients first, while their service exists */
	qb_ipcs_destroy(srv);
	srv = NULL;
}
