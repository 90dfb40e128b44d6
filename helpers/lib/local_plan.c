/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The steps of a storage=local move and their undo (see local_plan.h). */
#include "local_plan.h"

static const struct {
	const char *name;
	enum local_side side;
	const char *text; /* what the step does */
	const char *undo; /* what undoes it; NULL: nothing to undo */
} steps[LOCAL_NSTEPS] = {
	[LOCAL_PREFLIGHT] = {"preflight", LOCAL_ON_BOTH, "check the LV and the target's VG", NULL},
	[LOCAL_SRC_META] = {"src-meta", LOCAL_ON_SOURCE, "create the metadata LV",
			    "remove the metadata LV"},
	[LOCAL_SRC_ORIG] = {"src-orig", LOCAL_ON_SOURCE, "copy the LV's table to ferry-orig",
			    "remove the ferry-orig device"},
	[LOCAL_SRC_DRBD] = {"src-drbd", LOCAL_ON_SOURCE, "bring the temporary DRBD up, Primary",
			    "take the temporary DRBD down"},
	[LOCAL_SRC_SLIP] = {"src-slip", LOCAL_ON_SOURCE, "load the LV's table onto DRBD",
			    "load the LV's own table again"},
	[LOCAL_DST_LV] = {"dst-lv", LOCAL_ON_TARGET, "create the LV", "remove the LV"},
	[LOCAL_DST_META] = {"dst-meta", LOCAL_ON_TARGET, "create the metadata LV",
			    "remove the metadata LV"},
	[LOCAL_DST_ORIG] = {"dst-orig", LOCAL_ON_TARGET, "copy the LV's table to ferry-orig",
			    "remove the ferry-orig device"},
	[LOCAL_DST_DRBD] = {"dst-drbd", LOCAL_ON_TARGET, "bring DRBD up, Secondary (sync)",
			    "take the temporary DRBD down"},
	[LOCAL_SYNCED] = {"synced", LOCAL_ON_BOTH, "wait for both ends UpToDate", NULL},
	/* Nothing to undo: the undo of dst-drbd finds its work done, and
	 * those of dst-orig, dst-meta and dst-lv remove the rest. Only DRBD
	 * goes down here: the domain is suspended, every millisecond counts. */
	[LOCAL_DST_DETACH] = {"dst-detach", LOCAL_ON_TARGET,
			      "take DRBD down: the LV stands alone", NULL},
	[LOCAL_MIGRATED] = {"migrated", LOCAL_ON_BOTH, "migrate the domain live", NULL},
	[LOCAL_DST_CLEAN] = {"dst-clean", LOCAL_ON_TARGET,
			     "remove ferry-orig and the metadata LV", NULL},
	[LOCAL_SRC_UNSLIP] = {"src-unslip", LOCAL_ON_SOURCE, "load the LV's own table again", NULL},
	[LOCAL_SRC_DOWN] = {"src-down", LOCAL_ON_SOURCE,
			    "take DRBD down, remove ferry-orig and the metadata LV", NULL},
	[LOCAL_SRC_RETIRE] = {"src-retire", LOCAL_ON_SOURCE,
			      "remove the LV (or keep it inactive: keep_source)", NULL},
};

const char *local_step_name(enum local_step s)
{
	return s < LOCAL_NSTEPS ? steps[s].name : "?";
}

const char *local_step_text(enum local_step s, bool undo)
{
	if (s >= LOCAL_NSTEPS)
		return "?";
	return undo ? (steps[s].undo ? steps[s].undo : "nothing") : steps[s].text;
}

bool local_step_has_undo(enum local_step s)
{
	return s < LOCAL_NSTEPS && steps[s].undo;
}

enum local_side local_step_side(enum local_step s)
{
	return s < LOCAL_NSTEPS ? steps[s].side : LOCAL_ON_BOTH;
}

enum local_step local_plan_next(uint32_t done)
{
	for (int s = 0; s < LOCAL_NSTEPS; s++)
		if (!(done & local_bit(s)))
			return s;
	return LOCAL_NSTEPS;
}

size_t local_plan_recover(uint32_t done, struct local_action *out, size_t max, bool *forward)
{
	size_t n = 0;

	*forward = (done & local_bit(LOCAL_MIGRATED)) != 0;
	if (*forward) {
		/* the domain runs on the target: finish, never go back */
		for (int s = LOCAL_MIGRATED + 1; s < LOCAL_NSTEPS && n < max; s++)
			if (!(done & local_bit(s)))
				out[n++] = (struct local_action){ s, false };
		return n;
	}
	for (int s = LOCAL_MIGRATED - 1; s >= 0 && n < max; s--)
		if ((done & local_bit(s)) && steps[s].undo)
			out[n++] = (struct local_action){ s, true };
	return n;
}
