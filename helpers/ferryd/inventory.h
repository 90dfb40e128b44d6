/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory.c: which domains run on this node */
#ifndef FERRYD_INVENTORY_H
#define FERRYD_INVENTORY_H

#include <stddef.h>

struct ferryd;

/**
 * Names of the domains running on this node.
 * @param[out] names malloc'ed array of malloc'ed names (free with names_free)
 * @return 0, or -ENOTSUP when no inventory source is configured, -errno
 */
int inventory_list(struct ferryd *d, char ***names, size_t *n);

#endif
