/* ferryctl resource: the XenDomain agent's actions. Exit codes are OCF
 * codes; the last stderr line of a failure is its reason. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferryctl.h"
#include "names.h"
#include "numparse.h"
#include "resource.h"

#define RESOURCE_SHUTDOWN_MAX_S 86400 /* a day: far beyond any stop timeout */
#define STR(x)			#x
#define XSTR(x)			STR(x)
#define RESOURCE_MAX_DRBD_TEXT	XSTR(RESOURCE_MAX_DRBD)

static const char resource_usage[] =
	"usage: ferryctl resource ACTION --config FILE [--name NAME] [--drbd RES]...\n"
	"         [--storage drbd|shared] [--lvm-stack none|below|above] [--vg VG] [--lv LV]\n"
	"         [--shutdown-timeout S] [--migration live|suspend] [--encryption on|off]\n"
	"         [--address ADDR] [--port N] [--target NODE] [--source NODE] [--probe]\n"
	"ACTION: start, stop, monitor, migrate-to (--target), migrate-from, validate.\n"
	"These are the steps the XenDomain agent runs; the exit code is an OCF code\n"
	"(0 ok, 1 generic error, 2 bad arguments, 5 not installed, 6 not configured,\n"
	"7 not running) and the last stderr line of a failure is its reason.\n"
	"Every name is checked (README, \"Names and numbers\"): a domain, DRBD\n"
	"resource or VG at most 63 bytes, an LV at most 127, no leading '-', no\n"
	"blank or separator; at most " RESOURCE_MAX_DRBD_TEXT " --drbd; --shutdown-timeout 1..86400\n"
	"seconds (default 60), --port 1..65535 (default 7780). A bad value is\n"
	"\"not configured\" (6) with the reason.\n";

/* A parameter that cannot be right: OCF_ERR_CONFIGURED (the same on every
 * node) with the reason. Unknown options are OCF_ERR_ARGS. */
struct parse_error {
	int ocf;
	char why[512];
};

static int bad(struct parse_error *e, int ocf, const char *why)
{
	e->ocf = ocf;
	snprintf(e->why, sizeof(e->why), "%s", why);
	return -1;
}

static int name_opt(struct parse_error *e, enum name_kind kind, const char *param,
		    const char *arg)
{
	char why[400], msg[512];

	if (name_check(kind, arg, why, sizeof(why)) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "%s: %s", param, why);
	return bad(e, OCF_ERR_CONFIGURED, msg);
}

static int parse(int argc, char **argv, struct resource *r, const char **target,
		 const char **source, struct parse_error *e)
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
	char why[400];
	int c;

	memset(r, 0, sizeof(*r));
	peer_opts_init(&r->peer);
	r->shutdown_timeout_s = 60;
	r->live = true;
	optind = 1;
	opterr = 0; /* the reason is printed below, as the last line */
	while ((c = getopt_long(argc, argv, ":h", o, NULL)) != -1) {
		switch (c) {
		case 'c':
			r->config = optarg;
			break;
		case 'n':
			if (name_opt(e, NAME_DOMAIN, "domain_name", optarg))
				return -1;
			snprintf(r->name, sizeof(r->name), "%s", optarg);
			break;
		case 'd':
			if (r->ndrbd == RESOURCE_MAX_DRBD) {
				snprintf(why, sizeof(why),
					 "drbd_resource: more than %d DRBD resources (ferry's limit per "
					 "domain)",
					 RESOURCE_MAX_DRBD);
				return bad(e, OCF_ERR_CONFIGURED, why);
			}
			if (name_opt(e, NAME_DRBD, "drbd_resource", optarg))
				return -1;
			r->drbd[r->ndrbd++] = optarg;
			break;
		case 's':
			if (strcmp(optarg, "drbd") && strcmp(optarg, "shared"))
				return bad(e, OCF_ERR_CONFIGURED, "storage must be drbd or shared");
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
				return bad(e, OCF_ERR_CONFIGURED,
					   "lvm_stack must be none, below or above");
			break;
		case 'g':
			if (name_opt(e, NAME_VG, "volume_group", optarg))
				return -1;
			r->vg = optarg;
			break;
		case 'v':
			if (name_opt(e, NAME_LV, "logical_volume", optarg))
				return -1;
			r->lv = optarg;
			break;
		case 't':
			if (num_parse_int("shutdown_timeout", optarg, 1, RESOURCE_SHUTDOWN_MAX_S,
					  &r->shutdown_timeout_s, why, sizeof(why)))
				return bad(e, OCF_ERR_CONFIGURED, why);
			break;
		case 'm':
			if (strcmp(optarg, "live") && strcmp(optarg, "suspend"))
				return bad(e, OCF_ERR_CONFIGURED, "migration must be live or suspend");
			r->live = !strcmp(optarg, "live");
			break;
		case 'e':
			if (strcmp(optarg, "on") && strcmp(optarg, "off"))
				return bad(e, OCF_ERR_CONFIGURED, "encryption must be on or off");
			r->peer.encrypt = !strcmp(optarg, "on");
			break;
		case 'a':
			r->peer.address = optarg;
			break;
		case 'p':
			if (num_parse_int("migration_port", optarg, 1, 65535, &r->peer.port, why,
					  sizeof(why)))
				return bad(e, OCF_ERR_CONFIGURED, why);
			break;
		case 'k':
			r->peer.keyfile = optarg;
			break;
		case 'T':
			if (name_opt(e, NAME_NODE, "migrate_target", optarg))
				return -1;
			*target = optarg;
			break;
		case 'S':
			if (!*optarg) /* only named in messages: "" is "not known" */
				break;
			if (name_opt(e, NAME_NODE, "migrate_source", optarg))
				return -1;
			*source = optarg;
			break;
		case 'P':
			r->probe = true;
			break;
		case 'h':
			printf("%s", resource_usage);
			exit(0);
		case ':':
			snprintf(why, sizeof(why), "option %s needs a value", argv[optind - 1]);
			return bad(e, OCF_ERR_ARGS, why);
		default:
			snprintf(why, sizeof(why), "unknown option %s", argv[optind - 1]);
			return bad(e, OCF_ERR_ARGS, why);
		}
	}
	if (optind != argc) {
		snprintf(why, sizeof(why), "unexpected argument '%s'", argv[optind]);
		return bad(e, OCF_ERR_ARGS, why);
	}
	return 0;
}

int cmd_resource(int argc, char **argv)
{
	struct resource_result res = {0};
	struct parse_error perr = {0};
	struct resource r;
	const char *target = NULL, *source = NULL, *action;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 2 ? stderr : stdout, "%s", resource_usage);
		return argc < 2 ? OCF_ERR_ARGS : 0;
	}
	action = argv[1];
	if (parse(argc - 1, argv + 1, &r, &target, &source, &perr)) {
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
