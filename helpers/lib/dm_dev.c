/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device-mapper devices through libdevmapper (see dm_dev.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libdevmapper.h>

#include "dm_dev.h"
#include "flog.h"

/* libdevmapper's own messages, into ferry's log. */
static void dm_logged(int level, const char *file, int line, int dm_errno_or_class,
		      const char *f, ...)
{
	char msg[512];
	va_list ap;

	(void)file;
	(void)line;
	(void)dm_errno_or_class;
	if (level > 4) /* libdevmapper's _LOG_NOTICE: its debug chatter below */
		return;
	va_start(ap, f);
	vsnprintf(msg, sizeof(msg), f, ap);
	va_end(ap);
	flog(FLOG_LVM, level <= 3 ? LOG_ERR : LOG_WARNING, "libdevmapper: %s", msg);
}

/* NULL when libdevmapper cannot talk to the kernel's driver (its log says
 * why) or, rarely, out of memory: callers say -ENODEV. */
static struct dm_task *task_for(int type, const char *name)
{
	struct dm_task *dmt;

	dm_log_with_errno_init(dm_logged);
	dmt = dm_task_create(type);
	if (dmt && !dm_task_set_name(dmt, name)) {
		dm_task_destroy(dmt);
		dmt = NULL;
	}
	return dmt;
}

/* Runs @dmt; 0 or -errno (the ioctl's errno, -EIO when there is none).
 * @udev: a task that makes or removes a node waits for udev, if it runs. */
static int task_run(struct dm_task *dmt, bool udev)
{
	uint32_t cookie = 0;
	int ok, err;

	if (udev && !dm_task_set_cookie(dmt, &cookie, 0))
		return -EIO;
	ok = dm_task_run(dmt);
	err = dm_task_get_errno(dmt);
	if (udev)
		dm_udev_wait(cookie);
	return ok ? 0 : err > 0 ? -err : -EIO;
}

/* A task on device @name that reads, with its info: -ENXIO when none. */
static int task_read(int type, const char *name, struct dm_task **out, struct dm_info *info)
{
	struct dm_task *dmt = task_for(type, name);
	int rc;

	if (!dmt)
		return -ENODEV;
	rc = task_run(dmt, false);
	if (rc == 0 && !dm_task_get_info(dmt, info))
		rc = -EIO;
	if (rc == 0 && !info->exists)
		rc = -ENXIO;
	if (rc) {
		dm_task_destroy(dmt);
		return rc;
	}
	*out = dmt;
	return 0;
}

int dm_dev_info(const char *name, struct dm_dev_info *i)
{
	struct dm_task *dmt;
	struct dm_info info;
	int rc = task_read(DM_DEVICE_INFO, name, &dmt, &info);

	if (rc)
		return rc;
	i->suspended = info.suspended;
	i->open_count = info.open_count;
	i->major = info.major;
	i->minor = info.minor;
	dm_task_destroy(dmt);
	return 0;
}

int dm_dev_table(const char *name, struct dm_table *t)
{
	struct dm_task *dmt;
	struct dm_info info;
	uint64_t start, length;
	char *type, *params;
	void *next = NULL;
	int rc = task_read(DM_DEVICE_TABLE, name, &dmt, &info);

	if (rc)
		return rc;
	t->n = 0;
	do {
		next = dm_get_next_target(dmt, next, &start, &length, &type, &params);
		if (type)
			rc = dm_table_add(t, start, length, type, params ? params : "");
	} while (next && rc == 0);
	dm_task_destroy(dmt);
	return rc;
}

static int add_rows(struct dm_task *dmt, const struct dm_table *t)
{
	if (t->n == 0)
		return -EINVAL;
	for (int k = 0; k < t->n; k++)
		if (!dm_task_add_target(dmt, t->row[k].start, t->row[k].length, t->row[k].type,
					t->row[k].params))
			return -ENOMEM;
	return 0;
}

/* A task of @type on device @name that carries table @t (create, reload). */
static int with_rows(int type, const char *name, const struct dm_table *t, bool udev)
{
	struct dm_task *dmt = task_for(type, name);
	int rc;

	if (!dmt)
		return -ENODEV;
	rc = add_rows(dmt, t);
	if (rc == 0)
		rc = task_run(dmt, udev);
	dm_task_destroy(dmt);
	return rc;
}

int dm_dev_create(const char *name, const struct dm_table *t)
{
	int rc = with_rows(DM_DEVICE_CREATE, name, t, true);

	if (rc == 0)
		flog(FLOG_LVM, LOG_INFO, "device-mapper: created %s (%d rows)", name, t->n);
	return rc;
}

/* A task of @type on device @name with no more to it than the name. */
static int simple(int type, const char *name, bool udev)
{
	struct dm_task *dmt = task_for(type, name);
	int rc;

	if (!dmt)
		return -ENODEV;
	rc = task_run(dmt, udev);
	dm_task_destroy(dmt);
	return rc;
}

int dm_dev_resume(const char *name)
{
	return simple(DM_DEVICE_RESUME, name, true);
}

int dm_dev_swap(const char *name, const struct dm_table *t)
{
	int rc = with_rows(DM_DEVICE_RELOAD, name, t, false);

	if (rc) {
		flog(FLOG_LVM, LOG_ERR, "device-mapper: %s: loading the new table: %s", name,
		     strerror(-rc));
		return rc;
	}
	rc = simple(DM_DEVICE_SUSPEND, name, false);
	if (rc) {
		flog(FLOG_LVM, LOG_ERR, "device-mapper: %s: suspend failed (%s): the old table "
					"stays live",
		     name, strerror(-rc));
		simple(DM_DEVICE_CLEAR, name, false);
		return rc;
	}
	rc = dm_dev_resume(name);
	if (rc) {
		flog(FLOG_LVM, LOG_CRIT, "device-mapper: %s is SUSPENDED: resume with the new "
					 "table failed: %s",
		     name, strerror(-rc));
		return rc;
	}
	flog(FLOG_LVM, LOG_INFO, "device-mapper: %s now maps %d rows (swapped live)", name, t->n);
	return 0;
}

int dm_dev_remove(const char *name)
{
	int rc = simple(DM_DEVICE_REMOVE, name, true);

	if (rc == 0)
		flog(FLOG_LVM, LOG_INFO, "device-mapper: removed %s", name);
	return rc;
}
