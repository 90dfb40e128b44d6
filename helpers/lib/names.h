/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one check of every name that enters ferry: domains, DRBD resources,
 * LVM volume groups and logical volumes, cluster nodes. Every entry point
 * (ferryctl's arguments, the agent's parameters, the peer protocol, the
 * serve journal, the ledger) calls name_check() before the name goes
 * anywhere; the rules and their reasons are in names.c. Pure code: no I/O.
 */
#ifndef FERRY_NAMES_H
#define FERRY_NAMES_H

#include <stdbool.h>
#include <stddef.h>

enum name_kind {
	NAME_DOMAIN, /**< a Xen domain: the ledger's key, libxl's name */
	NAME_DRBD,   /**< a DRBD resource: an operand of drbdadm/drbdsetup */
	NAME_VG,     /**< an LVM volume group */
	NAME_LV,     /**< an LVM logical volume (within its VG) */
	NAME_NODE,   /**< a cluster node: corosync/Pacemaker/DRBD host name, or a nodeid */
};

/*
 * Longest names, in bytes without the NUL. 63 wherever a name crosses the
 * peer protocol (its fixed 64-byte name fields, peer_proto.h); the domain
 * limit is also the ledger's (LEDGER_NAME_MAX) and Xen's (XEN_NAME_MAX):
 * one limit for a domain everywhere, never a truncation.
 */
#define NAME_DOMAIN_MAX 63
#define NAME_DRBD_MAX   63
#define NAME_VG_MAX     63
#define NAME_LV_MAX     127 /* lvm2's own limit; an LV never crosses the wire */
#define NAME_NODE_MAX   63

/** Longest name of @kind (bytes, without the NUL). */
size_t name_max(enum name_kind kind);

/** What the kind is called in messages: "domain name", "DRBD resource name"... */
const char *name_kind_text(enum name_kind kind);

/**
 * Is @name acceptable as a name of @kind? 0, or -EINVAL with the reason in
 * @why (one line naming the kind, the name, quoted with name_quote(), and
 * the rule it breaks; @why may be NULL).
 */
int name_check(enum name_kind kind, const char *name, char *why, size_t len);

/**
 * name_check() for a fixed-size, NUL-padded field of @size bytes (the peer
 * protocol's): the name must end within the field and every byte after it
 * must be NUL. Never reads past @size bytes.
 */
int name_check_field(enum name_kind kind, const char *field, size_t size, char *why, size_t len);

/**
 * Splits "VG/LV" (or "VG") as `ferryctl lvm` takes it and checks both
 * names: @vg and @lv (each at least NAME_LV_MAX + 1 bytes) receive them,
 * @lv "" when there is no '/'. 0 or -EINVAL with the reason.
 */
int name_split_vg_lv(const char *target, char *vg, char *lv, char *why, size_t len);

/**
 * Writes @s for a message, on one line: printable ASCII as is (except '\'
 * as "\\"), anything else as \n, \t or \xNN, cut with "..." beyond 48
 * characters. Returns @buf.
 */
char *name_quote(const char *s, char *buf, size_t len);

/** Free a malloc'ed array of @n malloc'ed names (NULL is fine): the lists
 *  ferryd's inventory makes and its REPORTs take. */
void names_free(char **names, size_t n);

#endif
