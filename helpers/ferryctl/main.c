/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ferryctl: the command-line tool agents and administrators call.
 * Table-driven: each command group lives in its own cmd_GROUP.c and adds
 * one line to the table below.
 */
#include <stdio.h>
#include <string.h>

#include "ferryctl.h"

static const struct group {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} groups[] = {
	{ "ledger", cmd_ledger, "the replicated ownership ledger kept by ferryd" },
	{ "dump", cmd_dump, "print ferryd's blackbox log ring (same as 'ledger dump')" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: ferryctl GROUP COMMAND [ARGS]...\n"
		   "       ferryctl GROUP --help\n\nGroups:\n");
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		fprintf(f, "  %-10s %s\n", groups[i].name, groups[i].help);
	fprintf(f, "\nEach group documents its commands and exit codes in 'ferryctl GROUP --help'.\n"
		   "Exit status 2 always means bad usage.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return FERRYCTL_EXIT_USAGE;
	}
	if (ferryctl_is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (strcmp(argv[1], groups[i].name) == 0)
			return groups[i].run(argc - 1, argv + 1);
	fprintf(stderr, "ferryctl: unknown group '%s'\n\n", argv[1]);
	usage(stderr);
	return FERRYCTL_EXIT_USAGE;
}
