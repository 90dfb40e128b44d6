/* ferryctl key: the cluster key that authenticates (and keys the TLS of)
 * every connection between nodes' ferry, the same file on every node, and
 * the steps of rolling it over without downtime (authkey_rotate.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkey.h"
#include "command.h"
#include "ferryctl.h"
#include "nodemap.h"
#include "peer.h"

#define EXIT_EXISTS 3

static void print_id(const char *path, const char *what)
{
	struct authkey k;
	char id[AUTHKEY_ID_LEN + 1];

	if (authkey_load(path, &k) == 0) {
		authkey_id(&k, id);
		printf("%s: %skey id %s\n", path, what, id);
		authkey_clear(&k);
	}
}

static const char *path_of(const struct cmd_args *a)
{
	return a->argc ? a->argv[0] : FERRY_AUTHKEY_PATH;
}

static int key_check(struct cmd_args *a)
{
	const char *path = path_of(a);
	struct authkey k;
	char id[AUTHKEY_ID_LEN + 1];
	int rc = authkey_load(path, &k);

	if (rc) {
		fprintf(stderr, "ferryctl: key %s is not usable: %s\n", path,
			rc == -EKEYREJECTED ? "a key of low quality" : strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	authkey_id(&k, id);
	authkey_clear(&k);
	printf("%s: ok, key id %s\n", path, id);
	return 0;
}

static int key_status(struct cmd_args *a)
{
	const char *path = path_of(a);
	struct authkey_ring r;
	char p[PATH_MAX];
	int rc = authkey_ring_load(path, &r);

	if (rc) {
		fprintf(stderr, "ferryctl: key %s is not usable: %s\n", path, strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	for (int s = 0; s < AUTHKEY_SLOTS; s++) {
		authkey_slot_path(path, s, p, sizeof(p));
		if (r.have[s])
			printf("%-8s %s  %s\n", authkey_slot_name(s), r.id[s], p);
		else
			printf("%-8s %-16s  %s\n", authkey_slot_name(s), "-", p);
	}
	printf("stage: %s\n", r.have[AUTHKEY_NEXT] ? "rollover step 1-2: the next key is being "
		"distributed (then: verify --next, activate)" :
		r.have[AUTHKEY_PREVIOUS] ? "rollover step 3-4: activated here, the previous key is "
		"still accepted (then: verify, retire)" : "one key, no rollover in progress");
	authkey_ring_clear(&r);
	return 0;
}

/* Pings every other node of the nodelist with the chosen key. */
static int key_verify(struct cmd_args *a)
{
	const char *path = path_of(a);
	bool next = cmd_has(a, "next");
	struct peer_opts po;
	struct nodemap m;
	uint32_t self = 0;
	int failed = 0, tried = 0;

	if (nodemap_load(&m)) {
		fprintf(stderr, "ferryctl: key verify needs corosync's nodelist (is corosync "
				"running?)\n");
		return FERRYCTL_EXIT_ERROR;
	}
	nodemap_self(&m, &self);
	peer_opts_init(&po);
	po.keyfile = path;
	po.key = next ? AUTHKEY_NEXT : AUTHKEY_CURRENT;
	for (size_t i = 0; i < m.n; i++) {
		if (!m.v[i].nodeid || m.v[i].nodeid == self || !m.v[i].name[0])
			continue;
		tried++;
		if (peer_ping_node(m.v[i].name, &po, 1, true))
			failed++;
	}
	nodemap_free(&m);
	printf("verify: %d of %d nodes accept the %s key\n", tried - failed, tried,
	       next ? "next" : "current");
	return failed ? FERRYCTL_EXIT_REFUSED : 0;
}

