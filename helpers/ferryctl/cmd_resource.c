/* ferryctl resource: the XenDomain agent's actions. Exit codes are OCF
 * codes; the last stderr line of a failure is its reason. */
#include <stdio.h>
#include <string.h>

#include "ferryctl.h"
#include "resource.h"
#include "resource_args.h"

int cmd_resource(int argc, char **argv)
{
	struct resource_result res = {0};
	struct resource_args_error perr = {0};
	struct resource r;
	const char *target = NULL, *source = NULL, *action;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 2 ? stderr : stdout, "%s", resource_usage);
		return argc < 2 ? OCF_ERR_ARGS : 0;
	}
	action = argv[1];
	if (resource_args_parse(argc - 1, argv + 1, &r, &target, &source, &perr)) {
		/* One line, the last: the agent gives it to Pacemaker. */
		fprintf(stderr, "ferryctl: resource %s: %s\n", action, perr.why);
		return perr.ocf;
	}
	if (!strcmp(action, "start"))
		rc = resource_start(&r, &res);
	else if (!strcmp(action, "stop"))
		rc = resource_stop(&r, &res);
	else if (!strcmp(action, "monitor"))
		rc = resource_monitor(&r, &res);
	else if (!strcmp(action, "migrate-to") && target)
		rc = resource_migrate_to(&r, target, &res);
	else if (!strcmp(action, "migrate-from"))
		rc = resource_migrate_from(&r, source, &res);
	else if (!strcmp(action, "validate"))
		rc = resource_validate(&r, true, &res);
	else {
		fprintf(stderr, "%sferryctl: unknown action '%s' (migrate-to needs --target)\n",
			resource_usage, action);
		return OCF_ERR_ARGS;
	}
	if (res.info[0])
		printf("%s: %s\n", r.name[0] ? r.name : "resource", res.info);
	if (rc != OCF_SUCCESS && rc != OCF_NOT_RUNNING)
		fprintf(stderr, "ferryctl: %s\n", res.why[0] ? res.why : "failed");
	return rc;
}
