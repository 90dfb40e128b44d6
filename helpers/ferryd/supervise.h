/* SPDX-License-Identifier: GPL-2.0-or-later */
/* supervise.c: ferry-managed domains on this node */
#ifndef FERRYD_SUPERVISE_H
#define FERRYD_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>

struct ferryd;

/** Watch this node's ferry-managed domains (no-op without Xen). @return 0 or -errno */
int supervise_start(struct ferryd *d);
void supervise_stop(struct ferryd *d);
/** The ferry-managed domains running here (for REPORT): see inventory_list. */
int supervise_inventory(struct ferryd *d, char ***names, size_t *n);
struct xen_status;
/**
 * libxl's view of domain @p name (or its copy in flight) and whether it is
 * rebooting (shut down for a reboot, or being recreated by supervision).
 * @return 0, -ENODEV without Xen, -errno
 */
int supervise_domain(const char *name, struct xen_status *st, bool *rebooting);

#endif