static int key_generate(struct cmd_args *a)
{
	const char *path = path_of(a);
	int rc = authkey_generate(path, cmd_has(a, "force"));

	if (rc == -EEXIST) {
		fprintf(stderr, "ferryctl: %s exists; --force replaces it (every node needs "
				"the same key; to change the key of a running cluster, roll "
				"it over: ferryctl key --help)\n", path);
		return EXIT_EXISTS;
	}
	if (rc) {
		fprintf(stderr, "ferryctl: generating %s failed: %s\n", path, strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	print_id(path, "new cluster key, copy it to every node; ");
	return 0;
}

static int key_next(struct cmd_args *a)
{
	const char *path = path_of(a);
	char p[PATH_MAX];
	int rc = authkey_rotate_next(path);

	authkey_slot_path(path, AUTHKEY_NEXT, p, sizeof(p));
	if (rc == -EEXIST) {
		fprintf(stderr, "ferryctl: %s exists: a rollover is in progress (ferryctl key "
				"status)\n", p);
		return EXIT_EXISTS;
	}
	if (rc) {
		fprintf(stderr, "ferryctl: %s: %s\n", p, strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	print_id(p, "next ");
	printf("copy it to %s on every node (scp -p), then run 'ferryctl key verify "
	       "--next' on each node\n", p);
	return 0;
}

static int key_activate(struct cmd_args *a)
{
	const char *path = path_of(a);
	int rc = authkey_rotate_activate(path);

	if (rc) {
		fprintf(stderr, "ferryctl: activating the next key of %s failed: %s\n", path,
			rc == -ENOENT ? "there is no next key" : strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	print_id(path, "now current, ");
	printf("the previous key stays accepted until 'ferryctl key retire'\n");
	return 0;
}

static int key_retire(struct cmd_args *a)
{
	const char *path = path_of(a);
	int rc = authkey_rotate_retire(path);

	if (rc) {
		fprintf(stderr, "ferryctl: retiring the previous key of %s failed: %s\n", path,
			rc == -ENOENT ? "there is no previous key" : strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	printf("%s: previous key retired\n", path);
	return 0;
}

static const struct cmd_option generate_opts[] = {
	{"force", 0, CMD_FLAG, .help = "replace an existing key"},
	{NULL},
};
static const struct cmd_option verify_opts[] = {
	{"next", 0, CMD_FLAG, .help = "with the next key (FILE.next) instead of the current one"},
	{NULL},
};

static const struct cmd_entry entries[] = {
	{"generate", "[FILE]", "a new cluster key",
	 "  32 random bytes into FILE, mode 0400, owner root; refuses to overwrite\n"
	 "  without --force. Copy the file to every node (scp -p).\n",
	 generate_opts, key_generate},
	{"check", "[FILE]", "is FILE a usable key",
	 "  A regular file with one link, root-owned, no group/other access, 32..4096\n"
	 "  bytes, not of low quality (no repeats, counters or few distinct bytes);\n"
	 "  prints its key id.\n",
	 NULL, key_check},
	{"status", "[FILE]", "the current, next and previous keys with their ids",
	 "  FILE, FILE.next and FILE.prev. Every node accepts all three and connects\n"
	 "  with the current one.\n",
	 NULL, key_status},
	{"next", "[FILE]", "rollover step 1: a new key in FILE.next",
	 "  Copy it to every node's FILE.next (scp -p).\n", NULL, key_next},
	{"verify", "[FILE]", "rollover steps 2 and 4: does every other node accept the key",
	 "  Connects to every other node of corosync's nodelist with the current (or\n"
	 "  --next) key and pings it; one line per node.\n",
	 verify_opts, key_verify},
	{"activate", "[FILE]", "rollover step 3: FILE.next becomes current",
	 "  The old current key stays accepted as FILE.prev.\n", NULL, key_activate},
	{"retire", "[FILE]", "rollover step 5: FILE.prev goes", NULL, NULL, key_retire},
};

const struct cmd_group key_group = {
	.name = "key",
	.summary = "the cluster key: generate, check, roll over without downtime",
	.entries = entries,
	.n = sizeof(entries) / sizeof(entries[0]),
	.help = "FILE defaults to " FERRY_AUTHKEY_PATH ".\n"
		"Rolling the key over without downtime:\n"
		"  1. next:     on one node: a new key in FILE.next; copy it to every node's\n"
		"               FILE.next (scp -p)\n"
		"  2. verify --next: on each node: every other node accepts the next key\n"
		"  3. activate: on every node: FILE.next becomes current, the old current key\n"
		"               stays accepted as FILE.prev\n"
		"  4. verify:   on each node: every other node accepts the new current key\n"
		"  5. retire:   on every node: FILE.prev goes\n",
	.exits = "exit codes: 0 ok, 1 error, 2 usage, 3 the key exists (generate without\n"
		 "--force, next while FILE.next exists), 20 verify: some node did not accept\n"
		 "the key\n",
};
