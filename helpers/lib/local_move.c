/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A storage=local move, run by the source (see local_move.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "drbd.h"
#include "flog.h"
#include "local_journal.h"
#include "local_move.h"
#include "local_node.h"
#include "nodemap.h"

/* How often the sync is looked at, logged, and the target pinged (which
 * also keeps the conversation alive through a long sync). */
#define SYNC_POLL_MS 2000
#define SYNC_LOG_MS  15000

int local_move_end(const char *node, struct drbd_local_end *e, char *why, size_t len)
{
	const struct nodemap *m = nodemap_once();
	const char *ip;
	uint32_t id;

	snprintf(e->node, sizeof(e->node), "%s", node);
	if (!m || nodemap_resolve(m, node, &id) || !(ip = nodemap_addr(m, id))) {
		snprintf(why, len, "no address of %s in corosync's nodelist", node);
		return -ENOENT;
	}
	snprintf(e->ip, sizeof(e->ip), "%s", ip);
	return 0;
}

/* A pre-sync of this move left its journal: its slot is the move's. */
static bool adopt_slot(struct local_mover *mv)
{
	struct local_journal j;
	unsigned slot;

	if (local_journal_load(mv->journal, &j) || !j.done || strcmp(j.move.vg, mv->r.vg) ||
	    strcmp(j.move.lv, mv->r.lv) || strcmp(j.move.target, mv->r.end[1].node) ||
	    drbd_local_slot_of(j.move.res, &slot))
		return false;
	mv->r.slot = slot;
	mv->done = mv->adopted = j.done;
	return true;
}

int local_move_init(struct local_mover *mv, const char *domain, const char *vg, const char *lv,
		    const char *target, char *why, size_t len)
{
	char self[NAME_NODE_MAX + 1];
	bool adopt;
	int rc;

	memset(mv, 0, sizeof(*mv));
	snprintf(mv->r.domain, sizeof(mv->r.domain), "%s", domain);
	snprintf(mv->r.vg, sizeof(mv->r.vg), "%s", vg);
	snprintf(mv->r.lv, sizeof(mv->r.lv), "%s", lv);
	if (peer_self_name(self, sizeof(self)) || local_move_end(self, &mv->r.end[0], why, len) ||
	    local_move_end(target, &mv->r.end[1], why, len))
		return -ENOENT;
	if (local_journal_path(LOCAL_JOURNAL_DIR, domain, mv->journal, sizeof(mv->journal))) {
		snprintf(why, len, "no journal path for %s", domain);
		return -EINVAL;
	}
	adopt = adopt_slot(mv);
	if (adopt)
		return local_node_preflight(&mv->r, true, true, why, len);
	for (mv->r.slot = 0; mv->r.slot < DRBD_LOCAL_SLOTS; mv->r.slot++) {
		rc = local_node_preflight(&mv->r, true, false, why, len);
		if (rc != -EADDRINUSE)
			return rc;
	}
	return rc;
}

/* One step (or its undo) where it runs, journaled here once it completed. */
static int run(struct local_mover *mv, struct peer *p, enum local_step s, bool undo, char *why,
	       size_t len)
{
	int64_t t0 = clock_ms();
	int rc = 0;

	switch (local_step_side(s)) {
	case LOCAL_ON_SOURCE:
		rc = local_node_step(&mv->r, s, undo, mv->keep_source, why, len);
		break;
	case LOCAL_ON_TARGET:
		rc = peer_local(p, &mv->r, s, (undo ? PEER_LOCAL_UNDO : 0) |
					   (mv->hold ? PEER_LOCAL_HOLD : 0), why, len);
		break;
	default:
		break; /* pre-flight, synced, migrated: marks of the move */
	}
	if (rc) {
		flog(FLOG_LVM, LOG_ERR, "local move of %s: %s%s on %s failed: %s", mv->r.domain,
		     local_step_name(s), undo ? " (undo)" : "",
		     local_step_side(s) == LOCAL_ON_TARGET ? mv->r.end[1].node : mv->r.end[0].node,
		     why);
		return rc;
	}
	if (undo || !(mv->done & local_bit(s))) /* a step is journaled once */
		local_journal_note(mv->journal, s, undo);
	mv->done = undo ? mv->done & ~local_bit(s) : mv->done | local_bit(s);
	flog(FLOG_LVM, LOG_INFO, "local move of %s: %s (%lld ms)", mv->r.domain,
	     local_step_text(s, undo), (long long)(clock_ms() - t0));
	return 0;
}

/* The target's pre-flight, for the lowest slot free on both nodes: one
 * taken there (by a move from another node) is skipped. */
static int target_preflight(struct local_mover *mv, struct peer *p, char *why, size_t len)
{
	int rc;

	for (;;) {
		rc = peer_local(p, &mv->r, LOCAL_PREFLIGHT, mv->hold ? PEER_LOCAL_HOLD : 0, why, len);
		if (rc != -EADDRINUSE || mv->adopted)
			return rc;
		do {
			if (++mv->r.slot >= DRBD_LOCAL_SLOTS)
				return rc;
		} while ((rc = local_node_preflight(&mv->r, true, false, why, len)) == -EADDRINUSE);
		if (rc)
			return rc;
	}
}

/* Full sync, as DRBD reports it here (the SyncSource end), with the
 * target pinged along the way: a target that stopped answering ends the
 * wait, and the conversation stays alive through a long sync. */
static int wait_synced(struct local_mover *mv, struct peer *p, char *why, size_t len)
{
	char res[NAME_DRBD_MAX + 1], state[160];
	struct drbd_resource d;
	int64_t t0 = clock_ms(), logged = t0, rtt;
	double pct = 0;
	int rc;

	drbd_local_name(mv->r.slot, res, sizeof(res));
	for (;;) {
		rc = drbd_state_stats(res, &d);
		if (rc == 0 && drbd_healthy(&d, state, sizeof(state)))
			break;
		if (rc)
			snprintf(state, sizeof(state), "drbdsetup: %s", strerror(-rc));
		if (rc == 0 && drbd_sync_percent(&d) >= 0)
			pct = drbd_sync_percent(&d);
		if (d.npeers && !strcmp(d.peers[0].connection, "StandAlone")) {
			snprintf(why, len, "the temporary DRBD %s refused its peer (StandAlone)", res);
			return -ECONNREFUSED;
		}
		if (clock_ms() - logged >= SYNC_LOG_MS) {
			logged = clock_ms();
			flog(FLOG_LVM, LOG_NOTICE, "local move of %s: sync to %s %.1f%% after %lld s (%s)",
			     mv->r.domain, mv->r.end[1].node, pct, (long long)((logged - t0) / 1000),
			     state);
		}
		if (mv->sync_deadline && clock_ms() >= mv->sync_deadline) {
			snprintf(why, len, "the sync to %s was at %.1f%% when migrate_to's time ran out "
				 "(%lld s): pre-sync it ('ferryctl resource presync') or give "
				 "migrate_to a longer timeout", mv->r.end[1].node, pct,
				 (long long)((clock_ms() - t0) / 1000));
			return -ETIMEDOUT;
		}
		rc = peer_ping(p, &rtt, why, len);
		if (rc)
			return rc;
		poll(NULL, 0, SYNC_POLL_MS);
	}
	mv->sync_ms = clock_ms() - t0;
	flog(FLOG_LVM, LOG_NOTICE, "local move of %s: %s/%s in sync with %s after %lld ms",
	     mv->r.domain, mv->r.vg, mv->r.lv, mv->r.end[1].node, (long long)mv->sync_ms);
	return 0;
}

int local_move_prepare(struct local_mover *mv, struct peer *p, char *why, size_t len)
{
	struct local_move j;
	int rc;

	if (!mv->adopted) {
		rc = target_preflight(mv, p, why, len);
		if (rc)
			return rc;
		local_journal_of(&mv->r, &j, mv->journal, sizeof(mv->journal));
		rc = local_journal_start(mv->journal, &j, &mv->adopted);
		if (rc) {
			snprintf(why, len, "%s: %s", mv->journal, rc == -EBUSY ?
				 "a half-done move is journaled: 'ferryctl lvm recover' first" :
				 strerror(-rc));
			return rc;
		}
		mv->done = mv->adopted;
	} else if ((rc = target_preflight(mv, p, why, len))) {
		return rc;
	}
	flog(FLOG_LVM, LOG_NOTICE, "local move of %s: %s/%s (%llu MiB) to %s over ferry-local-%u%s",
	     mv->r.domain, mv->r.vg, mv->r.lv, (unsigned long long)(mv->r.sectors >> 11),
	     mv->r.end[1].node, mv->r.slot, mv->adopted ? ", pre-synced" : "");
	mv->done |= local_bit(LOCAL_PREFLIGHT);
	/* Every step, also a pre-sync's: each finds its work done, and a
	 * target that lost its half (its server died) builds it again. */
	for (enum local_step s = LOCAL_SRC_META; s <= LOCAL_DST_DRBD; s++)
		if ((rc = run(mv, p, s, false, why, len)))
			return rc;
	if (mv->hold)
		return 0;
	rc = wait_synced(mv, p, why, len);
	if (rc == 0)
		rc = run(mv, p, LOCAL_SYNCED, false, why, len);
	return rc;
}

int local_move_detach(struct local_mover *mv, struct peer *p, char *why, size_t len)
{
	char res[NAME_DRBD_MAX + 1], state[160];
	struct drbd_resource d;
	int rc;

	/* Our domain is suspended: no write is in flight. Every one it made
	 * is on the target only if the link held all along. */
	drbd_local_name(mv->r.slot, res, sizeof(res));
	rc = drbd_state(res, &d);
	if (rc || !drbd_healthy(&d, state, sizeof(state))) {
		snprintf(why, len, "the replication to %s broke during the migration (%s): the target's "
			 "copy may miss writes", mv->r.end[1].node, rc ? strerror(-rc) : state);
		return -ESTALE;
	}
	return run(mv, p, LOCAL_DST_DETACH, false, why, len);
}

int local_move_cancel(struct local_mover *mv, struct peer *p, char *why, size_t len)
{
	char tmp[PEER_WHY_MAX];

	/* The target takes up its half from its journal first; if it cannot,
	 * its steps fail below and only ours are undone. */
	if (target_preflight(mv, p, tmp, sizeof(tmp)))
		flog(FLOG_LVM, LOG_WARNING, "local move of %s: the target did not take up the "
		     "pre-sync: %s", mv->r.domain, tmp);
	mv->hold = false;
	return local_move_finish(mv, p, false, false, why, len);
}

static void append(char *why, size_t len, const char *what)
{
	size_t n = strlen(why);

	snprintf(why + n, len - n, "%s%s", n ? "; " : "", what);
}

int local_move_finish(struct local_mover *mv, struct peer *p, bool migrated, bool uncertain,
		      char *why, size_t len)
{
	struct local_action a[LOCAL_NSTEPS];
	char step_why[PEER_WHY_MAX], msg[PEER_WHY_MAX + 128];
	bool forward, peer_gone = false;
	int left = 0;
	size_t n;

	if (uncertain) {
		snprintf(msg, sizeof(msg), "storage left as it is (journal %s)", mv->journal);
		append(why, len, msg);
		return -EAGAIN;
	}
	if (!mv->done || (mv->hold && !migrated))
		return mv->done ? 0 : (unlink(mv->journal), 0);
	if (migrated)
		run(mv, p, LOCAL_MIGRATED, false, step_why, sizeof(step_why));
	n = local_plan_recover(mv->done, a, LOCAL_NSTEPS, &forward);
	for (size_t k = 0; k < n; k++) {
		bool target = local_step_side(a[k].step) == LOCAL_ON_TARGET;

		/* A target that no longer answers undoes its own steps when its
		 * end of the conversation closes (local_serve_end). */
		if (target && peer_gone)
			continue;
		if (run(mv, p, a[k].step, a[k].undo, step_why, sizeof(step_why)) == 0)
			continue;
		if (target) {
			peer_gone = true;
			continue;
		}
		snprintf(msg, sizeof(msg), "%s%s: %s", local_step_name(a[k].step),
			 a[k].undo ? " undo" : "", step_why);
		append(why, len, msg);
		left++;
	}
	if (left) {
		flog(FLOG_LVM, LOG_CRIT, "local move of %s: %d step(s) left to do here: 'ferryctl lvm "
		     "recover %s' (journal %s)", mv->r.domain, left, mv->r.domain, mv->journal);
		return -EIO;
	}
	unlink(mv->journal);
	flog(FLOG_LVM, LOG_NOTICE, "local move of %s: %s", mv->r.domain,
	     migrated ? "done; nothing of it is left on either node" :
			"rolled back: the domain stays here on its plain LV");
	return 0;
}
