/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device-mapper tables for storage=local (see dm_table.h). Pure code. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm_table.h"

int dm_table_add(struct dm_table *t, uint64_t start, uint64_t length, const char *type,
		 const char *params)
{
	struct dm_row *r;

	if (!type || !*type || !length)
		return -EINVAL;
	if (t->n >= DM_ROWS_MAX)
		return -E2BIG;
	if (strlen(type) >= DM_TYPE_MAX || strlen(params ? params : "") >= DM_PARAMS_MAX)
		return -ENAMETOOLONG;
	r = &t->row[t->n++];
	r->start = start;
	r->length = length;
	strcpy(r->type, type);
	strcpy(r->params, params ? params : "");
	return 0;
}

/* The device and offset of a linear row, from libdevmapper's params
 * "MAJOR:MINOR OFFSET": 0, or -EINVAL when they are not that. */
static int linear_device(const struct dm_row *r, unsigned *major, unsigned *minor,
			 unsigned long long *offset)
{
	char end;

	if (sscanf(r->params, "%u:%u %llu%c", major, minor, offset, &end) != 3)
		return -EINVAL;
	return 0;
}

/* Does a striped row's params ("STRIPES CHUNK MAJ:MIN OFF ...") parse, and
 * does any stripe lie on DRBD (*drbd_minor, else -1)? 0 or -EINVAL. */
static int striped_devices(const struct dm_row *r, int *drbd_minor)
{
	const char *p = r->params;
	unsigned stripes, major, minor;
	unsigned long long chunk, off;
	int used;

	if (sscanf(p, "%u %llu%n", &stripes, &chunk, &used) != 2 || stripes == 0 ||
	    stripes > DM_PARAMS_MAX / 4)
		return -EINVAL;
	p += used;
	*drbd_minor = -1;
	for (unsigned i = 0; i < stripes; i++) {
		if (sscanf(p, " %u:%u %llu%n", &major, &minor, &off, &used) != 3)
			return -EINVAL;
		p += used;
		if (major == DM_DRBD_MAJOR)
			*drbd_minor = (int)minor;
	}
	return *p == '\0' ? 0 : -EINVAL;
}

/* One row of a plain LV: a linear or striped target whose params parse, on
 * no DRBD device. 0, -EINVAL or -EBUSY with the reason. */
static int row_check(const struct dm_row *r, int i, char *why, size_t len)
{
	unsigned long long offset;
	unsigned major, minor;
	int drbd = -1;

	if (strcmp(r->type, "linear") == 0) {
		if (linear_device(r, &major, &minor, &offset) < 0)
			goto malformed;
		if (major == DM_DRBD_MAJOR)
			drbd = (int)minor;
	} else if (strcmp(r->type, "striped") == 0) {
		if (striped_devices(r, &drbd) < 0)
			goto malformed;
	} else {
		snprintf(why, len, "row %d is a '%s' target: only plain (linear or striped) "
				   "LVs move with storage=local",
			 i, r->type);
		return -EINVAL;
	}
	if (drbd >= 0) {
		snprintf(why, len, "it maps onto DRBD device %u:%d (a move in progress or not "
				   "undone, or an LV on a replicated VG: use storage=drbd)",
			 DM_DRBD_MAJOR, drbd);
		return -EBUSY;
	}
	return 0;
malformed:
	snprintf(why, len, "row %d: '%s' parameters '%.64s' are not what device-mapper reports",
		 i, r->type, r->params);
	return -EINVAL;
}

int dm_table_check_plain(const struct dm_table *t, uint64_t *sectors, char *why, size_t len)
{
	uint64_t next = 0;
	int rc;

	if (t->n == 0) {
		snprintf(why, len, "the device has no table (not active?)");
		return -EINVAL;
	}
	for (int i = 0; i < t->n; i++) {
		const struct dm_row *r = &t->row[i];

		if (r->start != next) {
			snprintf(why, len, "row %d starts at sector %" PRIu64 ", not %" PRIu64
					   ": a table with a gap or an overlap is not a plain LV",
				 i, r->start, next);
			return -EINVAL;
		}
		rc = row_check(r, i, why, len);
		if (rc < 0)
			return rc;
		if (r->length > UINT64_MAX - next) {
			snprintf(why, len, "row %d overflows the device size", i);
			return -EINVAL;
		}
		next += r->length;
	}
	*sectors = next;
	return 0;
}

int dm_table_over_drbd(struct dm_table *t, uint64_t sectors, unsigned minor)
{
	char params[DM_PARAMS_MAX];

	t->n = 0;
	snprintf(params, sizeof(params), "%u:%u 0", DM_DRBD_MAJOR, minor);
	return dm_table_add(t, 0, sectors, "linear", params);
}

int dm_table_is_over_drbd(const struct dm_table *t, unsigned *minor)
{
	unsigned long long offset;
	unsigned major;

	return t->n == 1 && t->row[0].start == 0 && strcmp(t->row[0].type, "linear") == 0 &&
	       linear_device(&t->row[0], &major, minor, &offset) == 0 &&
	       major == DM_DRBD_MAJOR && offset == 0;
}

/* Appends @name with every '-' doubled at buf[*at]. */
static int put_mangled(const char *name, char *buf, size_t len, size_t *at)
{
	for (const char *c = name; *c; c++) {
		size_t need = *c == '-' ? 2 : 1;

		if (*at + need >= len)
			return -ENAMETOOLONG;
		buf[(*at)++] = *c;
		if (*c == '-')
			buf[(*at)++] = '-';
	}
	buf[*at] = '\0';
	return 0;
}

int dm_name_of_lv(const char *vg, const char *lv, char *buf, size_t len)
{
	size_t at = 0;
	int rc;

	if (len == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	rc = put_mangled(vg, buf, len, &at);
	if (rc == 0 && at + 1 >= len)
		rc = -ENAMETOOLONG;
	if (rc == 0) {
		buf[at++] = '-';
		rc = put_mangled(lv, buf, len, &at);
	}
	return rc;
}

int dm_name_orig(const char *vg, const char *lv, char *buf, size_t len)
{
	static const char prefix[] = "ferry-orig-";

	if (len <= sizeof(prefix))
		return -ENAMETOOLONG;
	memcpy(buf, prefix, sizeof(prefix));
	return dm_name_of_lv(vg, lv, buf + sizeof(prefix) - 1, len - (sizeof(prefix) - 1));
}
