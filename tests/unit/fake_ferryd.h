/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a test process cannot have, for tests and fuzz harnesses that link
 * ferryd's own modules (ipc.c, requests.c, sync.c, persist.c...):
 *
 * - libqb's IPC *server connection* (a real one needs a client process on
 *   the other end of a socket and shared memory): these definitions
 *   interpose on libqb's. Like libqb 2.0's ipcs.c, qb_ipcs_disconnect()
 *   calls connection_closed synchronously and drops a reference, and the
 *   connection is destroyed when the last reference goes; a client that
 *   never reads is a response ring that fills up (-EAGAIN).
 * - corosync's CPG: group_send() delivers to a one-member group (this
 *   process), in order, from fake_pump() (group.c is then not linked).
 * - main.c's ferryd_stop() (main.c holds main()): it records the code.
 * - the qb loop's job queue: qb_loop_job_add() queues here and
 *   fake_loop_once() runs the jobs in order (a real qb_loop_run() polls
 *   up to 50 ms a turn before it runs them, too slow for a fuzzer). Timers
 *   and fds stay libqb's, and never fire in a test.
 *
 * Include it in exactly one file of a test binary.
 */
#ifndef FAKE_FERRYD_H
#define FAKE_FERRYD_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qb/qbipcs.h>

#include "ferryd.h"
#include "group.h"
#include "ipc.h"
#include "requests.h"
#include "sync.h"

struct fake_conn {
	int refs;
	int down;           /* disconnected: connection_closed was called */
	int destroyed;      /* connection_destroyed was called */
	size_t ring_left;   /* bytes the client's response ring still takes */
	size_t replies;     /* replies it got */
	int32_t last_status;
	int32_t last_id;
	pid_t pid;
};

static struct qb_ipcs_service_handlers fake_handlers;
static int fake_service;
static uint8_t fake_last[FERRY_IPC_MAX_MSG]; /* the last reply anyone got */
static size_t fake_last_len;

qb_ipcs_service_t *qb_ipcs_create(const char *name, int32_t service_id, enum qb_ipc_type type,
				  struct qb_ipcs_service_handlers *handlers)
{
	(void)name;
	(void)service_id;
	(void)type;
	fake_handlers = *handlers;
	return (qb_ipcs_service_t *)&fake_service;
}

void qb_ipcs_poll_handlers_set(qb_ipcs_service_t *s, struct qb_ipcs_poll_handlers *handlers)
{
	(void)s;
	(void)handlers;
}

void qb_ipcs_enforce_buffer_size(qb_ipcs_service_t *s, uint32_t max_buf_size)
{
	(void)s;
	(void)max_buf_size;
}

/* The service's context (ipc.c keeps the daemon there), which every
 * connection of the one fake service gives back. */
static void *fake_service_context;

void qb_ipcs_service_context_set(qb_ipcs_service_t *s, void *context)
{
	(void)s;
	fake_service_context = context;
}

void *qb_ipcs_connection_service_context_get(qb_ipcs_connection_t *c)
{
	(void)c;
	return fake_service_context;
}

int32_t qb_ipcs_run(qb_ipcs_service_t *s)
{
	(void)s;
	return 0;
}

void qb_ipcs_destroy(qb_ipcs_service_t *s)
{
	(void)s;
}

void qb_ipcs_connection_ref(qb_ipcs_connection_t *c)
{
	((struct fake_conn *)(void *)c)->refs++;
}

void qb_ipcs_connection_unref(qb_ipcs_connection_t *c)
{
	struct fake_conn *f = (struct fake_conn *)(void *)c;

	if (f->refs < 1)
		abort(); /* libqb asserts here too */
	if (--f->refs == 0) {
		f->destroyed = 1;
		if (fake_handlers.connection_destroyed)
			fake_handlers.connection_destroyed(c);
	}
}

void qb_ipcs_disconnect(qb_ipcs_connection_t *c)
{
	struct fake_conn *f = (struct fake_conn *)(void *)c;

	if (f->down)
		return;
	f->down = 1;
	if (!fake_handlers.connection_closed || fake_handlers.connection_closed(c) == 0)
		qb_ipcs_connection_unref(c);
}

ssize_t qb_ipcs_response_send(qb_ipcs_connection_t *c, const void *data, size_t size)
{
	struct fake_conn *f = (struct fake_conn *)(void *)c;
	const struct qb_ipc_response_header *h = data;

	if (f->down)
		return -ENOTCONN;
	if (size > f->ring_left)
		return -EAGAIN;
	if (size > sizeof(fake_last))
		abort(); /* ferryd never answers more than a client's buffer takes */
	f->ring_left -= size;
	f->replies++;
	memcpy(fake_last, data, size);
	fake_last_len = size;
	f->last_id = h->id;
	if (size >= sizeof(*h) + sizeof(int32_t))
		memcpy(&f->last_status, (const char *)data + sizeof(*h), sizeof(int32_t));
	return (ssize_t)size;
}

int32_t qb_ipcs_connection_stats_get(qb_ipcs_connection_t *c,
				     struct qb_ipcs_connection_stats *stats, int32_t clear)
{
	(void)clear;
	memset(stats, 0, sizeof(*stats));
	stats->client_pid = ((struct fake_conn *)(void *)c)->pid;
	return 0;
}

