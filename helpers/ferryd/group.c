/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPG group "ferry" (model v1, with totem ring changes). Deliveries and
 * configuration changes go straight to the replica, in the agreed order.
 * Sends are queued: CS_ERR_TRY_AGAIN is corosync's flow control, so the
 * queue is retried from a loop timer, never by sleeping.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/cpg.h>

#include "clock.h"
#include "ferryd.h"
#include "group.h"

#define GROUP_NAME "ferry"
/* TRY_AGAIN means corosync is busy (sync, full queue): come back soon. */
#define RETRY_MS 5
/* At start-up only (before the loop runs), corosync may be syncing. */
#define JOIN_TRIES 100
#define JOIN_PAUSE_US 100000

struct qent {
	struct qent *next;
	size_t len;
	uint8_t buf[];
};

static cpg_handle_t handle;
static bool connected;
static bool lost;
static struct qent *qhead, *qtail;
static size_t qcount;
static qb_loop_timer_handle retry_timer;
static bool retry_armed;

static struct cpg_name group_name(void)
{
	struct cpg_name n;

	/* Groups compare by length then bytes: always the same length. */
	memset(&n, 0, sizeof(n));
	n.length = sizeof(GROUP_NAME) - 1;
	memcpy(n.value, GROUP_NAME, n.length);
	return n;
}

/* The daemon, as group_start gave it to CPG. */
static struct ferryd *daemon_of(cpg_handle_t h)
{
	void *ctx = NULL;

	cpg_context_get(h, &ctx);
	return ctx;
}

static void corosync_lost(struct ferryd *d, const char *what, cs_error_t rc)
{
	if (lost)
		return;
	lost = true;
	flog(FLOG_CPG, LOG_CRIT, "lost the connection to corosync (%s: %s): exiting", what,
	     cs_strerror(rc));
	ferryd_stop(d, 1, "corosync went away");
}

static const char *reason_name(uint32_t reason)
{
	switch (reason) {
	case CPG_REASON_JOIN:
		return "joined";
	case CPG_REASON_LEAVE:
		return "left";
	case CPG_REASON_NODEDOWN:
		return "node down";
	case CPG_REASON_NODEUP:
		return "node up";
	case CPG_REASON_PROCDOWN:
		return "ferryd died";
	default:
		return "unknown reason";
	}
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *g, uint32_t nodeid, uint32_t pid,
		       void *msg, size_t len)
{
	(void)g;
	replica_deliver(daemon_of(h)->rep, nodeid, pid, msg, len, clock_wall_ms());
}

static struct replica_member *members_of(const struct cpg_address *a, size_t n)
{
	struct replica_member *v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		v[i].nodeid = a[i].nodeid;
		v[i].pid = a[i].pid;
	}
	return v;
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *g, const struct cpg_address *members,
		       size_t nmembers, const struct cpg_address *left, size_t nleft,
		       const struct cpg_address *joined, size_t njoined)
{
	struct replica_member *m = members_of(members, nmembers);
	struct replica_member *l = members_of(left, nleft);
	struct ferryd *d = daemon_of(h);

	(void)g;
	for (size_t i = 0; i < nleft; i++)
		flog(FLOG_CPG, LOG_NOTICE, "node %u (ferryd pid %u) left the group: %s",
		     left[i].nodeid, left[i].pid, reason_name(left[i].reason));
	for (size_t i = 0; i < njoined; i++)
		flog(FLOG_CPG, LOG_NOTICE, "node %u (ferryd pid %u) joined the group", joined[i].nodeid,
		     joined[i].pid);
	flog(FLOG_CPG, LOG_INFO, "group has %zu member(s)", nmembers);
	if (!m || !l) {
		free(m);
		free(l);
		ferryd_stop(d, 1, "out of memory");
		return;
	}
	replica_confchg(d->rep, m, nmembers, l, nleft, njoined, clock_wall_ms());
	free(m);
	free(l);
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n, const uint32_t *members)
{
	struct ferryd *d = daemon_of(h);

	(void)members;
	flog(FLOG_CPG, LOG_INFO, "totem ring %u.%llu with %u node(s)", ring.nodeid,
	     (unsigned long long)ring.seq, n);
	replica_totem(d->rep, ring.seq);
}

