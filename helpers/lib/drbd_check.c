/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ferryctl drbd check`: see drbd_check.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drbd_check.h"
#include "ledger_client.h"

/* Well inside the storage monitor's 60 s; a busy ferryd answers in ms. */
#define CHECK_IPC_TIMEOUT_MS 5000

/* Local disk states in which a node holds no copy at all (drbdsetup(8));
 * Inconsistent or Outdated is a copy that a resync brings up to date. */
static bool disk_unusable(const char *disk)
{
	return !strcmp(disk, "Diskless") || !strcmp(disk, "Failed") || !strcmp(disk, "Detaching");
}

int drbd_check_one(const char *res, bool exists, const char *disk, char *line, size_t len)
{
	if (!exists) {
		snprintf(line, len, "%s: not up", res);
		return -ENOENT;
	}
	if (disk_unusable(disk)) {
		snprintf(line, len, "%s: up, but no usable local disk (%s)", res, disk);
		return -EIO;
	}
	snprintf(line, len, "%s: up, disk %s", res, disk[0] ? disk : "?");
	return 0;
}

int drbd_check_ask(char *const names[], int n, struct ferry_ipc_monitor *m)
{
	struct ferry_ipc_monitor_req q;
	int rc;

	if (n < 1 || n > DRBD_CHECK_MAX)
		return -EINVAL;
	memset(&q, 0, sizeof(q));
	q.req.timeout_ms = CHECK_IPC_TIMEOUT_MS;
	for (int i = 0; i < n; i++) {
		if (strlen(names[i]) >= sizeof(q.drbd[i]))
			return -EINVAL;
		strcpy(q.drbd[q.ndrbd++], names[i]);
	}
	/* no domain and no config: ferryd answers for the DRBD resources alone */
	rc = ledger_client_monitor(&q, m);
	if (rc < 0)
		return rc;
	if (m->status != FERRY_OK || m->ndrbd != (uint32_t)n)
		return -EPROTO; /* an older ferryd that wants a domain */
	for (int i = 0; i < n; i++)
		if (!m->drbd[i].known || strcmp(m->drbd[i].name, names[i]))
			return -EAGAIN;
	return 0;
}

int drbd_check_print(const struct ferry_ipc_monitor *m)
{
	char line[256];
	int first = 0;

	for (uint32_t i = 0; i < m->ndrbd; i++) {
		const struct ferry_ipc_drbd_state *s = &m->drbd[i];
		int rc = drbd_check_one(s->name, s->exists, s->disk, line, sizeof(line));

		puts(line);
		if (rc < 0 && !first)
			first = rc;
	}
	return first;
}
