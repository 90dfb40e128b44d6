/* ferryctl domain: libxl domain control on this node. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"

#include "command.h"
#include "ferryctl.h"
#include "ledger_lookup.h"
#include "clock.h"
#include "migrate.h"
#include "migrate_slots.h"
#include "names.h"
#include "nodemap.h"
#include "numparse.h"
#include "peer.h"
#include "supervise_mark.h"
#include "xen.h"

/* ferryctl domain status exit codes. */
#define EXIT_ABSENT    3
#define EXIT_SHUTDOWN  4
#define EXIT_DYING     5
#define EXIT_MIGRATING 6

/* Xen's DOMID_FIRST_RESERVED (xen/xen.h) less one: the last guest domid. */
#define GUEST_DOMID_MAX 0x7FEF

static int open_xen(struct xen **x)
{
	if (xen_open(x)) {
		fprintf(stderr, "ferryctl: libxl unavailable: not a Xen dom0, or xenstored not running\n");
		return -1;
	}
	return 0;
}

/* A DOMAIN or NODE operand: checked before it goes anywhere. */
static int check_name(enum name_kind kind, const char *name)
{
	char why[400];

	if (name_check(kind, name, why, sizeof(why)) == 0)
		return 0;
	fprintf(stderr, "ferryctl: %s\n", why);
	return -1;
}

