/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The listening socket's SYN filter (synfilter.c). */
#ifndef FERRYD_SYNFILTER_H
#define FERRYD_SYNFILTER_H

#include <netinet/in.h>
#include <stddef.h>

/** An address (bits 128) or network, IPv4 as IPv4-mapped IPv6 (bits 96 + prefix). */
struct synfilter_rule {
	struct in6_addr addr;
	int bits;
};

/**
 * Let SYNs from @rules through, and one in @sample (a power of two) of
 * the others; drop the rest in the kernel. Replaces any filter.
 * @return 0 or -errno
 */
int synfilter_attach(int fd, const struct synfilter_rule *rules, size_t n, unsigned sample);
/** Remove the filter. @return 0 or -errno */
int synfilter_detach(int fd);

#endif
