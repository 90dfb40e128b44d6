/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ferryctl's command groups: one file each, one line in main.c's table. */
#ifndef FERRYCTL_H
#define FERRYCTL_H

#include <stdbool.h>
#include <string.h>

/** Exit status for bad usage, shared by every group. */
#define FERRYCTL_EXIT_USAGE 2

/** Does this argument ask for help (-h, --help, help)? */
static inline bool ferryctl_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "help") == 0;
}

/**
 * `ferryctl ledger ...`: talk to ferryd's replicated ledger.
 * @return the process exit status
 */
int cmd_ledger(int argc, char **argv);

/**
 * `ferryctl dump`: alias of `ferryctl ledger dump`.
 * @return the process exit status
 */
int cmd_dump(int argc, char **argv);

#endif
