/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fencing confirmation for lost nodes that still own orphaned domains.
 *
 * A lost node counts as fenced only if Pacemaker's fence history shows a
 * completed fencing at or after the moment this ledger lost it (dlm's rule:
 * stonith_api_time_helper(nodeid, 0) >= fail time). No record is not safe.
 * The query blocks, so a child process makes it: the fencing library is
 * dlopen()ed there, once, and never enters ferryd's own address space. The
 * child lives while some lost node blocks something and answers one query
 * line after another over a pair of pipes watched by the loop (forking and
 * loading the library every 2 s cost a busy dom0 more than the query).
 * A confirmed fencing is multicast as FENCED so every member agrees.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <crm/stonith-ng.h>

#include "clock.h"
#include "fence.h"
#include "ferryd.h"
#include "requests.h"

#define POLL_MS 2000
#define CHILD_TIMEOUT_MS 60000
/* A child with nothing to ask for this long is let go. */
#define CHILD_IDLE_MS 60000
#define MAX_ASK 64
/* Remind the log about a node nobody fenced every this often. */
#define NAG_MS 60000

struct ask {
	uint32_t nodeid;
	uint32_t lost_gen;
	uint64_t lost_at_ms;
};

static qb_loop_timer_handle timer;
static pid_t child = -1;
static int child_fd = -1;    /* its answers */
static int child_in = -1;    /* its questions */
static uint64_t asked_at;    /* oldest unanswered question, 0: none */
static size_t pending;       /* questions not answered yet */
static uint64_t last_needed; /* the last time something was asked */
static struct ask asked[MAX_ASK];
static size_t nasked;
static char out[4096];
static size_t outlen;
static uint64_t last_nag;

/* In the child: load the fencing API once, print "lib 0|1", then answer
 * each "nodeid" line with "nodeid time" until the parent closes the pipe. */
static void child_run(int in, int out)
{
	void *lib = dlopen(STONITH_LIBRARY, RTLD_LAZY);
	FILE *f = fdopen(in, "r");
	char line[64];
	unsigned nodeid;

	dprintf(out, "lib %d\n", lib ? 1 : 0);
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%u", &nodeid) == 1)
			dprintf(out, "%u %lld\n", nodeid,
				lib ? (long long)stonith_api_time_helper(nodeid, false) : 0LL);
	_exit(0);
}

static void reap(void)
{
	if (child > 0 && waitpid(child, NULL, WNOHANG) == child)
		child = -1;
}

static void judge(struct ferryd *d)
{
	struct ledger *l = replica_ledger(d->rep);
	char *line = out, *nl;

	out[outlen] = '\0';
	while ((nl = strchr(line, '\n')) != NULL) {
		unsigned nodeid;
		long long t;
		int lib;

		*nl = '\0';
		if (sscanf(line, "lib %d", &lib) == 1) {
			if (d->fencing_api != lib)
				flog(FLOG_FENCE, lib ? LOG_INFO : LOG_WARNING,
				     lib ? "Pacemaker fencing API loaded (%s)"
					 : "Pacemaker fencing API (%s) not available: orphaned domains "
					   "wait for 'ferryctl ledger confirm-dead'",
				     STONITH_LIBRARY);
			d->fencing_api = lib;
		} else if (sscanf(line, "%u %lld", &nodeid, &t) == 2) {
			if (pending && --pending == 0)
				asked_at = 0; /* every question answered */
			for (size_t i = 0; i < nasked; i++) {
				const struct ledger_node *n = ledger_node_get(l, nodeid);

				if (asked[i].nodeid != nodeid || !n || n->member || n->dead ||
				    n->lost_gen != asked[i].lost_gen)
					continue;
				if (t > 0 && (uint64_t)t >= asked[i].lost_at_ms / 1000) {
					flog(FLOG_FENCE, LOG_NOTICE,
					     "node %u was fenced at %lld, after it was lost at %llu: "
					     "recording it",
					     nodeid, t, (unsigned long long)(asked[i].lost_at_ms / 1000));
					requests_fenced(d, nodeid, asked[i].lost_gen, (uint64_t)t);
				} else {
					flog(FLOG_FENCE, LOG_DEBUG,
					     "node %u: last completed fencing %lld is not after its loss "
					     "at %llu",
					     nodeid, t, (unsigned long long)(asked[i].lost_at_ms / 1000));
				}
			}
		}
		line = nl + 1;
	}
	/* keep a partial line for the next read */
	outlen = strlen(line);
	memmove(out, line, outlen + 1);
}

static void child_stop(struct ferryd *d)
{
	if (child_fd >= 0) {
		qb_loop_poll_del(d->loop, child_fd);
		close(child_fd);
		child_fd = -1;
	}
	if (child_in >= 0) {
		close(child_in); /* the child's EOF: it exits */
		child_in = -1;
	}
	asked_at = 0;
	pending = 0;
	reap();
}

static int on_child_output(int32_t fd, int32_t revents, void *data)
{
	struct ferryd *d = data;
	ssize_t n = 0;

	(void)revents;
	if (outlen < sizeof(out) - 1)
		n = read(fd, out + outlen, sizeof(out) - 1 - outlen);
	if (n < 0 && errno == EINTR)
		return 0;
	if (n > 0) {
		outlen += (size_t)n;
		judge(d);
		return 0;
	}
	child_stop(d); /* it exited, or an overlong line */
	return 0;      /* child_stop() removed the poll entry */
}