static int on_readable(int32_t fd, int32_t revents, void *data)
{
	struct ferryd *d = data;
	cs_error_t rc;

	(void)fd;
	if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
		corosync_lost(d, "poll", CS_ERR_LIBRARY);
		return -1;
	}
	rc = cpg_dispatch(handle, CS_DISPATCH_ALL);
	if (rc != CS_OK && rc != CS_ERR_TRY_AGAIN) {
		corosync_lost(d, "cpg_dispatch", rc);
		return -1;
	}
	return 0;
}

static void flush(struct ferryd *d);

static void on_retry(void *data)
{
	retry_armed = false;
	flush(data);
}

static void flush(struct ferryd *d)
{
	while (qhead && !lost) {
		struct iovec iov = { .iov_base = qhead->buf, .iov_len = qhead->len };
		cs_error_t rc = cpg_mcast_joined(handle, CPG_TYPE_AGREED, &iov, 1);
		struct qent *e;

		if (rc == CS_ERR_TRY_AGAIN) {
			if (!retry_armed &&
			    qb_loop_timer_add(d->loop, QB_LOOP_MED, RETRY_MS * 1000000ull, d, on_retry,
					      &retry_timer) == 0)
				retry_armed = true;
			return;
		}
		if (rc != CS_OK) {
			corosync_lost(d, "cpg_mcast_joined", rc);
			return;
		}
		e = qhead;
		qhead = e->next;
		if (!qhead)
			qtail = NULL;
		qcount--;
		free(e);
	}
}

int group_send(struct ferryd *d, const void *buf, size_t len)
{
	struct qent *e;

	if (lost || !connected)
		return -ENOTCONN;
	e = malloc(sizeof(*e) + len);
	if (!e)
		return -ENOMEM;
	e->next = NULL;
	e->len = len;
	memcpy(e->buf, buf, len);
	if (qtail)
		qtail->next = e;
	else
		qhead = e;
	qtail = e;
	qcount++;
	if (!retry_armed)
		flush(d);
	return 0;
}

size_t group_queued(void)
{
	return qcount;
}

int group_start(struct ferryd *d)
{
	static cpg_model_v1_data_t model = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = on_deliver,
		.cpg_confchg_fn = on_confchg,
		.cpg_totem_confchg_fn = on_totem,
		.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF,
	};
	struct cpg_name name = group_name();
	unsigned int nodeid;
	cs_error_t rc;
	int fd;

	rc = cpg_model_initialize(&handle, CPG_MODEL_V1, (cpg_model_data_t *)&model, d);
	if (rc != CS_OK) {
		flog(FLOG_CPG, LOG_ERR, "cannot connect to corosync CPG: %s (is corosync running?)",
		     cs_strerror(rc));
		return -ENOTCONN;
	}
	connected = true;
	rc = cpg_local_get(handle, &nodeid);
	if (rc != CS_OK) {
		flog(FLOG_CPG, LOG_ERR, "cannot read the local nodeid: %s", cs_strerror(rc));
		group_stop(d);
		return -ENOTCONN;
	}
	d->nodeid = nodeid;
	for (int i = 0; i < JOIN_TRIES; i++) {
		rc = cpg_join(handle, &name);
		if (rc != CS_ERR_TRY_AGAIN)
			break;
		usleep(JOIN_PAUSE_US);
	}
	if (rc != CS_OK) {
		flog(FLOG_CPG, LOG_ERR, "cannot join CPG group %s: %s", GROUP_NAME, cs_strerror(rc));
		group_stop(d);
		return -ENOTCONN;
	}
	if (cpg_fd_get(handle, &fd) != CS_OK ||
	    qb_loop_poll_add(d->loop, QB_LOOP_MED, fd, POLLIN, d, on_readable) != 0) {
		flog(FLOG_CPG, LOG_ERR, "cannot watch the CPG connection");
		group_stop(d);
		return -EIO;
	}
	flog(FLOG_CPG, LOG_INFO, "joined CPG group %s as node %u", GROUP_NAME, nodeid);
	return 0;
}

void group_stop(struct ferryd *d)
{
	struct cpg_name name = group_name();
	int fd;

	if (!connected)
		return;
	if (retry_armed)
		qb_loop_timer_del(d->loop, retry_timer);
	retry_armed = false;
	if (cpg_fd_get(handle, &fd) == CS_OK)
		qb_loop_poll_del(d->loop, fd);
	if (!lost)
		cpg_leave(handle, &name);
	cpg_finalize(handle);
	connected = false;
	while (qhead) {
		struct qent *e = qhead;

		qhead = e->next;
		free(e);
	}
	qtail = NULL;
	qcount = 0;
}
