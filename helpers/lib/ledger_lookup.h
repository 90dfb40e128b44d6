/* Reading one domain's record from the local ferryd. */
#ifndef FERRY_LEDGER_LOOKUP_H
#define FERRY_LEDGER_LOOKUP_H

#include <stdbool.h>

#include "ledger_client.h"

#define LEDGER_LOOKUP_TIMEOUT_MS 30000

/**
 * The record of domain @name. Returns 0 when ferryd answered (*found says
 * whether the ledger knows @name), or -errno as ledger_client_*.
 */
int ledger_lookup(const char *name, struct ledger_entry *e, bool *found);

#endif
