/* Storage requests served for a peer (see storage_serve.h). */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flog.h"

#include "drbd.h"
#include "lvm.h"
#include "peer.h"
#include "storage_serve.h"

#define UNDO_MAX 32

/* What this process changed, in order, for storage_serve_undo(). */
static struct {
	enum peer_op op;
	char res[PEER_NAME_MAX];
} undo[UNDO_MAX];
static int nundo;

static const char *op_name(enum peer_op op)
{
	switch (op) {
	case PEER_OP_WINDOW_OPEN:
		return "window open";
	case PEER_OP_WINDOW_CLOSE:
		return "window close";
	case PEER_OP_PROMOTE:
		return "promote";
	case PEER_OP_DEMOTE:
		return "demote";
	case PEER_OP_VG_ACTIVATE:
		return "vg activate";
	case PEER_OP_VG_DEACTIVATE:
		return "vg deactivate";
	}
	return "unknown";
}

static int serve_op(enum peer_op op, const char *res, char *why, size_t len)
{
	struct drbd_resource r;
	int rc;

	switch (op) {
	case PEER_OP_WINDOW_OPEN:
		return drbd_set_two_primaries(res, true);
	case PEER_OP_WINDOW_CLOSE:
		if (drbd_state(res, &r) == 0 && drbd_is_primary(&r) && drbd_peer_is_primary(&r)) {
			snprintf(why, len, "both sides of %s are Primary: demote one first", res);
			return -EBUSY;
		}
		return drbd_set_two_primaries(res, false);
	case PEER_OP_PROMOTE:
		return drbd_promote(res, why, len);
	case PEER_OP_DEMOTE:
		return drbd_demote(res, why, len);
	case PEER_OP_VG_ACTIVATE:
		return lvm_activate(res, NULL);
	case PEER_OP_VG_DEACTIVATE:
		rc = lvm_deactivate(res, NULL);
		if (rc)
			snprintf(why, len, "deactivating VG %s failed", res);
		return rc;
	}
	snprintf(why, len, "unknown request %u", op);
	return -EOPNOTSUPP;
}

int storage_serve_request(struct transport *t, const struct peer_request *req)
{
	char res[PEER_NAME_MAX], why[PEER_WHY_MAX] = "";
	enum peer_op op = be32toh(req->op);
	int rc;

	snprintf(res, sizeof(res), "%.*s", (int)sizeof(req->res) - 1, req->res);
	if (!res[0] || strchr(res, '/')) {
		rc = -EINVAL;
		snprintf(why, sizeof(why), "bad resource name");
	} else {
		rc = serve_op(op, res, why, sizeof(why));
	}
	flog(FLOG_PEER, rc ? LOG_WARNING : LOG_INFO, "peer request %s %s: %s%s%s", op_name(op), res,
	       rc ? "refused" : "done", why[0] ? ": " : "", why);
	if (rc == 0 && nundo < UNDO_MAX &&
	    (op == PEER_OP_WINDOW_OPEN || op == PEER_OP_PROMOTE || op == PEER_OP_VG_ACTIVATE)) {
		undo[nundo].op = op;
		snprintf(undo[nundo].res, sizeof(undo[nundo].res), "%s", res);
		nundo++;
	}
	return peer_send_reply(t, PEER_MSG_REPLY, rc, why[0] ? why : rc ? strerror(-rc) : "");
}

void storage_serve_undo(bool domain_runs_here)
{
	char why[PEER_WHY_MAX];

	for (int i = nundo - 1; i >= 0; i--) {
		const char *res = undo[i].res;
		why[0] = '\0';
		switch (undo[i].op) {
		case PEER_OP_VG_ACTIVATE:
			if (!domain_runs_here)
				lvm_deactivate(res, NULL);
			break;
		case PEER_OP_PROMOTE:
			if (!domain_runs_here && drbd_demote(res, why, sizeof(why)))
				flog(FLOG_PEER, LOG_ERR, "undo: demoting %s failed: %s", res, why);
			break;
		case PEER_OP_WINDOW_OPEN:
			serve_op(PEER_OP_WINDOW_CLOSE, res, why, sizeof(why));
			break;
		default:
			break;
		}
	}
	nundo = 0;
}
