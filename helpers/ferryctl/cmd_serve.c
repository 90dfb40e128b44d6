/* ferryctl serve: one connection from another node's ferry, handed over by
 * ferryd (which accepts on the migration port and never blocks on a peer).
 * Authenticates the peer, as the cluster node it claims to be, before
 * reading anything else; tells ferryd who it is (ferryd may refuse it a
 * slot); then serves its storage requests and migrations until it hangs
 * up. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flog.h"

#include "authkey.h"
#include "command.h"
#include "ferryctl.h"
#include "local_serve.h"
#include "migrate.h"
#include "nodemap.h"
#include "peer.h"
#include "peer_serve.h"
#include "serve_journal.h"
#include "storage_serve.h"
#include "xen.h"

#define SERVE_IDLE_MS (10 * 60 * 1000)
#define SERVE_STEP_MS 30000
/* A migration stream may pause while the source suspends the guest (libxl
 * waits up to a minute for it) on a loaded host. */
#define SERVE_STREAM_IDLE_MS (3 * 60 * 1000)
/* Hello and handshake together: an unauthenticated peer holds its
 * connection (and this process) at most this long. */
#define SERVE_AUTH_MS 5000

/* Who may connect: a node of corosync's nodelist other than this one,
 * and not from an address that belongs to another node. */
struct members {
	struct nodemap m;
	struct nodemap_addr *addrs;
	size_t naddrs;
	bool loaded;
	char self[PEER_NAME_MAX];
};

static int admit_member(void *arg, const char *node, const char *addr, char *why, size_t len)
{
	struct members *mb = arg;
	uint32_t claimed = 0, owner;

	if (!mb->loaded) {
		snprintf(why, len, "corosync's nodelist is not available here");
		return -EPERM;
	}
	for (size_t i = 0; i < mb->m.n; i++)
		if (mb->m.v[i].nodeid && !strcmp(mb->m.v[i].name, node))
			claimed = mb->m.v[i].nodeid;
	if (!claimed) {
		snprintf(why, len, "not a node of corosync's nodelist");
		return -EPERM;
	}
	if (!strcmp(node, mb->self)) {
		snprintf(why, len, "that is this node's own name");
		return -EPERM;
	}
	/* Where the address is known, it must be the claimed node's. An
	 * address of no node (a dedicated migration network) is left to the
	 * key and the listener's --allow-peer. */
	if (nodemap_addr_owner(mb->addrs, mb->naddrs, addr, &owner) == 0 && owner != claimed) {
		snprintf(why, len, "it connects from %s, an address of node %s", addr,
			 nodemap_name(&mb->m, owner) ? nodemap_name(&mb->m, owner) : "?");
		return -EPERM;
	}
	return 0;
}

/* ferryd's go-ahead for this authenticated node: "auth NODE\n" out,
 * "ok\n" or "busy REASON\n" back. Asked as soon as the transport has
 * authenticated the peer (ferryd's pre-authentication deadline runs until
 * then); the answer is given to the peer in reply to its HELLO. */
static int notify_fd = -1;
static int admission_rc;
static char admission_why[PEER_WHY_MAX];

static int ask_ferryd(struct peer_server *s, char *why, size_t len)
{
	char line[PEER_NAME_MAX + 16], answer[256];
	ssize_t n;
	size_t got = 0;

	if (notify_fd < 0)
		return 0;
	snprintf(line, sizeof(line), "auth %s\n", s->peer_node);
	if (write(notify_fd, line, strlen(line)) < 0) {
		snprintf(why, len, "ferryd did not take our notification: %s", strerror(errno));
		return -EBUSY;
	}
	/* ferryd answers from its loop at once; the bound is for a ferryd
	 * that is going away. */
	while (got < sizeof(answer) - 1) {
		struct pollfd p = { .fd = notify_fd, .events = POLLIN };

		if (poll(&p, 1, SERVE_AUTH_MS) != 1 ||
		    (n = read(notify_fd, answer + got, sizeof(answer) - 1 - got)) <= 0)
			break;
		got += (size_t)n;
		if (memchr(answer, '\n', got))
			break;
	}
	answer[got] = '\0';
	answer[strcspn(answer, "\n")] = '\0';
	close(notify_fd);
	notify_fd = -1;
	if (!strcmp(answer, "ok"))
		return 0;
	snprintf(why, len, "target busy: %s", !strncmp(answer, "busy ", 5) ? answer + 5 :
						  "ferryd did not answer");
	return -EBUSY;
}

static int admission(struct peer_server *s, char *why, size_t len)
{
	(void)s;
	snprintf(why, len, "%s", admission_why);
	return admission_rc;
}

static int serve_storage(void *arg, enum peer_op op, const char *res, char *why, size_t len)
{
	(void)arg;
	return storage_serve_request(op, res, why, len);
}

static int serve_migrate(void *arg, struct peer_server *s, const struct peer_offer *offer)
{
	struct xen *x;
	int rc;

	(void)arg;
	if (xen_open(&x)) {
		peer_serve_reply(s, PEER_MSG_MIG_READY, offer->id, -ENODEV,
				 "libxl is not available on the target");
		return -ENODEV;
	}
	rc = migrate_receive(x, s, offer);
	xen_close(x);
	return rc;
}

