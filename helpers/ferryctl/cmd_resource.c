/* ferryctl resource: the XenDomain agent's actions. Exit codes are OCF
 * codes; the last stderr line of a failure is its reason. */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "ferryctl.h"
#include "resource.h"
#include "resource_args.h"

/* Every action: the entry's name says which (its table below). */
static int resource_cmd(struct cmd_args *a)
{
	const char *act = a->entry->name;
	struct resource_result res = {0};
	struct resource_args_error perr = {0};
	struct resource r;
	const char *target = NULL, *source = NULL;
	int rc;

	if (resource_args_apply(a, &r, &target, &source, &perr)) {
		/* One line, the last: the agent gives it to Pacemaker. */
		fprintf(stderr, "ferryctl: resource %s: %s\n", act, perr.why);
		return perr.ocf;
	}
	if (!strcmp(act, "start")) {
		rc = resource_start(&r, &res);
	} else if (!strcmp(act, "stop")) {
		rc = resource_stop(&r, &res);
	} else if (!strcmp(act, "monitor")) {
		rc = resource_monitor(&r, &res);
	} else if (!strcmp(act, "migrate-to")) {
		if (!target) {
			fprintf(stderr, "ferryctl: resource migrate-to: --target is needed\n");
			return OCF_ERR_ARGS;
		}
		rc = resource_migrate_to(&r, target, &res);
	} else if (!strcmp(act, "presync")) {
		if (!target) {
			fprintf(stderr, "ferryctl: resource presync: --target is needed\n");
			return OCF_ERR_ARGS;
		}
		rc = resource_presync(&r, target, cmd_has(a, "cancel"), &res);
	} else if (!strcmp(act, "migrate-from")) {
		rc = resource_migrate_from(&r, source, &res);
	} else {
		rc = resource_validate(&r, true, &res);
	}
	if (res.info[0])
		printf("%s: %s\n", r.name[0] ? r.name : "resource", res.info);
	if (rc != OCF_SUCCESS && rc != OCF_NOT_RUNNING)
		fprintf(stderr, "ferryctl: %s\n", res.why[0] ? res.why : "failed");
	return rc;
}

static const struct cmd_entry entries[] = {
	{"start", "", "claim, bring the storage up, create the domain", NULL, NULL,
	 resource_cmd},
	{"stop", "", "shut the domain down, bring the storage down, release", NULL, NULL,
	 resource_cmd},
	{"monitor", "", "is the domain running here (7: not running)", NULL, NULL,
	 resource_cmd},
	{"migrate-to", "", "live-migrate the domain to --target", NULL, NULL,
	 resource_cmd},
	{"migrate-from", "", "check on the target that the domain arrived", NULL, NULL,
	 resource_cmd},
	{"presync", "", "storage=local: replicate the LV to --target ahead of a move",
	 "  Slips the temporary DRBD under the LV and starts its full sync to a new LV\n"
	 "  on --target, then returns; `ferryctl drbd status ferry-local-N` shows the\n"
	 "  progress. A later migrate-to to that node (crm resource move) takes it up\n"
	 "  and sends only what is still out of sync. --cancel drops it on both nodes.\n",
	 NULL, resource_cmd},
	{"validate", "", "check the parameters and what this node has for them", NULL, NULL,
	 resource_cmd},
};

const struct cmd_group resource_group = {
	.name = "resource",
	.summary = "the XenDomain agent's actions (start, stop, monitor, ...)",
	.entries = entries,
	.n = sizeof(entries) / sizeof(entries[0]),
	.options = resource_options,
	.help = "These are the steps the XenDomain agent runs. Every name is checked\n"
		"(README, \"Names and numbers\"): a domain, DRBD resource or VG at most 63\n"
		"bytes, an LV at most 127, no leading '-', no blank or separator. migrate-to\n"
		"waits for one of this node's outbound migration slots (ferryd\n"
		"--max-outbound-migrations) for at most half of --op-timeout.\n",
	.exits = "exit codes: OCF codes: 0 ok, 1 generic error, 2 bad arguments, 5 not\n"
		 "installed, 6 not configured (a bad parameter value, with the reason),\n"
		 "7 not running; the last stderr line of a failure is its reason.\n",
	.exit_usage = OCF_ERR_ARGS,
	.exit_value = OCF_ERR_CONFIGURED,
};
