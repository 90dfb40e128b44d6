/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's pre-flight (migrate_preflight.c) on arbitrary bytes as the
 * offered libxl JSON: yajl parses what a peer sent, and the checks walk
 * whatever tree comes out. Paths are looked up below a root that does not
 * exist, so every check runs to its refusal without touching the machine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migrate_preflight.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = malloc(size + 1), why[512];
	int rc;

	if (!json)
		return 0;
	memcpy(json, data, size);
	json[size] = '\0'; /* the offer's decoder guarantees the NUL */
	rc = migrate_preflight_place(json, size & 1 ? "/etc/xen/x.cfg" : NULL,
				     size & 2 ? "vg0" : NULL, "/nonexistent-ferry-fuzz-root",
				     "fuzz", why, sizeof(why));
	/* 0, a missing piece or no libxl JSON, and always a reason. */
	if (rc != 0 && rc != -2 && rc != -22)
		abort();
	if (rc && !why[0])
		abort();
	free(json);
	return 0;
}
