/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A domain's storage as one unit (see storage.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flog.h"

#include "cluster_verdict.h"
#include "drbd.h"
#include "lvm.h"
#include "nodemap.h"
#include "storage.h"

/* A member whose ferry does not answer delays a resource's up by at most
 * this per step of the connection. */
#define REPLICA_PEER_TIMEOUT_MS (5 * 1000)

int storage_up(const struct storage *s, char *why, size_t len)
{
	char tmp[512] = "";

	if (s->shared)
		return 0;
	if (s->stack == LVM_BELOW && s->vg && lvm_activate(s->vg, s->lv)) {
		snprintf(why, len, "activating the backing LVs %s failed", s->vg);
		return -EIO;
	}
	for (int i = 0; i < s->ndrbd; i++) {
		int rc;

		if (storage_replica_up(s->drbd[i])) {
			snprintf(why, len, "DRBD %s does not come up", s->drbd[i]);
			return -EIO;
		}
		if ((rc = drbd_promote(s->drbd[i], tmp, sizeof(tmp)))) {
			snprintf(why, len, "cannot promote %s: %s", s->drbd[i], tmp);
			return rc;
		}
	}
	if (s->stack == LVM_ABOVE && lvm_activate(s->vg, NULL)) {
		snprintf(why, len, "activating VG %s on DRBD failed", s->vg);
		return -EIO;
	}
	return 0;
}

int storage_down(const struct storage *s, char *why, size_t len)
{
	char tmp[1024] = "";

	if (s->shared)
		return 0;
	if (s->stack == LVM_ABOVE && s->vg && lvm_deactivate(s->vg, NULL)) {
		snprintf(why, len, "deactivating VG %s failed", s->vg);
		return -EBUSY;
	}
	for (int i = s->ndrbd - 1; i >= 0; i--) {
		int rc = s->demote_until_ms ?
			drbd_demote_until(s->drbd[i], s->demote_until_ms, tmp, sizeof(tmp)) :
			drbd_demote(s->drbd[i], tmp, sizeof(tmp));

		if (rc == -EBUSY) {
			snprintf(why, len, "cannot demote %s: %s", s->drbd[i], tmp);
			return rc;
		}
		if (rc)
			flog(FLOG_DRBD, LOG_WARNING, "DRBD %s not checked (%s): nothing to demote here",
			     s->drbd[i], strerror(-rc));
	}
	return 0;
}

int storage_movable(const struct storage *s, char *why, size_t len)
{
	for (int i = 0; !s->shared && i < s->ndrbd; i++) {
		struct drbd_resource d;

		if (drbd_state(s->drbd[i], &d)) {
			snprintf(why, len, "cannot read DRBD %s", s->drbd[i]);
			return -EIO;
		}
		if (!drbd_healthy(&d, why, len))
			return -EAGAIN;
	}
	return 0;
}

int storage_move_open(const struct storage *s, struct peer *p, struct storage_move *m,
		      char *why, size_t len)
{
	/* The target's end first: a failure leaves this end closed. */
	for (int i = 0; i < s->ndrbd; i++) {
		if (peer_request(p, PEER_OP_WINDOW_OPEN, s->drbd[i], why, len))
			return -EIO;
		m->opened = true;
		if (drbd_window_set(s->drbd[i], true, why, len))
			return -EIO;
	}
	for (int i = 0; i < s->ndrbd; i++) {
		if (peer_request(p, PEER_OP_PROMOTE, s->drbd[i], why, len))
			return -EIO;
		m->promoted = true;
	}
	if (s->stack == LVM_ABOVE) {
		if (peer_request(p, PEER_OP_VG_ACTIVATE, s->vg, why, len))
			return -EIO;
		m->activated = true;
	}
	return 0;
}

void storage_move_close(const struct storage *s, struct peer *p, struct storage_move *m,
			bool migrated, char *why, size_t len)
{
	char tmp[1024];
	size_t at;

	if (migrated) {
		/* The source must be Secondary before the flag can be cleared. */
		if (storage_down(s, tmp, sizeof(tmp)))
			flog(FLOG_DRBD, LOG_ERR, "after the migration: %s", tmp);
	} else {
		if (m->activated)
			peer_request(p, PEER_OP_VG_DEACTIVATE, s->vg, tmp, sizeof(tmp));
		for (int i = 0; m->promoted && i < s->ndrbd; i++)
			if (peer_request(p, PEER_OP_DEMOTE, s->drbd[i], tmp, sizeof(tmp)) &&
			    (at = strlen(why)) < len)
				snprintf(why + at, len - at, "; demoting %s on %s failed: %s",
					 s->drbd[i], p->node, tmp);
	}
	for (int i = 0; m->opened && i < s->ndrbd; i++) {
		if (drbd_window_set(s->drbd[i], false, tmp, sizeof(tmp)))
			flog(FLOG_DRBD, LOG_ERR, "closing the window of %s here: %s", s->drbd[i], tmp);
		if (peer_request(p, PEER_OP_WINDOW_CLOSE, s->drbd[i], tmp, sizeof(tmp)))
			flog(FLOG_DRBD, LOG_WARNING, "closing the window of %s on %s: %s", s->drbd[i],
			     p->node, tmp);
	}
}

