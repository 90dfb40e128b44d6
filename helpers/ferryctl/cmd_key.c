/* ferryctl key: the cluster key that authenticates (and keys the TLS of)
 * every connection between nodes' ferry, the same file on every node, and
 * the steps of rolling it over without downtime (authkey_rotate.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkey.h"
#include "ferryctl.h"
#include "nodemap.h"
#include "peer.h"

#define EXIT_EXISTS 3

static const char key_usage[] =
	"usage: ferryctl key generate [--force] [FILE]\n"
	"       ferryctl key check [FILE]\n"
	"       ferryctl key status [FILE]\n"
	"       ferryctl key next [FILE]\n"
	"       ferryctl key activate [FILE]\n"
	"       ferryctl key retire [FILE]\n"
	"       ferryctl key verify [--next] [FILE]\n"
	"  FILE defaults to " FERRY_AUTHKEY_PATH ".\n"
	"  generate: 32 random bytes into FILE, mode 0400, owner root; refuses to\n"
	"            overwrite without --force. Copy the file to every node (scp -p).\n"
	"  check:    FILE is a usable key: a regular file with one link, root-owned, no\n"
	"            group/other access, 32..4096 bytes, not of low quality (no repeats,\n"
	"            counters or few distinct bytes); prints its key id.\n"
	"  status:   the current, next and previous keys (FILE, FILE.next, FILE.prev)\n"
	"            with their ids. Every node accepts all three and connects with the\n"
	"            current one.\n"
	"  Rolling the key over without downtime:\n"
	"    1. next:     on one node: a new key in FILE.next; copy it to every node's\n"
	"                 FILE.next (scp -p)\n"
	"    2. verify --next: on each node: every other node accepts the next key\n"
	"    3. activate: on every node: FILE.next becomes current, the old current key\n"
	"                 stays accepted as FILE.prev\n"
	"    4. verify:   on each node: every other node accepts the new current key\n"
	"    5. retire:   on every node: FILE.prev goes\n"
	"  verify: connects to every other node of corosync's nodelist with the current\n"
	"          (or --next) key and pings it; one line per node.\n"
	"exit codes: 0 ok, 1 error, 2 usage, 3 the key exists (generate without --force,\n"
	"  next while FILE.next exists), 20 verify: some node did not accept the key\n";

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

static int key_check(const char *path)
{
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

static int key_status(const char *path)
{
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
static int key_verify(const char *path, bool next)
{
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

int cmd_key(int argc, char **argv)
{
	const char *path = FERRY_AUTHKEY_PATH, *cmd;
	bool force = false, next = false;
	int i = 2, rc;

	if (ferryctl_wants_help(argc, argv)) {
		printf("%s", key_usage);
		return 0;
	}
	if (argc < 2) {
		fprintf(stderr, "%s", key_usage);
		return FERRYCTL_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "generate") && i < argc && !strcmp(argv[i], "--force")) {
		force = true;
		i++;
	}
	if (!strcmp(cmd, "verify") && i < argc && !strcmp(argv[i], "--next")) {
		next = true;
		i++;
	}
	if (i < argc)
		path = argv[i++];
	if (i != argc) {
		fprintf(stderr, "%s", key_usage);
		return FERRYCTL_EXIT_USAGE;
	}
	if (!strcmp(cmd, "check"))
		return key_check(path);
	if (!strcmp(cmd, "status"))
		return key_status(path);
	if (!strcmp(cmd, "verify"))
		return key_verify(path, next);
	if (!strcmp(cmd, "generate")) {
		rc = authkey_generate(path, force);
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
	if (!strcmp(cmd, "next")) {
		char p[PATH_MAX];

		rc = authkey_rotate_next(path);
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
	if (!strcmp(cmd, "activate")) {
		rc = authkey_rotate_activate(path);
		if (rc) {
			fprintf(stderr, "ferryctl: activating the next key of %s failed: %s\n", path,
				rc == -ENOENT ? "there is no next key" : strerror(-rc));
			return FERRYCTL_EXIT_ERROR;
		}
		print_id(path, "now current, ");
		printf("the previous key stays accepted until 'ferryctl key retire'\n");
		return 0;
	}
	if (!strcmp(cmd, "retire")) {
		rc = authkey_rotate_retire(path);
		if (rc) {
			fprintf(stderr, "ferryctl: retiring the previous key of %s failed: %s\n", path,
				rc == -ENOENT ? "there is no previous key" : strerror(-rc));
			return FERRYCTL_EXIT_ERROR;
		}
		printf("%s: previous key retired\n", path);
		return 0;
	}
	fprintf(stderr, "%s", key_usage);
	return FERRYCTL_EXIT_USAGE;
}
