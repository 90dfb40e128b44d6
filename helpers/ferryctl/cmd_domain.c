/* ferryctl domain: libxl domain control on this node. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flog.h"

#include "ferryctl.h"
#include "ledger_lookup.h"
#include "clock.h"
#include "migrate.h"
#include "migrate_slots.h"
#include "names.h"
#include "nodemap.h"
#include "numparse.h"
#include "peer.h"
#include "xen.h"

/* ferryctl domain status exit codes. */
#define EXIT_ABSENT    3
#define EXIT_SHUTDOWN  4
#define EXIT_DYING     5
#define EXIT_MIGRATING 6

/* Xen's DOMID_FIRST_RESERVED (xen/xen.h) less one: the last guest domid. */
#define GUEST_DOMID_MAX 0x7FEF

static const char domain_help[] =
	"DOMAIN is a domain name. An in-flight copy (NAME--incoming on a migration's\n"
	"target, NAME--migratedaway on its source) is found under NAME too.\n"
	"Names are checked (README, \"Names and numbers\"): 1..63 bytes of letters,\n"
	"digits and ._:+@-, not beginning with '-', not all digits.\n\n"
	"exit codes: 0 ok, 1 error, 2 usage;\n"
	"  status: 0 running/blocked/paused, 3 absent, 4 shut down (reason printed),\n"
	"          5 dying, 6 migrating (an in-flight copy)\n"
	"  migrate: 20 refused, nothing changed; 21 failed before \"go\": the domain\n"
	"           was resumed and runs here, the target's copy is destroyed;\n"
	"           22 failed after \"go\": check both nodes (the message says what\n"
	"           was found on each end)\n";

static const struct option help_only[] = {{"help", no_argument, NULL, 'h'}, {0}};

/* Parses options that are only --help (and @extra flags), leaving operands. */
static int simple_opts(int argc, char **argv, const char *usage, int want, const struct option *o,
		       void (*flag)(int c))
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", o ? o : help_only, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: ferryctl domain %s\n", usage);
			exit(0);
		}
		if (c == '?' || !flag) {
			fprintf(stderr, "usage: ferryctl domain %s\n", usage);
			return -1;
		}
		flag(c);
	}
	if (argc - optind != want) {
		fprintf(stderr, "usage: ferryctl domain %s\n", usage);
		return -1;
	}
	return optind;
}

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

static bool opt_paused;
static void flag_paused(int c)
{
	if (c == 'p')
		opt_paused = true;
}

