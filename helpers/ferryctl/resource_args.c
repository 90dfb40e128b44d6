/* The arguments of `ferryctl resource ACTION`, parsed for both ferryctl
 * binaries: the front (front.c, which answers the recurring monitor) and
 * ferryctl-full (cmd_resource.c, every action). Every name and number goes
 * through names.c and numparse.c (README, "Names and numbers"). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "numparse.h"
#include "resource_args.h"

#define RESOURCE_SHUTDOWN_MAX_S 86400 /* a day: far beyond any stop timeout */
#define STR(x)			#x
#define XSTR(x)			STR(x)
#define STORAGE_MAX_DRBD_TEXT	XSTR(STORAGE_MAX_DRBD)

const char resource_usage[] =
	"usage: ferryctl resource ACTION --config FILE [--name NAME] [--drbd RES]...\n"
	"         [--storage drbd|shared] [--lvm-stack none|below|above] [--vg VG] [--lv LV]\n"
	"         [--shutdown-timeout S] [--migration live|suspend] [--encryption on|off]\n"
	"         [--address ADDR] [--port N] [--target NODE] [--source NODE] [--probe]\n"
	"         [--op-timeout MS] [--migration-speed MIB_S]\n"
	"ACTION: start, stop, monitor, migrate-to (--target), migrate-from, validate.\n"
	"These are the steps the XenDomain agent runs; the exit code is an OCF code\n"
	"(0 ok, 1 generic error, 2 bad arguments, 5 not installed, 6 not configured,\n"
	"7 not running) and the last stderr line of a failure is its reason.\n"
	"Every name is checked (README, \"Names and numbers\"): a domain, DRBD\n"
	"resource or VG at most 63 bytes, an LV at most 127, no leading '-', no\n"
	"blank or separator; at most " STORAGE_MAX_DRBD_TEXT " --drbd; --shutdown-timeout 1..86400\n"
	"seconds (default 60), --port 1..65535 (default 7780). A bad value is\n"
	"\"not configured\" (6) with the reason.\n"
	"--op-timeout: Pacemaker's timeout of the action; start, stop and migrate-to\n"
	"end (and undo their work) before it. migrate-to waits for one of this node's\n"
	"outbound migration slots (ferryd --max-outbound-migrations) for at most half\n"
	"of it.\n"
	"--migration-speed: cap on migrate-to's stream in MiB/s (0, the default: none).\n";

static int bad(struct resource_args_error *e, int ocf, const char *why)
{
	e->ocf = ocf;
	snprintf(e->why, sizeof(e->why), "%s", why);
	return -1;
}

static int name_opt(struct resource_args_error *e, enum name_kind kind, const char *param,
		    const char *arg)
{
	char why[400], msg[512];

	if (name_check(kind, arg, why, sizeof(why)) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "%s: %s", param, why);
	return bad(e, OCF_ERR_CONFIGURED, msg);
}

int resource_args_parse(int argc, char **argv, struct resource *r, const char **target,
			const char **source, struct resource_args_error *e)
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
		{"op-timeout", required_argument, NULL, 'O'},
		{"migration-speed", required_argument, NULL, 'B'},
		{"help", no_argument, NULL, 'h'},
		{0}};
	char why[400];
	int c;

	memset(r, 0, sizeof(*r));
	r->peer.encrypt = true; /* as peer_opts_init(), which is not linked in the front */
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
			if (r->st.ndrbd == STORAGE_MAX_DRBD) {
				snprintf(why, sizeof(why),
					 "drbd_resource: more than %d DRBD resources (ferry's limit per "
					 "domain)",
					 STORAGE_MAX_DRBD);
				return bad(e, OCF_ERR_CONFIGURED, why);
			}
			if (name_opt(e, NAME_DRBD, "drbd_resource", optarg))
				return -1;
			r->st.drbd[r->st.ndrbd++] = optarg;
			break;
		case 's':
			if (strcmp(optarg, "drbd") && strcmp(optarg, "shared"))
				return bad(e, OCF_ERR_CONFIGURED, "storage must be drbd or shared");
			r->st.shared = !strcmp(optarg, "shared");
			break;
		case 'l':
			if (!strcmp(optarg, "none"))
				r->st.stack = LVM_NONE;
			else if (!strcmp(optarg, "below"))
				r->st.stack = LVM_BELOW;
			else if (!strcmp(optarg, "above"))
				r->st.stack = LVM_ABOVE;
			else
				return bad(e, OCF_ERR_CONFIGURED,
					   "lvm_stack must be none, below or above");
			break;
		case 'g':
			if (name_opt(e, NAME_VG, "volume_group", optarg))
				return -1;
			r->st.vg = optarg;
			break;
		case 'v':
			if (name_opt(e, NAME_LV, "logical_volume", optarg))
				return -1;
			r->st.lv = optarg;
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
		case 'O':
			if (num_parse_int("op-timeout", optarg, 0, 86400000, &r->op_timeout_ms, why,
					  sizeof(why)))
				return bad(e, OCF_ERR_ARGS, why);
			break;
		case 'B': {
			int v;

			if (num_parse_int("migration_speed", optarg, 0, 1000000, &v, why, sizeof(why)))
				return bad(e, OCF_ERR_CONFIGURED, why);
			r->peer.speed_mib_s = (unsigned)v;
			break;
		}
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
