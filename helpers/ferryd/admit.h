/* SPDX-License-Identifier: GPL-2.0-or-later */
/* admit.c: who may connect to the migration port */
#ifndef FERRYD_ADMIT_H
#define FERRYD_ADMIT_H

#include <stdbool.h>
#include <netinet/in.h>
#include <stdint.h>

struct ferryd;

/** Load the members' addresses and the allowed networks for listening
 * socket @p fd; refresh timers. @return 0 or -errno */
int admit_start(struct ferryd *d, int fd, bool ipv4);
void admit_stop(struct ferryd *d);
/**
 * May a connection from @p ip reach a peer server at all? Cluster members
 * (every ring address of corosync's nodelist) and --allow-peer networks.
 * @return 0 (*nodeid: the member the address belongs to, 0 for an allowed
 *         network), -EPERM
 */
int admit_address(const struct in6_addr *ip, uint32_t *nodeid);
/** Log a refused connection, rate-limited; @p stranger: not a member (see admit.c). */
void admit_refused(const struct in6_addr *ip, const char *who, const char *why, bool stranger);
/** Once a second: measure refusals of non-members, move them into the
 * kernel (a SYN filter on the listening socket) during a flood, and back. */
void admit_tick(void);

#endif
