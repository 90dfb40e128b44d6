/* ferryctl peer: talk to another node's ferryd over the authenticated
 * migration transport. `peer ping` is the cheapest complete round trip
 * (hello, mutual authentication bound to both node names, HELLO, one
 * no-op request): what an administrator runs to see that a node is
 * reachable and holds the same cluster key, and what `key verify` runs
 * against every node. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "command.h"
#include "ferryctl.h"
#include "nodemap.h"
#include "peer.h"

int peer_ping_node(const char *node, const struct peer_opts *po, int count, bool quiet)
{
	struct transport_stats ts;
	int64_t t0 = clock_us();
	struct peer *p;
	char why[PEER_WHY_MAX];
	double connect_ms;
	int rc;

	rc = peer_connect(node, po, &p, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "ferryctl: peer %s: %s\n", node, why);
		return FERRYCTL_EXIT_REFUSED;
	}
	connect_ms = (double)(clock_us() - t0) / 1e3;
	transport_stats(p->t, &ts);
	printf("%s (%s): %s %s%s, key %s: connect %.1f ms", p->node, p->addr,
	       ts.encrypted ? "encrypted" : "integrity only", ts.cipher,
	       ts.encrypted ? "" : "/HMAC-SHA256", ts.key_id, connect_ms);
	for (int i = 0; i < count; i++) {
		int64_t rtt;

		rc = peer_ping(p, &rtt, why, sizeof(why));
		if (rc) {
			printf("\n");
			fprintf(stderr, "ferryctl: peer %s: ping: %s\n", node, why);
			peer_close(p);
			return FERRYCTL_EXIT_REFUSED;
		}
		if (!quiet || i == count - 1)
			printf(", ping %.2f ms", (double)rtt / 1000.0);
	}
	printf("\n");
	fflush(stdout);
	peer_close(p);
	return 0;
}

static int peer_ping_cmd(struct cmd_args *a)
{
	int count = (int)cmd_int(a, "count", 1);
	struct peer_opts po;

	peer_opts_init(&po);
	po.address = cmd_text(a, "address", po.address);
	po.port = (int)cmd_int(a, "port", po.port);
	po.keyfile = cmd_text(a, "keyfile", po.keyfile);
	po.encrypt = !cmd_has(a, "no-encryption");
	if (cmd_has(a, "next-key"))
		po.key = AUTHKEY_NEXT;
	return peer_ping_node(a->argv[0], &po, count, count > 10);
}

static const struct cmd_option ping_opts[] = {
	{"count", 'c', CMD_INT, "N", 1, 100000, .help = "requests to send (default 1)"},
	{"address", 0, CMD_TEXT, "ADDR", .help = "reach NODE at ADDR"},
	{"port", 0, CMD_INT, "N", 1, 65535, .help = "NODE's migration port (default 7780)"},
	{"keyfile", 0, CMD_TEXT, "FILE", .help = "the cluster key (default /etc/ferry/authkey)"},
	{"next-key", 0, CMD_FLAG,
	 .help = "connect with the rollover's next key (FILE.next):\n"
		 "does NODE accept it yet?"},
	{"no-encryption", 0, CMD_FLAG,
	 .help = "integrity-only session (the target must allow plain\n"
		 "peers)"},
	{NULL},
};

static const struct cmd_entry entries[] = {
	{"ping", "NODE", "authenticated round trip to a node's ferryd",
	 "  Connects to NODE's ferryd (default: its corosync ring0 address, port 7780),\n"
	 "  authenticates both ways as this node to NODE, and sends N no-op requests;\n"
	 "  prints the session, the time to connect and each round trip.\n",
	 ping_opts, peer_ping_cmd},
};

const struct cmd_group peer_group = {
	.name = "peer",
	.summary = "authenticated round trip to another node's ferryd (ping)",
	.entries = entries,
	.n = sizeof(entries) / sizeof(entries[0]),
	.exits = "exit codes: 0 answered, 1 error, 2 usage, 20 unreachable or refused (why on\n"
		 "stderr)\n",
};
