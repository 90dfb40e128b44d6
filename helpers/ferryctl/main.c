/* ferryctl: the command-line tool that agents and administrators call.
 * One table of command groups; each group lives in its own cmd_<group>.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <qb/qblog.h>

#include "ferryctl.h"

static const struct ferryctl_command commands[] = {
	{"ledger", cmd_ledger, "the replicated ownership ledger kept by ferryd"},
	{"dump", cmd_dump, "print ferryd's blackbox log ring (same as 'ledger dump')"},
	{"domain", cmd_domain, "Xen domains on this node through libxl, and live migration"},
	{"migrations", cmd_migrations, "recent migrations this node sent, with their figures"},
	{"drbd", cmd_drbd, "DRBD roles, the dual-primary window, sync state"},
	{"lvm", cmd_lvm, "LVM activation below or above DRBD"},
	{"resource", cmd_resource, "the XenDomain agent's actions (start, stop, monitor, ...)"},
	{"key", cmd_key, "the cluster key: generate, check, roll over without downtime"},
	{"peer", cmd_peer, "authenticated round trip to another node's ferryd (ping)"},
	{"serve", cmd_serve, "serve one peer connection (run by ferryd)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ferryctl [-v|-d] COMMAND [ARGS]\n\n"
		   "ferry keeps each Xen domain on exactly one cluster node with its storage.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n  -v  log progress to stderr   -d  debug\n"
		   "'ferryctl COMMAND --help' describes each command and its exit codes.\n"
		   "Everything is also logged to syslog (ident ferryctl).\n");
}

int main(int argc, char **argv)
{
	int verbosity = LOG_WARNING, i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			verbosity = LOG_INFO;
		else if (!strcmp(argv[i], "-d"))
			verbosity = LOG_DEBUG;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return FERRYCTL_EXIT_USAGE;
		}
	}
	ferryctl_log_init(verbosity);
	if (i >= argc) {
		usage(stderr);
		return FERRYCTL_EXIT_USAGE;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(argv[i], commands[c].name)) {
			int rc = commands[c].run(argc - i, argv + i);
			qb_log_fini();
			return rc;
		}
	fprintf(stderr, "ferryctl: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return FERRYCTL_EXIT_USAGE;
}
