/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /var/lib/ferry/migrations.log reader behind `ferryctl migrations`
 * (migrate_history_tail) on arbitrary bytes, and the writer's records
 * (migrate_history_format) built from arbitrary strings. Properties:
 *  - only valid records come out (one line of printable ASCII, {...});
 *  - the last N are the last N of all of them, oldest first;
 *  - any metrics, whatever their strings hold, format to exactly one
 *    record that the reader gives back unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What came out: every record's length and hash (records are compared by
 * these: copying each would cost more than the reading under test). */
#define KEEP 4096

struct seen {
	unsigned n;
	size_t len[KEEP];
	uint64_t hash[KEEP];
};

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 1099511628211ull;
	return h;
}

static void keep(const char *record, size_t len, void *arg)
{
	struct seen *s = arg;

	if (!migrate_history_record_valid(record, len) || memchr(record, '\n', len))
		abort();
	if (s->n < KEEP) {
		s->len[s->n] = len;
		s->hash[s->n] = fnv1a(record, len);
	}
	s->n++;
}

static int read_all(const uint8_t *data, size_t size, unsigned last, struct seen *s,
		    unsigned *skipped)
{
	/* fmemopen refuses an empty buffer (EINVAL): an empty file instead. */
	FILE *f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	int rc;

	if (!f)
		return -1;
	rc = migrate_history_tail(f, last, keep, s, skipped);
	fclose(f);
	return rc;
}

/* A string field from the input: up to @cap - 1 bytes, anything in them. */
static size_t take(const uint8_t **p, size_t *left, char *dst, size_t cap)
{
	size_t n = *left ? (*p)[0] % cap : 0;

	if (*left)
		(*p)++, (*left)--;
	if (n > *left)
		n = *left;
	memcpy(dst, *p, n);
	dst[n] = '\0';
	*p += n;
	*left -= n;
	return n;
}

static struct seen all, tail;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned skipped = 0, last;
	struct migrate_metrics m;
	char line[MIGRATE_HISTORY_LINE_MAX + 1];
	const uint8_t *p = data;
	size_t left = size;
	int n;

	if (size < 1)
		return 0;
	last = data[0] % 8;
	all.n = tail.n = 0;
	if (read_all(data + 1, size - 1, ~0u, &all, &skipped) == 0 &&
	    read_all(data + 1, size - 1, last, &tail, NULL) == 0) {
		unsigned want = all.n < last ? all.n : last;
		if (tail.n != want)
			abort();
		for (unsigned i = 0; i < tail.n && all.n <= KEEP; i++) {
			unsigned k = all.n - tail.n + i;
			if (tail.len[i] != all.len[k] || tail.hash[i] != all.hash[k])
				abort();
		}
	}

	/* The writer, from the same bytes: its record reads back as is. */
	memset(&m, 0, sizeof(m));
	take(&p, &left, m.domain, sizeof(m.domain));
	take(&p, &left, m.source, sizeof(m.source));
	take(&p, &left, m.target, sizeof(m.target));
	take(&p, &left, m.cipher, sizeof(m.cipher));
	take(&p, &left, m.why, sizeof(m.why));
	m.result = (enum migrate_result)(size % 4);
	m.live = size & 1;
	m.total_ms = (int64_t)size * 1000003;
	m.mib_per_s = (double)size / 3.0;
	n = migrate_history_format(&m, line, sizeof(line));
	if (n <= 0 || line[n - 1] != '\n' || !migrate_history_record_valid(line, (size_t)n - 1))
		abort();
	tail.n = 0;
	if (read_all((const uint8_t *)line, (size_t)n, 10, &tail, &skipped) || tail.n != 1 ||
	    skipped || tail.len[0] != (size_t)n - 1 || tail.hash[0] != fnv1a(line, (size_t)n - 1))
		abort();
	return 0;
}
