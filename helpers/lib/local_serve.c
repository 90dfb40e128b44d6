/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The target's side of a storage=local move (see local_serve.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drbd.h"
#include "flog.h"
#include "local_journal.h"
#include "local_node.h"
#include "local_serve.h"
#include "names.h"
#include "serve_journal.h"

int local_serve_check(const struct local_serve *ls, const char *peer, const char *self,
		      const struct peer_local *m, char *why, size_t len)
{
	const struct drbd_local_res *r = &m->res;
	bool undo = m->flags & PEER_LOCAL_UNDO;

	if (m->step >= LOCAL_NSTEPS ||
	    (m->step == LOCAL_PREFLIGHT ? undo :
					  local_step_side((enum local_step)m->step) != LOCAL_ON_TARGET) ||
	    (undo && !local_step_has_undo((enum local_step)m->step))) {
		snprintf(why, len, "step %u%s is not a target's step", m->step, undo ? " (undo)" : "");
		return -EINVAL;
	}
	if (name_check(NAME_DOMAIN, r->domain, why, len) || name_check(NAME_VG, r->vg, why, len) ||
	    name_check(NAME_LV, r->lv, why, len) || name_check(NAME_NODE, r->end[0].node, why, len) ||
	    name_check(NAME_NODE, r->end[1].node, why, len))
		return -EINVAL;
	if (strcmp(r->end[0].node, peer) || strcmp(r->end[1].node, self)) {
		snprintf(why, len, "a move from %s to %s asked by %s of %s", r->end[0].node,
			 r->end[1].node, peer, self);
		return -EPERM;
	}
	if (r->sectors == 0 || r->sectors > DRBD_LOCAL_SECTORS_MAX) {
		snprintf(why, len, "a size of %llu sectors", (unsigned long long)r->sectors);
		return -EINVAL;
	}
	if (!ls->active) {
		if (m->step != LOCAL_PREFLIGHT) {
			snprintf(why, len, "%s before the move's pre-flight",
				 local_step_name((enum local_step)m->step));
			return -EPROTO;
		}
		return 0;
	}
	if (memcmp(&ls->r, r, sizeof(*r))) {
		snprintf(why, len, "this conversation moves %s/%s of %s already", ls->r.vg, ls->r.lv,
			 ls->r.domain);
		return -EBUSY;
	}
	return 0;
}

/* Before the target detaches: its copy must be complete. The source
 * checked that both ends were UpToDate with its domain suspended; this is
 * the target's own word, since it is the target's LV the domain will run on. */
static int detach_safe(const struct drbd_local_res *r, char *why, size_t len)
{
	struct drbd_resource d;
	char res[NAME_DRBD_MAX + 1];

	if (drbd_local_name(r->slot, res, sizeof(res)) || drbd_state(res, &d))
		return 0; /* nothing to read: down already, the step finds it done */
	if (!d.exists || drbd_local_uptodate(&d))
		return 0;
	snprintf(why, len, "the target's copy is %s, not UpToDate: not detaching",
		 d.nvolumes ? d.volumes[0].disk : "unknown");
	return -ESTALE;
}

int local_serve_step(struct local_serve *ls, const char *peer, const char *self,
		     const struct peer_local *m, char *why, size_t len)
{
	enum local_step s = (enum local_step)m->step;
	bool undo = m->flags & PEER_LOCAL_UNDO;
	struct drbd_local_res r = m->res;
	struct local_move mv;
	uint32_t adopted;
	int rc = local_serve_check(ls, peer, self, m, why, len);

	if (rc)
		return rc;
	if (s == LOCAL_PREFLIGHT) {
		if (ls->active)
			return 0;
		rc = local_journal_of(&r, &mv, ls->journal, sizeof(ls->journal));
		if (rc == 0)
			rc = local_journal_start(ls->journal, &mv, &adopted);
		if (rc == -EBUSY) {
			snprintf(why, len, "a half-done move of %s is journaled here in %s: run "
				 "'ferryctl lvm recover %s' there first", r.domain, ls->journal, r.domain);
			return rc;
		}
		if (rc)
			return snprintf(why, len, "starting the journal: %s", strerror(-rc)), rc;
		/* A pre-sync's move is carried on: its LV and DRBD are here. */
		rc = local_node_preflight(&r, false, adopted != 0, why, len);
		if (rc) {
			unlink(ls->journal);
			return rc;
		}
		ls->active = true;
		ls->r = m->res;
		serve_journal_note(SERVE_J_LOCAL, r.domain);
		ls->done = adopted;
		flog(FLOG_LVM, LOG_NOTICE, "local move of %s from %s: %s/%s, %llu MiB, slot %u%s",
		     r.domain, peer, r.vg, r.lv, (unsigned long long)(r.sectors >> 11), r.slot,
		     adopted ? ", carried on from a pre-sync" : "");
	} else {
		if (s == LOCAL_DST_DETACH && (rc = detach_safe(&r, why, len)))
			return rc;
		rc = local_node_step(&r, s, undo, false, why, len);
		if (rc)
			return rc;
		if (undo || !(ls->done & local_bit(s))) /* a step is journaled once */
			local_journal_note(ls->journal, s, undo);
		ls->done = undo ? ls->done & ~local_bit(s) : ls->done | local_bit(s);
	}
	ls->hold = m->flags & PEER_LOCAL_HOLD;
	return 0;
}

void local_serve_end(struct local_serve *ls, bool runs_here)
{
	struct local_action a[LOCAL_NSTEPS];
	char why[PEER_WHY_MAX];
	bool forward;
	size_t n;
	int left = 0;

	if (!ls->active)
		return;
	if (ls->hold && !runs_here) {
		flog(FLOG_LVM, LOG_NOTICE, "local move of %s: pre-sync held for a later move (%s)",
		     ls->r.domain, ls->journal);
		return;
	}
	n = local_plan_recover(ls->done | (runs_here ? local_bit(LOCAL_MIGRATED) : 0), a,
			       LOCAL_NSTEPS, &forward);
	for (size_t k = 0; k < n; k++) {
		if (local_step_side(a[k].step) != LOCAL_ON_TARGET)
			continue;
		if (local_node_step(&ls->r, a[k].step, a[k].undo, false, why, sizeof(why))) {
			flog(FLOG_LVM, LOG_CRIT, "local move of %s: %s%s failed here: %s (journal %s)",
			     ls->r.domain, local_step_name(a[k].step), a[k].undo ? " undo" : "", why,
			     ls->journal);
			left++;
			continue;
		}
		local_journal_note(ls->journal, a[k].step, a[k].undo);
		flog(FLOG_LVM, LOG_NOTICE, "local move of %s: %s (the conversation ended)",
		     ls->r.domain, local_step_text(a[k].step, a[k].undo));
	}
	if (left == 0)
		unlink(ls->journal);
	ls->active = false;
}