/* Resolves DOMAIN to a live-or-not domid; prints an error when absent. */
static int find_domain(struct xen *x, const char *name, struct xen_status *st)
{
	int rc = xen_status_get(x, name, st);

	if (rc) {
		fprintf(stderr, "ferryctl: %s: %s\n", name, strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	if (st->state == XEN_ABSENT) {
		fprintf(stderr, "ferryctl: no domain %s on this node\n", name);
		return EXIT_ABSENT;
	}
	return 0;
}

static int domain_create(struct cmd_args *a)
{
	const char *file = a->argv[0];
	bool paused = cmd_has(a, "paused");
	libxl_domain_config cfg;
	struct xen *x;
	uint32_t domid;
	int rc;

	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	libxl_domain_config_init(&cfg);
	rc = xen_config_load(x, file, &cfg);
	if (rc == 0 && check_name(NAME_DOMAIN, cfg.c_info.name)) {
		libxl_domain_config_dispose(&cfg);
		xen_close(x);
		return FERRYCTL_EXIT_USAGE; /* ferry could not manage it afterwards */
	}
	if (rc == 0) {
		struct xen_status st;
		if (xen_status_get(x, cfg.c_info.name, &st) == 0 && st.state != XEN_ABSENT) {
			fprintf(stderr, "ferryctl: a domain %s already exists here (domid %u, %s)\n",
				st.name, st.domid, xen_state_name(st.state));
			rc = -EEXIST;
		}
	}
	if (rc == 0)
		rc = xen_create(x, &cfg, file, paused, 0, &domid);
	if (rc == 0)
		printf("%s: domid %u%s\n", cfg.c_info.name, domid, paused ? " (paused)" : "");
	else
		fprintf(stderr, "ferryctl: create %s failed: %s\n", file, strerror(-rc));
	libxl_domain_config_dispose(&cfg);
	xen_close(x);
	return rc ? FERRYCTL_EXIT_ERROR : 0;
}

static const char *reason_name(libxl_shutdown_reason r)
{
	const char *s = libxl_shutdown_reason_to_string(r);
	return s ? s : "unknown";
}

static void status_json(FILE *f, const struct xen_status *st)
{
	fprintf(f, "{\"name\": ");
	json_string(f, st->name);
	fprintf(f, ", \"state\": \"%s\"", st->migrating ? "migrating" : xen_state_name(st->state));
	if (st->state != XEN_ABSENT) {
		fprintf(f, ", \"domid\": %u, \"xen_state\": \"%s\"", st->domid,
			xen_state_name(st->state));
		if (st->state == XEN_SHUTDOWN)
			fprintf(f, ", \"shutdown_reason\": \"%s\"", reason_name(st->shutdown_reason));
		if (st->migrating)
			fprintf(f, ", \"migrating\": \"%s\"",
				st->migrating == XEN_FLIGHT_INCOMING ? "incoming" : "migratedaway");
		fprintf(f, ", \"type\": \"%s\", \"managed\": %s, \"mem_kib\": %llu",
			libxl_domain_type_to_string(st->type) ?: "unknown",
			st->managed ? "true" : "false", (unsigned long long)st->mem_kb);
	}
	fprintf(f, "}");
}

static int domain_status(struct cmd_args *a)
{
	const char *name = a->argv[0];
	struct xen_status st;
	struct xen *x;
	int rc;

	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = xen_status_get(x, name, &st);
	xen_close(x);
	if (rc) {
		fprintf(stderr, "ferryctl: %s: %s\n", name, strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	if (cmd_has(a, "json")) {
		status_json(stdout, &st);
		printf("\n");
	} else if (st.state == XEN_ABSENT) {
		printf("%s: absent\n", name);
	} else {
		printf("%s: %s", name, st.migrating ? "migrating" : xen_state_name(st.state));
		if (st.migrating)
			printf(" (%s, %s)", st.name, xen_state_name(st.state));
		if (st.state == XEN_SHUTDOWN)
			printf(" (%s)", reason_name(st.shutdown_reason));
		printf(", domid %u%s\n", st.domid, st.managed ? ", ferry-managed" : "");
	}
	if (st.migrating)
		return EXIT_MIGRATING;
	switch (st.state) {
	case XEN_ABSENT:
		return EXIT_ABSENT;
	case XEN_SHUTDOWN:
		return EXIT_SHUTDOWN;
	case XEN_DYING:
		return EXIT_DYING;
	default:
		return 0;
	}
}

static int domain_list(struct cmd_args *a)
{
	struct xen_status *list;
	struct xen *x;
	int n, rc;

	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = xen_list(x, &list, &n);
	xen_close(x);
	if (rc) {
		fprintf(stderr, "ferryctl: listing domains: %s\n", strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	if (cmd_has(a, "json")) {
		printf("[");
		for (int k = 0; k < n; k++) {
			printf(k ? ",\n " : "");
			status_json(stdout, &list[k]);
		}
		printf("]\n");
	} else {
		printf("%-32s %6s %-10s %-8s %8s %s\n", "NAME", "DOMID", "STATE", "TYPE", "MEM_MIB",
		       "FERRY");
		for (int k = 0; k < n; k++) {
			const struct xen_status *s = &list[k];
			printf("%-32s %6u %-10s %-8s %8llu %s\n", s->name, s->domid,
			       s->state == XEN_SHUTDOWN ? reason_name(s->shutdown_reason)
							: xen_state_name(s->state),
			       libxl_domain_type_to_string(s->type) ?: "?",
			       (unsigned long long)(s->mem_kb / 1024), s->managed ? "managed" : "-");
		}
	}
	free(list);
	return 0;
}

static int domain_shutdown(struct cmd_args *a)
{
	static const char *const how_name[] = {"cleanly", "cleanly (ACPI power button)",
					       "by destroy at the deadline"};
	struct xen_status st;
	struct xen *x;
	int rc, how = 0;

	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = find_domain(x, a->argv[0], &st);
	if (rc == 0) {
		rc = xen_shutdown(x, st.domid, (int)cmd_int(a, "timeout", 60) * 1000, &how);
		if (rc == 0)
			printf("%s: stopped %s\n", st.name, how_name[how]);
		else
			fprintf(stderr, "ferryctl: shutdown %s: %s\n", st.name, strerror(-rc));
		rc = rc ? FERRYCTL_EXIT_ERROR : 0;
	}
	xen_close(x);
	return rc;
}

/* destroy, pause, unpause: one domain, one libxl call. */
static int domain_simple(struct cmd_args *a, const char *verb, int (*op)(struct xen *, uint32_t))
{
	struct xen_status st;
	struct xen *x;
	int rc;

	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = find_domain(x, a->argv[0], &st);
	if (rc == 0) {
		rc = op(x, st.domid);
		if (rc)
			fprintf(stderr, "ferryctl: %s %s: %s\n", verb, st.name, strerror(-rc));
		else
			printf("%s: %s ok\n", st.name, verb);
		rc = rc ? FERRYCTL_EXIT_ERROR : 0;
	}
	xen_close(x);
	return rc;
}

static int domain_destroy(struct cmd_args *a)
{
	return domain_simple(a, "destroy", xen_destroy);
}

static int domain_pause(struct cmd_args *a)
{
	return domain_simple(a, "pause", xen_pause);
}

static int domain_unpause(struct cmd_args *a)
{
	return domain_simple(a, "unpause", xen_unpause);
}

static int domain_save(struct cmd_args *a)
{
	const char *name = a->argv[0], *file = a->argv[1];
	struct xen_status st;
	struct xen *x;
	int rc;

	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = find_domain(x, name, &st);
	if (rc == 0) {
		rc = xen_save(x, st.domid, file);
		if (rc)
			fprintf(stderr, "ferryctl: save %s: %s\n", st.name, strerror(-rc));
		else
			printf("%s: saved to %s\n", st.name, file);
		rc = rc ? FERRYCTL_EXIT_ERROR : 0;
	}
	xen_close(x);
	return rc;
}

static int domain_restore(struct cmd_args *a)
{
	const char *file = a->argv[0];
	struct xen *x;
	uint32_t domid;
	int rc;

	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = xen_restore(x, file, cmd_has(a, "paused"), &domid);
	if (rc)
		fprintf(stderr, "ferryctl: restore %s: %s\n", file, strerror(-rc));
	else
		printf("restored %s as domid %u\n", file, domid);
	xen_close(x);
	return rc ? FERRYCTL_EXIT_ERROR : 0;
}

/* Run by ferryd when a ferry-managed domain shut down by itself. */
static int domain_supervise(struct cmd_args *a)
{
	const char *domid_arg = a->argv[0], *reason = a->argv[1];
	struct ledger_entry e;
	struct xen_status st;
	struct xen *x;
	char done[256] = "";
	bool found = false, mine = false;
	uint32_t self = 0;
	int rc;
	char why[256];
	int domid;

	/* A guest's domid: 1 up to the last before Xen's reserved ids. */
	if (num_parse_int("DOMID", domid_arg, 1, GUEST_DOMID_MAX, &domid, why, sizeof(why))) {
		fprintf(stderr, "ferryctl: %s\n", why);
		return FERRYCTL_EXIT_USAGE;
	}
	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = xen_status_domid(x, (uint32_t)domid, &st);
	if (rc == 0 && ledger_lookup(st.name, &e, &found) == 0 && found) {
		struct nodemap m;
		if (nodemap_load(&m) == 0) {
			nodemap_self(&m, &self);
			nodemap_free(&m);
		}
		mine = self && e.owner == self;
	}
	/* Its stop is under way: a restart would race the stop for the
	 * domain's disks and outlive it (supervise_mark.h). */
	if (rc == 0 && mine && supervise_mark_has(st.name, "stopping")) {
		flog(FLOG_XEN, LOG_NOTICE, "%s: its stop is under way: not restarting it", st.name);
		mine = false;
	}
	rc = rc ? rc : xen_on_shutdown(x, st.domid, mine, done, sizeof(done));
	xen_close(x);
	flog(FLOG_XEN, rc ? LOG_ERR : LOG_NOTICE, "%s (domid %s) %s: %s", st.name, domid_arg, reason,
	     done);
	printf("%s: %s\n", st.name, done);
	return rc ? FERRYCTL_EXIT_ERROR : 0;
}

static void metrics_print(const struct migrate_metrics *m, bool json)
{
	if (json) {
		printf("{\"domain\": ");
		json_string(stdout, m->domain);
		printf(", \"target\": ");
		json_string(stdout, m->target);
		printf(", \"result\": \"%s\", \"live\": %s, \"total_ms\": %lld, "
		       "\"downtime_ms\": %lld, \"bytes\": %llu, \"mib_per_s\": %.1f, "
		       "\"encrypted\": %s, \"ktls\": %s, \"speed_mib_s\": %u, \"cipher\": ",
		       migrate_result_name(m->result), m->live ? "true" : "false",
		       (long long)m->total_ms, (long long)m->downtime_ms, (unsigned long long)m->bytes,
		       m->mib_per_s, m->encrypted ? "true" : "false", m->ktls ? "true" : "false",
		       m->speed_mib_s);
		json_string(stdout, m->cipher);
		printf(", \"why\": ");
		json_string(stdout, m->why);
		printf("}\n");
		return;
	}
	if (m->result == MIGRATE_OK)
		printf("%s: migrated to %s (%s): total %lld ms, downtime %lld ms, %.1f MiB at "
		       "%.1f MiB/s, %s%s\n",
		       m->domain, m->target, m->live ? "live" : "non-live", (long long)m->total_ms,
		       (long long)m->downtime_ms, (double)m->bytes / 1048576.0, m->mib_per_s,
		       m->encrypted ? m->cipher : "not encrypted", m->ktls ? " (kTLS)" : "");
}

static int domain_migrate(struct cmd_args *a)
{
	const char *domain = a->argv[0], *node = a->argv[1];
	struct migrate_opts mo = {.live = !cmd_has(a, "suspend")};
	int slot_wait = (int)cmd_int(a, "slot-wait", 600);
	struct migrate_metrics m;
	struct migrate_slot slot;
	struct peer_opts po;
	struct peer *p;
	struct xen *x;
	char why[PEER_WHY_MAX];
	int rc;

	peer_opts_init(&po);
	po.encrypt = !cmd_has(a, "no-encryption");
	po.address = cmd_text(a, "address", po.address);
	po.port = (int)cmd_int(a, "port", po.port);
	po.keyfile = cmd_text(a, "keyfile", po.keyfile);
	po.speed_mib_s = (unsigned)cmd_int(a, "speed", 0);
	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	struct xen_status st;
	rc = find_domain(x, domain, &st);
	if (rc) {
		xen_close(x);
		return rc;
	}
	/* Every outbound migration of this node takes a slot, however it
	 * was started. */
	if (migrate_slot_take(domain, 0, &slot, why, sizeof(why)) == -ETIMEDOUT &&
	    slot_wait > 0) {
		fprintf(stderr, "ferryctl: migrate %s: waiting up to %d s for an outbound migration "
			"slot: %s\n", domain, slot_wait, why);
		rc = migrate_slot_take(domain, clock_ms() + (int64_t)slot_wait * 1000, &slot, why,
				       sizeof(why));
	} else {
		rc = slot.fd >= 0 ? 0 : -ETIMEDOUT;
	}
	if (rc) {
		fprintf(stderr, "ferryctl: migrate %s refused: %s\n", domain, why);
		xen_close(x);
		return FERRYCTL_EXIT_REFUSED;
	}
	rc = peer_connect(node, &po, &p, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "ferryctl: migrate %s refused: %s\n", domain, why);
		migrate_slot_release(&slot);
		xen_close(x);
		return FERRYCTL_EXIT_REFUSED;
	}
	enum migrate_result res = migrate_send(x, p, domain, &mo, &m);
	peer_close(p);
	migrate_slot_release(&slot);
	xen_close(x);
	metrics_print(&m, cmd_has(a, "json"));
	if (res != MIGRATE_OK)
		fprintf(stderr, "ferryctl: migrate %s to %s: %s: %s\n", m.domain, m.target,
			res == MIGRATE_REFUSED	   ? "refused, nothing changed"
			: res == MIGRATE_ROLLED_BACK ? "failed before go, the domain runs here"
						     : "FAILED AFTER GO, check both nodes",
			m.why);
	return res == MIGRATE_OK ? 0 : res == MIGRATE_REFUSED ? FERRYCTL_EXIT_REFUSED :
	       res == MIGRATE_ROLLED_BACK ? FERRYCTL_EXIT_ROLLED_BACK : FERRYCTL_EXIT_UNCERTAIN;
}

static void print_record(const char *record, size_t len, void *arg)
{
	(void)arg;
	printf("%.*s\n", (int)len, record);
}

static int domain_migrations(struct cmd_args *a)
{
	unsigned skipped = 0;
	FILE *f;
	int rc;

	f = fopen(migrate_history_path(), "r");
	if (!f)
		return 0; /* no migration yet */
	rc = migrate_history_tail(f, (unsigned)cmd_int(a, "last", 20), print_record, NULL, &skipped);
	fclose(f);
	if (skipped)
		fprintf(stderr, "ferryctl: %s: %u line%s skipped: not a migration record\n",
			migrate_history_path(), skipped, skipped == 1 ? "" : "s");
	if (rc) {
		fprintf(stderr, "ferryctl: reading %s: %s\n", migrate_history_path(), strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	return 0;
}

static const struct cmd_option create_opts[] = {
	{"paused", 'p', CMD_FLAG, .help = "leave it paused"},
	{NULL},
};
static const struct cmd_option json_opt[] = {
	{"json", 0, CMD_FLAG, .help = "machine-readable output"},
	{NULL},
};
static const struct cmd_option shutdown_opts[] = {
	{"timeout", 't', CMD_INT, "SECONDS", 1, 86400,
	 .help = "destroy it when it has not stopped by then (default 60)"},
	{NULL},
};
static const struct cmd_option migrate_opts[] = {
	{"suspend", 0, CMD_FLAG,
	 .help = "non-live: suspend, copy, resume there (for PV guests on\n"
		 "a Xen without shadow paging)"},
	{"no-encryption", 0, CMD_FLAG,
	 .help = "not encrypted, every record still authenticated (TLS 1.2\n"
		 "NULL cipher; trusted migration network, target\n"
		 "--allow-plain)"},
	{"keyfile", 0, CMD_TEXT, "FILE", .help = "the cluster key (default /etc/ferry/authkey)"},
	{"address", 0, CMD_TEXT, "ADDR", .help = "reach NODE at ADDR (a dedicated migration network)"},
	{"port", 0, CMD_INT, "N", 1, 65535, .help = "NODE's migration port (default 7780)"},
	{"speed", 0, CMD_INT, "MIB_S", 0, 1000000,
	 .help = "cap the stream at MIB_S MiB/s (default 0: no cap)"},
	{"slot-wait", 0, CMD_INT, "S", 0, 86400,
	 .help = "wait at most S seconds (default 600) for one of this\n"
		 "node's outbound migration slots (ferryd\n"
		 "--max-outbound-migrations)"},
	{"json", 0, CMD_FLAG, .help = "the figures as one JSON object"},
	{NULL},
};

static const struct cmd_entry entries[] = {
	{"create", "CONFIG_FILE", "create and start a domain from an xl config file", NULL,
	 create_opts, domain_create},
	{"status", "DOMAIN", "state of a domain (see exit codes)", NULL, json_opt, domain_status},
	{"list", "", "every domain on this node, ferry-managed or not", NULL, json_opt,
	 domain_list},
	{"shutdown", "DOMAIN", "clean shutdown, destroy at the deadline", NULL, shutdown_opts,
	 domain_shutdown},
	{"destroy", "DOMAIN", "destroy a domain at once", NULL, NULL, domain_destroy},
	{"pause", "DOMAIN", "pause a domain", NULL, NULL, domain_pause},
	{"unpause", "DOMAIN", "unpause a domain", NULL, NULL, domain_unpause},
	{"save", "DOMAIN FILE", "save a domain to a file (it stops here)", NULL, NULL, domain_save},
	{"restore", "FILE", "restore a domain from a saved file", NULL, create_opts,
	 domain_restore},
	{"migrate", "DOMAIN NODE", "live-migrate a domain to another node's ferryd",
	 "  Live-migrates DOMAIN to NODE's ferryd (default: its corosync ring0 address,\n"
	 "  port 7780), authenticated with the cluster key and encrypted with TLS 1.3.\n"
	 "  The ledger hands the domain over (MIGRATE_BEGIN, COMMIT or ABORT).\n",
	 migrate_opts, domain_migrate},
	{"supervise", "DOMID REASON", "handle a domain's own shutdown (run by ferryd)",
	 "  Carries out the config's on_reboot/on_poweroff/on_crash/on_watchdog\n"
	 "  for a ferry-managed domain that shut down by itself; restarts only\n"
	 "  if the ledger gives it to this node.\n",
	 NULL, domain_supervise},
};

const struct cmd_group domain_group = {
	.name = "domain",
	.summary = "Xen domains on this node through libxl, and live migration",
	.entries = entries,
	.n = sizeof(entries) / sizeof(entries[0]),
	.help = "DOMAIN is a domain name. An in-flight copy (NAME--incoming on a migration's\n"
		"target, NAME--migratedaway on its source) is found under NAME too.\n"
		"Names are checked (README, \"Names and numbers\"): 1..63 bytes of letters,\n"
		"digits and ._:+@-, not beginning with '-', not all digits.\n",
	.exits = "exit codes: 0 ok, 1 error, 2 usage;\n"
		 "  status: 0 running/blocked/paused, 3 absent, 4 shut down (reason printed),\n"
		 "          5 dying, 6 migrating (an in-flight copy)\n"
		 "  destroy, pause, unpause, save, shutdown: 3 no such domain here\n"
		 "  migrate: 3 no such domain here; 20 refused, nothing changed; 21 failed\n"
		 "           before \"go\": the domain was resumed and runs here, the target's\n"
		 "           copy is destroyed; 22 failed after \"go\": check both nodes (the\n"
		 "           message says what was found on each end)\n",
};

static const struct cmd_option migrations_opts[] = {
	{"last", 'n', CMD_INT, "N", 0, 1000000, .help = "how many (default 20)"},
	{NULL},
};

static const struct cmd_entry migrations_entry[] = {
	{NULL, "", "recent migrations this node sent, with their figures",
	 "  The last N migrations this node sent, oldest first, one JSON object per\n"
	 "  line, from /var/lib/ferry/migrations.log. Lines that are not records (a\n"
	 "  write cut short) are skipped and counted on stderr.\n",
	 migrations_opts, domain_migrations},
};

const struct cmd_group migrations_group = {
	.name = "migrations",
	.summary = "recent migrations this node sent, with their figures",
	.entries = migrations_entry,
	.n = 1,
};
