/* The options of `ferryctl resource ACTION`, the XenDomain agent's
 * parameters, for both ferryctl binaries: the front (front.c, which answers
 * the recurring monitor) and ferryctl-full (cmd_resource.c, every action).
 * The parser (command.c) checks every name and number (README, "Names and
 * numbers"); here they become a struct resource. */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "names.h"
#include "resource_args.h"

#define RESOURCE_SHUTDOWN_MAX_S 86400 /* a day: far beyond any stop timeout */

/* Labels are the agent's parameter names: the reason reaches the
 * administrator through Pacemaker. */
const struct cmd_option resource_options[] = {
	{"config", 0, CMD_TEXT, "FILE", .label = "config", .help = "the domain's xl config file"},
	{"name", 0, CMD_NAME, "NAME", .kind = NAME_DOMAIN, .label = "domain_name",
	 .help = "the domain's name (default: the config's)"},
	{"drbd", 0, CMD_NAME, "RES", .kind = NAME_DRBD, .repeat = STORAGE_MAX_DRBD,
	 .label = "drbd_resource", .items = "DRBD resources", .help = "a DRBD resource of its disks"},
	{"storage", 0, CMD_CHOICE, "drbd|shared|local", .label = "storage",
	 .help = "the disks' storage (default drbd); local: a plain LV\n"
		 "(vg, lv) that a migration moves over a temporary DRBD"},
	{"keep-source", 0, CMD_CHOICE, "true|false", .label = "keep_source",
	 .help = "storage=local: keep the source's LV, inactive, after a\n"
		 "move (default false: removed)"},
	{"lvm-stack", 0, CMD_CHOICE, "none|below|above", .label = "lvm_stack",
	 .help = "where LVM sits (default none)"},
	{"vg", 0, CMD_NAME, "VG", .kind = NAME_VG, .label = "volume_group",
	 .help = "the volume group"},
	{"lv", 0, CMD_NAME, "LV", .kind = NAME_LV, .label = "logical_volume",
	 .help = "the logical volume"},
	{"shutdown-timeout", 0, CMD_INT, "S", 1, RESOURCE_SHUTDOWN_MAX_S,
	 .label = "shutdown_timeout", .help = "clean shutdown before destroy (default 60)"},
	{"migration", 0, CMD_CHOICE, "live|suspend", .label = "migration",
	 .help = "how migrate-to moves it (default live)"},
	{"encryption", 0, CMD_CHOICE, "on|off", .label = "encryption",
	 .help = "encrypt the migration (default on)"},
	{"address", 0, CMD_TEXT, "ADDR", .label = "migration_address",
	 .help = "the target's migration address"},
	{"port", 0, CMD_INT, "N", 1, 65535, .label = "migration_port",
	 .help = "the target's migration port (default 7780)"},
	{"keyfile", 0, CMD_TEXT, "FILE", .label = "keyfile", .help = "the cluster key"},
	{"target", 0, CMD_NAME, "NODE", .kind = NAME_NODE, .label = "migrate_target",
	 .help = "migrate-to: the target node"},
	{"source", 0, CMD_TEXT, "NODE", .label = "migrate_source",
	 .help = "migrate-from: the source node (\"\": not known)"},
	{"probe", 0, CMD_FLAG, .help = "monitor: a probe (interval 0)"},
	{"cancel", 0, CMD_FLAG, .help = "presync: drop the pre-sync on both nodes"},
	{"op-timeout", 0, CMD_INT, "MS", 0, 86400000,
	 .help = "Pacemaker's timeout of the action; start, stop and\n"
		 "migrate-to end (and undo their work) before it"},
	{"migration-speed", 0, CMD_INT, "MIB_S", 0, 1000000, .label = "migration_speed",
	 .help = "cap on migrate-to's stream in MiB/s (default 0: none)"},
	{NULL},
};

static int bad(struct resource_args_error *e, int ocf, const char *why)
{
	e->ocf = ocf;
	snprintf(e->why, sizeof(e->why), "%s", why);
	return -1;
}

int resource_args_apply(const struct cmd_args *a, struct resource *r, const char **target,
			const char **source, struct resource_args_error *e)
{
	const char *const *drbd;
	const char *s;
	char why[400];

	memset(r, 0, sizeof(*r));
	r->config = cmd_text(a, "config", NULL);
	snprintf(r->name, sizeof(r->name), "%s", cmd_text(a, "name", ""));
	r->st.ndrbd = cmd_list(a, "drbd", &drbd);
	for (int i = 0; i < r->st.ndrbd; i++)
		r->st.drbd[i] = drbd[i];
	s = cmd_text(a, "storage", "drbd");
	r->st.local = !strcmp(s, "local");
	r->st.shared = r->st.local || !strcmp(s, "shared");
	r->st.keep_source = !strcmp(cmd_text(a, "keep-source", "false"), "true");
	s = cmd_text(a, "lvm-stack", "none");
	r->st.stack = !strcmp(s, "below") ? LVM_BELOW : !strcmp(s, "above") ? LVM_ABOVE : LVM_NONE;
	r->st.vg = cmd_text(a, "vg", NULL);
	r->st.lv = cmd_text(a, "lv", NULL);
	r->shutdown_timeout_s = (int)cmd_int(a, "shutdown-timeout", 60);
	r->live = !strcmp(cmd_text(a, "migration", "live"), "live");
	r->peer.encrypt = !strcmp(cmd_text(a, "encryption", "on"), "on");
	r->peer.address = cmd_text(a, "address", NULL);
	r->peer.port = (int)cmd_int(a, "port", 0);
	r->peer.keyfile = cmd_text(a, "keyfile", NULL);
	r->peer.speed_mib_s = (unsigned)cmd_int(a, "migration-speed", 0);
	r->probe = cmd_has(a, "probe");
	r->op_timeout_ms = (int)cmd_int(a, "op-timeout", 0);
	*target = cmd_text(a, "target", NULL);
	*source = cmd_text(a, "source", NULL);
	if (*source && !**source) /* only named in messages: "" is "not known" */
		*source = NULL;
	if (*source && name_check(NAME_NODE, *source, why, sizeof(why))) {
		char msg[512];

		snprintf(msg, sizeof(msg), "migrate_source: %s", why);
		return bad(e, OCF_ERR_CONFIGURED, msg);
	}
	return 0;
}

int resource_args_parse(int argc, char **argv, struct resource *r, const char **target,
			const char **source, struct resource_args_error *e)
{
	static const struct cmd_entry action = {"action", "", "", NULL, resource_options, NULL};
	static const struct cmd_group group = {.name = "resource", .entries = &action, .n = 1};
	struct cmd_args a;
	char why[512];

	switch (cmd_parse(&group, &action, argc, argv, &a, why, sizeof(why))) {
	case CMD_OK:
		return resource_args_apply(&a, r, target, source, e);
	case CMD_BAD_VALUE:
		return bad(e, OCF_ERR_CONFIGURED, why);
	default:
		return bad(e, OCF_ERR_ARGS, why);
	}
}
