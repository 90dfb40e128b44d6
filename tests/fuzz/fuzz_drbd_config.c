/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `drbdadm dump-xml` through libxml2 (drbd_config_parse) on arbitrary
 * bytes, and `drbdsetup show` (drbd_show_two_primaries) on the same. What
 * comes out stays within bounds: at most DRBD_MAX_PEERS + 1 hosts, numbers
 * in DRBD's ranges, every string terminated, and host lookups safe.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "drbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	return 0;
}

#define TERMINATED(s) (strnlen((s), sizeof(s)) < sizeof(s))

static void check(const struct drbd_config *c)
{
	if (c->nhosts < 0 || c->nhosts > DRBD_MAX_PEERS + 1)
		abort();
	if (!TERMINATED(c->name) || !TERMINATED(c->protocol) || !TERMINATED(c->fencing) ||
	    !TERMINATED(c->after_sb_2pri))
		abort();
	for (int i = 0; i < c->nhosts; i++) {
		const struct drbd_host *h = &c->hosts[i];
		if (!TERMINATED(h->name) || !TERMINATED(h->address) || h->port < 0 ||
		    h->port > 65535 || h->nvolumes < 0 || h->nvolumes > DRBD_MAX_VOLUMES)
			abort();
		for (int k = 0; k < h->nvolumes; k++)
			if (!TERMINATED(h->volumes[k].device) || !TERMINATED(h->volumes[k].disk) ||
			    h->volumes[k].volume < 0 || h->volumes[k].volume > 65535 ||
			    h->volumes[k].minor < 0 || h->volumes[k].minor >= 1 << 20)
				abort();
		if (drbd_config_host(c, h->name) == NULL)
			abort();
	}
	(void)drbd_config_peer(c, "node1");
	(void)drbd_config_host(c, "node2");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"rec", "r0"};
	struct drbd_config *c = malloc(sizeof(*c));
	char *text;
	bool two;

	if (!c)
		return 0;
	/* One parse per input (libxml2 dominates the cost): the resource
	 * asked for follows the input's size, so both names are fuzzed. */
	const char *res = names[size % 2];
	int rc = drbd_config_parse((const char *)data, size, res, c);
	if (rc == 0 && strcmp(c->name, res))
		abort();
	check(c);
	text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
		(void)drbd_show_two_primaries(text, &two);
		free(text);
	}
	free(c);
	return 0;
}
