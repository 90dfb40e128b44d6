/* ferryctl resource: the XenDomain agent's actions. Exit codes are OCF
 * codes; the last stderr line of a failure is its reason. */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "ferryctl.h"
#include "resource.h"
#include "resource_args.h"

enum action { START, STOP, MONITOR, MIGRATE_TO, MIGRATE_FROM, VALIDATE };

static int run(struct cmd_args *a, enum action act)
{
	struct resource_result res = {0};
	struct resource_args_error perr = {0};
	struct resource r;
	const char *target = NULL, *source = NULL;
	int rc;

	if (resource_args_apply(a, &r, &target, &source, &perr)) {
		/* One line, the last: the agent gives it to Pacemaker. */
		fprintf(stderr, "ferryctl: resource %s: %s\n", a->entry->name, perr.why);
		return perr.ocf;
	}
	switch (act) {
	case START:
		rc = resource_start(&r, &res);
		break;
	case STOP:
		rc = resource_stop(&r, &res);
		break;
	case MONITOR:
		rc = resource_monitor(&r, &res);
		break;
	case MIGRATE_TO:
		if (!target) {
			fprintf(stderr, "ferryctl: resource migrate-to: --target is needed\n");
			return OCF_ERR_ARGS;
		}
		rc = resource_migrate_to(&r, target, &res);
		break;
	case MIGRATE_FROM:
		rc = resource_migrate_from(&r, source, &res);
		break;
	default:
		rc = resource_validate(&r, true, &res);
		break;
	}
	if (res.info[0])
		printf("%s: %s\n", r.name[0] ? r.name : "resource", res.info);
	if (rc != OCF_SUCCESS && rc != OCF_NOT_RUNNING)
		fprintf(stderr, "ferryctl: %s\n", res.why[0] ? res.why : "failed");
	return rc;
}

static int resource_cmd_start(struct cmd_args *a)
{
	return run(a, START);
}

static int resource_cmd_stop(struct cmd_args *a)
{
	return run(a, STOP);
}

static int resource_cmd_monitor(struct cmd_args *a)
{
	return run(a, MONITOR);
}

static int resource_cmd_migrate_to(struct cmd_args *a)
{
	return run(a, MIGRATE_TO);
}

static int resource_cmd_migrate_from(struct cmd_args *a)
{
	return run(a, MIGRATE_FROM);
}

static int resource_cmd_validate(struct cmd_args *a)
{
	return run(a, VALIDATE);
}

static const struct cmd_entry entries[] = {
	{"start", "", "claim, bring the storage up, create the domain", NULL, NULL,
	 resource_cmd_start},
	{"stop", "", "shut the domain down, bring the storage down, release", NULL, NULL,
	 resource_cmd_stop},
	{"monitor", "", "is the domain running here (7: not running)", NULL, NULL,
	 resource_cmd_monitor},
	{"migrate-to", "", "live-migrate the domain to --target", NULL, NULL,
	 resource_cmd_migrate_to},
	{"migrate-from", "", "check on the target that the domain arrived", NULL, NULL,
	 resource_cmd_migrate_from},
	{"validate", "", "check the parameters and what this node has for them", NULL, NULL,
	 resource_cmd_validate},
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
