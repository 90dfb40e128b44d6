/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Node names and ids from corosync's nodelist (cmap). */
#ifndef FERRY_NODEMAP_H
#define FERRY_NODEMAP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Corosync's knet has up to 8 links: ring0_addr .. ring7_addr. */
#define NODEMAP_RINGS 8

/** One configured node. */
struct nodemap_entry {
	uint32_t nodeid;
	char name[256];
	char addr[256]; /**< ring0_addr: where this node's ferryd listens */
	char ring[NODEMAP_RINGS][256]; /**< ringN_addr as configured, "" if none */
};

/** One address of a node's rings, resolved (IPv4 as IPv4-mapped IPv6). */
struct nodemap_addr {
	struct in6_addr ip;
	uint32_t nodeid;
};

/** The nodelist. */
struct nodemap {
	struct nodemap_entry *v;
	size_t n;
	uint32_t self; /**< this node's id (nodelist.local_node_pos), 0 if unknown */
};

/**
 * Read nodelist.node.*.{nodeid,name,ring0_addr} from cmap.
 * @return 0, -ENOTCONN when corosync is not reachable, -ENOMEM
 */
int nodemap_load(struct nodemap *m);

/** Free the list. */
void nodemap_free(struct nodemap *m);

/**
 * The nodelist as this process first read it, loaded once: a ferryctl
 * process is one action (a migration, a stop, a serve conversation), and
 * every step of it asks the same list. ferryd, which outlives nodelist
 * changes, loads its own with nodemap_load.
 * @return the list (never freed), or NULL while corosync is unreachable
 *         (the next call tries again)
 */
const struct nodemap *nodemap_once(void);

/**
 * Name of a node.
 * @return the name, or NULL when unknown
 */
const char *nodemap_name(const struct nodemap *m, uint32_t nodeid);

/**
 * Resolve a node given as a name or a number.
 * @return 0 and *nodeid, or -ENOENT
 */
int nodemap_resolve(const struct nodemap *m, const char *arg, uint32_t *nodeid);

/**
 * This node's id.
 * @return 0 and *nodeid, or -ENOENT when corosync did not say
 */
int nodemap_self(const struct nodemap *m, uint32_t *nodeid);

/**
 * A node's ring0 address (a name or an IP, as configured).
 * @return the address, or NULL when unknown
 */
const char *nodemap_addr(const struct nodemap *m, uint32_t nodeid);

/**
 * Resolve every ring address of every node (names through getaddrinfo,
 * which may block on a resolver: call it off any event loop's hot path).
 * @param out malloc'ed array (free it), one entry per address
 * @return 0 or -ENOMEM
 */
int nodemap_addrs(const struct nodemap *m, struct nodemap_addr **out, size_t *n);

/**
 * Which node owns address @ip (numeric, "198.18.1.1" or "::ffff:..."),
 * according to @v?
 * @return 0 and *nodeid, -ENOENT for an address of no node, -EINVAL if
 *         @ip is not a numeric address
 */
int nodemap_addr_owner(const struct nodemap_addr *v, size_t n, const char *ip, uint32_t *nodeid);

/** @ip ("198.18.1.1", "::1") as an IPv6 (IPv4-mapped) address. @return 0 or -EINVAL */
int nodemap_ip_parse(const char *ip, struct in6_addr *out);

#endif