/* Lost nodes whose loss still blocks something: orphans, conflicts, or
 * (unseen since a cold start) every free domain. */
static size_t collect(struct ferryd *d)
{
	struct ledger *l = replica_ledger(d->rep);
	const struct ledger_entry *const *v;
	const struct ledger_node *nodes;
	size_t n;

	nasked = 0;
	nodes = ledger_nodes(l, &n);
	for (size_t i = 0; i < n && nasked < MAX_ASK; i++)
		if (nodes[i].unseen && !nodes[i].member && !nodes[i].dead)
			asked[nasked++] = (struct ask){ nodes[i].nodeid, nodes[i].lost_gen,
							nodes[i].lost_at_ms };
	if (ledger_sorted(l, &v, &n) < 0)
		return nasked;
	for (size_t i = 0; i < n && nasked < MAX_ASK; i++) {
		uint32_t who[2] = { 0, 0 };

		if (v[i]->state == LEDGER_ORPHANED && !v[i]->owner_dead)
			who[0] = v[i]->owner;
		else if (v[i]->state == LEDGER_CONFLICT) {
			who[0] = v[i]->owner;
			who[1] = v[i]->peer;
		}
		for (int k = 0; k < 2; k++) {
			const struct ledger_node *nd = who[k] ? ledger_node_get(l, who[k]) : NULL;
			bool dup = false;

			if (!nd || nd->member || nd->dead || !nd->lost_gen)
				continue;
			for (size_t j = 0; j < nasked; j++)
				dup |= asked[j].nodeid == nd->nodeid;
			if (!dup && nasked < MAX_ASK)
				asked[nasked++] = (struct ask){ nd->nodeid, nd->lost_gen, nd->lost_at_ms };
		}
	}
	return nasked;
}

static void nag(void)
{
	uint64_t now = clock_ms();

	if (last_nag && now - last_nag < NAG_MS)
		return;
	last_nag = now;
	for (size_t i = 0; i < nasked; i++)
		flog(FLOG_FENCE, LOG_WARNING,
		     "node %u is lost and NOT fenced: its orphaned domains stay down until fencing "
		     "completes or an operator runs 'ferryctl ledger confirm-dead %u'",
		     asked[i].nodeid, asked[i].nodeid);
}

static void spawn(struct ferryd *d)
{
	int out[2], in[2];

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(in, O_CLOEXEC) < 0) {
		flog(FLOG_FENCE, LOG_ERR, "pipe: %s", strerror(errno));
		return;
	}
	child = fork();
	if (child < 0) {
		flog(FLOG_FENCE, LOG_ERR, "fork: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		close(in[0]);
		close(in[1]);
		return;
	}
	if (child == 0) {
		close(out[0]);
		close(in[1]);
		child_run(in[0], out[1]);
	}
	close(out[1]);
	close(in[0]);
	child_fd = out[0];
	child_in = in[1];
	outlen = 0;
	if (qb_loop_poll_add(d->loop, QB_LOOP_LOW, child_fd, POLLIN, d, on_child_output) != 0)
		child_stop(d);
}

/* Ask the child about every node collect() found. */
static void ask(struct ferryd *d)
{
	char buf[MAX_ASK * 12];
	size_t len = 0;

	if (child_fd < 0) {
		reap();
		if (child > 0)
			return; /* the last one has not exited yet: next time */
		spawn(d);
	}
	if (child_in < 0)
		return;
	for (size_t i = 0; i < nasked; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u\n", asked[i].nodeid);
	if (write(child_in, buf, len) != (ssize_t)len) {
		flog(FLOG_FENCE, LOG_ERR, "fence history query: %s", strerror(errno));
		child_stop(d);
		return;
	}
	asked_at = clock_ms();
	pending = nasked;
}

static void on_timer(void *data)
{
	struct ferryd *d = data;
	uint64_t now = clock_ms();

	reap();
	if (asked_at && now - asked_at > CHILD_TIMEOUT_MS) {
		flog(FLOG_FENCE, LOG_ERR, "fence history query (pid %d) hangs: killing it",
		     (int)child);
		if (child > 0)
			kill(child, SIGKILL);
		child_stop(d);
	} else if (!asked_at && replica_synced(d->rep) && collect(d) > 0) {
		nag();
		last_needed = now;
		ask(d);
	} else if (!asked_at && child_fd >= 0 && now - last_needed > CHILD_IDLE_MS) {
		child_stop(d);
	}
	qb_loop_timer_add(d->loop, QB_LOOP_LOW, POLL_MS * 1000000ull, d, on_timer, &timer);
}

int fence_start(struct ferryd *d)
{
	d->fencing_api = 2;
	return qb_loop_timer_add(d->loop, QB_LOOP_LOW, POLL_MS * 1000000ull, d, on_timer, &timer);
}

void fence_stop(struct ferryd *d)
{
	qb_loop_timer_del(d->loop, timer);
	if (child > 0)
		kill(child, SIGKILL);
	child_stop(d);
	if (child > 0) {
		waitpid(child, NULL, 0);
		child = -1;
	}
}
