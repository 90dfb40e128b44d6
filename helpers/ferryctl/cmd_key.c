/* ferryctl key: the cluster key that authenticates (and keys the TLS of)
 * every connection between nodes' ferry. The same file on every node. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "authkey.h"
#include "ferryctl.h"

static const char key_usage[] =
	"usage: ferryctl key generate [--force] [FILE]\n"
	"       ferryctl key check [FILE]\n"
	"  generate: 32 random bytes into FILE (default " FERRY_AUTHKEY_PATH "),\n"
	"            mode 0400, owner root; refuses to overwrite without --force.\n"
	"            Copy the file to every node (e.g. scp -p), as for corosync's authkey.\n"
	"  check:    FILE is a usable key (root-owned, no group/other access, 32..4096 bytes)\n"
	"exit codes: 0 ok, 1 error, 2 usage, 3 the key exists (generate without --force)\n";

int cmd_key(int argc, char **argv)
{
	const char *path = FERRY_AUTHKEY_PATH;
	bool force = false;
	int i = 2, rc;

	if (ferryctl_wants_help(argc, argv)) {
		printf("%s", key_usage);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "generate") && strcmp(argv[1], "check"))) {
		fprintf(stderr, "%s", key_usage);
		return FERRYCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "generate") && i < argc && !strcmp(argv[i], "--force")) {
		force = true;
		i++;
	}
	if (i < argc)
		path = argv[i++];
	if (i != argc) {
		fprintf(stderr, "%s", key_usage);
		return FERRYCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "check")) {
		struct authkey k;
		rc = authkey_load(path, &k);
		if (rc) {
			fprintf(stderr, "ferryctl: key %s is not usable: %s\n", path, strerror(-rc));
			return FERRYCTL_EXIT_ERROR;
		}
		authkey_clear(&k);
		printf("%s: ok\n", path);
		return 0;
	}
	rc = authkey_generate(path, force);
	if (rc == -EEXIST) {
		fprintf(stderr, "ferryctl: %s exists; --force replaces it (every node needs the "
				"same key)\n",
			path);
		return 3;
	}
	if (rc) {
		fprintf(stderr, "ferryctl: generating %s failed: %s\n", path, strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	printf("%s: new cluster key; copy it to every node\n", path);
	return 0;
}
