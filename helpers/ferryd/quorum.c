/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Quorum from libquorum. CPG runs without quorum, so ferryd tracks it and
 * stamps requests with it only once the quorum ring and the CPG ring agree
 * (their callbacks arrive in either order; see replica_stamp).
 */
#include <errno.h>
#include <poll.h>

#include <corosync/quorum.h>

#include "ferryd.h"
#include "quorum.h"

static quorum_handle_t qh;
static bool connected;
static bool lost;

static void on_quorum(quorum_handle_t h, uint32_t quorate, struct quorum_ring_id ring,
		      uint32_t n, const uint32_t *members)
{
	const void *ctx = NULL;
	struct ferryd *d;

	(void)members;
	quorum_context_get(h, &ctx);
	d = (struct ferryd *)ctx;
	flog(FLOG_QUORUM, quorate ? LOG_NOTICE : LOG_WARNING,
	     "%s: ring %u.%llu, %u node(s) in the quorum view", quorate ? "quorate" : "NOT quorate",
	     ring.nodeid, (unsigned long long)ring.seq, n);
	replica_quorum(d->rep, quorate != 0, ring.seq);
}

static int on_readable(int32_t fd, int32_t revents, void *data)
{
	struct ferryd *d = data;
	cs_error_t rc;

	(void)fd;
	rc = (revents & (POLLERR | POLLHUP | POLLNVAL)) ? CS_ERR_LIBRARY
							 : quorum_dispatch(qh, CS_DISPATCH_ALL);
	if (rc != CS_OK && rc != CS_ERR_TRY_AGAIN) {
		if (!lost) {
			lost = true;
			flog(FLOG_QUORUM, LOG_CRIT, "lost the quorum service: %s: exiting",
			     cs_strerror(rc));
			ferryd_stop(d, 1, "corosync went away");
		}
		return -1;
	}
	return 0;
}

int quorum_watch_start(struct ferryd *d)
{
	static quorum_model_v1_data_t model = {
		.model = QUORUM_MODEL_V1,
		.quorum_notify_fn = on_quorum,
	};
	uint32_t type;
	cs_error_t rc;
	int fd;

	rc = quorum_model_initialize(&qh, QUORUM_MODEL_V1, (quorum_model_data_t *)&model, &type,
				     d);
	if (rc != CS_OK) {
		flog(FLOG_QUORUM, LOG_ERR, "cannot connect to corosync quorum: %s", cs_strerror(rc));
		return -ENOTCONN;
	}
	connected = true;
	if (type != QUORUM_SET)
		flog(FLOG_QUORUM, LOG_WARNING,
		     "corosync has no quorum provider: every partition will look quorate");
	rc = quorum_trackstart(qh, CS_TRACK_CURRENT | CS_TRACK_CHANGES);
	if (rc != CS_OK || quorum_fd_get(qh, &fd) != CS_OK ||
	    qb_loop_poll_add(d->loop, QB_LOOP_MED, fd, POLLIN, d, on_readable) != 0) {
		flog(FLOG_QUORUM, LOG_ERR, "cannot track quorum: %s", cs_strerror(rc));
		quorum_watch_stop(d);
		return -ENOTCONN;
	}
	return 0;
}

void quorum_watch_stop(struct ferryd *d)
{
	int fd;

	if (!connected)
		return;
	if (quorum_fd_get(qh, &fd) == CS_OK)
		qb_loop_poll_del(d->loop, fd);
	if (!lost)
		quorum_trackstop(qh);
	quorum_finalize(qh);
	connected = false;
}
