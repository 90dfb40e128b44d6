/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ledger_bench PAIRS PREFIX: claim then release PAIRS domains named
 * PREFIX-k through one IPC connection to the local ferryd, timing every
 * request from send to decision (each is one trip through CPG's agreed
 * order). Prints one line:
 *   requests=N p50_us=.. p99_us=.. max_us=.. elapsed_us=.. errors=..
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ledger_client.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int one(struct ledger_client *c, int op, const char *name, uint64_t *us)
{
	struct ferry_ipc_req req;
	struct ferry_ipc_reply reply;
	uint64_t t0;
	int rc;

	memset(&req, 0, sizeof(req));
	req.hdr.id = op;
	req.hdr.size = sizeof(req);
	req.version = FERRY_IPC_VERSION;
	req.timeout_ms = 10000;
	snprintf(req.name, sizeof(req.name), "%s", name);
	t0 = clock_us();
	rc = ledger_client_call(c, &req, &reply, sizeof(reply));
	*us = clock_us() - t0;
	return rc < 0 ? rc : reply.status;
}

int main(int argc, char **argv)
{
	struct ledger_client *c;
	uint64_t *lat, t0, elapsed;
	long pairs;
	size_t n = 0;
	int errors = 0, rc;
	char name[LEDGER_NAME_MAX + 1];

	if (argc != 3 || (pairs = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: ledger_bench PAIRS PREFIX\n");
		return 2;
	}
	lat = calloc((size_t)pairs * 2, sizeof(*lat));
	rc = ledger_client_open(&c);
	if (!lat || rc < 0) {
		fprintf(stderr, "ledger_bench: cannot reach ferryd: %s\n", strerror(-rc));
		return 1;
	}
	t0 = clock_us();
	for (long i = 0; i < pairs; i++) {
		snprintf(name, sizeof(name), "%s-%ld", argv[2], i);
		errors += one(c, FERRY_IPC_CLAIM, name, &lat[n++]) != 0;
		errors += one(c, FERRY_IPC_RELEASE, name, &lat[n++]) != 0;
	}
	elapsed = clock_us() - t0;
	ledger_client_close(c);
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("requests=%zu p50_us=%llu p99_us=%llu max_us=%llu elapsed_us=%llu errors=%d\n", n,
	       (unsigned long long)lat[n / 2], (unsigned long long)lat[(n * 99) / 100],
	       (unsigned long long)lat[n - 1], (unsigned long long)elapsed, errors);
	free(lat);
	return errors ? 1 : 0;
}