int storage_window_leftover(const struct storage *s, char *why, size_t len)
{
	int rc = 0;

	for (int i = 0; !s->shared && i < s->ndrbd; i++) {
		bool open = false;

		if (drbd_two_primaries(s->drbd[i], &open) || !open)
			continue;
		rc = drbd_window_set(s->drbd[i], false, why, len);
		if (rc == -EBUSY)
			return rc;
		if (rc)
			flog(FLOG_DRBD, LOG_ERR, "the window of %s stays open: %s", s->drbd[i], why);
		else
			flog(FLOG_DRBD, LOG_WARNING, "closed the window of %s left open", s->drbd[i]);
	}
	return rc;
}

void storage_window_shut(const struct storage *s)
{
	for (int i = 0; !s->shared && i < s->ndrbd; i++) {
		char why[1024];
		bool open = false;

		if (drbd_two_primaries(s->drbd[i], &open) || !open)
			continue;
		if (storage_window(s->drbd[i], false, false, why, sizeof(why)))
			flog(FLOG_DRBD, LOG_ERR, "the window of %s stays open: %s", s->drbd[i], why);
		else
			flog(FLOG_DRBD, LOG_NOTICE, "closed the window of %s, left open by a "
						    "migration whose source demoted late",
			     s->drbd[i]);
	}
}

/* The peer of @res in its config, into @name. */
static int peer_of(const char *res, char *name, size_t nlen, char *why, size_t len)
{
	char self[PEER_NAME_MAX];
	struct drbd_config c;
	const struct drbd_host *h;
	int rc = drbd_config_load(res, &c);

	if (rc) {
		snprintf(why, len, "resource %s is not configured here", res);
		return rc;
	}
	peer_self_name(self, sizeof(self));
	h = drbd_config_peer(&c, self);
	if (!h) {
		snprintf(why, len, "resource %s has no single peer of %s in its configuration", res,
			 self);
		return -ENOENT;
	}
	snprintf(name, nlen, "%s", h->name);
	return 0;
}

/* The peer's end of @res's window, over a connection of its own, whose
 * every step waits at most @timeout_ms (0: the peer layer's default). */
static int peer_window(const char *res, bool open, int timeout_ms, char *why, size_t len)
{
	char node[PEER_NAME_MAX];
	struct peer_opts o;
	struct peer *p;
	int rc = peer_of(res, node, sizeof(node), why, len);

	if (rc)
		return rc;
	peer_opts_init(&o);
	o.timeout_ms = timeout_ms;
	rc = peer_connect(node, &o, &p, why, len);
	if (rc)
		return rc;
	rc = peer_request(p, open ? PEER_OP_WINDOW_OPEN : PEER_OP_WINDOW_CLOSE, res, why, len);
	peer_close(p);
	return rc;
}

int storage_window(const char *res, bool open, bool local, char *why, size_t len)
{
	char tmp[PEER_WHY_MAX];
	int rc;

	/* Opening: the peer first, so a failure leaves this end closed.
	 * Closing: this end first, so the window is shut even if the peer
	 * cannot be reached (one end without the flag is enough). */
	if (open && !local && (rc = peer_window(res, true, 0, why, len)))
		return rc;
	rc = drbd_window_set(res, open, why, len);
	if (rc) {
		if (open && !local)
			peer_window(res, false, 0, tmp, sizeof(tmp));
		return rc;
	}
	if (!open && !local && (rc = peer_window(res, false, 0, why, len)))
		flog(FLOG_DRBD, LOG_WARNING, "window of %s closed here, but not on the peer: %s", res,
		     why);
	return open || local ? 0 : rc;
}

/* Whether @res's peer is worth asking: a member of corosync's current
 * membership, or corosync cannot say (ferryctl run by hand). A peer host
 * that is down would cost a connect timeout per resource. */
static bool peer_reachable(const char *res, char *why, size_t len)
{
	char node[PEER_NAME_MAX];
	const struct nodemap *m = nodemap_once();
	struct cluster_verdict v;
	uint32_t id;

	if (peer_of(res, node, sizeof(node), why, len))
		return false;
	if (!m || nodemap_resolve(m, node, &id) || cluster_verdict_now(id, &v))
		return true;
	if (!v.peer_member)
		snprintf(why, len, "%s is not in corosync's membership", node);
	return v.peer_member;
}

int storage_replica_up(const char *res)
{
	char why[PEER_WHY_MAX] = "";
	struct drbd_resource r;

	/* Down here, so no move of @res is under way: an open end on the peer
	 * is a leftover (a migration source fenced before its stop closed
	 * it). DRBD refuses a handshake whose ends disagree on
	 * allow-two-primaries, and both would stay StandAlone for good. */
	if (drbd_state(res, &r) == 0 && !r.exists) {
		if (!peer_reachable(res, why, sizeof(why)) ||
		    peer_window(res, false, REPLICA_PEER_TIMEOUT_MS, why, sizeof(why)))
			flog(FLOG_DRBD, LOG_INFO, "%s: the peer's end of the window not checked: %s",
			     res, why);
		else
			flog(FLOG_DRBD, LOG_INFO, "%s: the peer's end of the window is closed", res);
	}
	return drbd_up(res);
}
