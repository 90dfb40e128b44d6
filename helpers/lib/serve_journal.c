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

#include "ledger_lookup.h"
#include "nodemap.h"
#include "serve_journal.h"
#include "storage_serve.h"
#include "xen.h"

/* The verbs, the kind of name each takes, and the peer op of a step. */
static const struct {
	const char *word;
	enum name_kind kind;
	enum peer_op op; /* steps only */
} verbs[] = {
	[SERVE_J_INCOMING] = {"incoming", NAME_DOMAIN, 0},
	[SERVE_J_COMMITTED] = {"committed", NAME_DOMAIN, 0},
	[SERVE_J_WINDOW_OPEN] = {"window-open", NAME_DRBD, PEER_OP_WINDOW_OPEN},
	[SERVE_J_PROMOTE] = {"promote", NAME_DRBD, PEER_OP_PROMOTE},
	[SERVE_J_VG_ACTIVATE] = {"vg-activate", NAME_VG, PEER_OP_VG_ACTIVATE},
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))
/* The longest record: the longest verb, a blank, the longest name. */
#define LINE_MAX_BYTES 128

static char journal[256];

static int journal_write(const char *line, size_t n)
{
	int fd, rc = 0;

	if (!journal[0])
		return -EBADF;
	/* One write() of the whole record to an O_APPEND file: a reader
	 * sees it whole or not at all (a cut one has no newline). */
	fd = open(journal, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || write(fd, line, n) != (ssize_t)n)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	if (rc)
		flog(FLOG_PEER, LOG_ERR, "serve journal %s: %s", journal, strerror(-rc));
	return rc;
}

int serve_journal_open_in(const char *dir)
{
	char header[] = SERVE_JOURNAL_HEADER "\n";
	int fd;

	mkdir(dir, 0700);
	if (snprintf(journal, sizeof(journal), "%s/%d.journal", dir, (int)getpid()) >=
	    (int)sizeof(journal)) {
		journal[0] = '\0';
		return -ENAMETOOLONG;
	}
	fd = open(journal, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		int rc = -errno;
		journal[0] = '\0';
		return rc;
	}
	close(fd);
	return journal_write(header, sizeof(header) - 1);
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
	char line[LINE_MAX_BYTES + 1], why[400];
	int n;

	if ((unsigned)verb >= NVERBS)
		return -EINVAL;
	if (name_check(verbs[verb].kind, name, why, sizeof(why))) {
		flog(FLOG_PEER, LOG_ERR, "serve journal: not noting %s: %s", verbs[verb].word, why);
		return -EINVAL;
	}
	n = snprintf(line, sizeof(line), "%s %s\n", verbs[verb].word, name);
	if (n < 0 || (size_t)n > LINE_MAX_BYTES)
		return -ENAMETOOLONG;
	return journal_write(line, (size_t)n);
}

int serve_journal_note_op(enum peer_op op, const char *name)
{
	for (size_t v = 0; v < NVERBS; v++)
		if (verbs[v].op && verbs[v].op == op)
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

static void refused(struct serve_journal *j, unsigned line, const char *why,
		    serve_journal_refuse refuse, void *arg)
{
	j->refused++;
	if (refuse)
		refuse(line, why, arg);
}

/* One record: "VERB NAME", @n bytes without the newline. 0 or the reason. */
static const char *record(struct serve_journal *j, const char *p, size_t n, char *why,
			  size_t wlen)
{
	const char *sp = memchr(p, ' ', n);
	char name[LINE_MAX_BYTES + 1], nwhy[400];
	size_t vlen, nlen, v;

	if (n > LINE_MAX_BYTES)
		return "longer than any record";
	if (memchr(p, '\0', n))
		return "holds a NUL byte";
	if (!sp)
		return "not VERB NAME";
	vlen = (size_t)(sp - p);
	for (v = 0; v < NVERBS; v++)
		if (strlen(verbs[v].word) == vlen && !memcmp(p, verbs[v].word, vlen))
			break;
	if (v == NVERBS)
		return "unknown verb";
	nlen = n - vlen - 1;
	memcpy(name, sp + 1, nlen);
	name[nlen] = '\0';
	if (name_check(verbs[v].kind, name, nwhy, sizeof(nwhy))) {
		snprintf(why, wlen, "%s", nwhy);
		return why;
	}
	_Static_assert(NAME_DOMAIN_MAX < sizeof(j->incoming[0].name) &&
			       NAME_DRBD_MAX < sizeof(j->steps[0].name) &&
			       NAME_VG_MAX < sizeof(j->steps[0].name),
		       "journal buffers hold every name they take");
	switch ((enum serve_journal_verb)v) {
	case SERVE_J_INCOMING:
		if (j->nincoming == SERVE_JOURNAL_INCOMING_MAX)
			return "too many incoming domains";
		/* name_check() above: nlen fits every kind's buffer here. */
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
	default:
		if (j->nsteps == SERVE_JOURNAL_STEPS_MAX)
			return "too many storage steps";
		j->steps[j->nsteps].op = verbs[v].op;
		memcpy(j->steps[j->nsteps].name, name, nlen + 1);
		j->nsteps++;
		return NULL;
	}
}

int serve_journal_parse(const char *buf, size_t len, struct serve_journal *j,
			serve_journal_refuse refuse, void *arg)
{
	const size_t hlen = strlen(SERVE_JOURNAL_HEADER);
	const char *p = buf, *end = buf + len;
	unsigned line = 1;
	char why[400];

	memset(j, 0, sizeof(*j));
	if (len < hlen + 1 || memcmp(buf, SERVE_JOURNAL_HEADER, hlen) || buf[hlen] != '\n') {
		refused(j, 1, "no '" SERVE_JOURNAL_HEADER "' header: not a serve journal", refuse,
			arg);
		return -EINVAL;
	}
	for (p = buf + hlen + 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *bad;

		if (!nl) {
			refused(j, line + 1, "cut short (no newline)", refuse, arg);
			break;
		}
		bad = record(j, p, (size_t)(nl - p), why, sizeof(why));
		if (bad)
			refused(j, line + 1, bad, refuse, arg);
		p = nl + 1;
	}
	return 0;
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

int serve_recover(const char *path)
{
	const struct serve_recover_ops ops = {real_owned_here, real_destroy_incoming, real_undo,
					      NULL};
	struct serve_journal *j = malloc(sizeof(*j));
	char *buf = malloc(SERVE_JOURNAL_SIZE_MAX);
	size_t len = 0;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f || !j || !buf) {
		rc = f ? -ENOMEM : -errno;
		goto out;
	}
	len = fread(buf, 1, SERVE_JOURNAL_SIZE_MAX, f);
	if (ferror(f))
		rc = -EIO;
	else if (!feof(f) && fgetc(f) != EOF)
		flog(FLOG_PEER, LOG_ERR, "serve journal %s: longer than %d bytes, the rest is ignored",
		     path, SERVE_JOURNAL_SIZE_MAX);
	if (rc == 0 && serve_journal_parse(buf, len, j, log_refused, (void *)path) == 0) {
		flog(FLOG_PEER, LOG_WARNING, "recovering after a peer server died (%s): %d incoming, "
					     "%d storage steps",
		     path, j->nincoming, j->nsteps);
		serve_journal_apply(j, &ops);
	}
	unlink(path);
out:
	if (f)
		fclose(f);
	free(buf);
	free(j);
	return rc;
}
