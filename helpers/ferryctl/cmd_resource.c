/* ferryctl resource: the XenDomain agent's actions. Exit codes are OCF
 * codes; the last stderr line of a failure is its reason. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferryctl.h"
#include "resource.h"

static const char resource_usage[] =
	"usage: ferryctl resource ACTION --config FILE [--name NAME] [--drbd RES]...\n"
	"         [--storage drbd|shared] [--lvm-stack none|below|above] [--vg VG] [--lv LV]\n"
	"         [--shutdown-timeout S] [--migration live|suspend] [--encryption on|off]\n"
	"         [--address ADDR] [--port N] [--target NODE] [--source NODE] [--probe]\n"
	"ACTION: start, stop, monitor, migrate-to (--target), migrate-from, validate.\n"
	"These are the steps the XenDomain agent runs; the exit code is an OCF code\n"
	"(0 ok, 1 generic error, 2 bad arguments, 5 not installed, 6 not configured,\n"
	"7 not running) and the last stderr line of a failure is its reason.\n";

static int parse(int argc, char **argv, struct resource *r, const char **target,
		 const char **source)
{
	static const struct option o[] = {
		{"config", required_argument, NULL, 'c'},
		{"name", required_argument, NULL, 'n'},
		{"drbd", required_argument, NULL, 'd'},
		{"storage", required_argument, NULL, 's'},
		{"lvm-stack", required_argument, NULL, 'l'},
		{"vg", required_argument, NULL, 'g'},
		{"lv", required_argument, NULL, 'v'},
		{"shutdown-timeout", required_argument, NULL, 't'},
		{"migration", required_argument, NULL, 'm'},
		{"encryption", required_argument, NULL, 'e'},
		{"address", required_argument, NULL, 'a'},
		{"port", required_argument, NULL, 'p'},
		{"keyfile", required_argument, NULL, 'k'},
		{"target", required_argument, NULL, 'T'},
		{"source", required_argument, NULL, 'S'},
		{"probe", no_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{0}};
	int c;

	memset(r, 0, sizeof(*r));
	peer_opts_init(&r->peer);
	r->shutdown_timeout_s = 60;
	r->live = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", o, NULL)) != -1) {
		switch (c) {
		case 'c':
			r->config = optarg;
			break;
		case 'n':
			snprintf(r->name, sizeof(r->name), "%s", optarg);
			break;
		case 'd':
			if (r->ndrbd == RESOURCE_MAX_DRBD) {
				fprintf(stderr, "ferryctl: at most %d DRBD resources\n",
					RESOURCE_MAX_DRBD);
				return -1;
			}
			r->drbd[r->ndrbd++] = optarg;
			break;
		case 's':
			if (strcmp(optarg, "drbd") && strcmp(optarg, "shared"))
				return -1;
			r->shared = !strcmp(optarg, "shared");
			break;
		case 'l':
			if (!strcmp(optarg, "none"))
				r->stack = LVM_NONE;
			else if (!strcmp(optarg, "below"))
				r->stack = LVM_BELOW;
			else if (!strcmp(optarg, "above"))
				r->stack = LVM_ABOVE;
			else
				return -1;
			break;
		case 'g':
			r->vg = optarg;
			break;
		case 'v':
			r->lv = optarg;
			break;
		case 't':
			if ((r->shutdown_timeout_s = atoi(optarg)) <= 0)
				return -1;
			break;
		case 'm':
			if (strcmp(optarg, "live") && strcmp(optarg, "suspend"))
				return -1;
			r->live = !strcmp(optarg, "live");
			break;
		case 'e':
			if (strcmp(optarg, "on") && strcmp(optarg, "off"))
				return -1;
			r->peer.encrypt = !strcmp(optarg, "on");
			break;
		case 'a':
			r->peer.address = optarg;
			break;
		case 'p':
			r->peer.port = atoi(optarg);
			break;
		case 'k':
			r->peer.keyfile = optarg;
			break;
		case 'T':
			*target = optarg;
			break;
		case 'S':
			*source = optarg;
			break;
		case 'P':
			r->probe = true;
			break;
		case 'h':
			printf("%s", resource_usage);
			exit(0);
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

int cmd_resource(int argc, char **argv)
{
	struct resource_result res = {0};
	struct resource r;
	const char *target = NULL, *source = NULL, *action;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 2 ? stderr : stdout, "%s", resource_usage);
		return argc < 2 ? OCF_ERR_ARGS : 0;
	}
	action = argv[1];
	if (parse(argc - 1, argv + 1, &r, &target, &source)) {
		fprintf(stderr, "%sferryctl: bad arguments for resource %s\n", resource_usage, action);
		return OCF_ERR_ARGS;
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
