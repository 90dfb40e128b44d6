/* ferryctl drbd: DRBD roles on this node (and, for the dual-primary window,
 * on the peer through its ferryd). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"

#include "clock.h"
#include "cluster_verdict.h"
#include "command.h"
#include "drbd.h"
#include "drbd_check.h"
#include "fence_history.h"
#include "fence_request.h"
#include "ferryctl.h"
#include "ledger_client.h"
#include "names.h"
#include "nodemap.h"
#include "numparse.h"
#include "peer.h"
#include "proc.h"
#include "storage.h"
#include "xen.h"

#define EXIT_REFUSED 3 /* promote/demote/window refused: the reason is printed */
#define EXIT_NOT_UP  4
#define EXIT_TIMEOUT 5

static int errno_exit(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case -EBUSY:
	case -ESTALE:
		return EXIT_REFUSED;
	case -ENOENT:
		return EXIT_NOT_UP;
	case -ETIMEDOUT:
		return EXIT_TIMEOUT;
	default:
		return FERRYCTL_EXIT_ERROR;
	}
}

static int drbd_cmd_up(struct cmd_args *a)
{
	const char *res = a->argv[0];
	int rc = storage_replica_up(res);

	if (rc)
		fprintf(stderr, "ferryctl: drbd up %s failed: %s\n", res, strerror(-rc));
	return rc ? FERRYCTL_EXIT_ERROR : 0;
}

static int drbd_cmd_promote(struct cmd_args *a)
{
	const char *res = a->argv[0];
	char why[512] = "";
	int rc = drbd_promote(res, why, sizeof(why));

	if (rc)
		fprintf(stderr, "ferryctl: promote %s refused: %s\n", res,
			why[0] ? why : strerror(-rc));
	else
		printf("%s: Primary\n", res);
	return errno_exit(rc);
}

static int drbd_cmd_demote(struct cmd_args *a)
{
	const char *res = a->argv[0];
	char why[1024] = "", doms[512] = "";
	struct drbd_resource r;
	int rc = drbd_demote(res, why, sizeof(why));

	if (rc == -EBUSY) {
		/* Xen's blkback holds a disk from the kernel: ask libxl. */
		struct xen *x;
		if (drbd_state(res, &r) == 0 && xen_open(&x) == 0) {
			for (int v = 0; v < r.nvolumes; v++) {
				char dev[32];
				snprintf(dev, sizeof(dev), "/dev/drbd%d", r.volumes[v].minor);
				xen_disk_users(x, dev, doms, sizeof(doms));
			}
			xen_close(x);
		}
		fprintf(stderr, "ferryctl: demote %s refused: %s%s%s\n", res, why,
			doms[0] ? "; in use by " : "", doms);
	} else if (rc) {
		fprintf(stderr, "ferryctl: demote %s failed: %s\n", res,
			why[0] ? why : strerror(-rc));
	} else {
		printf("%s: Secondary\n", res);
	}
	return errno_exit(rc);
}

static int drbd_cmd_window(struct cmd_args *a)
{
	bool open = !strcmp(a->argv[0], "open");
	const char *res = a->argv[1];
	bool local = cmd_has(a, "local");
	char why[512] = "";
	int rc = storage_window(res, open, local, why, sizeof(why));

	if (rc)
		fprintf(stderr, "ferryctl: window %s %s: %s\n", a->argv[0], res,
			why[0] ? why : strerror(-rc));
	else
		printf("%s: dual-primary window %s\n", res, open ? "open" : "closed");
	return errno_exit(rc);
}

static int drbd_cmd_wait_synced(struct cmd_args *a)
{
	const char *res = a->argv[0];
	struct drbd_resource r;
	char why[256];
	int rc = drbd_wait_synced(res, (int)cmd_int(a, "timeout", 600) * 1000, &r);

	if (rc == 0) {
		printf("%s: synced (UpToDate on both sides)\n", res);
		return 0;
	}
	drbd_healthy(&r, why, sizeof(why));
	fprintf(stderr, "ferryctl: %s not synced: %s\n", res,
		rc == -ETIMEDOUT ? "timed out" : why);
	return rc == -ETIMEDOUT ? EXIT_TIMEOUT : EXIT_REFUSED;
}

