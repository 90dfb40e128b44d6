/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Recovery of a half-done storage=local move (see local_recover.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flog.h"
#include "ledger_lookup.h"
#include "local_journal.h"
#include "local_node.h"
#include "local_recover.h"
#include "nodemap.h"
#include "peer.h"

/* Where the ledger has the domain: on the move's target (it moved), on its
 * source (running there: it stayed), or neither (released, lost, unknown). */
enum where { W_TARGET, W_SOURCE, W_UNKNOWN };

static int where_is(const struct local_move *m, enum where *w, char *why, size_t len)
{
	const struct nodemap *nm = nodemap_once();
	struct ledger_entry e;
	uint32_t target, source;
	bool found = false;
	int rc;

	if (!nm || nodemap_resolve(nm, m->target, &target) || nodemap_resolve(nm, m->source, &source)) {
		snprintf(why, len, "node %s or %s is not in corosync's nodelist", m->source, m->target);
		return -ENOENT;
	}
	rc = ledger_lookup(m->domain, &e, &found);
	if (rc) {
		snprintf(why, len, "the ledger cannot say where %s runs (%s): nothing done",
			 m->domain, strerror(-rc));
		return rc;
	}
	*w = found && e.owner == target ? W_TARGET :
	     found && e.owner == source && e.state == LEDGER_RUNNING ? W_SOURCE : W_UNKNOWN;
	return 0;
}

int local_recover(const char *domain, char *why, size_t len)
{
	struct local_action a[LOCAL_NSTEPS];
	struct drbd_local_res r = {0};
	struct local_journal j;
	char path[160], self[NAME_NODE_MAX + 1], step_why[512];
	enum local_side mine;
	bool migrated = false, forward;
	enum where w;
	size_t n;
	int rc, left = 0;

	why[0] = '\0';
	rc = local_journal_path(LOCAL_JOURNAL_DIR, domain, path, sizeof(path));
	if (rc)
		return snprintf(why, len, "'%s' cannot name a move's journal: %s", domain,
				strerror(-rc)), rc;
	rc = local_journal_load(path, &j);
	if (rc == -ENOENT)
		return snprintf(why, len, "no storage=local move of %s is journaled here", domain),
		       -ENOENT;
	if (rc)
		return snprintf(why, len, "%s: %s", path, strerror(-rc)), rc;
	peer_self_name(self, sizeof(self));
	mine = !strcmp(self, j.move.source) ? LOCAL_ON_SOURCE :
	       !strcmp(self, j.move.target) ? LOCAL_ON_TARGET : LOCAL_ON_BOTH;
	if (mine == LOCAL_ON_BOTH || drbd_local_slot_of(j.move.res, &r.slot)) {
		snprintf(why, len, "%s: a move from %s to %s over %s is not this node's (%s)", path,
			 j.move.source, j.move.target, j.move.res, self);
		return -EINVAL;
	}
	rc = where_is(&j.move, &w, why, len);
	if (rc)
		return rc;
	migrated = w == W_TARGET;
	/* Once the target detached, the domain may have run on its LV: it is
	 * undone there only when the ledger has the domain running on the
	 * source. Anything less certain is left for the operator. */
	if (mine == LOCAL_ON_TARGET && (j.done & local_bit(LOCAL_DST_DETACH)) && w == W_UNKNOWN) {
		snprintf(why, len, "the ledger has %s on neither %s nor %s: the target's LV %s/%s may "
			 "hold its only current copy, so nothing is done (journal %s)", domain,
			 j.move.source, j.move.target, j.move.vg, j.move.lv, path);
		return -EAGAIN;
	}
	if (!migrated && j.done == 0) {
		unlink(path);
		return 0;
	}
	snprintf(r.domain, sizeof(r.domain), "%s", j.move.domain);
	snprintf(r.vg, sizeof(r.vg), "%s", j.move.vg);
	snprintf(r.lv, sizeof(r.lv), "%s", j.move.lv);
	snprintf(r.end[0].node, sizeof(r.end[0].node), "%s", j.move.source);
	snprintf(r.end[1].node, sizeof(r.end[1].node), "%s", j.move.target);
	flog(FLOG_LVM, LOG_WARNING, "recovering the storage=local move of %s (%s -> %s) on the %s: "
				    "it %s",
	     domain, j.move.source, j.move.target, mine == LOCAL_ON_SOURCE ? "source" : "target",
	     migrated ? "moved: finishing it" : "did not move: undoing it");
	n = local_plan_recover(j.done | (migrated ? local_bit(LOCAL_MIGRATED) : 0), a, LOCAL_NSTEPS,
			       &forward);
	for (size_t k = 0; k < n; k++) {
		if (local_step_side(a[k].step) != mine)
			continue;
		/* keep_source is not journaled: keeping is the safe way. */
		if (local_node_step(&r, a[k].step, a[k].undo, true, step_why, sizeof(step_why))) {
			snprintf(why + strlen(why), len - strlen(why), "%s%s%s: %s", why[0] ? "; " : "",
				 local_step_name(a[k].step), a[k].undo ? " undo" : "", step_why);
			left++;
			continue;
		}
		local_journal_note(path, a[k].step, a[k].undo);
		flog(FLOG_LVM, LOG_NOTICE, "recovery of %s: %s", domain,
		     local_step_text(a[k].step, a[k].undo));
	}
	if (left)
		return -EIO;
	unlink(path);
	return 0;
}
