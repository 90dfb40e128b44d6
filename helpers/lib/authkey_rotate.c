/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rolling the cluster key over without downtime. Every node accepts its
 * current, next and previous keys (authkey_ring_load) and connects with
 * its current one, so the nodes may switch one at a time:
 *
 *   1. authkey_rotate_next on one node; FILE.next copied to every node
 *   2. (check: every node accepts the next key: ferryctl key verify --next)
 *   3. authkey_rotate_activate on every node, in any order
 *   4. (check: every node accepts the new current key: ferryctl key verify)
 *   5. authkey_rotate_retire on every node
 *
 * Each step keeps a key file in place at every instant: files move only
 * by rename(), which replaces atomically. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "authkey.h"
#include "transport_log.h"

int authkey_rotate_next(const char *path)
{
	char next[PATH_MAX];
	int rc = authkey_slot_path(path, AUTHKEY_NEXT, next, sizeof(next));

	return rc ? rc : authkey_generate(next, false);
}

int authkey_rotate_activate(const char *path)
{
	char next[PATH_MAX], prev[PATH_MAX], id_old[AUTHKEY_ID_LEN + 1], id_new[AUTHKEY_ID_LEN + 1];
	struct authkey cur, nk;
	int rc;

	if (authkey_slot_path(path, AUTHKEY_NEXT, next, sizeof(next)) ||
	    authkey_slot_path(path, AUTHKEY_PREVIOUS, prev, sizeof(prev)))
		return -ENAMETOOLONG;
	if (access(next, F_OK) != 0) {
		tlog(LOG_ERR, "authkey %s: no next key to activate", next);
		return -ENOENT;
	}
	/* Both must be usable before anything moves. */
	rc = authkey_load(next, &nk);
	if (!rc)
		rc = authkey_load(path, &cur);
	if (rc) {
		authkey_clear(&nk);
		return rc;
	}
	authkey_id(&cur, id_old);
	authkey_id(&nk, id_new);
	authkey_clear(&nk);
	/* The current key stays accepted as the previous one. A copy, not a
	 * rename, so FILE never goes missing; a forgotten FILE.prev of an
	 * older rollover is replaced. */
	rc = authkey_store(prev, &cur, true);
	authkey_clear(&cur);
	if (rc)
		return rc;
	if (rename(next, path) < 0) {
		rc = -errno;
		tlog(LOG_ERR, "authkey: rename %s to %s: %s", next, path, strerror(-rc));
		return rc;
	}
	tlog(LOG_NOTICE, "authkey %s: key %s is now current; %s stays accepted as the previous "
	     "key until 'ferryctl key retire'", path, id_new, id_old);
	return 0;
}

int authkey_rotate_retire(const char *path)
{
	char prev[PATH_MAX];
	int rc = authkey_slot_path(path, AUTHKEY_PREVIOUS, prev, sizeof(prev));

	if (rc)
		return rc;
	if (unlink(prev) < 0) {
		rc = -errno;
		if (rc != -ENOENT)
			tlog(LOG_ERR, "authkey %s: %s", prev, strerror(-rc));
		return rc;
	}
	tlog(LOG_NOTICE, "authkey %s: previous key retired", prev);
	return 0;
}
