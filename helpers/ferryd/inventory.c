/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which domains run on this node, for REPORT.
 *
 * With Xen, supervise.c answers from libxl: the ferry-managed domains alive
 * here, without the NAME--incoming / NAME--migratedaway copies of
 * migrations in flight.
 *
 * --inventory-dir DIR is a TEST SEAM standing in for libxl: the namespace
 * tier has no hypervisor, so one empty file per "running" domain in DIR
 * says what this node runs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ferryd.h"
#include "inventory.h"
#include "names.h"
#include "supervise.h"

static int list_dir(const char *dir, char ***out, size_t *count)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!dh)
		return -errno;
	while ((de = readdir(dh)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (!ledger_name_valid(de->d_name)) {
			flog(FLOG_INVENTORY, LOG_WARNING, "ignoring %s/%s: not a valid domain name", dir,
			     de->d_name);
			continue;
		}
		if (n == cap) {
			char **p = realloc(v, (cap ? cap * 2 : 16) * sizeof(*p));

			if (!p) {
				rc = -ENOMEM;
				break;
			}
			v = p;
			cap = cap ? cap * 2 : 16;
		}
		v[n] = strdup(de->d_name);
		if (!v[n]) {
			rc = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(dh);
	if (rc < 0) {
		names_free(v, n);
		return rc;
	}
	*out = v;
	*count = n;
	return 0;
}

int inventory_list(struct ferryd *d, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	if (d->inventory_dir)
		return list_dir(d->inventory_dir, names, n);
	return supervise_inventory(d, names, n);
}