/* A client connects (libqb: accept, then created; one reference). */
static int fake_connect(struct fake_conn *f, size_t ring, uid_t uid)
{
	memset(f, 0, sizeof(*f));
	f->refs = 1;
	f->ring_left = ring;
	f->pid = 4242;
	if (fake_handlers.connection_accept &&
	    fake_handlers.connection_accept((qb_ipcs_connection_t *)(void *)f, uid, 0) != 0) {
		f->refs = 0;
		return -EACCES;
	}
	if (fake_handlers.connection_created)
		fake_handlers.connection_created((qb_ipcs_connection_t *)(void *)f);
	return 0;
}

/* libqb hands a request over as msg_process(c, hdr, hdr->size): the size
 * is what the header claims, the buffer is the receive buffer. */
static void fake_request(struct fake_conn *f, const void *msg, size_t len)
{
	static uint8_t buf[FERRY_IPC_MAX_MSG];
	const struct qb_ipc_request_header *h = (const void *)buf;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, msg, len < sizeof(buf) ? len : sizeof(buf));
	if (!f->down)
		fake_handlers.msg_process((qb_ipcs_connection_t *)(void *)f, buf, (size_t)h->size);
}

static int fake_stopped = -1;

void ferryd_stop(struct ferryd *d, int code, const char *why)
{
	(void)why;
	if (fake_stopped < 0)
		fake_stopped = code;
	d->exit_code = code;
}

/* ---- a one-member CPG ---- */

struct fake_msg {
	struct fake_msg *next;
	size_t len;
	uint8_t buf[];
};

static struct fake_msg *fake_q, **fake_qtail = &fake_q;
static size_t fake_nq;
static struct ferryd *fake_d;
static int fake_send_fail; /* group_send fails while set */

int group_send(struct ferryd *d, const void *buf, size_t len)
{
	struct fake_msg *m;

	(void)d;
	if (fake_send_fail)
		return -ENOTCONN;
	m = malloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->len = len;
	memcpy(m->buf, buf, len);
	*fake_qtail = m;
	fake_qtail = &m->next;
	fake_nq++;
	return 0;
}

size_t group_queued(void)
{
	return fake_nq;
}

/* Deliver what was multicast, in order, to this one member. */
static void fake_pump(void)
{
	while (fake_q) {
		struct fake_msg *m = fake_q;

		fake_q = m->next;
		if (!fake_q)
			fake_qtail = &fake_q;
		fake_nq--;
		replica_deliver(fake_d->rep, fake_d->nodeid, fake_d->pid, m->buf, m->len, 1000);
		free(m);
	}
}

struct fake_job {
	struct fake_job *next;
	void *data;
	qb_loop_job_dispatch_fn fn;
};

static struct fake_job *fake_jobs, **fake_jobs_tail = &fake_jobs;

int32_t qb_loop_job_add(struct qb_loop *l, enum qb_loop_priority p, void *data,
			qb_loop_job_dispatch_fn dispatch_fn)
{
	struct fake_job *j = malloc(sizeof(*j));

	(void)l;
	(void)p;
	if (!j)
		return -ENOMEM;
	j->next = NULL;
	j->data = data;
	j->fn = dispatch_fn;
	*fake_jobs_tail = j;
	fake_jobs_tail = &j->next;
	return 0;
}

/* Run what the loop has queued (jobs, in order, new ones too), then return. */
static void fake_loop_once(struct ferryd *d)
{
	(void)d;
	while (fake_jobs) {
		struct fake_job *j = fake_jobs;

		fake_jobs = j->next;
		if (!fake_jobs)
			fake_jobs_tail = &fake_jobs;
		j->fn(j->data);
		free(j);
	}
}

/* A ferryd of node 1, alone in its group, in sync, quorate, serving IPC. */
static int fake_ferryd_start(struct ferryd *d, const char *run_dir)
{
	struct replica_member me;

	memset(d, 0, sizeof(*d));
	d->loop = qb_loop_create();
	d->run_dir = run_dir;
	d->nodeid = 1;
	d->pid = (uint32_t)getpid();
	fake_d = d;
	if (!d->loop || sync_start(d) < 0 || requests_start(d) < 0 || ipc_start(d) < 0)
		return -1;
	me = (struct replica_member){ d->nodeid, d->pid };
	replica_totem(d->rep, 8);
	replica_confchg(d->rep, &me, 1, NULL, 0, 1, 1000);
	replica_quorum(d->rep, true, 8);
	fake_pump();
	return replica_synced(d->rep) ? 0 : -1;
}

static void fake_ferryd_stop(struct ferryd *d)
{
	fake_pump();
	fake_loop_once(d);
	ipc_stop(d);
	requests_stop(d);
	sync_stop(d);
	qb_loop_destroy(d->loop);
	while (fake_q) {
		struct fake_msg *m = fake_q;

		fake_q = m->next;
		free(m);
	}
	fake_qtail = &fake_q;
	fake_nq = 0;
}

#endif
