/* The arguments of `ferryctl resource ACTION` (resource_args.c). */
#ifndef FERRYCTL_RESOURCE_ARGS_H
#define FERRYCTL_RESOURCE_ARGS_H

#include "resource.h"

/** The usage text of `ferryctl resource` (cmd_resource.c). */
extern const char resource_usage[];

/**
 * Parses the options after ACTION into @r (defaults first); --help prints
 * resource_usage and exits.
 * @return 0, or -1 for bad arguments
 */
int resource_args_parse(int argc, char **argv, struct resource *r, const char **target,
			const char **source);

#endif
