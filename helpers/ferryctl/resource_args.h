/* The arguments of `ferryctl resource ACTION` (resource_args.c). */
#ifndef FERRYCTL_RESOURCE_ARGS_H
#define FERRYCTL_RESOURCE_ARGS_H

#include "resource.h"

/** The usage text of `ferryctl resource` (cmd_resource.c). */
extern const char resource_usage[];

/** Why the arguments were refused: the OCF code (OCF_ERR_CONFIGURED for a
 * parameter that cannot be right on any node, OCF_ERR_ARGS for unknown
 * options) and one line of reason. */
struct resource_args_error {
	int ocf;
	char why[512];
};

/**
 * Parses the options after ACTION into @r (defaults first), checking every
 * name and number; --help prints resource_usage and exits.
 * @return 0, or -1 with @e set
 */
int resource_args_parse(int argc, char **argv, struct resource *r, const char **target,
			const char **source, struct resource_args_error *e);

#endif
