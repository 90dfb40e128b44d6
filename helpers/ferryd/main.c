/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ferryd: keeps the replicated ownership ledger of ferry's Xen domains.
 * Options, daemonizing, the qb loop and the module table.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "children.h"
#include "clock.h"
#include "drbdwatch.h"
#include "fence.h"
#include "ferryd.h"
#include "group.h"
#include "ipc.h"
#include "listener.h"
#include "migrate_slots.h"
#include "peer_proto.h"
#include "quorum.h"
#include "requests.h"
#include "supervise.h"
#include "sync.h"
#include "transport.h"
#include "wire.h"

#define DEFAULT_RUN_DIR "/run/ferry"

/* Start-up order; stopped in reverse. New event sources add a line. */
static const struct module {
	const char *name;
	int (*start)(struct ferryd *d);
	void (*stop)(struct ferryd *d);
} modules[] = {
	{ "cpg group", group_start, group_stop },
	{ "ledger replica", sync_start, sync_stop },
	{ "quorum", quorum_watch_start, quorum_watch_stop },
	{ "requests", requests_start, requests_stop },
	{ "ipc server", ipc_start, ipc_stop },
	{ "fencing", fence_start, fence_stop },
	{ "child processes", children_start, children_stop },
	{ "drbd state", drbdwatch_start, drbdwatch_stop },
	{ "domain supervision", supervise_start, supervise_stop },
	{ "migration listener", listener_start, listener_stop },
};

#define NMODULES (sizeof(modules) / sizeof(modules[0]))

static bool stopping;

void ferryd_stop(struct ferryd *d, int code, const char *why)
{
	if (stopping)
		return;
	stopping = true;
	d->exit_code = code;
	flog(FLOG_MAIN, code ? LOG_ERR : LOG_NOTICE, "stopping: %s", why);
	qb_loop_stop(d->loop);
}

static int32_t on_signal(int32_t sig, void *data)
{
	ferryd_stop(data, 0, sig == SIGTERM ? "SIGTERM" : "SIGINT");
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ferryd [OPTION]...\n"
		"Keep ferry's replicated ownership ledger of Xen domains over corosync CPG.\n"
		"\n"
		"  -f, --foreground         stay in the foreground and log to stderr too\n"
		"  -d, --debug              log debug lines (the blackbox always keeps them)\n"
		"  -p, --pid-file FILE      write the pid to FILE (and refuse to run twice)\n"
		"      --run-dir DIR        runtime files (default %s): the blackbox dump and\n"
		"                           ledger.state, the ledger saved after every change and\n"
		"                           restored when ferryd restarts (keep DIR on a tmpfs: a\n"
		"                           rebooted host must rejoin as a fresh member; a file of\n"
		"                           another boot, node or corrupt is ignored)\n"
		"      --inventory-dir DIR  TEST SEAM: the domains running here are the names of\n"
		"                           the files in DIR (stands in for libxl where there is\n"
		"                           no hypervisor, as in the namespace test tier)\n"
		"      --migration-address A  listen for migrations and peer requests on A\n"
		"                           (default: this node's corosync ring0 address)\n"
		"      --migration-port N   port of the migration listener (default 7780)\n"
		"      --no-migration       no migration listener\n"
		"      --allow-plain        accept peers that authenticate but do not encrypt\n"
		"                           (a trusted, dedicated migration network only)\n"
		"      --allow-peer NET     also serve peers connecting from NET (ADDRESS or\n"
		"                           ADDRESS/BITS; repeatable), e.g. a dedicated migration\n"
		"                           network. Default: cluster members only (every ring\n"
		"                           address of corosync's nodelist), plus the subnet of\n"
		"                           --migration-address when that is not a ring address\n"
		"      --keyfile FILE       cluster key the peer servers authenticate with\n"
		"                           (default /etc/ferry/authkey; FILE.next and FILE.prev\n"
		"                           are accepted too during a key rollover)\n"
		"      --ferryctl PATH      ferryctl that serves peers and handles guest\n"
		"                           reboots (default: the one next to this ferryd)\n"
		"      --max-outbound-migrations N  at most N migrations leave this node at\n"
		"                           once (default 1; 1..64), whoever starts them: each\n"
		"                           takes a slot in /run/ferry/migrate-out, later ones\n"
		"                           wait (within their operation's timeout)\n"
		"      --destroy-conflicts  destroy a ferry-managed domain running here that\n"
		"                           the ledger gives to another node (default: report\n"
		"                           the CONFLICT and leave it alone)\n"
		"  -h, --help               this text\n"
		"  -V, --version            protocol versions\n"
		"\n"
		"Exit status: 0 stopped by a signal, 1 corosync unreachable or lost, or another\n"
		"failure, 2 bad usage.\n",
		DEFAULT_RUN_DIR);
}

