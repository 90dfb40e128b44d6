/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fencing confirmation for lost nodes that still own orphaned domains.
 *
 * A lost node counts as fenced only if Pacemaker's fence history shows a
 * completed fencing at or after the moment this ledger lost it (dlm's rule:
 * stonith_api_time_helper(nodeid, 0) >= fail time). No record is not safe.
 * The query blocks, so a short-lived child process makes it (the fencing
 * library is dlopen()ed there, at run time, and never enters ferryd's own
 * address space); the answer comes back over a pipe watched by the loop.
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

#include "ferry_time.h"
#include "ferryd.h"

#define POLL_MS 2000
#define CHILD_TIMEOUT_MS 60000
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
static int child_fd = -1;
static uint64_t child_started;
static struct ask asked[MAX_ASK];
static size_t nasked;
static char out[4096];
static size_t outlen;
static uint64_t last_nag;

/* In the child: ask the fencer, print "lib 0|1" then "nodeid time" lines. */
static void child_run(int fd, const struct ask *a, size_t n)
{
	void *lib = dlopen(STONITH_LIBRARY, RTLD_LAZY);

	dprintf(fd, "lib %d\n", lib ? 1 : 0);
	for (size_t i = 0; lib && i < n; i++)
		dprintf(fd, "%u %lld\n", a[i].nodeid,
			(long long)stonith_api_time_helper(a[i].nodeid, false));
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
}

static int on_child_output(int32_t fd, int32_t revents, void *data)
{
	struct ferryd *d = data;
	ssize_t n = 0;

	(void)revents;
	if (outlen < sizeof(out) - 1)
		n = read(fd, out + outlen, sizeof(out) - 1 - outlen);
	if (n > 0) {
		outlen += (size_t)n;
		return 0;
	}
	if (n < 0 && errno == EINTR)
		return 0;
	qb_loop_poll_del(d->loop, fd);
	close(fd);
	child_fd = -1;
	reap();
	judge(d);
	return -1;
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
	uint64_t now = ferry_mono_ms();

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
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0) {
		flog(FLOG_FENCE, LOG_ERR, "pipe: %s", strerror(errno));
		return;
	}
	child = fork();
	if (child < 0) {
		flog(FLOG_FENCE, LOG_ERR, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (child == 0) {
		close(fds[0]);
		child_run(fds[1], asked, nasked);
	}
	close(fds[1]);
	child_fd = fds[0];
	child_started = ferry_mono_ms();
	outlen = 0;
	if (qb_loop_poll_add(d->loop, QB_LOOP_LOW, child_fd, POLLIN, d, on_child_output) != 0) {
		close(child_fd);
		child_fd = -1;
	}
}

static void on_timer(void *data)
{
	struct ferryd *d = data;

	reap();
	if (child > 0) {
		if (ferry_mono_ms() - child_started > CHILD_TIMEOUT_MS) {
			flog(FLOG_FENCE, LOG_ERR, "fence history query (pid %d) hangs: killing it",
			     (int)child);
			kill(child, SIGKILL);
		}
	} else if (child_fd < 0 && replica_synced(d->rep) && collect(d) > 0) {
		nag();
		spawn(d);
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
	if (child_fd >= 0) {
		qb_loop_poll_del(d->loop, child_fd);
		close(child_fd);
		child_fd = -1;
	}
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
}