static void status_json(const struct drbd_resource *r, bool window)
{
	char why[256];
	bool healthy = drbd_healthy(r, why, sizeof(why));

	printf("{\"name\": ");
	json_string(stdout, r->name);
	printf(", \"up\": %s", r->exists ? "true" : "false");
	if (r->exists) {
		printf(", \"role\": ");
		json_string(stdout, r->role);
		printf(", \"window\": %s, \"healthy\": %s", window ? "true" : "false",
		       healthy ? "true" : "false");
		if (!healthy) {
			printf(", \"why\": ");
			json_string(stdout, why);
		}
		printf(", \"volumes\": [");
		for (int i = 0; i < r->nvolumes; i++) {
			printf("%s{\"volume\": %d, \"minor\": %d, \"disk\": ", i ? ", " : "",
			       r->volumes[i].volume, r->volumes[i].minor);
			json_string(stdout, r->volumes[i].disk);
			printf("}");
		}
		printf("], \"peers\": [");
		for (int i = 0; i < r->npeers; i++) {
			const struct drbd_peer *p = &r->peers[i];
			printf("%s{\"node_id\": %d, \"connection\": ", i ? ", " : "", p->node_id);
			json_string(stdout, p->connection);
			printf(", \"role\": ");
			json_string(stdout, p->role);
			printf(", \"volumes\": [");
			for (int k = 0; k < p->nvolumes; k++) {
				printf("%s{\"volume\": %d, \"replication\": ", k ? ", " : "",
				       p->volumes[k].volume);
				json_string(stdout, p->volumes[k].replication);
				printf(", \"peer_disk\": ");
				json_string(stdout, p->volumes[k].peer_disk);
				printf("}");
			}
			printf("]}");
		}
		printf("]");
	}
	printf("}\n");
}

