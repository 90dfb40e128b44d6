/* Storage requests served for a peer (see storage_serve.h), and the
 * journal that lets ferryd undo them when the serving process dies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flog.h"

#include "drbd.h"
#include "lvm.h"
#include "peer.h"
#include "storage_serve.h"
#include "xen.h"

#define UNDO_MAX 32

/* What this process changed, in order, for storage_serve_undo(). */
static struct {
	enum peer_op op;
	char res[PEER_NAME_MAX];
} undo[UNDO_MAX];
static int nundo;
static char journal[256];

void serve_journal_note(const char *what, const char *arg)
{
	FILE *f;

	if (!journal[0] || !(f = fopen(journal, "a")))
		return;
	fprintf(f, "%s %s\n", what, arg);
	fclose(f);
}

int serve_journal_open(void)
{
	mkdir("/run/ferry", 0755);
	mkdir(SERVE_JOURNAL_DIR, 0700);
	snprintf(journal, sizeof(journal), SERVE_JOURNAL_DIR "/%d.journal", (int)getpid());
	FILE *f = fopen(journal, "w");
	if (!f) {
		journal[0] = '\0';
		return -errno;
	}
	fclose(f);
	return 0;
}

void serve_journal_close(void)
{
	if (journal[0])
		unlink(journal);
	journal[0] = '\0';
}

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
	}
	snprintf(why, len, "unknown request %u", op);
	return -EOPNOTSUPP;
}

int storage_serve_request(enum peer_op op, const char *res, char *why, size_t len)
{
	int rc;

	if (!res[0] || strchr(res, '/')) {
		rc = -EINVAL;
		snprintf(why, len, "bad resource name");
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
		char what[16];
		snprintf(what, sizeof(what), "op%u", op);
		serve_journal_note(what, res);
	}
	return rc;
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

int serve_recover(const char *path)
{
	char line[256], incoming[PEER_NAME_MAX + 16] = "";
	bool committed = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	nundo = 0;
	while (fgets(line, sizeof(line), f)) {
		char what[32], arg[PEER_NAME_MAX + 16];
		unsigned op;
		if (sscanf(line, "%31s %79s", what, arg) != 2)
			continue;
		if (!strcmp(what, "incoming"))
			snprintf(incoming, sizeof(incoming), "%s", arg);
		else if (!strcmp(what, "committed"))
			committed = true;
		else if (sscanf(what, "op%u", &op) == 1 && nundo < UNDO_MAX) {
			undo[nundo].op = op;
			snprintf(undo[nundo].res, sizeof(undo[nundo].res), "%.*s",
				 (int)sizeof(undo[nundo].res) - 1, arg);
			nundo++;
		}
	}
	fclose(f);
	flog(FLOG_PEER, LOG_WARNING, "recovering after a peer server died (%s): %s%s", path,
	     incoming[0] ? incoming : "no domain received",
	     incoming[0] && !committed ? " was not committed: destroying it" : "");
	if (incoming[0] && !committed) {
		struct xen *x;
		uint32_t domid;
		if (xen_open(&x) == 0) {
			if (libxl_name_to_domid(xen_ctx(x), incoming, &domid) == 0)
				xen_destroy(x, domid);
			xen_close(x);
		}
	}
	storage_serve_undo(committed);
	unlink(path);
	return 0;
}
