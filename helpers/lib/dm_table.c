/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device-mapper tables for storage=local (see dm_table.h). Pure code. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm_table.h"
#include "numparse.h"

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

/* Linux device numbers: a 12-bit major, a 20-bit minor. */
#define DEV_MAJOR_MAX ((1u << 12) - 1)
#define DEV_MINOR_MAX ((1u << 20) - 1)
#define WORD_MAX      48

/* The next word of *@p into @w, as libdevmapper writes params (words
 * separated by one space, none leading or trailing); advances *@p past it
 * and its separator. 0 or -EINVAL. */
static int next_word(const char **p, char *w, size_t len)
{
	size_t n = strcspn(*p, " ");

	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(w, *p, n);
	w[n] = '\0';
	*p += n;
	if (**p == ' ' && *++*p == '\0')
		return -EINVAL;
	return 0;
}

/* The next word of *@p as a number in [@min, @max]. */
static int next_number(const char **p, uint64_t min, uint64_t max, uint64_t *out)
{
	char w[WORD_MAX];

	if (next_word(p, w, sizeof(w)))
		return -EINVAL;
	return num_parse("", w, min, max, out, NULL, 0) ? -EINVAL : 0;
}

/* The next word of *@p as a device "MAJOR:MINOR". Strict numbers: with
 * sscanf's %u, an overflowing minor of DRBD's major wrapped and the row
 * passed as plain (make fuzz, dm_table). */
static int next_device(const char **p, unsigned *major, unsigned *minor)
{
	char w[WORD_MAX];
	uint64_t a, b;
	char *colon;

	if (next_word(p, w, sizeof(w)) || !(colon = strchr(w, ':')))
		return -EINVAL;
	*colon = '\0';
	if (num_parse("", w, 0, DEV_MAJOR_MAX, &a, NULL, 0) ||
	    num_parse("", colon + 1, 0, DEV_MINOR_MAX, &b, NULL, 0))
		return -EINVAL;
	*major = (unsigned)a;
	*minor = (unsigned)b;
	return 0;
}

/* The device and offset of a linear row, from libdevmapper's params
 * "MAJOR:MINOR OFFSET": 0, or -EINVAL when they are not that. */
static int linear_device(const struct dm_row *r, unsigned *major, unsigned *minor,
			 uint64_t *offset)
{
	const char *p = r->params;

	if (next_device(&p, major, minor) || next_number(&p, 0, UINT64_MAX, offset) || *p)
		return -EINVAL;
	return 0;
}

/* Does a striped row's params ("STRIPES CHUNK MAJ:MIN OFF ...") parse, and
 * does any stripe lie on DRBD (*@on_drbd, its minor in *@drbd_minor)?
 * 0 or -EINVAL. */
static int striped_devices(const struct dm_row *r, bool *on_drbd, unsigned *drbd_minor)
{
	const char *p = r->params;
	unsigned major, minor;
	uint64_t stripes, chunk, off;

	if (next_number(&p, 1, DM_PARAMS_MAX / 4, &stripes) ||
	    next_number(&p, 0, UINT64_MAX, &chunk))
		return -EINVAL;
	*on_drbd = false;
	for (uint64_t i = 0; i < stripes; i++) {
		if (next_device(&p, &major, &minor) || next_number(&p, 0, UINT64_MAX, &off))
			return -EINVAL;
		if (major == DM_DRBD_MAJOR) {
			*on_drbd = true;
			*drbd_minor = minor;
		}
	}
	return *p == '\0' ? 0 : -EINVAL;
}

/* One row of a plain LV: a linear or striped target whose params parse, on
 * no DRBD device. 0, -EINVAL or -EBUSY with the reason. */
static int row_check(const struct dm_row *r, int i, char *why, size_t len)
{
	uint64_t offset;
	unsigned major, minor = 0;
	bool on_drbd = false;

	if (strcmp(r->type, "linear") == 0) {
		if (linear_device(r, &major, &minor, &offset) < 0)
			goto malformed;
		on_drbd = major == DM_DRBD_MAJOR;
	} else if (strcmp(r->type, "striped") == 0) {
		if (striped_devices(r, &on_drbd, &minor) < 0)
			goto malformed;
	} else {
		snprintf(why, len, "row %d is a '%s' target: only plain (linear or striped) "
				   "LVs move with storage=local",
			 i, r->type);
		return -EINVAL;
	}
	if (on_drbd) {
		snprintf(why, len, "it maps onto DRBD device %u:%u (a move in progress or not "
				   "undone, or an LV on a replicated VG: use storage=drbd)",
			 DM_DRBD_MAJOR, minor);
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
	uint64_t offset;
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