static int domain_create(int argc, char **argv)
{
	static const struct option o[] = {{"paused", no_argument, NULL, 'p'},
					  {"help", no_argument, NULL, 'h'}, {0}};
	libxl_domain_config cfg;
	struct xen *x;
	uint32_t domid;
	int i, rc;

	i = simple_opts(argc, argv, "create CONFIG_FILE [--paused]", 1, o, flag_paused);
	if (i < 0 || open_xen(&x))
		return i < 0 ? FERRYCTL_EXIT_USAGE : FERRYCTL_EXIT_ERROR;
	libxl_domain_config_init(&cfg);
	rc = xen_config_load(x, argv[i], &cfg);
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
		rc = xen_create(x, &cfg, argv[i], opt_paused, 0, &domid);
	if (rc == 0)
		printf("%s: domid %u%s\n", cfg.c_info.name, domid, opt_paused ? " (paused)" : "");
	else
		fprintf(stderr, "ferryctl: create %s failed: %s\n", argv[i], strerror(-rc));
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

static bool opt_json;
static void flag_json(int c)
{
	if (c == 'j')
		opt_json = true;
}

static int domain_status(int argc, char **argv)
{
	static const struct option o[] = {{"json", no_argument, NULL, 'j'},
					  {"help", no_argument, NULL, 'h'}, {0}};
	struct xen_status st;
	struct xen *x;
	int i, rc;

	i = simple_opts(argc, argv, "status DOMAIN [--json]", 1, o, flag_json);
	if (i < 0 || check_name(NAME_DOMAIN, argv[i]))
		return FERRYCTL_EXIT_USAGE;
	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = xen_status_get(x, argv[i], &st);
	xen_close(x);
	if (rc) {
		fprintf(stderr, "ferryctl: %s: %s\n", argv[i], strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	if (opt_json) {
		status_json(stdout, &st);
		printf("\n");
	} else if (st.state == XEN_ABSENT) {
		printf("%s: absent\n", argv[i]);
	} else {
		printf("%s: %s", argv[i], st.migrating ? "migrating" : xen_state_name(st.state));
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

static int domain_list(int argc, char **argv)
{
	static const struct option o[] = {{"json", no_argument, NULL, 'j'},
					  {"help", no_argument, NULL, 'h'}, {0}};
	struct xen_status *list;
	struct xen *x;
	int i, n, rc;

	i = simple_opts(argc, argv, "list [--json]", 0, o, flag_json);
	if (i < 0 || open_xen(&x))
		return i < 0 ? FERRYCTL_EXIT_USAGE : FERRYCTL_EXIT_ERROR;
	rc = xen_list(x, &list, &n);
	xen_close(x);
	if (rc) {
		fprintf(stderr, "ferryctl: listing domains: %s\n", strerror(-rc));
		return FERRYCTL_EXIT_ERROR;
	}
	if (opt_json) {
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

#define SHUTDOWN_MAX_S 86400
static int opt_timeout = 60;
static bool opt_timeout_bad;
static void flag_timeout(int c)
{
	char why[256];

	if (c == 't' && num_parse_int("--timeout", optarg, 1, SHUTDOWN_MAX_S, &opt_timeout, why,
				      sizeof(why))) {
		fprintf(stderr, "ferryctl: %s\n", why);
		opt_timeout_bad = true;
	}
}

static int domain_shutdown(int argc, char **argv)
{
	static const struct option o[] = {{"timeout", required_argument, NULL, 't'},
					  {"help", no_argument, NULL, 'h'}, {0}};
	static const char *const how_name[] = {"cleanly", "cleanly (ACPI power button)",
					       "by destroy at the deadline"};
	struct xen_status st;
	struct xen *x;
	int i, rc, how = 0;

	i = simple_opts(argc, argv, "shutdown DOMAIN [--timeout SECONDS] (1..86400, default 60)",
			1, o, flag_timeout);
	if (i < 0 || opt_timeout_bad || check_name(NAME_DOMAIN, argv[i]))
		return FERRYCTL_EXIT_USAGE;
	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = find_domain(x, argv[i], &st);
	if (rc == 0) {
		rc = xen_shutdown(x, st.domid, opt_timeout * 1000, &how);
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
static int domain_simple(int argc, char **argv, const char *verb,
			 int (*op)(struct xen *, uint32_t))
{
	char usage[64];
	struct xen_status st;
	struct xen *x;
	int i, rc;

	snprintf(usage, sizeof(usage), "%s DOMAIN", verb);
	i = simple_opts(argc, argv, usage, 1, NULL, NULL);
	if (i < 0 || check_name(NAME_DOMAIN, argv[i]))
		return FERRYCTL_EXIT_USAGE;
	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = find_domain(x, argv[i], &st);
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

static int domain_destroy(int argc, char **argv)
{
	return domain_simple(argc, argv, "destroy", xen_destroy);
}

static int domain_pause(int argc, char **argv)
{
	return domain_simple(argc, argv, "pause", xen_pause);
}

static int domain_unpause(int argc, char **argv)
{
	return domain_simple(argc, argv, "unpause", xen_unpause);
}

static int domain_save(int argc, char **argv)
{
	struct xen_status st;
	struct xen *x;
	int i, rc;

	i = simple_opts(argc, argv, "save DOMAIN FILE", 2, NULL, NULL);
	if (i < 0 || check_name(NAME_DOMAIN, argv[i]))
		return FERRYCTL_EXIT_USAGE;
	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	rc = find_domain(x, argv[i], &st);
	if (rc == 0) {
		rc = xen_save(x, st.domid, argv[i + 1]);
		if (rc)
			fprintf(stderr, "ferryctl: save %s: %s\n", st.name, strerror(-rc));
		else
			printf("%s: saved to %s\n", st.name, argv[i + 1]);
		rc = rc ? FERRYCTL_EXIT_ERROR : 0;
	}
	xen_close(x);
	return rc;
}

static int domain_restore(int argc, char **argv)
{
	static const struct option o[] = {{"paused", no_argument, NULL, 'p'},
					  {"help", no_argument, NULL, 'h'}, {0}};
	struct xen *x;
	uint32_t domid;
	int i, rc;

	i = simple_opts(argc, argv, "restore FILE [--paused]", 1, o, flag_paused);
	if (i < 0 || open_xen(&x))
		return i < 0 ? FERRYCTL_EXIT_USAGE : FERRYCTL_EXIT_ERROR;
	rc = xen_restore(x, argv[i], opt_paused, &domid);
	if (rc)
		fprintf(stderr, "ferryctl: restore %s: %s\n", argv[i], strerror(-rc));
	else
		printf("restored %s as domid %u\n", argv[i], domid);
	xen_close(x);
	return rc ? FERRYCTL_EXIT_ERROR : 0;
}

/* Run by ferryd when a ferry-managed domain shut down by itself. */
static int domain_supervise(int argc, char **argv)
{
	struct ledger_entry e;
	struct xen_status st;
	struct xen *x;
	char done[256] = "";
	bool found = false, mine = false;
	uint32_t self = 0;
	int rc;

	if (ferryctl_wants_help(argc, argv) || argc != 3) {
		fprintf(argc == 3 ? stdout : stderr,
			"usage: ferryctl domain supervise DOMID REASON\n"
			"  Carries out the config's on_reboot/on_poweroff/on_crash/on_watchdog\n"
			"  for a ferry-managed domain that shut down by itself; restarts only\n"
			"  if the ledger gives it to this node. Run by ferryd.\n");
		return argc == 3 ? 0 : FERRYCTL_EXIT_USAGE;
	}
	/* A guest's domid: 1 up to the last before Xen's reserved ids. */
	char why[256];
	int domid;
	if (num_parse_int("DOMID", argv[1], 1, GUEST_DOMID_MAX, &domid, why,
			  sizeof(why))) {
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
	rc = rc ? rc : xen_on_shutdown(x, st.domid, mine, done, sizeof(done));
	xen_close(x);
	flog(FLOG_XEN, rc ? LOG_ERR : LOG_NOTICE, "%s (domid %s) %s: %s", st.name, argv[1], argv[2],
	     done);
	printf("%s: %s\n", st.name, done);
	return rc ? FERRYCTL_EXIT_ERROR : 0;
}

static const char migrate_usage[] =
	"migrate DOMAIN NODE [--suspend] [--no-encryption] [--address ADDR] [--port N]\n"
	"          [--keyfile FILE] [--speed MIB_S] [--slot-wait S] [--json]\n"
	"  Live-migrates DOMAIN to NODE's ferryd (default: its corosync ring0 address,\n"
	"  port 7780), authenticated with the cluster key and encrypted with TLS 1.3.\n"
	"  The ledger hands the domain over (MIGRATE_BEGIN, COMMIT or ABORT).\n"
	"  --suspend        non-live: suspend, copy, resume there (for PV guests on a\n"
	"                   Xen without shadow paging)\n"
	"  --no-encryption  not encrypted, every record still authenticated (TLS 1.2\n"
	"                   NULL cipher; trusted migration network, target --allow-plain)\n"
	"  --keyfile FILE   the cluster key (default /etc/ferry/authkey)\n"
	"  --address ADDR   reach NODE at ADDR (a dedicated migration network)\n"
	"  --port N         NODE's migration port, 1..65535 (default 7780)\n"
	"  --speed MIB_S    cap the stream at MIB_S MiB/s (default 0: no cap)\n"
	"  --slot-wait S    wait at most S seconds (default 600) for one of this node's\n"
	"                   outbound migration slots (ferryd --max-outbound-migrations)\n"
	"  exit codes: 0 migrated, 3 no such domain here, 20 refused (nothing changed),\n"
	"  21 failed before go (runs here), 22 failed after go (check both nodes)\n";

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

static int domain_migrate(int argc, char **argv)
{
	static const struct option o[] = {
		{"suspend", no_argument, NULL, 's'},   {"no-encryption", no_argument, NULL, 'n'},
		{"address", required_argument, NULL, 'a'}, {"port", required_argument, NULL, 'p'},
		{"keyfile", required_argument, NULL, 'k'}, {"json", no_argument, NULL, 'j'},
		{"speed", required_argument, NULL, 'S'},   {"slot-wait", required_argument, NULL, 'W'},
		{"help", no_argument, NULL, 'h'},          {0}};
	struct migrate_opts mo = {.live = true};
	struct migrate_metrics m;
	char why2[256];
	struct migrate_slot slot;
	struct peer_opts po;
	int speed = 0, slot_wait = 600;
	struct peer *p;
	struct xen *x;
	char why[PEER_WHY_MAX];
	bool json = false;
	int c, rc;

	peer_opts_init(&po);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", o, NULL)) != -1) {
		switch (c) {
		case 's':
			mo.live = false;
			break;
		case 'n':
			po.encrypt = false;
			break;
		case 'a':
			po.address = optarg;
			break;
		case 'p':
			if (num_parse_int("--port", optarg, 1, 65535, &po.port, why2, sizeof(why2))) {
				fprintf(stderr, "ferryctl: %s\n", why2);
				return FERRYCTL_EXIT_USAGE;
			}
			break;
		case 'k':
			po.keyfile = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'S':
		case 'W':
			if (num_parse_int(c == 'S' ? "--speed" : "--slot-wait", optarg, 0,
					  c == 'S' ? 1000000 : 86400, c == 'S' ? &speed : &slot_wait,
					  why2, sizeof(why2))) {
				fprintf(stderr, "ferryctl: %s\n", why2);
				return FERRYCTL_EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: ferryctl domain %s", migrate_usage);
			return 0;
		default:
			fprintf(stderr, "usage: ferryctl domain %s", migrate_usage);
			return FERRYCTL_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: ferryctl domain %s", migrate_usage);
		return FERRYCTL_EXIT_USAGE;
	}
	if (check_name(NAME_DOMAIN, argv[optind]) || check_name(NAME_NODE, argv[optind + 1]))
		return FERRYCTL_EXIT_USAGE;
	po.speed_mib_s = (unsigned)speed;
	if (open_xen(&x))
		return FERRYCTL_EXIT_ERROR;
	struct xen_status st;
	rc = find_domain(x, argv[optind], &st);
	if (rc) {
		xen_close(x);
		return rc;
	}
	/* Every outbound migration of this node takes a slot, however it
	 * was started. */
	if (migrate_slot_take(argv[optind], 0, &slot, why, sizeof(why)) == -ETIMEDOUT &&
	    slot_wait > 0) {
		fprintf(stderr, "ferryctl: migrate %s: waiting up to %d s for an outbound migration "
			"slot: %s\n", argv[optind], slot_wait, why);
		rc = migrate_slot_take(argv[optind], clock_ms() + (int64_t)slot_wait * 1000, &slot, why,
				       sizeof(why));
	} else {
		rc = slot.fd >= 0 ? 0 : -ETIMEDOUT;
	}
	if (rc) {
		fprintf(stderr, "ferryctl: migrate %s refused: %s\n", argv[optind], why);
		xen_close(x);
		return FERRYCTL_EXIT_REFUSED;
	}
	rc = peer_connect(argv[optind + 1], &po, &p, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "ferryctl: migrate %s refused: %s\n", argv[optind], why);
		migrate_slot_release(&slot);
		xen_close(x);
		return FERRYCTL_EXIT_REFUSED;
	}
	enum migrate_result res = migrate_send(x, p, argv[optind], &mo, &m);
	peer_close(p);
	migrate_slot_release(&slot);
	xen_close(x);
	metrics_print(&m, json);
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

static int domain_migrations(int argc, char **argv)
{
	char why[256];
	unsigned skipped = 0;
	FILE *f;
	int n = 20, rc;

	if (ferryctl_wants_help(argc, argv)) {
		printf("usage: ferryctl migrations [-n N]\n  the last N (0..1000000, default 20) "
		       "migrations this node sent, one JSON object per line, from %s.\n"
		       "  Lines that are not records (a write cut short) are skipped and counted "
		       "on stderr.\n",
		       migrate_history_path());
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "-n")) {
		if (num_parse_int("-n", argv[2], 0, 1000000, &n, why, sizeof(why))) {
			fprintf(stderr, "ferryctl: %s\n", why);
			return FERRYCTL_EXIT_USAGE;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: ferryctl migrations [-n N]\n");
		return FERRYCTL_EXIT_USAGE;
	}
	f = fopen(migrate_history_path(), "r");
	if (!f)
		return 0; /* no migration yet */
	rc = migrate_history_tail(f, (unsigned)n, print_record, NULL, &skipped);
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

int cmd_migrations(int argc, char **argv)
{
	return domain_migrations(argc, argv);
}

int cmd_domain(int argc, char **argv)
{
	static const struct ferryctl_command sub[] = {
		{"create", domain_create, "create and start a domain from an xl config file"},
		{"status", domain_status, "state of a domain (see exit codes)"},
		{"list", domain_list, "every domain on this node, ferry-managed or not"},
		{"shutdown", domain_shutdown, "clean shutdown, destroy at the deadline"},
		{"destroy", domain_destroy, "destroy a domain at once"},
		{"pause", domain_pause, "pause a domain"},
		{"unpause", domain_unpause, "unpause a domain"},
		{"save", domain_save, "save a domain to a file (it stops here)"},
		{"restore", domain_restore, "restore a domain from a saved file"},
		{"migrate", domain_migrate, "live-migrate a domain to another node's ferryd"},
		{"supervise", domain_supervise, "handle a domain's own shutdown (run by ferryd)"},
	};
	return ferryctl_dispatch("domain", sub, sizeof(sub) / sizeof(sub[0]), domain_help, argc,
				 argv);
}
