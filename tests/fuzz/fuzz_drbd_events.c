/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `drbdsetup events2` output on arbitrary bytes, both ways ferry reads it:
 * a whole --now dump (drbd_events_parse) and a followed stream fed in
 * chunks cut anywhere (drbd_events_feed, as drbd_wait_synced does). The
 * state must stay within its bounds and every string terminated; the
 * health check must describe whatever came out.
 *
 * Input: byte 0 picks the resource name ("rec", or the first word of the
 * input) and seeds the chunk sizes; the rest is the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct drbd_resource *r)
{
	char why[256];

	if (r->npeers < 0 || r->npeers > DRBD_MAX_PEERS || r->nvolumes < 0 ||
	    r->nvolumes > DRBD_MAX_VOLUMES)
		abort();
	if (strnlen(r->name, sizeof(r->name)) == sizeof(r->name) ||
	    strnlen(r->role, sizeof(r->role)) == sizeof(r->role))
		abort();
	for (int i = 0; i < r->npeers; i++) {
		const struct drbd_peer *p = &r->peers[i];
		if (p->nvolumes < 0 || p->nvolumes > DRBD_MAX_VOLUMES ||
		    strnlen(p->name, sizeof(p->name)) == sizeof(p->name) ||
		    strnlen(p->connection, sizeof(p->connection)) == sizeof(p->connection) ||
		    strnlen(p->role, sizeof(p->role)) == sizeof(p->role))
			abort();
		for (int k = 0; k < p->nvolumes; k++)
			if (strnlen(p->volumes[k].replication, DRBD_WORD_MAX) == DRBD_WORD_MAX ||
			    strnlen(p->volumes[k].peer_disk, DRBD_WORD_MAX) == DRBD_WORD_MAX)
				abort();
	}
	for (int i = 0; i < r->nvolumes; i++)
		if (strnlen(r->volumes[i].disk, DRBD_WORD_MAX) == DRBD_WORD_MAX)
			abort();
	why[0] = 'x';
	if (!drbd_healthy(r, why, sizeof(why)) && (!why[0] || strnlen(why, sizeof(why)) == sizeof(why)))
		abort();
	(void)drbd_is_primary(r);
	(void)drbd_peer_is_primary(r);
	(void)drbd_local_uptodate(r);
}

static struct drbd_events_stream stream;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drbd_resource r;
	struct drbd_events_stream *s;
	char name[DRBD_NAME_MAX] = "rec";
	unsigned seed;
	char *text;

	if (size < 1)
		return 0;
	seed = data[0];
	data++;
	size--;
	if (seed & 1) { /* the first word of the input as the resource name */
		size_t n = 0;
		while (n < size && n < sizeof(name) - 1 && data[n] != ' ' && data[n] != '\n' && data[n])
			n++;
		memcpy(name, data, n);
		name[n] = '\0';
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (drbd_events_parse(text, name, &r) >= 0)
		check(&r);
	check(&r); /* also after a refusal: never half-written garbage */

	s = &stream;
	{
		size_t off = 0, step = (seed >> 1) + 1;
		drbd_events_stream_init(s, name, &r);
		while (off < size) {
			size_t n = size - off < step ? size - off : step;
			drbd_events_feed(s, (const char *)data + off, n);
			/* bounds after every chunk, the whole state at the end */
			if (r.npeers < 0 || r.npeers > DRBD_MAX_PEERS || r.nvolumes < 0 ||
			    r.nvolumes > DRBD_MAX_VOLUMES || s->used > DRBD_EVENTS_LINE_MAX)
				abort();
			off += n;
			step = step * 7 % 97 + 1; /* vary the cuts */
		}
		check(&r);
	}
	free(text);
	return 0;
}
