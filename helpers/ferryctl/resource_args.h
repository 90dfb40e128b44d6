/* The options of `ferryctl resource ACTION` (resource_args.c). */
#ifndef FERRYCTL_RESOURCE_ARGS_H
#define FERRYCTL_RESOURCE_ARGS_H

#include "command.h"
#include "resource.h"

/** The XenDomain agent's parameters as options of every resource action. */
extern const struct cmd_option resource_options[];

/** Why the arguments were refused: the OCF code (OCF_ERR_CONFIGURED for a
 * parameter that cannot be right on any node, OCF_ERR_ARGS for unknown
 * options) and one line of reason. */
struct resource_args_error {
	int ocf;
	char why[512];
};

/**
 * Turns the parsed options @a into @r (defaults first).
 * @return 0, or -1 with @e set
 */
int resource_args_apply(const struct cmd_args *a, struct resource *r, const char **target,
			const char **source, struct resource_args_error *e);

/**
 * Parses @argv (argv[0] the action) into @r, for the front, which has no
 * command table of its own. -h or --help is refused (OCF_ERR_ARGS): the
 * front leaves help to ferryctl-full.
 * @return 0, or -1 with @e set
 */
int resource_args_parse(int argc, char **argv, struct resource *r, const char **target,
			const char **source, struct resource_args_error *e);

#endif
