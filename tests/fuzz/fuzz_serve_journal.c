/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The serve journal reader behind `ferryctl serve --recover` on arbitrary
 * bytes: serve_journal_parse(), then serve_journal_apply() with a FAKE
 * action table (the real one destroys Xen domains and demotes DRBD; here
 * the calls are only checked). Properties:
 *  - every name handed to an action is a valid name of its kind;
 *  - an incoming copy is destroyed only when the journal has no committed
 *    record for its name (and the "ledger" does not give it here), once;
 *  - storage steps are undone in reverse, each once;
 *  - what was kept, written back as records, reads back the same
 *    (the format is canonical: no line can be read two ways).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "serve_journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct calls {
	const struct serve_journal *j;
	int destroyed, undone;
	const char *gone[SERVE_JOURNAL_INCOMING_MAX];
};

static bool fake_owned_here(const char *domain, void *arg)
{
	(void)arg;
	if (name_check(NAME_DOMAIN, domain, NULL, 0))
		abort();
	return !strcmp(domain, "owned"); /* the fake ledger gives "owned" here */
}

static void fake_destroy(const char *domain, void *arg)
{
	struct calls *c = arg;
	bool listed = false;

	if (name_check(NAME_DOMAIN, domain, NULL, 0) || !strcmp(domain, "owned"))
		abort();
	for (int i = 0; i < c->j->nincoming; i++)
		if (!strcmp(c->j->incoming[i].name, domain)) {
			if (c->j->incoming[i].committed)
				abort();
			listed = true;
		}
	if (!listed || c->destroyed >= SERVE_JOURNAL_INCOMING_MAX)
		abort();
	for (int i = 0; i < c->destroyed; i++)
		if (!strcmp(c->gone[i], domain)) /* each copy destroyed once */
			abort();
	c->gone[c->destroyed++] = domain;
}

static void fake_undo(enum peer_op op, const char *name, bool runs_here, void *arg)
{
	struct calls *c = arg;
	int k = c->j->nsteps - 1 - c->undone; /* reverse order */

	(void)runs_here;
	if (k < 0 || c->j->steps[k].op != op || strcmp(c->j->steps[k].name, name) ||
	    name_check(op == PEER_OP_VG_ACTIVATE ? NAME_VG : NAME_DRBD, name, NULL, 0))
		abort();
	c->undone++;
}

static void no_newline(unsigned line, const char *why, void *arg)
{
	(void)line;
	(void)arg;
	if (strchr(why, '\n'))
		abort();
}

static const char *verb_of(enum peer_op op)
{
	return op == PEER_OP_WINDOW_OPEN ? "window-open" : op == PEER_OP_PROMOTE ? "promote"
										  : "vg-activate";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct serve_journal *j = malloc(sizeof(*j)), *again = malloc(sizeof(*again));
	struct calls c = {0};
	struct serve_recover_ops ops = {fake_owned_here, fake_destroy, fake_undo, NULL, &c};
	char *out = malloc(16384);
	size_t o;

	if (!j || !again || !out)
		goto done;
	if (serve_journal_parse((const char *)data, size, j, no_newline, NULL))
		goto done;
	if (j->nincoming > SERVE_JOURNAL_INCOMING_MAX || j->nsteps > SERVE_JOURNAL_STEPS_MAX)
		abort();
	c.j = j;
	serve_journal_apply(j, &ops);
	if (c.undone != j->nsteps || c.destroyed > j->nincoming)
		abort();

	/* Canonical: write what was kept, read it back. */
	o = (size_t)snprintf(out, 16384, SERVE_JOURNAL_HEADER "\n");
	for (int i = 0; i < j->nsteps; i++)
		o += (size_t)snprintf(out + o, 16384 - o, "%s %s\n", verb_of(j->steps[i].op),
				      j->steps[i].name);
	for (int i = 0; i < j->nincoming; i++) {
		o += (size_t)snprintf(out + o, 16384 - o, "incoming %s\n", j->incoming[i].name);
		if (j->incoming[i].committed)
			o += (size_t)snprintf(out + o, 16384 - o, "committed %s\n",
					      j->incoming[i].name);
	}
	if (serve_journal_parse(out, o, again, no_newline, NULL) || again->refused ||
	    again->nsteps != j->nsteps || again->nincoming != j->nincoming)
		abort();
	for (int i = 0; i < j->nsteps; i++)
		if (again->steps[i].op != j->steps[i].op ||
		    strcmp(again->steps[i].name, j->steps[i].name))
			abort();
	for (int i = 0; i < j->nincoming; i++)
		if (strcmp(again->incoming[i].name, j->incoming[i].name) ||
		    again->incoming[i].committed != j->incoming[i].committed)
			abort();
done:
	free(j);
	free(again);
	free(out);
	return 0;
}