/* This conversation's storage=local move, if any (one per conversation). */
static struct local_serve local_move;

static int serve_local(void *arg, struct peer_server *s, const struct peer_local *m, char *why,
		       size_t len)
{
	(void)arg;
	return local_serve_step(&local_move, s->peer_node, s->self, m, why, len);
}

static const struct peer_serve_ops serve_ops = {
	.storage = serve_storage,
	.migrate = serve_migrate,
	.local = serve_local,
};

static int serve_cmd(struct cmd_args *a)
{
	const char *keyfile = cmd_text(a, "keyfile", FERRY_AUTHKEY_PATH);
	struct transport_opts to = {0};
	struct peer_server srv = {.ops = &serve_ops};
	struct members mb = {0};
	struct transport *t = NULL;
	struct authkey_ring ring;
	bool allow_plain = cmd_has(a, "allow-plain");
	int fd = (int)cmd_int(a, "fd", -1), rc;

	if (cmd_has(a, "recover"))
		return serve_recover(cmd_text(a, "recover", NULL)) ? FERRYCTL_EXIT_ERROR : 0;
	if (fd < 0) {
		fprintf(stderr, "ferryctl: serve: --fd or --recover is needed\n");
		return FERRYCTL_EXIT_USAGE;
	}
	notify_fd = (int)cmd_int(a, "notify-fd", -1);
	rc = authkey_ring_load(keyfile, &ring);
	if (rc) {
		flog(FLOG_PEER, LOG_ERR, "serve: cannot load the cluster key %s: %s", keyfile, strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	peer_self_name(mb.self, sizeof(mb.self));
	if (nodemap_load(&mb.m) == 0) {
		mb.loaded = true;
		nodemap_addrs(&mb.m, &mb.addrs, &mb.naddrs);
	}
	to.ring = &ring;
	to.self = mb.self;
	to.admit = admit_member;
	to.admit_arg = &mb;
	to.encrypt = !allow_plain;
	to.timeout_ms = SERVE_STEP_MS;
	to.stream_idle_ms = SERVE_STREAM_IDLE_MS;
	to.auth_timeout_ms = SERVE_AUTH_MS;
	rc = transport_server(fd, &to, &t);
	authkey_ring_clear(&ring);
	free(mb.addrs);
	if (mb.loaded)
		nodemap_free(&mb.m);
	if (rc) /* the transport has logged the refusal with the peer's address */
		return FERRYCTL_EXIT_ERROR;
	srv.t = t;
	snprintf(srv.self, sizeof(srv.self), "%s", mb.self);
	snprintf(srv.peer_node, sizeof(srv.peer_node), "%s", transport_peer_node(t));
	admission_rc = ask_ferryd(&srv, admission_why, sizeof(admission_why));
	srv.admitted = admission;
	serve_journal_open();
	flog(FLOG_PEER, LOG_INFO, "serving %s (%s)", srv.peer_node, transport_peer(t));
	rc = peer_serve_run(&srv, SERVE_IDLE_MS);
	/* A migration conversation that ended without the domain here leaves
	 * nothing behind: demote, deactivate, close the window. */
	if (srv.offered)
		storage_serve_undo(srv.runs_here);
	local_serve_end(&local_move, srv.runs_here);
	serve_journal_close();
	flog(FLOG_PEER, LOG_INFO, "peer %s done (%s)", srv.peer_node,
	     rc == -ECONNRESET ? "closed" : transport_strerror(rc));
	transport_free(t);
	return 0;
}

static const struct cmd_option serve_opts[] = {
	{"fd", 0, CMD_INT, "N", 0, INT_MAX, .help = "the connection"},
	{"allow-plain", 0, CMD_FLAG, .help = "accept peers that do not encrypt (trusted network)"},
	{"keyfile", 0, CMD_TEXT, "FILE",
	 .help = "the cluster key (default " FERRY_AUTHKEY_PATH "); FILE.next\n"
		 "and FILE.prev are accepted too during a key rollover"},
	{"notify-fd", 0, CMD_INT, "M", 0, INT_MAX,
	 .help = "tell ferryd on fd M which node authenticated and wait\n"
		 "for its go-ahead (ferryd's per-node limits)"},
	{"recover", 0, CMD_TEXT, "JOURNAL",
	 .help = "undo what a server that died had started (run by\n"
		 "ferryd), then exit"},
	{NULL},
};

static const struct cmd_entry entries[] = {
	{NULL, "", "serve one peer connection (run by ferryd)",
	 "  Serves one peer connection on the fd given by --fd. Run by ferryd for each\n"
	 "  connection to its migration port; not meant to be run by hand.\n",
	 serve_opts, serve_cmd},
};

const struct cmd_group serve_group = {
	.name = "serve",
	.summary = "serve one peer connection (run by ferryd)",
	.entries = entries,
	.n = 1,
};
