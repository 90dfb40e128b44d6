/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The serve journal (see serve_journal.h): written by `ferryctl serve`,
 * read back and acted on by `ferryctl serve --recover`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flog.h"

#include "journal.h"
#include "ledger_lookup.h"
#include "local_recover.h"
#include "nodemap.h"
#include "serve_journal.h"
#include "storage_serve.h"
#include "xen.h"

/* The verbs and the kind of name each takes, and the peer op of a step. */
static const struct journal_verb verbs[] = {
	[SERVE_J_INCOMING] = {"incoming", NAME_DOMAIN},
	[SERVE_J_COMMITTED] = {"committed", NAME_DOMAIN},
	[SERVE_J_WINDOW_OPEN] = {"window-open", NAME_DRBD},
	[SERVE_J_PROMOTE] = {"promote", NAME_DRBD},
	[SERVE_J_VG_ACTIVATE] = {"vg-activate", NAME_VG},
	[SERVE_J_LOCAL] = {"local", NAME_DOMAIN},
};
static const enum peer_op verb_op[] = {
	[SERVE_J_WINDOW_OPEN] = PEER_OP_WINDOW_OPEN,
	[SERVE_J_PROMOTE] = PEER_OP_PROMOTE,
	[SERVE_J_VG_ACTIVATE] = PEER_OP_VG_ACTIVATE,
	[SERVE_J_LOCAL] = 0, /* its own journal says what to undo */
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))
_Static_assert(sizeof(verb_op) / sizeof(verb_op[0]) == NVERBS, "a peer op for every verb");

static char journal[256];

int serve_journal_open_in(const char *dir)
{
	int rc;

	mkdir(dir, 0700);
	if (snprintf(journal, sizeof(journal), "%s/%d.journal", dir, (int)getpid()) >=
	    (int)sizeof(journal)) {
		journal[0] = '\0';
		return -ENAMETOOLONG;
	}
	rc = journal_create(journal, SERVE_JOURNAL_HEADER);
	if (rc) {
		flog(FLOG_PEER, LOG_ERR, "serve journal %s: %s", journal, strerror(-rc));
		journal[0] = '\0';
	}
	return rc;
}

int serve_journal_open(void)
{
	mkdir("/run/ferry", 0755);
	return serve_journal_open_in(SERVE_JOURNAL_DIR);
}

const char *serve_journal_path(void)
{
	return journal[0] ? journal : NULL;
}

int serve_journal_note(enum serve_journal_verb verb, const char *name)
{
	if ((unsigned)verb >= NVERBS)
		return -EINVAL;
	if (!journal[0])
		return -EBADF;
	return journal_append(journal, &verbs[verb], name);
}

int serve_journal_note_op(enum peer_op op, const char *name)
{
	for (size_t v = 0; v < NVERBS; v++)
		if (verb_op[v] && verb_op[v] == op)
			return serve_journal_note((enum serve_journal_verb)v, name);
	return -EINVAL;
}

void serve_journal_close(void)
{
	if (journal[0])
		unlink(journal);
	journal[0] = '\0';
}

/* ---- reading it back ---------------------------------------------------- */

/* One well-formed record (journal.c checked the verb and the name). */
static const char *record(void *obj, size_t v, const char *name)
{
	struct serve_journal *j = obj;
	size_t nlen = strlen(name);

	_Static_assert(NAME_DOMAIN_MAX < sizeof(j->incoming[0].name) &&
			       NAME_DRBD_MAX < sizeof(j->steps[0].name) &&
			       NAME_VG_MAX < sizeof(j->steps[0].name),
		       "journal buffers hold every name they take");
	switch ((enum serve_journal_verb)v) {
	case SERVE_J_INCOMING:
		if (j->nincoming == SERVE_JOURNAL_INCOMING_MAX)
			return "too many incoming domains";
		/* name_check(): nlen fits every kind's buffer here. */
		memcpy(j->incoming[j->nincoming].name, name, nlen + 1);
		j->incoming[j->nincoming++].committed = false;
		return NULL;
	case SERVE_J_COMMITTED:
		for (int i = j->nincoming - 1; i >= 0; i--)
			if (!strcmp(j->incoming[i].name, name)) {
				j->incoming[i].committed = true;
				return NULL;
			}
		return "committed without its incoming record";
	case SERVE_J_LOCAL:
		if (j->nlocal == SERVE_JOURNAL_LOCAL_MAX)
			return "too many storage=local moves";
		memcpy(j->local[j->nlocal++], name, nlen + 1);
		return NULL;
	default:
		if (j->nsteps == SERVE_JOURNAL_STEPS_MAX)
			return "too many storage steps";
		j->steps[j->nsteps].op = verb_op[v];
		memcpy(j->steps[j->nsteps].name, name, nlen + 1);
		j->nsteps++;
		return NULL;
	}
}