static int parse(struct ferryd *d, int argc, char **argv)
{
	enum { OPT_INVENTORY = 256, OPT_RUN_DIR, OPT_MIG_ADDR, OPT_MIG_PORT, OPT_NO_MIG,
	       OPT_ALLOW_PLAIN, OPT_FERRYCTL, OPT_DESTROY_CONFLICTS, OPT_ALLOW_PEER, OPT_KEYFILE,
	       OPT_MAX_OUT };
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "inventory-dir", required_argument, NULL, OPT_INVENTORY },
		{ "run-dir", required_argument, NULL, OPT_RUN_DIR },
		{ "migration-address", required_argument, NULL, OPT_MIG_ADDR },
		{ "migration-port", required_argument, NULL, OPT_MIG_PORT },
		{ "no-migration", no_argument, NULL, OPT_NO_MIG },
		{ "allow-plain", no_argument, NULL, OPT_ALLOW_PLAIN },
		{ "allow-peer", required_argument, NULL, OPT_ALLOW_PEER },
		{ "keyfile", required_argument, NULL, OPT_KEYFILE },
		{ "ferryctl", required_argument, NULL, OPT_FERRYCTL },
		{ "destroy-conflicts", no_argument, NULL, OPT_DESTROY_CONFLICTS },
		{ "max-outbound-migrations", required_argument, NULL, OPT_MAX_OUT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	d->run_dir = DEFAULT_RUN_DIR;
	d->max_outbound = MIGRATE_SLOTS_DEFAULT;
	while ((c = getopt_long(argc, argv, "fdp:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			d->foreground = true;
			break;
		case 'd':
			d->debug = true;
			break;
		case 'p':
			d->pid_file = optarg;
			break;
		case OPT_INVENTORY:
			d->inventory_dir = optarg;
			break;
		case OPT_RUN_DIR:
			d->run_dir = optarg;
			break;
		case OPT_MIG_ADDR:
			d->mig_address = optarg;
			break;
		case OPT_MIG_PORT:
			d->mig_port = atoi(optarg);
			if (d->mig_port <= 0 || d->mig_port > 65535) {
				fprintf(stderr, "ferryd: bad --migration-port '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case OPT_NO_MIG:
			d->mig_port = -1;
			break;
		case OPT_ALLOW_PLAIN:
			d->allow_plain = true;
			break;
		case OPT_ALLOW_PEER: {
			char **v = realloc(d->allow_peer, (size_t)(d->nallow_peer + 1) * sizeof(*v));

			if (!v)
				return -ENOMEM;
			d->allow_peer = v;
			d->allow_peer[d->nallow_peer++] = optarg;
			break;
		}
		case OPT_KEYFILE:
			d->keyfile = optarg;
			break;
		case OPT_FERRYCTL:
			d->ferryctl = optarg;
			break;
		case OPT_DESTROY_CONFLICTS:
			d->destroy_conflicts = true;
			break;
		case OPT_MAX_OUT: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || end == optarg || v < 1 || v > MIGRATE_SLOTS_MAX) {
				fprintf(stderr, "ferryd: bad --max-outbound-migrations '%s' (1..%d)\n",
					optarg, MIGRATE_SLOTS_MAX);
				return -EINVAL;
			}
			d->max_outbound = (unsigned)v;
			break;
		}
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("ferryd: wire protocol v%d.%d, IPC v%d, transport v%d, peer protocol v%d\n",
			       WIRE_VERSION_MAJOR, WIRE_VERSION_MINOR, FERRY_IPC_VERSION,
			       TRANSPORT_VERSION, PEER_PROTO_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ferryd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/* Fork; the parent exits with the child's start-up verdict. */
static int daemonize(int *ready_fd)
{
	int fds[2];
	pid_t pid;
	char code;

	if (pipe(fds) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(fds[1]);
		if (read(fds[0], &code, 1) == 1)
			exit(code);
		/* the child died before saying anything */
		waitpid(pid, NULL, 0);
		exit(1);
	}
	close(fds[0]);
	setsid();
	*ready_fd = fds[1];
	return 0;
}

static void ready(int fd, char code)
{
	int null;

	if (fd < 0)
		return;
	if (code == 0 && (null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	if (write(fd, &code, 1) < 0)
		flog(FLOG_MAIN, LOG_WARNING, "cannot tell the parent we started");
	close(fd);
}

static int pid_file_take(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		close(fd);
		return e == EWOULDBLOCK ? -EEXIST : -e;
	}
	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, strlen(buf)) < 0) {
		close(fd);
		return -errno;
	}
	return fd; /* kept open: the lock lives as long as we do */
}

int main(int argc, char **argv)
{
	struct ferryd d = { 0 };
	qb_loop_signal_handle sh;
	int ready_fd = -1, pid_fd = -1;
	size_t started = 0;
	int rc;

	if (parse(&d, argc, argv) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	flog_init("ferryd", d.foreground, d.debug);
	if (!d.foreground && daemonize(&ready_fd) < 0) {
		fprintf(stderr, "ferryd: cannot daemonize: %s\n", strerror(errno));
		return 1;
	}
	d.pid = (uint32_t)getpid();
	d.started_mono_ms = clock_ms();
	if (mkdir(d.run_dir, 0700) < 0 && errno != EEXIST)
		flog(FLOG_MAIN, LOG_WARNING, "cannot create %s: %s", d.run_dir, strerror(errno));
	/* Every ferryctl of this node reads it when it migrates a domain out. */
	rc = migrate_slots_publish(d.max_outbound);
	if (rc)
		flog(FLOG_MAIN, LOG_WARNING, "cannot publish --max-outbound-migrations in %s: %s "
		     "(migrations take %d at a time)", migrate_slot_dir(), strerror(-rc),
		     MIGRATE_SLOTS_DEFAULT);
	if (d.pid_file) {
		pid_fd = pid_file_take(d.pid_file);
		if (pid_fd < 0) {
			fprintf(stderr, "ferryd: %s: %s\n", d.pid_file,
				pid_fd == -EEXIST ? "another ferryd holds it" : strerror(-pid_fd));
			ready(ready_fd, 1);
			return 1;
		}
	}
	d.loop = qb_loop_create();
	if (!d.loop) {
		fprintf(stderr, "ferryd: cannot create the main loop\n");
		ready(ready_fd, 1);
		return 1;
	}
	qb_loop_signal_add(d.loop, QB_LOOP_HIGH, SIGTERM, &d, on_signal, &sh);
	qb_loop_signal_add(d.loop, QB_LOOP_HIGH, SIGINT, &d, on_signal, &sh);

	for (; started < NMODULES; started++) {
		rc = modules[started].start(&d);
		if (rc < 0) {
			if (rc == -ENOTCONN)
				fprintf(stderr, "ferryd: cannot start the %s: corosync is not reachable "
						"(is corosync running on this node?)\n",
					modules[started].name);
			else
				fprintf(stderr, "ferryd: cannot start the %s: %s\n",
					modules[started].name, strerror(-rc));
			flog(FLOG_MAIN, LOG_ERR, "cannot start the %s: %s", modules[started].name,
			     strerror(-rc));
			d.exit_code = 1;
			break;
		}
	}
	if (started == NMODULES) {
		flog(FLOG_MAIN, LOG_NOTICE, "ferryd started: node %u, pid %u%s%s", d.nodeid, d.pid,
		     d.inventory_dir ? ", test inventory " : "",
		     d.inventory_dir ? d.inventory_dir : "");
		ready(ready_fd, 0);
		qb_loop_run(d.loop);
	} else {
		ready(ready_fd, 1);
	}
	while (started > 0)
		modules[--started].stop(&d);
	qb_loop_destroy(d.loop);
	if (pid_fd >= 0) {
		unlink(d.pid_file);
		close(pid_fd);
	}
	flog(FLOG_MAIN, LOG_NOTICE, "ferryd exits with status %d", d.exit_code);
	flog_fini();
	return d.exit_code;
}
