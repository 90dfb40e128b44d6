/* One domain's record, as ferryd's ledger has it (ferryctl and the
 * agent's choreography read; they never decide from it alone). */
#include <string.h>

#include "ledger_lookup.h"

struct find_arg {
	const char *name;
	struct ledger_entry e;
	bool found;
};

static int find_cb(const struct ledger_entry *e, uint64_t now, void *arg)
{
	struct find_arg *a = arg;

	(void)now;
	if (strcmp(e->name, a->name))
		return 0;
	a->e = *e;
	a->found = true;
	return 1;
}

int ledger_lookup(const char *name, struct ledger_entry *e, bool *found)
{
	struct find_arg a = {.name = name};
	int st, rc = ledger_client_show(find_cb, &a, LEDGER_LOOKUP_TIMEOUT_MS, &st);

	*found = a.found;
	if (a.found)
		*e = a.e;
	return rc;
}
