/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replies to local IPC clients. libqb writes them into the client's shared
 * memory without blocking; a client that cannot take one is disconnected,
 * never waited for.
 *
 * Never from inside a reply, though: qb_ipcs_disconnect() calls
 * connection_closed -> requests_forget() synchronously, which frees the
 * client's waiting requests while the caller of reply_send() may still hold
 * one (it freed it a second time). A connection whose reply failed is
 * marked doomed, holding a reference, and a loop job disconnects it; until
 * then it gets no more replies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"
#include "reply.h"

struct doomed {
	struct doomed *next;
	qb_ipcs_connection_t *c;
};

/* Set by reply_start: the loop that runs the disconnect job. */
static qb_loop_t *loop;
static struct doomed *doomed;
static bool doom_job;

pid_t reply_client_pid(qb_ipcs_connection_t *c)
{
	struct qb_ipcs_connection_stats st;

	if (qb_ipcs_connection_stats_get(c, &st, QB_FALSE) < 0)
		return -1;
	return st.client_pid;
}

static bool is_doomed(qb_ipcs_connection_t *c)
{
	for (struct doomed *x = doomed; x; x = x->next)
		if (x->c == c)
			return true;
	return false;
}

/* The loop job: disconnect, outside any reply path. */
static void on_doomed(void *data)
{
	(void)data;
	doom_job = false;
	while (doomed) {
		struct doomed *x = doomed;

		doomed = x->next;
		qb_ipcs_disconnect(x->c);
		qb_ipcs_connection_unref(x->c);
		free(x);
	}
}

static void doom(qb_ipcs_connection_t *c)
{
	struct doomed *x = malloc(sizeof(*x));

	if (!x) {
		flog(FLOG_IPC, LOG_ERR, "out of memory: a client that cannot take replies stays");
		return;
	}
	qb_ipcs_connection_ref(c); /* valid until the job, whatever the client does */
	x->c = c;
	x->next = doomed;
	doomed = x;
	if (!doom_job && qb_loop_job_add(loop, QB_LOOP_HIGH, NULL, on_doomed) == 0)
		doom_job = true;
}

void reply_send(qb_ipcs_connection_t *c, const void *buf, size_t len)
{
	ssize_t rc;

	if (is_doomed(c))
		return;
	rc = qb_ipcs_response_send(c, buf, len);
	if (rc < 0) {
		flog(FLOG_IPC, LOG_WARNING, "client pid %d cannot take its reply (%s): disconnecting",
		     (int)reply_client_pid(c), strerror((int)-rc));
		doom(c);
	}
}

void reply_start(qb_loop_t *l)
{
	loop = l;
}

void reply_stop(void)
{
	on_doomed(NULL);
}
