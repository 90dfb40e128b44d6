/* The arguments of `ferryctl resource ACTION`, parsed for both ferryctl
 * binaries: the front (front.c, which answers the recurring monitor) and
 * ferryctl-full (cmd_resource.c, every action). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resource_args.h"

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
	"--op-timeout: Pacemaker's timeout of the action; start, stop and migrate-to\n"
	"end (and undo their work) before it. migrate-to waits for one of this node's\n"
	"outbound migration slots (ferryd --max-outbound-migrations) for at most half\n"
	"of it.\n"
	"--migration-speed: cap on migrate-to's stream in MiB/s (0, the default: none).\n";

int resource_args_parse(int argc, char **argv, struct resource *r, const char **target,
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
		{"op-timeout", required_argument, NULL, 'O'},
		{"migration-speed", required_argument, NULL, 'B'},
		{"help", no_argument, NULL, 'h'},
		{0}};
	int c;

	memset(r, 0, sizeof(*r));
	r->peer.encrypt = true; /* as peer_opts_init(), which is not linked here */
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
		case 'O': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > 86400000)
				return -1;
			r->op_timeout_ms = (int)v;
			break;
		}
		case 'B': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > 1000000)
				return -1;
			r->peer.speed_mib_s = (unsigned)v;
			break;
		}
		case 'h':
			printf("%s", resource_usage);
			exit(0);
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

