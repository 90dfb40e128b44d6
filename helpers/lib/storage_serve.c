/* Storage requests served for a peer (see storage_serve.h), and their undo
 * (the journal that lets ferryd undo them when the serving process dies is
 * serve_journal.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flog.h"

#include "drbd.h"
#include "lvm.h"
#include "names.h"
#include "peer.h"
#include "serve_journal.h"
#include "storage_serve.h"
#include "xen.h"

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
	case PEER_OP_OUTDATE:
		return "outdate";
	}
	return "unknown";
}

static int serve_op(enum peer_op op, const char *res, char *why, size_t len)
{
	int rc;

	switch (op) {
	case PEER_OP_WINDOW_OPEN:
	case PEER_OP_WINDOW_CLOSE:
		return drbd_window_set(res, op == PEER_OP_WINDOW_OPEN, why, len);
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
	case PEER_OP_OUTDATE:
		return drbd_outdate(res, why, len);
	}
	snprintf(why, len, "unknown request %u", op);
	return -EOPNOTSUPP;
}

int storage_serve_request(enum peer_op op, const char *res, char *why, size_t len)
{
	int rc;

	/* The peer's name enters ferry here: a DRBD resource, or a VG for the
	 * VG requests, checked before anything runs. */
	if (name_check(op == PEER_OP_VG_ACTIVATE || op == PEER_OP_VG_DEACTIVATE ? NAME_VG : NAME_DRBD,
		       res, why, len)) {
		rc = -EINVAL;
		res = "(refused name)"; /* not logged as sent */
	} else {
		rc = serve_op(op, res, why, len);
	}
	flog(FLOG_PEER, rc ? LOG_WARNING : LOG_INFO, "peer request %s %s: %s%s%s", op_name(op), res,
	     rc ? "refused" : "done", why[0] ? ": " : "", why);
	if (rc == 0 && nundo < UNDO_MAX &&
	    (op == PEER_OP_WINDOW_OPEN || op == PEER_OP_PROMOTE || op == PEER_OP_VG_ACTIVATE)) {
		undo[nundo].op = op;
		snprintf(undo[nundo].res, sizeof(undo[nundo].res), "%s", res);
		nundo++;
		serve_journal_note_op(op, res);
	}
	return rc;
}

void storage_serve_undo_step(enum peer_op op, const char *res, bool domain_runs_here)
{
	char why[PEER_WHY_MAX] = "";

	switch (op) {
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

void storage_serve_undo(bool domain_runs_here)
{
	for (int i = nundo - 1; i >= 0; i--)
		storage_serve_undo_step(undo[i].op, undo[i].res, domain_runs_here);
	nundo = 0;
}
