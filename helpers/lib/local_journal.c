/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The journal of a storage=local move (see local_journal.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flog.h"
#include "drbd_local.h"
#include "local_journal.h"

enum verb { V_DOMAIN, V_VG, V_LV, V_RES, V_SOURCE, V_TARGET, V_DONE, V_UNDONE, NVERBS };

static const struct journal_verb verbs[NVERBS] = {
	[V_DOMAIN] = {"domain", NAME_DOMAIN}, [V_VG] = {"vg", NAME_VG},
	[V_LV] = {"lv", NAME_LV},             [V_RES] = {"res", NAME_DRBD},
	[V_SOURCE] = {"source", NAME_NODE},   [V_TARGET] = {"target", NAME_NODE},
	[V_DONE] = {"done", JOURNAL_WORD},    [V_UNDONE] = {"undone", JOURNAL_WORD},
};

#define ALL_FIELDS ((1u << V_DONE) - 1)

struct parse {
	struct local_journal *j;
	unsigned fields; /* bit per verb of the move, given so far */
	uint32_t seen;   /* steps done at some point, undone or not */
	bool bad;        /* a rule broken: the journal is refused whole */
	journal_refuse_fn refuse;
	void *arg;
};

static char *field(struct local_move *m, enum verb v)
{
	switch (v) {
	case V_DOMAIN: return m->domain;
	case V_VG: return m->vg;
	case V_LV: return m->lv;
	case V_RES: return m->res;
	case V_SOURCE: return m->source;
	default: return m->target;
	}
}

static int step_of(const char *word)
{
	for (int s = 0; s < LOCAL_NSTEPS; s++)
		if (!strcmp(word, local_step_name((enum local_step)s)))
			return s;
	return -1;
}

static const char *broken(struct parse *p, const char *why)
{
	p->bad = true;
	return why;
}

static const char *record(void *obj, size_t v, const char *value)
{
	struct parse *p = obj;
	struct local_journal *j = p->j;
	int s;

	if (v < V_DONE) {
		if (p->seen)
			return broken(p, "the move described after a step");
		if (p->fields & (1u << v))
			return broken(p, "given twice");
		/* name_check() in journal_read: the value fits its field. */
		strcpy(field(&j->move, (enum verb)v), value);
		p->fields |= 1u << v;
		return NULL;
	}
	s = step_of(value);
	if (s < 0)
		return broken(p, "not a step of a storage=local move");
	if (p->fields != ALL_FIELDS)
		return broken(p, "a step before the move is described whole");
	if (v == V_DONE) {
		if (p->seen & local_bit((enum local_step)s))
			return broken(p, "a step done twice");
		p->seen |= local_bit((enum local_step)s);
		j->done |= local_bit((enum local_step)s);
		return NULL;
	}
	if (!(j->done & local_bit((enum local_step)s)))
		return broken(p, "an undo of a step not done (or undone twice)");
	j->done &= ~local_bit((enum local_step)s);
	j->undone |= local_bit((enum local_step)s);
	return NULL;
}

/* A record cut short is one whose write did not complete: as if not
 * written. Any other refused line is a record lost: the journal cannot be
 * trusted to say what was done. */
static void refused(unsigned line, const char *why, void *arg)
{
	struct parse *p = arg;

	if (why != journal_cut_short)
		p->bad = true;
	if (p->refuse)
		p->refuse(line, why, p->arg);
}

int local_journal_parse(const char *buf, size_t len, struct local_journal *j,
			journal_refuse_fn refuse, void *arg)
{
	struct parse p = {.j = j, .refuse = refuse, .arg = arg};
	struct journal_reader r = {
		.header = LOCAL_JOURNAL_HEADER,
		.verbs = verbs,
		.nverbs = NVERBS,
		.record = record,
		.obj = &p,
		.refuse = refused,
		.arg = &p,
	};
	int rc;

	_Static_assert(LOCAL_NSTEPS <= 32, "a step set fits in 32 bits");
	memset(j, 0, sizeof(*j));
	rc = journal_read(&r, buf, len);
	j->refused = r.refused;
	return rc ? rc : p.bad ? -EINVAL : 0;
}

int local_journal_path(const char *dir, const char *domain, char *path, size_t len)
{
	int n;

	if (name_check(NAME_DOMAIN, domain, NULL, 0))
		return -EINVAL;
	n = snprintf(path, len, "%s/%s.journal", dir, domain);
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

int local_journal_begin(const char *path, const struct local_move *m)
{
	struct local_move copy = *m;
	int rc = journal_create(path, LOCAL_JOURNAL_HEADER);

	for (int v = V_DOMAIN; rc == 0 && v < V_DONE; v++)
		rc = journal_append(path, &verbs[v], field(&copy, (enum verb)v));
	return rc;
}

int local_journal_note(const char *path, enum local_step step, bool undo)
{
	if (step >= LOCAL_NSTEPS)
		return -EINVAL;
	return journal_append(path, &verbs[undo ? V_UNDONE : V_DONE], local_step_name(step));
}

static void log_refused(unsigned line, const char *why, void *arg)
{
	flog(FLOG_RESOURCE, LOG_ERR, "local journal %s, line %u refused: %s", (const char *)arg,
	     line, why);
}

int local_journal_load(const char *path, struct local_journal *j)
{
	char *buf;
	size_t len;
	int rc = journal_load(path, LOCAL_JOURNAL_SIZE_MAX, &buf, &len);

	if (rc == 0)
		rc = local_journal_parse(buf, len, j, log_refused, (void *)path);
	free(buf);
	return rc;
}

int local_journal_of(const struct drbd_local_res *r, struct local_move *m, char *path, size_t len)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->domain, sizeof(m->domain), "%s", r->domain);
	snprintf(m->vg, sizeof(m->vg), "%s", r->vg);
	snprintf(m->lv, sizeof(m->lv), "%s", r->lv);
	snprintf(m->source, sizeof(m->source), "%s", r->end[0].node);
	snprintf(m->target, sizeof(m->target), "%s", r->end[1].node);
	if (drbd_local_name(r->slot, m->res, sizeof(m->res)))
		return -EINVAL;
	return local_journal_path(LOCAL_JOURNAL_DIR, r->domain, path, len);
}

static bool same_move(const struct local_move *a, const struct local_move *b)
{
	return !strcmp(a->domain, b->domain) && !strcmp(a->vg, b->vg) && !strcmp(a->lv, b->lv) &&
	       !strcmp(a->res, b->res) && !strcmp(a->source, b->source) &&
	       !strcmp(a->target, b->target);
}

int local_journal_start(const char *path, const struct local_move *m, uint32_t *adopted)
{
	struct local_journal j;
	int rc = local_journal_load(path, &j);

	*adopted = 0;
	if (rc == 0 && j.done) {
		/* The same move begun earlier (a pre-sync): carried on. */
		if (same_move(&j.move, m)) {
			*adopted = j.done;
			return 0;
		}
		return -EBUSY;
	}
	if (rc && rc != -ENOENT && rc != -EINVAL)
		return rc;
	mkdir("/var/lib/ferry", 0755);
	mkdir(LOCAL_JOURNAL_DIR, 0700);
	return local_journal_begin(path, m);
}
