/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writes the seed corpora of the harnesses (make fuzz-seeds): one valid
 * message of every wire type, a ledger.state file, and event scripts that
 * boot, sync, claim, restart and serve clients. Seeds only start a run;
 * libFuzzer mutates from there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ferry_ipc.h"
#include "ledger_state.h"
#include "wire.h"

static const char *top = "tests/fuzz/corpus";

static void put(const char *target, const char *name, const void *buf, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, target);
	mkdir(top, 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", top, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void put_wb(const char *target, const char *name, struct wbuf *b)
{
	if (wire_end(b) != 0 && b->err) {
		fprintf(stderr, "seed %s: encoding failed\n", name);
		exit(1);
	}
	put(target, name, b->p, b->len);
}

struct file {
	uint8_t buf[1 << 16];
	size_t len;
};

static int emit(void *ctx, const void *buf, size_t len)
{
	struct file *f = ctx;

	memcpy(f->buf + f->len, buf, len);
	f->len += len;
	return 0;
}

static void wire_seeds(void)
{
	struct wbuf b = { 0 };
	uint32_t nodes[3] = { 1, 2, 3 };
	struct wire_member refused[1] = { { 3, 300 } };
	struct ledger_entry e = { .name = "vm-1", .state = LEDGER_ORPHANED, .owner = 2,
				  .epoch = 4, .since_ms = 99 };
	struct ledger_node n = { .nodeid = 2, .dead = 1, .lost_gen = 3, .lost_at_ms = 7 };
	uint8_t boot[WIRE_BOOT_ID_LEN] = { 0xb0, 0x07 };
	static const enum wire_type dom[] = { WIRE_CLAIM, WIRE_RELEASE, WIRE_MIGRATE_BEGIN,
					      WIRE_MIGRATE_COMMIT, WIRE_MIGRATE_ABORT };
	char name[32];

	for (size_t i = 0; i < sizeof(dom) / sizeof(dom[0]); i++) {
		wire_encode_domain_req(&b, dom[i], WIRE_F_QUORATE, 104, i + 1, "web-1.example", 3, 2);
		snprintf(name, sizeof(name), "req-%s", wire_type_name(dom[i]));
		put_wb("wire_decode", name, &b);
	}
	wire_encode_node_req(&b, WIRE_FENCED, 0, 104, 9, 3, 2, 1700000000);
	put_wb("wire_decode", "fenced", &b);
	wire_encode_node_req(&b, WIRE_CONFIRM_DEAD, 0, 104, 9, 3, 2, 0);
	put_wb("wire_decode", "confirm-dead", &b);
	wire_encode_offer(&b, &(struct wire_offer){ .round = 0x1234, .has_state = 1,
						    .restored = 1, .authority = 104, .version = 77,
						    .nodes = nodes, .nnodes = 3, .refused = refused,
						    .nrefused = 1 });
	put_wb("wire_decode", "offer", &b);
	wire_encode_force(&b, 0x1234);
	put_wb("wire_decode", "force", &b);
	wire_list_begin(&b, WIRE_REPORT, 5, 0, 0);
	wire_add_name(&b, "a");
	wire_add_name(&b, "b.c");
	put_wb("wire_decode", "report", &b);
	wire_list_begin(&b, WIRE_SYNC_CHUNK, 0, 0x1234, 0);
	wire_add_domain(&b, &e);
	put_wb("wire_decode", "chunk", &b);
	wire_done_begin(&b, 0x1234, 1, 1, 77, 0, 2);
	wire_add_node(&b, &n);
	put_wb("wire_decode", "done", &b);
	wire_encode_state(&b, boot, 1, 77, 104);
	put_wb("wire_decode", "state", &b);
	wbuf_free(&b);
}

static void state_seed(void)
{
	static struct file f;
	struct ledger *l = ledger_new();
	struct ledger_entry e[] = {
		{ .name = "a", .state = LEDGER_RUNNING, .owner = 1, .epoch = 1 },
		{ .name = "b", .state = LEDGER_MIGRATING, .owner = 1, .peer = 2, .epoch = 2 },
		{ .name = "c", .state = LEDGER_ORPHANED, .owner = 3, .epoch = 1, .since_ms = 5 },
		{ .name = "d", .state = LEDGER_CONFLICT, .owner = 1, .peer = 2, .epoch = 1 },
		{ .name = "e", .state = LEDGER_FREE, .epoch = 6 },
	};
	struct ledger_node n[] = {
		{ .nodeid = 1, .member = 1 },
		{ .nodeid = 2, .member = 1 },
		{ .nodeid = 3, .lost_gen = 1, .lost_at_ms = 5 },
	};
	struct ledger_state_meta m = { .boot_id = { 0xb0, 0x07 }, .nodeid = 1, .version = 40,
				       .authority = 104 };
	struct wbuf b = { 0 };

	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		ledger_put(l, &e[i]);
	for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		ledger_node_put(l, &n[i]);
	f.buf[0] = 0x80; /* fuzz_replica: the rest is a ledger.state file */
	f.len = 1;
	ledger_state_write(l, &m, &b, emit, &f);
	put("replica", "ledger-state", f.buf, f.len);
	ledger_free(l);
	wbuf_free(&b);
}

static void script_seeds(void)
{
	/* fuzz_replica: boot three (0 k q how), deliver, claim, restart one
	 * restored, stop all and restart all restored */
	static const uint8_t boot[] = { 0, 0, 7, 0, 0, 1, 7, 0, 0, 2, 7, 0, 2, 15, 2, 15, 2, 15,
					7, 0, 0, 0, 2, 15, 2, 15 };
	static const uint8_t restart[] = { 0, 0, 7, 0, 0, 1, 7, 0, 0, 2, 7, 0, 2, 15, 2, 15, 2, 15,
					   7, 1, 0, 1, 2, 15, 0, 1, 7, 0, 1, 7, 1, 2, 15, 2, 15,
					   2, 15, 0, 0, 7, 0, 0, 1, 7, 0, 0, 2, 7, 0, 0, 0, 7, 1,
					   0, 1, 7, 1, 0, 2, 7, 1, 2, 15, 2, 15, 2, 15, 2, 15 };
	static const uint8_t forged[] = { 0, 0, 7, 0, 0, 1, 7, 0, 1, 3, 33, 3, 0, 0, 2, 15, 3,
					  4, 2, 1, 0, 6, 0, 2, 15, 5, 255, 2, 15 };
	/* fuzz_ledger: op who dt [q sel node epoch ...] */
	static const uint8_t ledger[] = { 0, 0, 1, 1, 0, 1, 0, 11, 1, 1, 1, 0, 1, 0, 8, 2, 1,
					  11, 2, 1, 1, 0, 1, 0, 9, 1, 5, 1, 0, 1, 1, 0, 1, 0, 6,
					  2, 1, 1, 0, 2, 0, 0, 2, 1, 1, 0, 1, 0 };
	/* fuzz_ipc: connect never-reading, show; connect good, claims, pump */
	static const uint8_t ipc[] = { 0x00, 0, 0x01, 0, 0x07, 0x05, 0x10, 2, 0x11, 0, 0x01,
				       0, 0, 0, 0x12, 0, 0x02, 0, 0, 0, 0x04, 0x13, 0x05 };

	put("replica", "boot", boot, sizeof(boot));
	put("replica", "restart", restart, sizeof(restart));
	put("replica", "forged", forged, sizeof(forged));
	put("ledger", "script", ledger, sizeof(ledger));
	put("ipc", "clients", ipc, sizeof(ipc));
}

int main(void)
{
	wire_seeds();
	state_seed();
	script_seeds();
	return 0;
}
