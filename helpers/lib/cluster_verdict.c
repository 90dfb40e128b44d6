/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DRBD notices a lost peer (a ping timeout, a broken socket) seconds before
 * corosync forms the membership without it, and until then corosync's old,
 * quorate view stands. A node cut off from the majority would pass any
 * quorum check taken in that gap. So ask corosync's quorum service directly
 * (not ferryd, whose view follows it) and wait for the membership that
 * settles the peer's fate.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <corosync/cmap.h>
#include <corosync/quorum.h>

#include "clock.h"
#include "cluster_verdict.h"

/* Corosync's defaults (corosync.conf(5)) when cmap cannot say. */
#define TOKEN_DEFAULT_MS     3000
#define CONSENSUS_DEFAULT_MS 3600
/* cluster_verdict_now: corosync answers a membership query at once; a
 * corosync that does not within twice this is unreachable. */
#define NOW_ANSWER_MS        2500

struct view {
	uint32_t peer;
	bool seen; /* a notification arrived */
	struct cluster_verdict v;
};

static void on_quorum(quorum_handle_t h, uint32_t quorate, struct quorum_ring_id ring,
		      uint32_t n, const uint32_t *members)
{
	const void *ctx = NULL;
	struct view *w;

	quorum_context_get(h, &ctx);
	w = (struct view *)ctx;
	w->seen = true;
	w->v.quorate = quorate != 0;
	w->v.ring = ring.seq;
	w->v.members = n;
	w->v.peer_member = false;
	for (uint32_t i = 0; i < n; i++)
		if (members[i] == w->peer)
			w->v.peer_member = true;
}

int cluster_verdict_budget_ms(void)
{
	uint32_t token = TOKEN_DEFAULT_MS, consensus = CONSENSUS_DEFAULT_MS;
	cmap_handle_t h;

	if (cmap_initialize(&h) == CS_OK) {
		/* runtime.config holds the values in force (the token grows
		 * with the node count: token_coefficient). */
		cmap_get_uint32(h, "runtime.config.totem.token", &token);
		cmap_get_uint32(h, "runtime.config.totem.consensus", &consensus);
		cmap_finalize(h);
	}
	if (token > 600000 || consensus > 600000) /* nonsense: use the defaults */
		token = TOKEN_DEFAULT_MS, consensus = CONSENSUS_DEFAULT_MS;
	return (int)(2 * (token + consensus));
}

/* The wait of cluster_verdict_wait(); with @now, the first membership
 * corosync reports ends it (@budget_ms then bounds only its answer). */
static int verdict_track(uint32_t peer, int budget_ms, bool now_only, struct cluster_verdict *out,
			 void (*waiting)(void *arg), void *arg)
{
	static quorum_model_v1_data_t model = {
		.model = QUORUM_MODEL_V1,
		.quorum_notify_fn = on_quorum,
	};
	struct view w = {.peer = peer};
	quorum_handle_t qh;
	uint32_t type;
	int64_t start = clock_ms(), deadline = start + budget_ms;
	bool told = false;
	int fd, rc = 0;

	if (quorum_model_initialize(&qh, QUORUM_MODEL_V1, (quorum_model_data_t *)&model, &type,
				    &w) != CS_OK)
		return -ENOTCONN;
	if (quorum_trackstart(qh, CS_TRACK_CURRENT | CS_TRACK_CHANGES) != CS_OK ||
	    quorum_fd_get(qh, &fd) != CS_OK) {
		quorum_finalize(qh);
		return -ENOTCONN;
	}
	for (;;) {
		int64_t now = clock_ms();

		if (w.seen && (now_only || !w.v.peer_member || now >= deadline))
			break;
		if (now >= deadline + budget_ms) { /* corosync never answered */
			rc = -ENOTCONN;
			break;
		}
		if (w.seen && !told && waiting) {
			told = true;
			waiting(arg);
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = (w.seen ? deadline : deadline + budget_ms) - now;
		int n = poll(&p, 1, (int)(left > 1000 ? 1000 : left));

		if (n < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (n > 0) {
			cs_error_t e = (p.revents & (POLLERR | POLLHUP | POLLNVAL))
					       ? CS_ERR_LIBRARY
					       : quorum_dispatch(qh, CS_DISPATCH_ALL);
			if (e != CS_OK && e != CS_ERR_TRY_AGAIN) {
				rc = -ENOTCONN;
				break;
			}
		}
	}
	quorum_trackstop(qh);
	quorum_finalize(qh);
	if (rc == 0) {
		/* Without a quorum provider every partition is "quorate":
		 * nothing here can tell a minority from the majority. */
		if (type != QUORUM_SET)
			w.v.quorate = false;
		w.v.waited_ms = (int)(clock_ms() - start);
		*out = w.v;
	}
	return rc;
}

int cluster_verdict_wait(uint32_t peer, int budget_ms, struct cluster_verdict *out,
			 void (*waiting)(void *arg), void *arg)
{
	return verdict_track(peer, budget_ms, false, out, waiting, arg);
}

int cluster_verdict_now(uint32_t peer, struct cluster_verdict *out)
{
	return verdict_track(peer, NOW_ANSWER_MS, true, out, NULL, NULL);
}
