/* ferryctl lvm: local LVM activation for the two stacks ferry supports. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ferryctl.h"
#include "lvm.h"
#include "names.h"

static const char lvm_help[] =
	"TARGET is VG/LV, or VG for every LV of it. Activation is local: ferry\n"
	"never assumes a shared or clustered VG. Names are lvm2's (letters, digits\n"
	"and +_.-, not beginning with '-'; a VG at most 63 bytes, an LV 127; no\n"
	"reserved LV name such as snapshot*, pvmove* or *_rimage*).\n"
	"  LVM below DRBD: the backing LV is activated before `drbd up`.\n"
	"  LVM above DRBD: the VG on the DRBD device is activated after promote\n"
	"  and deactivated before demote.\n\n"
	"exit codes: 0 ok (status: active), 1 error, 2 usage, 3 status: inactive,\n"
	"4 status: no such LV\n";

static int lvm_cmd(int argc, char **argv, const char *verb)
{
	char vg[NAME_LV_MAX + 1], lv[NAME_LV_MAX + 1], why[400];
	bool active = false;
	int rc;

	if (ferryctl_wants_help(argc, argv)) {
		printf("usage: ferryctl lvm %s VG[/LV]\n", verb);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: ferryctl lvm %s VG[/LV]\n", verb);
		return FERRYCTL_EXIT_USAGE;
	}
	if (name_split_vg_lv(argv[1], vg, lv, why, sizeof(why))) {
		fprintf(stderr, "ferryctl: %s\n", why);
		return FERRYCTL_EXIT_USAGE;
	}
	if (!strcmp(verb, "status")) {
		if (!lv[0]) {
			fprintf(stderr, "ferryctl: lvm status needs VG/LV\n");
			return FERRYCTL_EXIT_USAGE;
		}
		rc = lvm_is_active(vg, lv, &active);
		if (rc == -ENOENT) {
			printf("%s: no such LV\n", argv[1]);
			return 4;
		}
		if (rc) {
			fprintf(stderr, "ferryctl: lvm status %s: %s\n", argv[1], strerror(-rc));
			return FERRYCTL_EXIT_ERROR;
		}
		printf("%s: %s\n", argv[1], active ? "active" : "inactive");
		return active ? 0 : 3;
	}
	rc = !strcmp(verb, "activate") ? lvm_activate(vg, lv[0] ? lv : NULL)
				       : lvm_deactivate(vg, lv[0] ? lv : NULL);
	if (rc)
		fprintf(stderr, "ferryctl: lvm %s %s failed\n", verb, argv[1]);
	else
		printf("%s: %s\n", argv[1], !strcmp(verb, "activate") ? "active" : "inactive");
	return rc ? FERRYCTL_EXIT_ERROR : 0;
}

static int lvm_cmd_activate(int argc, char **argv)
{
	return lvm_cmd(argc, argv, "activate");
}

static int lvm_cmd_deactivate(int argc, char **argv)
{
	return lvm_cmd(argc, argv, "deactivate");
}

static int lvm_cmd_status(int argc, char **argv)
{
	return lvm_cmd(argc, argv, "status");
}

int cmd_lvm(int argc, char **argv)
{
	static const struct ferryctl_command sub[] = {
		{"activate", lvm_cmd_activate, "activate VG/LV (or every LV of VG) here"},
		{"deactivate", lvm_cmd_deactivate, "deactivate VG/LV (or every LV of VG) here"},
		{"status", lvm_cmd_status, "is VG/LV active here"},
	};
	return ferryctl_dispatch("lvm", sub, sizeof(sub) / sizeof(sub[0]), lvm_help, argc, argv);
}
