/* ferryctl lvm: local LVM activation for the two stacks ferry supports. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "dm_dev.h"
#include "dm_table.h"
#include "local_move.h"
#include "local_node.h"
#include "local_recover.h"
#include "nodemap.h"
#include "ferryctl.h"
#include "lvm.h"
#include "names.h"

/* VG[/LV], already checked by the parser: split it again. */
static void target(const struct cmd_args *a, char *vg, char *lv)
{
	name_split_vg_lv(a->argv[0], vg, lv, NULL, 0);
}

static int lvm_cmd_status(struct cmd_args *a)
{
	char vg[NAME_LV_MAX + 1], lv[NAME_LV_MAX + 1];
	bool active = false;
	int rc;

	target(a, vg, lv);
	if (!lv[0]) {
		fprintf(stderr, "ferryctl: lvm status needs VG/LV\n");
		return FERRYCTL_EXIT_USAGE;
	}
	rc = lvm_is_active(vg, lv, &active);
	if (rc == -ENOENT) {
		printf("%s: no such LV\n", a->argv[0]);
		return 4;
	}
	if (rc) {
		fprintf(stderr, "ferryctl: lvm status %s: %s\n", a->argv[0], strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	printf("%s: %s\n", a->argv[0], active ? "active" : "inactive");
	return active ? 0 : 3;
}

static int lvm_switch(struct cmd_args *a, bool on)
{
	char vg[NAME_LV_MAX + 1], lv[NAME_LV_MAX + 1];
	int rc;

	target(a, vg, lv);
	rc = on ? lvm_activate(vg, lv[0] ? lv : NULL) : lvm_deactivate(vg, lv[0] ? lv : NULL);
	if (rc)
		fprintf(stderr, "ferryctl: lvm %s %s failed\n", on ? "activate" : "deactivate",
			a->argv[0]);
	else
		printf("%s: %s\n", a->argv[0], on ? "active" : "inactive");
	return rc ? FERRYCTL_EXIT_ERROR : 0;
}

static int lvm_cmd_activate(struct cmd_args *a)
{
	return lvm_switch(a, true);
}

static int lvm_cmd_deactivate(struct cmd_args *a)
{
	return lvm_switch(a, false);
}

/* The LV's device-mapper table, and whether storage=local could slip DRBD
 * under it (or finds it slipped already). */
static int lvm_cmd_table(struct cmd_args *a)
{
	char vg[NAME_LV_MAX + 1], lv[NAME_LV_MAX + 1], dm[DM_NAME_MAX], why[300];
	struct dm_table t;
	struct dm_dev_info info;
	uint64_t sectors = 0;
	unsigned minor;
	int rc;

	target(a, vg, lv);
	if (!lv[0]) {
		fprintf(stderr, "ferryctl: lvm table needs VG/LV\n");
		return FERRYCTL_EXIT_USAGE;
	}
	if (dm_name_of_lv(vg, lv, dm, sizeof(dm))) {
		fprintf(stderr, "ferryctl: lvm table %s: name too long for device-mapper\n",
			a->argv[0]);
		return FERRYCTL_EXIT_USAGE;
	}
	rc = dm_dev_info(dm, &info);
	if (rc == 0)
		rc = dm_dev_table(dm, &t);
	if (rc == -ENXIO) {
		printf("%s: not active here (no device-mapper device %s)\n", a->argv[0], dm);
		return 4;
	}
	if (rc) {
		fprintf(stderr, "ferryctl: lvm table %s: %s\n", a->argv[0], strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	printf("%s: /dev/mapper/%s, %s, open %d\n", a->argv[0], dm,
	       info.suspended ? "SUSPENDED" : "live", info.open_count);
	for (int k = 0; k < t.n; k++)
		printf("  %llu %llu %s %s\n", (unsigned long long)t.row[k].start,
		       (unsigned long long)t.row[k].length, t.row[k].type, t.row[k].params);
	if (dm_table_is_over_drbd(&t, &minor) == 1) {
		printf("slipped: maps onto /dev/drbd%u (a storage=local move)\n", minor);
		return 3;
	}
	rc = dm_table_check_plain(&t, &sectors, why, sizeof(why));
	if (rc) {
		printf("not plain: %s\n", why);
		return 3;
	}
	printf("plain: %llu sectors\n", (unsigned long long)sectors);
	return 0;
}

/* A node's replication address for the temporary DRBD: --NAME-ip, or its
 * corosync ring0 address when that is numeric. */
static int end_of(struct cmd_args *a, const char *opt, const char *ipopt,
		  struct drbd_local_end *e)
{
	const char *node = cmd_text(a, opt, ""), *ip = cmd_text(a, ipopt, NULL);
	char why[160];

	if (ip) {
		snprintf(e->node, sizeof(e->node), "%s", node);
		snprintf(e->ip, sizeof(e->ip), "%s", ip);
		return 0;
	}
	if (local_move_end(node, e, why, sizeof(why))) {
		fprintf(stderr, "ferryctl: lvm move-step: %s: give --%s\n", why, ipopt);
		return -ENOENT;
	}
	return 0;
}

/* One node's step of a storage=local move, by hand: what the move runs,
 * for recovery by an operator and for the lab's tests. */
static int lvm_cmd_move_step(struct cmd_args *a)
{
	struct drbd_local_res r = {.slot = (unsigned)cmd_int(a, "slot", 0),
				   .sectors = (uint64_t)cmd_int(a, "sectors", 0)};
	char vg[NAME_LV_MAX + 1], lv[NAME_LV_MAX + 1], why[400];
	bool undo = cmd_has(a, "undo");
	int step, rc;

	for (step = 0; step < LOCAL_NSTEPS; step++)
		if (!strcmp(a->argv[0], local_step_name((enum local_step)step)))
			break;
	if (step == LOCAL_NSTEPS || local_step_side((enum local_step)step) == LOCAL_ON_BOTH) {
		fprintf(stderr, "ferryctl: lvm move-step: '%s' is not a node's step (src-meta, "
				"src-orig, src-drbd, src-slip, dst-lv, dst-meta, dst-orig, dst-drbd, "
				"dst-detach, dst-clean, src-unslip, src-down, src-retire)\n", a->argv[0]);
		return FERRYCTL_EXIT_USAGE;
	}
	if (!cmd_has(a, "source") || !cmd_has(a, "target")) {
		fprintf(stderr, "ferryctl: lvm move-step needs --source and --target\n");
		return FERRYCTL_EXIT_USAGE;
	}
	if (name_split_vg_lv(a->argv[1], vg, lv, why, sizeof(why)) || !lv[0]) {
		fprintf(stderr, "ferryctl: lvm move-step needs VG/LV\n");
		return FERRYCTL_EXIT_USAGE;
	}
	if (step == LOCAL_DST_LV && !undo && r.sectors == 0) {
		fprintf(stderr, "ferryctl: lvm move-step dst-lv needs --sectors (the source LV's)\n");
		return FERRYCTL_EXIT_USAGE;
	}
	snprintf(r.vg, sizeof(r.vg), "%.*s", NAME_VG_MAX, vg); /* checked: at most that */
	snprintf(r.lv, sizeof(r.lv), "%s", lv);
	snprintf(r.domain, sizeof(r.domain), "%s", cmd_text(a, "domain", "by-hand"));
	if (end_of(a, "source", "source-ip", &r.end[0]) || end_of(a, "target", "target-ip", &r.end[1]))
		return FERRYCTL_EXIT_ERROR;
	rc = local_node_step(&r, (enum local_step)step, undo, cmd_has(a, "keep-source"), why,
			     sizeof(why));
	if (rc) {
		fprintf(stderr, "ferryctl: lvm move-step %s%s %s: %s\n", a->argv[0],
			undo ? " --undo" : "", a->argv[1], why);
		return FERRYCTL_EXIT_ERROR;
	}
	printf("%s%s %s: done (%s)\n", a->argv[0], undo ? " --undo" : "", a->argv[1],
	       local_step_text((enum local_step)step, undo));
	return 0;
}

/* A half-done storage=local move's side here, finished or undone. */
static int lvm_cmd_recover(struct cmd_args *a)
{
	char why[1024];
	int rc = local_recover(a->argv[0], why, sizeof(why));

	if (rc == -ENOENT) {
		printf("%s\n", why);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "ferryctl: lvm recover %s: %s\n", a->argv[0], why);
		return FERRYCTL_EXIT_ERROR;
	}
	printf("%s: recovered: nothing of its storage=local move is left to do here\n", a->argv[0]);
	return 0;
}

static const struct cmd_option move_step_opts[] = {
	{"source", 0, CMD_NAME, "NODE", .kind = NAME_NODE, .help = "the node the domain runs on"},
	{"target", 0, CMD_NAME, "NODE", .kind = NAME_NODE, .help = "the node it moves to"},
	{"slot", 0, CMD_INT, "N", 0, DRBD_LOCAL_SLOTS - 1,
	 .help = "the move's slot: DRBD minor 1000+N, port 7900+N (default 0)"},
	{"sectors", 0, CMD_INT, "N", 1, (long long)DRBD_LOCAL_SECTORS_MAX, .help = "dst-lv: the source LV's size"},
	{"source-ip", 0, CMD_TEXT, "IP", .help = "the source's DRBD address (default: ring0)"},
	{"target-ip", 0, CMD_TEXT, "IP", .help = "the target's DRBD address (default: ring0)"},
	{"domain", 0, CMD_NAME, "DOMAIN", .kind = NAME_DOMAIN, .help = "for the resource file"},
	{"undo", 0, CMD_FLAG, .help = "undo the step instead"},
	{"keep-source", 0, CMD_FLAG, .help = "src-retire: deactivate the LV, do not remove it"},
	{NULL},
};

static const struct cmd_entry entries[] = {
	{"activate", "VG[/LV]", "activate VG/LV (or every LV of VG) here", NULL, NULL,
	 lvm_cmd_activate},
	{"deactivate", "VG[/LV]", "deactivate VG/LV (or every LV of VG) here", NULL, NULL,
	 lvm_cmd_deactivate},
	{"status", "VG[/LV]", "is VG/LV active here", NULL, NULL, lvm_cmd_status},
	{"table", "VG[/LV]", "VG/LV's device-mapper table, and whether it is plain", NULL, NULL,
	 lvm_cmd_table},
	{"move-step", "STEP VG[/LV]", "one node's step of a storage=local move, by hand",
	 "The steps run in the order of README \"Plain LVs\"; each can be repeated\n"
	 "and finds its work done. --source and --target name both ends.\n",
	 move_step_opts, lvm_cmd_move_step},
	{"recover", "DOMAIN", "finish or undo a half-done storage=local move here",
	 "Reads the move's journal (/var/lib/ferry/local/DOMAIN.journal). If the\n"
	 "ledger gives DOMAIN to the move's target, this node's steps that are left\n"
	 "are done (the source's LV kept, inactive); otherwise every step this node\n"
	 "completed is undone, last first. Run it on both nodes.\n",
	 NULL, lvm_cmd_recover},
};

const struct cmd_group lvm_group = {
	.name = "lvm",
	.summary = "LVM activation below or above DRBD",
	.entries = entries,
	.n = sizeof(entries) / sizeof(entries[0]),
	.help = "VG[/LV] is VG/LV, or VG for every LV of it. Activation is local: ferry\n"
		"never assumes a shared or clustered VG. Names are lvm2's (letters, digits\n"
		"and +_.-, not beginning with '-'; a VG at most 63 bytes, an LV 127; no\n"
		"reserved LV name such as snapshot*, pvmove* or *_rimage*).\n"
		"  LVM below DRBD: the backing LV is activated before `drbd up`.\n"
		"  LVM above DRBD: the VG on the DRBD device is activated after promote\n"
		"  and deactivated before demote.\n"
		"  table: the LV's device-mapper table (libdevmapper), and whether it is a\n"
		"  plain LV that storage=local can move (linear or striped rows, on no\n"
		"  DRBD device).\n",
	.exits = "exit codes: 0 ok (status: active; table: plain), 1 error, 2 usage,\n"
		 "3 status: inactive; table: not plain (or slipped over DRBD),\n"
		 "4 status: no such LV; table: not active here\n",
};
