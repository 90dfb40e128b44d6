/* ferryctl-full: every command of ferryctl. One table of command groups;
 * each group is a table of commands in its cmd_<group>.c (command.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <qb/qblog.h>

#include "command.h"
#include "ferryctl.h"

static const struct cmd_group *const groups[] = {
	&ledger_group, &dump_group,     &domain_group, &migrations_group, &drbd_group,
	&lvm_group,    &resource_group, &key_group,    &peer_group,       &serve_group,
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static int exit_of(const struct cmd_group *g, enum cmd_parsed p)
{
	int code = p == CMD_BAD_VALUE ? g->exit_value : g->exit_usage;

	return code ? code : FERRYCTL_EXIT_USAGE;
}

/* `ferryctl GROUP ...` (@argv[0] is the group's name): finds the command,
 * parses, prints help or the reason of a refusal (its last line on
 * stderr), and runs it. */
static int group_run(const struct cmd_group *g, int argc, char **argv)
{
	const struct cmd_entry *e = NULL;
	struct cmd_args a;
	char why[600];
	enum cmd_parsed p;

	if (g->entries[0].name == NULL) {
		e = &g->entries[0];
	} else if (argc < 2 || ferryctl_is_help(argv[1])) {
		cmd_group_help(argc < 2 ? stderr : stdout, g);
		return argc < 2 ? exit_of(g, CMD_BAD_USAGE) : 0;
	} else {
		for (size_t i = 0; i < g->n && !e; i++)
			if (!strcmp(argv[1], g->entries[i].name))
				e = &g->entries[i];
		if (!e) {
			cmd_group_help(stderr, g);
			fprintf(stderr, "ferryctl %s: unknown command '%s'\n", g->name, argv[1]);
			return exit_of(g, CMD_BAD_USAGE);
		}
		argc--;
		argv++;
	}
	p = cmd_parse(g, e, argc, argv, &a, why, sizeof(why));
	if (p == CMD_HELP) {
		cmd_entry_help(stdout, g, e);
		return 0;
	}
	if (p != CMD_OK) {
		/* The reason last: the agents hand that line to Pacemaker. */
		cmd_usage_line(stderr, g, e);
		fprintf(stderr, "ferryctl: %s%s%s: %s\n", g->name, e->name ? " " : "",
			e->name ? e->name : "", why);
		return exit_of(g, p);
	}
	return e->run(&a);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ferryctl [-v|-d] COMMAND [ARGS]\n\n"
		   "ferry keeps each Xen domain on exactly one cluster node with its storage.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < NGROUPS; i++)
		fprintf(f, "  %-10s %s\n", groups[i]->name, groups[i]->summary);
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
		} else if (!strcmp(argv[i], "--list")) { /* for dist/ferryctl-completion */
			cmd_list_print(stdout, groups, NGROUPS);
			return 0;
		} else if (!strcmp(argv[i], "--man")) { /* for man/ferryctl-man */
			cmd_man_print(stdout, groups, NGROUPS);
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
	for (size_t g = 0; g < NGROUPS; g++)
		if (!strcmp(argv[i], groups[g]->name)) {
			int rc = group_run(groups[g], argc - i, argv + i);
			qb_log_fini();
			return rc;
		}
	fprintf(stderr, "ferryctl: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return FERRYCTL_EXIT_USAGE;
}
