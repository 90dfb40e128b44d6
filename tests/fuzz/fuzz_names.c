/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * name_check on arbitrary bytes: whatever it accepts must survive a round
 * trip through every syntax ferry puts a name into, as one word:
 *  - an argv operand: no leading '-', no blank, nothing a shell or the
 *    agent's IFS=", \t" split or glob would touch;
 *  - the serve journal ("VERB NAME" lines) read back by its parser;
 *  - an events2 line (DRBD: "name:RES" among key:value words);
 *  - drbdadm's operand syntax (no RES/VOL, RES:PEER, all, minor-N);
 *  - lvm2's VG/LV as `ferryctl lvm` splits it;
 *  - the ledger's wire format (domains);
 *  - a JSON string in migrations.log, with nothing to escape.
 * And the field check never reads past its field.
 *
 * Input: byte 0 picks the kind; the rest is the name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drbd.h"
#include "migrate.h"
#include "names.h"
#include "serve_journal.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void journal_round_trip(const char *verb, const char *name)
{
	struct serve_journal *j = malloc(sizeof(*j));
	char text[256];
	int n = snprintf(text, sizeof(text), SERVE_JOURNAL_HEADER "\n%s %s\n", verb, name);

	if (!j)
		return;
	if (serve_journal_parse(text, (size_t)n, j, NULL, NULL) || j->refused)
		abort();
	if (!strcmp(verb, "incoming")) {
		if (j->nincoming != 1 || strcmp(j->incoming[0].name, name))
			abort();
	} else if (j->nsteps != 1 || strcmp(j->steps[0].name, name)) {
		abort();
	}
	free(j);
}

static void events_round_trip(const char *name)
{
	struct drbd_resource r;
	char line[256];

	snprintf(line, sizeof(line), "exists resource name:%s role:Primary suspended:no", name);
	memset(&r, 0, sizeof(r));
	if (drbd_events_line(line, name, &r) != 0 || !r.exists || strcmp(r.name, name) ||
	    strcmp(r.role, "Primary"))
		abort();
}

static void wire_round_trip(const char *name)
{
	struct wbuf b = {0};
	struct wire_msg m;

	if (wire_encode_domain_req(&b, WIRE_CLAIM, 0, 1, 2, name, 0, 0))
		abort();
	if (wire_decode(b.p, b.len, &m) || strcmp(m.name, name))
		abort();
	wbuf_free(&b);
}

static void json_round_trip(const char *name)
{
	struct migrate_metrics m;
	char line[MIGRATE_HISTORY_LINE_MAX + 1], want[128];

	memset(&m, 0, sizeof(m));
	snprintf(m.domain, sizeof(m.domain), "%s", name);
	snprintf(want, sizeof(want), "\"domain\": \"%s\",", name);
	if (migrate_history_format(&m, line, sizeof(line)) <= 0 || !strstr(line, want))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum name_kind kinds[] = {NAME_DOMAIN, NAME_DRBD, NAME_VG, NAME_LV, NAME_NODE};
	enum name_kind kind;
	char why[512], vg[NAME_LV_MAX + 1], lv[NAME_LV_MAX + 1], target[300];
	char *name, *field;
	size_t len;

	if (size < 1)
		return 0;
	kind = kinds[data[0] % 5];
	len = size - 1;

	/* The field check on an exact-size copy: ASan sees any over-read. */
	field = malloc(len ? len : 1);
	if (!field)
		return 0;
	memcpy(field, data + 1, len);
	if (len && !memchr(field, '\0', len) && name_check_field(kind, field, len, NULL, 0) == 0)
		abort(); /* no NUL within the field: never a name */
	(void)name_check_field(kind, field, len, why, sizeof(why));
	free(field);

	name = malloc(len + 1);
	if (!name)
		return 0;
	memcpy(name, data + 1, len);
	name[len] = '\0';
	why[0] = '\0';
	if (name_check(kind, name, why, sizeof(why))) {
		if (!why[0] || strchr(why, '\n') || strnlen(why, sizeof(why)) == sizeof(why))
			abort(); /* every refusal says why, on one line */
		free(name);
		return 0;
	}
	len = strlen(name);
	if (len == 0 || len > name_max(kind) || name[0] == '-')
		abort();
	/* One word, whatever splits it: blanks, the agent's IFS, a shell, a glob. */
	if (strcspn(name, " \t\n\r\v\f,;=/\\\"'`$*?[]{}()<>|&!~#") != len)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x21 || (unsigned char)name[i] > 0x7e)
			abort();

	switch (kind) {
	case NAME_DOMAIN:
		if (!strcmp(name, ".") || !strcmp(name, "..") || strspn(name, "0123456789") == len ||
		    strstr(name, "--incoming") || strstr(name, "--migratedaway"))
			abort();
		journal_round_trip("incoming", name);
		wire_round_trip(name);
		json_round_trip(name);
		break;
	case NAME_DRBD:
		if (strchr(name, ':') || !strcmp(name, "all") || !strncmp(name, "minor-", 6))
			abort();
		journal_round_trip("promote", name);
		events_round_trip(name);
		break;
	case NAME_VG:
		journal_round_trip("vg-activate", name);
		snprintf(target, sizeof(target), "%s/lv0", name);
		if (name_split_vg_lv(target, vg, lv, NULL, 0) || strcmp(vg, name) || strcmp(lv, "lv0"))
			abort();
		break;
	case NAME_LV:
		snprintf(target, sizeof(target), "vg0/%s", name);
		if (name_split_vg_lv(target, vg, lv, NULL, 0) || strcmp(vg, "vg0") || strcmp(lv, name))
			abort();
		break;
	case NAME_NODE:
		break;
	}
	free(name);
	return 0;
}
