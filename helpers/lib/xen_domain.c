/* Domain state from libxl_domain_info: what ferryctl status/list and the
 * agent's monitor report. No subprocess, one hypercall per domain. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"

#include "xen.h"

const char *xen_state_name(enum xen_state s)
{
	static const char *const names[] = {
		[XEN_ABSENT] = "absent",   [XEN_RUNNING] = "running",
		[XEN_BLOCKED] = "blocked", [XEN_PAUSED] = "paused",
		[XEN_SHUTDOWN] = "shutdown", [XEN_DYING] = "dying",
	};
	return s <= XEN_DYING ? names[s] : "unknown";
}

bool xen_status_alive(const struct xen_status *st)
{
	return st->state == XEN_RUNNING || st->state == XEN_BLOCKED || st->state == XEN_PAUSED;
}

bool xen_status_rebooting(const struct xen_status *st)
{
	return (st->state == XEN_SHUTDOWN || st->state == XEN_DYING) &&
	       st->shutdown_reason == LIBXL_SHUTDOWN_REASON_REBOOT;
}

static void status_from_info(struct xen *x, const libxl_dominfo *info, struct xen_status *st)
{
	uint8_t *data = NULL;
	int len = 0;
	char *name;

	memset(st, 0, sizeof(*st));
	st->domid = info->domid;
	/* shutdown_reason is meaningful only while shutdown is set. */
	if (info->dying)
		st->state = XEN_DYING;
	else if (info->shutdown) {
		st->state = XEN_SHUTDOWN;
		st->shutdown_reason = info->shutdown_reason;
	} else if (info->paused)
		st->state = XEN_PAUSED;
	else if (info->blocked)
		st->state = XEN_BLOCKED;
	else
		st->state = XEN_RUNNING;
	st->type = info->domain_type;
	st->mem_kb = info->current_memkb;
	st->cpu_ns = info->cpu_time;
	name = libxl_domid_to_name(xen_ctx(x), info->domid);
	snprintf(st->name, sizeof(st->name), "%s", name ? name : "");
	free(name);
	if (libxl_userdata_retrieve(xen_ctx(x), info->domid, XEN_USERDATA_KEY, &data, &len) == 0 &&
	    data) {
		st->managed = true;
		free(data);
	}
	size_t n = strlen(st->name);
	if (n > strlen(XEN_INCOMING_SUFFIX) &&
	    !strcmp(st->name + n - strlen(XEN_INCOMING_SUFFIX), XEN_INCOMING_SUFFIX))
		st->migrating = XEN_FLIGHT_INCOMING;
	else if (n > strlen(XEN_MIGRATED_SUFFIX) &&
		 !strcmp(st->name + n - strlen(XEN_MIGRATED_SUFFIX), XEN_MIGRATED_SUFFIX))
		st->migrating = XEN_FLIGHT_MIGRATEDAWAY;
}

int xen_status_domid(struct xen *x, uint32_t domid, struct xen_status *st)
{
	libxl_dominfo info;
	int rc;

	libxl_dominfo_init(&info);
	rc = libxl_domain_info(xen_ctx(x), &info, domid);
	if (rc == 0)
		status_from_info(x, &info, st);
	libxl_dominfo_dispose(&info);
	return rc == ERROR_DOMAIN_NOTFOUND ? -ENOENT : xen_errno(rc);
}

int xen_status_get(struct xen *x, const char *name, struct xen_status *st)
{
	static const char *const suffixes[] = {"", XEN_INCOMING_SUFFIX, XEN_MIGRATED_SUFFIX};
	char full[sizeof(st->name)];
	uint32_t domid;

	if (strlen(name) > XEN_NAME_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(full, sizeof(full), "%s%s", name, suffixes[i]);
		if (libxl_name_to_domid(xen_ctx(x), full, &domid))
			continue;
		int rc = xen_status_domid(x, domid, st);
		if (rc != -ENOENT)
			return rc;
	}
	memset(st, 0, sizeof(*st));
	st->state = XEN_ABSENT;
	snprintf(st->name, sizeof(st->name), "%s", name);
	return 0;
}

int xen_list(struct xen *x, struct xen_status **list, int *n)
{
	int nb = 0, k = 0;
	libxl_dominfo *info = libxl_list_domain(xen_ctx(x), &nb);
	struct xen_status *out;

	if (!info)
		return -EIO;
	out = calloc(nb ? (size_t)nb : 1, sizeof(*out));
	if (!out) {
		libxl_dominfo_list_free(info, nb);
		return -ENOMEM;
	}
	for (int i = 0; i < nb; i++)
		if (info[i].domid != 0)
			status_from_info(x, &info[i], &out[k++]);
	libxl_dominfo_list_free(info, nb);
	*list = out;
	*n = k;
	return 0;
}

int xen_disk_users(struct xen *x, const char *dev, char *buf, size_t len)
{
	struct xen_status *list;
	int n, rc, found = 0;
	char want[PATH_MAX], have[PATH_MAX];

	buf[0] = '\0';
	if (!realpath(dev, want))
		snprintf(want, sizeof(want), "%s", dev);
	rc = xen_list(x, &list, &n);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++) {
		int nd = 0;
		libxl_device_disk *d = libxl_device_disk_list(xen_ctx(x), list[i].domid, &nd);
		for (int k = 0; k < nd; k++) {
			if (!d[k].pdev_path)
				continue;
			if (!realpath(d[k].pdev_path, have))
				snprintf(have, sizeof(have), "%s", d[k].pdev_path);
			if (strcmp(have, want))
				continue;
			size_t used = strlen(buf);
			snprintf(buf + used, len - used, "%sdomain %s (domid %u, %s)", found++ ? ", " : "",
				 list[i].name, list[i].domid, d[k].vdev ? d[k].vdev : "?");
		}
		libxl_device_disk_list_free(d, nd);
	}
	free(list);
	return found;
}
