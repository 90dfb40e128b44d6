/* ferryctl drbd: DRBD roles on this node (and, for the dual-primary window,
 * on the peer through its ferryd). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "flog.h"
#include <string.h>

#include "drbd.h"
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

static const char drbd_help[] =
	"RES is a DRBD resource name from drbd.conf: 1..63 bytes of letters, digits\n"
	"and ._-, not beginning with '-', not 'all' nor 'minor-N' (drbdadm reads\n"
	"those as every resource or a device minor).\n\n"
	"exit codes: 0 ok, 1 error, 2 usage, 3 refused (reason printed: data not\n"
	"UpToDate, peer Primary with the window closed, device held open, both\n"
	"sides Primary), 4 resource not up, 5 timed out (wait-synced)\n";

static int usage(const char *u)
{
	fprintf(stderr, "usage: ferryctl drbd %s\n", u);
	return FERRYCTL_EXIT_USAGE;
}

/* RES: checked before drbd-utils sees it (usage error with the reason). */
static int bad_res(const char *res)
{
	char why[400];

	if (name_check(NAME_DRBD, res, why, sizeof(why)) == 0)
		return 0;
	fprintf(stderr, "ferryctl: %s\n", why);
	return 1;
}

static int want_help(int argc, char **argv, const char *u)
{
	if (ferryctl_wants_help(argc, argv)) {
		printf("usage: ferryctl drbd %s\n", u);
		return 1;
	}
	return 0;
}

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

static int drbd_cmd_up(int argc, char **argv)
{
	if (want_help(argc, argv, "up RES"))
		return 0;
	if (argc != 2)
		return usage("up RES");
	if (bad_res(argv[1]))
		return FERRYCTL_EXIT_USAGE;
	int rc = drbd_up(argv[1]);
	if (rc)
		fprintf(stderr, "ferryctl: drbd up %s failed: %s\n", argv[1], strerror(-rc));
	return rc ? FERRYCTL_EXIT_ERROR : 0;
}

static int drbd_cmd_promote(int argc, char **argv)
{
	char why[512] = "";

	if (want_help(argc, argv, "promote RES"))
		return 0;
	if (argc != 2)
		return usage("promote RES");
	if (bad_res(argv[1]))
		return FERRYCTL_EXIT_USAGE;
	int rc = drbd_promote(argv[1], why, sizeof(why));
	if (rc)
		fprintf(stderr, "ferryctl: promote %s refused: %s\n", argv[1],
			why[0] ? why : strerror(-rc));
	else
		printf("%s: Primary\n", argv[1]);
	return errno_exit(rc);
}

static int drbd_cmd_demote(int argc, char **argv)
{
	char why[1024] = "", doms[512] = "";
	struct drbd_resource r;

	if (want_help(argc, argv, "demote RES"))
		return 0;
	if (argc != 2)
		return usage("demote RES");
	if (bad_res(argv[1]))
		return FERRYCTL_EXIT_USAGE;
	int rc = drbd_demote(argv[1], why, sizeof(why));
	if (rc == -EBUSY) {
		/* Xen's blkback holds a disk from the kernel: ask libxl. */
		struct xen *x;
		if (drbd_state(argv[1], &r) == 0 && xen_open(&x) == 0) {
			for (int v = 0; v < r.nvolumes; v++) {
				char dev[32];
				snprintf(dev, sizeof(dev), "/dev/drbd%d", r.volumes[v].minor);
				xen_disk_users(x, dev, doms, sizeof(doms));
			}
			xen_close(x);
		}
		fprintf(stderr, "ferryctl: demote %s refused: %s%s%s\n", argv[1], why,
			doms[0] ? "; in use by " : "", doms);
	} else if (rc) {
		fprintf(stderr, "ferryctl: demote %s failed: %s\n", argv[1],
			why[0] ? why : strerror(-rc));
	} else {
		printf("%s: Secondary\n", argv[1]);
	}
	return errno_exit(rc);
}

static int drbd_cmd_window(int argc, char **argv)
{
	static const char u[] = "window open|close RES [--local]\n"
				"  sets or clears allow-two-primaries on both ends (the peer's\n"
				"  through its ferryd); --local: this end only. close refuses while\n"
				"  both sides are Primary.";
	char why[512] = "";
	bool local = false;
	int rc;

	if (want_help(argc, argv, u))
		return 0;
	if (argc == 4 && !strcmp(argv[3], "--local"))
		local = true;
	else if (argc != 3)
		return usage(u);
	if (strcmp(argv[1], "open") && strcmp(argv[1], "close"))
		return usage(u);
	if (bad_res(argv[2]))
		return FERRYCTL_EXIT_USAGE;
	rc = storage_window(argv[2], !strcmp(argv[1], "open"), local, why, sizeof(why));
	if (rc)
		fprintf(stderr, "ferryctl: window %s %s: %s\n", argv[1], argv[2],
			why[0] ? why : strerror(-rc));
	else
		printf("%s: dual-primary window %s\n", argv[2],
		       !strcmp(argv[1], "open") ? "open" : "closed");
	return errno_exit(rc);
}

