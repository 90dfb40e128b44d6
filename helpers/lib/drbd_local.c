/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The temporary DRBD resource of a storage=local move (see drbd_local.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dm_table.h"
#include "drbd_local.h"
#include "numparse.h"

static int slot_name(const char *prefix, unsigned slot, char *buf, size_t len)
{
	int n;

	if (slot >= DRBD_LOCAL_SLOTS)
		return -EINVAL;
	n = snprintf(buf, len, "%s%u", prefix, slot);
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

int drbd_local_name(unsigned slot, char *buf, size_t len)
{
	return slot_name("ferry-local-", slot, buf, len);
}

int drbd_local_slot_of(const char *res, unsigned *slot)
{
	static const char prefix[] = "ferry-local-";
	uint64_t v;

	if (strncmp(res, prefix, sizeof(prefix) - 1) ||
	    num_parse("", res + sizeof(prefix) - 1, 0, DRBD_LOCAL_SLOTS - 1, &v, NULL, 0))
		return -EINVAL;
	*slot = (unsigned)v;
	return 0;
}

int drbd_local_meta_lv(unsigned slot, char *buf, size_t len)
{
	return slot_name("ferry-meta-", slot, buf, len);
}

uint64_t drbd_local_meta_sectors(uint64_t data_sectors)
{
	return (data_sectors + (1ull << 18) - 1) / (1ull << 18) * 8 + 72;
}

/* "address 192.0.2.1:7900" or "address ipv6 [2001:db8::1]:7900", from a
 * numeric address only: DRBD resolves nothing, and a name here could be
 * read as another keyword. */
static int address(const char *ip, unsigned port, char *buf, size_t len)
{
	struct in6_addr a6;
	struct in_addr a4;
	int n;

	if (inet_pton(AF_INET, ip, &a4) == 1)
		n = snprintf(buf, len, "address %s:%u;", ip, port);
	else if (inet_pton(AF_INET6, ip, &a6) == 1)
		n = snprintf(buf, len, "address ipv6 [%s]:%u;", ip, port);
	else
		return -EINVAL;
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

static int refuse(char *why, size_t wlen, const char *what, const char *detail)
{
	snprintf(why, wlen, "%s: %s", what, detail);
	return -EINVAL;
}

int drbd_local_conf(const struct drbd_local_res *r, char *buf, size_t len, char *why,
		    size_t wlen)
{
	char name[32], meta[32], orig[DM_NAME_MAX], addr[2][128], nwhy[300];
	int n;

	if (drbd_local_name(r->slot, name, sizeof(name)) || drbd_local_meta_lv(r->slot, meta, sizeof(meta)))
		return refuse(why, wlen, "slot", "out of range");
	if (name_check(NAME_DOMAIN, r->domain, nwhy, sizeof(nwhy)))
		return refuse(why, wlen, "domain", nwhy);
	if (name_check(NAME_VG, r->vg, nwhy, sizeof(nwhy)))
		return refuse(why, wlen, "VG", nwhy);
	if (name_check(NAME_LV, r->lv, nwhy, sizeof(nwhy)))
		return refuse(why, wlen, "LV", nwhy);
	for (int i = 0; i < 2; i++) {
		if (name_check(NAME_NODE, r->end[i].node, nwhy, sizeof(nwhy)))
			return refuse(why, wlen, "node", nwhy);
		if (address(r->end[i].ip, DRBD_LOCAL_PORT_BASE + r->slot, addr[i], sizeof(addr[i])))
			return refuse(why, wlen, r->end[i].node, "not a numeric IPv4 or IPv6 address");
	}
	if (!strcmp(r->end[0].node, r->end[1].node))
		return refuse(why, wlen, r->end[0].node, "both ends on one node");
	if (dm_name_orig(r->vg, r->lv, orig, sizeof(orig)))
		return -ENAMETOOLONG;
	n = snprintf(buf, len,
		     "# Made by ferry for the storage=local move of %s; removed when it ends.\n"
		     "resource %s {\n"
		     "\tnet {\n"
		     "\t\t# Live migration needs synchronous replication.\n"
		     "\t\tprotocol C;\n"
		     "\t\t# Only the source ever writes before the move: never pick a\n"
		     "\t\t# winner after a split brain by itself.\n"
		     "\t\tafter-sb-0pri disconnect;\n"
		     "\t\tafter-sb-1pri disconnect;\n"
		     "\t\tafter-sb-2pri disconnect;\n"
		     "\t}\n"
		     "\tdisk {\n"
		     "\t\t# The move's full sync: DRBD's dynamic resync controller with\n"
		     "\t\t# room to fill the link (its 50 KiB default in flight gave\n"
		     "\t\t# 1 MiB/s); it still yields to the guest's own writes.\n"
		     "\t\tc-plan-ahead 20;\n"
		     "\t\tc-fill-target 1M;\n"
		     "\t\tc-max-rate 1000M;\n"
		     "\t\tc-min-rate 4M;\n"
		     "\t}\n"
		     "\tdevice /dev/drbd%u;\n"
		     "\tdisk /dev/mapper/%s;\n"
		     "\tmeta-disk /dev/%s/%s;\n"
		     "\ton %s { %s }\n"
		     "\ton %s { %s }\n"
		     "}\n",
		     r->domain, name, DRBD_LOCAL_MINOR_BASE + r->slot, orig, r->vg, meta,
		     r->end[0].node, addr[0], r->end[1].node, addr[1]);
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}
