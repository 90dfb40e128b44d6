/* The kernel backends dom0 still has for a domain: see xen_backends.c. */
#ifndef FERRY_XEN_BACKENDS_H
#define FERRY_XEN_BACKENDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Where the kernel lists its Xen backend devices. */
#define XEN_BACKENDS_DIR "/sys/bus/xen-backend/devices"

/**
 * How many backend devices in @dir (NULL: XEN_BACKENDS_DIR) belong to
 * @domid, their names in @names (space-separated, may be cut short), or
 * -errno. A missing directory (no backend driver loaded) counts none.
 */
int xen_backends_left(const char *dir, uint32_t domid, char *names, size_t len);

#endif