int serve_journal_parse(const char *buf, size_t len, struct serve_journal *j,
			serve_journal_refuse refuse, void *arg)
{
	struct journal_reader r = {
		.header = SERVE_JOURNAL_HEADER,
		.verbs = verbs,
		.nverbs = NVERBS,
		.record = record,
		.obj = j,
		.refuse = refuse,
		.arg = arg,
	};
	int rc;

	memset(j, 0, sizeof(*j));
	rc = journal_read(&r, buf, len);
	j->refused = r.refused;
	return rc;
}

/* Is @name committed in any incoming record (a conversation can receive
 * the same name twice: one commit keeps every copy of that name)? */
static bool committed(const struct serve_journal *j, const char *name)
{
	for (int i = 0; i < j->nincoming; i++)
		if (j->incoming[i].committed && !strcmp(j->incoming[i].name, name))
			return true;
	return false;
}

static bool seen_before(const struct serve_journal *j, int i)
{
	for (int k = 0; k < i; k++)
		if (!strcmp(j->incoming[k].name, j->incoming[i].name))
			return true;
	return false;
}

void serve_journal_apply(const struct serve_journal *j, const struct serve_recover_ops *ops)
{
	bool runs_here = false;

	for (int i = 0; i < j->nincoming; i++) {
		const char *name = j->incoming[i].name;

		if (seen_before(j, i))
			continue;
		if (committed(j, name)) {
			runs_here = true;
			continue;
		}
		if (ops->owned_here(name, ops->arg)) {
			flog(FLOG_PEER, LOG_CRIT, "recovery: %s was committed to this node in the "
						  "ledger but the journal missed it: its incoming "
						  "copy is kept",
			     name);
			runs_here = true;
			continue;
		}
		flog(FLOG_PEER, LOG_WARNING, "recovery: %s was not committed: destroying %s%s", name,
		     name, XEN_INCOMING_SUFFIX);
		ops->destroy_incoming(name, ops->arg);
	}
	for (int i = j->nsteps - 1; i >= 0; i--)
		ops->undo(j->steps[i].op, j->steps[i].name, runs_here, ops->arg);
	for (int i = 0; ops->local && i < j->nlocal; i++)
		ops->local(j->local[i], ops->arg);
}

/* ---- the real actions ------------------------------------------------- */

static bool real_owned_here(const char *domain, void *arg)
{
	const struct nodemap *m = nodemap_once();
	struct ledger_entry e;
	uint32_t self = 0;
	bool found = false;

	(void)arg;
	if (m)
		nodemap_self(m, &self);
	return self && ledger_lookup(domain, &e, &found) == 0 && found &&
	       e.state == LEDGER_RUNNING && e.owner == self;
}

static void real_destroy_incoming(const char *domain, void *arg)
{
	char incoming[NAME_DOMAIN_MAX + sizeof(XEN_INCOMING_SUFFIX)];
	struct xen *x;
	uint32_t domid;

	(void)arg;
	snprintf(incoming, sizeof(incoming), "%s%s", domain, XEN_INCOMING_SUFFIX);
	if (xen_open(&x))
		return;
	if (libxl_name_to_domid(xen_ctx(x), incoming, &domid) == 0)
		xen_destroy(x, domid);
	xen_close(x);
}

static void real_undo(enum peer_op op, const char *name, bool domain_runs_here, void *arg)
{
	(void)arg;
	storage_serve_undo_step(op, name, domain_runs_here);
}

static void log_refused(unsigned line, const char *why, void *arg)
{
	flog(FLOG_PEER, LOG_ERR, "serve journal %s, line %u refused: %s", (const char *)arg, line,
	     why);
}

static void real_local(const char *domain, void *arg)
{
	char why[512];

	(void)arg;
	if (local_recover(domain, why, sizeof(why)))
		flog(FLOG_PEER, LOG_CRIT, "recovery: the storage=local move of %s: %s", domain, why);
}

int serve_recover(const char *path)
{
	const struct serve_recover_ops ops = {real_owned_here, real_destroy_incoming, real_undo,
					      real_local, NULL};
	struct serve_journal *j = malloc(sizeof(*j));
	char *buf = NULL;
	size_t len = 0;
	int rc = j ? journal_load(path, SERVE_JOURNAL_SIZE_MAX, &buf, &len) : -ENOMEM;

	if (rc == 0 && serve_journal_parse(buf, len, j, log_refused, (void *)path) == 0) {
		flog(FLOG_PEER, LOG_WARNING, "recovering after a peer server died (%s): %d incoming, "
					     "%d storage steps",
		     path, j->nincoming, j->nsteps);
		serve_journal_apply(j, &ops);
	}
	if (rc != -ENOMEM)
		unlink(path);
	free(buf);
	free(j);
	return rc;
}
