/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dm_table on arbitrary rows, as libdevmapper hands a device's table over
 * (start, length, target type, params string), and the dm names of
 * arbitrary VG/LV names. Must hold:
 *  - a table check_plain accepts covers 0..size without gap or overlap,
 *    has only linear/striped rows and none onto a DRBD device;
 *  - a table built by dm_table_over_drbd is never accepted as plain;
 *  - the dm name of a valid VG and LV unmangles back to them.
 *
 * Input: rows of [u64 start][u64 length][u8 type][params up to '\n'], while
 * bytes last; a row whose first byte is 0xff ends the table, and the rest
 * is "VG\0LV" for the names.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dm_table.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Any of the shapes a real table has, or something else. */
static const char *const types[] = { "linear", "striped", "thin", "snapshot-origin", "" };

/* Does any word of @params name a device of DRBD's major ("147:N")? */
static int on_drbd(const char *params)
{
	for (const char *w = params; *w; w++)
		if ((w == params || w[-1] == ' ') && !strncmp(w, "147:", 4))
			return 1;
	return 0;
}

static void check_table(const struct dm_table *t)
{
	struct dm_table over;
	uint64_t sectors = 0, next = 0;
	unsigned minor;
	char why[256];
	int rc = dm_table_check_plain(t, &sectors, why, sizeof(why));

	if (rc == 0) {
		for (int i = 0; i < t->n; i++) {
			if (t->row[i].start != next)
				abort();
			if (strcmp(t->row[i].type, "linear") && strcmp(t->row[i].type, "striped"))
				abort();
			if (on_drbd(t->row[i].params))
				abort();
			next += t->row[i].length;
		}
		if (next != sectors || dm_table_is_over_drbd(t, &minor))
			abort();
		if (dm_table_over_drbd(&over, sectors, 3) != 0 ||
		    dm_table_check_plain(&over, &sectors, why, sizeof(why)) != -EBUSY ||
		    !dm_table_is_over_drbd(&over, &minor) || minor != 3)
			abort();
	} else if (rc != -EINVAL && rc != -EBUSY) {
		abort();
	} else if (!memchr(why, '\0', sizeof(why)) || !why[0]) {
		abort();
	}
}

/* lvm2's mangling undone: single '-' separates, "--" is one '-'. */
static void check_names(const char *vg, const char *lv)
{
	char name[DM_NAME_MAX], orig[DM_NAME_MAX], back[2][DM_NAME_MAX] = { "", "" };
	size_t at = 0;
	int part = 0, singles = 0;

	if (dm_name_of_lv(vg, lv, name, sizeof(name)) != 0)
		return;
	for (const char *c = name; *c; c++) {
		if (c[0] == '-' && c[1] == '-') {
			back[part][at++] = '-';
			c++;
		} else if (*c == '-' && part == 0) {
			part = 1;
			at = 0;
		} else {
			back[part][at++] = *c;
		}
		back[part][at] = '\0';
	}
	if (strcmp(back[0], vg) || strcmp(back[1], lv))
		abort();
	if (dm_name_orig(vg, lv, orig, sizeof(orig)) == 0) {
		for (const char *c = orig; *c; c++) {
			if (c[0] == '-' && c[1] == '-')
				c++;
			else if (*c == '-')
				singles++;
		}
		if (strncmp(orig, "ferry-orig-", 11) || strcmp(orig + 11, name) || singles < 3)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dm_table *t = calloc(1, sizeof(*t));
	char vg[DM_NAME_MAX], lv[DM_NAME_MAX];
	size_t at = 0;

	if (!t)
		return 0;
	while (size - at >= 17 && data[at] != 0xff) {
		char params[DM_PARAMS_MAX + 8];
		uint64_t start = get64(data + at), length = get64(data + at + 8);
		const char *type = types[data[at + 16] % (sizeof(types) / sizeof(types[0]))];
		size_t n = 0;

		at += 17;
		while (at < size && data[at] != '\n' && n < sizeof(params) - 1)
			params[n++] = (char)data[at++];
		params[n] = '\0';
		if (at < size && data[at] == '\n')
			at++;
		dm_table_add(t, start, length, type, params);
	}
	check_table(t);
	free(t);
	/* the names: what is left, "VG\0LV", each bounded */
	if (at < size)
		at++;
	memset(vg, 0, sizeof(vg));
	memset(lv, 0, sizeof(lv));
	for (size_t i = 0; at < size && data[at] && i < sizeof(vg) - 1; i++)
		vg[i] = (char)data[at++];
	if (at < size)
		at++;
	for (size_t i = 0; at < size && data[at] && i < sizeof(lv) - 1; i++)
		lv[i] = (char)data[at++];
	/* only checked names reach dm_name_of_lv (no leading '-', as lvm2) */
	if (name_check(NAME_VG, vg, NULL, 0) == 0 && name_check(NAME_LV, lv, NULL, 0) == 0)
		check_names(vg, lv);
	return 0;
}
