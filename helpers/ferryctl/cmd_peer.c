/* ferryctl peer: talk to another node's ferryd over the authenticated
 * migration transport. `peer ping` is the cheapest complete round trip
 * (hello, mutual authentication bound to both node names, HELLO, one
 * no-op request): what an administrator runs to see that a node is
 * reachable and holds the same cluster key, and what `key verify` runs
 * against every node. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "ferryctl.h"
#include "nodemap.h"
#include "peer.h"


static const char ping_usage[] =
	"usage: ferryctl peer ping NODE [--count N] [--address ADDR] [--port N]\n"
	"                               [--keyfile FILE] [--next-key] [--no-encryption]\n"
	"  Connects to NODE's ferryd (default: its corosync ring0 address, port 7780),\n"
	"  authenticates both ways as this node to NODE, and sends N (default 1) no-op\n"
	"  requests; prints the session, the time to connect and each round trip.\n"
	"  --next-key       connect with the rollover's next key (FILE.next): does NODE\n"
	"                   accept it yet?\n"
	"  --no-encryption  integrity-only session (the target must allow plain peers)\n"
	"  exit codes: 0 answered, 1 error, 2 usage, 20 unreachable or refused (why on\n"
	"  stderr)\n";

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

static int peer_ping_cmd(int argc, char **argv)
{
	static const struct option o[] = {
		{"count", required_argument, NULL, 'c'},   {"address", required_argument, NULL, 'a'},
		{"port", required_argument, NULL, 'p'},    {"keyfile", required_argument, NULL, 'k'},
		{"next-key", no_argument, NULL, 'N'},      {"no-encryption", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},          {0}};
	struct peer_opts po;
	int c, count = 1;

	peer_opts_init(&po);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hc:", o, NULL)) != -1) {
		switch (c) {
		case 'c':
			count = atoi(optarg);
			break;
		case 'a':
			po.address = optarg;
			break;
		case 'p':
			po.port = atoi(optarg);
			break;
		case 'k':
			po.keyfile = optarg;
			break;
		case 'N':
			po.key = AUTHKEY_NEXT;
			break;
		case 'n':
			po.encrypt = false;
			break;
		case 'h':
			printf("%s", ping_usage);
			return 0;
		default:
			fprintf(stderr, "%s", ping_usage);
			return FERRYCTL_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || count < 1 || count > 100000 || po.port < 0 || po.port > 65535) {
		fprintf(stderr, "%s", ping_usage);
		return FERRYCTL_EXIT_USAGE;
	}
	return peer_ping_node(argv[optind], &po, count, count > 10);
}

int cmd_peer(int argc, char **argv)
{
	static const struct ferryctl_command sub[] = {
		{"ping", peer_ping_cmd, "authenticated round trip to a node's ferryd"},
	};
	return ferryctl_dispatch("peer", sub, sizeof(sub) / sizeof(sub[0]), ping_usage, argc, argv);
}
