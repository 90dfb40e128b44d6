/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Node names and ids from corosync's nodelist (cmap). */
#ifndef FERRY_NODEMAP_H
#define FERRY_NODEMAP_H

#include <stddef.h>
#include <stdint.h>

/** One configured node. */
struct nodemap_entry {
	uint32_t nodeid;
	char name[256];
	char addr[256]; /**< ring0_addr: where this node's ferryd listens */
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

#endif
