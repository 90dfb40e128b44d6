/* ferryctl serve: one connection from another node's ferry, handed over by
 * ferryd (which accepts on the migration port and never blocks on a peer).
 * Authenticates the peer before reading anything else, then serves its
 * storage requests and migrations until it hangs up. */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"

#include "authkey.h"
#include "ferryctl.h"
#include "migrate.h"
#include "numparse.h"
#include "peer.h"
#include "storage_serve.h"
#include "xen.h"

#define SERVE_IDLE_MS (10 * 60 * 1000)

static const char serve_usage[] =
	"usage: ferryctl serve --fd N [--allow-plain] [--keyfile FILE]\n"
	"       ferryctl serve --recover JOURNAL\n"
	"  Serves one peer connection on fd N. Run by ferryd for each connection\n"
	"  to its migration port; not meant to be run by hand.\n"
	"  --allow-plain  accept peers that do not encrypt (trusted network)\n"
	"  --recover      undo what a server that died had started (run by ferryd)\n";

static int serve_hello(struct transport *t, char *peer_node, size_t len)
{
	struct peer_hello h, mine = {0};
	uint16_t type;
	size_t got;
	int rc = transport_recv_msg(t, &type, &h, sizeof(h), &got, -1);

	if (rc)
		return rc;
	if (type != PEER_MSG_HELLO || got != sizeof(h) || be32toh(h.version) != PEER_PROTO_VERSION) {
		char why[128];
		snprintf(why, sizeof(why), "peer protocol %u expected, got %u",
			 PEER_PROTO_VERSION, type == PEER_MSG_HELLO ? be32toh(h.version) : 0);
		flog(FLOG_PEER, LOG_ERR, "peer %s refused: %s", transport_peer(t), why);
		peer_send_reply(t, PEER_MSG_REPLY, -EPROTO, why);
		return -EPROTO;
	}
	h.node[sizeof(h.node) - 1] = '\0';
	snprintf(peer_node, len, "%s", h.node);
	mine.version = htobe32(PEER_PROTO_VERSION);
	peer_self_name(mine.node, sizeof(mine.node));
	return transport_send_msg(t, PEER_MSG_HELLO, &mine, sizeof(mine));
}

int cmd_serve(int argc, char **argv)
{
	static const struct option o[] = {{"fd", required_argument, NULL, 'f'},
					  {"allow-plain", no_argument, NULL, 'p'},
					  {"keyfile", required_argument, NULL, 'k'},
					  {"recover", required_argument, NULL, 'r'},
					  {"help", no_argument, NULL, 'h'}, {0}};
	const char *keyfile = FERRY_AUTHKEY_PATH;
	struct transport_opts to = {0};
	char peer_node[PEER_NAME_MAX] = "?", self[PEER_NAME_MAX];
	struct transport *t = NULL;
	struct authkey key;
	bool allow_plain = false, offered = false, runs_here = false;
	char why[256];
	int c, fd = -1, rc;
	void *buf;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", o, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (num_parse_int("--fd", optarg, 0, INT_MAX, &fd, why, sizeof(why))) {
				fprintf(stderr, "ferryctl: %s\n", why);
				return FERRYCTL_EXIT_USAGE;
			}
			break;
		case 'p':
			allow_plain = true;
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'r':
			return serve_recover(optarg) ? FERRYCTL_EXIT_ERROR : 0;
		case 'h':
			printf("%s", serve_usage);
			return 0;
		default:
			fprintf(stderr, "%s", serve_usage);
			return FERRYCTL_EXIT_USAGE;
		}
	}
	if (fd < 0 || optind != argc) {
		fprintf(stderr, "%s", serve_usage);
		return FERRYCTL_EXIT_USAGE;
	}
	rc = authkey_load(keyfile, &key);
	if (rc) {
		flog(FLOG_PEER, LOG_ERR, "serve: cannot load the cluster key %s: %s", keyfile, strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	to.key = &key;
	to.encrypt = !allow_plain;
	to.timeout_ms = 30000;
	rc = transport_server(fd, &to, &t);
	authkey_clear(&key);
	if (rc) /* the transport has logged the refusal with the peer's address */
		return FERRYCTL_EXIT_ERROR;
	peer_self_name(self, sizeof(self));
	serve_journal_open();
	rc = serve_hello(t, peer_node, sizeof(peer_node));
	if (rc) {
		serve_journal_close();
		transport_free(t);
		return FERRYCTL_EXIT_ERROR;
	}
	flog(FLOG_PEER, LOG_INFO, "serving %s (%s)", peer_node, transport_peer(t));
	buf = malloc(TRANSPORT_MSG_MAX);
	while (buf) {
		uint16_t type;
		size_t got;

		rc = transport_recv_msg(t, &type, buf, TRANSPORT_MSG_MAX, &got, SERVE_IDLE_MS);
		if (rc)
			break;
		if (type == PEER_MSG_REQUEST && got == sizeof(struct peer_request)) {
			storage_serve_request(t, buf);
		} else if (type == PEER_MSG_MIG_OFFER) {
			struct xen *x;
			offered = true;
			if (xen_open(&x)) {
				peer_send_reply(t, PEER_MSG_MIG_READY, -ENODEV,
						"libxl is not available on the target");
				continue;
			}
			runs_here = migrate_receive(x, t, buf, got, self, peer_node) == 0;
			xen_close(x);
		} else {
			flog(FLOG_PEER, LOG_ERR, "peer %s sent unexpected message %u", peer_node, type);
			peer_send_reply(t, PEER_MSG_REPLY, -EPROTO, "unexpected message");
		}
	}
	/* A migration conversation that ended without the domain here leaves
	 * nothing behind: demote, deactivate, close the window. */
	if (offered)
		storage_serve_undo(runs_here);
	serve_journal_close();
	flog(FLOG_PEER, LOG_INFO, "peer %s done (%s)", peer_node,
	       rc == -ECONNRESET ? "closed" : transport_strerror(rc));
	free(buf);
	transport_free(t);
	return 0;
}
