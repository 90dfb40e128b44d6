/* ferryctl lvm: local LVM activation for the two stacks ferry supports. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
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

static const struct cmd_entry entries[] = {
	{"activate", "VG[/LV]", "activate VG/LV (or every LV of VG) here", NULL, NULL,
	 lvm_cmd_activate},
	{"deactivate", "VG[/LV]", "deactivate VG/LV (or every LV of VG) here", NULL, NULL,
	 lvm_cmd_deactivate},
	{"status", "VG[/LV]", "is VG/LV active here", NULL, NULL, lvm_cmd_status},
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
		"  and deactivated before demote.\n",
	.exits = "exit codes: 0 ok (status: active), 1 error, 2 usage, 3 status: inactive,\n"
		 "4 status: no such LV\n",
};
