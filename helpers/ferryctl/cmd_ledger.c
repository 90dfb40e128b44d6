/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ferryctl ledger ...`: ferryd's replicated ownership ledger. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qb/qblog.h>

#include "command.h"
#include "ferry_status.h"
#include "ferryctl.h"
#include "replica.h"
#include "ledger_client.h"
#include "names.h"
#include "nodemap.h"
#include "numparse.h"

/* Exit statuses: one per verdict, documented in --help and the README. */
static const struct {
	int status;
	int code;
} exits[] = {
	{ FERRY_OK, 0 },          { FERRY_E_INTERNAL, 1 },  { FERRY_E_INVAL, 2 },
	{ FERRY_E_OWNED, 3 },     { FERRY_E_NOQUORUM, 4 },  { FERRY_E_NOTFENCED, 5 },
	{ FERRY_E_CONFLICT, 6 },  { FERRY_E_NOTOWNER, 7 },  { FERRY_E_STATE, 8 },
	{ FERRY_E_BUSY, 9 },      { FERRY_E_NOTMEMBER, 10 }, { FERRY_E_ALIVE, 11 },
	{ FERRY_E_STALE, 12 },    { FERRY_E_TIMEDOUT, 13 }, { FERRY_E_UNREACHABLE, 14 },
	{ FERRY_E_PERM, 15 },
};

static const char exit_help[] =
	"exit codes:\n"
	"   0  granted / done\n"
	"   1  internal error\n"
	"   2  bad usage or invalid request\n"
	"   3  refused: the domain is owned by another node (named in the message)\n"
	"   4  refused: this partition has no quorum\n"
	"   5  refused: orphaned, and its old owner (or, after a cold start, a node not\n"
	"      seen since) is neither fenced nor confirmed dead\n"
	"   6  refused: the domain is in CONFLICT (running on two nodes)\n"
	"   7  refused: this node is not the owner (or migration source/target)\n"
	"   8  refused: the domain is not in a state that allows this\n"
	"   9  refused: the domain is migrating\n"
	"  10  refused: the target node does not run ferryd in this partition\n"
	"  11  refused: confirm-dead of a node that is a live member\n"
	"  12  refused: stale epoch\n"
	"  13  timed out (for a sent request the outcome is unknown: check 'show')\n"
	"  14  ferryd is not reachable on this node\n"
	"  15  ferryd refused this client (root only)\n";

struct opts {
	uint32_t timeout_ms;
	bool json;
	bool brief;
	uint64_t epoch;
	struct nodemap nodes;
	bool have_nodes;
};

static int exit_of(int status)
{
	for (size_t i = 0; i < sizeof(exits) / sizeof(exits[0]); i++)
		if (exits[i].status == status)
			return exits[i].code;
	return 1;
}

static const char *node_name(struct opts *o, uint32_t id, char *buf, size_t len)
{
	const char *n = NULL;

	if (id == 0)
		return "-";
	if (!o->have_nodes)
		o->have_nodes = nodemap_load(&o->nodes) == 0;
	if (o->have_nodes)
		n = nodemap_name(&o->nodes, id);
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "node%u", id);
	return buf;
}

static int resolve_node(struct opts *o, const char *arg, uint32_t *id)
{
	if (!o->have_nodes)
		o->have_nodes = nodemap_load(&o->nodes) == 0;
	if (nodemap_resolve(&o->nodes, arg, id) == 0)
		return 0;
	fprintf(stderr, "ferryctl: unknown node '%s' (not a name in corosync's nodelist nor a nodeid)\n",
		arg);
	return -ENOENT;
}

static void age(uint64_t now_ms, uint64_t then_ms, char *buf, size_t len)
{
	uint64_t s = now_ms > then_ms ? (now_ms - then_ms) / 1000 : 0;

	if (s < 120)
		snprintf(buf, len, "%" PRIu64 "s", s);
	else if (s < 7200)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, (s / 60) % 60);
}

/* ---- one line about a verdict ---- */

static int report(struct opts *o, const char *cmd, const char *name, int rc,
		  const struct ferry_ipc_reply *r)
{
	int v = ledger_client_verdict(rc, r->status);
	const struct ledger_entry *e = &r->entry;
	char a[64], b[64], t[32], what[200];

	/* "claim vm1" or just "status": the prefix of every line below */
	snprintf(what, sizeof(what), "%s%s%s", cmd, name[0] ? " " : "", name);

	switch (v) {
	case FERRY_OK:
		if (e->state == LEDGER_FREE)
			printf("%s: ok (free, epoch %" PRIu64 ")\n", what, e->epoch);
		else if (e->state == LEDGER_MIGRATING)
			printf("%s: ok (migrating from %s to %s, epoch %" PRIu64 ")\n", what,
			       node_name(o, e->owner, a, sizeof(a)), node_name(o, e->peer, b, sizeof(b)),
			       e->epoch);
		else if (e->owner)
			printf("%s: ok (owner %s, epoch %" PRIu64 ")\n", what,
			       node_name(o, e->owner, a, sizeof(a)), e->epoch);
		else
			printf("%s: ok\n", what);
		break;
	case FERRY_E_OWNED:
	case FERRY_E_NOTOWNER:
		fprintf(stderr, "%s: refused: %s is owned by %s (nodeid %u, %s, epoch %" PRIu64 ")\n",
			what, name, node_name(o, e->owner, a, sizeof(a)), e->owner,
			ledger_state_name(e->state), e->epoch);
		break;
	case FERRY_E_NOTFENCED:
		if (e->state == LEDGER_FREE) { /* an unseen node blocks it */
			fprintf(stderr,
				"%s: refused: %s (nodeid %u) has not joined since the ledger was "
				"rebuilt from nothing and is neither fenced nor confirmed dead: it may "
				"be running %s. Start ferryd there, or if you know it is off: ferryctl "
				"ledger confirm-dead %s\n",
				what, node_name(o, e->peer, a, sizeof(a)), e->peer, name,
				node_name(o, e->peer, b, sizeof(b)));
			break;
		}
		age(r->now_ms, e->since_ms, t, sizeof(t));
		fprintf(stderr,
			"%s: refused: %s is ORPHANED for %s; its owner %s (nodeid %u) is neither "
			"fenced nor confirmed dead. Wait for fencing, or if you know it is off: "
			"ferryctl ledger confirm-dead %s\n",
			what, name, t, node_name(o, e->owner, a, sizeof(a)), e->owner,
			node_name(o, e->owner, b, sizeof(b)));
		break;
	case FERRY_E_CONFLICT:
		fprintf(stderr, "%s: refused: %s is in CONFLICT: running on %s and on %s\n", what,
			name, node_name(o, e->owner, a, sizeof(a)),
			node_name(o, e->peer, b, sizeof(b)));
		break;
	case FERRY_E_BUSY:
		fprintf(stderr, "%s: refused: %s is migrating from %s to %s\n", what, name,
			node_name(o, e->owner, a, sizeof(a)), node_name(o, e->peer, b, sizeof(b)));
		break;
	case FERRY_E_UNREACHABLE:
		fprintf(stderr, "%s: ferryd is not reachable on this node (is it running?)\n", what);
		break;
	case FERRY_E_PERM:
		fprintf(stderr, "%s: ferryd refused this client: only root may use it\n", what);
		break;
	default:
		fprintf(stderr, "%s: %s: %s\n", what,
			v == FERRY_E_TIMEDOUT ? "timed out" : "refused",
			rc == 0 && r->reason[0] ? r->reason : ferry_status_text(v));
		break;
	}
	return exit_of(v);
}

/* ---- domain commands ---- */

static int run_claim(struct opts *o, int argc, char **argv)
{
	struct ferry_ipc_reply r;

	(void)argc;
	return report(o, "claim", argv[0], ledger_client_claim(argv[0], o->timeout_ms, &r), &r);
}

static int run_release(struct opts *o, int argc, char **argv)
{
	struct ferry_ipc_reply r;

	(void)argc;
	return report(o, "release", argv[0], ledger_client_release(argv[0], o->timeout_ms, &r), &r);
}

static int run_begin(struct opts *o, int argc, char **argv)
{
	struct ferry_ipc_reply r;
	uint32_t target;

	(void)argc;
	if (resolve_node(o, argv[1], &target) < 0)
		return FERRYCTL_EXIT_USAGE;
	return report(o, "migrate-begin", argv[0],
		      ledger_client_migrate_begin(argv[0], target, o->timeout_ms, &r), &r);
}

static int run_commit(struct opts *o, int argc, char **argv)
{
	struct ferry_ipc_reply r;

	(void)argc;
	return report(o, "migrate-commit", argv[0],
		      ledger_client_migrate_commit(argv[0], o->epoch, o->timeout_ms, &r), &r);
}

static int run_abort(struct opts *o, int argc, char **argv)
{
	struct ferry_ipc_reply r;

	(void)argc;
	return report(o, "migrate-abort", argv[0],
		      ledger_client_migrate_abort(argv[0], o->epoch, o->timeout_ms, &r), &r);
}

static int run_confirm(struct opts *o, int argc, char **argv)
{
	struct ferry_ipc_reply r;
	uint32_t id;
	int rc, v;
	char a[64];

	(void)argc;
	if (resolve_node(o, argv[0], &id) < 0)
		return FERRYCTL_EXIT_USAGE;
	rc = ledger_client_confirm_dead(id, o->timeout_ms, &r);
	v = ledger_client_verdict(rc, r.status);
	if (v == FERRY_OK) {
		printf("confirm-dead %s: recorded: %s (nodeid %u) is off; its orphaned domains may be "
		       "claimed\n",
		       argv[0], node_name(o, id, a, sizeof(a)), id);
		return 0;
	}
	if (v == FERRY_E_ALIVE) {
		fprintf(stderr, "confirm-dead %s: refused: %s (nodeid %u) is a live member of the group\n",
			argv[0], node_name(o, id, a, sizeof(a)), id);
		return exit_of(v);
	}
	return report(o, "confirm-dead", argv[0], rc, &r);
}

/* ---- status and show ---- */

static void print_status_text(struct opts *o, const struct ferry_ipc_status *s)
{
	char a[64], t[32];

	printf("node %s (nodeid %u): %s, %s", node_name(o, s->nodeid, a, sizeof(a)), s->nodeid,
	       s->synced ? "in sync" : "NOT in sync yet", s->quorate ? "quorate" : "NOT QUORATE");
	if (!s->rings_agree)
		printf(" (waiting for the CPG and quorum rings to agree)");
	printf("\nmembers:");
	for (uint32_t i = 0; i < s->nmembers; i++)
		printf(" %s", node_name(o, s->members[i], a, sizeof(a)));
	printf("\nledger: version %" PRIu64 ", ", s->version);
	switch (s->start) {
	case REPLICA_START_COLD:
		printf("cold start here (rebuilt from reports)");
		break;
	case REPLICA_START_LIVE:
		printf("transferred from %s", node_name(o, s->sync_source, a, sizeof(a)));
		break;
	case REPLICA_START_WARM:
		printf("WARM START here from %s's ledger.state", node_name(o, s->sync_source, a, sizeof(a)));
		break;
	default:
		printf("not installed yet");
		break;
	}
	if (s->start == REPLICA_START_LIVE && s->origin == REPLICA_START_WARM)
		printf(", a ledger that began with a WARM START (restored from ledger.state: nodes "
		       "absent then were lost or unseen)");
	else if (s->start == REPLICA_START_LIVE && s->origin == REPLICA_START_COLD)
		printf(", a ledger that began with a cold start");
	printf("; this ferryd %s its own ledger.state at start\n",
	       s->restored ? "restored" : "did not restore");
	for (uint32_t i = 0; i < s->nnodes; i++) {
		const struct ledger_node *n = &s->nodes[i];

		if (n->member || !n->lost_gen)
			continue;
		age(s->now_ms, n->lost_at_ms, t, sizeof(t));
		if (n->unseen && !n->dead)
			printf("unseen: %s (nodeid %u) has not joined since the cold start %s ago and "
			       "is NOT fenced: no free domain can be claimed until it joins, is fenced "
			       "or confirmed dead\n",
			       node_name(o, n->nodeid, a, sizeof(a)), n->nodeid, t);
		else
			printf("lost: %s (nodeid %u) %s ago, %s\n", node_name(o, n->nodeid, a, sizeof(a)),
			       n->nodeid, t,
			       n->dead ? "fenced or confirmed dead"
				       : "NOT fenced: its domains stay down until fencing or "
					 "confirm-dead");
	}
	if (s->fencing_api == 0)
		printf("fencing: Pacemaker's fencing API is not available: only 'confirm-dead' can "
		       "release orphaned domains\n");
}

static const char *start_word(int s)
{
	switch (s) {
	case REPLICA_START_COLD:
		return "cold";
	case REPLICA_START_LIVE:
		return "transfer";
	case REPLICA_START_WARM:
		return "warm";
	default:
		return "none";
	}
}

static void print_status_json(struct opts *o, const struct ferry_ipc_status *s, bool open)
{
	char a[64];

	printf("{\"node\":{\"id\":%u,\"name\":", s->nodeid);
	json_string(stdout, node_name(o, s->nodeid, a, sizeof(a)));
	printf("},\"pid\":%u,\"synced\":%s,\"quorate\":%s,\"rings_agree\":%s,"
	       "\"cpg_ring\":%" PRIu64 ",\"quorum_ring\":%" PRIu64 ",\"fencing_api\":%u,"
	       "\"domains\":%u,\"digest\":\"%016" PRIx64 "\",\"pending\":%u,\"send_queue\":%u,"
	       "\"sync_source\":%u,\"last_sync_ms\":%" PRIu64 ",\"join_to_sync_ms\":%" PRIu64
	       ",\"start_to_sync_ms\":%" PRIu64 ",\"uptime_ms\":%" PRIu64 ",",
	       s->pid, s->synced ? "true" : "false", s->quorate ? "true" : "false",
	       s->rings_agree ? "true" : "false", s->cpg_ring, s->quorum_ring, s->fencing_api,
	       s->ndomains, s->digest, s->pending, s->send_queue, s->sync_source, s->last_sync_ms,
	       s->first_sync_ms, s->start_to_sync_ms, s->uptime_ms);
	printf("\"version\":%" PRIu64 ",\"start\":\"%s\",\"origin\":\"%s\",\"restored\":%s,",
	       s->version, start_word(s->start), start_word(s->origin),
	       s->restored ? "true" : "false");
	printf("\"members\":[");
	for (uint32_t i = 0; i < s->nmembers; i++)
		printf("%s%u", i ? "," : "", s->members[i]);
	printf("],\"lost\":[");
	for (uint32_t i = 0, k = 0; i < s->nnodes; i++) {
		const struct ledger_node *n = &s->nodes[i];

		if (n->member || !n->lost_gen)
			continue;
		printf("%s{\"id\":%u,\"name\":", k++ ? "," : "", n->nodeid);
		json_string(stdout, node_name(o, n->nodeid, a, sizeof(a)));
		printf(",\"lost_for_ms\":%" PRIu64 ",\"fenced\":%s,\"unseen\":%s}",
		       s->now_ms > n->lost_at_ms ? s->now_ms - n->lost_at_ms : 0,
		       n->dead ? "true" : "false", n->unseen ? "true" : "false");
	}
	printf("]%s", open ? "" : "}\n");
}

static int get_status(struct opts *o, struct ferry_ipc_status *s)
{
	int rc = ledger_client_status(o->timeout_ms, s);
	int v = ledger_client_verdict(rc, rc == 0 ? s->status : 0);

	if (v != FERRY_OK)
		return report(o, "status", "", rc, &(struct ferry_ipc_reply){ .status = v });
	return 0;
}

static int run_status(struct opts *o, int argc, char **argv)
{
	struct ferry_ipc_status s;
	int rc;

	(void)argc;
	(void)argv;
	rc = get_status(o, &s);
	if (rc)
		return rc;
	if (o->json)
		print_status_json(o, &s, false);
	else
		print_status_text(o, &s);
	return 0;
}

struct show_ctx {
	struct opts *o;
	size_t n;
};

static int show_one(const struct ledger_entry *e, uint64_t now_ms, void *arg)
{
	struct show_ctx *c = arg;
	struct opts *o = c->o;
	char a[64], b[64], t[32], detail[200] = "";

	if (o->brief) {
		printf("%s %s %u %" PRIu64 " %u %u\n", e->name, ledger_state_name(e->state), e->owner,
		       e->epoch, e->peer, e->owner_dead);
	} else if (o->json) {
		printf("%s{\"name\":", c->n ? "," : "");
		json_string(stdout, e->name);
		printf(",\"state\":\"%s\",\"owner\":%u,\"owner_name\":", ledger_state_name(e->state),
		       e->owner);
		json_string(stdout, e->owner ? node_name(o, e->owner, a, sizeof(a)) : "");
		printf(",\"peer\":%u,\"epoch\":%" PRIu64, e->peer, e->epoch);
		if (e->state == LEDGER_ORPHANED)
			printf(",\"orphaned_for_ms\":%" PRIu64 ",\"owner_fenced\":%s",
			       now_ms > e->since_ms ? now_ms - e->since_ms : 0,
			       e->owner_dead ? "true" : "false");
		printf("}");
	} else {
		switch (e->state) {
		case LEDGER_MIGRATING:
			snprintf(detail, sizeof(detail), "to %s", node_name(o, e->peer, b, sizeof(b)));
			break;
		case LEDGER_ORPHANED:
			age(now_ms, e->since_ms, t, sizeof(t));
			snprintf(detail, sizeof(detail), "for %s, %s", t,
				 e->owner_dead ? "owner fenced: may be claimed"
					       : "owner NOT fenced: waiting for fencing or confirm-dead");
			break;
		case LEDGER_CONFLICT:
			snprintf(detail, sizeof(detail), "also running on %s",
				 node_name(o, e->peer, b, sizeof(b)));
			break;
		default:
			break;
		}
		printf("%-24s %-10s %-12s %6" PRIu64 "  %s\n", e->name, ledger_state_name(e->state),
		       e->owner ? node_name(o, e->owner, a, sizeof(a)) : "-", e->epoch, detail);
	}
	c->n++;
	return 0;
}

static int run_show(struct opts *o, int argc, char **argv)
{
	struct ferry_ipc_status s;
	struct show_ctx c = { o, 0 };
	int rc, status = FERRY_OK;

	(void)argc;
	(void)argv;
	if (!o->brief) {
		rc = get_status(o, &s);
		if (rc)
			return rc;
		if (o->json) {
			print_status_json(o, &s, true);
			printf(",\"ledger\":[");
		} else {
			print_status_text(o, &s);
			printf("\n%-24s %-10s %-12s %6s  %s\n", "DOMAIN", "STATE", "OWNER", "EPOCH",
			       "DETAIL");
		}
	}
	rc = ledger_client_show(show_one, &c, o->timeout_ms, &status);
	if (o->json && !o->brief)
		printf("]}\n");
	if (rc < 0 || status != FERRY_OK)
		return report(o, "show", "", rc, &(struct ferry_ipc_reply){ .status = status });
	return 0;
}

static int run_dump(struct opts *o, int argc, char **argv)
{
	char path[256];
	int rc, saved, null;

	(void)argc;
	(void)argv;
	rc = ledger_client_dump(path, sizeof(path), o->timeout_ms);
	if (rc < 0)
		return report(o, "dump", "", rc == -EIO ? 0 : rc,
			      &(struct ferry_ipc_reply){ .status = FERRY_E_INTERNAL });
	if (access(path, R_OK) < 0) {
		fprintf(stderr, "dump: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* libqb 2.0 reads the ring until the read fails, then perror()s
	 * "qb_rb_chunk_read failed: Connection timed out" and returns -EIO even
	 * at a normal end, so its verdict and its stderr mean nothing here;
	 * corruption is reported on stdout, which stays. */
	fflush(stdout);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
	qb_log_blackbox_print_from_file(path);
	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	return 0;
}

#define STR(x)  #x
#define XSTR(x) STR(x)

/* The options of @a as the commands above read them. */
static struct opts opts_of(const struct cmd_args *a)
{
	return (struct opts){
		.timeout_ms = (uint32_t)cmd_int(a, "timeout", 0) * 1000,
		.json = cmd_declares(a, "json") && cmd_has(a, "json"),
		.brief = cmd_declares(a, "brief") && cmd_has(a, "brief"),
		.epoch = cmd_declares(a, "epoch") ? (uint64_t)cmd_int(a, "epoch", 0) : 0,
	};
}

/* Runs one of the commands above with the options of @a. */
static int with_opts(struct cmd_args *a, int (*run)(struct opts *o, int argc, char **argv))
{
	struct opts o = opts_of(a);
	int rc = run(&o, a->argc, a->argv);

	if (o.have_nodes)
		nodemap_free(&o.nodes);
	return rc;
}

#define LEDGER_CMD(fn)                                                                             \
	static int cmd_##fn(struct cmd_args *a)                                                    \
	{                                                                                          \
		return with_opts(a, fn);                                                           \
	}
LEDGER_CMD(run_show)
LEDGER_CMD(run_status)
LEDGER_CMD(run_claim)
LEDGER_CMD(run_release)
LEDGER_CMD(run_begin)
LEDGER_CMD(run_commit)
LEDGER_CMD(run_abort)
LEDGER_CMD(run_confirm)
LEDGER_CMD(run_dump)

static const struct cmd_option show_opts[] = {
	{"json", 0, CMD_FLAG, .help = "machine-readable output"},
	{"brief", 0, CMD_FLAG,
	 .help = "one 'name state owner epoch peer fenced' line per domain,\n"
		 "without ages (for comparing nodes)"},
	{NULL},
};
static const struct cmd_option json_opt[] = {
	{"json", 0, CMD_FLAG, .help = "machine-readable output"},
	{NULL},
};
static const struct cmd_option epoch_opt[] = {
	{"epoch", 0, CMD_INT, "N", 0, INT64_MAX, .help = "refuse unless the epoch is N"},
	{NULL},
};
static const struct cmd_option ledger_opts[] = {
	{"timeout", 't', CMD_INT, "SECONDS", 1, 3600,
	 .help = "how long ferryd may take (default " XSTR(FERRY_IPC_DEFAULT_TIMEOUT_S) ")"},
	{NULL},
};

static const struct cmd_entry entries[] = {
	{"show", "", "the ledger, with quorum, members, lost nodes and ages", NULL, show_opts,
	 cmd_run_show},
	{"status", "", "ferryd's view: sync, quorum, members, lost nodes", NULL, json_opt,
	 cmd_run_status},
	{"claim", "DOMAIN", "make this node the owner (granted when free)", NULL, NULL,
	 cmd_run_claim},
	{"release", "DOMAIN", "give up a domain this node owns", NULL, NULL, cmd_run_release},
	{"migrate-begin", "DOMAIN TARGET_NODE", "start handing a domain over", NULL, NULL,
	 cmd_run_begin},
	{"migrate-commit", "DOMAIN", "the target becomes the owner", NULL, epoch_opt,
	 cmd_run_commit},
	{"migrate-abort", "DOMAIN", "the source keeps the domain", NULL, epoch_opt, cmd_run_abort},
	{"confirm-dead", "NODE", "an operator's word that NODE is off (like stonith_admin --confirm)",
	 NULL, NULL, cmd_run_confirm},
	{"dump", "", "print ferryd's blackbox log ring", NULL, NULL, cmd_run_dump},
};

static const char ledger_help[] =
	"NODE and TARGET_NODE are corosync node names or nodeids. DOMAIN is 1..63\n"
	"bytes of letters, digits and ._:+@-, not beginning with '-', not all digits\n"
	"(README, \"Names and numbers\").\n";

const struct cmd_group ledger_group = {
	.name = "ledger",
	.summary = "the replicated ownership ledger kept by ferryd",
	.entries = entries,
	.n = sizeof(entries) / sizeof(entries[0]),
	.options = ledger_opts,
	.help = ledger_help,
	.exits = exit_help,
};

static const struct cmd_entry dump_entry[] = {
	{NULL, "", "print ferryd's blackbox log ring (same as 'ledger dump')", NULL, NULL,
	 cmd_run_dump},
};

const struct cmd_group dump_group = {
	.name = "dump",
	.summary = "print ferryd's blackbox log ring (same as 'ledger dump')",
	.entries = dump_entry,
	.n = 1,
	.options = ledger_opts,
	.exits = exit_help,
};
