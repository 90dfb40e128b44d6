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

/* Did the move happen? The ledger gives the domain to its target. */
static int moved(const struct local_move *m, bool *yes, char *why, size_t len)
{
	const struct nodemap *nm = nodemap_once();
	struct ledger_entry e;
	uint32_t target;
	bool found = false;
	int rc;

	if (!nm || nodemap_resolve(nm, m->target, &target)) {
		snprintf(why, len, "node %s is not in corosync's nodelist", m->target);
		return -ENOENT;
	}
	rc = ledger_lookup(m->domain, &e, &found);
	if (rc) {
		snprintf(why, len, "the ledger cannot say where %s runs (%s): nothing done",
			 m->domain, strerror(-rc));
		return rc;
	}
	*yes = found && e.state == LEDGER_RUNNING && e.owner == target;
	return 0;
}

int local_recover(const char *domain, char *why, size_t len)
{
	struct local_action a[LOCAL_NSTEPS];
	struct drbd_local_res r = {0};
	struct local_journal j;
	char path[160], self[NAME_NODE_MAX + 1], step_why[512], tail;
	enum local_side mine;
	bool migrated = false, forward;
	size_t n;
	int rc, left = 0;

	why[0] = '\0';
	rc = local_journal_path(LOCAL_JOURNAL_DIR, domain, path, sizeof(path));
	if (rc == 0)
		rc = local_journal_load(path, &j);
	if (rc == -ENOENT)
		return snprintf(why, len, "no storage=local move of %s is journaled here", domain),
		       -ENOENT;
	if (rc)
		return snprintf(why, len, "%s: %s", path, strerror(-rc)), rc;
	peer_self_name(self, sizeof(self));
	mine = !strcmp(self, j.move.source) ? LOCAL_ON_SOURCE :
	       !strcmp(self, j.move.target) ? LOCAL_ON_TARGET : LOCAL_ON_BOTH;
	if (mine == LOCAL_ON_BOTH || sscanf(j.move.res, "ferry-local-%u%c", &r.slot, &tail) != 1 ||
	    r.slot >= DRBD_LOCAL_SLOTS) {
		snprintf(why, len, "%s: a move from %s to %s over %s is not this node's (%s)", path,
			 j.move.source, j.move.target, j.move.res, self);
		return -EINVAL;
	}
	rc = moved(&j.move, &migrated, why, len);
	if (rc)
		return rc;
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
