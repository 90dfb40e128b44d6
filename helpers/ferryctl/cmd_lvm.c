/* ferryctl lvm: local LVM activation for the two stacks ferry supports. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "dm_dev.h"
#include "dm_table.h"
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

static const struct cmd_entry entries[] = {
	{"activate", "VG[/LV]", "activate VG/LV (or every LV of VG) here", NULL, NULL,
	 lvm_cmd_activate},
	{"deactivate", "VG[/LV]", "deactivate VG/LV (or every LV of VG) here", NULL, NULL,
	 lvm_cmd_deactivate},
	{"status", "VG[/LV]", "is VG/LV active here", NULL, NULL, lvm_cmd_status},
	{"table", "VG[/LV]", "VG/LV's device-mapper table, and whether it is plain", NULL, NULL,
	 lvm_cmd_table},
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
