/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader of a storage=local move's journal (local_journal.c, over
 * journal.c) on arbitrary bytes; what recovery acts on after a crash.
 * Properties of a journal it accepts:
 *  - every step done or undone is a step of the plan, and none is both;
 *  - once a step is recorded, every name of the move is valid for its kind
 *    (they become lvm2 and drbdadm operands);
 *  - written back as records, it reads back the same, with nothing refused
 *    (the format is canonical: no line can be read two ways).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local_journal.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX 8192

static size_t emit(char *out, size_t o, const char *verb, const char *value)
{
	if (value[0])
		o += (size_t)snprintf(out + o, OUT_MAX - o, "%s %s\n", verb, value);
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct local_journal j, again;
	char *out;
	size_t o;
	const struct local_move *m = &j.move;

	if (local_journal_parse((const char *)data, size, &j, NULL, NULL))
		return 0;
	if (j.done & j.undone || (j.done | j.undone) >> LOCAL_NSTEPS)
		abort();
	if ((j.done | j.undone) &&
	    (name_check(NAME_DOMAIN, m->domain, NULL, 0) || name_check(NAME_VG, m->vg, NULL, 0) ||
	     name_check(NAME_LV, m->lv, NULL, 0) || name_check(NAME_DRBD, m->res, NULL, 0) ||
	     name_check(NAME_NODE, m->source, NULL, 0) || name_check(NAME_NODE, m->target, NULL, 0)))
		abort();
	out = malloc(OUT_MAX);
	if (!out)
		return 0;
	o = (size_t)snprintf(out, OUT_MAX, LOCAL_JOURNAL_HEADER "\n");
	o = emit(out, o, "domain", m->domain);
	o = emit(out, o, "vg", m->vg);
	o = emit(out, o, "lv", m->lv);
	o = emit(out, o, "res", m->res);
	o = emit(out, o, "source", m->source);
	o = emit(out, o, "target", m->target);
	for (int s = 0; s < LOCAL_NSTEPS; s++)
		if ((j.done | j.undone) & local_bit(s))
			o = emit(out, o, "done", local_step_name(s));
	for (int s = 0; s < LOCAL_NSTEPS; s++)
		if (j.undone & local_bit(s))
			o = emit(out, o, "undone", local_step_name(s));
	if (local_journal_parse(out, o, &again, NULL, NULL) || again.refused ||
	    again.done != j.done || again.undone != j.undone ||
	    memcmp(&again.move, &j.move, sizeof(j.move)))
		abort();
	free(out);
	return 0;
}