static int drbd_cmd_wait_synced(int argc, char **argv)
{
	static const char u[] = "wait-synced RES [--timeout SECONDS] (1..86400, default 600)";
	static const struct option o[] = {{"timeout", required_argument, NULL, 't'},
					  {"help", no_argument, NULL, 'h'}, {0}};
	struct drbd_resource r;
	char why[256];
	int c, timeout = 600, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:h", o, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: ferryctl drbd %s\n", u);
			return 0;
		}
		if (c != 't')
			return usage(u);
		if (num_parse_int("--timeout", optarg, 1, 86400, &timeout, why, sizeof(why))) {
			fprintf(stderr, "ferryctl: %s\n", why);
			return FERRYCTL_EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return usage(u);
	if (bad_res(argv[optind]))
		return FERRYCTL_EXIT_USAGE;
	rc = drbd_wait_synced(argv[optind], timeout * 1000, &r);
	if (rc == 0) {
		printf("%s: synced (UpToDate on both sides)\n", argv[optind]);
		return 0;
	}
	drbd_healthy(&r, why, sizeof(why));
	fprintf(stderr, "ferryctl: %s not synced: %s\n", argv[optind],
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

static int drbd_cmd_status(int argc, char **argv)
{
	struct drbd_resource r;
	bool json = false, window = false;
	char why[256];

	if (want_help(argc, argv, "status RES [--json]"))
		return 0;
	if (argc == 3 && !strcmp(argv[2], "--json"))
		json = true;
	else if (argc != 2)
		return usage("status RES [--json]");
	if (bad_res(argv[1]))
		return FERRYCTL_EXIT_USAGE;
	int rc = drbd_state(argv[1], &r);
	if (rc) {
		fprintf(stderr, "ferryctl: drbd status %s: %s\n", argv[1], strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	if (r.exists)
		drbd_two_primaries(argv[1], &window);
	if (json) {
		status_json(&r, window);
	} else if (!r.exists) {
		printf("%s: not up\n", argv[1]);
	} else {
		bool healthy = drbd_healthy(&r, why, sizeof(why));
		printf("%s: %s, disk %s", r.name, r.role, r.nvolumes ? r.volumes[0].disk : "?");
		for (int i = 0; i < r.npeers; i++)
			printf("; peer %d %s %s, disk %s", r.peers[i].node_id, r.peers[i].connection,
			       r.peers[i].role,
			       r.peers[i].nvolumes ? r.peers[i].volumes[0].peer_disk : "?");
		printf("; window %s; %s%s\n", window ? "open" : "closed",
		       healthy ? "healthy" : "not healthy: ", healthy ? "" : why);
	}
	return r.exists ? 0 : EXIT_NOT_UP;
}

/* DRBD's fence-peer handler exit codes (drbd.conf(5)). */
#define FENCE_PEER_STONITHED 7
#define FENCE_PEER_FAILED    1
#define STONITH_TIMEOUT_MS   (300 * 1000)

/* Is @node lost and known to be off (fenced or confirmed) in the ledger? */
static bool peer_dead_in_ledger(const char *node)
{
	struct ferry_ipc_status st;
	struct nodemap m;
	uint32_t id = 0;

	if (nodemap_load(&m))
		return false;
	int rc = nodemap_resolve(&m, node, &id);
	nodemap_free(&m);
	if (rc || ledger_client_status(10000, &st) || st.status != 0)
		return false;
	for (uint32_t i = 0; i < st.nnodes; i++)
		if (st.nodes[i].nodeid == id)
			return !st.nodes[i].member && st.nodes[i].dead;
	return false;
}

static int drbd_cmd_fence_peer(int argc, char **argv)
{
	const char *peers = getenv("DRBD_PEERS");
	char list[512], *save = NULL;

	if (ferryctl_wants_help(argc, argv) || argc != 1) {
		fprintf(argc == 1 ? stdout : stderr,
			"usage: ferryctl drbd fence-peer\n"
			"  DRBD's fence-peer handler (fencing resource-and-stonith): exits 7 when\n"
			"  every peer in DRBD_PEERS is known to be off: lost and fenced (or\n"
			"  confirmed dead) in ferry's ledger, else fenced now through Pacemaker\n"
			"  (stonith_admin --fence). 1 when a peer could not be fenced: DRBD then\n"
			"  keeps I/O frozen rather than risk two writers.\n");
		return argc == 1 ? 0 : FERRYCTL_EXIT_USAGE;
	}
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
		if (peer_dead_in_ledger(p)) {
			flog(FLOG_DRBD, LOG_NOTICE, "fence-peer %s: %s is already fenced (ledger)",
			     getenv("DRBD_RESOURCE") ?: "?", p);
			continue;
		}
		/* Fenced very recently (by Pacemaker itself) counts too. */
		char *argv2[] = {"stonith_admin", "--fence", p, "--tolerance", "120s", "--tag",
				 "ferry-drbd", NULL};
		struct proc_result r;
		int rc = proc_run(argv2, STONITH_TIMEOUT_MS, &r);
		int code = rc ? -1 : proc_exit_code(&r);
		flog(FLOG_DRBD, code ? LOG_ERR : LOG_NOTICE, "fence-peer %s: stonith_admin --fence %s: %s",
		     getenv("DRBD_RESOURCE") ?: "?", p, code ? proc_err_tail(&r) : "fenced");
		proc_result_free(&r);
		if (code)
			return FENCE_PEER_FAILED;
	}
	return FENCE_PEER_STONITHED;
}

int cmd_drbd(int argc, char **argv)
{
	static const struct ferryctl_command sub[] = {
		{"up", drbd_cmd_up, "bring a resource up (Secondary), no-op when up"},
		{"promote", drbd_cmd_promote, "become Primary, refusing unsafe cases"},
		{"demote", drbd_cmd_demote, "become Secondary, naming who holds it open"},
		{"window", drbd_cmd_window, "open|close the dual-primary window"},
		{"wait-synced", drbd_cmd_wait_synced, "wait until UpToDate on both sides"},
		{"status", drbd_cmd_status, "role, disks, connection, window"},
		{"fence-peer", drbd_cmd_fence_peer, "DRBD's fence-peer handler (see --help)"},
	};
	return ferryctl_dispatch("drbd", sub, sizeof(sub) / sizeof(sub[0]), drbd_help, argc, argv);
}