static int drbd_cmd_status(struct cmd_args *a)
{
	const char *res = a->argv[0];
	struct drbd_resource r;
	bool json = cmd_has(a, "json"), window = false;
	char why[256];
	int rc = drbd_state_stats(res, &r);

	if (rc) {
		fprintf(stderr, "ferryctl: drbd status %s: %s\n", res, strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	if (r.exists)
		drbd_two_primaries(res, &window);
	if (json) {
		status_json(&r, window);
	} else if (!r.exists) {
		printf("%s: not up\n", res);
	} else {
		bool healthy = drbd_healthy(&r, why, sizeof(why));
		printf("%s: %s, disk %s", r.name, r.role, r.nvolumes ? r.volumes[0].disk : "?");
		for (int i = 0; i < r.npeers; i++) {
			const struct drbd_peer_volume *v = r.peers[i].nvolumes ? &r.peers[i].volumes[0] : NULL;

			printf("; peer %d %s %s, disk %s", r.peers[i].node_id, r.peers[i].connection,
			       r.peers[i].role, v ? v->peer_disk : "?");
			/* A resync under way (a storage=local move's full sync too). */
			if (i == 0 && v && strncmp(v->replication, "Sync", 4) == 0 &&
			    drbd_sync_percent(&r) >= 0)
				printf(", %s %.1f%%", v->replication, drbd_sync_percent(&r));
		}
		printf("; window %s; %s%s\n", window ? "open" : "closed",
		       healthy ? "healthy" : "not healthy: ", healthy ? "" : why);
	}
	return r.exists ? 0 : EXIT_NOT_UP;
}

/* ferryd's answer when it has one (ferryctl, the front, tried it already:
 * this is the same question when ferryd could not answer there), else
 * drbdsetup's, one resource at a time. */
static int drbd_cmd_check(struct cmd_args *a)
{
	struct ferry_ipc_monitor *m = calloc(1, sizeof(*m));
	char line[256];
	int rc, first = 0;

	if (!m)
		return FERRYCTL_EXIT_ERROR;
	if (a->argc > DRBD_CHECK_MAX) {
		fprintf(stderr, "ferryctl: drbd check: at most %d resources\n", DRBD_CHECK_MAX);
		free(m);
		return FERRYCTL_EXIT_USAGE;
	}
	if (drbd_check_ask(a->argv, a->argc, m) == 0) {
		rc = drbd_check_print(m);
		free(m);
		return rc ? DRBD_CHECK_EXIT_NOT_UP : 0;
	}
	free(m);
	for (int i = 0; i < a->argc; i++) {
		struct drbd_resource r;

		rc = drbd_state(a->argv[i], &r);
		if (rc) {
			fprintf(stderr, "ferryctl: drbd check %s: %s\n", a->argv[i], strerror(-rc));
			return FERRYCTL_EXIT_ERROR;
		}
		rc = drbd_check_one(a->argv[i], r.exists, r.nvolumes ? r.volumes[0].disk : "", line,
				    sizeof(line));
		puts(line);
		if (rc && !first)
			first = rc;
	}
	return first ? DRBD_CHECK_EXIT_NOT_UP : 0;
}

/* DRBD's fence-peer handler exit codes (drbd.conf(5)). */
#define FENCE_PEER_OUTDATED  4
#define FENCE_PEER_STONITHED 7
#define FENCE_PEER_FAILED    1
#define STONITH_TIMEOUT_MS   (300 * 1000)
/* Each step of asking the peer to outdate itself: I/O is frozen meanwhile,
 * and an unreachable peer must reach stonith soon. */
#define OUTDATE_TIMEOUT_MS   (5 * 1000)

/* DRBD's outdate-peer over ferry's authenticated peer channel: the peer's
 * ferry marks its copy of @res Outdated, so it cannot be promoted, and the
 * node need not be fenced. Refused while the peer is Primary or still
 * connected, and impossible when it is unreachable: then it is fenced. */
static int peer_outdate(const char *node, const char *res, char *why, size_t len)
{
	struct peer_opts o;
	struct peer *p;
	int rc;

	peer_opts_init(&o);
	o.timeout_ms = OUTDATE_TIMEOUT_MS;
	rc = peer_connect(node, &o, &p, why, len);
	if (rc)
		return rc;
	rc = peer_request(p, PEER_OP_OUTDATE, res, why, len);
	peer_close(p);
	return rc;
}

/* How long before the handler started a fencing of the peer still counts
 * as this loss's: DRBD notices a power cut within its ping timeout (a few
 * seconds), and a fencing completes after the cut. */
#define FENCED_BEFORE_MS (30 * 1000)

/* @node's id in corosync's nodelist (0: not a node, it cannot be fenced). */
static uint32_t peer_id(const char *node)
{
	const struct nodemap *m = nodemap_once();
	uint32_t id = 0;

	if (!m || nodemap_resolve(m, node, &id))
		return 0;
	return id;
}

/* Is node @id lost and known to be off (fenced or confirmed) in the ledger? */
static bool peer_dead_in_ledger(uint32_t id)
{
	struct ferry_ipc_status st;

	if (!id || ledger_client_status(10000, &st) || st.status != 0)
		return false;
	for (uint32_t i = 0; i < st.nnodes; i++)
		if (st.nodes[i].nodeid == id)
			return !st.nodes[i].member && st.nodes[i].dead;
	return false;
}

static void verdict_waiting(void *arg)
{
	const char *peer = arg;

	flog(FLOG_DRBD, LOG_NOTICE,
	     "fence-peer %s: %s is still in corosync's membership: waiting for corosync to "
	     "decide (lost, or only the replication link broke)",
	     getenv("DRBD_RESOURCE") ?: "?", peer);
}

/* May this node fence @peer? Only once corosync has decided: either @peer
 * left this node's membership, or it stayed in it for a whole membership
 * round (only the replication link broke) — and, in that membership, this
 * node has quorum. A node cut off from the majority is quorate in the old
 * view until corosync forms the new one, seconds after DRBD noticed: it
 * must wait, then find itself without quorum (make cts, seed 4242). */
static bool fence_allowed(const char *peer, uint32_t id, char *why, size_t len)
{
	struct cluster_verdict v;
	int rc;

	if (!id) {
		snprintf(why, len, "%s is not a node in corosync's nodelist", peer);
		return false;
	}
	rc = cluster_verdict_wait(id, cluster_verdict_budget_ms(), &v, verdict_waiting,
				  (void *)peer);
	if (rc) {
		snprintf(why, len, "corosync cannot say whether this node has quorum (%s)",
			 strerror(-rc));
		return false;
	}
	flog(FLOG_DRBD, LOG_NOTICE,
	     "fence-peer %s: corosync after %d ms: ring %llu, %u node(s), %s, %s %s",
	     getenv("DRBD_RESOURCE") ?: "?", v.waited_ms, (unsigned long long)v.ring, v.members,
	     v.quorate ? "quorate" : "NOT quorate", peer,
	     v.peer_member ? "still a member" : "lost");
	if (!v.quorate) {
		snprintf(why, len, "this node is not in the quorate partition");
		return false;
	}
	return true;
}

static int drbd_cmd_fence_peer(struct cmd_args *a)
{
	const char *peers = getenv("DRBD_PEERS");
	char list[512], *save = NULL;
	int stonithed = 0;
	uint64_t started = clock_wall_ms();

	(void)a;
	/* DRBD's environment enters ferry here: checked like any name. */
	const char *res_env = getenv("DRBD_RESOURCE");
	char why[400];
	if (res_env && name_check(NAME_DRBD, res_env, why, sizeof(why))) {
		fprintf(stderr, "ferryctl: fence-peer: DRBD_RESOURCE: %s\n", why);
		return FENCE_PEER_FAILED;
	}
	if (!peers || !*peers)
		peers = getenv("DRBD_PEER");
	if (peers && *peers) {
		if (strlen(peers) >= sizeof(list)) { /* never fence a name cut short */
			fprintf(stderr, "ferryctl: fence-peer: DRBD_PEERS is longer than %zu bytes\n",
				sizeof(list) - 1);
			return FENCE_PEER_FAILED;
		}
		snprintf(list, sizeof(list), "%s", peers);
	} else {
		/* Not every drbdadm sets DRBD_PEERS: the config names the peer. */
		const char *res = getenv("DRBD_RESOURCE");
		const struct drbd_host *h;
		struct drbd_config c;
		char self[128];

		if (!res || drbd_config_load(res, &c) || peer_self_name(self, sizeof(self)) ||
		    !(h = drbd_config_peer(&c, self))) {
			fprintf(stderr, "ferryctl: fence-peer: no DRBD_PEERS and no peer for '%s' in "
					"the configuration\n",
				res ? res : "");
			return FENCE_PEER_FAILED;
		}
		snprintf(list, sizeof(list), "%s", h->name);
	}
	for (char *p = strtok_r(list, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		if (name_check(NAME_NODE, p, why, sizeof(why))) {
			fprintf(stderr, "ferryctl: fence-peer: DRBD_PEERS: %s\n", why);
			return FENCE_PEER_FAILED;
		}
		uint32_t id = peer_id(p);

		if (peer_dead_in_ledger(id)) {
			flog(FLOG_DRBD, LOG_NOTICE, "fence-peer %s: %s is already fenced (ledger)",
			     getenv("DRBD_RESOURCE") ?: "?", p);
			stonithed++;
			continue;
		}
		/* A peer that answers outdates its copy: no node is fenced
		 * for a lost replication link or a peer that is rebooting. */
		if (res_env && peer_outdate(p, res_env, why, sizeof(why)) == 0) {
			flog(FLOG_DRBD, LOG_NOTICE,
			     "fence-peer %s: %s marked its copy Outdated; not fencing it", res_env, p);
			continue;
		}
		/* Only the quorate partition fences, once corosync has
		 * decided: Pacemaker's fencer runs a client's request without
		 * asking about quorum, and a node cut off from the majority
		 * powered off healthy members of it (make cts). */
		if (!fence_allowed(p, id, why, sizeof(why))) {
			flog(FLOG_DRBD, LOG_ERR, "fence-peer %s: %s did not outdate its copy, and this "
						 "node may not fence it: %s; I/O stays frozen until "
						 "the replication link returns or the cluster fences "
						 "this node",
			     res_env ? res_env : "?", p, why);
			fprintf(stderr, "ferryctl: fence-peer: %s may not fence it: %s\n", p, why);
			return FENCE_PEER_FAILED;
		}
		/* Corosync's verdict took a membership round: Pacemaker may be
		 * fencing the peer now (wait for it), or have fenced it
		 * meanwhile, or just before (any action). */
		if (fence_history_wait_pending(id, STONITH_TIMEOUT_MS))
			flog(FLOG_DRBD, LOG_NOTICE, "fence-peer %s: waited for the fencing of %s "
						    "under way",
			     res_env ? res_env : "?", p);
		if (peer_dead_in_ledger(id) || fence_history_since(id, started - FENCED_BEFORE_MS)) {
			flog(FLOG_DRBD, LOG_NOTICE, "fence-peer %s: %s has been fenced since it was "
						    "lost; not fencing it again",
			     res_env ? res_env : "?", p);
			stonithed++;
			continue;
		}
		if (res_env)
			flog(FLOG_DRBD, LOG_WARNING, "fence-peer %s: %s did not outdate its copy (%s); "
						     "fencing it",
			     res_env, p, why);
		/* The cluster's own action: Pacemaker's request for the same
		 * node, if it comes now, merges with this one. */
		char fail[512];
		int rc = fence_request(p, "ferry-drbd", STONITH_TIMEOUT_MS, fail, sizeof(fail));
		flog(FLOG_DRBD, rc ? LOG_ERR : LOG_NOTICE, "fence-peer %s: fencing %s: %s",
		     res_env ? res_env : "?", p, fail);
		if (rc)
			return FENCE_PEER_FAILED;
		stonithed++;
	}
	return stonithed ? FENCE_PEER_STONITHED : FENCE_PEER_OUTDATED;
}

static const struct cmd_option timeout_opt[] = {
	{"timeout", 't', CMD_INT, "SECONDS", 1, 86400, .help = "how long to wait (default 600)"},
	{NULL},
};
static const struct cmd_option window_opts[] = {
	{"local", 0, CMD_FLAG, .help = "this end only, not the peer's"},
	{NULL},
};
static const struct cmd_option json_opt[] = {
	{"json", 0, CMD_FLAG, .help = "machine-readable output"},
	{NULL},
};

static const struct cmd_entry entries[] = {
	{"up", "RES", "bring a resource up (Secondary), no-op when up",
	 "  Not up here yet: first asks the peer to close its end of the dual-primary\n"
	 "  window. A migration source fenced before its stop closed the window\n"
	 "  leaves it open there, and DRBD refuses a handshake between ends that\n"
	 "  disagree on allow-two-primaries (both would stay StandAlone).\n",
	 NULL, drbd_cmd_up},
	{"promote", "RES", "become Primary, refusing unsafe cases", NULL, NULL, drbd_cmd_promote},
	{"demote", "RES", "become Secondary, naming who holds it open", NULL, NULL,
	 drbd_cmd_demote},
	{"window", "open|close RES", "open|close the dual-primary window",
	 "  Sets or clears allow-two-primaries on both ends (the peer's through its\n"
	 "  ferryd). close refuses while both sides are Primary.\n",
	 window_opts, drbd_cmd_window},
	{"wait-synced", "RES", "wait until UpToDate on both sides", NULL, timeout_opt,
	 drbd_cmd_wait_synced},
	{"status", "RES", "role, disks, connection, window", NULL, json_opt, drbd_cmd_status},
	{"check", "RES...", "up here with a usable local disk? (the storage monitor)",
	 "  One line per RES. Answered from ferryd's DRBD event stream in one IPC\n"
	 "  round trip, forking nothing; from drbdsetup when ferryd cannot answer.\n"
	 "  Exits 0 when every RES is up with a local disk (Inconsistent or\n"
	 "  Outdated counts: a resync mends it), 4 when one is not up or Diskless,\n"
	 "  Failed or Detaching.\n",
	 NULL, drbd_cmd_check},
	{"fence-peer", "", "DRBD's fence-peer handler (see --help)",
	 "  DRBD's fence-peer handler (fencing resource-and-stonith). Each peer in\n"
	 "  DRBD_PEERS is, in this order: known to be off (lost and fenced, or\n"
	 "  confirmed dead, in ferry's ledger); asked through its ferry to mark its\n"
	 "  copy of DRBD_RESOURCE Outdated (refused while it is Primary or still\n"
	 "  connected); else fenced through Pacemaker, but only from the quorate\n"
	 "  partition, once corosync has decided: the peer left this node's\n"
	 "  membership, or is still in it after twice token plus consensus (only\n"
	 "  the link broke). A node without quorum then fences nobody and keeps\n"
	 "  I/O frozen (the majority fences it). A fencing of the peer under way\n"
	 "  is waited for, and one since the peer was lost counts; else the\n"
	 "  handler asks stonith_admin for the cluster's stonith-action (reboot\n"
	 "  unless set to off), which merges with Pacemaker's own request.\n"
	 "  Exits 4 when every peer outdated its copy, 7 when every peer is off or\n"
	 "  outdated and one was fenced, 1 when a peer could not be fenced: DRBD\n"
	 "  then keeps I/O frozen rather than risk two writers.\n",
	 NULL, drbd_cmd_fence_peer},
};

const struct cmd_group drbd_group = {
	.name = "drbd",
	.summary = "DRBD roles, the dual-primary window, sync state",
	.entries = entries,
	.n = sizeof(entries) / sizeof(entries[0]),
	.help = "RES is a DRBD resource name from drbd.conf: 1..63 bytes of letters, digits\n"
		"and ._-, not beginning with '-', not 'all' nor 'minor-N' (drbdadm reads\n"
		"those as every resource or a device minor).\n",
	.exits = "exit codes: 0 ok, 1 error, 2 usage, 3 refused (reason printed: data not\n"
		 "UpToDate, peer Primary with the window closed, device held open, both\n"
		 "sides Primary), 4 resource not up (check: or without a local disk),\n"
		 "5 timed out (wait-synced);\n"
		 "fence-peer: 4 every peer outdated its copy, 7 every peer is off or\n"
		 "outdated (one fenced), 1 a peer could not be fenced\n",
};
